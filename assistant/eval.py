"""Evaluate retrieval and answers on a JSONL question set.

    python -m assistant.eval [QUESTIONS.jsonl] [--corpus seeds] [--rgb [FILE]]
        [--ways noise,counterfactual,rejection] [--json] [-v]

With no file given it runs both the seeds dev set (``../shared/eval/dev.jsonl`` on
``seeds/``) and the RGB set (``../shared/eval/rgb-dev.jsonl``, see ``eval_rgb``). A
fresh clone has no ``../shared``: then it says what it skipped and evaluates the
held-out questions shipped in ``tests/data/heldout.jsonl`` instead. A file named on the
command line runs alone and must exist.

Each line: ``question``, ``kind`` (who_said, number, fact, unanswerable, claim),
``answer_any`` (an answer is right if it contains one of these, case-insensitively) and
``evidence`` (``[file, quote]`` pairs; a citation is right when its span overlaps one).
By default the corpus is ingested into a temporary store, so the figures do not depend
on what ``vectorstore/`` holds. Claim questions (with a gold ``verdict``) are run
through ``check`` and scored on the verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.app import FactCheck
from assistant.errors import FactCheckError
from assistant.eval_rgb import WAYS, RGBReport, evaluate_rgb, format_rgb, pct
from assistant.index.corpus import read_source_text
from assistant.reasoning.verify import locate
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev.jsonl"
DEFAULT_RGB = ROOT.parent / "shared" / "eval" / "rgb-dev.jsonl"
HELDOUT_QUESTIONS = ROOT / "tests" / "data" / "heldout.jsonl"
ANSWER_KINDS = ("who_said", "number", "fact")


@dataclass
class QuestionResult:
    """How one question went."""

    id: str
    kind: str
    question: str
    retrieved_gold: bool | None
    correct: bool | None
    abstained: bool | None
    citations: int = 0
    citations_on_gold: int = 0
    citations_verbatim: int = 0
    seconds: float = 0.0
    answer: str = ""
    verdict: str | None = None


@dataclass
class EvalReport:
    """Aggregate figures plus the per-question results."""

    questions: int
    recall_at_k: float | None
    k: int
    answer_accuracy: float | None
    citation_precision: float | None
    abstention_rate: float | None
    false_abstention_rate: float | None
    verbatim_rate: float | None
    mean_ask_seconds: float | None
    verdict_accuracy: float | None = None
    results: list[QuestionResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as plain data."""
        return asdict(self)


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL question file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def evaluate(
    fc: FactCheck, questions: list[dict[str, Any]], corpus: Path, k: int = 5
) -> EvalReport:
    """Run every question through search and ask, and score the results.

    Args:
        fc: An assistant whose store holds ``corpus``.
        questions: Parsed question records.
        corpus: The folder the evidence files are in (to locate gold spans).
        k: The retrieval cut-off for recall.
    """
    texts: dict[str, str] = {}

    def gold_spans(evidence: list[list[str]]) -> list[tuple[str, int, int]]:
        spans = []
        for source, quote in evidence:
            text = texts.setdefault(source, read_source_text(corpus / source))
            span = locate(quote, text)
            if span is None:
                raise FactCheckError(f"gold quote not found in {source}: {quote[:60]!r}")
            spans.append((source, span.start, span.end))
        return spans

    def overlaps(source: str, start: int, end: int, spans: list[tuple[str, int, int]]) -> bool:
        return any(s == source and start < e and b < end for s, b, e in spans)

    results: list[QuestionResult] = []
    for q in questions:
        spans = gold_spans(q.get("evidence", []))
        retrieved: bool | None = None
        if spans:
            hits = fc.search(q["question"], k)
            retrieved = all(
                any(overlaps(h.chunk.source, h.chunk.start, h.chunk.end, [g]) for h in hits)
                for g in spans
            )
        res = QuestionResult(q["id"], q["kind"], q["question"], retrieved, None, None)
        if q["kind"] == "claim" and q.get("verdict"):
            t0 = time.perf_counter()
            verdict = fc.check(q["question"])
            res.seconds = time.perf_counter() - t0
            res.verdict = verdict.verdict
            res.answer = verdict.explanation
            res.correct = verdict.verdict == q["verdict"]
            for c in verdict.citations:
                res.citations += 1
                text = texts.setdefault(c.source, read_source_text(corpus / c.source))
                res.citations_verbatim += int(text[c.start : c.end] == c.quote)
                res.citations_on_gold += int(overlaps(c.source, c.start, c.end, spans))
        elif q["kind"] in (*ANSWER_KINDS, "unanswerable"):
            t0 = time.perf_counter()
            ans = fc.ask(q["question"], "extractive")
            res.seconds = time.perf_counter() - t0
            res.answer = ans.answer
            res.abstained = ans.abstained
            if q["kind"] in ANSWER_KINDS:
                low = ans.answer.lower()
                res.correct = not ans.abstained and any(
                    a.lower() in low for a in q.get("answer_any", [])
                )
            else:
                res.correct = ans.abstained
            for c in ans.citations:
                res.citations += 1
                text = texts.setdefault(c.source, read_source_text(corpus / c.source))
                res.citations_verbatim += int(text[c.start : c.end] == c.quote)
                res.citations_on_gold += int(overlaps(c.source, c.start, c.end, spans))
        results.append(res)

    answerable = [r for r in results if r.kind in ANSWER_KINDS]
    unanswerable = [r for r in results if r.kind == "unanswerable"]
    with_gold = [r for r in results if r.retrieved_gold is not None]
    cited = [r for r in answerable if r.citations]
    timed = [r.seconds for r in results if r.abstained is not None]
    claims = [r for r in results if r.verdict is not None]
    return EvalReport(
        questions=len(results),
        recall_at_k=_ratio(sum(bool(r.retrieved_gold) for r in with_gold), len(with_gold)),
        k=k,
        answer_accuracy=_ratio(sum(bool(r.correct) for r in answerable), len(answerable)),
        citation_precision=_ratio(
            sum(r.citations_on_gold for r in cited), sum(r.citations for r in cited)
        ),
        abstention_rate=_ratio(sum(bool(r.abstained) for r in unanswerable), len(unanswerable)),
        false_abstention_rate=_ratio(sum(bool(r.abstained) for r in answerable), len(answerable)),
        verbatim_rate=_ratio(
            sum(r.citations_verbatim for r in results), sum(r.citations for r in results)
        ),
        mean_ask_seconds=statistics.fmean(timed) if timed else None,
        verdict_accuracy=_ratio(sum(bool(r.correct) for r in claims), len(claims)),
        results=results,
    )


