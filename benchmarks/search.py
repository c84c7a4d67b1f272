"""Search latency against dense-only search, on the same store and the same model.

    python -m benchmarks.search --sizes 1000 10000            # a few minutes per 10k to build
    python -m benchmarks.search --sizes 10000 --stores DIR    # build once into DIR, reuse after
    python -m benchmarks.search --sizes 10000 --stores DIR --dump ranked.json
    python -m benchmarks.search --corpus ARTICLES --questions QUESTIONS.txt --stores DIR

Issue 23. "Ours" is ``FactCheck.search(question, 5)``, what ``factcheck search`` and every
answer start from: the question embedded, Chroma's nearest 50 and the keyword index's
best 50 fused and re-ranked, and the best 5 checked against their files as they are now.
"Dense-only" is what a plain LangChain ``Chroma.similarity_search(question, k=5)`` does:
the question embedded by the same model object, then one query of the same Chroma
collection for its 5 nearest chunks with their text and metadata. The embedding is
counted on both sides (a search cannot skip it); its own p50 is printed apart, and both
sides are timed again with each question's vector computed beforehand ("after the
embedding"), as the model's time swings most on a loaded machine.

The store is built by :func:`benchmarks.run.generate_corpus` and our ingest, the questions
by :func:`benchmarks.run._queries`; or, with ``--corpus`` and ``--questions``, from a
folder of real articles and questions. The generator writes from a small vocabulary:
each of its questions shares a term with about half of the chunks, so the keyword side
scores far more chunks a question than it does on real text (BENCHMARKS.md, session 13).

Everything is warm and in-process: one untimed pass of every question first, then
``--rounds`` rounds in which each question runs on every side back to back, the side
that goes first alternating from question to question (the machine is shared, and its
load drifts by the second). Per size the p50 and p95 of each
side are the median over rounds of each round's own; the ratio is the median of the
rounds' p50 ratios. Wall time is the figure; the process's CPU time is given beside it,
as a loaded machine stretches wall time and leaves CPU time nearly alone. Writes
``benchmarks/search-results.json``.

``--dump`` writes every question's ranked hits (ids, scores and ranks, ``--dump-k`` deep,
without the file check), to compare two checkouts' rankings for equality.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.run import _pct, _queries, generate_corpus

HERE = Path(__file__).resolve().parent
K = 5


def build(folder: Path, n_chunks: int) -> Path:
    """The store of ``n_chunks`` generated chunks in ``folder`` (built unless already there)."""
    corpus, store = folder / f"corpus-{n_chunks}", folder / f"store-{n_chunks}"
    if not (store / "chroma.sqlite3").exists():
        generate_corpus(corpus, n_chunks)
        _ingest(corpus, store)
    return store


def build_from(folder: Path, corpus: Path) -> Path:
    """The store of the articles in ``corpus``, in ``folder`` (built unless already there)."""
    store = folder / f"store-{corpus.resolve().name}"
    if not (store / "chroma.sqlite3").exists():
        _ingest(corpus, store)
    return store


def _ingest(corpus: Path, store: Path) -> None:
    from assistant.app import FactCheck
    from assistant.settings import Settings

    t = time.perf_counter()
    report = FactCheck(Settings(store=store)).ingest([corpus])
    print(
        f"built {report.chunks} chunks in {time.perf_counter() - t:.0f} s: {store}",
        file=sys.stderr,
    )


def _time(call: Callable[[str], Any], q: str) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) for one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call(q)
    return 1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)


class _Given:
    """The model's vectors for known questions, computed once (named as the model)."""

    def __init__(self, model: Any, qs: list[str]) -> None:
        self.model_id = model.model_id
        self._vectors = {q: model.embed_query(q) for q in qs}

    def embed_query(self, text: str) -> list[float]:
        return self._vectors[text]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError("only the benchmark's questions are known")


