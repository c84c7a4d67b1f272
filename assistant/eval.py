"""Evaluate the assistant on the public dev sets, all in one run.

    python -m assistant.eval [QUESTIONS.jsonl] [--rgb [FILE]] [--ramdocs [FILE]]
        [--climate [FILE]] [--quick] [--out FILE] [--against FILE] [--json] [-v]

With no set named it runs all four: the seeds dev set (``../shared/eval/dev.jsonl`` on
``seeds/``), RGB (``rgb-dev.jsonl``, see ``eval_rgb``), RAMDocs (``ramdocs-dev.jsonl``,
see ``eval_ramdocs``) and CLIMATE-FEVER (``climate-fever-dev.jsonl``, see
``eval_climate``). A fresh clone has no ``../shared``: then it says what it skipped and
evaluates the held-out questions shipped in ``tests/data/heldout.jsonl`` instead. Sets
named on the command line run alone and must exist. ``--quick`` samples each large set
for iteration; ``--out`` writes the JSON report, and ``--against`` an earlier one prints
what moved, set by set and question by question.

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
from assistant.eval_climate import ClimateReport, evaluate_climate, format_climate
from assistant.eval_ramdocs import RAMDocsReport, evaluate_ramdocs, format_ramdocs
from assistant.eval_rgb import WAYS, RGBReport, evaluate_rgb, format_rgb, pct
from assistant.index.corpus import read_source_text
from assistant.reasoning.verify import locate
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared" / "eval"
DEFAULT_QUESTIONS = SHARED / "dev.jsonl"
DEFAULT_RGB = SHARED / "rgb-dev.jsonl"
DEFAULT_RAMDOCS = SHARED / "ramdocs-dev.jsonl"
DEFAULT_CLIMATE = SHARED / "climate-fever-dev.jsonl"
# How many items of each large set --quick asks (spread over the file), and how many
# CLIMATE-FEVER claims a full run checks (a stratified sample; 0 on the command line: all).
QUICK = {"rgb": 10, "ramdocs": 50, "climate": 40}
CLIMATE_SAMPLE = 200
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
    ramdocs: Path | None = None
    climate: Path | None = None
    requested: set[str] = field(default_factory=set)  # the public sets this run reports on
    skipped: list[str] = field(default_factory=list)


_SETS = ("rgb", "ramdocs", "climate")


def _plan(
    questions: Path | None,
    rgb: Path | None,
    ramdocs: Path | None = None,
    climate: Path | None = None,
) -> _Plan:
    """Decide which sets to run.

    With none given, run all four; a default file that is absent (a fresh clone has no
    ``../shared``) is skipped with a note, and the dev set falls back to the held-out
    questions shipped in ``tests/data``. Files given explicitly must exist, and only
    they run.

    Raises:
        FactCheckError: A file given on the command line does not exist, or none of
            the default files does.
    """
    given = {"rgb": rgb, "ramdocs": ramdocs, "climate": climate}
    for path in (questions, *given.values()):
        if path is not None and not path.is_file():
            raise FactCheckError(f"{_shown(path)} not found")
    if questions is not None or any(given.values()):
        return _Plan(
            questions, rgb, ramdocs, climate, {k for k, v in given.items() if v is not None}
        )
    plan = _Plan(requested=set(_SETS))
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
    defaults = {"rgb": DEFAULT_RGB, "ramdocs": DEFAULT_RAMDOCS, "climate": DEFAULT_CLIMATE}
    for name, path in defaults.items():
        if path.is_file():
            setattr(plan, name, path)
        else:
            plan.skipped.append(f"skipped {path.stem}: {_shown(path)} not found {why}")
    if plan.questions is None and not any(getattr(plan, n) for n in _SETS):
        raise FactCheckError("nothing to evaluate: " + "; ".join(plan.skipped))
    return plan


# -- comparing two runs -------------------------------------------------------------------


def outcomes(data: dict[str, Any]) -> dict[str, tuple[str, bool | None]]:
    """Each question of a JSON report by a stable key: (the question, right or not).

    The key names the set, the way and the id (``rgb/noise/12``, ``ramdocs/40``,
    ``climate/7``, ``dev/n3``); RAMDocs counts a question right when it is ``honest``.
    """
    out: dict[str, tuple[str, bool | None]] = {}
    for r in data.get("results") or []:
        out[f"dev/{r['id']}"] = (r.get("question", ""), r.get("correct"))
    for r in (data.get("rgb") or {}).get("results") or []:
        out[f"rgb/{r['way']}/{r['id']}"] = (r.get("query", ""), r.get("right"))
    for r in (data.get("ramdocs") or {}).get("results") or []:
        out[f"ramdocs/{r['id']}"] = (r.get("question", ""), r.get("honest"))
    for r in (data.get("climate_fever") or {}).get("results") or []:
        out[f"climate/{r['id']}"] = (r.get("claim", ""), r.get("right"))
    return out


def figures(data: dict[str, Any]) -> dict[str, float]:
    """Every figure of a JSON report (shares, rates, F1), by ``set.name``; times left out."""
    sections = {
        "dev": data,
        "rgb": data.get("rgb"),
        "ramdocs": data.get("ramdocs"),
        "climate": data.get("climate_fever"),
    }
    out: dict[str, float] = {}
    for name, section in sections.items():
        for key, value in (section or {}).items():
            if isinstance(value, float) and "seconds" not in key:
                out[f"{name}.{key}"] = value
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What moved between two JSON reports: figures first, then question by question."""
    lines: list[str] = []
    before, after = figures(old), figures(new)
    for key in sorted(set(before) & set(after)):
        if abs(before[key] - after[key]) > 1e-9:
            if "f1" in key:  # a score, not a share
                lines.append(f"{key:34} {before[key]:>7.3f} -> {after[key]:>7.3f}")
                continue
            delta = 100 * (after[key] - before[key])
            lines.append(
                f"{key:34} {pct(before[key]):>7} -> {pct(after[key]):>7} ({delta:+.1f} points)"
            )
    if not lines:
        lines.append("no figure moved")
    was, now = outcomes(old), outcomes(new)
    gained = [k for k in now if k in was and now[k][1] and not was[k][1]]
    lost = [k for k in now if k in was and was[k][1] and not now[k][1]]
    for title, keys in (("now right", gained), ("now wrong", lost)):
        if keys:
            lines.append(f"{title} ({len(keys)}):")
            lines += [f"  {k:22} {now[k][0][:70]}" for k in sorted(keys)]
    only = len(set(now) ^ set(was))
    if only:
        lines.append(f"{only} questions are in one report only (another sample or set)")
    return "\n".join(lines)


