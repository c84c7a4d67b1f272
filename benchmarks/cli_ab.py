"""Warm command-line ``ask`` of two checkouts on one store, interleaved.

    git worktree add /tmp/old <commit>
    python -m benchmarks.cli_ab /tmp/old .          # about 3 minutes at 10k chunks

A machine's speed drifts over an hour (BENCHMARKS.md, session 5: ``--help`` slowed by a
fifth with no change to its code), so two benchmark runs an hour apart cannot tell a
0.3 s change in a 2.5 s command from the drift. This builds one store with the
benchmark's generator (kept in ``--work`` for later runs), then runs
``python -m assistant ask`` with each checkout in turn, old and new alternating, after
one untimed warm-up each, and prints each side's median.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.run import _cli_env, _queries, generate_corpus


def _ask(checkout: Path, store: Path, question: str) -> float:
    env = dict(_cli_env(), PYTHONPATH=str(checkout))
    cmd = [sys.executable, "-m", "assistant", "ask", question, "--store", str(store)]
    t = time.perf_counter()
    # The checkout is the working folder, so `-m assistant` imports its code.
    proc = subprocess.run(
        [*cmd, "--mode", "extractive"], cwd=checkout, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"ask failed in {checkout}: {proc.stderr[-500:]}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    """Build (or reuse) the store, then time both checkouts alternately."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="the checkout to compare against")
    parser.add_argument("new", type=Path, help="the checkout under test")
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/factcheck-cli-ab"))
    args = parser.parse_args(argv)
    store = args.work / f"store-{args.chunks}"
    if not store.exists():
        from assistant.app import FactCheck
        from assistant.settings import Settings

        corpus = args.work / f"corpus-{args.chunks}"
        generate_corpus(corpus, args.chunks)
        print(f"ingesting {args.chunks:,} chunks into {store} ...", flush=True)
        FactCheck(Settings(store=store)).ingest([corpus])
    old, new = args.old.resolve(), args.new.resolve()
    questions = _queries(random.Random(11), args.runs + 1)
    _ask(old, store, questions[0])
    _ask(new, store, questions[0])
    times: dict[Path, list[float]] = {old: [], new: []}
    for q in questions[1:]:
        for side in (old, new):
            times[side].append(_ask(side, store, q))
    for label, side in (("old", old), ("new", new)):
        xs = times[side]
        print(f"{label} {side}: median {statistics.median(xs):.2f} s ({min(xs):.2f}-{max(xs):.2f})")


if __name__ == "__main__":
    main()
