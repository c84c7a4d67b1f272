"""Many questions in one process (`factcheck ask -`) against one process per question.

A fact-checker with a list of questions pays the CLI's start-up (importing Chroma,
loading the embedding model and spaCy) once per process. This measures that cost: the
held-out questions shipped in ``tests/data/heldout.jsonl`` (cycled to the wanted count)
over the seed articles, asked

- in one ``factcheck ask - --jsonl`` process, at three sizes (10, 20, 40 questions);
- in one ``factcheck ask QUESTION --json`` process each, for the largest size, after one
  untimed warm-up process (so the files are in the OS cache for both).

Run: ``python -m benchmarks.batch`` (about 2 minutes). Writes
``benchmarks/batch-results.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "heldout.jsonl"
SEEDS = ROOT / "seeds"


_DATA = tempfile.mkdtemp(prefix="fc-batch-data-")


def _env() -> dict[str, str]:
    """No model server or FACTCHECK_* overrides leak into the measured processes.

    The temporary corpus is recorded as ingested in a temporary data folder, not the
    user's own.
    """
    drop = ("OPENAI_API_KEY", "OPENAI_BASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("FACTCHECK_")}
    env["FACTCHECK_INGESTED_FOLDERS"] = str(Path(_DATA) / "ingested-folders.json")
    return env


def _questions(n: int) -> list[str]:
    rows = [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line]
    qs = [r["question"] for r in rows]
    return [qs[i % len(qs)] for i in range(n)]


def _factcheck(args: list[str], stdin: str | None = None) -> tuple[float, str]:
    exe = Path(sys.executable).with_name("factcheck")
    t = time.perf_counter()
    proc = subprocess.run(
        [str(exe), *args], input=stdin, capture_output=True, text=True, check=False, env=_env()
    )
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"factcheck {args[0]} failed ({proc.returncode}): {proc.stderr[-800:]}")
    return seconds, proc.stdout


def measure(sizes: list[int]) -> dict[str, Any]:
    """Time the batch at each size and separate processes at the largest."""
    with tempfile.TemporaryDirectory(prefix="fc-batch-") as work:
        store = str(Path(work) / "store")
        _factcheck(["ingest", str(SEEDS), "--store", store])
        common = ["--store", store, "--mode", "extractive"]
        _factcheck(["ask", "warm-up question", *common])  # untimed: fills the OS cache
        batch: dict[int, float] = {}
        for n in sizes:
            qs = _questions(n)
            seconds, out = _factcheck(["ask", "-", "--jsonl", *common], "\n".join(qs) + "\n")
            answered = [json.loads(line)["question"] for line in out.splitlines()]
            if answered != qs:
                raise RuntimeError(f"the batch answered {len(answered)} of {n} questions")
            batch[n] = seconds
        n = max(sizes)
        separate = [_factcheck(["ask", q, "--json", *common])[0] for q in _questions(n)]
    return {
        "questions": n,
        "batch_seconds": {str(k): round(v, 2) for k, v in batch.items()},
        "separate_seconds": round(sum(separate), 2),
        "separate_median_s": round(sorted(separate)[len(separate) // 2], 3),
        "ratio": round(batch[n] / sum(separate), 3),
    }


def table(r: dict[str, Any]) -> str:
    """The results as Markdown."""
    n = r["questions"]
    lines = ["| questions | one `ask -` process (s) | s per question |", "|---|---|---|"]
    for size, s in r["batch_seconds"].items():
        lines.append(f"| {size} | {s:.2f} | {s / int(size):.3f} |")
    lines += [
        "",
        f"{n} separate `ask` processes: {r['separate_seconds']:.1f} s "
        f"(median {r['separate_median_s']:.2f} s each). "
        f"One process for {n}: {r['batch_seconds'][str(n)]:.1f} s, "
        f"{r['ratio']:.2f} of the separate total.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the measurement, save it, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40])
    args = parser.parse_args(argv)
    results = measure(sorted(args.sizes))
    (Path(__file__).parent / "batch-results.json").write_text(
        json.dumps(results, indent=2) + "\n", "utf-8"
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
