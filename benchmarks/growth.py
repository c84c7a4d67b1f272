"""Time against input size for inputs that could grow with its square.

    python -m benchmarks.growth            # about a minute; writes benchmarks/growth-results.json
    python -m benchmarks.growth --scale 0.25   # a quick look at a quarter of each size

Issue 12, row 13. Each case is measured at three sizes, each twice the one before, so a
linear cost doubles from row to row and a quadratic one quadruples:

- ``ingest``: one article that is a single line of ordinary sentences (100, 200 and
  400 KB), ingested into a fresh store. The period check for abbreviations used to look
  back to the start of the line at every period.
- ``ask``: an article holding one unpunctuated sentence (10, 20 and 40 KB) between
  ordinary ones, and a question that retrieves it. Attribution rules used to retry their
  lazy runs from every character of a sentence.
- ``claims``: one article of short paragraphs dense with figures (75, 150 and 300 KB).
- ``short``: one unpunctuated sentence (10, 20 and 40 KB) naming winner after winner
  ("Ann Lee won the Alpha Cup and Bob Chan won the Alpha Cup and ..."), asked "Who won
  the Alpha Cup?": every name is an entity to link to one of thousands of cue words.

Ingest uses a hashed bag-of-words embedding instead of the packaged model, so that the
figures are this code's cost (chunking, keyword index, Chroma) and not the model's,
which is linear in the number of chunks and measured in BENCHMARKS.md; ``ask`` and
``claims`` run on that store. Every time is the median of three runs in one process
after one untimed run (which loads spaCy and warms caches).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.app import FactCheck
from assistant.index.terms import terms
from assistant.reasoning import nlp
from assistant.settings import Settings

HERE = Path(__file__).resolve().parent
KB = 1000

_NAMES = ["Ann Lee", "Bob Chan", "Acme", "the Dayton council", "Mayor Ruiz", "Dr. Okafor"]
_PLACES = ["Dayton", "Springfield", "Akron", "Toledo", "Canton"]
_WORDS = [
    "the",
    "council",
    "met",
    "again",
    "near",
    "the",
    "river",
    "while",
    "workers",
    "at",
    "the",
    "plant",
    "in",
    "town",
    "waited",
    "for",
    "news",
    "about",
    "the",
    "storm",
    "and",
    "the",
    "road",
    "that",
    "crews",
    "had",
    "closed",
    "before",
    "the",
    "shift",
]


class HashEmbeddings(Embeddings):
    """An instant, deterministic embedding (hashed bag of terms): no model cost."""

    model_id = "bench:hash-64"
    dim = 64

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * self.dim
        for t in terms(text) or ["\x00"]:
            v[int(hashlib.md5(t.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = sum(x * x for x in v) ** 0.5
        return [x / norm for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed each text."""
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self._vec(text)


def _sentence(rng: random.Random) -> str:
    who, place = rng.choice(_NAMES), rng.choice(_PLACES)
    n, m = rng.randint(2, 900), rng.randint(2, 90)
    return rng.choice(
        [
            f"{who} said {n} workers were hurt in {place} on Tuesday.",
            f"According to {who}, at least {m} people were killed near {place}.",
            f"The storm closed {rng.randint(2, 40)} roads, {who} told reporters.",
            f"Crews in {place} worked through the night as the river rose again.",
            f"{who}, citing police records, said between {m} and {n} homes were damaged.",
        ]
    )


