"""Would a small fitted model give better `check` verdicts than the rules? (issue 20, scope 4)

Run from the repository root, with ``../shared/eval`` beside it::

    python -m benchmarks.verdict_model --workdir /tmp/verdicts   # keeps stores and features

It checks every labelled claim of the dev sets in extractive mode and records features
the checker already computes (the rules' own verdict, retrieval relevance, embedding
similarity, term coverage, how many sentences support or contradict and why, negation,
figures). Three sets give verdict labels:

- the seed questions' claims (supported or refuted);
- RGB, each question in its three stores: ``"<query>: <answer>"`` is supported where only
  the true passages are ingested (noise) and the fake answer refuted; both are
  conflicting where true and false passages stand side by side (counterfactual); both
  are not_enough_info where only passages without the answer are (rejection);
- CLIMATE-FEVER, every claim against the pooled evidence.

A multinomial logistic regression (a few lines of numpy, L2, standardised features,
each training set weighted equally) is then scored two ways: trained on the other sets
and tested on one whole held-out set (what decides whether it ships), and 5-fold inside
each set (an upper bound: it learns that set's label mix). The rules' figures on the
same claims stand beside it. Writes ``docs/verdict-model.md``.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.ablation import _make as make_assistant
from benchmarks.ablation import commit

ROOT = Path(__file__).resolve().parents[1]


SHARED = ROOT.parent / "shared" / "eval"
CLASSES = ("supported", "refuted", "conflicting", "not_enough_info")
FEATURES = (
    "best_rel", "top_dense", "top_cov", "top_own", "mean_dense5", "n_pos", "n_neg",
    "neg_why_opp", "neg_why_fig", "pos_dense", "pos_cov", "pos_own", "neg_dense", "neg_cov",
    "neg_own", "from_source", "claim_neg", "ev_neg", "claim_figs", "claim_len",
)  # fmt: skip


class Recorder:
    """Wraps the checker to keep, for the last claim, its assessment and deciding sentences."""

    def __init__(self) -> None:
        from assistant.reasoning import check

        self.last: dict[str, Any] = {}
        check_from, explain = check.ClaimChecker.check_from, check.ClaimChecker._explain
        last = self.last

        def recording_check_from(self: Any, assessment: Any, reader: Any) -> Any:
            last.clear()
            last["assessment"] = assessment
            return check_from(self, assessment, reader)

        def recording_explain(
            self: Any, claim: str, verdict: Any, shown: Any, deciding: Any, reader: Any
        ) -> Any:
            last["deciding"] = deciding
            return explain(self, claim, verdict, shown, deciding, reader)

        check.ClaimChecker.check_from = recording_check_from  # type: ignore[method-assign]
        check.ClaimChecker._explain = recording_explain  # type: ignore[method-assign]

    def features(self, claim: str, verdict: str) -> dict[str, Any]:
        """The features of the claim just checked."""
        from assistant.reasoning.check import _own_coverage as own_coverage
        from assistant.reasoning.figures import figures
        from assistant.reasoning.negation import negated

        a = self.last.get("assessment")
        deciding = self.last.get("deciding", [])
        top = a.candidates[:5] if a else []
        f: dict[str, Any] = {"verdict": verdict}
        f["best_rel"] = a.best_relevance if a else 0.0
        f["top_dense"] = max((c.dense for c in top), default=0.0)
        f["top_cov"] = max((c.coverage for c in top), default=0.0)
        f["top_own"] = max((own_coverage(a, c) for c in top), default=0.0)
        f["mean_dense5"] = sum(c.dense for c in top) / len(top) if top else 0.0
        f["n_pos"] = sum(j.stance > 0 for j in deciding)
        f["n_neg"] = sum(j.stance < 0 for j in deciding)
        f["neg_why_opp"] = sum(j.stance < 0 and "opposite" in j.why for j in deciding)
        f["neg_why_fig"] = sum(j.stance < 0 and "figure" in j.why for j in deciding)
        for side, chosen in (
            ("pos", [j for j in deciding if j.stance > 0]),
            ("neg", [j for j in deciding if j.stance < 0]),
        ):
            f[f"{side}_dense"] = max((j.cand.dense for j in chosen), default=0.0)
            f[f"{side}_cov"] = max((j.cand.coverage for j in chosen), default=0.0)
            f[f"{side}_own"] = max((own_coverage(a, j.cand) for j in chosen), default=0.0)
        f["from_source"] = int(any(j.from_source for j in deciding))
        f["claim_neg"] = int(negated(claim))
        f["ev_neg"] = sum(negated(c.text) for c in top)
        f["claim_figs"] = len(figures(claim))
        f["claim_len"] = len(claim.split())
        return f


def collect(workdir: Path) -> list[dict[str, Any]]:
    """Check every labelled claim of every set; one feature row each."""
    from assistant import eval_climate, eval_rgb

    rec = Recorder()
    rows: list[dict[str, Any]] = []

    def run(fc: Any, claim: str, gold: str, name: str) -> None:
        row = rec.features(claim, fc.check(claim, "extractive").verdict)
        rows.append({**row, "set": name, "gold": gold})

    fc = make_assistant(workdir / "seeds" / "store")
    fc.ingest([ROOT / "seeds"])
    for line in (SHARED / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q["kind"] == "claim" and q.get("verdict"):
            run(fc, q["question"], q["verdict"], "dev")
    items = eval_rgb.load_rgb(SHARED / "rgb-dev.jsonl")
    golds = {
        "noise": ("supported", "refuted"),
        "counterfactual": ("conflicting", "conflicting"),
        "rejection": ("not_enough_info", "not_enough_info"),
    }
    for way, (true_gold, fake_gold) in golds.items():
        corpus = eval_rgb.write_corpus(workdir / "rgb" / way / "articles", items, way)
        fc = make_assistant(workdir / "rgb" / way / "store")
        fc.ingest([corpus.folder])
        for it in items:
            answer = eval_rgb.answer_groups(it["answer"])[0][0]
            fake = eval_rgb.answer_groups(it["fakeanswer"])[0][0]
            run(fc, f"{it['query']}: {answer}", true_gold, "rgb")
            run(fc, f"{it['query']}: {fake}", fake_gold, "rgb")
    climate = eval_climate.load_climate(SHARED / "climate-fever-dev.jsonl")
    folder = eval_climate.write_corpus(workdir / "climate" / "articles", climate)
    fc = make_assistant(workdir / "climate" / "store")
    fc.ingest([folder])
    for it in climate:
        run(fc, it["claim"], eval_climate.LABELS[it["claim_label"]], "climate")
    return rows


def matrix(rows: list[dict[str, Any]]) -> np.ndarray:
    """Features, then the rules' verdict one-hot."""
    return np.array(
        [
            [float(r[k]) for k in FEATURES] + [float(r["verdict"] == c) for c in CLASSES]
            for r in rows
        ]
    )


