"""Ablation report: each reasoning rule and threshold switched off in turn, on every dev set.

Run from the repository root, with ``../shared/eval`` beside it::

    python -m benchmarks.ablation                 # writes docs/ablation.md
    python -m benchmarks.ablation --only rival-relevance,negation
    python -m benchmarks.ablation --workdir /tmp/abl   # keep the stores between runs

Every set's store is built once (in ``--workdir``) and every ablation asks the same
questions of it: the seed questions (all), RGB's three ways (``--rgb`` questions spread
over the file), RAMDocs (``--ramdocs``) and CLIMATE-FEVER (``--climate``, stratified).
An ablation patches one name in the reasoning modules for the length of its run (a
function that always says "no", a threshold at its neutral value), so the product code
carries no switches of its own.

The report's "union" column counts the items answered right over all sets at once (seed
answers and verdicts, RGB per way, RAMDocs "honest", CLIMATE-FEVER verdicts). A rule
pays when switching it off loses more items on the union than it gains; one that does
not pay is a candidate for removal.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def commit() -> str:
    """The checkout's short commit, with "+" when it has uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip()

    return (git("rev-parse", "--short", "HEAD") or "an unknown commit") + (
        # The product's code, not this script's: "+" when assistant/ has changes.
        "+" if git("status", "--porcelain", "--untracked-files=no", "--", "assistant") else ""
    )


SHARED = ROOT.parent / "shared" / "eval"


@dataclass(frozen=True)
class Ablation:
    """One rule switched off: what it is, and the names patched to switch it off."""

    key: str
    rule: str  # what the rule does, in a line
    patches: tuple[tuple[str, Any], ...]  # ("module:attr" or "module:Class.attr", value)


def _never(*_a: Any, **_k: Any) -> bool:
    return False


def _always(*_a: Any, **_k: Any) -> bool:
    return True


def _no_stance(*_a: Any, **_k: Any) -> tuple[int, str]:
    return 0, ""


def _flat(*_a: Any, **_k: Any) -> float:
    return 1.0


def _nothing(*_a: Any, **_k: Any) -> list[Any]:
    return []


def _same(*_a: Any, **_k: Any) -> str:
    return "same"


def _all_said(_text: str, found: list[Any], *_a: Any, **_k: Any) -> list[str]:
    return ["said"] * len(found)


SA = "assistant.reasoning.shortanswer"
CK = "assistant.reasoning.check"
AN = "assistant.reasoning.answer"
SL = "assistant.reasoning.slots"
CL = "assistant.reasoning.claims"

ABLATIONS: tuple[Ablation, ...] = (
    Ablation(
        "relevance-gate",
        "ask abstains when no sentence reaches min_relevance (0.575)",
        ((f"{AN}:ExtractiveAnswerer.__init__.__kwdefaults__", None),),
    ),
    Ablation(
        "constraints",
        "a sentence about another year, numbered item, sequel or quoted phrase is not read",
        # answer.py filters with it too (its own name for the function).
        ((f"{SA}:violates", _never), (f"{AN}:violates", _never)),
    ),
    Ablation(
        "sequel",
        "a name followed by a number the question lacks is a sequel",
        ((f"{SA}:_names_a_sequel", _never),),
    ),
    Ablation(
        "numbered-item",
        "a passage naming the question's item with another number is about something else",
        ((f"{SA}:_numbers_differ", _never),),
    ),
    Ablation(
        "support-cue",
        "an entity must be said to do or be what the question asks (dependency parse)",
        ((f"{SA}:supports", _always),),
    ),
    Ablation(
        "what-it-counts",
        "a figure must count what the question counts, and not name a source",
        ((f"{SA}:_not_a_count", _never),),
    ),
    Ablation(
        "usable-entity",
        "right label; not named by the question; not a model number, power or bare year",
        ((f"{SA}:_usable", None),),  # filled in below: label check only
    ),
    Ablation(
        "proximity",
        "entities nearer the question's words score higher",
        ((f"{SA}:_proximity", _flat),),
    ),
    Ablation(
        "not-subject",
        "who/what: an entity that is not the subject scores x0.8",
        ((f"{SA}:NOT_SUBJECT", 1.0),),
    ),
    Ablation(
        "building-for-where", "where: a building scores x0.85", ((f"{SA}:BUILDING_FOR_WHERE", 1.0),)
    ),
    Ablation(
        "group-for-who", "who: a nationality or group scores x0.8", ((f"{SA}:GROUP_FOR_WHO", 1.0),)
    ),
    Ablation(
        "rival-gate",
        "a rival must stand against the answer (sentence as relevant and as strong)",
        ((f"{SA}:RIVAL_RELEVANCE", 0.0), (f"{SA}:RIVAL_SCORE", 0.0)),
    ),
    Ablation(
        "rival-names-answer",
        "a sentence that names the answer too is another role, not a rival",
        ((f"{SA}:_stands_against", None),),  # filled in below
    ),
    Ablation(
        "check-negation",
        "check: what a sentence negates or denies (its figures, the words it shares with "
        "the claim) contradicts the claim",
        ((f"{CK}:compare", _same), (f"{CK}:stances", _all_said)),
    ),
    Ablation(
        "denied-figures",
        "ask and claims: a figure the sentence denies or withholds is no answer and no claim",
        ((f"{SA}:_said", _always), (f"{CL}:_Said.at", _always)),
    ),
    Ablation(
        "check-entities",
        "check: another person, place or date in the claim's slot contradicts it",
        (
            (f"{CK}:entity_stance", _no_stance),
            (f"{CK}:matches_but", _never),
            (f"{SL}:matches_but", _never),
        ),
    ),
    Ablation(
        "check-says-same",
        "check: a sentence holding 75% of the claim's weight supports it",
        ((f"{CK}:STRONG_MATCH", 2.0), (f"{SL}:STRONG_MATCH", 2.0)),
    ),
    Ablation(
        "check-named-source",
        "check: a claim naming its source is decided by that source's sentences",
        ((f"{CK}:find_attributions", _nothing),),
    ),
    Ablation(
        "check-headings",
        "check: titles and headings do not decide",
        ((f"{CK}:_is_heading", _never),),
    ),
)


