"""HTML and PDF text extractors measured on the generated journalist's pile.

    python -m benchmarks.extractors                 # prints the tables (a few seconds)
    python -m benchmarks.extractors --json out.json # and writes every measurement

The pile (``tests/pile.py``) is written to a temporary folder. On its four web pages,
trafilatura (``bare_extraction``, three option sets) is compared with readability-lxml
(``Document.summary()`` turned into text with lxml). On its two PDFs, pypdf
(``page.extract_text()``, plain and ``extraction_mode="layout"``) is compared with
pdfminer.six (``extract_text`` / ``extract_pages``).

A page or PDF scores on what the pile says must be in its article text
(``body_sentences``, after whitespace is collapsed) and what must never be
(``boilerplate``), on the metadata it recovers, and on time (median of ``--repeat``
warm runs). For PDFs the text is first repaired the way an ingest would: a hyphen at a
line end before a lowercase letter is joined, single line breaks are unwrapped, and lines
repeated on every page (digits ignored, so "Page 1 of 2" counts) are dropped. Whether
paragraph boundaries survive is checked against the paragraphs the pile laid out.

Also reported: how trafilatura separates paragraphs, whether it keeps the headline in
the text, whether two runs (and a fresh process) give the same output, its import time,
and what it makes of the pile's consent-wall page (which has no article).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from tests import pile
from tests.pile import PileFile


def norm(text: str) -> str:
    """Collapse whitespace runs (no-break spaces too) to one space."""
    return " ".join(text.split())


def timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    """The result of one untimed warm-up call and the median time of ``repeat`` more, in ms."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(times)


@dataclass
class Extraction:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    site: str | None = None


@dataclass
class Score:
    extractor: str
    file: str
    found: int
    of: int
    missing: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    title: str = "-"
    author: str = "-"
    date: str = "-"
    site: str = "-"
    ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def _mark(got: str | None, want: str | None, *, loose: bool = False) -> str:
    """'ok' if equal, '~' if one contains the other (with ``loose``), else what came back."""
    if want is None:
        return "n/a"
    if got is None or got == "":
        return "none"
    if got == want:
        return "ok"
    if loose and (want in got or got in want):
        return "~"
    return "WRONG"


def score(name: str, pf: PileFile, ex: Extraction, ms: float) -> Score:
    text = norm(ex.text)
    missing = [s for s in pf.body_sentences if norm(s) not in text]
    leaked = [b for b in pf.boilerplate if norm(b) in text]
    return Score(
        extractor=name,
        file=pf.name,
        found=len(pf.body_sentences) - len(missing),
        of=len(pf.body_sentences),
        missing=missing,
        leaked=leaked,
        title=_mark(ex.title, pf.title, loose=True),
        author=_mark(ex.author, pf.author),
        date=_mark(ex.date, pf.published),
        site=_mark(ex.site, pf.outlet),
        ms=ms,
    )


# --- HTML -----------------------------------------------------------------------------


def traf_doc(raw: bytes, **options: Any) -> Any:
    """``trafilatura.bare_extraction`` as the product would call it: a Document or None."""
    import trafilatura

    # Bytes, not str: trafilatura then honours the page's charset (the windows-1252 page).
    return trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, **options)


def trafilatura_extractor(**options: Any) -> Callable[[bytes], Extraction]:
    def run(raw: bytes) -> Extraction:
        doc = traf_doc(raw, **options)
        if doc is None:
            return Extraction(text="")
        return Extraction(
            text=doc.text or "",
            title=doc.title,
            author=doc.author,
            date=doc.date,
            site=doc.sitename,
        )

    return run


_BLOCKS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "tr",
    "br",
    "article",
    "section",
    "blockquote",
    "figcaption",
    "ul",
    "ol",
    "table",
}


def readability_extract(raw: bytes) -> Extraction:
    from lxml import html as lxml_html
    from readability import Document
    from trafilatura.utils import load_html

    # Decoded by the page's charset first, as the product does: readability below 0.9
    # takes text, not bytes.
    tree = load_html(raw)
    doc = Document(lxml_html.tostring(tree, encoding="unicode") if tree is not None else "")
    tree = lxml_html.fromstring(doc.summary(html_partial=True))
    # Plain text_content() glues paragraphs together; a blank line after each block keeps
    # them apart, as an ingest would need. Inside a block, the source's own line wrapping
    # (kept verbatim by readability) is collapsed.
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n\n" + (el.tail or "")
    blocks = (norm(b) for b in re.split(r"\n\s*\n", tree.text_content()))
    return Extraction(text="\n\n".join(b for b in blocks if b), title=doc.short_title())


