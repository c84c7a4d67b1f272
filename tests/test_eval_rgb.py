"""The RGB-style evaluation, on a tiny invented file (never text from the benchmark)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import assistant.eval as eval_module
from assistant.app import FactCheck
from assistant.eval import main
from assistant.eval_rgb import (
    WAYS,
    answer_groups,
    evaluate_rgb,
    format_rgb,
    load_rgb,
    matches,
    write_corpus,
)
from assistant.settings import Settings
from tests.conftest import HashEmbeddings

# Invented questions and passages, written for these tests.
ITEMS: list[dict[str, Any]] = [
    {
        "id": 0,
        "query": "Harbor Marathon 2031 winner",
        "answer": "Lena Okafor",
        "fakeanswer": "Mira Castell",
        "positive": [
            "Lena Okafor won the Harbor Marathon 2031, finishing the waterfront course in "
            "two hours and nine minutes.",
        ],
        "positive_wrong": [
            "Mira Castell won the Harbor Marathon 2031, finishing the waterfront course in "
            "two hours and nine minutes.",
        ],
        "negative": [
            "The Harbor Marathon 2031 drew twelve thousand runners and closed the coast "
            "road for most of the morning.",
        ],
    },
    {
        "id": 1,
        "query": "Who shared the 2030 Quillon Prize for glassmaking?",
        "answer": [["Ada Brenn"], ["Tomas Ruel", "T. Ruel"]],
        "fakeanswer": [["Ida Varga"], ["Paul Senn"]],
        "positive": [
            "The 2030 Quillon Prize for glassmaking was shared by Ada Brenn and Tomas Ruel "
            "for their work on thin curved panes.",
        ],
        "positive_wrong": [
            "The 2030 Quillon Prize for glassmaking was shared by Ida Varga and Paul Senn "
            "for their work on thin curved panes.",
        ],
        "negative": [
            "The Quillon Prize jury meets each spring in a small museum of decorative arts.",
        ],
    },
    {
        "id": 2,
        "query": "Velmora river bridge opening year",
        "answer": ["2029", "in 2029"],
        "fakeanswer": "2027",
        "positive": ["The Velmora river bridge opened to traffic in 2029 after six years."],
        "positive_wrong": ["The Velmora river bridge opened to traffic in 2027 after six years."],
        "negative": [
            "Ferry crossings on the Velmora river fell sharply once the new bridge carried cars.",
            # Filed as negative but holding the answer: rejection must drop it.
            "Engineers finished the Velmora river bridge deck in 2029, ahead of the parade.",
        ],
    },
]


@pytest.fixture
def rgb_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny-rgb.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in ITEMS), encoding="utf-8")
    return path


def test_answer_groups_accepts_the_three_shapes():
    assert answer_groups("Lena Okafor") == [["Lena Okafor"]]
    assert answer_groups(["2029", "in 2029"]) == [["2029", "in 2029"]]
    assert answer_groups([["Ada Brenn"], ["Tomas Ruel", "T. Ruel"]]) == [
        ["Ada Brenn"],
        ["Tomas Ruel", "T. Ruel"],
    ]
    assert answer_groups([2029]) == [["2029"]]


def test_matches_is_case_insensitive_and_needs_every_part():
    groups = answer_groups(ITEMS[1]["answer"])
    assert matches(["ada brenn and T. RUEL"], groups)
    assert matches(["Ada Brenn", "Tomas Ruel"], groups)  # parts may stand in different texts
    assert not matches(["Ada Brenn alone"], groups)
    assert matches(["It opened in 2029."], answer_groups(ITEMS[2]["answer"]))
    assert not matches([], answer_groups("Lena Okafor"))


def test_load_rgb_reads_every_line(rgb_file: Path):
    assert [i["id"] for i in load_rgb(rgb_file)] == [0, 1, 2]


@pytest.mark.parametrize(
    ("way", "kinds"),
    [
        ("noise", {"positive", "negative"}),
        ("counterfactual", {"positive", "positive_wrong", "negative"}),
        ("rejection", {"negative"}),
    ],
)
def test_write_corpus_uses_neutral_names_and_the_way_s_passages(
    tmp_path: Path, way: str, kinds: set[str]
):
    corpus = write_corpus(tmp_path / way, ITEMS, way)
    files = sorted(p.name for p in corpus.folder.iterdir())
    assert files == sorted(corpus.kind_of)
    assert all(re.fullmatch(r"p\d{5}\.txt", name) for name in files)
    assert {kind for _, kind in corpus.kind_of.values()} == kinds
    expected = [
        (item["id"], kind, passage)
        for item in ITEMS
        for kind in kinds
        for passage in item[kind]
        if way != "rejection" or not matches([passage], answer_groups(item["answer"]))
    ]
    written = [
        (*corpus.kind_of[name], (corpus.folder / name).read_text(encoding="utf-8").strip())
        for name in files
    ]
    assert sorted(written) == sorted(expected)
    for name in files:  # nothing in a file tells which kind of passage it is
        text = (corpus.folder / name).read_text(encoding="utf-8").lower()
        assert not any(k in text for k in ("positive", "negative", "fake"))


def test_rejection_drops_negative_passages_that_hold_the_answer(tmp_path: Path):
    corpus = write_corpus(tmp_path / "rejection", ITEMS, "rejection")
    texts = [p.read_text(encoding="utf-8") for p in corpus.folder.iterdir()]
    assert len(texts) == sum(len(i["negative"]) for i in ITEMS) - 1
    assert not any("2029" in t for t in texts)
    assert not any("Lena Okafor" in t or "Ada Brenn" in t for t in texts)


def _check_report_shape(report_json: dict[str, Any]) -> None:
    for key in (
        "noise",
        "counterfactual",
        "counterfactual_check",
        "rejection",
        "verbatim_rate",
        "mean_ask_seconds",
        "results",
    ):
        assert key in report_json
    for key in ("noise", "counterfactual", "counterfactual_check", "rejection", "verbatim_rate"):
        value = report_json[key]
        assert value is not None and 0.0 <= value <= 1.0, key


@pytest.fixture(scope="module")
def real_report(tmp_path_factory: pytest.TempPathFactory):
    """The tiny file run all three ways with the real packaged model (once per module)."""
    folder = tmp_path_factory.mktemp("rgb")
    path = folder / "tiny-rgb.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in ITEMS), encoding="utf-8")
    return evaluate_rgb(
        path, make=lambda store: FactCheck(Settings(store=store)), workdir=folder / "work"
    )


def test_evaluate_rgb_end_to_end(real_report):
    report = real_report
    _check_report_shape(report.to_json())
    assert report.mean_ask_seconds is not None and report.mean_ask_seconds >= 0
    assert [(r.way, r.id) for r in report.results] == [(w, i["id"]) for w in WAYS for i in ITEMS]
    by = {(r.way, r.id): r for r in report.results}
    # The noise store holds the marathon's winner, in one plain sentence: it is the
    # short answer, cited on its passage.
    marathon = by[("noise", 0)]
    assert not marathon.abstained and any("Lena Okafor" in a for a in marathon.answers)
    assert marathon.right
    for r in report.results:
        assert (r.check_ok is not None) == (r.way == "counterfactual")
    assert report.verbatim_rate == 1.0
    text = format_rgb(report, verbose=True)
    assert text.count("\n") + 1 == len(report.results) + 6
    assert "rgb noise:" in text and "Harbor Marathon 2031 winner" in text


def test_evaluate_rgb_with_fake_embeddings_and_one_way(rgb_file: Path, tmp_path: Path):
    def make(store: Path) -> FactCheck:
        return FactCheck(Settings(store=store), embeddings=HashEmbeddings())

    report = evaluate_rgb(rgb_file, ("rejection",), make=make, workdir=tmp_path / "work")
    assert {r.way for r in report.results} == {"rejection"}
    assert report.noise is None and report.counterfactual is None
    assert report.rejection is not None and 0.0 <= report.rejection <= 1.0
    assert not list((tmp_path / "work").glob("noise"))  # only the asked way is built


def test_command_line_runs_dev_and_rgb_together(
    capsys, monkeypatch: pytest.MonkeyPatch, rgb_file: Path, tmp_path: Path, seed_fc
):
    # The default run: both sets, both reports; one JSON object with an "rgb" key.
    dev = tmp_path / "dev.jsonl"
    dev.write_text(
        json.dumps(
            {
                "id": "u1",
                "kind": "unanswerable",
                "question": "What colour is the moon base on Titan?",
                "answer_any": [],
                "evidence": [],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(eval_module, "DEFAULT_QUESTIONS", dev)
    monkeypatch.setattr(eval_module, "DEFAULT_RGB", rgb_file)
    # The other public sets are not part of this test: as in a clone without them.
    monkeypatch.setattr(eval_module, "DEFAULT_RAMDOCS", tmp_path / "absent-ramdocs.jsonl")
    monkeypatch.setattr(eval_module, "DEFAULT_CLIMATE", tmp_path / "absent-climate.jsonl")
    store = ["--store", str(seed_fc.settings.store)]
    assert main(["--ways", "noise", "--json", *store]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["questions"] == 1 and "answer_accuracy" in data
    assert data["rgb"]["ways"] == ["noise"] and data["rgb"]["file"].endswith("tiny-rgb.jsonl")
    assert len(data["rgb"]["results"]) == len(ITEMS)
    assert {"way", "id", "query", "right", "answers", "abstained"} <= set(data["rgb"]["results"][0])
    assert [n.split(":")[0] for n in data["skipped"]] == [
        "skipped absent-ramdocs",
        "skipped absent-climate",
    ]

    assert main(["--ways", "noise", "-v", *store]) == 0
    out = capsys.readouterr().out
    assert "== " in out and "questions:" in out and "rgb noise:" in out
    assert "Harbor Marathon 2031 winner" in out  # the per-question rgb lines


class _Scripted:
    """A stand-in for the assistant whose answers the test writes, question by question.

    Each script names, per short answer, its text and a passage it cites (by the
    passage's words); citations are made at the passage's real place in its file, so
    the scoring is tested on answers whose rights and wrongs are known by hand.
    """

    def __init__(self, folder: Path, script: dict[str, tuple[list[tuple[str, str]], bool]]):
        self.folder = folder
        self.script = script

    def ingest(self, paths: list[Path]) -> None:
        pass

    def _cite(self, n: int, passage: str) -> Any:
        from types import SimpleNamespace

        for path in sorted(self.folder.iterdir()):
            text = path.read_text(encoding="utf-8")
            at = text.find(passage)
            if at >= 0:
                return SimpleNamespace(
                    id=n, source=path.name, start=at, end=at + len(passage), quote=passage
                )
        raise AssertionError(f"no passage holds {passage!r}")

    def ask(self, query: str, mode: str) -> Any:
        from types import SimpleNamespace

        shorts, disagree = self.script.get(query, ([], False))
        cits = [self._cite(n, passage) for n, (_, passage) in enumerate(shorts, start=1)]
        answers = [
            SimpleNamespace(text=text, citations=[n]) for n, (text, _) in enumerate(shorts, start=1)
        ]
        return SimpleNamespace(
            answers=answers, citations=cits, abstained=not shorts, disagreement=disagree
        )

    def check(self, claim: str, mode: str) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(verdict="supported" if "Okafor" in claim else "refuted")


def test_the_scoring_follows_the_rules_on_answers_known_by_hand(rgb_file: Path, tmp_path: Path):
    q = {item["id"]: item["query"] for item in ITEMS}
    scripts = {
        "noise": {
            q[0]: ([("Lena Okafor", "Lena Okafor won")], False),  # right, on its passage
            q[1]: ([("Ada Brenn", "shared by Ada Brenn")], False),  # one part of two
            q[2]: ([("2029", "Engineers finished")], False),  # cited on an off-topic passage
        },
        "counterfactual": {
            q[0]: ([("Lena Okafor", "Lena Okafor won"), ("Mira Castell", "Mira Castell won")],
                   True),
            q[2]: ([("2029", "opened to traffic in 2029"), ("2027", "in 2027 after")], False),
        },
        "rejection": {q[1]: ([("Ida Varga", "jury meets")], False)},
    }  # fmt: skip

    def make(store: Path) -> Any:
        return _Scripted(store.parent / "articles", scripts[store.parent.name])

    report = evaluate_rgb(rgb_file, make=make, workdir=tmp_path / "work")
    right = {(r.way, r.id): r.right for r in report.results}
    assert right == {
        ("noise", 0): True,
        ("noise", 1): False,
        ("noise", 2): False,
        ("counterfactual", 0): True,
        ("counterfactual", 1): False,  # nothing answered
        ("counterfactual", 2): False,  # both shown, but not said to disagree
        ("rejection", 0): True,
        ("rejection", 1): False,  # answered where it should abstain
        ("rejection", 2): True,
    }
    assert (report.noise, report.rejection) == (1 / 3, 2 / 3)
    # Only the marathon's true claim is "supported" by the script: no pair is both.
    assert report.counterfactual_check == 1.0
    assert report.verbatim_rate == 1.0