def format_report(report: EvalReport, verbose: bool = False) -> str:
    """A plain-text summary (and, with ``verbose``, one line per question)."""
    lines = []
    if verbose:
        for r in report.results:
            mark = {True: "ok ", False: "BAD", None: "-  "}[r.correct]
            extra = f" -> {r.verdict}" if r.verdict else ""
            lines.append(f"{mark} {r.id:6} {r.kind:12} {r.question[:70]}{extra}")
    lines += [
        f"questions:                {report.questions}",
        f"retrieval recall@{report.k}:       {pct(report.recall_at_k)}",
        f"answer accuracy:          {pct(report.answer_accuracy)}",
        f"citations on gold:        {pct(report.citation_precision)}",
        f"unanswerable abstained:   {pct(report.abstention_rate)}",
        f"answerable abstained:     {pct(report.false_abstention_rate)}",
        f"quotes verbatim:          {pct(report.verbatim_rate)}",
        f"claim verdicts right:     {pct(report.verdict_accuracy)}",
        "mean ask time:            "
        + ("n/a" if report.mean_ask_seconds is None else f"{report.mean_ask_seconds:.3f} s"),
    ]
    return "\n".join(lines)


def _shown(path: Path) -> str:
    """``path`` as a user would type it from the current folder."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _ways(text: str) -> tuple[str, ...]:
    """Parse ``--ways``: a comma-separated subset of noise, counterfactual, rejection."""
    ways = tuple(w.strip() for w in text.split(",") if w.strip())
    unknown = [w for w in ways if w not in WAYS]
    if unknown or not ways:
        raise argparse.ArgumentTypeError(
            f"unknown way {', '.join(unknown) or '(none)'}; choose from {', '.join(WAYS)}"
        )
    return ways


@dataclass
class _Plan:
    """What one run evaluates, and what it skipped (with why)."""

    questions: Path | None = None
    rgb: Path | None = None
    rgb_requested: bool = False
    skipped: list[str] = field(default_factory=list)


def _plan(questions: Path | None, rgb: Path | None) -> _Plan:
    """Decide which sets to run.

    With neither given, run the seeds dev set and rgb-dev; a default file that is absent
    (a fresh clone has no ``../shared``) is skipped with a note, and the dev set falls
    back to the held-out questions shipped in ``tests/data``. Files given explicitly
    must exist.

    Raises:
        FactCheckError: A file given on the command line does not exist, or none of
            the default files does.
    """
    for given in (questions, rgb):
        if given is not None and not given.is_file():
            raise FactCheckError(f"{_shown(given)} not found")
    if questions is not None or rgb is not None:
        return _Plan(questions, rgb, rgb_requested=rgb is not None)
    plan = _Plan(rgb_requested=True)
    why = "(it lies beside the development checkout only)"
    if DEFAULT_QUESTIONS.is_file():
        plan.questions = DEFAULT_QUESTIONS
    elif HELDOUT_QUESTIONS.is_file():
        plan.questions = HELDOUT_QUESTIONS
        plan.skipped.append(
            f"skipped dev: {_shown(DEFAULT_QUESTIONS)} not found {why}; "
            f"evaluating the shipped {_shown(HELDOUT_QUESTIONS)} instead"
        )
    else:
        plan.skipped.append(
            f"skipped dev: neither {_shown(DEFAULT_QUESTIONS)} nor "
            f"{_shown(HELDOUT_QUESTIONS)} found"
        )
    if DEFAULT_RGB.is_file():
        plan.rgb = DEFAULT_RGB
    else:
        plan.skipped.append(f"skipped rgb-dev: {_shown(DEFAULT_RGB)} not found {why}")
    if plan.questions is None and plan.rgb is None:
        raise FactCheckError("nothing to evaluate: " + "; ".join(plan.skipped))
    return plan


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant.eval",
        description=__doc__.split("\n")[0],
        epilog="With no file given, runs the seeds dev set and rgb-dev "
        f"({_shown(DEFAULT_QUESTIONS)}, {_shown(DEFAULT_RGB)}); without them "
        f"(a fresh clone), the shipped {_shown(HELDOUT_QUESTIONS)}.",
    )
    parser.add_argument(
        "questions", nargs="?", type=Path, help="a question set (JSONL) on --corpus"
    )
    parser.add_argument(
        "--rgb",
        nargs="?",
        type=Path,
        const=DEFAULT_RGB,
        metavar="FILE",
        help=f"an RGB-format file (alone: {_shown(DEFAULT_RGB)})",
    )
    parser.add_argument(
        "--ways",
        type=_ways,
        default=WAYS,
        help=f"comma-separated RGB ways (default: {','.join(WAYS)})",
    )
    parser.add_argument("--corpus", type=Path, default=SEEDS, help="folder to ingest")
    parser.add_argument("--store", type=Path, help="use this store instead of a temporary one")
    parser.add_argument("-k", type=int, default=5, help="retrieval cut-off for recall")
    parser.add_argument("--json", action="store_true", help="print the report(s) as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per question")
    args = parser.parse_args(argv)
    report: EvalReport | None = None
    rgb_report: RGBReport | None = None
    try:
        plan = _plan(args.questions, args.rgb)
        for note in plan.skipped:
            print(note, file=sys.stderr)
        if plan.questions is not None:
            questions = load_questions(plan.questions)
            with tempfile.TemporaryDirectory(prefix="factcheck-eval-") as tmp:
                store = args.store or Path(tmp) / "store"
                fc = FactCheck(
                    Settings(
                        store=store,
                        corpus=args.corpus,
                        # The temporary folders are not the user's: keep them out of
                        # the record of folders ingested here.
                        ingested_folders=Path(tmp) / "ingested-folders.json",
                    )
                )
                fc.ingest([args.corpus])
                report = evaluate(fc, questions, args.corpus, args.k)
        if plan.rgb is not None:
            rgb_report = evaluate_rgb(plan.rgb, args.ways)
    except FactCheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
        return 1
    except (ValueError, KeyError, TypeError) as exc:  # malformed JSONL
        print(f"error: malformed question file: {exc!r}", file=sys.stderr)
        return 1
    if args.json:
        data: dict[str, Any] = report.to_json() if report else {}
        if plan.questions is not None:
            data["questions_file"] = _shown(plan.questions)
        if plan.rgb_requested:
            rgb_data = rgb_report.to_json() if rgb_report else None
            if rgb_data is not None and plan.rgb is not None:
                rgb_data.update(file=_shown(plan.rgb), ways=list(args.ways))
            data["rgb"] = rgb_data  # None: rgb-dev was skipped (see "skipped")
        data["skipped"] = plan.skipped
        print(json.dumps(data, indent=2))
        return 0
    parts = []
    if report is not None and plan.questions is not None:
        head = f"== {_shown(plan.questions)} on {_shown(args.corpus)} =="
        parts.append(f"{head}\n{format_report(report, args.verbose)}")
    if rgb_report is not None and plan.rgb is not None:
        head = f"== {_shown(plan.rgb)} ({', '.join(args.ways)}) =="
        parts.append(f"{head}\n{format_rgb(rgb_report, args.verbose)}")
    print("\n\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