def _resolve(target: str) -> tuple[Any, str]:
    module, _, path = target.partition(":")
    obj: Any = importlib.import_module(module)
    *parents, attr = path.split(".")
    for name in parents:
        obj = getattr(obj, name)
    return obj, attr


def _special(ab: Ablation, target: str) -> Any:
    """Values that depend on the original (a default tuple, a narrowed function)."""
    obj, attr = _resolve(target)
    original = getattr(obj, attr)
    if attr == "__kwdefaults__":
        # Not 0: with no sentence at all the answerer must still abstain.
        return {**original, "min_relevance": 1e-6}
    if attr == "_usable":
        return lambda qa, ent, sentence: ent.label in qa.labels
    if attr == "_stands_against":
        sa = importlib.import_module(SA)
        names = sa._names

        def without_role(top: Any, span: Any, lead_of: Any, ents_of: Any) -> bool:
            sa._names = _never
            try:
                return bool(original(top, span, lead_of, ents_of))
            finally:
                sa._names = names

        return without_role
    raise ValueError(f"{ab.key}: no special value for {target}")


@contextmanager
def switched_off(ab: Ablation) -> Iterator[None]:
    """Patch the ablation's names for the length of the block, then put them back."""
    saved: list[tuple[Any, str, Any]] = []
    try:
        for target, value in ab.patches:
            obj, attr = _resolve(target)
            new = _special(ab, target) if value is None else value
            saved.append((obj, attr, getattr(obj, attr)))
            setattr(obj, attr, new)
        yield
    finally:
        for obj, attr, old in reversed(saved):
            setattr(obj, attr, old)


def _make(store: Path) -> Any:
    from assistant.app import FactCheck
    from assistant.settings import Settings

    return FactCheck(
        Settings(
            store=store,
            ingested_folders=store.parent / "ingested-folders.json",
            text_cache=store.parent / "documents",
        )
    )


def run_sets(workdir: Path, rgb: int, ramdocs: int, climate: int) -> dict[str, Any]:
    """Every dev set once, over stores kept in ``workdir``; right/total per set."""
    from assistant.eval import evaluate, load_questions
    from assistant.eval_climate import evaluate_climate
    from assistant.eval_ramdocs import evaluate_ramdocs
    from assistant.eval_rgb import evaluate_rgb

    out: dict[str, Any] = {}
    seeds = ROOT / "seeds"
    fc = _make(workdir / "dev" / "store")
    fc.ingest([seeds])
    dev = evaluate(fc, load_questions(SHARED / "dev.jsonl"), seeds)
    rows = [r for r in dev.results if r.correct is not None]
    out["dev"] = (sum(bool(r.correct) for r in rows), len(rows))
    rep = evaluate_rgb(SHARED / "rgb-dev.jsonl", make=_make, workdir=workdir / "rgb", sample=rgb)
    for way in ("noise", "counterfactual", "rejection"):
        rows = [r for r in rep.results if r.way == way]
        out[f"rgb-{way}"] = (sum(r.right for r in rows), len(rows))
    rows = [r for r in rep.results if r.check_ok is not None]
    out["rgb-check"] = (sum(bool(r.check_ok) for r in rows), len(rows))
    ram = evaluate_ramdocs(
        SHARED / "ramdocs-dev.jsonl", sample=ramdocs, make=_make, workdir=workdir / "ramdocs"
    )
    out["ramdocs-honest"] = (sum(r.honest for r in ram.results), len(ram.results))
    out["ramdocs-gold-any"] = (sum(r.gold_any for r in ram.results), len(ram.results))
    cf = evaluate_climate(
        SHARED / "climate-fever-dev.jsonl", sample=climate, make=_make, workdir=workdir / "climate"
    )
    out["climate"] = (sum(r.right for r in cf.results), len(cf.results))
    out["climate-f1"] = cf.macro_f1
    return out


