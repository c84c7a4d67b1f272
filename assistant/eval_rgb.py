"""Evaluation on RGB-style data: news questions with true, false and off-topic passages.

RGB (Chen et al., "Benchmarking Large Language Models in Retrieval-Augmented
Generation", AAAI 2024) gives, for each question, ``positive`` passages (they hold the
answer), ``positive_wrong`` (the same passages with a false answer) and ``negative``
(on the topic, without the answer). Each passage is written as its own small article and
ingested in-process, one store per way of using the data:

- **noise**: positive + negative. Right when the gold answer stands in a short answer
  (``answers[].text``, case-insensitive; every part of a multi-part answer) and a citation
  is on one of that question's positive passages.
- **counterfactual**: positive + positive_wrong + negative. Right when the short answers
  show both the true and the false answer, each cited, and ``disagreement`` is true. Also
  counts the pairs where ``check`` does not call both "<query>: <answer>" and
  "<query>: <fakeanswer>" supported.
- **rejection**: only negative passages that do not contain the answer. Right when it
  abstains.

File names are neutral (``p00001.txt``): nothing in the corpus tells which kind a
passage is. The data is read from where it lies and never copied into the project.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.app import FactCheck
from assistant.settings import Settings

WAYS = ("noise", "counterfactual", "rejection")


def load_rgb(path: Path) -> list[dict[str, Any]]:
    """Read an RGB JSONL file (``id``, ``query``, ``answer``, ``fakeanswer``, passages)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def answer_groups(answer: Any) -> list[list[str]]:
    """The gold answer as parts, each a list of acceptable strings.

    RGB gives a string, a list of acceptable strings, or a list of such lists (one per
    part of a multi-part answer).
    """
    if isinstance(answer, str):
        return [[answer]]
    if answer and all(isinstance(a, list) for a in answer):
        return [[str(x) for x in a] for a in answer]
    return [[str(a) for a in answer]]


def matches(texts: list[str], groups: list[list[str]]) -> bool:
    """Every part of the answer stands (case-insensitively) in one of ``texts``."""
    low = [t.lower() for t in texts]
    return all(any(opt.lower() in t for opt in group for t in low) for group in groups)


def _contains_answer(passage: str, groups: list[list[str]]) -> bool:
    low = passage.lower()
    return any(opt.lower() in low for group in groups for opt in group)


@dataclass
class Corpus:
    """Passages written as files, with what each one is."""

    folder: Path
    kind_of: dict[str, tuple[int, str]] = field(default_factory=dict)  # file -> (qid, kind)


