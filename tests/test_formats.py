"""The file readers (assistant/index/formats): front matter, web pages, PDFs, Word files,
the shared helpers, Document and the cache of derived texts, on small invented examples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant.index.formats import (
    READER_VERSION,
    Document,
    UnreadableError,
    kind_of,
    read_document,
    readable_types,
)
from assistant.index.formats.cache import DocumentCache
from assistant.index.formats.common import MAX_FIELD, MAX_TITLE, field_text, iso_date, title_of
from assistant.index.formats.text import MAX_HEADER_LINES, read_text

# ---------------------------------------------------------------------------------------
# Front matter (.txt / .md)
# ---------------------------------------------------------------------------------------

ARTICLE = "The old mill at Carrowdale burned for six hours on Tuesday.\n\nNobody was hurt.\n"


def _text(data: str | bytes) -> Document:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return read_document(Path("story.md"), raw)


def test_front_matter_fields_read_and_body_starts_past_the_fence() -> None:
    src = (
        "---\n"
        "title: Fire at the Carrowdale mill\n"
        "outlet: The Valley Courier\n"
        "author: Jane Roe\n"
        "published: 2026-03-16\n"
        "url: https://valleycourier.example/fire\n"
        "---\n" + ARTICLE
    )
    doc = _text(src)
    assert doc.kind == "text"
    assert doc.text == src  # the whole file, unchanged
    assert doc.title == "Fire at the Carrowdale mill"
    assert doc.outlet == "The Valley Courier"
    assert doc.author == "Jane Roe"
    assert doc.published == "2026-03-16"
    assert doc.url == "https://valleycourier.example/fire"
    assert doc.text[doc.body_start :] == ARTICLE
    assert doc.pages == () and doc.page_of(0) is None


@pytest.mark.parametrize(
    ("title_key", "outlet_key", "author_key", "date_key", "url_key"),
    [
        ("headline", "publisher", "byline", "date", "link"),
        ("Title", "Site Name", "By", "Date", "URL"),
        ("title", "publication", "authors", "published", "url"),
        ("title", "source", "author", "date", "url"),
        ("title", "site", "author", "date", "url"),
    ],
)
def test_front_matter_aliases(
    title_key: str, outlet_key: str, author_key: str, date_key: str, url_key: str
) -> None:
    doc = _text(
        f"---\n{title_key}: Bridge shut at Wexcombe\n{outlet_key}: Wexcombe Herald\n"
        f"{author_key}: Piet Orrin\n{date_key}: 2026-05-02\n"
        f"{url_key}: https://herald.example/bridge\n---\nThe bridge shut.\n"
    )
    assert (doc.title, doc.outlet, doc.author, doc.published, doc.url) == (
        "Bridge shut at Wexcombe",
        "Wexcombe Herald",
        "Piet Orrin",
        "2026-05-02",
        "https://herald.example/bridge",
    )


def test_front_matter_quoted_values_written_date_and_unsafe_url() -> None:
    doc = _text(
        "---\n"
        'title: "Flood warning: Ashby Fen"\n'
        "outlet: 'The Fenland Post'\n"
        "author: Mara O'Keeffe\n"
        'published: "March 16, 2026"\n'
        "url: javascript:alert(1)\n"
        "---\nWater rose by a metre.\n"
    )
    assert doc.title == "Flood warning: Ashby Fen"  # a colon inside a value is kept
    assert doc.outlet == "The Fenland Post"
    assert doc.author == "Mara O'Keeffe"
    assert doc.published == "2026-03-16"
    assert doc.url == ""
    assert doc.text[doc.body_start :] == "Water rose by a metre.\n"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.example/a"])
def test_front_matter_non_http_url_dropped(url: str) -> None:
    assert _text(f"---\ntitle: Ferry\nurl: {url}\n---\nBody.\n").url == ""


def test_front_matter_unquoted_written_date_other_forms() -> None:
    assert _text("---\ndate: 16 March 2026\n---\nBody.\n").published == "2026-03-16"
    assert _text("---\ndate: sometime in spring\n---\nBody.\n").published == ""


def test_no_closing_fence_means_no_header() -> None:
    src = "---\ntitle: Fire at the mill\nauthor: Jane Roe\nThe mill burned.\n"
    doc = _text(src)
    assert doc.body_start == 0
    # The first line with words, as for any file without a header (a rule is no title).
    assert doc.title == "title: Fire at the mill"
    assert doc.author == "" and doc.outlet == ""
    assert doc.text == src


def test_line_that_is_not_a_field_means_no_header() -> None:
    doc = _text("---\ntitle: Fire\nthis line has no colon\n---\nBody.\n")
    assert doc.body_start == 0 and doc.title == "title: Fire"


def test_header_over_max_lines_is_not_a_header() -> None:
    # The closing fence as line MAX_HEADER_LINES after the opening one: still a header.
    lines = ["title: Quarry vote"] + [f"extra: {i}" for i in range(MAX_HEADER_LINES - 2)]
    doc = _text("---\n" + "\n".join(lines) + "\n---\nThe quarry vote passed.\n")
    assert doc.title == "Quarry vote"
    assert doc.text[doc.body_start :] == "The quarry vote passed.\n"
    # One field line more: the closing fence is past the limit, so there is no header.
    doc = _text("---\n" + "\n".join([*lines, "extra: last"]) + "\n---\nThe vote passed.\n")
    assert doc.body_start == 0
    assert doc.title == "title: Quarry vote"


def test_header_with_bom_and_crlf() -> None:
    src = (
        "\ufeff---\r\ntitle: Ferry resumes\r\nauthor: Odile Fenwarren\r\n---\r\nThe ferry ran.\r\n"
    )
    doc = _text(src)
    assert doc.text == src  # BOM and CRLF kept: offsets are the file's own
    assert doc.title == "Ferry resumes"
    assert doc.author == "Odile Fenwarren"
    assert doc.text[doc.body_start :] == "The ferry ran.\r\n"


def test_closing_fence_at_end_of_file_and_header_only_file() -> None:
    with pytest.raises(UnreadableError, match="no article text"):
        _text("---\ntitle: Nothing here\n---\n")
    doc = read_text(b"---\ntitle: Kelsby harbour\n---")
    assert doc.title == "Kelsby harbour"
    assert doc.body_start == len(doc.text)


def test_file_without_header_title_is_first_line() -> None:
    doc = _text("\n\n# Harbour wall repaired in Kelsby\n\nWork finished on Friday.\n")
    assert doc.title == "Harbour wall repaired in Kelsby"
    assert doc.body_start == 0


def test_text_not_utf8_or_binary_is_unreadable() -> None:
    with pytest.raises(UnreadableError, match="not UTF-8"):
        _text("Caf\u00e9 in Ashby".encode("latin-1"))
    with pytest.raises(UnreadableError, match="binary"):
        _text(b"Ashby\x00\x01\x02")


# ---------------------------------------------------------------------------------------
# Saved web pages
# ---------------------------------------------------------------------------------------

HEADLINE = "Ferry service to Brindlemoor resumes"
PARAS = [
    "The ferry between Harrowgate and Brindlemoor resumed on Saturday after a six-week "
    "closure — the longest since 1998, officials said.",
    "Harbour master Tomasz Quillan said the new pontoon cost £2.4m and was paid for by the "
    "Brindlemoor Trust & the county council.",
    "Passengers queued from 6am, and the first crossing carried 212 people and 38 cars "
    "across the estuary.",
    "Fares will rise by 40 pence in April, the operator confirmed in a statement on Friday "
    "evening.",
]
PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{HEADLINE} | The Harrowgate Lantern</title>
<meta property="og:title" content="{HEADLINE}">
<meta property="og:site_name" content="The Harrowgate Lantern">
<meta name="author" content="Odile Fenwarren">
<meta property="article:published_time" content="2026-03-14T09:30:00+01:00">
<meta property="og:url" content="https://lantern.example/news/ferry">
<style>.lead {{ font-weight: bold }} /* STYLE-MARK */</style>
<script>var trackingMark = "SCRIPT-MARK";</script>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{HEADLINE}", "description": "JSONLD-MARK summary",
"author": {{"@type": "Person", "name": "Odile Fenwarren"}},
"publisher": {{"@type": "Organization", "name": "The Harrowgate Lantern"}}}}</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your
experience on our site.</p><button>Accept all</button></div>
<article>
<h1>{HEADLINE}</h1>
<p>The ferry between Harrowgate and Brindlemoor resumed on Saturday after a
<b>six-week</b> closure &mdash; the longest since 1998, officials said.</p>
<div class="ad-slot">Advertisement: buy Gorseway boots today</div>
<p>Harbour master <a href="/people/quillan">Tomasz Quillan</a> said the new pontoon cost
&pound;2.4m and was paid for by the Brindlemoor&nbsp;Trust &amp; the county council.</p>
<p class="shadow-box">Passengers queued from 6am, and the first crossing carried
<em>212 people</em> and 38 cars across the estuary.</p>
<p>Read more: <a href="/ferry-history">The long history of the Brindlemoor ferry crossing</a></p>
<p>Fares will rise by 40 pence in April, the operator confirmed in a statement on Friday
evening.</p>
</article>
<aside class="related"><h2>Most read</h2><ul>
<li><a href="/a">Council approves new bins for the market square in Harrowgate</a></li>
<li><a href="/b">Lighthouse keeper retires after forty years on the rock</a></li>
</ul></aside>
<footer><p>&copy; 2026 Harrowgate Lantern Media. All rights reserved. Contact the
newsroom.</p></footer>
</body></html>"""


