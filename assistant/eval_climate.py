"""Evaluation on CLIMATE-FEVER-style data: real claims checked against encyclopedia sentences.

CLIMATE-FEVER (Diggelmann et al. 2020, arXiv 2012.00614) gives each claim five evidence
sentences from Wikipedia (``evidence_id`` "Title:index") and a label: ``SUPPORTS``,
``REFUTES``, ``DISPUTED`` or ``NOT_ENOUGH_INFO``. Every evidence sentence of every claim
in the file goes into ONE pool, one small article per Wikipedia title (the title on the
first line, then its distinct sentences in index order), ingested into one store: each
claim is checked against the whole pool, not its own five sentences, even when only a
sample of the claims is checked.

Scored per claim: the verdict of ``check`` in extractive mode against the gold label
(:data:`LABELS`). Reported: accuracy, macro-F1 over the four classes, the confusion
matrix, the accuracy of always answering the most common gold label (the majority
baseline), the share of citations whose quote stands verbatim in its file, and the mean
time of one check.

File names are neutral (``a00001.txt``): nothing but the text says what an article is.
The data is read from where it lies and never copied into the project.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.app import FactCheck
from assistant.eval_rgb import pct
from assistant.settings import Settings

LABELS = {
    "SUPPORTS": "supported",
    "REFUTES": "refuted",
    "DISPUTED": "conflicting",
    "NOT_ENOUGH_INFO": "not_enough_info",
}
CLASSES = tuple(LABELS.values())  # the four verdicts, in a fixed order (also for ties)

_ARTICLE = re.compile(r"a\d{5}\.txt")


def load_climate(path: Path) -> list[dict[str, Any]]:
    """Read a CLIMATE-FEVER JSONL file.

    Args:
        path: One claim a line: ``claim_id``, ``claim``, ``claim_label`` and
            ``evidences`` (each with ``evidence_id`` "Title:index", ``article`` and
            ``evidence``).

    Returns:
        The claims in file order.

    Raises:
        ValueError: A claim's label is not one of :data:`LABELS`, or an evidence id has
            no ":index" tail.
    """
    items: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            # A label we cannot map would silently score as wrong: refuse it instead.
            if item.get("claim_label") not in LABELS:
                raise ValueError(f"{path}:{n}: unknown claim_label {item.get('claim_label')!r}")
            for ev in item.get("evidences", []):
                _split_id(ev["evidence_id"])
            items.append(item)
    return items


def _split_id(evidence_id: str) -> tuple[str, int]:
    """Split an id "Title:index" at its last colon (titles may hold colons)."""
    title, sep, index = evidence_id.rpartition(":")
    if not sep or not index.isdigit():
        raise ValueError(f"evidence id {evidence_id!r} is not 'Title:index'")
    return title, int(index)


def pool(items: list[dict[str, Any]]) -> dict[str, dict[int, str]]:
    """Every evidence sentence of every claim, by title and then index.

    A sentence that recurs across claims (same title and index) is kept once, as first
    seen. Titles come in order of first appearance, so the file names are stable.
    """
    out: dict[str, dict[int, str]] = {}
    for item in items:
        for ev in item.get("evidences", []):
            title, index = _split_id(ev["evidence_id"])
            out.setdefault(title, {}).setdefault(index, ev["evidence"].strip())
    return out


def write_corpus(folder: Path, items: list[dict[str, Any]]) -> Path:
    """Write the pool of ``items``' evidence as one article per Wikipedia title.

    Each file (``a00001.txt``, …) holds the title on its first line, then the title's
    distinct sentences in index order, a blank line before each: the chunker reads a
    blank line as a paragraph break, so a sentence without a final full stop is never
    run into the next one.

    Args:
        folder: Where the articles go (created if missing).
        items: Claims as :func:`load_climate` reads them.

    Returns:
        ``folder``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    for n, (title, sentences) in enumerate(pool(items).items(), 1):
        name = f"a{n:05d}.txt"
        text = "\n\n".join([title, *(sentences[i] for i in sorted(sentences))]) + "\n"
        path = folder / name
        # Unchanged files are left alone, so a re-run in the same workdir ingests nothing.
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            path.write_bytes(text.encode("utf-8"))
        written.add(name)
    # An article left from an earlier, larger file would join the pool: drop it.
    for old in folder.iterdir():
        if _ARTICLE.fullmatch(old.name) and old.name not in written:
            old.unlink()
    return folder