def write_corpus(folder: Path, items: list[dict[str, Any]], way: str) -> Corpus:
    """Write the passages that ``way`` uses, one file each, with neutral names."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(folder)
    n = 0
    for item in items:
        groups = answer_groups(item["answer"])
        kinds: tuple[str, ...]
        if way == "noise":
            kinds = ("positive", "negative")
        elif way == "counterfactual":
            kinds = ("positive", "positive_wrong", "negative")
        else:
            kinds = ("negative",)
        for kind in kinds:
            for passage in item.get(kind, []):
                if way == "rejection" and _contains_answer(passage, groups):
                    continue
                n += 1
                name = f"p{n:05d}.txt"
                (folder / name).write_text(passage + "\n", encoding="utf-8")
                corpus.kind_of[name] = (item["id"], kind)
    return corpus


@dataclass
class RGBResult:
    """One question in one way."""

    way: str
    id: int
    query: str
    right: bool
    answers: list[str]
    abstained: bool
    disagreement: bool
    check_ok: bool | None = None
    seconds: float = 0.0


@dataclass
class RGBReport:
    """Figures per way, and every question's result."""

    noise: float | None = None
    counterfactual: float | None = None
    counterfactual_check: float | None = None
    rejection: float | None = None
    verbatim_rate: float | None = None
    mean_ask_seconds: float | None = None
    results: list[RGBResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as plain data."""
        return asdict(self)


def _on(corpus: Corpus, qid: int, kinds: tuple[str, ...], sources: list[str]) -> bool:
    return any(corpus.kind_of.get(s, (None, None)) in {(qid, k) for k in kinds} for s in sources)


def run_way(
    way: str,
    items: list[dict[str, Any]],
    make: Callable[[Path], FactCheck],
    workdir: Path,
    verbatim: list[int],
) -> list[RGBResult]:
    """Ingest one way's corpus into its own store and run every question."""
    corpus = write_corpus(workdir / way / "articles", items, way)
    fc = make(workdir / way / "store")
    fc.ingest([corpus.folder])
    out: list[RGBResult] = []
    for item in items:
        groups = answer_groups(item["answer"])
        fake = answer_groups(item["fakeanswer"])
        t0 = time.perf_counter()
        ans = fc.ask(item["query"], "extractive")
        seconds = time.perf_counter() - t0
        for c in ans.citations:
            text = (corpus.folder / c.source).read_text(encoding="utf-8")
            verbatim[0] += int(text[c.start : c.end] == c.quote)
            verbatim[1] += 1
        short = [a.text for a in ans.answers]

        def cited_on(
            g: list[list[str]], kinds: tuple[str, ...], ans: Any = ans, qid: int = item["id"]
        ) -> bool:
            """A short answer holding ``g`` cites a passage of the given kinds."""
            by_id = {c.id: c for c in ans.citations}
            for a in ans.answers:
                if matches([a.text], g):
                    srcs = [by_id[i].source for i in a.citations if i in by_id]
                    if _on(corpus, qid, kinds, srcs):
                        return True
            return False

        check_ok: bool | None = None
        if way == "noise":
            right = matches(short, groups) and cited_on(groups, ("positive",))
        elif way == "counterfactual":
            right = (
                cited_on(groups, ("positive",))
                and cited_on(fake, ("positive_wrong",))
                and ans.disagreement
            )
            true_claim = f"{item['query']}: {groups[0][0]}"
            false_claim = f"{item['query']}: {fake[0][0]}"
            verdicts = [fc.check(c, "extractive").verdict for c in (true_claim, false_claim)]
            check_ok = verdicts != ["supported", "supported"]
        else:
            right = ans.abstained
        out.append(
            RGBResult(
                way,
                item["id"],
                item["query"],
                right,
                short,
                ans.abstained,
                ans.disagreement,
                check_ok,
                seconds,
            )
        )
    return out


def spread(items: list[Any], n: int | None) -> list[Any]:
    """``n`` of ``items`` spread evenly over them (every k-th), or all when ``n`` is None."""
    if n is None or n >= len(items):
        return list(items)
    if n <= 0:
        return []
    return [items[i * len(items) // n] for i in range(n)]


def evaluate_rgb(
    path: Path,
    ways: tuple[str, ...] = WAYS,
    make: Callable[[Path], FactCheck] | None = None,
    workdir: Path | None = None,
    sample: int | None = None,
) -> RGBReport:
    """Run the RGB file three ways, each in its own temporary store.

    Args:
        path: The RGB JSONL file.
        ways: Which of noise, counterfactual and rejection to run.
        make: Builds the assistant for a store folder (tests pass fakes).
        workdir: Keep the articles and stores here (re-runs then ingest nothing new);
            default: a temporary folder, removed afterwards.
        sample: Only this many questions, spread over the file (``--quick``); the
            stores then hold only their passages.
    """
    items = spread(load_rgb(path), sample)
    # Each way's temporary folder is recorded beside its store, not in the user's record.
    make = make or (
        lambda store: FactCheck(
            Settings(store=store, ingested_folders=store.parent / "ingested-folders.json")
        )
    )
    report = RGBReport()
    verbatim = [0, 0]
    with tempfile.TemporaryDirectory(prefix="factcheck-rgb-") as tmp:
        for way in ways:
            report.results += run_way(way, items, make, workdir or Path(tmp), verbatim)

    def share(way: str, attr: str = "right") -> float | None:
        rows = [getattr(r, attr) for r in report.results if r.way == way]
        rows = [r for r in rows if r is not None]
        return sum(map(bool, rows)) / len(rows) if rows else None

    report.noise = share("noise")
    report.counterfactual = share("counterfactual")
    report.counterfactual_check = share("counterfactual", "check_ok")
    report.rejection = share("rejection")
    report.verbatim_rate = verbatim[0] / verbatim[1] if verbatim[1] else None
    times = [r.seconds for r in report.results]
    report.mean_ask_seconds = sum(times) / len(times) if times else None
    return report


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal, or "n/a"."""
    return "n/a" if x is None else f"{100 * x:.1f}%"


def format_rgb(report: RGBReport, verbose: bool = False) -> str:
    """A plain-text summary (and, with ``verbose``, one line per question)."""
    lines = []
    if verbose:
        for r in report.results:
            mark = "ok " if r.right else "BAD"
            extra = "" if r.check_ok in (None, True) else " (check: both supported)"
            shown = "; ".join(r.answers)[:60] if not r.abstained else "(abstained)"
            dis = " [disagree]" if r.disagreement else ""
            lines.append(f"{mark} {r.way[:7]:7} {r.id:3} {r.query[:45]:45} {shown}{dis}{extra}")
    lines += [
        f"rgb noise:                {pct(report.noise)}",
        f"rgb counterfactual:       {pct(report.counterfactual)}",
        f"rgb check not both true:  {pct(report.counterfactual_check)}",
        f"rgb rejection abstained:  {pct(report.rejection)}",
        f"rgb quotes verbatim:      {pct(report.verbatim_rate)}",
        "rgb mean ask time:        "
        + ("n/a" if report.mean_ask_seconds is None else f"{report.mean_ask_seconds:.3f} s"),
    ]
    return "\n".join(lines)