def _sample(value: str) -> int | None:
    """Parse ``--climate-sample``: a count, or 0 for every claim."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError("a count of claims, 0 or more (0: all)")
    return n or None


def _run(args: argparse.Namespace, plan: _Plan) -> dict[str, Any]:
    """Run what ``plan`` names; the reports by set (None where a set did not run)."""
    quick = args.quick
    reports: dict[str, Any] = {"dev": None, "rgb": None, "ramdocs": None, "climate": None}
    if plan.questions is not None:
        questions = load_questions(plan.questions)
        with tempfile.TemporaryDirectory(prefix="factcheck-eval-") as tmp:
            store = args.store or Path(tmp) / "store"
            fc = FactCheck(
                Settings(
                    store=store,
                    corpus=args.corpus,
                    # The temporary folders are not the user's: keep them out of the
                    # record of folders ingested here.
                    ingested_folders=Path(tmp) / "ingested-folders.json",
                    text_cache=Path(tmp) / "documents",
                )
            )
            fc.ingest([args.corpus])
            reports["dev"] = evaluate(fc, questions, args.corpus, args.k)
    if plan.rgb is not None:
        reports["rgb"] = evaluate_rgb(plan.rgb, args.ways, sample=QUICK["rgb"] if quick else None)
    if plan.ramdocs is not None:
        reports["ramdocs"] = evaluate_ramdocs(
            plan.ramdocs, sample=QUICK["ramdocs"] if quick else None
        )
    if plan.climate is not None:
        sample = QUICK["climate"] if quick else args.climate_sample
        reports["climate"] = evaluate_climate(plan.climate, sample=sample)
    return reports


def _json_report(args: argparse.Namespace, plan: _Plan, reports: dict[str, Any]) -> dict[str, Any]:
    report: EvalReport | None = reports["dev"]
    data: dict[str, Any] = report.to_json() if report else {}
    if plan.questions is not None:
        data["questions_file"] = _shown(plan.questions)
    if "rgb" in plan.requested:
        rgb_report: RGBReport | None = reports["rgb"]
        rgb_data = rgb_report.to_json() if rgb_report else None
        if rgb_data is not None and plan.rgb is not None:
            rgb_data.update(file=_shown(plan.rgb), ways=list(args.ways))
        data["rgb"] = rgb_data  # None: rgb-dev was skipped (see "skipped")
    for name, key, path in (
        ("ramdocs", "ramdocs", plan.ramdocs),
        ("climate", "climate_fever", plan.climate),
    ):
        if name in plan.requested:
            part: RAMDocsReport | ClimateReport | None = reports[name]
            section = part.to_json() if part else None
            if section is not None and path is not None:
                section["file"] = _shown(path)
            data[key] = section
    data["quick"] = bool(args.quick)
    data["skipped"] = plan.skipped
    return data


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.eval",
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"""the sets (all four run when none is named; see {_shown(SHARED / "README.md")}):
  dev       {_shown(DEFAULT_QUESTIONS)} on --corpus (seeds/): retrieval recall@k, answers
            right, citations on gold evidence, abstention on unanswerable questions,
            claim verdicts, quotes verbatim. Without ../shared (a fresh clone): the
            shipped {_shown(HELDOUT_QUESTIONS)}.
  rgb       {_shown(DEFAULT_RGB)}, three ways, each its own store: noise (the gold
            answer in a short answer, cited on a right passage), counterfactual (true
            and false answers both shown, each cited, and flagged as a disagreement;
            check does not support both) and rejection (off-topic passages only: abstain).
  ramdocs   {_shown(DEFAULT_RAMDOCS)}: ambiguous names, misinformation and noise in one
            store; gold_all / gold_any (every / some valid answer shown), wrong shown,
            flagged, exact (every valid answer, no wrong one) and honest (every valid
            answer; a wrong one only with the disagreement flagged).
  climate   {_shown(DEFAULT_CLIMATE)}: real claims checked against a pool of
            encyclopedia sentences; accuracy, macro-F1, the confusion matrix and the
            majority baseline, on a stratified sample of {CLIMATE_SAMPLE} (--climate-sample).

