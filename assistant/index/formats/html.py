"""Saved web pages: the article's paragraphs by readability, its metadata by trafilatura.

Chosen by measurement on a generated pile of news pages of four templates
(``benchmarks/extractors.py``): readability-lxml (Apache-2.0) found every body sentence
on all four, including an old table layout where trafilatura took the navigation, the
"most read" list and the footer as text and reordered paragraphs written between
``<br><br>``; trafilatura (Apache-2.0) read the headline, byline, date and site name
right on all four, from meta tags and JSON-LD. So each does what it did best.

readability keeps the page's main content block; this module walks it into paragraphs:
a block element (``<p>``, ``<li>``, a heading, a cell) or two ``<br>`` in a row end a
paragraph, one ``<br>`` is a space, entities arrive decoded. A paragraph whose text is
mostly link text is navigation ("Read more: ..." under a story, a list of related
headlines), not article text, and is left out: link density is the classic signal of
boilerplate (as in boilerpipe and jusText), and it needs no word list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from assistant.index.formats import Document, UnreadableError
from assistant.index.formats.common import (
    assemble,
    field_text,
    iso_date,
    paragraph_text,
    quiet_library_logs,
    web_url,
)

# Elements that end a paragraph before and after them.
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "figure",
        "figcaption",
        "hr",
        "address",
        "details",
        "summary",
        "form",
        "fieldset",
        "center",
    ]
)
# Elements whose text is never article text (readability drops most; these are certain).
_SKIP = frozenset(
    ["script", "style", "noscript", "template", "button", "select", "option", "textarea", "svg"]
)
# Class or id words that mark an advertising slot or a cookie/consent notice, by the
# web's naming convention ("ad-slot", "ads_top", "cookie-banner", "gdpr-consent");
# matched as whole words of the name, so "header", "shadow" or "cookbook" never match.
_AD_WORDS = frozenset(
    [
        "ad", "ads", "advert", "adverts", "advertisement", "advertising", "sponsored",
        "cookie", "cookies", "consent", "gdpr",
    ]
)  # fmt: skip
_NAME_WORDS = re.compile(r"[a-z0-9]+")
# A paragraph with at least this share of its characters in links is navigation.
MAX_LINK_SHARE = 0.5
# Dates are read from the page's markup only (meta tags, JSON-LD, <time>), never guessed
# from any date in the text, and with a fixed latest date: htmldate's default is today,
# which would make the same page read differently on another day.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "max_date": "2100-12-31"}
_BREAK = object()  # a paragraph ends here
_LINE = object()  # a <br>: a space, or with the next one a paragraph break


def read_html(data: bytes) -> Document:
    """Read a saved web page.

    Raises:
        UnreadableError: No article text was found (a page of links, an empty page).
    """
    quiet_library_logs("trafilatura", "htmldate", "courlan", "justext", "readability")
    try:
        from readability import Document as Readable
        from trafilatura.metadata import extract_metadata
        from trafilatura.utils import load_html
    except ImportError as exc:  # lxml 6 moved lxml.html.clean out (see the stack notes)
        raise UnreadableError(f"the HTML reader cannot load ({exc})") from exc

    try:
        import lxml.html

        # Decoded once, by the page's own charset, and handed to both as text: the
        # metadata reader may prune the tree it is given, so readability gets a copy.
        tree = load_html(data)
        if tree is None:
            raise UnreadableError("not a web page (no HTML in it)")
        page = lxml.html.tostring(tree, encoding="unicode")
        meta = extract_metadata(tree, date_config=_DATE_PARAMS, extensive=False)
        main = Readable(page).summary(html_partial=True)
        body = lxml.html.fragment_fromstring(main, create_parent="div")
        # Walked inside the guard too: a pathologically nested page ends as this page's
        # one-line reason (RecursionError), not a traceback.
        paragraphs = [
            text for text, links in _paragraphs(body) if links < MAX_LINK_SHARE * len(text)
        ]
    except UnreadableError:
        raise
    except Exception as exc:  # a parser failure on a broken page is that page's problem
        raise UnreadableError(f"cannot parse this page ({type(exc).__name__})") from exc
    if not paragraphs:
        raise UnreadableError("no article text in it (only navigation or boilerplate)")
    title = field_text(getattr(meta, "title", None))
    return Document(
        text=assemble(title, paragraphs),
        title=title or paragraphs[0][:200],
        kind="html",
        outlet=field_text(getattr(meta, "sitename", None)),
        author=field_text(getattr(meta, "author", None)),
        published=iso_date(getattr(meta, "date", None)),
        url=web_url(getattr(meta, "url", None)),
    )


def _paragraphs(root: Any) -> Iterator[tuple[str, int]]:
    """Each paragraph's text and how many of its characters are link text."""
    pieces: list[tuple[str, bool]] = []
    lines = 0
    for event in _events(root, in_link=False):
        if event is _LINE:
            lines += 1
            if lines == 2:  # <br><br>: a paragraph break in pages without <p>
                yield from _flush(pieces)
            else:
                pieces.append((" ", False))
            continue
        if event is _BREAK:
            lines = 0
            yield from _flush(pieces)
            continue
        text, in_link = event
        if text.strip():
            lines = 0
        pieces.append((text, in_link))
    yield from _flush(pieces)


def _flush(pieces: list[tuple[str, bool]]) -> Iterator[tuple[str, int]]:
    text = paragraph_text("".join(t for t, _ in pieces))
    links = sum(len(paragraph_text(t)) for t, link in pieces if link)
    pieces.clear()
    if text:
        yield text, links


def _events(element: Any, in_link: bool) -> Iterator[Any]:
    """The element's text in order, as (text, in a link) pairs, with breaks between blocks."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP or _is_ad(element):
        return
    if tag == "br":
        yield _LINE
        return
    block = tag in _BLOCKS
    link = in_link or tag == "a"
    if block:
        yield _BREAK
    if element.text and tag:
        yield (element.text, link)
    for child in element:
        yield from _events(child, link)
        if child.tail:
            yield (child.tail, link)
    if block:
        yield _BREAK


def _is_ad(element: Any) -> bool:
    """Whether the element's class or id names it an advertising slot or a cookie notice."""
    name = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return not _AD_WORDS.isdisjoint(_NAME_WORDS.findall(name))
