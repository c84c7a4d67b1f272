"""Benchmarks: ingest throughput, search/ask latency, memory, store size, vs. a baseline.

    python -m benchmarks.run                      # 1k, 10k and 100k chunks
    python -m benchmarks.run --sizes 1000 10000   # a quicker run
    python -m benchmarks.run --summary            # only `summary`, at 50/100/200 articles

Prints a table and writes ``benchmarks/results.json``. Each size runs in its own
subprocess (so peak memory is per size) on a generated corpus with varied vocabulary and
numbers. In the same process, on the same corpus, a plain LangChain pipeline
(``RecursiveCharacterTextSplitter`` + ``langchain_chroma.Chroma``, the same embedding
model) is measured as the baseline, and our figures are reported as ratios to it.

Ingest speed is characters of the corpus's text per second of wall time: both sides read
the same files, but cut them into different numbers of chunks (ours hold a paragraph or
a few sentences, the baseline's up to 800 characters), so chunks per second compare
different units; the chunk counts are shown side by side instead. Beside them stands the
limit: the embedding model alone on the same text (our chunks, and the baseline's
pieces, each embedded once, shortest first), in characters and tokens per second; past
10,000 texts a side, on every k-th text in length order (a rate needs no more).
Latencies are warm and in-process: the first query of each kind is not timed (the
first extractive ask loads spaCy). The warm CLI ``ask`` is timed separately: a fresh
``factcheck ask QUESTION --store STORE --mode extractive`` process on that size's store,
after one untimed warm-up process, median of 5 (the OS file cache is warm; nothing else is).

``--summary`` times only ``FactCheck.summary()``, in-process, on news-like corpora from
:func:`generate_news_corpus` (invented sources giving conflicting casualty figures),
without the slow chunk benchmark; ingest is timed apart as a one-time cost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHUNKS_PER_ARTICLE = 10
# The model-alone limit embeds at most this many texts per side (a length-spread sample).
LIMIT_TEXTS = 10_000

_PLACES = [
    "Deir al-Zor",
    "Raqqa",
    "Aleppo",
    "Homs",
    "Idlib",
    "Palmyra",
    "Hama",
    "Latakia",
    "Kobani",
    "Manbij",
    "Tabqa",
    "Qamishli",
    "Hasakah",
    "Daraa",
    "Tartus",
]
_SOURCES = [
    "the Defense Ministry",
    "Reuters",
    "a local official",
    "the coalition",
    "Interfax",
    "the Foreign Ministry",
    "witnesses",
    "a monitoring group",
    "state media",
    "an unnamed officer",
    "the governor",
    "Bloomberg",
    "activists",
    "the army",
]
_VERBS = ["killed", "wounded", "evacuated", "detained", "displaced", "injured", "missing"]
_NOUNS = [
    "fighters",
    "civilians",
    "soldiers",
    "contractors",
    "workers",
    "residents",
    "militiamen",
    "volunteers",
    "engineers",
    "medics",
]
_HEDGES = ["", "more than ", "about ", "as many as ", "at least ", "nearly ", "up to "]
_SYLLABLES = ["ka", "ro", "mi", "sel", "dan", "vor", "tu", "lek", "san", "pri", "gol", "ven",
              "tra", "bel", "nok", "shi", "zar", "mun", "ost", "lia"]  # fmt: skip


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def generate_corpus(folder: Path, n_chunks: int, seed: int = 7) -> int:
    """Write articles of ~10 paragraphs (one chunk each) with varied words and figures."""
    rng = random.Random(seed)
    lexicon = [_word(rng) for _ in range(20000)]  # Zipf-ish reuse below: real term statistics
    folder.mkdir(parents=True, exist_ok=True)
    articles = max(1, n_chunks // CHUNKS_PER_ARTICLE)
    for a in range(articles):
        paras = [f"Report {a}: clashes near {rng.choice(_PLACES)} ({_word(rng).title()})"]
        for _ in range(CHUNKS_PER_ARTICLE):
            n = int(rng.paretovariate(1.2) * 3)
            topic = " ".join(lexicon[min(int(rng.paretovariate(0.9)) - 1, 19999)] for _ in range(6))
            paras.append(
                f"{rng.choice(_SOURCES).capitalize()} said {rng.choice(_HEDGES)}{n} "
                f"{rng.choice(_NOUNS)} were {rng.choice(_VERBS)} near {rng.choice(_PLACES)} "
                f"on day {rng.randint(1, 28)} of the {topic} operation. "
                f"According to {rng.choice(_SOURCES)}, the "
                f"{' '.join(rng.sample(lexicon[:3000], 5))} "
                f"convoy of {rng.randint(2, 400)} vehicles was {rng.choice(_VERBS)} later."
            )
        (folder / f"article_{a:06d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return articles


# -- A news corpus for the summary benchmark ---------------------------------------------
# Invented outlets, officials and places reporting one incident, each source keeping to
# its own casualty figures, so the claim table has many sources, many distinct figures
# and many repeats across articles: what a large folder of conflicting reports looks like.

_SMALL = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen"]  # fmt: skip
_FIGURE_HEDGES = ["", "", "", "at least ", "more than ", "about ", "as many as ", "nearly "]
_VAGUE_FIGURES = ["dozens of", "several hundred", "an unknown number of", "hundreds of"]
_CLAIM_FORMS = {
    "killed": ["{fig} people were killed", "{fig} fighters died", "{fig} soldiers were killed",
               "the death toll had reached {fig}"],
    "wounded": ["{fig} people were wounded", "{fig} were injured in the shelling"],
    "casualties": ["the strike caused {fig} casualties"],
    "attackers": ["{fig} attackers took part in the assault"],
}  # fmt: skip
_STATEMENT_FORMS = [
    "{who} said the {w1} convoy had been moving toward {place} before dawn.",
    "{who} said the operation near {place} was defensive and would not be repeated.",
    "{who} told reporters that talks on the {w1} corridor would resume next week.",
    "{who} denied that its units had crossed the river near {place}.",
    "{who} warned that the {w1} bridge could not carry aid trucks until repairs were done.",
    "{who} confirmed that the {w1} checkpoint outside {place} had reopened.",
]
_BACKGROUND_FORMS = [
    "The {w1} district lies east of {place}, along the old {w2} road.",
    "Shelling around {place} has displaced families from {n} villages since {year}.",
    "The {w1} valley was contested for much of {year}.",
    "Residents of {place} described a night of heavy shelling and a power cut that lasted "
    "until morning.",
]


def _name(rng: random.Random) -> str:
    return f"{_word(rng).title()} {_word(rng).title()}"


def _sources(rng: random.Random, n: int) -> list[str]:
    """Invented sources: ministries, agencies, newspapers, named officials, groups."""
    forms = [
        lambda: f"the {_word(rng).title()} Health Ministry",
        lambda: f"the {_word(rng).title()} News Agency",
        lambda: f"the {_word(rng).title()} Herald",
        lambda: f"the {_word(rng).title()} Monitoring Group",
        lambda: f"Colonel {_name(rng)}",
        lambda: f"Governor {_name(rng)}",
        lambda: f"the {_word(rng).title()} Defense Ministry",
    ]
    out: list[str] = []
    while len(out) < n:
        s = rng.choice(forms)()
        if s not in out:
            out.append(s)
    return out


def _figure(rng: random.Random, scale: int) -> str:
    """A figure as a reporter writes it: "five", "more than 200", "dozens of"."""
    if rng.random() < 0.15:
        return rng.choice(_VAGUE_FIGURES)
    n = max(1, int(rng.lognormvariate(0, 1.0) * scale))
    number = _SMALL[n - 1] if n <= len(_SMALL) and rng.random() < 0.6 else str(n)
    return rng.choice(_FIGURE_HEDGES) + number


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def generate_news_corpus(folder: Path, articles: int, seed: int = 7) -> int:
    """Write ``articles`` reports of one incident whose sources give conflicting figures.

    Each of about 40 invented sources keeps to its own figures (some give two, an early
    and a later count), and each article quotes several of them, so the same claims
    recur across articles as they do when outlets relay each other.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sources = _sources(rng, 40)
    places = [_word(rng).title() for _ in range(12)]
    scales = {"killed": 20, "wounded": 30, "casualties": 40, "attackers": 300}
    stances: dict[str, list[tuple[str, str]]] = {}
    for s in sources:
        kinds = [k for k in scales if rng.random() < 0.5] or ["killed"]
        stances[s] = [(k, _figure(rng, scales[k])) for k in kinds]
        if rng.random() < 0.2:
            stances[s].append(("killed", _figure(rng, scales["killed"] * 3)))
    # A source's statements are its own, repeated wherever it is quoted (outlets relay a
    # spokesman's line), as in real coverage; each names places of this story.
    said = {
        s: [
            rng.choice(_STATEMENT_FORMS).format(
                who=_cap(s), w1=_word(rng), place=rng.choice(places)
            )
            for _ in range(2)
        ]
        for s in sources
    }
    place = places[0]
    for a in range(articles):
        quoted = rng.sample(sources, rng.randint(3, 7))
        lead_kind, lead_fig = stances[quoted[0]][0]
        title = f"{_cap(quoted[0])} says {lead_fig} {lead_kind} near {place}"
        paras = [title, f"{place.upper()} -- Reports of the strike near {place} conflicted "
                 f"on day {a % 28 + 1} as officials gave differing accounts."]  # fmt: skip
        for s in quoted:
            kind, fig = rng.choice(stances[s])
            claim = rng.choice(_CLAIM_FORMS[kind]).format(fig=fig)
            form = rng.randrange(4)
            if form == 0:
                text = f"{_cap(s)} said {claim}."
            elif form == 1:
                text = f"According to {s}, {claim}."
            elif form == 2:
                text = f"{_cap(claim)}, {s} said."
            else:
                outlet = rng.choice([x for x in sources if x != s])
                text = f"{_cap(outlet)}, citing {s}, reported that {claim}."
            statement = rng.choice(said[rng.choice(sources)])
            background = rng.choice(_BACKGROUND_FORMS).format(
                w1=_word(rng), w2=_word(rng), place=rng.choice(places),
                n=rng.choice(_SMALL[2:]), year=rng.randint(2012, 2019),
            )  # fmt: skip
            paras += [text + " " + statement, background]
        (folder / f"report_{a:04d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return articles


def _queries(rng: random.Random, n: int) -> list[str]:
    return [
        f"How many {rng.choice(_NOUNS)} were {rng.choice(_VERBS)} near {rng.choice(_PLACES)} "
        f"according to {rng.choice(_SOURCES)}?"
        for _ in range(n)
    ]


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _TimedEmbeddings:
    """Wraps an embedding model to count the seconds spent embedding."""

    def __init__(self, inner: Any) -> None:
        from langchain_core.embeddings import Embeddings

        self.inner = inner
        self.seconds = 0.0
        outer = self

        class Timed(Embeddings):
            model_id = inner.model_id

            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                t = time.perf_counter()
                out = inner.embed_documents(texts)
                outer.seconds += time.perf_counter() - t
                return out

            def embed_query(self, text: str) -> list[float]:
                return inner.embed_query(text)

        self.model = Timed()


def measure_one(n_chunks: int, queries: int) -> dict[str, Any]:
    """Run every measurement at one size (call in a fresh process)."""
    from assistant.app import FactCheck
    from assistant.index.embeddings import LocalMiniLMEmbeddings
    from assistant.settings import Settings

    rng = random.Random(11)
    work = Path(tempfile.mkdtemp(prefix=f"fc-bench-{n_chunks}-"))
    try:
        corpus = work / "corpus"
        articles = generate_corpus(corpus, n_chunks)
        chars = _corpus_chars(corpus)
        base_model = LocalMiniLMEmbeddings()
        base_model.embed_query("warm up")
        timed = _TimedEmbeddings(base_model)
        fc = FactCheck(Settings(store=work / "store"), embeddings=timed.model)
        # Imported before the clock starts, as the baseline's is: a one-time cost of the
        # process (about a second), not of ingesting, and it fell on whichever side ran first.
        import chromadb  # noqa: F401

        t = time.perf_counter()
        report = fc.ingest([corpus])
        ingest_s = time.perf_counter() - t
        embed_s = timed.seconds  # now: asks later embed sentences through the same model
        store_s = ingest_s - embed_s

        t = time.perf_counter()
        again = fc.ingest([corpus])
        reingest_s = time.perf_counter() - t

        extra = corpus / "article_extra.txt"
        shutil.copy(corpus / "article_000000.txt", extra)
        extra.write_text(extra.read_text("utf-8").replace("Report 0", "Report extra"), "utf-8")
        t = time.perf_counter()
        added = fc.ingest([corpus])
        add_one_s = time.perf_counter() - t

        qs = _queries(rng, queries + 1)
        fc.search(qs[0], 5)
        search_ms = []
        for q in qs[1:]:
            t = time.perf_counter()
            fc.search(q, 5)
            search_ms.append(1000 * (time.perf_counter() - t))
        fc.ask(qs[0], "extractive")
        ask_ms = []
        for q in qs[1:]:
            t = time.perf_counter()
            fc.ask(q, "extractive")
            ask_ms.append(1000 * (time.perf_counter() - t))
        cli_ask = cli_ask_s(work / "store", qs)
        ours = {
            "chunks": report.chunks,
            "articles": articles,
            "characters": chars,
            "ingest_s": ingest_s,
            "ingest_chars_per_s": chars / ingest_s,
            "ingest_chunks_per_s": report.chunks / ingest_s,
            "embed_chunks_per_s": report.embedded / embed_s if embed_s else None,
            "store_s": store_s,
            "reingest_unchanged_s": reingest_s,
            "reingest_embedded": again.embedded,
            "add_one_article_s": add_one_s,
            "add_one_article_embedded": added.embedded,
            "search_p50_ms": statistics.median(search_ms),
            "search_p95_ms": _pct(search_ms, 95),
            "ask_p50_ms": statistics.median(ask_ms),
            "ask_p95_ms": _pct(ask_ms, 95),
            "cli_ask_median_s": statistics.median(cli_ask),
            "cli_ask_s": cli_ask,
            "store_mb": _du(work / "store") / 2**20,
            "peak_mb": _peak_mb(),
        }
        _progress("ours", ours)
        # The baseline and the limit see the corpus our first ingest saw (``chars``).
        extra.unlink()
        ours["baseline"] = _baseline(corpus, work / "baseline", base_model, qs)
        ours["baseline"]["characters"] = chars
        ours["baseline"]["ingest_chars_per_s"] = chars / ours["baseline"]["ingest_s"]
        # The limit: the model alone on the same text, cut both ways (after both ingests,
        # so neither side's timing pays for the other's warm-up).
        _progress("baseline", ours["baseline"])
        ours["model_alone"] = _model_alone(base_model, _our_chunk_texts(corpus), most=LIMIT_TEXTS)
        ours["baseline"]["model_alone"] = _model_alone(
            base_model, _baseline_pieces(corpus), most=LIMIT_TEXTS
        )
        return ours
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _progress(side: str, figures: dict[str, Any]) -> None:
    """One line on stderr when a side is measured: a long run shows where it is."""
    shown = {k: v for k, v in figures.items() if isinstance(v, (int, float))}
    print(f"{side}: {json.dumps(shown)}", file=sys.stderr, flush=True)


def _corpus_chars(corpus: Path) -> int:
    """Characters of text in the corpus's files: what both pipelines read."""
    return sum(len(p.read_text("utf-8")) for p in sorted(corpus.glob("*.txt")))


def _our_chunk_texts(corpus: Path) -> list[str]:
    """Our chunks of the corpus, as ingest cuts them."""
    from assistant.index.chunking import chunk_text

    return [
        c.text
        for p in sorted(corpus.glob("*.txt"))
        for c in chunk_text(p.name, p.read_text("utf-8"))
    ]


def _baseline_pieces(corpus: Path) -> list[str]:
    """The baseline's pieces of the corpus, as its splitter cuts them."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=800, chunk_overlap=0)
    return [
        s for p in sorted(corpus.glob("*.txt")) for s in splitter.split_text(p.read_text("utf-8"))
    ]


def _model_alone(
    model: Any, texts: list[str], step: int = 2048, most: int | None = None
) -> dict[str, Any]:
    """The embedding model's own speed on ``texts``: each once, shortest first.

    Tokens are counted as the model sees them (with its two special tokens, cut at its
    maximum length). Sorted by length and sent in large steps, so padding is as small as
    ingest can make it: what no pipeline with this model can beat on this text.

    Args:
        model: The embedding model (an ``embed_array`` and a ``_tokenizer``).
        texts: The texts to embed.
        step: Texts per call.
        most: Embed at most this many: every k-th text in length order, so the sample
            has the lengths of the whole. A rate, so a sample measures it; at 100k chunks
            embedding everything twice more would take longer than both ingests.
    """
    texts = sorted(texts, key=len)
    total = len(texts)
    if most is not None and total > most:
        every = -(-total // most)  # ceiling: at most ``most`` texts
        texts = texts[::every]
    model.embed_query("warm up")
    tokens = sum(len(e.ids) for e in model._tokenizer.encode_batch(texts))
    t = time.perf_counter()
    for b in range(0, len(texts), step):
        model.embed_array(texts[b : b + step])
    seconds = time.perf_counter() - t
    chars = sum(map(len, texts))
    return {
        "texts": len(texts),
        "of_texts": total,
        "characters": chars,
        "tokens": tokens,
        "seconds": seconds,
        "chars_per_s": chars / seconds,
        "tokens_per_s": tokens / seconds,
    }


def _baseline(corpus: Path, folder: Path, model: Any, qs: list[str]) -> dict[str, Any]:
    """A plain LangChain pipeline on the same corpus and the same embedding model."""
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    t = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=800, chunk_overlap=0)
    texts: list[str] = []
    metas: list[dict[str, Any]] = []
    for path in sorted(corpus.glob("*.txt")):
        for piece in splitter.split_text(path.read_text("utf-8")):
            texts.append(piece)
            metas.append({"source": path.name})
    from chromadb.config import Settings as ChromaSettings

    db = Chroma(
        collection_name="baseline",
        embedding_function=model,
        persist_directory=str(folder),
        client_settings=ChromaSettings(anonymized_telemetry=False, is_persistent=True,
                                       persist_directory=str(folder)),
    )  # fmt: skip
    for b in range(0, len(texts), 2000):
        db.add_texts(texts[b : b + 2000], metadatas=metas[b : b + 2000])
    ingest_s = time.perf_counter() - t
    db.similarity_search(qs[0], k=5)
    search_ms = []
    for q in qs[1:]:
        t = time.perf_counter()
        db.similarity_search(q, k=5)
        search_ms.append(1000 * (time.perf_counter() - t))
    return {
        "chunks": len(texts),
        "ingest_s": ingest_s,
        "ingest_chunks_per_s": len(texts) / ingest_s,
        "search_p50_ms": statistics.median(search_ms),
        "search_p95_ms": _pct(search_ms, 95),
        "store_mb": _du(folder) / 2**20,
        "peak_mb": _peak_mb(),
    }


def _cli_env() -> dict[str, str]:
    """The environment for CLI runs: no model server or FACTCHECK_* overrides leak in."""
    drop = ("OPENAI_API_KEY", "OPENAI_BASE_URL")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("FACTCHECK_")}


def cli_ask_s(store: Path, qs: list[str], runs: int = 5) -> list[float]:
    """Wall times of `factcheck ask` in fresh processes, after one untimed warm-up run."""
    exe = Path(sys.executable).with_name("factcheck")
    env = _cli_env()
    times = []
    for i, q in enumerate(qs[: runs + 1]):
        cmd = [str(exe), "ask", q, "--store", str(store), "--mode", "extractive"]
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
        dt = time.perf_counter() - t
        if proc.returncode != 0 or "No store at" in proc.stderr:
            raise RuntimeError(f"factcheck ask failed ({proc.returncode}): {proc.stderr[-2000:]}")
        if i:  # the first run is the warm-up
            times.append(dt)
    return times


def cli_startup_s(runs: int = 7) -> float:
    """Median wall time of `factcheck --help` in a fresh process."""
    exe = Path(sys.executable).with_name("factcheck")
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _table(results: dict[str, Any]) -> str:
    rows = [
        ("characters of text ingested", "characters", "{:,.0f}"),
        ("chunks, ours / baseline", ("chunks", ("baseline", "chunks")), "{:,.0f} / {:,.0f}"),
        ("ingest chars/s, ours", "ingest_chars_per_s", "{:,.0f}"),
        ("ingest chars/s, baseline", ("baseline", "ingest_chars_per_s"), "{:,.0f}"),
        ("ingest chars/s ratio (ours/baseline)", "ratio_ingest_chars", "{:.2f}"),
        ("model alone on our chunks: chars/s", ("model_alone", "chars_per_s"), "{:,.0f}"),
        ("model alone on our chunks: tokens/s", ("model_alone", "tokens_per_s"), "{:,.0f}"),
        (
            "model alone on baseline pieces: chars/s",
            ("baseline", "model_alone", "chars_per_s"),
            "{:,.0f}",
        ),
        ("ours as a share of the model alone", "share_of_model", "{:.2f}"),
        ("ingest chunks/s (ours; chunks differ)", "ingest_chunks_per_s", "{:.0f}"),
        ("embedding chunks/s", "embed_chunks_per_s", "{:.0f}"),
        ("chunking + store writes (s)", "store_s", "{:.1f}"),
        ("re-ingest unchanged (s)", "reingest_unchanged_s", "{:.2f}"),
        ("add one article (s)", "add_one_article_s", "{:.2f}"),
        ("search p50 / p95 (ms)", ("search_p50_ms", "search_p95_ms"), "{:.1f} / {:.1f}"),
        ("extractive ask p50 / p95 (ms)", ("ask_p50_ms", "ask_p95_ms"), "{:.0f} / {:.0f}"),
        ("warm CLI ask, median of 5 (s)", "cli_ask_median_s", "{:.2f}"),
        ("store on disk (MB)", "store_mb", "{:.1f}"),
        ("peak memory (MB)", "peak_mb", "{:.0f}"),
        ("baseline search p50 (ms)", ("baseline", "search_p50_ms"), "{:.1f}"),
        ("search p50 ratio (ours/baseline)", "ratio_search_p50", "{:.2f}"),
        ("store size ratio (ours/baseline)", "ratio_store", "{:.2f}"),
    ]
    sizes = list(results["sizes"])
    out = ["| measure | " + " | ".join(f"{int(s):,} chunks" for s in sizes) + " |",
           "|---|" + "---|" * len(sizes)]  # fmt: skip
    for label, key, fmt in rows:
        cells = []
        for s in sizes:
            r = results["sizes"][s]
            if isinstance(key, tuple) and key[0] in ("baseline", "model_alone"):
                values = [_dig(r, key)]
            elif isinstance(key, tuple):
                values = [_dig(r, k if isinstance(k, tuple) else (k,)) for k in key]
            else:
                values = [r.get(key)]
            none = any(v is None for v in values)
            cells.append("n/a" if none else fmt.format(*values))
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append(f"\nCLI start-up (`factcheck --help`, median): {results['cli_startup_s']:.3f} s")
    return "\n".join(out)


def _dig(r: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """``r[k0][k1]...``, or None where a key is missing (older results)."""
    for k in keys:
        if not isinstance(r, dict) or k not in r:
            return None
        r = r[k]
    return r


def measure_summary(articles: int, runs: int = 3) -> dict[str, Any]:
    """Time ``FactCheck.summary()`` over ``generate_news_corpus(articles)``, in-process.

    The ingest (one-time, with the packaged embedding model) is timed apart. The first
    summary call is reported, then the median of ``runs`` more (the first also pays for
    imports). Only the Summary's public attributes are read, so the same function
    measures older code (put an older ``assistant`` first on the path).
    """
    from assistant.app import FactCheck
    from assistant.settings import Settings

    work = Path(tempfile.mkdtemp(prefix=f"fc-bench-summary-{articles}-"))
    try:
        corpus = work / "corpus"
        generate_news_corpus(corpus, articles)
        fc = FactCheck(Settings(store=work / "store", corpus=corpus))
        t = time.perf_counter()
        fc.ingest([corpus])
        ingest_s = time.perf_counter() - t
        times = []
        for _ in range(runs + 1):
            t = time.perf_counter()
            summary = fc.summary()
            times.append(time.perf_counter() - t)
        table = summary.table
        claims = table.claims if table else []
        cited = {c.id for s in summary.sentences for c in s.citations}
        return {
            "articles": articles,
            "ingest_s": ingest_s,
            "summary_first_s": times[0],
            "summary_median_s": statistics.median(times[1:]),
            "sentences": len(summary.sentences),
            "characters": sum(len(s.text) for s in summary.sentences),
            "claims": len(claims),
            "distinct_figures": len({(c.what, c.low, c.high, c.hedge) for c in claims}),
            "claims_cited": sum(1 for c in claims if {x.id for x in c.citations} & cited),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _summary_table(rows: list[dict[str, Any]]) -> str:
    cols = [
        ("articles", "articles", "{:,}"),
        ("ingest, one-time (s)", "ingest_s", "{:.1f}"),
        ("summary, first call (s)", "summary_first_s", "{:.2f}"),
        ("summary, median of next 3 (s)", "summary_median_s", "{:.2f}"),
        ("sentences", "sentences", "{:,}"),
        ("characters", "characters", "{:,}"),
        ("claims", "claims", "{:,}"),
        ("distinct figures", "distinct_figures", "{:,}"),
        ("claims cited", "claims_cited", "{:,}"),
    ]
    out = ["| " + " | ".join(label for label, _, _ in cols) + " |",
           "|" + "---|" * len(cols)]  # fmt: skip
    for r in rows:
        out.append("| " + " | ".join(fmt.format(r[key]) for _, key, fmt in cols) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table and write JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size
    parser.add_argument(
        "--summary",
        type=int,
        nargs="*",
        metavar="ARTICLES",
        help="Only time `summary` on generated news corpora of these sizes (default "
        "50 100 200 articles); prints a table and JSON, writes nothing.",
    )
    args = parser.parse_args(argv)
    if args.summary is not None:
        rows = []
        for n in args.summary or [50, 100, 200]:
            print(f"summary over {n:,} articles ...", file=sys.stderr, flush=True)
            rows.append(measure_summary(n))
        print(_summary_table(rows))
        print(json.dumps({"date": time.strftime("%Y-%m-%d"), "load": os.getloadavg(),
                          "summary": rows}))  # fmt: skip
        return 0
    if args.one:
        print(json.dumps(measure_one(args.one, args.queries)))
        return 0
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%d"),
        "sizes": {},
    }
    for n in args.sizes:
        print(f"measuring {n:,} chunks ...", file=sys.stderr, flush=True)
        load_before = os.getloadavg()
        started = time.perf_counter()
        # Its stdout is the result; its stderr (progress, errors) goes straight to ours.
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--one", str(n), "--queries",
             str(args.queries)],
            stdout=subprocess.PIPE, text=True, check=False, cwd=HERE.parent,
        )  # fmt: skip
        if proc.returncode != 0:
            return 1
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        r["wall_s"] = time.perf_counter() - started
        r["loadavg_before"] = load_before  # 1/5/15-minute load: others sharing the cores
        r["loadavg_after"] = os.getloadavg()
        b = r["baseline"]
        # Chunks/s of each side: kept for old readers, but the chunks differ in size, so
        # this is no speed ratio; ratio_ingest_chars is (the same text, wall time).
        r["ratio_ingest"] = r["ingest_chunks_per_s"] / b["ingest_chunks_per_s"]
        r["ratio_ingest_chars"] = r["ingest_chars_per_s"] / b["ingest_chars_per_s"]
        r["share_of_model"] = r["ingest_chars_per_s"] / r["model_alone"]["chars_per_s"]
        r["ratio_search_p50"] = r["search_p50_ms"] / b["search_p50_ms"]
        r["ratio_store"] = r["store_mb"] / b["store_mb"] if b["store_mb"] else None
        results["sizes"][str(n)] = r
        args.out.write_text(json.dumps(results, indent=2))  # keep partial results
    results["cli_startup_s"] = cli_startup_s()
    args.out.write_text(json.dumps(results, indent=2))
    print(_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