def _html(page: str | bytes, name: str = "page.html", **kw: str) -> Document:
    raw = page.encode("utf-8") if isinstance(page, str) else page
    return read_document(Path(name), raw, **kw)


def test_html_article_paragraphs_in_order_without_boilerplate() -> None:
    doc = _html(PAGE)
    assert doc.kind == "html"
    positions = [doc.text.find(p) for p in PARAS]
    assert -1 not in positions, doc.text
    assert positions == sorted(positions)
    for junk in [
        "Home",
        "Weather",
        "cookies",
        "Accept all",
        "STYLE-MARK",
        "SCRIPT-MARK",
        "trackingMark",
        "JSONLD-MARK",
        "Most read",
        "market square",
        "Lighthouse keeper",
        "Read more",
        "long history",
        "Gorseway",
        "Advertisement",
        "All rights reserved",
        "<",
        "&mdash;",
        "&amp;",
        "&nbsp;",
        "\xa0",
    ]:
        assert junk not in doc.text, junk
    # Text is the headline, then the paragraphs, blank lines between.
    assert doc.text.split("\n\n") == [HEADLINE, *PARAS]


def test_html_headline_once_and_metadata() -> None:
    doc = _html(PAGE)
    assert doc.title == HEADLINE
    assert doc.text.count(HEADLINE) == 1
    assert doc.text.startswith(HEADLINE)
    assert doc.outlet == "The Harrowgate Lantern"
    assert doc.author == "Odile Fenwarren"
    assert doc.published == "2026-03-14"
    assert doc.url == "https://lantern.example/news/ferry"
    assert doc.body_start == 0 and doc.pages == ()