def readability_with_metadata(raw: bytes) -> Extraction:
    """readability's text with ``trafilatura.metadata.extract_metadata``'s metadata."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    ex = readability_extract(raw)
    # extract_metadata wants a tree; trafilatura's loader decodes the bytes by their charset.
    tree = load_html(raw)
    if tree is None:
        return ex
    meta = extract_metadata(tree)
    ex.title, ex.author, ex.date, ex.site = meta.title, meta.author, meta.date, meta.sitename
    return ex


def product_extract(raw: bytes) -> Extraction:
    """What ingest reads: ``assistant.index.formats.read_document`` on the page."""
    from assistant.index.formats import read_document

    doc = read_document(Path("page.html"), raw)
    return Extraction(
        text=doc.text,
        title=doc.title,
        author=doc.author or None,
        date=doc.published or None,
        site=doc.outlet or None,
    )


def trafilatura_habits(pages: list[tuple[PileFile, bytes]]) -> dict[str, Any]:
    """Paragraph separator, headline in text, determinism, txt vs markdown output."""
    import trafilatura

    out: dict[str, Any] = {"per_page": {}}
    for pf, raw in pages:
        first, second = traf_doc(raw), traf_doc(raw)
        text: str = (first.text or "") if first else ""
        again: str = (second.text or "") if second else ""
        md = trafilatura.extract(raw, output_format="markdown", include_comments=False) or ""
        lines = text.split("\n")
        out["per_page"][pf.name] = {
            "newlines": text.count("\n"),
            "blank_lines": text.count("\n\n"),
            "markdown_blank_lines": md.count("\n\n"),
            "title_first_line": norm(lines[0]) == norm(pf.title) if lines else False,
            "same_twice": text == again,
            # Source line breaks inside a <p> that come through as "\n" mid-sentence.
            "mid_sentence_newlines": len(re.findall(r"[a-z,]\n[a-z]", text)),
        }
    return out


def html_digest(folder: Path) -> str:
    """A digest of trafilatura's text for every pile page written into ``folder``."""
    texts = []
    for pf in pile.write_pile(folder):
        if pf.kind == "html":
            doc = traf_doc((folder / pf.name).read_bytes())
            text: str = (doc.text or "") if doc else ""
            texts.append(hashlib.sha256(text.encode()).hexdigest())
    return hashlib.sha256("".join(texts).encode()).hexdigest()


def html_digest_in_fresh_process(folder: Path) -> str:
    code = "import sys; from pathlib import Path; from benchmarks.extractors import html_digest;"
    code += "print(html_digest(Path(sys.argv[1])))"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


def import_time(module: str, runs: int = 3) -> dict[str, float]:
    """Cold-ish import cost in a fresh interpreter: wall ms and -X importtime's cumulative."""
    walls, cumulative = [], []
    for _ in range(runs):
        code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            capture_output=True,
            text=True,
            check=True,
        )
        walls.append(float(proc.stdout) * 1000)
        for line in proc.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                cumulative.append(int(parts[1]) / 1000)
    return {
        "wall_ms": round(statistics.median(walls), 1),
        "importtime_cumulative_ms": round(statistics.median(cumulative), 1) if cumulative else -1,
    }


# --- PDF ------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"\d+")


_TERMINAL = re.compile(r"[.!?:;\"”’)]$")


def repair_pdf_text(pages: list[str]) -> str:
    """Drop running headers/footers, join hyphenated breaks, unwrap lines; keep blank lines.

    A line counts as running if, with digits masked and spaces collapsed, it appears on
    every page (so "Page 1 of 2" and "Page 2 of 2" both go). Within a block a hyphen at a
    line end is joined only before a lowercase letter ("investi-" / "gation"), and other
    line breaks become spaces. Two blocks are then joined when the second starts in
    lowercase and the first does not end a sentence: a paragraph cut by a page break, or
    split into one block per line by the extractor.
    """

    def mask(line: str) -> str:
        return norm(_PAGE_NUMBER.sub("#", line))

    masked = [{mask(ln) for ln in p.splitlines() if ln.strip()} for p in pages]
    running = set.intersection(*masked) if len(masked) > 1 else set()
    blocks: list[str] = []
    for page in pages:
        kept = "\n".join(ln for ln in page.splitlines() if mask(ln) not in running)
        for block in re.split(r"\n[ \t]*\n", kept):
            block = re.sub(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])", "", block.strip())
            if block:
                blocks.append(norm(block))
    merged: list[str] = []
    for block in blocks:
        if merged and block[0].islower():
            if re.search(r"[a-z]-$", merged[-1]):
                merged[-1] = merged[-1][:-1] + block
                continue
            if not _TERMINAL.search(merged[-1]):
                merged[-1] += " " + block
                continue
        merged.append(block)
    return "\n\n".join(merged)