def single_line_article(size: int, seed: int = 1) -> str:
    """Ordinary sentences on one line, with no line break at all."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        parts.append(_sentence(rng))
        total += len(parts[-1]) + 1
    return " ".join(parts)[:size].rstrip() + "."


def unpunctuated_article(size: int, seed: int = 2) -> str:
    """A sentence of ``size`` characters with no punctuation, then ordinary ones."""
    rng = random.Random(seed)
    words: list[str] = []
    total = 0
    while total < size:
        words.append(rng.choice(_WORDS))
        total += len(words[-1]) + 1
    long = "Ann Lee said the Dayton plant closed and " + " ".join(words)
    tail = " ".join(_sentence(rng) for _ in range(6))
    return f"{long}\n\n{tail}\n"


def winners_article(size: int, seed: int = 4) -> str:
    """A sentence of ``size`` characters naming winner after winner, then ordinary ones."""
    rng = random.Random(seed)
    clauses: list[str] = []
    total = 0
    while total < size:
        clauses.append(f"{rng.choice(_NAMES)} won the Alpha Cup in {rng.choice(_PLACES)}")
        total += len(clauses[-1]) + 5
    tail = " ".join(_sentence(rng) for _ in range(6))
    return " and ".join(clauses) + f"\n\n{tail}\n"


def figures_article(size: int, seed: int = 3) -> str:
    """Short paragraphs of sentences that each hold one or two figures."""
    rng = random.Random(seed)
    paras: list[str] = []
    total = 0
    while total < size:
        para = " ".join(_sentence(rng) for _ in range(4))
        paras.append(para)
        total += len(para) + 2
    return "Storm damage across the region\n\n" + "\n\n".join(paras) + "\n"


def _median_time(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    seconds, out, _ = _first_and_median(fn, repeat)
    return seconds, out


def _first_and_median(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any, float]:
    """The median of ``repeat`` timed runs after one run, and that first run's time.

    The first run loads spaCy (when not loaded yet) and fills the caches (parses of
    sentences, embeddings): it is what a user's first command on new text costs.
    """
    t = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out, first


def _store(folder: Path, name: str, text: str) -> FactCheck:
    articles = folder / "articles"
    articles.mkdir(parents=True)
    (articles / name).write_text(text, encoding="utf-8")
    fc = FactCheck(Settings(store=folder / "store"), embeddings=HashEmbeddings())
    fc.ingest([articles])
    return fc


def measure_ingest(size: int) -> dict[str, Any]:
    """Ingest a single-line article of ``size`` characters into a fresh store."""
    text = single_line_article(size)
    times = []
    chunks = 0
    for _ in range(3):
        with tempfile.TemporaryDirectory() as d:
            articles = Path(d) / "articles"
            articles.mkdir()
            (articles / "one-line.txt").write_text(text, encoding="utf-8")
            fc = FactCheck(Settings(store=Path(d) / "store"), embeddings=HashEmbeddings())
            t = time.perf_counter()
            report = fc.ingest([articles])
            times.append(time.perf_counter() - t)
            chunks = report.chunks
    return {"size_kb": size // KB, "seconds": statistics.median(times), "chunks": chunks}


def measure_ask(size: int) -> dict[str, Any]:
    """``ask`` (extractive) over an article with an unpunctuated sentence of ``size``."""
    with tempfile.TemporaryDirectory() as d:
        fc = _store(Path(d), "plant.txt", unpunctuated_article(size))
        seconds, answer = _median_time(
            lambda: fc.ask("Who said the Dayton plant closed?", mode="extractive")
        )
        return {"size_kb": size // KB, "seconds": seconds, "answer": answer.answer[:60]}


def measure_short(size: int) -> dict[str, Any]:
    """``ask`` "who won" over a sentence of ``size`` characters naming many winners."""
    with tempfile.TemporaryDirectory() as d:
        fc = _store(Path(d), "cup.txt", winners_article(size))
        seconds, answer = _median_time(lambda: fc.ask("Who won the Alpha Cup?", mode="extractive"))
        return {"size_kb": size // KB, "seconds": seconds, "answers": len(answer.answers)}


def measure_claims(size: int) -> dict[str, Any]:
    """``claims`` over one article of ``size`` characters dense with figures."""
    with tempfile.TemporaryDirectory() as d:
        fc = _store(Path(d), "storm.txt", figures_article(size))
        # spaCy is loaded and no sentence of this text parsed yet: the first call's time
        # is the parsing of each figure sentence, what a user's first `claims` pays.
        nlp.load()
        nlp.clear_cache()
        seconds, table, first = _first_and_median(fc.claims)
        return {
            "size_kb": size // KB,
            "seconds": seconds,
            "first_seconds": round(first, 3),
            "claims": len(table.claims),
        }


CASES: dict[str, tuple[Callable[[int], dict[str, Any]], tuple[int, ...]]] = {
    "ingest": (measure_ingest, (100 * KB, 200 * KB, 400 * KB)),
    "ask": (measure_ask, (10 * KB, 20 * KB, 40 * KB)),
    "claims": (measure_claims, (75 * KB, 150 * KB, 300 * KB)),
    "short": (measure_short, (10 * KB, 20 * KB, 40 * KB)),
}


def main(argv: list[str] | None = None) -> None:
    """Measure each case at its three sizes, print a table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    parser.add_argument("--out", type=Path, default=HERE / "growth-results.json")
    args = parser.parse_args(argv)
    rows: dict[str, list[dict[str, Any]]] = {}
    print("| case | size (KB) | seconds | x previous | detail |")
    print("|---|---|---|---|---|")
    for name, (measure, sizes) in CASES.items():
        rows[name] = []
        for size in sizes:
            row = measure(int(size * args.scale))
            prev = rows[name][-1]["seconds"] if rows[name] else None
            row["ratio"] = round(row["seconds"] / prev, 2) if prev else None
            rows[name].append(row)
            detail = {k: v for k, v in row.items() if k not in ("size_kb", "seconds", "ratio")}
            ratio = f"{row['ratio']:.1f}" if row["ratio"] else "-"
            print(f"| {name} | {row['size_kb']} | {row['seconds']:.3f} | {ratio} | {detail} |")
            sys.stdout.flush()
    result = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "scale": args.scale,
        "cases": rows,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