BODY = f"""<article><h1>{HEADLINE}</h1>
<p>The ferry between Harrowgate and Brindlemoor resumed on Saturday after a six-week
closure, the longest since 1998, officials said on the quay.</p>
<p>Harbour master Tomasz Quillan said the new pontoon was paid for by the Brindlemoor
Trust and the county council, at a cost still to be published.</p></article>"""


def test_html_outlet_and_author_from_json_ld_when_meta_missing() -> None:
    page = f"""<html><head><title>{HEADLINE}</title>
<script type="application/ld+json">{{"@context": "https://schema.org",
"@type": "NewsArticle", "headline": "{HEADLINE}", "datePublished": "2026-03-14",
"author": {{"@type": "Person", "name": "Odile Fenwarren"}},
"publisher": {{"@type": "Organization", "name": "The Harrowgate Lantern"}}}}</script>
</head><body>{BODY}</body></html>"""
    doc = _html(page)
    assert doc.outlet == "The Harrowgate Lantern"
    assert doc.author == "Odile Fenwarren"
    assert doc.published == "2026-03-14"
    assert doc.text.count(HEADLINE) == 1


def test_html_outlet_from_og_site_name_alone() -> None:
    page = f"""<html><head><title>{HEADLINE}</title>
<meta property="og:site_name" content="Brindlemoor Weekly">
<meta name="author" content="Ansel Drury">
</head><body>{BODY}</body></html>"""
    doc = _html(page)
    assert doc.outlet == "Brindlemoor Weekly"
    assert doc.author == "Ansel Drury"
    assert doc.published == ""  # no date in the markup: never guessed


def test_html_without_metadata() -> None:
    doc = _html(f"<html><body>{BODY}</body></html>")
    assert doc.outlet == "" and doc.author == "" and doc.published == "" and doc.url == ""
    assert doc.title == HEADLINE


def test_html_br_is_space_and_double_br_a_paragraph_break() -> None:
    page = """<html><head><title>Bridge to close</title></head><body>
<table><tr><td class="nav"><a href="/">Home</a> <a href="/news">News</a></td><td>
<font size="4"><b>Bridge to close for repairs</b></font><br><br>
The Tollbridge at Wexcombe will close for six weeks from May 2 while engineers replace
the deck,<br>the county said on Thursday in a notice to residents.<br><br>
Drivers will be sent through Netherby, adding about 11 miles to the journey, and a shuttle
bus will run every 20 minutes.<br>
<br>
The last full repair of the bridge deck was carried out in 1987.
</td></tr></table></body></html>"""
    doc = _html(page)
    parts = doc.text.split("\n\n")
    assert (
        "The Tollbridge at Wexcombe will close for six weeks from May 2 while engineers "
        "replace the deck, the county said on Thursday in a notice to residents."
    ) in parts
    assert (
        "Drivers will be sent through Netherby, adding about 11 miles to the journey, and a "
        "shuttle bus will run every 20 minutes."
    ) in parts
    assert "The last full repair of the bridge deck was carried out in 1987." in parts
    assert doc.text.index("Tollbridge") < doc.text.index("Netherby") < doc.text.index("1987")


def test_html_br_inside_paragraph() -> None:
    page = f"""<html><body><article><h1>{HEADLINE}</h1>
<p>The ferry resumed on Saturday<br>after a six-week closure, the longest since 1998, the
operator said.</p><p>Harbour master Tomasz Quillan welcomed the first passengers at seven
in the morning, with the mayor.</p></article></body></html>"""
    doc = _html(page)
    assert (
        "The ferry resumed on Saturday after a six-week closure, the longest since 1998, the "
        "operator said." in doc.text.split("\n\n")
    )