def labels(rows: list[dict[str, Any]]) -> np.ndarray:
    """The gold verdicts as class indices."""
    return np.array([CLASSES.index(r["gold"]) for r in rows])


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1.0) -> tuple[Any, ...]:
    """Multinomial logistic regression by gradient descent on standardised features."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.c_[(x - mu) / sd, np.ones(len(x))]
    w = np.zeros((z.shape[1], len(CLASSES)))
    onehot = np.eye(len(CLASSES))[y]
    for _ in range(3000):
        logits = z @ w
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        grad = z.T @ ((p - onehot) * weight[:, None]) / weight.sum()
        grad[:-1] += l2 * w[:-1] / len(y)
        w -= 0.1 * grad
    return mu, sd, w


def predict(model: tuple[Any, ...], x: np.ndarray) -> np.ndarray:
    """Class indices for the rows of ``x``."""
    mu, sd, w = model
    return np.asarray((np.c_[(x - mu) / sd, np.ones(len(x))] @ w).argmax(1))


def macro_f1(y: np.ndarray, p: np.ndarray) -> float:
    """Macro-F1 over the four classes (a class never predicted nor gold scores 0)."""
    out = []
    for c in range(len(CLASSES)):
        tp = int(((p == c) & (y == c)).sum())
        wrong = int(((p == c) & (y != c)).sum()) + int(((p != c) & (y == c)).sum())
        out.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    return float(np.mean(out))


def report(rows: list[dict[str, Any]], at: str) -> str:
    """The Markdown report: held-out-set and in-set figures against the rules."""
    sets = sorted({r["set"] for r in rows})
    lines = [
        "# A fitted verdict model against the rules",
        "",
        f"Generated by `python -m benchmarks.verdict_model` from features collected at {at}",
        "(do not edit by hand); see its docstring for the features and labels. Accuracy /",
        "macro-F1 on each set.",
        "",
        "| set | claims | gold mix | rules | majority | model, fitted on the other sets"
        " | model, 5-fold in the set |",
        "|---|---|---|---|---|---|---|",
    ]
    rng = np.random.default_rng(0)
    for held in sets:
        test = [r for r in rows if r["set"] == held]
        train = [r for r in rows if r["set"] != held]
        y = labels(test)
        rules = np.array([CLASSES.index(r["verdict"]) for r in test])
        majority = collections.Counter(y.tolist()).most_common(1)[0][1] / len(y)
        counts = collections.Counter(r["set"] for r in train)
        weight = np.array([1.0 / counts[r["set"]] for r in train])
        p = predict(fit(matrix(train), labels(train), weight), matrix(test))
        inset = "n/a"
        if len(test) >= 20:
            x = matrix(test)
            order = rng.permutation(len(test))
            q = np.zeros(len(test), int)
            for k in range(5):
                te = order[k::5]
                tr = np.setdiff1d(order, te)
                q[te] = predict(fit(x[tr], y[tr], np.ones(len(tr))), x[te])
            inset = f"{np.mean(q == y):.1%} / {macro_f1(y, q):.3f}"
        mix = collections.Counter(r["gold"] for r in test)
        lines.append(
            f"| {held} | {len(test)} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(mix.items()))
            + f" | {np.mean(rules == y):.1%} / {macro_f1(y, rules):.3f} | {majority:.1%} | "
            f"{np.mean(p == y):.1%} / {macro_f1(y, p):.3f} | {inset} |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Collect the features (or read them back) and write the report."""
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--workdir", type=Path, default=Path("/tmp/factcheck-verdicts"))
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "verdict-model.md")
    args = p.parse_args(argv)
    cached = args.workdir / "features.jsonl"
    stamp = args.workdir / "features.commit"  # the commit the features were collected at
    if cached.is_file():
        rows = [json.loads(line) for line in cached.read_text(encoding="utf-8").splitlines()]
        at = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else "an unknown commit"
    else:
        if not (SHARED / "dev.jsonl").is_file():
            print(
                f"error: {SHARED} not found (the dev sets lie beside the checkout)", file=sys.stderr
            )
            return 1
        rows = collect(args.workdir)
        cached.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        at = commit()
        stamp.write_text(at, encoding="utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(rows, at), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
