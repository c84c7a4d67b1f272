"""Command-line ``ask`` with and without ``factcheck warm``, interleaved, on one store.

    python -m benchmarks.warm                      # builds the 10k store once (minutes)

Builds one store with the benchmark's generator (kept for later runs), starts a warm
process for it, then runs ``python -m assistant ask QUESTION --store STORE --mode
extractive`` in fresh processes, the plain way and through the warm process in turn,
after one untimed run of each, and prints each side's median. The plain runs look for
their warm process in an empty runtime folder, so they pay the look-up as any command
does when none runs. Each question's output is compared: the two must be identical.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import _cli_env, _queries, generate_corpus

ROOT = Path(__file__).resolve().parents[1]


def _ask(store: Path, question: str, runtime: Path) -> tuple[float, str]:
    env = dict(_cli_env(), PYTHONPATH=str(ROOT), XDG_RUNTIME_DIR=str(runtime))
    cmd = [sys.executable, "-m", "assistant", "ask", question, "--store", str(store)]
    t = time.perf_counter()
    proc = subprocess.run(
        [*cmd, "--mode", "extractive"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"ask failed: {proc.stderr[-500:]}")
    return seconds, proc.stdout


def _warm(store: Path, runtime: Path, *flags: str) -> str:
    env = dict(_cli_env(), PYTHONPATH=str(ROOT), XDG_RUNTIME_DIR=str(runtime))
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "warm", "--store", str(store), *flags],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"warm {' '.join(flags)} failed: {proc.stderr[-500:]}")
    return proc.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    """Build (or reuse) the store, then time plain and warm asks alternately."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--store", type=Path, default=Path(tempfile.gettempdir(), "factcheck-warm-bench", "store")
    )
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir(), "factcheck-warm-bench", "corpus")
    )
    args = parser.parse_args(argv)
    store = args.store.resolve()
    if not (store / "chroma.sqlite3").exists():
        from assistant.app import FactCheck
        from assistant.settings import Settings

        generate_corpus(args.corpus, args.chunks)
        print(f"ingesting {args.chunks:,} chunks into {store} ...", flush=True)
        FactCheck(Settings(store=store)).ingest([args.corpus])
    plain_rt = Path(tempfile.mkdtemp(prefix="fwb-plain-"))
    warm_rt = Path(tempfile.mkdtemp(prefix="fwb-warm-"))
    try:
        print(_warm(store, warm_rt), flush=True)
        questions = _queries(random.Random(11), args.runs + 1)
        _ask(store, questions[0], plain_rt)
        _ask(store, questions[0], warm_rt)
        times: dict[str, list[float]] = {"plain": [], "warm": []}
        differ = 0
        for q in questions[1:]:
            plain_s, plain_out = _ask(store, q, plain_rt)
            warm_s, warm_out = _ask(store, q, warm_rt)
            times["plain"].append(plain_s)
            times["warm"].append(warm_s)
            differ += plain_out != warm_out
        print(_warm(store, warm_rt, "--status"))
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
        for label, xs in times.items():
            print(
                f"{label:5} ask: median {statistics.median(xs):.2f} s "
                f"({min(xs):.2f}-{max(xs):.2f}, {len(xs)} runs)"
            )
        print(f"outputs that differ: {differ} of {len(questions) - 1}")
    finally:
        _warm(store, warm_rt, "--stop")
        shutil.rmtree(plain_rt, ignore_errors=True)
        shutil.rmtree(warm_rt, ignore_errors=True)


if __name__ == "__main__":
    main()