@pytest.mark.parametrize(
    "cls", ["shadow", "lazy-loading", "loading", "article-header", "gradient", "broadside"]
)
def test_html_class_containing_ad_letters_is_not_an_ad(cls: str) -> None:
    page = f"""<html><body><article><h1>Mill fire in Carrowdale</h1>
<p>The old woollen mill in Carrowdale burned for six hours on Tuesday night before crews
from three stations put it out.</p>
<p class="{cls}">Fire officer Brenna Loughty said nobody was inside the building when the
roof collapsed shortly after midnight.</p>
<p>The owners, Carrowdale Heritage Ltd, said they would rebuild the east wing within two
years if insurers agree.</p></article></body></html>"""
    assert "Brenna Loughty" in _html(page).text


@pytest.mark.parametrize("cls", ["ad", "ad-slot", "ads_top", "advert", "sponsored"])
def test_html_ad_slot_left_out(cls: str) -> None:
    page = f"""<html><body><article><h1>Mill fire in Carrowdale</h1>
<p>The old woollen mill in Carrowdale burned for six hours on Tuesday night before crews
from three stations put it out.</p>
<p class="{cls}">Buy Gorseway boots today: the finest boots sold anywhere in the valley,
with free delivery.</p>
<p>The owners, Carrowdale Heritage Ltd, said they would rebuild the east wing within two
years if insurers agree.</p></article></body></html>"""
    doc = _html(page)
    assert "Gorseway" not in doc.text
    assert "Carrowdale Heritage Ltd" in doc.text


def test_html_only_links_is_unreadable() -> None:
    page = """<html><head><title>Harrowgate Lantern: all news</title></head><body>
<nav><ul><li><a href="/a">Council approves new bins for the market square</a></li>
<li><a href="/b">Lighthouse keeper retires after forty years on the rock</a></li>
<li><a href="/c">School wins regional choir contest for the third year running</a></li>
</ul></nav><div><a href="/d">Weather: rain moving in from the west by the weekend</a>
<a href="/e">Sport</a></div></body></html>"""
    with pytest.raises(UnreadableError, match="navigation"):
        _html(page)


def test_html_empty_page_is_unreadable() -> None:
    with pytest.raises(UnreadableError):
        _html("<html><head><title>Nothing</title></head><body></body></html>")


def test_html_same_bytes_same_document() -> None:
    assert _html(PAGE) == _html(PAGE)


def test_html_windows_1252_with_meta_charset() -> None:
    page = """<html><head><meta charset="windows-1252"><title>Quarry dispute</title></head>
<body><article><h1>Quarry dispute in Oakridge</h1>
<p>\u201cWe won\u2019t give up the quarry,\u201d said Maelis Dunhaven, chair of the Oakridge
residents\u2019 group, on Monday evening at the village hall.</p>
<p>The quarry company says the extension would add 40 jobs in Oakridge and the villages
nearby over the next decade.</p></article></body></html>"""
    doc = _html(page.encode("cp1252"))
    assert "\u201cWe won\u2019t give up the quarry,\u201d" in doc.text
    assert "residents\u2019 group" in doc.text
    assert "\ufffd" not in doc.text


def test_html_url_argument_overrides_page_url() -> None:
    doc = _html(PAGE, url="https://mirror.example/ferry")
    assert doc.url == "https://mirror.example/ferry"
    assert _html(PAGE).url == "https://lantern.example/news/ferry"


def test_html_suffix_case_and_htm() -> None:
    assert _html(PAGE, name="SAVED.HTM").text == _html(PAGE).text


@pytest.mark.parametrize(
    "banner",
    [
        '<div class="cookie-banner">We use cookies to improve your experience. '
        "Accept all cookies.</div>",
        '<div class="cookie-banner"><p>We and our partners use cookies and similar '
        "technologies to store and access information on your device for personalised ads "
        "and content, ad and content measurement, audience insights and product "
        "development.</p><button>Accept</button></div>",
    ],
    ids=["bare-div", "long-notice"],
)
def test_html_cookie_banner_left_out(banner: str) -> None:
    page = f"<html><head><title>{HEADLINE}</title></head><body>{banner}{BODY}</body></html>"
    doc = _html(page)
    assert "Tomasz Quillan" in doc.text
    assert "cookies" not in doc.text


# ---------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------

RUNNING = "The Carrowdale Gazette | Special report"