--quick asks {QUICK["rgb"]} RGB questions, {QUICK["ramdocs"]} RAMDocs questions and
{QUICK["climate"]} CLIMATE-FEVER claims, spread over each file, for iteration; compare
quick runs with quick runs.""",
    )
    parser.add_argument(
        "questions", nargs="?", type=Path, help="a question set (JSONL) on --corpus"
    )
    for flag, default, what in (
        ("--rgb", DEFAULT_RGB, "an RGB-format file"),
        ("--ramdocs", DEFAULT_RAMDOCS, "a RAMDocs-format file"),
        ("--climate", DEFAULT_CLIMATE, "a CLIMATE-FEVER-format file"),
    ):
        parser.add_argument(
            flag,
            nargs="?",
            type=Path,
            const=default,
            metavar="FILE",
            help=f"{what} (alone: {_shown(default)}); naming a set runs only the sets named",
        )
    parser.add_argument(
        "--ways",
        type=_ways,
        default=WAYS,
        help=f"comma-separated RGB ways (default: {','.join(WAYS)})",
    )
    parser.add_argument(
        "--climate-sample",
        type=_sample,
        default=CLIMATE_SAMPLE,
        metavar="N",
        help=f"CLIMATE-FEVER claims checked, stratified (default {CLIMATE_SAMPLE}; 0: all)",
    )
    parser.add_argument("--quick", action="store_true", help="sample each large set (see below)")
    parser.add_argument("--corpus", type=Path, default=SEEDS, help="folder to ingest (dev)")
    parser.add_argument("--store", type=Path, help="use this store for dev, not a temporary one")
    parser.add_argument("-k", type=int, default=5, help="retrieval cut-off for recall")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--out", type=Path, metavar="FILE", help="also write the JSON report here")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="FILE",
        help="an earlier JSON report (--out): print what moved, figure by figure and "
        "question by question",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per question")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        earlier = json.loads(args.against.read_text(encoding="utf-8")) if args.against else None
        plan = _plan(args.questions, args.rgb, args.ramdocs, args.climate)
        for note in plan.skipped:
            print(note, file=sys.stderr)
        reports = _run(args, plan)
    except FactCheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
        return 1
    except (ValueError, KeyError, TypeError) as exc:  # malformed JSONL or report
        print(f"error: malformed input file: {exc!r}", file=sys.stderr)
        return 1
    data = _json_report(args, plan, reports)
    if args.out is not None:
        try:
            args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(_text_report(args, plan, reports))
    if earlier is not None:
        print(f"\n== against {_shown(args.against)} ==\n{compare(earlier, data)}")
    return 0


def _text_report(args: argparse.Namespace, plan: _Plan, reports: dict[str, Any]) -> str:
    parts = []
    if reports["dev"] is not None and plan.questions is not None:
        head = f"== {_shown(plan.questions)} on {_shown(args.corpus)} =="
        parts.append(f"{head}\n{format_report(reports['dev'], args.verbose)}")
    if reports["rgb"] is not None and plan.rgb is not None:
        head = f"== {_shown(plan.rgb)} ({', '.join(args.ways)}) =="
        parts.append(f"{head}\n{format_rgb(reports['rgb'], args.verbose)}")
    if reports["ramdocs"] is not None and plan.ramdocs is not None:
        head = f"== {_shown(plan.ramdocs)} =="
        parts.append(f"{head}\n{format_ramdocs(reports['ramdocs'], args.verbose)}")
    if reports["climate"] is not None and plan.climate is not None:
        head = f"== {_shown(plan.climate)} =="
        parts.append(f"{head}\n{format_climate(reports['climate'], args.verbose)}")
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
