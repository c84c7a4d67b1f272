"""Extraction throughput per format, at three sizes that grow fourfold.

    python -m benchmarks.formats                 # about 20 s; writes formats-results.json
    python -m benchmarks.formats --json out.json # the same, written elsewhere
    python -m benchmarks.formats --scale 0.25    # a quick look at a quarter of each size

The project's rule: a cost that grows with a file's size is measured at three sizes, and
none may grow faster than linearly. Each format gets a generated file holding about 20,
80 and 320 KB of article text (``SIZES``), each four times the one before, so a linear
cost grows about fourfold from row to row and a quadratic one sixteenfold:

- ``.md``: a front-matter header, a headline and the paragraphs.
- ``.html``: the Brennick Courier's page template from ``tests/pile.py`` (cookie banner,
  menus, scripts, JSON-LD, a most-read list, a footer) around a growing article, with a
  "Read more" link and an ad slot every few paragraphs inside the story.
- ``.pdf``: reportlab, A4, as many pages as the text needs, with a running header and a
  page-number footer on every page (which the reader drops).
- ``.docx``: python-docx, a heading, the paragraphs, a table that grows with them (one
  row per four paragraphs), and a section header and footer.

The paragraphs are the pile's invented press-release, union and wire paragraphs, cycled,
each with one varied sentence of figures appended, so that no two are the same.

Two steps are timed: ``read_document(path, data)`` (the reader for the suffix) and the
chunking that follows it at ingest (``chunk_text(name, doc.text, start=doc.body_start)``).
Each time is the median of ``--repeat`` runs in one process after one untimed run (more
runs, up to ``MAX_RUNS``, for a step that takes well under ``FAST_BUDGET``). The
first call of each reader, which imports its extractor, is measured apart, in a fresh
process per format on the smallest file. "x time" is the time against the size before;
"per 4x" divides it by the derived text's growth and multiplies by four (a linear cost
reads about 4); a step reading above ``SUPERLINEAR`` is measured again with the size
before it, and flagged if it reads above it again ("again" in the table).

Found so far (see BENCHMARKS.md): ``read_document`` on ``.md`` reads about 10 per 4x from
80 to 320 KB. That is not the reader's algorithm: each call decodes the file and copies
the text a few times (a slice and the text plus a newline for the title, the emptiness
check), and from a few hundred KB glibc hands those strings fresh pages (hundreds of
minor page faults per call). It is linear again above that (x2.0 per doubling to 1.28 MB), and
1.1-1.4 ms at 320 KB; ``MALLOC_MMAP_THRESHOLD_=67108864`` makes it 0.3 ms (x2.3).
"""

from __future__ import annotations

import argparse
import html
import io
import itertools
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests import pile

HERE = Path(__file__).resolve().parent
KB = 1000
SIZES = (20 * KB, 80 * KB, 320 * KB)  # characters of article text
FORMATS = ("md", "html", "pdf", "docx")
SUPERLINEAR = 6.0  # time growth per fourfold size above this is flagged
FAST_BUDGET = 0.25  # seconds: a step faster than this is run more times (up to MAX_RUNS)
MAX_RUNS = 51
HEADER = "| step | format | size | file bytes | text chars | ms | k chars/s | x time | per 4x |"

_POOL = tuple(
    p.replace(pile._SHY, "")
    for p in (
        *pile._POLICE_PARAGRAPHS,
        *pile._COMPANY_PARAGRAPHS,
        *pile._UNION_PARAGRAPHS,
        pile._UNION_AFTER_TABLE,
        *pile._WIRE_PARAGRAPHS[:-1],
    )
)
_WHO = ("Police", "The fire service", "The hospital", "The union", "The council", "Pellmont")
_WHAT = ("treated", "rescued", "interviewed", "moved to other hospitals", "named", "counted")
_TITLE = "Harlow Mills fire: the record of a week in Brennick"
_AUTHOR = "Owen Prask"


def article(chars: int, seed: int = 7) -> list[str]:
    """Paragraphs of at least ``chars`` characters in all: the pile's, each varied."""
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < chars:
        base = _POOL[len(out) % len(_POOL)]
        extra = (
            f"By {rng.randint(6, 23)}:{rng.randint(0, 59):02d} on day {len(out) // 8 + 1},"
            f" {rng.choice(_WHO).lower() if out else rng.choice(_WHO)} said"
            f" {rng.randint(2, 400)} people had been {rng.choice(_WHAT)}."
        )
        out.append(f"{base} {extra[0].upper()}{extra[1:]}")
        total += len(out[-1]) + 2
    return out


def make_md(paras: list[str]) -> bytes:
    """A Markdown article with a front-matter header."""
    header = f"---\ntitle: {_TITLE}\nauthor: {_AUTHOR}\npublished: 2026-03-20\n---\n"
    return (header + f"# {_TITLE}\n\n" + "\n\n".join(paras) + "\n").encode("utf-8")


