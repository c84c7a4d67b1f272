"""The ``factcheck`` command: parses arguments, calls the library, renders the result.

No logic lives here. Errors from the library carry a message for the user: it is
printed as one line on stderr with exit code 1 (``FACTCHECK_DEBUG=1`` shows the
traceback instead). Heavy libraries are imported inside commands so ``--help`` is fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from assistant.errors import FactCheckError

if TYPE_CHECKING:
    from rich.console import Console

    from assistant.app import FactCheck
    from assistant.reasoning.answer import Answer
    from assistant.settings import Settings

T = TypeVar("T")

app = typer.Typer(
    name="factcheck",
    help=(
        "Ask questions of a folder of news articles and get answers whose every quote "
        "is verified against the source file (file, line, character span).\n\n"
        'Start with: factcheck ask "Who said 5 were killed?" (ingests ./seeds on first use).'
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class ModeChoice(StrEnum):
    """Answer modes offered on the command line."""

    auto = "auto"
    extractive = "extractive"
    llm = "llm"


ModeOpt = Annotated[
    ModeChoice | None,
    typer.Option(
        "--mode",
        help=(
            "auto (default: llm when OPENAI_API_KEY or OPENAI_BASE_URL is set, else "
            "extractive), extractive (rules, no model) or llm."
        ),
        show_default=False,
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Store folder (default: ./vectorstore, or FACTCHECK_STORE).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
ChromaOpt = Annotated[
    str | None,
    typer.Option(
        "--chroma-url",
        help="Keep vectors in this Chroma server (http://host:port; or FACTCHECK_CHROMA_URL).",
        show_default=False,
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="Chat model for LLM mode (default: FACTCHECK_LLM_MODEL).",
        show_default=False,
    ),
]


def _notices(result: Any) -> None:
    for notice in getattr(result, "notices", []):
        typer.echo(f"notice: {notice}", err=True)


# -- plumbing -----------------------------------------------------------------------


def _debug() -> bool:
    # Read before settings exist, so a broken setting can still be debugged.
    return os.environ.get("FACTCHECK_DEBUG", "").strip().lower() in ("1", "true", "yes")


def _fail(message: str, code: int = 1) -> NoReturn:
    first_line = " ".join(str(message).split())
    typer.echo(f"error: {first_line}", err=True)
    raise typer.Exit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn any failure into one line on stderr and a non-zero exit."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except FactCheckError as exc:
        if _debug():
            raise
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        # The reader went away (`factcheck claims --csv | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except Exception as exc:
        if _debug():
            raise
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            errs = exc.errors()
            where = ".".join(str(p) for p in errs[0]["loc"]) if errs else "settings"
            msg = errs[0]["msg"] if errs else str(exc)
            _fail(f"invalid setting {where}: {msg} (see the README's Configuration section)")
        _fail(
            f"unexpected {type(exc).__name__}: {exc} (set FACTCHECK_DEBUG=1 for the traceback)",
            2,
        )


def _settings(**overrides: Any) -> Settings:
    from assistant.settings import Settings

    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def _console(err: bool = False) -> Console:
    from rich.console import Console

    # soft_wrap: never insert line breaks into quotes (piped output stays copy-pasteable).
    return Console(stderr=err, highlight=False, soft_wrap=True)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _warn_skip(path: Path, reason: str) -> None:
    typer.echo(f"warning: skipped {path}: {reason}", err=True)


def _run_ingest(fc: FactCheck, paths: list[Path] | None, rebuild: bool, quiet: bool) -> Any:
    """Ingest with a progress bar on stderr (hidden when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_console(err=True),
        transient=True,
        disable=quiet or not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task("Embedding chunks", total=None)
        return fc.ingest(
            paths,
            rebuild=rebuild,
            on_skip=_warn_skip,
            on_total=lambda n: progress.update(task, total=n),
            on_progress=lambda n: progress.advance(task, n),
            on_wait=lambda: typer.echo(
                "Another ingest is writing to this store: waiting for it to finish...", err=True
            ),
        )


def _ensure_store(fc: FactCheck, quiet: bool) -> None:
    """On first use, ingest the default corpus so `ask` works out of the box."""
    if fc.needs_first_ingest():
        typer.echo(
            f"No store at {fc.settings.store} yet: ingesting {fc.settings.corpus}/ first.", err=True
        )
        report = _run_ingest(fc, None, rebuild=False, quiet=quiet)
        typer.echo(report.summary(), err=True)


def _guard(fn: Callable[[], T]) -> T:
    with _user_errors():
        return fn()
    raise AssertionError("unreachable")  # pragma: no cover


# -- rendering ------------------------------------------------------------------------


def _highlight(quote: str, match_terms: frozenset[str]) -> Any:
    from rich.text import Text

    from assistant.index.terms import tokens

    text = Text(quote)
    for tok in tokens(quote):
        if tok.term in match_terms:
            text.stylize("bold yellow", tok.start, tok.end)
    return text


def _citation_head(c: Any) -> Any:
    """Render "[n] file:line", the way every command shows where a quote stands."""
    from rich.text import Text

    head = Text(f"[{c.id}] ", style="bold cyan")
    head.append(f"{c.source}:{c.line}", style="cyan")
    return head


def _render_answer(answer: Answer) -> None:
    from rich.text import Text

    console = _console()
    style = "italic" if answer.abstained else "bold"
    console.print(Text(answer.answer, style=style))
    if answer.citations:
        console.print()
    for c in answer.citations:
        head = _citation_head(c)
        head.append(f"  chars {c.start}-{c.end}  {c.title}", style="dim")
        console.print(head)
        body = Text("    ")
        body.append(_highlight(c.quote, answer.match_terms))
        console.print(body)
    for r in answer.rejected_citations:
        console.print(Text(f"(rejected quote: {r.reason})", style="dim red"))


# -- commands ---------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders of .txt/.md articles (default: ./seeds).", show_default=False
        ),
    ] = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Drop the store first (after changing embedding model)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Ingest articles into the store: only new or changed files are embedded.

    A changed file's old passages are replaced and a file removed from an ingested
    folder loses its passages, so nothing stale is ever cited.
    """

    def run() -> None:
        from assistant.app import FactCheck

        fc = FactCheck(_settings(store=store, chroma_url=chroma_url))
        report = _run_ingest(fc, paths, rebuild, quiet=as_json)
        if as_json:
            _print_json(
                {
                    "files": report.files,
                    "chunks": report.chunks,
                    "embedded": report.embedded,
                    "removed": report.removed,
                    "unchanged_files": report.unchanged_files,
                    "skipped": [{"path": str(p), "reason": r} for p, r in report.skipped],
                    "seconds": round(report.seconds, 3),
                    "store": str(fc.settings.store),
                }
            )
        else:
            typer.echo(report.summary())

    _guard(run)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words or a question to search for.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="How many passages.")] = 5,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the passages that best match QUERY (hybrid: vectors + BM25 keywords)."""

    def run() -> None:
        from assistant.app import FactCheck
        from assistant.index.retrieval import check_question

        check_question(query)
        fc = FactCheck(_settings(store=store, chroma_url=chroma_url))
        _ensure_store(fc, quiet=as_json)
        hits = fc.search(query, k)
        if as_json:
            _print_json(
                {
                    "query": query,
                    "results": [
                        {
                            "rank": i,
                            "id": h.chunk.id,
                            "source": h.chunk.source,
                            "title": h.chunk.title,
                            "start": h.chunk.start,
                            "end": h.chunk.end,
                            "line": h.chunk.line,
                            "text": h.chunk.text,
                            "score": h.score,
                            "dense_similarity": h.dense_similarity,
                            "bm25_score": h.bm25_score,
                        }
                        for i, h in enumerate(hits, start=1)
                    ],
                }
            )
            return
        from rich.text import Text

        from assistant.index.terms import terms

        console = _console()
        match = frozenset(terms(query))
        if not hits:
            console.print("No passages found.")
        for i, h in enumerate(hits, start=1):
            head = Text(f"{i}. ", style="bold")
            head.append(f"{h.chunk.source}:{h.chunk.line}", style="cyan")
            head.append(f"  score {h.score:.4f}  {h.chunk.title}", style="dim")
            console.print(head)
            body = Text("   ")
            body.append(_highlight(" ".join(h.chunk.text.split()), match))
            console.print(body)

    _guard(run)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in plain English.")],
    mode: Annotated[
        ModeChoice | None,
        typer.Option(
            "--mode",
            help=(
                "auto (default: llm when OPENAI_API_KEY or OPENAI_BASE_URL is set, else "
                "extractive), extractive (no model: quotes the best sentences) or llm."
            ),
            show_default=False,
        ),
    ] = None,
    k: Annotated[
        int | None, typer.Option("-k", "--k", min=1, max=50, help="Passages to retrieve.")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Chat model for LLM answers (default: FACTCHECK_LLM_MODEL).",
            show_default=False,
        ),
    ] = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer QUESTION from the articles, citing file:line and the verbatim quote.

    Every quote is checked against its source file before it is shown; the answer says
    "The articles do not say." when nothing relevant enough is found. With a model
    configured (OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server), the answer
    is written by the model and its quotes are verified the same way.
    """

    def run() -> None:
        from assistant.app import FactCheck
        from assistant.index.retrieval import check_question

        check_question(question)
        fc = FactCheck(_settings(store=store, k=k, llm_model=model, chroma_url=chroma_url))
        _ensure_store(fc, quiet=as_json)
        answer = fc.ask(question, mode.value if mode else None)
        _notices(answer)
        if as_json:
            _print_json(answer.to_json())
        else:
            _render_answer(answer)

    _guard(run)


@app.command()
def claims(
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    mode: ModeOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV: one row per claim and citation.")
    ] = False,
) -> None:
    """List every quantitative claim: figure, hedge, what it counts, who said it, where.

    Claims about the same quantity (killed, wounded, casualties, attackers, ...) are
    grouped, so conflicting figures stand side by side; the same claim in several
    articles is one row with all its citations. Every quote is verified.
    """

    def run() -> None:
        from assistant.app import FactCheck

        fc = FactCheck(_settings(store=store, llm_model=model, chroma_url=chroma_url))
        _ensure_store(fc, quiet=as_json or as_csv)
        table = fc.claims(mode.value if mode else None)
        _notices(table)
        if as_json:
            _print_json(table.to_json())
            return
        if as_csv:
            _print_claims_csv(table)
            return
        _render_claims(table)

    _guard(run)


def _print_claims_csv(table: Any) -> None:
    import csv

    writer = csv.writer(sys.stdout)
    writer.writerow(
        ["claim", "group", "figure", "low", "high", "hedge", "what", "who", "via",
         "citation", "source", "line", "start", "end", "quote"]
    )  # fmt: skip
    for i, claim in enumerate(table.claims, start=1):
        row = claim.to_json()
        for c in claim.citations:
            writer.writerow(
                [i, claim.what, claim.figure, row["low"], row["high"], claim.hedge, claim.what,
                 claim.who, claim.via, c.id, c.source, c.line, c.start, c.end, c.quote]
            )  # fmt: skip


def _render_claims(table: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _console()
    if not table.claims:
        console.print("No quantitative claims found.")
        return
    for what, members in table.groups:
        grid = Table(title=f"{what} ({len(members)} claims)", title_justify="left", expand=False)
        for col in ("figure", "who", "via", "cited"):
            grid.add_column(col, overflow="fold")
        for i in members:
            claim = table.claims[i]
            cited = "".join(f"[{c.id}]" for c in claim.citations)
            grid.add_row(claim.figure, claim.who or "-", claim.via or "-", cited)
        console.print(grid)
    console.print()
    seen: set[int] = set()
    for claim in table.claims:
        for c in claim.citations:
            if c.id in seen:
                continue
            seen.add(c.id)
            head = _citation_head(c)
            console.print(head, Text(c.quote))


@app.command()
def summary(
    topic: Annotated[
        str | None, typer.Argument(help="Summarise what the articles say about this.")
    ] = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    mode: ModeOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
    md: Annotated[
        Path | None,
        typer.Option("--md", help="Write a Markdown report (summary, claims, sources) here."),
    ] = None,
) -> None:
    """A cited summary of the articles (or of TOPIC): every sentence cites its source.

    It covers every distinct claim across the articles, says where sources disagree,
    and quotes the key attributed statements. Every quote is verified.
    """

    def run() -> None:
        from assistant import __version__
        from assistant.app import FactCheck
        from assistant.reasoning.summary import to_markdown

        fc = FactCheck(_settings(store=store, llm_model=model, chroma_url=chroma_url))
        _ensure_store(fc, quiet=as_json)
        result = fc.summary(topic, mode.value if mode else None)
        _notices(result)
        for dropped in result.dropped:
            typer.echo(f"notice: dropped (no citation verified): {dropped}", err=True)
        if md is not None:
            try:
                md.write_text(to_markdown(result, __version__), encoding="utf-8")
            except OSError as exc:
                raise FactCheckError(f"cannot write {md}: {exc.strerror or exc}") from exc
            typer.echo(f"Wrote {md} ({len(result.sentences)} sentences).", err=True)
        if as_json:
            _print_json(result.to_json())
        elif md is None:
            from rich.text import Text

            console = _console()
            for sentence in result.sentences:
                console.print(Text(f"- {sentence.text}"))
            console.print()
            for c in result.citations():
                head = _citation_head(c)
                console.print(head, Text(c.quote))

    _guard(run)


@app.command()
def check(
    claim: Annotated[str, typer.Argument(help="A claim to check against the articles.")],
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    mode: ModeOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check CLAIM: supported, refuted, conflicting or not_enough_info, with citations.

    When the claim names its source ("Russia's Defense Ministry confirmed ..."), only
    what that source said decides; other sources' figures are shown but do not.
    """

    def run() -> None:
        from assistant.app import FactCheck
        from assistant.index.retrieval import check_question

        check_question(claim)
        fc = FactCheck(_settings(store=store, llm_model=model, chroma_url=chroma_url))
        _ensure_store(fc, quiet=as_json)
        result = fc.check(claim, mode.value if mode else None)
        _notices(result)
        if as_json:
            _print_json(result.to_json())
            return
        from rich.text import Text

        console = _console()
        style = {"supported": "bold green", "refuted": "bold red", "conflicting": "bold yellow"}
        console.print(Text(result.verdict, style=style.get(result.verdict, "bold")))
        console.print(Text(result.explanation))
        if result.citations:
            console.print()
        for c in result.citations:
            head = _citation_head(c)
            console.print(head)
            console.print(Text("    ").append(Text(c.quote)))

    _guard(run)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