def read_questions(path: Path, most: int) -> list[str]:
    """Up to ``most`` distinct questions from ``path``, one per line (blank lines skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(q.strip() for q in lines if q.strip()))[:most]


def measure(store: Path, qs: list[str], rounds: int) -> dict[str, Any]:
    """Time ours against dense-only on one store, for the questions ``qs``."""
    from assistant.app import FactCheck
    from assistant.settings import Settings

    fc = FactCheck(Settings(store=store))
    model = fc.embedder
    queries = len(qs)
    # The same searches with each question's vector computed beforehand: the cost after
    # the embedding, which on a loaded machine varies more than all the rest.
    given = _Given(model, qs)
    fc_given = FactCheck(Settings(store=store), embeddings=given)  # type: ignore[arg-type]
    # The collection our store opened: the same Chroma client, files and HNSW index.
    collection = fc.store._collection

    def dense_with(embed: Callable[[str], list[float]]) -> Callable[[str], Any]:
        def dense(q: str) -> Any:
            # What langchain_chroma's similarity_search(q, k) runs, without its wrapping.
            return collection.query(
                query_embeddings=[embed(q)],
                n_results=K,
                include=["documents", "metadatas", "distances"],
            )

        return dense

    calls: dict[str, Callable[[str], Any]] = {
        "ours": lambda q: fc.search(q, K),
        "dense": dense_with(model.embed_query),
        "ours_given": lambda q: fc_given.search(q, K),
        "dense_given": dense_with(given.embed_query),
        "embed": model.embed_query,
    }
    for q in qs:  # warm: models, caches, the keyword index's pages
        for call in calls.values():
            call(q)
    # [side][clock][round] -> one time per question
    times: dict[str, dict[str, list[list[float]]]] = {s: {"wall": [], "cpu": []} for s in calls}
    for r in range(rounds):
        for side in times.values():
            side["wall"].append([])
            side["cpu"].append([])
        for i, q in enumerate(qs):
            # Each question on every side back to back, the first side alternating, so
            # both meet the same load from whatever else the machine runs.
            names = list(calls)
            for name in names if (r + i) % 2 == 0 else names[::-1]:
                wall, cpu = _time(calls[name], q)
                times[name]["wall"][-1].append(wall)
                times[name]["cpu"][-1].append(cpu)
    out: dict[str, Any] = {"chunks": fc.store.count(), "queries": queries, "rounds": rounds}
    for clock in ("wall", "cpu"):
        tag = "" if clock == "wall" else "_cpu"
        p50 = {s: [statistics.median(x) for x in t[clock]] for s, t in times.items()}
        for s, t in times.items():
            out[f"{s}{tag}_p50_ms"] = statistics.median(p50[s])
            out[f"{s}{tag}_p95_ms"] = statistics.median(_pct(x, 95) for x in t[clock])
            out[f"{s}{tag}_round_p50s_ms"] = [round(x, 2) for x in p50[s]]
        for mine, theirs, name in (("ours", "dense", ""), ("ours_given", "dense_given", "_given")):
            ratios = [o / d for o, d in zip(p50[mine], p50[theirs], strict=True)]
            out[f"ratio{name}{tag}_p50"] = statistics.median(ratios)
            out[f"round_ratios{name}{tag}"] = [round(x, 2) for x in ratios]
    return out


def dump(store: Path, qs: list[str], depth: int) -> list[dict[str, Any]]:
    """Every question's ranked hits, ``depth`` deep, as plain data."""
    from assistant.app import FactCheck
    from assistant.settings import Settings

    searcher = FactCheck(Settings(store=store)).searcher
    return [
        {
            "query": q,
            "hits": [
                [
                    h.chunk.id,
                    h.score,
                    h.dense_rank,
                    h.dense_similarity,
                    h.bm25_rank,
                    h.bm25_score,
                    h.coverage,
                ]
                for h in searcher.search(q, depth, sources=None)
            ],
        }
        for q in qs
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--stores", type=Path, help="build each size's store here once and reuse it"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        help="ingest this folder of articles instead of generating one (--sizes is then ignored)",
    )
    parser.add_argument(
        "--questions", type=Path, help="the questions, one per line (default: generated ones)"
    )
    parser.add_argument("--dump", type=Path, help="write every question's ranked hits here")
    parser.add_argument("--dump-k", type=int, default=100)
    parser.add_argument("--out", type=Path, default=HERE / "search-results.json")
    args = parser.parse_args(argv)
    folder = args.stores or Path(tempfile.mkdtemp(prefix="fc-search-bench-"))
    rows, ranked = [], {}
    qs = (
        read_questions(args.questions, args.queries)
        if args.questions
        else _queries(random.Random(11), args.queries)
    )
    stores = (
        [(0, build_from(folder, args.corpus))]
        if args.corpus
        else [(n, build(folder, n)) for n in args.sizes]
    )
    for n, store in stores:
        if args.dump:
            ranked[str(n or store.name)] = dump(store, qs, args.dump_k)
            continue
        row = {"size": n, **measure(store, qs, args.rounds)}
        if args.corpus:
            row.update(size=row["chunks"], corpus=str(args.corpus))
        n = row["size"]
        rows.append(row)
        print(
            f"{n:>7} chunks  ours p50 {row['ours_p50_ms']:6.1f} ms (p95 "
            f"{row['ours_p95_ms']:6.1f})  dense-only p50 {row['dense_p50_ms']:6.1f} ms (p95 "
            f"{row['dense_p95_ms']:6.1f})  ratio {row['ratio_p50']:.2f}  "
            f"(embedding alone {row['embed_p50_ms']:.1f})\n{'':15}after the embedding: ours "
            f"p50 {row['ours_given_p50_ms']:6.1f} ms, dense-only {row['dense_given_p50_ms']:6.1f}"
            f" ms, ratio {row['ratio_given_p50']:.2f}; CPU ratio with the embedding "
            f"{row['ratio_cpu_p50']:.2f}",
            flush=True,
        )
    if args.dump:
        args.dump.write_text(json.dumps(ranked, indent=1) + "\n", encoding="utf-8")
        return 0
    load = os.getloadavg()
    args.out.write_text(
        json.dumps(
            {
                "machine": f"{platform.machine()} {os.cpu_count()} cpus, load {load[0]:.1f}",
                "python": platform.python_version(),
                "k": K,
                "sizes": rows,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