def _pdf(
    pages: list[list[list[str]]],
    *,
    title: str | None = None,
    author: str | None = None,
    header: str | None = RUNNING,
    footer: bool = True,
) -> bytes:
    """A PDF with one paragraph per list of lines, a gap between paragraphs."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    for number, paragraphs in enumerate(pages, 1):
        c.setFont("Helvetica", 9)
        if header:
            c.drawString(72, 800, header)
        if footer:
            c.drawString(72, 40, f"Page {number} of {len(pages)}")
        c.setFont("Helvetica", 11)
        y = 760
        for lines in paragraphs:
            for line in lines:
                c.drawString(72, y, line)
                y -= 14
            y -= 14
        c.showPage()
    c.save()
    return buf.getvalue()


PDF_PAGE_1 = [
    ["Mill fire inquiry opens in Carrowdale"],
    [
        "The inquiry into the fire at the old woollen mill in Carrowdale opened on Monday",
        "with evidence from the first crews to arrive. The fire service's own investi-",
        "gation found that a heater had been left on in the east wing overnight, and the",
        "owners said they had been warned about it twice during the spring by the non-",
        "European insurer, and again in a letter that put the risk well above the pre-",
        "2019 level, which the owners had not answered by the time the fire had begun.",
    ],
    [
        "Witnesses described smoke over the valley from six in the evening onwards, and",
        "a second fire in the store at the back of the mill, which the owners said was",
        "started by a faulty lamp bought in 2019 at the Carrowdale market and fitted by",
        "a contractor from Netherby whose firm has since closed; the inquiry heard that",
    ],
]
PDF_PAGE_2 = [
    [
        "the contractor had never been paid for the work at the mill, nor for the wiring",
        "he fitted in the store in the autumn of that year, said his former partner.",
    ],
    ["The chair of the inquiry, Judge Ysolde Pemberly, said she would report by June."],
]


@pytest.fixture(scope="module")
def inquiry_pdf() -> bytes:
    return _pdf(
        [PDF_PAGE_1, PDF_PAGE_2],
        title="Microsoft Word - draft3.docx",
        author="Rhodri Calloway",
    )


def _pdf_doc(data: bytes) -> Document:
    return read_document(Path("report.pdf"), data)


def test_pdf_running_header_and_page_footers_left_out(inquiry_pdf: bytes) -> None:
    doc = _pdf_doc(inquiry_pdf)
    assert doc.kind == "pdf"
    assert "Carrowdale Gazette" not in doc.text
    assert "Special report" not in doc.text
    assert "Page 1 of 2" not in doc.text and "Page 2 of 2" not in doc.text
    assert "Judge Ysolde Pemberly" in doc.text


def test_pdf_hyphenation_joined_only_before_lower_case(inquiry_pdf: bytes) -> None:
    doc = _pdf_doc(inquiry_pdf)
    assert "The fire service's own investigation found" in doc.text
    assert "investi-" not in doc.text
    # A hyphen before a capital or a digit belongs to the word: it stays.
    assert "non-" in doc.text and "nonEuropean" not in doc.text
    assert "pre-" in doc.text and "pre2019" not in doc.text


def test_pdf_kept_hyphen_has_no_space_after_it(inquiry_pdf: bytes) -> None:
    doc = _pdf_doc(inquiry_pdf)
    assert "by the non-European insurer" in doc.text
    assert "above the pre-2019 level" in doc.text


def test_pdf_wrapped_lines_are_one_paragraph(inquiry_pdf: bytes) -> None:
    doc = _pdf_doc(inquiry_pdf)
    lines = doc.text.split("\n")
    inquiry = [line for line in lines if line.startswith("The inquiry into the fire")]
    assert len(inquiry) == 1
    assert inquiry[0].endswith("by the time the fire had begun.")
    assert doc.title == "Mill fire inquiry opens in Carrowdale"
    assert doc.text.split("\n\n")[0] == "Mill fire inquiry opens in Carrowdale"


def test_pdf_sentence_across_page_break_is_one_paragraph(inquiry_pdf: bytes) -> None:
    doc = _pdf_doc(inquiry_pdf)
    assert "the inquiry heard that the contractor had never been paid" in doc.text
    paragraphs = doc.text.split("\n\n")
    assert any(
        p.startswith("Witnesses described") and p.endswith("said his former partner.")
        for p in paragraphs
    )
    assert paragraphs[-1] == (
        "The chair of the inquiry, Judge Ysolde Pemberly, said she would report by June."
    )


def test_pdf_pages_and_page_of(inquiry_pdf: bytes) -> None:
    doc = _pdf_doc(inquiry_pdf)
    assert len(doc.pages) == 2
    assert doc.pages[0] == 0
    assert doc.page_of(doc.text.index("Witnesses described")) == 1
    assert doc.page_of(doc.text.index("the inquiry heard that")) == 1
    assert doc.page_of(doc.text.index("the contractor had never")) == 2
    assert doc.page_of(doc.text.index("Judge Ysolde")) == 2
    assert doc.text[doc.pages[1] :].startswith("the contractor had never been paid")
    assert doc.page_of(doc.pages[1] - 1) == 1


def test_pdf_metadata_title_not_in_text_is_not_the_title(inquiry_pdf: bytes) -> None:
    doc = _pdf_doc(inquiry_pdf)
    assert doc.title == "Mill fire inquiry opens in Carrowdale"
    assert "draft3" not in doc.title


def test_pdf_metadata_title_in_text_is_the_title_and_author_read() -> None:
    data = _pdf(
        [[["Carrowdale Gazette archive copy"], *PDF_PAGE_1]],
        title="Mill fire inquiry opens in Carrowdale",
        author="Rhodri Calloway",
        header=None,
    )
    doc = _pdf_doc(data)
    assert doc.text.startswith("Carrowdale Gazette archive copy")
    assert doc.title == "Mill fire inquiry opens in Carrowdale"
    assert doc.author == "Rhodri Calloway"


def test_pdf_creation_date_read() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf([PDF_PAGE_1]))))
    writer.add_metadata({"/CreationDate": "D:20260316093000+01'00'"})
    out = io.BytesIO()
    writer.write(out)
    assert _pdf_doc(out.getvalue()).published == "2026-03-16"


def test_pdf_same_bytes_same_document(inquiry_pdf: bytes) -> None:
    assert _pdf_doc(inquiry_pdf) == _pdf_doc(inquiry_pdf)


def test_pdf_empty_middle_page_offsets_go_to_the_page_with_text() -> None:
    data = _pdf(
        [
            [["Harbour wall repaired in Kelsby"], ["Work on the wall finished on Friday."]],
            [],
            [["The council said the final cost was 310,000 pounds, under budget."]],
        ]
    )
    doc = _pdf_doc(data)
    assert len(doc.pages) == 3
    assert doc.pages[1] == doc.pages[2]
    at = doc.text.index("The council said")
    assert doc.pages[2] == at
    assert doc.page_of(at) == 3
    assert doc.page_of(at - 1) == 1
    assert doc.page_of(doc.text.index("Work on the wall")) == 1


def _unreadable_reason(name: str, data: bytes) -> str:
    with pytest.raises(UnreadableError) as info:
        read_document(Path(name), data)
    reason = str(info.value)
    assert reason and "\n" not in reason
    return reason


def test_pdf_unreadable_cases_have_distinct_reasons() -> None:
    plain = _pdf([PDF_PAGE_1])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt("hunter2")
    encrypted = io.BytesIO()
    writer.write(encrypted)

    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    c.rect(100, 100, 200, 200, fill=1)
    c.line(0, 0, 300, 300)
    c.showPage()
    c.save()

    reasons = [
        _unreadable_reason("locked.pdf", encrypted.getvalue()),
        _unreadable_reason("scan.pdf", buf.getvalue()),
        _unreadable_reason("noise.pdf", random.Random(11).randbytes(4000)),
    ]
    assert "encrypted" in reasons[0]
    assert "no text layer" in reasons[1]
    assert "not a PDF" in reasons[2]
    assert len(set(reasons)) == 3


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html", ".txt"])
def test_random_bytes_are_unreadable_not_a_crash(seed: int, suffix: str) -> None:
    data = random.Random(seed).randbytes(3000)
    with pytest.raises(UnreadableError):
        read_document(Path(f"noise{suffix}"), data)


def test_pdf_metadata_title_only_inside_a_word_is_not_the_title() -> None:
    doc = _pdf_doc(
        _pdf(
            [[["Ashwick silo approved"], ["The board reported on Tuesday that it agreed."]]],
            title="Report",
            header=None,
        )
    )
    assert doc.title == "Ashwick silo approved"


# ---------------------------------------------------------------------------------------
# Word files
# ---------------------------------------------------------------------------------------


def _docx(build: Callable[[Any], None] | None = None, **props: object) -> bytes:
    document = docx.Document()
    if build is not None:
        build(document)
    for key, value in props.items():
        setattr(document.core_properties, key, value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _budget(document: Any) -> None:
    document.add_paragraph("Budget vote in Fellmouth")
    document.add_paragraph("The council voted 9 to 4 for the budget on Wednesday.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Item"
    table.cell(0, 1).text = "Cost"
    table.cell(1, 0).text = "Library roof"
    table.cell(1, 1).text = "£120,000"
    document.add_paragraph("")
    document.add_paragraph("It takes effect in April, treasurer Ilse Marrow said.")


def test_docx_paragraphs_and_table_rows_in_order() -> None:
    data = _docx(
        _budget,
        author="Corwin Asheby",
        title="Template 7",
        created=dt.datetime(2026, 3, 16, 9, 30),
    )
    doc = read_document(Path("budget.docx"), data)
    assert doc.kind == "docx"
    assert doc.text.split("\n\n") == [
        "Budget vote in Fellmouth",
        "The council voted 9 to 4 for the budget on Wednesday.",
        "Item | Cost",
        "Library roof | £120,000",
        "It takes effect in April, treasurer Ilse Marrow said.",
    ]
    assert doc.title == "Budget vote in Fellmouth"  # "Template 7" is not in the text
    assert doc.author == "Corwin Asheby"
    assert doc.published == "2026-03-16"


def test_docx_core_title_in_text_is_the_title() -> None:
    data = _docx(_budget, title="Library roof")
    assert read_document(Path("budget.docx"), data).title == "Library roof"


def test_docx_merged_cells_appear_once() -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Spending in Fellmouth")
        table = document.add_table(rows=1, cols=3)
        merged = table.cell(0, 0).merge(table.cell(0, 1))
        merged.text = "Harbour works"
        table.cell(0, 2).text = "£80,000"

    doc = read_document(Path("s.docx"), _docx(build))
    assert "Harbour works | £80,000" in doc.text.split("\n\n")


def test_docx_equal_adjacent_cells_both_kept() -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Spending in Fellmouth")
        table = document.add_table(rows=1, cols=3)
        for i, value in enumerate(["Library roof", "120,000", "120,000"]):
            table.cell(0, i).text = value

    doc = read_document(Path("s.docx"), _docx(build))
    assert "Library roof | 120,000 | 120,000" in doc.text.split("\n\n")


def test_docx_empty_document_is_unreadable() -> None:
    assert "no article text" in _unreadable_reason("empty.docx", _docx())


def test_docx_random_bytes_is_unreadable() -> None:
    assert "not a readable Word file" in _unreadable_reason(
        "noise.docx", random.Random(5).randbytes(2000)
    )
    # A zip that is not a Word package.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "Ashby")
    assert "not a readable Word file" in _unreadable_reason("zip.docx", buf.getvalue())


# ---------------------------------------------------------------------------------------
# read_document, kinds
# ---------------------------------------------------------------------------------------


def test_unknown_suffix_lists_readable_types() -> None:
    reason = _unreadable_reason("notes.rtf", b"{\\rtf1 Ashby}")
    for suffix in (".txt", ".md", ".html", ".htm", ".pdf", ".docx"):
        assert suffix in reason
    assert readable_types() in reason
    assert kind_of("no_suffix") is None
    assert kind_of("A.PDF") == "pdf" and kind_of("b.Md") == "text"


def test_url_argument_overrides_front_matter_url() -> None:
    src = b"---\nurl: https://valleycourier.example/fire\n---\nThe mill burned.\n"
    assert read_document(Path("a.txt"), src).url == "https://valleycourier.example/fire"
    doc = read_document(Path("a.txt"), src, url="https://archive.example/fire")
    assert doc.url == "https://archive.example/fire"


# ---------------------------------------------------------------------------------------
# common.py
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            dt.datetime(2026, 3, 14, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "2026-03-14",
        ),
        (dt.date(2026, 3, 14), "2026-03-14"),
        ("2026-03-14", "2026-03-14"),
        ("2026-03-14T09:30:00+01:00", "2026-03-14"),
        ("2026-03-14T23:30:00-08:00", "2026-03-14"),
        ("2026-03-14 09:30", "2026-03-14"),
        ("  2026-03-14  ", "2026-03-14"),
        ("March 16, 2026", "2026-03-16"),
        ("Mar 16, 2026", "2026-03-16"),
        ("16 March 2026", "2026-03-16"),
        ("16 Mar 2026", "2026-03-16"),
        ("2026/03/16", "2026-03-16"),
        ("16.03.2026", "2026-03-16"),
        ("2026-02-30", ""),
        ("2026-13-01", ""),
        ("February 30, 2026", ""),
        ("last Tuesday", ""),
        ("", ""),
        (None, ""),
        (20260314, ""),
    ],
)
def test_iso_date(value: object, expected: str) -> None:
    assert iso_date(value) == expected


def test_field_text_cleans_and_bounds() -> None:
    assert field_text("Jane\u200b Roe\x00\x07\u202e\n\t Smith\ufeff") == "Jane Roe Smith"
    assert field_text("  Odile   Fenwarren  ") == "Odile Fenwarren"
    assert field_text(None) == ""
    assert field_text(42) == "42"
    assert len(field_text("x" * 5000)) == MAX_FIELD


def test_title_of() -> None:
    assert title_of("\n\n## Flood warning for Ashby\nWater rose.") == "Flood warning for Ashby"
    assert title_of("\ufeffFirst line\r\nSecond") == "First line"
    assert title_of("Alpha\rBeta") == "Alpha"
    assert title_of("\u2028  \nGamma") == "Gamma"
    assert title_of("") == "" and title_of("\n \n") == ""
    long = title_of("word " * 400)
    assert len(long) <= MAX_TITLE + 1 and long.endswith("…")
    assert "wor…" not in long  # cut at a word


# ---------------------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------------------


def test_page_of_at_boundaries() -> None:
    doc = Document(text="x" * 40, title="t", kind="pdf", pages=(0, 10, 10, 25))
    assert doc.page_of(0) == 1
    assert doc.page_of(9) == 1
    assert doc.page_of(10) == 3  # page 2 is empty: its offset belongs to page 3
    assert doc.page_of(24) == 3
    assert doc.page_of(25) == 4
    assert doc.page_of(39) == 4
    assert Document(text="x", title="t", kind="text").page_of(0) is None


def test_to_json_from_json_round_trip() -> None:
    doc = Document(
        text="Ferry resumes.\n\nIt ran.",
        title="Ferry resumes.",
        kind="pdf",
        body_start=0,
        outlet="The Harrowgate Lantern",
        author="Odile Fenwarren",
        published="2026-03-14",
        url="https://lantern.example/ferry",
        pages=(0, 16),
    )
    data = doc.to_json()
    assert data["pages"] == [0, 16]
    assert Document.from_json(json.loads(json.dumps(data))) == doc


@pytest.mark.parametrize(
    "garbage",
    [
        {},
        {"text": "a", "title": "b"},
        {"text": "a", "title": "b", "kind": "html", "pages": ["x"]},
        {"text": "a", "title": "b", "kind": "html", "pages": 5},
        {"text": "a", "title": "b", "kind": "html", "body_start": None},
        "garbage",
        None,
        [1, 2, 3],
    ],
)
def test_from_json_garbage_raises_value_error(garbage: object) -> None:
    with pytest.raises(ValueError):
        Document.from_json(garbage)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# The cache of derived texts
# ---------------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry(folder: Path, sha: str) -> Path:
    return folder / sha[:2] / f"{sha}.json"


def test_cache_round_trip_from_disk(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    data = PAGE.encode()
    doc = _html(data)
    DocumentCache(folder).put(_sha(data), doc)
    assert _entry(folder, _sha(data)).is_file()
    fresh = DocumentCache(folder)
    assert fresh.get(_sha(data), "html") == doc
    assert DocumentCache(folder).get(_sha(data), "pdf") is None  # another kind
    assert DocumentCache(folder).get(_sha(b"other"), "html") is None


def test_cache_other_reader_version_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    data = PAGE.encode()
    sha = _sha(data)
    stale = replace(_html(data), text="Stale text from an older reader.")
    DocumentCache(folder).put(sha, stale)
    entry = _entry(folder, sha)
    payload = json.loads(entry.read_text(encoding="utf-8"))
    assert payload["version"] == READER_VERSION
    payload["version"] = READER_VERSION + "-old"
    entry.write_text(json.dumps(payload), encoding="utf-8")
    cache = DocumentCache(folder)
    assert cache.get(sha, "html") is None
    assert cache.document(Path("p.html"), data, sha) == _html(data)


def test_cache_corrupt_entry_ignored_and_derived_again(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    data = PAGE.encode()
    sha = _sha(data)
    entry = _entry(folder, sha)
    entry.parent.mkdir(parents=True)
    for corrupt in ['{"version": "', "[1, 2]", json.dumps({"version": READER_VERSION})]:
        entry.write_text(corrupt, encoding="utf-8")
        cache = DocumentCache(folder)
        assert cache.get(sha, "html") is None
        assert cache.document(Path("p.html"), data, sha) == _html(data)


def test_cache_stale_entry_is_replaced_by_the_fresh_derivation(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    data = PAGE.encode()
    sha = _sha(data)
    entry = _entry(folder, sha)
    entry.parent.mkdir(parents=True)
    entry.write_text("{not json", encoding="utf-8")
    DocumentCache(folder).document(Path("p.html"), data, sha)
    assert DocumentCache(folder).get(sha, "html") == _html(data)


def test_cache_in_memory_only(tmp_path: Path) -> None:
    cache = DocumentCache(None)
    data = PAGE.encode()
    doc = cache.document(Path("p.html"), data, _sha(data))
    assert cache.get(_sha(data), "html") == doc
    assert DocumentCache(None).get(_sha(data), "html") is None
    assert not any(tmp_path.rglob("*.json"))


def test_cache_bad_hash_never_reaches_disk(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    doc = Document(text="Ferry resumes.", title="Ferry resumes.", kind="html")
    DocumentCache(folder).put("../../escape", doc)
    assert not any(tmp_path.rglob("*.json"))
    assert DocumentCache(folder).get("../../escape", "html") is None


def test_cache_unwritable_folder_does_not_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    folder = tmp_path / "cache"
    data = PAGE.encode()
    cache = DocumentCache(folder)
    doc = cache.document(Path("p.html"), data, _sha(data))  # must not raise
    assert doc == _html(data)
    assert cache.get(_sha(data), "html") == doc  # kept in memory
    monkeypatch.undo()
    assert DocumentCache(folder).get(_sha(data), "html") is None
    assert not folder.exists()


def test_cache_folder_that_is_a_file_does_not_raise(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("Ashby", encoding="utf-8")
    data = PAGE.encode()
    doc = DocumentCache(blocker).document(Path("p.html"), data, _sha(data))
    assert doc.title == HEADLINE


def test_cache_document_applies_url_without_storing_it(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    data = PAGE.encode()
    sha = _sha(data)
    cache = DocumentCache(folder)
    doc = cache.document(Path("p.html"), data, sha, url="https://mirror.example/ferry")
    assert doc.url == "https://mirror.example/ferry"
    assert cache.get(sha, "html").url == "https://lantern.example/news/ferry"  # type: ignore[union-attr]
    assert "mirror.example" not in _entry(folder, sha).read_text(encoding="utf-8")
    again = DocumentCache(folder).document(Path("p.html"), data, sha, url="https://b.example/f")
    assert again.url == "https://b.example/f"
    assert DocumentCache(folder).document(Path("p.html"), data, sha).url == (
        "https://lantern.example/news/ferry"
    )


def test_cache_serves_the_stored_text(tmp_path: Path) -> None:
    """A derived kind is read from the cache, not derived again; a text file never is."""
    folder = tmp_path / "cache"
    data = PAGE.encode()
    sha = _sha(data)
    kept = replace(_html(data), text="Kept text of the ferry story.")
    DocumentCache(folder).put(sha, kept)
    assert DocumentCache(folder).document(Path("p.html"), data, sha) == kept
    src = b"The mill burned.\n"
    doc = DocumentCache(folder).document(Path("a.md"), src, _sha(src))
    assert doc.text == "The mill burned.\n"
    assert not _entry(folder, _sha(src)).exists()