def make_html(paras: list[str]) -> bytes:
    """The Courier's page template around the article, with clutter inside the story."""
    body: list[str | pile._Aside] = []
    for i, para in enumerate(paras):
        if i and i % 5 == 0:
            body.append(
                pile._Aside(
                    f'<p class="read-more"><strong>Read more:</strong> <a href="/news/{i}">'
                    f"Brennick fire: what we know on day {i // 5}</a></p>"
                )
            )
        if i and i % 12 == 0:
            body.append(pile._Aside(f'<div class="ad-slot" id="ad-mid-{i}"></div>'))
            body.append(f"<h2>Day {i // 12 + 1}</h2>")
        body.append(f"<p>{html.escape(para, quote=False)}</p>")
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": _TITLE,
        "datePublished": "2026-03-20T07:00:00+00:00",
        "author": [{"@type": "Person", "name": _AUTHOR}],
        "publisher": {"@type": "Organization", "name": "The Brennick Courier"},
    }
    slots = {"HEADLINE": _TITLE, "URL": pile._COURIER_URL, "JSONLD": pile._json_ld(ld)}
    page, _ = pile._render(pile._COURIER_TEMPLATE, slots, body)
    return page.encode("utf-8")


def make_pdf(paras: list[str]) -> bytes:
    """An A4 report, as many pages as it takes, with a running header and footer."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(escape(_TITLE), styles["Heading1"])]
    for para in paras:
        story += [Paragraph(escape(para), styles["BodyText"]), Spacer(1, 4)]

    def running(canvas: Any, doc: Any) -> None:
        canvas.setDateFormatter(pile._pdf_date("D:20260320070000+00'00'"))
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(72, pile._A4[1] - 48, "THE BRENNICK COURIER - ARCHIVE COPY")
        canvas.setFont("Helvetica", 8.5)
        canvas.drawCentredString(pile._A4[0] / 2, 40, f"Page {doc.page}")

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=pile._A4, title=_TITLE, author=_AUTHOR, invariant=1)
    doc.build(story, onFirstPage=running, onLaterPages=running)
    return buf.getvalue()


def make_docx(paras: list[str]) -> bytes:
    """A Word file: heading, paragraphs, a growing table, a section header and footer."""
    from datetime import datetime

    from docx import Document

    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = pile._UNION_HEADER
    section.footer.paragraphs[0].text = pile._UNION_FOOTER
    doc.add_heading(_TITLE, level=1)
    half = len(paras) // 2
    for para in paras[:half]:
        doc.add_paragraph(para)
    doc.add_paragraph("Figures given so far", style="Heading 2")
    rng = random.Random(3)
    rows = max(2, len(paras) // 4)
    table = doc.add_table(rows=rows, cols=4)
    table.style = "Table Grid"
    for i, row in enumerate(table.rows):
        values = (
            ("Source", "Deaths", "Injured", "Given on")
            if i == 0
            else (
                f"{rng.choice(_WHO)} (statement {i})",
                str(rng.randint(5, 20)),
                str(rng.randint(20, 40)),
                f"{rng.randint(14, 31)} March",
            )
        )
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    for para in paras[half:]:
        doc.add_paragraph(para)
    return pile._docx_bytes(doc, title=_TITLE, author=_AUTHOR, created=datetime(2026, 3, 20))


MAKERS: dict[str, Callable[[list[str]], bytes]] = {
    "md": make_md,
    "html": make_html,
    "pdf": make_pdf,
    "docx": make_docx,
}


def _median_ms(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    """The median of at least ``repeat`` timed runs (more for a fast step) after an untimed one."""
    t = time.perf_counter()
    out = fn()  # untimed: warms the reader's caches
    warm = time.perf_counter() - t
    runs = max(repeat, min(MAX_RUNS, int(FAST_BUDGET / max(warm, 1e-6))))
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), times, out


def first_call(path: Path) -> dict[str, float]:
    """In this (fresh) process: the first call of ``read_document`` and the second."""
    data = path.read_bytes()
    t = time.perf_counter()
    from assistant.index.formats import read_document

    package = time.perf_counter() - t
    t = time.perf_counter()
    read_document(path, data)
    first = time.perf_counter() - t
    t = time.perf_counter()
    read_document(path, data)
    second = time.perf_counter() - t
    return {
        "package_ms": round(package * 1000, 1),
        "first_ms": round(first * 1000, 1),
        "second_ms": round(second * 1000, 1),
    }


def _first_call_fresh(path: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.formats", "--first-call", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    return json.loads(proc.stdout)


def _growth(
    rows: list[dict[str, Any]], key: str, steps: list[dict[str, Callable[[], Any]]], repeat: int
) -> None:
    """Fill each row's "x time" and "per 4x" from the row before (by derived characters).

    A row above :data:`SUPERLINEAR` is measured again, with the row before it, and stays
    flagged only if the second measurement is above it too: on a shared machine one
    median can catch another process's burst.
    """
    for i, (prev, row) in enumerate(itertools.pairwise(rows), start=1):
        size = row["chars"] / prev["chars"]
        ratio = row[f"{key}_ms"] / prev[f"{key}_ms"]
        row[f"{key}_x"] = round(ratio, 2)
        row[f"{key}_per_4x"] = round(ratio / size * 4, 2)
        flag = row[f"{key}_per_4x"] > SUPERLINEAR
        if flag:
            again = _median_ms(steps[i][key], repeat)[0] / _median_ms(steps[i - 1][key], repeat)[0]
            row[f"{key}_recheck_per_4x"] = round(again / size * 4, 2)
            flag = row[f"{key}_recheck_per_4x"] > SUPERLINEAR
        row[f"{key}_flag"] = flag


def measure(
    fmt: str, size: int, folder: Path, repeat: int
) -> tuple[dict[str, Any], dict[str, Callable[[], Any]]]:
    """Generate one file of ``fmt`` with ``size`` characters of article; time both steps."""
    from assistant.index.chunking import chunk_text
    from assistant.index.formats import read_document

    paras = article(size)
    data = MAKERS[fmt](paras)
    path = folder / f"article-{size // KB}k.{fmt}"
    path.write_bytes(data)
    steps: dict[str, Callable[[], Any]] = {"read": lambda: read_document(path, data)}
    read_ms, read_all, doc = _median_ms(steps["read"], repeat)
    steps["chunk"] = lambda: chunk_text(path.name, doc.text, start=doc.body_start)
    chunk_ms, chunk_all, chunks = _median_ms(steps["chunk"], repeat)
    chars = len(doc.text) - doc.body_start
    row = {
        "format": fmt,
        "size_kb": size // KB,
        "path": str(path),
        "bytes": len(data),
        "chars": chars,
        "pages": len(doc.pages) or None,
        "chunks": len(chunks),
        "read_ms": round(read_ms, 4),
        "read_runs": len(read_all),
        "read_chars_per_s": round(chars / read_ms * 1000),
        "chunk_ms": round(chunk_ms, 4),
        "chunk_runs": len(chunk_all),
        "chunk_chars_per_s": round(chars / chunk_ms * 1000),
    }
    return row, steps


def _commit() -> str:
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
        )
    except OSError:
        return ""
    return proc.stdout.strip()


def _ms(ms: float) -> str:
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 10 else f"{ms:.1f}"


def _cell(row: dict[str, Any], key: str) -> str:
    if f"{key}_x" not in row:
        return "- | -"
    again = row.get(f"{key}_recheck_per_4x")
    flag = " **superlinear**" if row[f"{key}_flag"] else ""
    flag += f" (again: {again:.1f})" if again is not None else ""
    return f"{row[f'{key}_x']:.1f} | {row[f'{key}_per_4x']:.1f}{flag}"


def main(argv: list[str] | None = None) -> None:
    """Measure each format at its three sizes, print the tables and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the warm-up")
    parser.add_argument("--json", type=Path, default=HERE / "formats-results.json")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--first-call", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.first_call:
        print(json.dumps(first_call(args.first_call)))
        return
    started = time.perf_counter()
    rows: dict[str, list[dict[str, Any]]] = {}
    firsts: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="fc-formats-") as d:
        folder = Path(d)
        print(HEADER)
        print("|---|---|---|---|---|---|---|---|---|")
        for fmt in args.formats:
            rows[fmt] = []
            steps = []
            for size in SIZES:
                row, step = measure(fmt, int(size * args.scale), folder, args.repeat)
                rows[fmt].append(row)
                steps.append(step)
                if len(rows[fmt]) == 1:
                    firsts[fmt] = _first_call_fresh(Path(row["path"]))
            _growth(rows[fmt], "read", steps, args.repeat)
            _growth(rows[fmt], "chunk", steps, args.repeat)
            for key, step in (("read", "read_document"), ("chunk", "chunk_text")):
                for row in rows[fmt]:
                    print(
                        f"| {step} | {fmt} | {row['size_kb']} KB | {row['bytes']:,} |"
                        f" {row['chars']:,} | {_ms(row[f'{key}_ms'])} |"
                        f" {row[f'{key}_chars_per_s'] // 1000:,} | {_cell(row, key)} |"
                    )
            sys.stdout.flush()
    print()
    print("| format | first call (ms, fresh process) | second call (ms) | import cost (ms) |")
    print("|---|---|---|---|")
    for fmt, f in firsts.items():
        print(
            f"| {fmt} | {f['first_ms']:.0f} | {f['second_ms']:.0f} |"
            f" {f['first_ms'] - f['second_ms']:.0f} |"
        )
    flagged = [
        f"{key} {fmt} {row['size_kb']} KB"
        for fmt, rs in rows.items()
        for row in rs
        for key in ("read", "chunk")
        if row.get(f"{key}_flag")
    ]
    print(f"\nsuperlinear (per 4x > {SUPERLINEAR}): {', '.join(flagged) or 'none'}")
    for rs in rows.values():
        for row in rs:
            del row["path"]
    result = {
        "commit": _commit(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "scale": args.scale,
        "repeat": args.repeat,
        "seconds": round(time.perf_counter() - started, 1),
        "first_call": firsts,
        "formats": rows,
        "superlinear": flagged,
    }
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json} ({result['seconds']} s)")


if __name__ == "__main__":
    main()
