"""Evaluate retrieval and answers on a JSONL question set.

    python -m assistant.eval [QUESTIONS.jsonl] [--corpus seeds] [--json]

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
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.app import FactCheck
from assistant.corpus import read_source_text
from assistant.errors import FactCheckError
from assistant.settings import Settings
from assistant.verify import locate

DEFAULT_QUESTIONS = Path("../shared/eval/dev.jsonl")
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


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


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
        f"retrieval recall@{report.k}:       {_pct(report.recall_at_k)}",
        f"answer accuracy:          {_pct(report.answer_accuracy)}",
        f"citations on gold:        {_pct(report.citation_precision)}",
        f"unanswerable abstained:   {_pct(report.abstention_rate)}",
        f"answerable abstained:     {_pct(report.false_abstention_rate)}",
        f"quotes verbatim:          {_pct(report.verbatim_rate)}",
        f"claim verdicts right:     {_pct(report.verdict_accuracy)}",
        "mean ask time:            "
        + ("n/a" if report.mean_ask_seconds is None else f"{report.mean_ask_seconds:.3f} s"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant.eval", description=__doc__.split("\n")[0]
    )
    parser.add_argument("questions", nargs="?", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--corpus", type=Path, default=Path("seeds"), help="folder to ingest")
    parser.add_argument("--store", type=Path, help="use this store instead of a temporary one")
    parser.add_argument("-k", type=int, default=5, help="retrieval cut-off for recall")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per question")
    args = parser.parse_args(argv)
    try:
        questions = load_questions(args.questions)
        with tempfile.TemporaryDirectory(prefix="factcheck-eval-") as tmp:
            store = args.store or Path(tmp) / "store"
            fc = FactCheck(Settings(store=store, corpus=args.corpus))
            fc.ingest([args.corpus])
            report = evaluate(fc, questions, args.corpus, args.k)
    except FactCheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(format_report(report, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