def paragraphs_intact(text: str, paragraphs: tuple[str, ...]) -> tuple[int, int]:
    """How many laid-out paragraphs are exactly one block of ``text``, and how many blocks."""
    blocks = {norm(b) for b in re.split(r"\n\s*\n", text) if b.strip()}
    # The pile marks hyphenation points with soft hyphens; the printed text has none.
    return sum(norm(p.replace("\u00ad", "")) in blocks for p in paragraphs), len(blocks)


def pypdf_pages(path: Path, mode: Literal["plain", "layout"] = "plain") -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return [p.extract_text(extraction_mode=mode) or "" for p in reader.pages]


def pdfminer_pages(path: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    # extract_text separates pages with a form feed; splitting on it keeps one call.
    text = extract_text(str(path))
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdfminer_line_gaps(path: Path) -> list[str]:
    """pdfminer's text lines, with a blank line wherever the gap to the previous line is
    well above the document's usual line spacing: paragraphs from geometry, not LAParams.
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    pages = []
    for layout in extract_pages(str(path)):
        lines = [
            line
            for box in layout
            if isinstance(box, LTTextContainer)
            for line in box
            if isinstance(line, LTTextLine) and line.get_text().strip()
        ]
        pages.append(sorted(lines, key=lambda ln: (-round(ln.y0), ln.x0)))
    # One spacing for the whole document: a short last page of mostly paragraph gaps
    # would otherwise make the paragraph gap look usual.
    gaps = [a.y0 - b.y0 for lines in pages for a, b in itertools.pairwise(lines) if a.y0 - b.y0 > 1]
    usual = statistics.median(gaps) if gaps else 0.0
    texts = []
    for lines in pages:
        out: list[str] = []
        for prev, line in zip([None, *lines], lines, strict=False):
            if prev is not None and prev.y0 - line.y0 > 1.4 * usual:
                out.append("")
            out.append(line.get_text().rstrip("\n"))
        texts.append("\n".join(out))
    return texts


def pdf_metadata(path: Path) -> dict[str, Any]:
    from pypdf import PdfReader

    meta: Any = PdfReader(path).metadata or {}
    created = meta.get("/CreationDate")
    return {"title": meta.get("/Title"), "author": meta.get("/Author"), "created": created}


# --- report ---------------------------------------------------------------------------


def short(name: str, width: int = 22) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def print_html(scores: list[Score]) -> None:
    print("\nHTML pages (sentences found / leaked boilerplate / metadata / ms per page)")
    head = f"{'extractor':18} {'page':22} {'sent':>5} {'leak':>4} {'title':>5} {'auth':>5} "
    print(head + f"{'date':>5} {'site':>5} {'ms':>6}")
    for s in scores:
        print(
            f"{s.extractor:18} {short(s.file):22} {s.found:>2}/{s.of:<2} {len(s.leaked):>4} "
            f"{s.title:>5} {s.author:>5} {s.date:>5} {s.site:>5} {s.ms:>6.1f}"
        )
    for s in scores:
        for m in s.missing:
            print(f"  {s.extractor} / {short(s.file)}: MISSING {m[:70]!r}")
        if s.leaked:
            print(f"  {s.extractor} / {short(s.file)}: LEAKED {[b[:40] for b in s.leaked]}")


def print_pdf(scores: list[Score]) -> None:
    print("\nPDFs (after repair: running lines dropped, hyphens joined, lines unwrapped)")
    print(
        f"{'extractor':18} {'file':22} {'sent':>5} {'leak':>4} {'raw':>5} {'pages':>5} "
        f"{'paras/blocks':>12} {'ms':>6}"
    )
    for s in scores:
        e = s.extra
        print(
            f"{s.extractor:18} {short(s.file):22} {s.found:>2}/{s.of:<2} {len(s.leaked):>4} "
            f"{e['raw_found']:>5} {e['pages']:>5} {e['paragraphs']:>12} {s.ms:>6.1f}"
        )
    for s in scores:
        for m in s.missing:
            print(f"  {s.extractor} / {short(s.file)}: MISSING {m[:70]!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per file (median)")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = pile.write_pile(folder)
        problems = pile.write_problem_files(folder / "problems")
        pages = [(pf, (folder / pf.name).read_bytes()) for pf in files if pf.kind == "html"]
        pdfs = [pf for pf in files if pf.kind == "pdf"]

        html_extractors: dict[str, Callable[[bytes], Extraction]] = {
            "trafilatura": trafilatura_extractor(),
            "traf precision": trafilatura_extractor(favor_precision=True),
            "traf no tables": trafilatura_extractor(include_tables=False),
            "traf fast": trafilatura_extractor(fast=True),
            "readability": readability_extract,
            "readability+meta": readability_with_metadata,
            "product": product_extract,
        }
        html_scores = []
        for label, fn in html_extractors.items():
            for pf, raw in pages:
                ex, ms = timed(functools.partial(fn, raw), args.repeat)
                html_scores.append(score(label, pf, ex, ms))

        paragraphs = {pdfs[0].name: pile._POLICE_PARAGRAPHS, pdfs[1].name: pile._COMPANY_PARAGRAPHS}
        pdf_extractors: dict[str, Callable[[Path], list[str]]] = {
            "pypdf": pypdf_pages,
            "pypdf layout": functools.partial(pypdf_pages, mode="layout"),
            "pdfminer": pdfminer_pages,
            "pdfminer gaps": pdfminer_line_gaps,
        }
        pdf_scores = []
        for label, pdf_fn in pdf_extractors.items():
            for pf in pdfs:
                path = folder / pf.name
                raw_pages, ms = timed(functools.partial(pdf_fn, path), args.repeat)
                repaired = repair_pdf_text(raw_pages)
                s = score(label, pf, Extraction(text=repaired), ms)
                raw_text = norm("\n".join(raw_pages))
                s.extra = {
                    "pages": len(raw_pages),
                    # Before repair: a sentence only counts if no line break/hyphen splits it.
                    "raw_found": sum(norm(b) in raw_text for b in pf.body_sentences),
                    "paragraphs": "{}/{} in {}".format(
                        *paragraphs_intact(repaired, paragraphs[pf.name])[:1],
                        len(paragraphs[pf.name]),
                        paragraphs_intact(repaired, paragraphs[pf.name])[1],
                    ),
                    "blank_lines_raw": sum(p.count("\n\n") for p in raw_pages),
                    "raw_page1_head": raw_pages[0][:160] if raw_pages else "",
                }
                pdf_scores.append(s)

        habits = trafilatura_habits(pages)
        same_process = html_digest(Path(tmp) / "again")
        fresh = html_digest_in_fresh_process(Path(tmp) / "fresh")
        consent_name = next(n for n, why in problems.items() if why == "no article text")
        consent = trafilatura_extractor()((folder / "problems" / consent_name).read_bytes())
        consent_readability = readability_extract((folder / "problems" / consent_name).read_bytes())
        meta = {pf.name: pdf_metadata(folder / pf.name) for pf in pdfs}

    imports = {
        m: import_time(m) for m in ("trafilatura", "readability", "pypdf", "pdfminer.high_level")
    }

    print_html(html_scores)
    print_pdf(pdf_scores)
    print(
        "\npdf blank lines in raw output (paragraph signal):",
        {f"{s.extractor}/{short(s.file, 12)}": s.extra["blank_lines_raw"] for s in pdf_scores},
    )
    print("pdf metadata (pypdf):", json.dumps(meta, ensure_ascii=False))
    print("\ntrafilatura text habits per page:")
    for name, h in habits["per_page"].items():
        print(f"  {short(name, 30):30} {h}")
    print(
        f"trafilatura deterministic: same twice in-process="
        f"{all(h['same_twice'] for h in habits['per_page'].values())}, "
        f"same in a fresh process={same_process == fresh}"
    )
    print(
        f"consent wall page -> trafilatura text {len(consent.text)} chars: "
        f"{consent.text[:70]!r}; readability {len(consent_readability.text)} chars"
    )
    print("import times:", imports)

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "html": [asdict(s) for s in html_scores],
                    "pdf": [asdict(s) for s in pdf_scores],
                    "trafilatura_habits": habits,
                    "trafilatura_fresh_process_same": same_process == fresh,
                    "consent_page": {
                        "trafilatura": consent.text,
                        "readability": consent_readability.text,
                    },
                    "pdf_metadata": meta,
                    "import_ms": imports,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
