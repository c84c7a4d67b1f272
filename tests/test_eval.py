"""The evaluation command itself: its JSON, missing files, --help, --out and --against.

Its figures are not gated here: a floor on the dev or held-out questions would protect
rules tuned to them. Behaviour is tested on invented articles (tests/invented.py).
"""

from __future__ import annotations

import json

import pytest

import assistant.eval as eval_module
from assistant.eval import main
from tests.conftest import DEV, HELDOUT, SEEDS, load_jsonl

# ../shared lies beside the development checkout only; a fresh clone has none.
needs_shared = pytest.mark.skipif(
    not DEV.is_file(), reason=f"{DEV} is absent (../shared is not part of the repository)"
)


@needs_shared
def test_command_line_prints_json(capsys, seed_fc):
    code = main(
        [str(DEV), "--corpus", str(SEEDS), "--store", str(seed_fc.settings.store), "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert {"recall_at_k", "answer_accuracy", "citation_precision", "abstention_rate"} <= set(data)
    assert "rgb" not in data  # a file named on the command line runs alone
    # Not a figure but an invariant: every quote cited on the way stands in its file.
    assert data["verbatim_rate"] == 1.0


def test_command_line_reports_a_missing_file(capsys):
    assert main(["no-such-file.jsonl"]) == 1
    assert "error:" in capsys.readouterr().err


def test_command_line_reports_a_missing_rgb_file(capsys):
    assert main(["--rgb", "no-such-rgb.jsonl", "--ways", "noise"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-rgb.jsonl not found" in err


def test_unknown_way_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--ways", "noise,bogus"])
    assert exc.value.code == 2
    assert "bogus" in capsys.readouterr().err


def test_without_shared_it_evaluates_the_shipped_heldout_set(capsys, monkeypatch, seed_fc):
    # A fresh clone: no ../shared beside it. No crash; say what was skipped, run heldout.
    absent = SEEDS.parent / "absent"
    for name, file in (
        ("DEFAULT_QUESTIONS", "dev.jsonl"),
        ("DEFAULT_RGB", "rgb-dev.jsonl"),
        ("DEFAULT_RAMDOCS", "ramdocs-dev.jsonl"),
        ("DEFAULT_CLIMATE", "climate-fever-dev.jsonl"),
    ):
        monkeypatch.setattr(eval_module, name, absent / file)
    code = main(["--store", str(seed_fc.settings.store), "--json"])
    out = capsys.readouterr()
    assert code == 0
    notes = out.err.splitlines()
    assert any(n.startswith("skipped dev:") and "heldout.jsonl" in n for n in notes)
    for stem in ("rgb-dev", "ramdocs-dev", "climate-fever-dev"):
        assert any(n.startswith(f"skipped {stem}:") and "not found" in n for n in notes)
    data = json.loads(out.out)
    assert data["questions_file"].endswith("heldout.jsonl")
    assert data["questions"] == len(load_jsonl(HELDOUT))
    assert data["rgb"] is None and data["ramdocs"] is None and data["climate_fever"] is None
    assert len(data["skipped"]) == 4


def test_with_nothing_to_evaluate_it_says_so(capsys, monkeypatch, tmp_path):
    for name in (
        "DEFAULT_QUESTIONS", "DEFAULT_RGB", "DEFAULT_RAMDOCS", "DEFAULT_CLIMATE",
        "HELDOUT_QUESTIONS",
    ):  # fmt: skip
        monkeypatch.setattr(eval_module, name, tmp_path / f"absent-{name}.jsonl")
    assert main([]) == 1
    assert "nothing to evaluate" in capsys.readouterr().err


def _report(dev: dict[str, bool], rgb: dict[int, bool], noise: float) -> dict:
    return {
        "answer_accuracy": sum(dev.values()) / len(dev),
        "mean_ask_seconds": 0.1,
        "results": [{"id": i, "question": f"q {i}", "correct": ok} for i, ok in dev.items()],
        "rgb": {
            "noise": noise,
            "results": [
                {"way": "noise", "id": i, "query": f"rgb {i}", "right": ok} for i, ok in rgb.items()
            ],
        },
        "ramdocs": None,
        "climate_fever": None,
    }


def test_compare_names_the_figures_and_the_questions_that_moved():
    old = _report({"a": True, "b": False}, {1: True, 2: False}, 0.5)
    new = _report({"a": True, "b": True}, {1: False, 2: False, 3: True}, 0.25)
    new["mean_ask_seconds"] = 9.0  # times are not figures that "move"
    text = eval_module.compare(old, new)
    assert "dev.answer_accuracy" in text and "50.0% ->  100.0% (+50.0 points)" in text
    assert "rgb.noise" in text and "(-25.0 points)" in text
    assert "seconds" not in text
    assert "now right (1):\n  dev/b" in text
    assert "now wrong (1):\n  rgb/noise/1" in text
    assert "1 questions are in one report only" in text
    assert eval_module.compare(old, old).startswith("no figure moved")


def test_out_writes_a_report_that_against_reads_back(capsys, tmp_path, seed_fc):
    out = tmp_path / "report.json"
    args = [str(HELDOUT), "--corpus", str(SEEDS), "--store", str(seed_fc.settings.store)]
    assert main([*args, "--out", str(out)]) == 0
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["questions"] == len(load_jsonl(HELDOUT)) and saved["quick"] is False
    assert saved["verbatim_rate"] == 1.0  # every quote cited stands in its file
    capsys.readouterr()
    assert main([*args, "--against", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "== against" in printed and "no figure moved" in printed


def test_help_documents_every_set(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for name in ("dev", "rgb", "ramdocs", "climate", "--quick", "--against", "--out"):
        assert name in text
