"""Evaluation on RAMDocs-style data: ambiguous names, misinformation and noise together.

RAMDocs (Wang, Prasad, Stengel-Eskin, Bansal 2025, "Retrieval-Augmented Generation with
Conflicting Evidence") gives, for each question, documents of three types: ``correct``
(each supports one of the valid answers: an ambiguous name in the question can mean
several entities, so there are often two or three), ``misinfo`` (a false answer) and
``noise`` (off the point). Every document of every question is written as its own small
article into one store, and each question is asked in extractive mode. The short answers
(``answers[].text``) are scored:

- **gold_all** / **gold_any**: every / some gold answer is shown;
- **wrong_shown**: a misinformation answer is shown; **flagged**: shown, with
  ``disagreement`` true;
- **exact** (the paper's measure): gold_all and no wrong answer shown;
- **honest** (ours): gold_all, and a wrong answer shown only with the disagreement flagged.

File names are neutral (``d00001.txt``): nothing in the corpus tells which type a document
is. The data is read from where it lies and never copied into the project.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.app import FactCheck
from assistant.eval_rgb import pct
from assistant.index.formats.common import iso_date
from assistant.language import ARTICLES, MONTHS, ORDINAL_SUFFIX, SCALES
from assistant.reasoning.answer_types import Answer
from assistant.reasoning.citations import Citation, Place
from assistant.settings import Settings

TYPES = ("correct", "misinfo", "noise")

# "7,204": a comma between digits followed by exactly three is a thousands separator, and
# goes, so the number reads as one token ("7204") however it was written.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A decimal point stays: "3.5" must not become "35", nor the two tokens "3" and "5".
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_DECIMAL_MARK = "\x00"
# Apostrophes and abbreviation dots join ("O'Dowd" -> "odowd", "U.S." -> "us"); any other
# punctuation splits words, so "1920–1925" and "1920-1925" both read "1920 1925".
_JOINERS = frozenset("'’.")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Words after a number that make it a magnitude or a date, not a count with a unit: "5
# million" is not "5", and "9 October" is not a count of months.
_NOT_UNITS = frozenset({*SCALES, *MONTHS})

# Any month name or abbreviation (these patterns are matched ignoring case).
_MONTHS = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_DAY = r"(?:[0-3]?\d)" + ORDINAL_SUFFIX + "?"
_YEAR = r"(?:\d{4})"
# The ways a full date is written in English text; each is rebuilt into a form that
# iso_date reads ("October 9, 2031"), since it reads only whole strings in a few layouts.
_DATE_PATTERNS = (
    re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b"),
    re.compile(rf"\b(?P<mon>{_MONTHS})\.?\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})\b", re.I),
    re.compile(rf"\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTHS})\.?,?\s+(?P<y>{_YEAR})\b", re.I),
)
_MONTH_YEAR = re.compile(rf"^\s*(?P<mon>{_MONTHS})\.?,?\s+(?P<y>{_YEAR})\s*$", re.I)


def load_ramdocs(path: Path) -> list[dict[str, Any]]:
    """Read a RAMDocs JSONL file.

    Args:
        path: One question a line: ``question``, ``documents`` (``text``, ``type``,
            ``answer``), ``disambig_entity``, ``gold_answers`` and ``wrong_answers``.

    Returns:
        The items in file order; one without an ``id`` gets its 0-based line index.
    """
    items: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for index, line in enumerate(fh):
            if not line.strip():
                continue
            item = json.loads(line)
            item.setdefault("id", index)
            items.append(item)
    return items


def normalise(text: str) -> str:
    """``text`` lowercased, without punctuation or the articles a/an/the, spaces collapsed.

    Thousands separators are dropped ("7,204" reads "7204") and decimal points kept.
    """
    text = _THOUSANDS.sub("", text.lower())
    text = _DECIMAL.sub(_DECIMAL_MARK, text)
    chars = []
    for ch in text:
        if ch in _JOINERS:
            continue
        # Symbols too ("$", "%", "°"): "$5" and "5" name the same amount for scoring.
        cat = unicodedata.category(ch)
        chars.append(" " if cat[0] in "PS" else ch)
    tokens = "".join(chars).replace(_DECIMAL_MARK, ".").split()
    return " ".join(t for t in tokens if t not in ARTICLES)


def _has_tokens(shown: list[str], wanted: list[str]) -> bool:
    """``wanted`` stands in ``shown`` as a run of whole tokens."""
    n = len(wanted)
    return n > 0 and any(shown[i : i + n] == wanted for i in range(len(shown) - n + 1))


def _iso(mon: str, day: str, year: str) -> str:
    digits = re.sub(r"\D", "", day)  # "9th" -> "9": iso_date reads no ordinals
    return iso_date(f"{mon[:3].title()} {digits}, {year}")


def dates_in(text: str) -> list[tuple[int, int, str]]:
    """The full dates written in ``text``: (start, end, ``YYYY-MM-DD``) for each.

    Reads ISO dates, "October 9, 2031", "Oct. 9th 2031", "9 October 2031" and
    "9th of October, 2031".
    """
    found: list[tuple[int, int, str]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            iso = (
                _iso(groups["mon"], groups["d"], groups["y"])
                if groups.get("mon")
                else iso_date(m.group(0))
            )
            if iso and not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), iso))
    return sorted(found)


def _whole_date(text: str) -> str:
    """The date ``text`` is ("" when it is not just a date, give or take punctuation)."""
    direct = iso_date(text.strip())
    if direct:
        return direct
    found = dates_in(text)
    if len(found) == 1:
        start, end, iso = found[0]
        rest = text[:start] + text[end:]
        if not any(ch.isalnum() for ch in rest):
            return iso
    return ""


def _month_year(text: str) -> str:
    """``YYYY-MM`` when ``text`` is just a month and year ("October 2031"), else ""."""
    m = _MONTH_YEAR.match(text)
    if not m:
        return ""
    return _iso(m["mon"], "1", m["y"])[:7]


def _count(tokens: list[str]) -> str:
    """The bare number of a count with a unit ("617 climbers" -> "617"), else ""."""
    if len(tokens) < 2 or not _NUMBER.fullmatch(tokens[0]):
        return ""
    units = tokens[1:]
    if all(u.isalpha() and u not in _NOT_UNITS for u in units):
        return tokens[0]
    return ""


def answer_matches(shown: str, gold: str) -> bool:
    """Whether the answer ``gold`` is given by the short answer ``shown``.

    After :func:`normalise`, ``gold`` must stand in ``shown`` as whole tokens ("61" is not
    in "617"). Besides: a date written another way counts ("9 October 2031" gives
    "2031-10-09", also inside a longer text), and a count with a unit ("617 climbers") is
    given by its bare number standing as a whole token ("617").

    Args:
        shown: A short answer as shown to the user.
        gold: An expected (or a known wrong) answer.

    Returns:
        True when ``shown`` gives ``gold``.
    """
    shown_tokens = normalise(shown).split()
    gold_tokens = normalise(gold).split()
    if _has_tokens(shown_tokens, gold_tokens):
        return True
    date = _whole_date(gold)
    if date and any(iso == date for _, _, iso in dates_in(shown)):
        return True
    if date and iso_date(shown.strip()) == date:
        return True
    month = _month_year(gold)
    if month and any(iso[:7] == month for _, _, iso in dates_in(shown)):
        return True
    number = _count(gold_tokens)
    return bool(number) and number in shown_tokens


def wrong_shown_in(shown: list[str], wrong: list[str], gold: list[str]) -> bool:
    """Whether a short answer in ``shown`` gives one of the ``wrong`` answers.

    A short answer that gives a gold answer which itself contains the wrong one does not
    count: where one answer is both valid and claimed by misinformation, or a wrong "Red"
    stands inside the valid "Dark red", showing the valid answer is no error.
    """
    for text in shown:
        for w in wrong:
            if not answer_matches(text, w):
                continue
            if any(answer_matches(text, g) and answer_matches(g, w) for g in gold):
                continue
            return True
    return False


@dataclass
class Corpus:
    """Documents written as files, with the question and type of each."""

    folder: Path
    kind_of: dict[str, tuple[int, str]] = field(default_factory=dict)  # file -> (qid, type)


def write_corpus(folder: Path, items: list[dict[str, Any]]) -> Corpus:
    """Write every document of every question as its own article, with neutral names.

    Args:
        folder: Where the articles go (created if missing).
        items: The questions, as :func:`load_ramdocs` reads them.

    Returns:
        The folder, and for each file name the question id and document type.
    """
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(folder)
    n = 0
    for item in items:
        for doc in item.get("documents", []):
            n += 1
            name = f"d{n:05d}.txt"
            (folder / name).write_text(doc["text"] + "\n", encoding="utf-8")
            corpus.kind_of[name] = (item["id"], doc.get("type", ""))
    return corpus


@dataclass
class RAMDocsResult:
    """One question's short answers and scores."""

    id: int
    question: str
    answers: list[str]
    abstained: bool
    disagreement: bool
    gold_all: bool
    gold_any: bool
    wrong_shown: bool
    flagged: bool
    exact: bool
    honest: bool
    seconds: float = 0.0


