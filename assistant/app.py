"""The library's front door: one object wiring settings, store, retrieval and answers.

Everything the CLI does goes through :class:`FactCheck`, so scripts can do the same::

    from assistant import FactCheck, Settings
    fc = FactCheck(Settings(store="vectorstore"))
    fc.ingest(["seeds"])
    print(fc.ask("Who said 5 were killed?").to_json())
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from assistant.errors import StoreError
from assistant.settings import Mode, Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from assistant.index.embeddings import Embedder
    from assistant.index.fetch import Fetched
    from assistant.index.filters import SourceFilter
    from assistant.index.info import StoreInfo
    from assistant.index.ingest import IngestReport
    from assistant.index.langchain_retriever import HybridRetriever
    from assistant.index.retrieval import Hit, HybridSearch
    from assistant.index.sources import SourceFiles
    from assistant.index.store import Store
    from assistant.reasoning.answer_types import Answer
    from assistant.reasoning.check import CheckResult
    from assistant.reasoning.claims import ClaimTable
    from assistant.reasoning.summary import Summary


R = TypeVar("R")
# A sentence at least this relevant to a summary topic is one of its statements.
TOPIC_RELEVANCE = 0.4


class FactCheck:
    """The fact-check assistant as a library.

    Args:
        settings: Configuration (built once by the caller).
        embeddings: Override the embedding model (tests pass a fake one).
        chat_model: Override the chat model (tests pass a scripted one); it counts as a
            configured LLM.
        source_filter: Use only the articles it admits (outlets, publication dates) in
            every search, answer, check, claim table and summary.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embeddings: Embeddings | None = None,
        chat_model: BaseChatModel | None = None,
        source_filter: SourceFilter | None = None,
    ) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._chat_model = chat_model
        self.source_filter = source_filter if source_filter and source_filter.active else None

    @cached_property
    def embeddings(self) -> Embeddings:
        """The configured embedding model as LangChain ``Embeddings`` (loaded lazily)."""
        if self._embeddings is not None:
            return self._embeddings
        from assistant.index.embeddings import make_embeddings

        return make_embeddings(self.settings)

    @cached_property
    def embedder(self) -> Embedder:
        """The same model for the pipeline's own use: the local one without LangChain.

        Answering from the command line then never imports LangChain (see
        :mod:`assistant.index.embeddings`); the loaded model is shared with
        :attr:`embeddings`.
        """
        if self._embeddings is not None:
            return self._embeddings
        from assistant.index.embeddings import make_embedder

        return make_embedder(self.settings)

    @cached_property
    def store(self) -> Store:
        """The opened store; raises StoreError if it is missing, empty or incompatible."""
        from assistant.index.embeddings import embedding_model_id
        from assistant.index.store import open_store

        return open_store(self.settings, embedding_model_id(self.settings, self._embeddings))

    def with_sentence_cache(self) -> FactCheck:
        """A FactCheck like this one that remembers the sentence vectors it computes.

        For a process that answers many questions (a server, ``ask -``): the sentences
        of passages retrieved again are not embedded again. Bounded (see
        :mod:`assistant.index.sentence_cache`).
        """
        from assistant.index.embeddings import embedding_model_id
        from assistant.index.sentence_cache import SentenceCache

        inner = self.embedder
        if isinstance(inner, SentenceCache):
            return self
        cache = SentenceCache(inner, embedding_model_id(self.settings, inner))
        return FactCheck(
            self.settings,
            embeddings=cache,
            chat_model=self._chat_model,
            source_filter=self.source_filter,
        )

    @cached_property
    def searcher(self) -> HybridSearch:
        """The hybrid search over the store, which every command uses."""
        from assistant.index.retrieval import HybridSearch

        # The record is read at each search: a server sees folders ingested since.
        return HybridSearch(
            self.store,
            self.embedder,
            k=self.settings.k,
            trusted_folders=self._trusted,
            source_filter=self.source_filter,
        )

    @cached_property
    def retriever(self) -> HybridRetriever:
        """The same search as a LangChain ``BaseRetriever``, for LangChain chains.

        Imported on first use: LangChain's retriever machinery is slow to import and
        no command needs it.
        """
        from assistant.index.langchain_retriever import HybridRetriever

        return HybridRetriever(
            store=self.store,
            embeddings=self.embeddings,
            k=self.settings.k,
            trusted_folders=self._trusted(),
        )

    def _trusted(self) -> frozenset[Path]:
        """The folders ingested into this store: the only ones citations are read from."""
        from assistant.index.record import trusted_folders

        return trusted_folders(self.settings).folders

    def _sources(self) -> SourceFiles:
        """The article files as they are now, for one operation (read once each)."""
        from assistant.index.formats.cache import DocumentCache
        from assistant.index.record import trusted_folders
        from assistant.index.sources import SourceFiles

        trust = trusted_folders(self.settings)
        return SourceFiles(
            trust.folders,
            int(self.settings.max_file_mb * 2**20),
            DocumentCache(self.settings.text_cache),
            record_problem=trust.problem,
        )

    @staticmethod
    def _tell_stale(result: R, sources: SourceFiles) -> R:
        """Add a notice to ``result`` when passages were left out as out of date."""
        notice = sources.notice()
        if notice:
            result.notices.append(notice)  # type: ignore[attr-defined]
        return result

    def _reset(self) -> None:
        for name in ("store", "searcher", "retriever"):
            self.__dict__.pop(name, None)

    def store_exists(self) -> bool:
        """True when the store exists: a local Chroma folder, or the server's collection."""
        if self.settings.chroma_url:
            from assistant.errors import StoreMissingError

            try:
                _ = self.store
            except StoreMissingError:
                return False
            return True
        return (Path(self.settings.store) / "chroma.sqlite3").exists()

    def ingest(
        self,
        paths: Iterable[Path | str] | None = None,
        *,
        rebuild: bool = False,
        on_skip: Callable[[Path, str], None] | None = None,
        on_total: Callable[[int], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
        on_wait: Callable[[], None] | None = None,
        on_read: Callable[[int, int], None] | None = None,
        urls: Iterable[str] = (),
        fetch_dir: Path | None = None,
        on_fetched: Callable[[Fetched], None] | None = None,
        on_fetch_error: Callable[[str, str], None] | None = None,
    ) -> IngestReport:
        """Ingest articles (default: the configured corpus folder) into the store.

        URLs are fetched first and saved under ``fetch_dir`` (default: the settings'
        ``fetch_dir``), one folder per site; the saved files are ingested like any
        other, so their citations verify against a file on disk. A URL that cannot be
        fetched is skipped with its reason (``on_fetch_error`` and the report's
        ``fetch_failed``); ``on_fetched`` is told of each page saved.
        See :func:`assistant.index.ingest.ingest` for the other arguments and errors.

        Raises:
            InputError: URLs were given but none could be fetched, and no path either.
        """
        from assistant.index.ingest import ingest

        urls = list(urls)
        fetched: list[Fetched] = []
        failed: list[tuple[str, str]] = []
        if urls:
            fetched, failed = self._fetch(urls, fetch_dir, on_fetched, on_fetch_error)
        if paths:
            targets = [Path(p) for p in paths]
        elif urls:
            targets = []
        else:
            targets = [Path(self.settings.corpus)]
        targets += [f.path for f in fetched]
        if not targets:
            from assistant.errors import InputError

            raise InputError(
                f"none of the {len(urls):,} URLs could be fetched, so nothing was ingested"
                if len(urls) > 1
                else "the URL could not be fetched, so nothing was ingested"
            )
        self._reset()
        try:
            report = ingest(
                targets,
                self.settings,
                rebuild=rebuild,
                # A model this object already loaded is reused, not loaded again.
                embeddings=self._embeddings
                or self.__dict__.get("embedder")
                or self.__dict__.get("embeddings"),
                on_skip=on_skip,
                on_total=on_total,
                on_progress=on_progress,
                on_wait=on_wait,
                on_read=on_read,
            )
            report.fetched = fetched
            report.fetch_failed = failed
            return report
        finally:
            self._reset()

    def _fetch(
        self,
        urls: list[str],
        folder: Path | None,
        on_fetched: Callable[[Fetched], None] | None,
        on_error: Callable[[str, str], None] | None,
    ) -> tuple[list[Fetched], list[tuple[str, str]]]:
        """Fetch ``urls`` into ``folder``; (what was saved, (url, why) for the rest)."""
        from assistant.index.fetch import fetch_urls

        report = fetch_urls(
            urls,
            Path(folder or self.settings.fetch_dir).expanduser(),
            timeout=self.settings.fetch_timeout,
            max_bytes=int(self.settings.max_file_mb * 2**20),
            on_fetched=on_fetched,
            on_error=on_error,
        )
        return report.fetched, report.failed

    def _all_chunks(self) -> list[Any]:
        """Every chunk of the articles the source filter admits (all, with no filter).

        Raises:
            InputError: The filter names an outlet no article has, or admits nothing.
        """
        chunks = self.store.all_chunks()
        f = self.source_filter
        if f is None:
            return chunks
        f.resolve(self.store.keywords.publishers())  # an unknown outlet is an error
        kept = [c for c in chunks if f.admits(c)]
        if not kept:
            from assistant.errors import InputError

            raise InputError("no article matches --since/--until/--outlet")
        return kept

    def needs_first_ingest(self) -> bool:
        """True when there is no store yet but the default corpus folder exists."""
        return not self.store_exists() and Path(self.settings.corpus).is_dir()

    def info(self) -> StoreInfo:
        """Where the store is and what it holds, read without changing anything."""
        from assistant.index.info import inspect_store

        return inspect_store(self.settings)

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        """Hybrid search: the ``k`` best passages for ``query`` that still stand in their files."""
        return self.search_checked(query, k)[0]

    def search_checked(self, query: str, k: int | None = None) -> tuple[list[Hit], list[str]]:
        """:meth:`search`, with notices about passages left out as out of date."""
        sources = self._sources()
        hits = self.searcher.search(query, k, sources=sources)
        notice = sources.notice()
        return hits, [notice] if notice else []

    def resolve_mode(self, mode: Mode | None = None) -> Mode:
        """``auto`` becomes ``llm`` when a model is configured, else ``extractive``."""
        mode = mode or self.settings.mode
        if mode == "auto":
            configured = self._chat_model is not None or self.settings.llm_configured
            return "llm" if configured else "extractive"
        return mode

    def _chat(self) -> BaseChatModel:
        from assistant.llm.model import make_chat_model

        return self._chat_model or make_chat_model(self.settings)  # ConfigError if none

    def _with_fallback(
        self, asked: Mode, run_llm: Callable[[], R], run_offline: Callable[[], R]
    ) -> R:
        """Run the LLM path; fall back to the offline result with a notice.

        A reply that breaks the format twice falls back in every mode; a server failure
        falls back in ``auto`` and is raised in ``llm``.
        """
        from assistant.llm.faults import LLMError, LLMFormatError

        try:
            return run_llm()
        except LLMFormatError as exc:
            problem = str(exc)
        except LLMError as exc:
            if asked == "llm":
                raise
            problem = str(exc)
        fallback = run_offline()
        fallback.notices.append(  # type: ignore[attr-defined]
            f"{problem}; showing the extractive result"
        )
        return fallback

    def ask(self, question: str, mode: Mode | None = None) -> Answer:
        """Answer a question with verified citations.

        Args:
            question: The question in plain English.
            mode: ``extractive``, ``llm`` or ``auto`` (default: from settings). ``auto``
                uses the LLM when one is configured and falls back to the extractive
                answer, with a notice, when the model server fails.

        Raises:
            InputError: The question is empty.
            ConfigError: ``llm`` was asked for but no model is configured.
            LLMError: ``llm`` was asked for and the model server failed.
            StoreError: The store is missing or incompatible.
        """
        from assistant.index.retrieval import check_question
        from assistant.reasoning.citations import SourceReader

        question = check_question(question)
        asked = mode or self.settings.mode
        sources = self._sources()
        extractive = self._extractive(sources)
        from assistant.reasoning import nlp

        nlp.load_in_background()  # short answers tag with spaCy; load it meanwhile
        if self.resolve_mode(asked) == "extractive":
            return self._tell_stale(extractive.answer(question), sources)

        from assistant.llm.chat import LLMAnswerer

        llm = LLMAnswerer(extractive, self._chat(), self.settings.llm_model, self.settings)
        # One assessment serves both answers (the fallback reuses it): score down to
        # the lower of their two gates.
        floor = min(extractive.min_relevance, self.settings.llm_min_relevance)
        assessment = extractive.assess(question, floor=floor)
        reader = SourceReader(sources)
        answer = self._with_fallback(
            asked,
            lambda: llm.answer_from(assessment, reader),
            lambda: extractive.answer_from(assessment, reader),
        )
        return self._tell_stale(answer, sources)

    def _extractive(self, sources: SourceFiles | None = None) -> Any:
        from assistant.reasoning.answer import ExtractiveAnswerer

        # Twelve passages: a short answer is voted on across sources, and a dissenting
        # report must be among them to be shown.
        return ExtractiveAnswerer(
            self.searcher,
            self.embedder,
            k=max(self.settings.k, 12),
            sources=sources if sources is not None else self._sources(),
        )

    def claims(self, mode: Mode | None = None) -> ClaimTable:
        """Every quantitative claim in the store, merged and grouped, each cited.

        In LLM mode the model extracts the rows from the passages that hold figures, and
        every row is verified like any citation.
        """
        from assistant.reasoning.citations import SourceReader
        from assistant.reasoning.claims import build_claim_table, has_figure

        sources = self._sources()
        chunks = sources.keep_current(self._all_chunks())
        reader = SourceReader(sources)
        asked = mode or self.settings.mode
        if self.resolve_mode(asked) == "extractive":
            return self._tell_stale(build_claim_table(chunks, reader), sources)
        from assistant.llm.tasks import llm_claims

        chat = self._chat()
        with_figures = [c for c in chunks if has_figure(c.text)]
        table = self._with_fallback(
            asked,
            lambda: llm_claims(with_figures, chat, self.settings, reader)[0],
            lambda: build_claim_table(chunks, reader),
        )
        return self._tell_stale(table, sources)

    def check(self, claim: str, mode: Mode | None = None) -> CheckResult:
        """A verdict on ``claim`` (supported, refuted, conflicting, not_enough_info).

        Raises:
            InputError: The claim is empty.
        """
        from assistant.reasoning.check import CheckResult, ClaimChecker
        from assistant.reasoning.citations import SourceReader

        sources = self._sources()
        extractive = self._extractive(sources)
        checker = ClaimChecker(extractive)
        asked = mode or self.settings.mode
        reader = SourceReader(sources)
        if self.resolve_mode(asked) == "extractive":
            return self._tell_stale(checker.check(claim, reader), sources)
        from assistant.llm.tasks import llm_check

        chat = self._chat()
        assessment = extractive.assess(claim, floor=checker.min_relevance)
        if assessment.best_relevance < checker.min_relevance:  # no model call
            return CheckResult(
                assessment.question,
                "not_enough_info",
                "No passage in the articles is close enough to this claim to judge it.",
                mode="llm",
            )
        result = self._with_fallback(
            asked,
            lambda: llm_check(assessment, chat, self.settings, extractive, reader),
            # The LLM path reads the assessment without changing it: reuse it.
            lambda: checker.check_from(assessment, reader),
        )
        return self._tell_stale(result, sources)

    def summary(self, topic: str | None = None, mode: Mode | None = None) -> Summary:
        """A cited summary of the whole corpus, or of what it says about ``topic``.

        Raises:
            InputError: The topic is empty, or the articles say nothing about it.
        """
        from assistant.errors import InputError
        from assistant.reasoning.citations import SourceReader
        from assistant.reasoning.summary import summarize

        sources = self._sources()
        reader = SourceReader(sources)
        if topic is None:
            chunks = sources.keep_current(self._all_chunks())
            statements = None  # every attributed sentence, ranked by the summary itself
        else:
            from assistant.index.retrieval import check_question

            topic = check_question(topic)
            extractive = self._extractive(sources)
            extractive.k = max(extractive.k, 15)
            assessment = extractive.assess(topic, floor=TOPIC_RELEVANCE)
            relevant = [c for c in assessment.candidates if c.relevance >= TOPIC_RELEVANCE]
            if not relevant:
                raise InputError(f"the articles say nothing about {topic!r}")
            chunks = list({c.chunk.id: c.chunk for c in relevant}.values())
            statements = [(c.chunk, c.text) for c in relevant]
        offline = self._tell_stale(
            summarize(chunks, topic, statements=statements, reader=reader), sources
        )
        asked = mode or self.settings.mode
        if self.resolve_mode(asked) == "extractive":
            return offline
        from assistant.llm.tasks import llm_summary

        chat = self._chat()
        passages = _summary_passages(chunks, offline)
        table = offline.table
        assert table is not None
        return self._with_fallback(
            asked,
            lambda: llm_summary(
                passages,
                topic,
                chat,
                self.settings,
                table,
                offline.titles,
                reader,
            ),
            lambda: offline,
        )


def _summary_passages(chunks: list[Any], offline: Summary, limit: int = 8) -> list[Any]:
    """The passages a model summarises: each article's opening, then those with most claims.

    A small model's context holds a few passages, not a corpus; the claim table (from
    the rules) still covers every article in the report.
    """
    by_id = {c.id: c for c in chunks}
    chosen: dict[str, Any] = {}
    firsts: dict[str, Any] = {}
    for c in sorted(chunks, key=lambda c: (c.source, c.start)):
        firsts.setdefault(c.source, c)
    for c in firsts.values():
        chosen[c.id] = c
    # Each citation is looked up among its own file's chunks, not all chunks: on a large
    # corpus the claim table has thousands of citations.
    by_source: dict[str, list[Any]] = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c)
    counts: dict[str, int] = {}
    for claim in offline.table.claims if offline.table else []:
        for cit in claim.citations:
            for c in by_source.get(cit.source, []):
                if c.start <= cit.start < c.end:
                    counts[c.id] = counts.get(c.id, 0) + 1
    for cid in sorted(counts, key=lambda i: -counts[i]):
        if len(chosen) >= limit:
            break
        chosen.setdefault(cid, by_id[cid])
    return sorted(list(chosen.values())[:limit], key=lambda c: (c.source, c.start))


__all__ = ["FactCheck", "StoreError"]
