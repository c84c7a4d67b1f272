"""The measurement scripts behind docs/ablation.md and docs/verdict-model.md."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import ablation, verdict_model


@pytest.mark.parametrize("ab", ablation.ABLATIONS, ids=lambda ab: ab.key)
def test_each_ablation_patches_its_names_and_puts_them_back(ab):
    before = [getattr(*ablation._resolve(t)) for t, _ in ab.patches]
    with ablation.switched_off(ab):
        during = [getattr(*ablation._resolve(t)) for t, _ in ab.patches]
        assert all(d is not b for d, b in zip(during, before, strict=True))
    after = [getattr(*ablation._resolve(t)) for t, _ in ab.patches]
    assert all(a is b for a, b in zip(after, before, strict=True))


def test_ablation_keys_are_unique():
    keys = [ab.key for ab in ablation.ABLATIONS]
    assert len(keys) == len(set(keys))


def test_an_unknown_ablation_is_one_line_and_exit_1(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(ablation, "SHARED", tmp_path)
    (tmp_path / "dev.jsonl").write_text("", encoding="utf-8")
    assert ablation.main(["--only", "no-such-rule"]) == 1
    assert capsys.readouterr().err.strip() == "error: unknown ablation no-such-rule"


def test_the_union_adds_the_items_right_of_every_set():
    row = {k: (i, 10) for i, k in enumerate(ablation.UNION)}
    assert ablation.union(row) == sum(range(len(ablation.UNION)))


def test_macro_f1_is_one_when_right_and_counts_each_class_alike():
    y = np.array([0, 1, 2, 3])
    assert verdict_model.macro_f1(y, y) == 1.0
    # Always "supported" on one of each: F1 2/5 on that class (1 right, 3 wrong), 0 on
    # the other three.
    assert verdict_model.macro_f1(y, np.zeros(4, int)) == pytest.approx((2 / 5) / 4)


def test_the_fitted_model_learns_a_separable_invented_rule():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] > 0).astype(int)  # class 0 or 1 by the first feature's sign
    model = verdict_model.fit(x, y, np.ones(len(y)))
    assert np.mean(verdict_model.predict(model, x) == y) > 0.95