@dataclass
class RAMDocsReport:
    """Shares over all questions (0-1, None when there were none), and every result."""

    questions: int = 0
    gold_all: float | None = None
    gold_any: float | None = None
    wrong_shown: float | None = None
    flagged: float | None = None
    exact: float | None = None
    honest: float | None = None
    abstained: float | None = None
    verbatim_rate: float | None = None
    mean_ask_seconds: float | None = None
    results: list[RAMDocsResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as plain data."""
        return asdict(self)


def score(item: dict[str, Any], ans: Answer, seconds: float = 0.0) -> RAMDocsResult:
    """Score one question's answer against its gold and wrong answers.

    Args:
        item: The question, as :func:`load_ramdocs` reads it.
        ans: What the assistant answered.
        seconds: How long the answer took.

    Returns:
        The question's result.
    """
    short = [a.text for a in ans.answers]
    gold = [str(g) for g in item.get("gold_answers", [])]
    wrong = [str(w) for w in item.get("wrong_answers", [])]
    found = [any(answer_matches(s, g) for s in short) for g in gold]
    gold_all = all(found) and bool(short)
    wrong_shown = wrong_shown_in(short, wrong, gold)
    return RAMDocsResult(
        id=item["id"],
        question=item["question"],
        answers=short,
        abstained=ans.abstained,
        disagreement=ans.disagreement,
        gold_all=gold_all,
        gold_any=any(found),
        wrong_shown=wrong_shown,
        flagged=wrong_shown and ans.disagreement,
        exact=gold_all and not wrong_shown,
        honest=gold_all and (not wrong_shown or ans.disagreement),
        seconds=seconds,
    )


def sample_items(items: list[dict[str, Any]], sample: int | None) -> list[dict[str, Any]]:
    """Every n-th item, ``sample`` of them spread evenly from the first; all when None.

    Args:
        items: The questions in file order.
        sample: How many to keep (all when None or at least ``len(items)``).

    Returns:
        The kept questions, in file order; the same ones on every run.

    Raises:
        ValueError: ``sample`` is below 1.
    """
    if sample is None or sample >= len(items):
        return list(items)
    if sample < 1:
        raise ValueError(f"sample must be at least 1, not {sample}")
    # Integer steps of len/sample: the first item always, then evenly to near the end.
    return [items[i * len(items) // sample] for i in range(sample)]


def _verbatim(corpus: Corpus, ans: Answer, counts: list[int]) -> None:
    """Count the citations (and their near-copies) whose quote is the file's own text."""
    for c in ans.citations:
        places: list[Citation | Place] = [c, *c.also_in]
        for place in places:
            path = corpus.folder / place.source
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            counts[0] += int(text[place.start : place.end] == place.quote)
            counts[1] += 1


def evaluate_ramdocs(
    path: Path,
    *,
    sample: int | None = None,
    make: Callable[[Path], FactCheck] | None = None,
    workdir: Path | None = None,
) -> RAMDocsReport:
    """Ingest every question's documents into one store and ask every question.

    Args:
        path: The RAMDocs JSONL file.
        sample: Ask only this many questions, spread evenly over the file (every n-th),
            for quick runs; the store then holds only their documents.
        make: Builds the assistant for a store folder (tests pass fakes).
        workdir: Keep the articles and store here (re-runs then ingest nothing new);
            default: a temporary folder, removed afterwards.

    Returns:
        The shares over all questions and every question's result.
    """
    items = sample_items(load_ramdocs(path), sample)
    # The temporary folder is recorded beside its store, not in the user's record.
    make = make or (
        lambda store: FactCheck(
            Settings(store=store, ingested_folders=store.parent / "ingested-folders.json")
        )
    )
    report = RAMDocsReport(questions=len(items))
    verbatim = [0, 0]
    with tempfile.TemporaryDirectory(prefix="factcheck-ramdocs-") as tmp:
        # A sample gets its own folder: a kept workdir never mixes two runs' documents.
        base = (workdir or Path(tmp)) / ("all" if sample is None else f"sample-{sample}")
        corpus = write_corpus(base / "articles", items)
        fc = make(base / "store")
        fc.ingest([corpus.folder])
        for item in items:
            t0 = time.perf_counter()
            ans = fc.ask(item["question"], "extractive")
            seconds = time.perf_counter() - t0
            _verbatim(corpus, ans, verbatim)
            report.results.append(score(item, ans, seconds))

    def share(attr: str) -> float | None:
        rows = [bool(getattr(r, attr)) for r in report.results]
        return sum(rows) / len(rows) if rows else None

    for attr in ("gold_all", "gold_any", "wrong_shown", "flagged", "exact", "honest"):
        setattr(report, attr, share(attr))
    report.abstained = share("abstained")
    report.verbatim_rate = verbatim[0] / verbatim[1] if verbatim[1] else None
    times = [r.seconds for r in report.results]
    report.mean_ask_seconds = sum(times) / len(times) if times else None
    return report


def format_ramdocs(report: RAMDocsReport, verbose: bool = False) -> str:
    """A plain-text summary (and, with ``verbose``, one line per question).

    Args:
        report: What :func:`evaluate_ramdocs` returned.
        verbose: Add a line per question, marked ``ok`` or ``BAD`` by ``honest``.

    Returns:
        The summary, one figure a line.
    """
    lines = []
    if verbose:
        for r in report.results:
            mark = "ok " if r.honest else "BAD"
            shown = "; ".join(r.answers)[:60] if not r.abstained else "(abstained)"
            dis = " [disagree]" if r.disagreement else ""
            wrong = " [wrong shown]" if r.wrong_shown else ""
            lines.append(f"{mark} {r.id:3} {r.question[:45]:45} {shown}{dis}{wrong}")
    shown_n = sum(r.wrong_shown for r in report.results)
    flagged_n = sum(r.flagged for r in report.results)
    lines += [
        f"ramdocs questions:        {report.questions}",
        f"ramdocs gold all:         {pct(report.gold_all)}",
        f"ramdocs gold any:         {pct(report.gold_any)}",
        f"ramdocs wrong shown:      {pct(report.wrong_shown)}",
        f"ramdocs wrong flagged:    {pct(report.flagged)} ({flagged_n} of {shown_n} shown)",
        f"ramdocs exact:            {pct(report.exact)}",
        f"ramdocs honest:           {pct(report.honest)}",
        f"ramdocs abstained:        {pct(report.abstained)}",
        f"ramdocs quotes verbatim:  {pct(report.verbatim_rate)}",
        "ramdocs mean ask time:    "
        + ("n/a" if report.mean_ask_seconds is None else f"{report.mean_ask_seconds:.3f} s"),
    ]
    return "\n".join(lines)