def stratified(items: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """A deterministic sample of ``n`` claims with each label in proportion to its share.

    Each label gets the floor of its exact quota, and the claims still missing go to the
    labels with the largest remainders (ties: the order of :data:`LABELS`). Within a
    label the claims are spread evenly over its claims in file order (the middle of each
    of ``k`` equal stretches), so the sample does not lean on the file's start.

    Args:
        items: Claims as :func:`load_climate` reads them.
        n: How many to take; all of them (in file order) when ``n >= len(items)``.

    Returns:
        The sample, in file order.

    Raises:
        ValueError: ``n`` is negative.
    """
    if n < 0:
        raise ValueError(f"sample size must not be negative, got {n}")
    if n >= len(items):
        return list(items)
    by_label: dict[str, list[int]] = {label: [] for label in LABELS}
    for pos, item in enumerate(items):
        by_label.setdefault(item["claim_label"], []).append(pos)
    total = len(items)
    # Integer arithmetic: exact quotas, so ties between remainders are real ties.
    floors = {label: n * len(ps) // total for label, ps in by_label.items()}
    remainders = {label: n * len(ps) % total for label, ps in by_label.items()}
    order = list(by_label)
    missing = n - sum(floors.values())
    for label in sorted(order, key=lambda lb: (-remainders[lb], order.index(lb)))[:missing]:
        floors[label] += 1
    chosen: list[int] = []
    for label, positions in by_label.items():
        k, c = floors[label], len(positions)
        # floor((2i + 1) * c / 2k): distinct for i < k because c >= k.
        chosen += [positions[(2 * i + 1) * c // (2 * k)] for i in range(k)]
    return [items[pos] for pos in sorted(chosen)]


@dataclass
class ClimateResult:
    """One claim: its gold verdict and the one ``check`` gave."""

    id: str
    claim: str
    gold: str
    predicted: str
    right: bool
    seconds: float = 0.0


@dataclass
class ClimateReport:
    """The figures over the evaluated claims, and every claim's result.

    ``confusion`` maps gold verdict -> predicted verdict -> count, all four classes on
    both sides. ``majority_label`` is a verdict ("supported"), as the classes are.
    """

    claims: int = 0
    accuracy: float | None = None
    macro_f1: float | None = None
    majority_label: str | None = None
    majority_accuracy: float | None = None
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    verbatim_rate: float | None = None
    mean_check_seconds: float | None = None
    results: list[ClimateResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as plain data."""
        return asdict(self)


def confusion_matrix(results: list[ClimateResult]) -> dict[str, dict[str, int]]:
    """Gold verdict -> predicted verdict -> count, with a zero for every empty cell."""
    matrix = {gold: dict.fromkeys(CLASSES, 0) for gold in CLASSES}
    for r in results:
        matrix.setdefault(r.gold, dict.fromkeys(CLASSES, 0))
        matrix[r.gold][r.predicted] = matrix[r.gold].get(r.predicted, 0) + 1
    return matrix


def macro_f1(confusion: dict[str, dict[str, int]]) -> float | None:
    """F1 averaged over the four classes.

    Per class: precision = right / predicted, recall = right / gold, each 0 when its
    denominator is 0, and F1 = 0 when both are 0. So a class with gold claims but no
    prediction (or predictions but no gold claim) counts as 0. A class with neither is
    left out of the average: its F1 is undefined, and a 0 would penalise a system for a
    class the claims do not contain (scikit-learn's default does the same, averaging
    over the labels present in gold or predictions).

    Returns:
        The mean, or None when there is no claim at all.
    """
    scores = []
    for c in CLASSES:
        tp = confusion.get(c, {}).get(c, 0)
        gold = sum(confusion.get(c, {}).values())
        predicted = sum(row.get(c, 0) for row in confusion.values())
        if not gold and not predicted:
            continue
        precision = tp / predicted if predicted else 0.0
        recall = tp / gold if gold else 0.0
        scores.append(2 * precision * recall / (precision + recall) if tp else 0.0)
    return sum(scores) / len(scores) if scores else None


def score_climate(results: list[ClimateResult], verified: int = 0, cited: int = 0) -> ClimateReport:
    """Compute a report's figures from per-claim results.

    Args:
        results: One result per evaluated claim.
        verified: Citations whose quote stood verbatim in its file.
        cited: Citations checked (``verbatim_rate`` is None when 0).

    Returns:
        The report, with ``results`` as given.
    """
    n = len(results)
    report = ClimateReport(claims=n, results=list(results))
    report.confusion = confusion_matrix(results)
    if n:
        report.accuracy = sum(r.right for r in results) / n
        report.macro_f1 = macro_f1(report.confusion)
        counts = Counter(r.gold for r in results)
        # Ties go to the order of LABELS, so the baseline does not depend on file order.
        rank = {c: i for i, c in enumerate(CLASSES)}
        label = min(counts, key=lambda c: (-counts[c], rank.get(c, len(rank))))
        report.majority_label = label
        report.majority_accuracy = counts[label] / n
        report.mean_check_seconds = sum(r.seconds for r in results) / n
    report.verbatim_rate = verified / cited if cited else None
    return report


def evaluate_climate(
    path: Path,
    *,
    sample: int | None = 200,
    make: Callable[[Path], FactCheck] | None = None,
    workdir: Path | None = None,
) -> ClimateReport:
    """Check the claims of a CLIMATE-FEVER file against the pool of all its evidence.

    Args:
        path: The JSONL file.
        sample: How many claims to check (a :func:`stratified` sample); None: all. The
            store holds the evidence of every claim in the file either way.
        make: Builds the assistant for a store folder (tests pass fakes).
        workdir: Keep the articles and the store here (re-runs then ingest nothing new);
            default: a temporary folder, removed afterwards.

    Returns:
        The report over the checked claims.
    """
    items = load_climate(path)
    chosen = items if sample is None else stratified(items, sample)
    # The temporary store's folder record lives beside it, not in the user's record.
    make = make or (
        lambda store: FactCheck(
            Settings(store=store, ingested_folders=store.parent / "ingested-folders.json")
        )
    )
    results: list[ClimateResult] = []
    verified = cited = 0
    with tempfile.TemporaryDirectory(prefix="factcheck-climate-") as tmp:
        base = workdir or Path(tmp)
        folder = write_corpus(base / "articles", items)
        fc = make(base / "store")
        fc.ingest([folder])
        for item in chosen:
            gold = LABELS[item["claim_label"]]
            t0 = time.perf_counter()
            res = fc.check(item["claim"], "extractive")
            seconds = time.perf_counter() - t0
            for c in res.citations:
                # Offsets index the file's own text: decode bytes, no newline translation.
                places = [(c.source, c.start, c.end, c.quote)]
                places += [(p.source, p.start, p.end, p.quote) for p in c.also_in]
                for source, start, end, quote in places:
                    text = (folder / source).read_bytes().decode("utf-8")
                    verified += int(text[start:end] == quote)
                    cited += 1
            results.append(
                ClimateResult(
                    str(item["claim_id"]),
                    item["claim"],
                    gold,
                    res.verdict,
                    res.verdict == gold,
                    seconds,
                )
            )
    return score_climate(results, verified, cited)


_SHORT = {"supported": "sup", "refuted": "ref", "conflicting": "con", "not_enough_info": "nei"}


def format_climate(report: ClimateReport, verbose: bool = False) -> str:
    """A plain-text summary with a confusion table (and, with ``verbose``, one line per claim).

    Args:
        report: What :func:`evaluate_climate` or :func:`score_climate` returned.
        verbose: Start with one line per claim: ok/BAD, gold -> predicted, id, claim.

    Returns:
        The lines joined with newlines.
    """
    lines = []
    if verbose:
        for r in report.results:
            mark = "ok " if r.right else "BAD"
            lines.append(f"{mark} {r.gold:15} -> {r.predicted:15} {r.id:>6} {r.claim[:60]}")
    f1 = "n/a" if report.macro_f1 is None else f"{report.macro_f1:.2f}"
    majority = report.majority_label or "n/a"
    lines += [
        f"climate-fever claims:       {report.claims}",
        f"climate-fever accuracy:     {pct(report.accuracy)}",
        f"climate-fever macro-F1:     {f1}",
        f"majority baseline ({majority}): {pct(report.majority_accuracy)}",
        "confusion (rows gold, columns predicted):",
        f"  {'':15}" + "".join(f"{_SHORT[c]:>6}" for c in CLASSES),
    ]
    for gold in CLASSES:
        row = report.confusion.get(gold, {})
        lines.append(f"  {gold:15}" + "".join(f"{row.get(c, 0):>6}" for c in CLASSES))
    lines += [
        f"climate-fever quotes verbatim: {pct(report.verbatim_rate)}",
        "climate-fever mean check time: "
        + ("n/a" if report.mean_check_seconds is None else f"{report.mean_check_seconds:.3f} s"),
    ]
    return "\n".join(lines)
