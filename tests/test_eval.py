"""The evaluation script: figures on the development set and on a held-out set."""

from __future__ import annotations

import json

from assistant.eval import evaluate, main
from tests.conftest import DEV, HELDOUT, SEEDS, load_jsonl


def test_dev_figures_meet_the_aims(seed_fc):
    report = evaluate(seed_fc, load_jsonl(DEV), SEEDS)
    assert report.recall_at_k is not None and report.recall_at_k >= 0.95
    assert report.answer_accuracy is not None and report.answer_accuracy >= 0.9
    assert report.abstention_rate == 1.0
    assert report.verbatim_rate == 1.0


def test_heldout_questions_do_not_regress(seed_fc):
    # Written independently of the answerer (see tests/data/README.md). A floor, not a
    # target: it catches a change that helps dev by hurting unseen questions.
    report = evaluate(seed_fc, load_jsonl(HELDOUT), SEEDS)
    assert report.verbatim_rate == 1.0
    assert report.answer_accuracy is not None and report.answer_accuracy >= 0.7
    assert report.abstention_rate is not None and report.abstention_rate >= 0.75


def test_command_line_prints_json(capsys, seed_fc):
    code = main(
        [str(DEV), "--corpus", str(SEEDS), "--store", str(seed_fc.settings.store), "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert {"recall_at_k", "answer_accuracy", "citation_precision", "abstention_rate"} <= set(data)


def test_command_line_reports_a_missing_file(capsys):
    assert main(["no-such-file.jsonl"]) == 1
    assert "error:" in capsys.readouterr().err
