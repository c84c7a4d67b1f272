"""The CLIMATE-FEVER-style evaluation, on tiny invented data (never text from the benchmark)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.app import FactCheck
from assistant.eval_climate import (
    CLASSES,
    LABELS,
    ClimateResult,
    confusion_matrix,
    evaluate_climate,
    format_climate,
    load_climate,
    macro_f1,
    score_climate,
    stratified,
    write_corpus,
)
from assistant.settings import Settings
from tests.conftest import HashEmbeddings


def _ev(title: str, index: int, text: str) -> dict[str, Any]:
    return {"evidence_id": f"{title}:{index}", "article": title, "evidence": text}


FROZE = "Lake Ormund froze over completely during the winter of 2031."

# Invented claims and evidence, written for these tests. "Ormund Ice Records" stands only
# in the fourth claim's evidence, and "Lake Ormund:3" recurs in two claims.
ITEMS: list[dict[str, Any]] = [
    {
        "claim_id": "11",
        "claim": FROZE,
        "claim_label": "SUPPORTS",
        "evidences": [
            _ev("Lake Ormund", 3, "Lake Ormund lies in a shallow basin ringed by pine forest."),
            _ev("Lake Ormund", 1, "Lake Ormund is fed by two mountain streams."),
        ],
    },
    {
        "claim_id": "12",
        "claim": "The Pellan Glacier has grown longer every year since 2010.",
        "claim_label": "REFUTES",
        "evidences": [
            _ev("Pellan Glacier", 2, "The Pellan Glacier has shrunk every year since 2010."),
            _ev("Lake Ormund", 3, "Lake Ormund lies in a shallow basin ringed by pine forest."),
        ],
    },
    {
        "claim_id": "13",
        "claim": "Grazing goats caused the Harrow Dunes to spread inland.",
        "claim_label": "DISPUTED",
        "evidences": [
            _ev("Harrow Dunes", 0, "Surveyors blamed grazing goats for the spread of the dunes."),
            _ev("Harrow: Dunes and Coast", 5, "Later studies pointed to stronger sea winds."),
        ],
    },
    {
        "claim_id": "14",
        "claim": "The Velden wind farm powers every home in Carrow county.",
        "claim_label": "NOT_ENOUGH_INFO",
        "evidences": [
            _ev("Ormund Ice Records", 4, FROZE),
            _ev("Velden", 9, "Velden is a market town known for its cheese fair."),
        ],
    },
]


def _write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


@pytest.fixture
def climate_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "tiny-climate.jsonl", ITEMS)


def _articles(folder: Path) -> dict[str, list[str]]:
    """Title -> the sentences of its file, read back as the file lays them out."""
    out = {}
    for path in sorted(folder.iterdir()):
        title, rest = path.read_text(encoding="utf-8").split("\n\n", 1)
        out[title] = [s for s in rest.split("\n") if s]
    return out


def test_load_climate_reads_every_claim_and_refuses_unknown_labels(
    climate_file: Path, tmp_path: Path
):
    assert [i["claim_id"] for i in load_climate(climate_file)] == ["11", "12", "13", "14"]
    bad = _write(tmp_path / "bad.jsonl", [{**ITEMS[0], "claim_label": "MAYBE"}])
    with pytest.raises(ValueError, match="MAYBE"):
        load_climate(bad)
    bad_id = {**ITEMS[0], "evidences": [{**ITEMS[0]["evidences"][0], "evidence_id": "NoIndex"}]}
    with pytest.raises(ValueError, match="NoIndex"):
        load_climate(_write(tmp_path / "bad-id.jsonl", [bad_id]))


def test_labels_map_to_the_four_verdicts():
    assert LABELS["DISPUTED"] == "conflicting"
    assert set(CLASSES) == {"supported", "refuted", "conflicting", "not_enough_info"}


def test_pool_groups_by_title_in_index_order_and_deduplicates(tmp_path: Path):
    folder = write_corpus(tmp_path / "articles", ITEMS)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"a{n:05d}.txt" for n in range(1, 7)]  # one per title, neutral names
    articles = _articles(folder)
    assert articles["Lake Ormund"] == [
        "Lake Ormund is fed by two mountain streams.",  # index 1 before 3, though listed after
        "Lake Ormund lies in a shallow basin ringed by pine forest.",  # once, though in two
    ]
    # A title with a colon is split from its index at the last colon.
    assert articles["Harrow: Dunes and Coast"] == ["Later studies pointed to stronger sea winds."]
    assert articles["Ormund Ice Records"] == [FROZE]
    assert sum(len(s) for s in articles.values()) == 7  # the 8 evidences, one recurring
    # The title is the first line, a blank line after it.
    first = (folder / "a00001.txt").read_text(encoding="utf-8")
    assert first.startswith("Lake Ormund\n\n")


def test_write_corpus_drops_articles_left_from_a_larger_file(tmp_path: Path):
    folder = write_corpus(tmp_path / "articles", ITEMS)
    write_corpus(folder, ITEMS[:1])
    assert sorted(p.name for p in folder.iterdir()) == ["a00001.txt"]
    assert list(_articles(folder)) == ["Lake Ormund"]


def _labelled(labels: str) -> list[dict[str, Any]]:
    """Claims with the given labels (S, R, D, N), numbered by position."""
    full = {"S": "SUPPORTS", "R": "REFUTES", "D": "DISPUTED", "N": "NOT_ENOUGH_INFO"}
    return [{"claim_id": str(i), "claim_label": full[c]} for i, c in enumerate(labels)]


def test_stratified_uses_largest_remainders_and_spreads_evenly():
    items = _labelled("SSRSDSRSDR")  # 5 S, 3 R, 2 D
    picked = stratified(items, 4)
    # Quotas 2.0, 1.2, 0.8: floors give only 3, and the fourth goes to D (remainder .8).
    labels = [i["claim_label"] for i in picked]
    assert labels.count("SUPPORTS") == 2
    assert labels.count("REFUTES") == 1
    assert labels.count("DISPUTED") == 1
    # S at positions 0,1,3,5,7: the middles of two halves are its 2nd and 4th (1 and 5);
    # R at 2,6,9: its middle one (6); D at 4,8: the second (8). File order is kept.
    assert [i["claim_id"] for i in picked] == ["1", "5", "6", "8"]
    assert stratified(items, 4) == picked  # deterministic


def test_stratified_keeps_proportions_and_edges():
    items = _labelled("S" * 50 + "N" * 30 + "R" * 15 + "D" * 5)
    picked = stratified(items, 20)
    counts = {lb: sum(i["claim_label"] == lb for i in picked) for lb in LABELS}
    assert counts == {"SUPPORTS": 10, "NOT_ENOUGH_INFO": 6, "REFUTES": 3, "DISPUTED": 1}
    assert len({i["claim_id"] for i in picked}) == 20
    assert stratified(items, 100) == items and stratified(items, 500) == items
    assert stratified(items, 0) == []
    # Equal remainders go to the labels in LABELS order.
    assert [i["claim_label"] for i in stratified(_labelled("NDRS"), 2)] == ["REFUTES", "SUPPORTS"]
    with pytest.raises(ValueError):
        stratified(items, -1)


def _results(pairs: list[tuple[str, str]]) -> list[ClimateResult]:
    return [
        ClimateResult(str(n), f"claim {n}", gold, pred, gold == pred, 0.5 + n)
        for n, (gold, pred) in enumerate(pairs)
    ]


HAND = [
    ("supported", "supported"),
    ("supported", "supported"),
    ("supported", "not_enough_info"),
    ("refuted", "refuted"),
    ("refuted", "supported"),
    ("conflicting", "not_enough_info"),
    ("not_enough_info", "not_enough_info"),
]


def test_accuracy_confusion_and_macro_f1_on_hand_made_results():
    report = score_climate(_results(HAND), verified=3, cited=4)
    assert report.claims == 7
    assert report.accuracy == pytest.approx(4 / 7)
    assert report.confusion["supported"] == {
        "supported": 2,
        "refuted": 0,
        "conflicting": 0,
        "not_enough_info": 1,
    }
    assert report.confusion["refuted"]["supported"] == 1
    assert report.confusion["conflicting"]["not_enough_info"] == 1
    assert sum(sum(row.values()) for row in report.confusion.values()) == 7
    # supported: P 2/3, R 2/3 -> 2/3; refuted: P 1, R 1/2 -> 2/3; conflicting: never
    # predicted, one gold -> 0; not_enough_info: P 1/3, R 1 -> 1/2. Mean: 11/24.
    assert report.macro_f1 == pytest.approx(11 / 24)
    assert report.verbatim_rate == pytest.approx(0.75)
    assert report.mean_check_seconds == pytest.approx(sum(0.5 + n for n in range(7)) / 7)


def test_macro_f1_leaves_out_a_class_absent_on_both_sides():
    # No conflicting gold or prediction: averaged over the other three.
    pairs = [("supported", "supported"), ("refuted", "not_enough_info")]
    # supported 1; refuted 0 (gold, no prediction); not_enough_info 0 (predicted, no gold).
    assert macro_f1(confusion_matrix(_results(pairs))) == pytest.approx(1 / 3)
    assert macro_f1(confusion_matrix([])) is None


def test_majority_baseline():
    report = score_climate(_results(HAND))
    assert report.majority_label == "supported"
    assert report.majority_accuracy == pytest.approx(3 / 7)
    tied = score_climate(_results([("refuted", "refuted"), ("not_enough_info", "refuted")] * 2))
    assert tied.majority_label == "refuted"  # a tie goes to the order of LABELS
    assert tied.majority_accuracy == pytest.approx(0.5)
    empty = score_climate([])
    assert empty.accuracy is None and empty.majority_label is None and empty.verbatim_rate is None


def test_format_climate():
    report = score_climate(_results(HAND), verified=4, cited=4)
    text = format_climate(report)
    assert "climate-fever accuracy:     57.1%" in text
    assert "climate-fever macro-F1:     0.46" in text
    assert "majority baseline (supported): 42.9%" in text
    assert re.search(r"^  supported\s+2\s+0\s+0\s+1$", text, re.M)
    assert "quotes verbatim: 100.0%" in text
    verbose = format_climate(report, verbose=True)
    assert len(verbose.splitlines()) == len(text.splitlines()) + 7
    assert verbose.splitlines()[2].startswith("BAD supported")


def _make(fake_embeddings: HashEmbeddings):
    def make(store: Path) -> FactCheck:
        return FactCheck(
            Settings(store=store, ingested_folders=store.parent / "x.json"),
            embeddings=fake_embeddings,
        )

    return make


def test_evaluate_climate_end_to_end(
    climate_file: Path, tmp_path: Path, fake_embeddings: HashEmbeddings
):
    work = tmp_path / "work"
    report = evaluate_climate(climate_file, sample=None, make=_make(fake_embeddings), workdir=work)
    assert [r.id for r in report.results] == ["11", "12", "13", "14"]
    assert [r.gold for r in report.results] == list(CLASSES)
    for r in report.results:
        assert r.predicted in CLASSES and r.right == (r.predicted == r.gold) and r.seconds >= 0
    assert report.claims == 4
    assert report.accuracy == sum(r.right for r in report.results) / 4
    assert sum(sum(row.values()) for row in report.confusion.values()) == 4
    assert report.majority_accuracy == 0.25
    assert report.verbatim_rate == 1.0  # there were citations, and every one verified
    data = report.to_json()
    assert data["results"][0]["id"] == "11" and json.dumps(data)


def test_a_sample_is_checked_against_the_whole_pool(
    climate_file: Path, tmp_path: Path, fake_embeddings: HashEmbeddings
):
    work = tmp_path / "work"
    report = evaluate_climate(climate_file, sample=2, make=_make(fake_embeddings), workdir=work)
    # One claim of each label: equal remainders, so the first two labels are sampled.
    assert [r.id for r in report.results] == ["11", "12"]
    # The store holds the evidence of the claims not checked too.
    assert "Ormund Ice Records" in _articles(work / "articles")
    # The first claim is said in full only in the fourth claim's evidence: found there.
    fc = _make(fake_embeddings)(work / "store")
    res = fc.check(FROZE, "extractive")
    assert res.verdict == "supported" == report.results[0].predicted
    assert any(c.quote == FROZE for c in res.citations)