# The sets that count towards the union (gold-any is a view of RAMDocs, F1 of climate).
UNION = ("dev", "rgb-noise", "rgb-counterfactual", "rgb-rejection", "rgb-check",
         "ramdocs-honest", "climate")  # fmt: skip


def union(row: dict[str, Any]) -> int:
    """Items right over every set at once."""
    return sum(row[k][0] for k in UNION)


def render(base: dict[str, Any], rows: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    """The Markdown report."""
    cols = [*UNION, "ramdocs-gold-any"]
    head = "| rule switched off | " + " | ".join(cols) + " | climate F1 | union | pays |"
    lines = [
        "# Ablation report",
        "",
        f"Generated by `python -m benchmarks.ablation` at {commit()} (do not edit by hand).",
        "Each row switches one rule or threshold of the extractive pipeline off and reruns",
        "every dev set; cells show the change in items right against the full pipeline",
        "(first row: the counts).",
        f"Samples: seed questions all, RGB {args.rgb} questions per way, RAMDocs {args.ramdocs},",
        f'CLIMATE-FEVER {args.climate} (stratified). "union" adds the sets\' items right;',
        "a rule pays when switching it off loses items on the union.",
        "",
        head,
        "|" + "---|" * (len(cols) + 4),
    ]
    counts = " | ".join(f"{base[c][0]}/{base[c][1]}" for c in cols)
    lines.append(
        f"| (none: full pipeline) | {counts} | {base['climate-f1']:.3f} | {union(base)} | |"
    )
    for ab in ABLATIONS:
        row = rows.get(ab.key)
        if row is None:
            continue
        cells = []
        for c in cols:
            d = row[c][0] - base[c][0]
            cells.append(f"{d:+d}" if d else "0")
        du = union(row) - union(base)
        pays = "yes" if du < 0 else ("no" if du > 0 else "even")
        f1 = row["climate-f1"] - base["climate-f1"]
        lines.append(
            f"| `{ab.key}`: {ab.rule} | " + " | ".join(cells) + f" | {f1:+.3f} | {du:+d} | {pays} |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the ablations and write the report."""
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--only", default="", help="comma-separated ablation keys (default: all)")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/factcheck-ablation"))
    p.add_argument("--rgb", type=int, default=50, help="RGB questions per way (default 50: all)")
    p.add_argument("--ramdocs", type=int, default=100, help="RAMDocs questions (default 100)")
    p.add_argument("--climate", type=int, default=100, help="CLIMATE-FEVER claims (default 100)")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "ablation.md")
    p.add_argument("--json", type=Path, default=None, help="also write the raw counts here")
    p.add_argument(
        "--rows-from",
        type=Path,
        default=None,
        help="an earlier --json at the same commit: reuse its baseline and rows, rerun --only",
    )
    args = p.parse_args(argv)
    if not (SHARED / "dev.jsonl").is_file():
        print(f"error: {SHARED} not found (the dev sets lie beside the checkout)", file=sys.stderr)
        return 1
    only = {k for k in args.only.split(",") if k}
    unknown = only - {a.key for a in ABLATIONS}
    if unknown:
        print(f"error: unknown ablation {', '.join(sorted(unknown))}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    rows: dict[str, dict[str, Any]] = {}
    if args.rows_from:
        earlier = json.loads(args.rows_from.read_text(encoding="utf-8"))
        if earlier.get("commit") != commit():
            print(
                f"error: {args.rows_from} is from {earlier.get('commit')}, this is {commit()}",
                file=sys.stderr,
            )
            return 1
        base, rows = earlier["base"], earlier["rows"]
    else:
        base = run_sets(args.workdir, args.rgb, args.ramdocs, args.climate)
    print(f"full pipeline: union {union(base)} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    for ab in ABLATIONS:
        if only and ab.key not in only:
            continue
        t0 = time.perf_counter()
        try:
            with switched_off(ab):
                rows[ab.key] = run_sets(args.workdir, args.rgb, args.ramdocs, args.climate)
        except Exception as exc:  # one broken ablation must not lose the others' rows
            print(f"{ab.key}: failed ({type(exc).__name__}: {exc})", file=sys.stderr)
            continue
        du = union(rows[ab.key]) - union(base)
        print(f"{ab.key}: union {du:+d} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({"commit": commit(), "base": base, "rows": rows}, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(base, rows, args), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
