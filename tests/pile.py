"""A generated "journalist's pile": mixed news material about one invented event.

    python -m tests.pile OUTDIR              # the pile: 4 web pages, 2 PDFs, 1 .docx, 2 text files
    python -m tests.pile OUTDIR --problems   # plus files that ingest must skip, with a reason

Everything here is invented: the town of Brennick, the Harlow Mills textile factory and
its owner Pellmont Textiles, the outlets, the people and every figure. The fire happens on
Saturday 14 March 2026 and the story runs to Tuesday 17 March. Sources disagree and the
figures move with the days, so both the attribution and the publication date matter:

======================  =========  ==================  ==========================
source                  date       deaths              injured
======================  =========  ==================  ==========================
police                  14 March   5, then 9           (hospital: 20 treated)
police                  15 March   12                  hospital 31, fire service 27
mayor Delia Fenwick     16 March   14
union (UMWF)            16 March   "at least 19"
police                  17 March   14                  hospital 31
======================  =========  ==================  ==========================

Each saved web page uses a different template and carries the clutter a real saved page
has (menus, a cookie banner, scripts, JSON-LD, most-read lists with casualty headlines,
a football score). :class:`PileFile` records, per file, sentences that must be found in
the extracted article text and boilerplate strings that must never be.

Output is deterministic: reportlab runs with ``invariant=1`` and a fixed creation date,
the .docx is re-zipped with fixed timestamps, and the encrypted PDF gets a fixed file ID.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import random
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["PileFile", "write_pile", "write_problem_files"]


@dataclass(frozen=True)
class PileFile:
    """One file of the pile and what an ingest must (and must not) get out of it.

    Compare ``body_sentences`` and ``boilerplate`` with extracted text after collapsing
    runs of whitespace (including no-break spaces) to one space: a sentence may be wrapped
    across lines in the source (plain text, PDF) or hold an ``&nbsp;``.

    Attributes:
        name: The file name inside the folder.
        kind: "html", "pdf", "docx" or "text".
        outlet: The publishing outlet or issuing organisation, if the file says.
        author: The byline or document author, if the file says.
        published: ISO date ("YYYY-MM-DD") the file was published, if it says.
        title: The headline or document title.
        url: The canonical address, if the file gives one.
        body_sentences: Sentences as a reader sees them (entities decoded, no markup,
            hyphenated line breaks joined) that must appear in the extracted text.
        boilerplate: Strings in the file that are not article text and must never be
            extracted as such (cookie banners, related headlines, scores, menus, JSON-LD,
            running page headers and footers).
    """

    name: str
    kind: str
    outlet: str | None
    author: str | None
    published: str | None
    title: str
    url: str | None
    body_sentences: tuple[str, ...]
    boilerplate: tuple[str, ...]


# ---------------------------------------------------------------------------------------
# Checks on the fixture itself: an edit that drops a sentence from a page, or lets a
# boilerplate string into the article, must fail here and not as a puzzling test failure.
# ---------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    # str.split() also splits on U+00A0, which is what &nbsp; decodes to.
    return " ".join(text.split())


def _visible(markup: str, *, tag: str = "") -> str:
    """The text of an HTML fragment with tags replaced by ``tag`` and entities decoded."""
    return _norm(html.unescape(re.sub(r"<[^>]+>", tag, markup)))


def _check(name: str, article: str, whole: str, pf: PileFile) -> None:
    article, whole = _norm(article), _norm(whole)
    for sentence in pf.body_sentences:
        if _norm(sentence) not in article:
            raise RuntimeError(f"pile: {name}: body sentence not in the article: {sentence!r}")
    for junk in pf.boilerplate:
        if _norm(junk) in article:
            raise RuntimeError(f"pile: {name}: boilerplate inside the article: {junk!r}")
        if _norm(junk) not in whole:
            raise RuntimeError(f"pile: {name}: boilerplate not in the file: {junk!r}")


# ---------------------------------------------------------------------------------------
# Web pages. Each page is a template with {{SLOTS}} (str.replace, so CSS and JS braces
# need no escaping) and a body made of article markup and _Aside blocks: clutter that
# sits inside the article container on real sites (ads, "Read more" links).
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Aside:
    markup: str


def _json_ld(data: Any, *, ascii_only: bool = False) -> str:
    return json.dumps(data, indent=2, ensure_ascii=ascii_only)


def _render(template: str, slots: dict[str, str], body: Sequence[str | _Aside]) -> tuple[str, str]:
    """The page and the visible text of its article paragraphs alone."""
    markup = "\n".join(b.markup if isinstance(b, _Aside) else b for b in body)
    page = template
    for key, value in {**slots, "BODY": markup}.items():
        page = page.replace("{{" + key + "}}", value)
    if "{{" in page:
        raise RuntimeError("pile: unfilled slot in a page template")
    article = " ".join(_visible(b) for b in body if isinstance(b, str))
    return page, article


def _whole_html(page: str) -> str:
    # Boilerplate may be visible text or sit inside <script> (JSON-LD): tags go, scripts stay.
    return _visible(page, tag=" ") + " " + page


# (a) The Brennick Courier: a classic <article> with <p>s, 15 March, everything present.

_COURIER_HEADLINE = "Harlow Mills fire: 12 dead as blaze guts Brennick textile factory"
_COURIER_URL = "https://brennickcourier.example/news/2026/03/15/harlow-mills-fire-twelve-dead"

_COURIER_TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{HEADLINE}} | The Brennick Courier</title>
<meta name="description" content="Police warn the toll may rise as search teams reach the upper
 floors of the four-storey mill on Quarry Road.">
<meta name="author" content="Owen Prask">
<meta property="og:type" content="article">
<meta property="og:title" content="{{HEADLINE}}">
<meta property="og:site_name" content="The Brennick Courier">
<meta property="og:url" content="{{URL}}">
<meta property="og:image" content="https://brennickcourier.example/img/2026/03/harlow-smoke.jpg">
<meta property="article:published_time" content="2026-03-15T07:12:00+00:00">
<meta property="article:modified_time" content="2026-03-15T18:40:00+00:00">
<meta property="article:section" content="News">
<link rel="canonical" href="{{URL}}">
<link rel="stylesheet" href="/static/css/courier.4f2a91.css">
<style>
.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#111;color:#fff;padding:1em}
.site-nav a{margin-right:1.2em}.most-read li{border-bottom:1px solid #ddd}
</style>
<script>
window.dataLayer = window.dataLayer || [];
window.dataLayer.push({'pageType': 'article', 'section': 'news', 'paywall': false});
</script>
<script async src="https://ads.brennickcourier.example/tag.js"></script>
<script type="application/ld+json">
{{JSONLD}}
</script>
</head>
<body class="article-page">
<div class="cookie-banner" role="dialog" aria-label="Cookie consent">
  <p>We use cookies to give you the best experience on our website and to show you relevant
  adverts. You can change your preferences at any time.</p>
  <button class="btn-accept">Accept all</button> <button class="btn-manage">Manage cookies</button>
</div>
<header class="masthead">
  <a class="logo" href="/">The Brennick Courier</a>
  <nav class="site-nav" aria-label="Main">
    <a href="/news/">News</a> <a href="/sport/">Sport</a> <a href="/whats-on/">What&rsquo;s On</a>
    <a href="/family-notices/">Family Notices</a> <a href="/jobs/">Jobs &amp; Careers</a>
    <a href="/subscribe/">Subscribe</a>
  </nav>
</header>
<div class="page">
<article class="story" itemscope itemtype="https://schema.org/NewsArticle">
  <header class="story-header">
    <ol class="breadcrumbs"><li><a href="/news/">News</a></li>
    <li><a href="/news/brennick/">Brennick</a></li></ol>
    <h1 class="story-title">{{HEADLINE}}</h1>
    <p class="standfirst">Police warn the toll may rise as search teams reach the upper floors of
    the four-storey mill on Quarry Road</p>
    <p class="byline">By <a rel="author" href="/authors/owen-prask/">Owen Prask</a>, Chief Reporter
    &middot; <time datetime="2026-03-15T07:12:00+00:00">15 March 2026, 7:12am</time></p>
  </header>
  <figure class="lead-image">
    <img src="/img/2026/03/harlow-smoke.jpg" alt="Smoke over Harlow Mills" width="1200"
    height="675">
    <figcaption>Smoke rises over Harlow Mills on Saturday afternoon. Photo: Courier
    reader</figcaption>
  </figure>
  <div class="story-body">
{{BODY}}
  </div>
  <div class="share-tools">Share this article: <a href="#">Facebook</a> <a href="#">X</a>
  <a href="#">Email</a></div>
</article>
<aside class="sidebar">
  <section class="most-read">
    <h2>Most read</h2>
    <ol>
      <li><a href="/news/2026/03/11/dunmore-cross-crash">Three killed in highway crash near Dunmore
      Cross</a></li>
      <li><a href="/news/2026/03/12/moor-lane-bus">Seven injured as bus overturns on Moor
      Lane</a></li>
      <li><a href="/news/2026/03/13/hensley-quarry-fall">Man, 41, dies after fall at Hensley
      quarry</a></li>
    </ol>
  </section>
  <section class="sport-box">
    <h2>Sport</h2>
    <p><a href="/sport/football/2026/03/14/united-corran">Brennick United lose 4-1 at home to Corran
    Athletic</a></p>
  </section>
  <section class="newsletter">
    <h2>Sign up to The Morning Courier</h2>
    <p>Get the day&rsquo;s top Brennick stories in your inbox every morning.</p>
    <form action="/newsletter/"><input type="email" placeholder="Your email">
    <button>Sign me up</button></form>
  </section>
</aside>
</div>
<footer class="site-footer">
  <nav><a href="/contact/">Contact us</a> <a href="/privacy/">Privacy policy</a>
  <a href="/terms/">Terms &amp; conditions</a></nav>
  <p>&copy; 2026 Brennick Courier Media Ltd. All rights reserved.</p>
</footer>
<script src="/static/js/courier.9c1e07.js"></script>
</body>
</html>
"""

_COURIER_BODY: tuple[str | _Aside, ...] = (
    """<p>Twelve people died when fire tore through the Harlow Mills textile factory in Brennick
    on Saturday afternoon, in the town&rsquo;s worst disaster in living memory.</p>""",
    """<p><strong>Police said 12 people died.</strong> Chief Superintendent Marcus Oyelaran told
    reporters outside the town hall on Sunday that officers were still working to identify the
    victims and that the toll <em>&ldquo;may yet rise&rdquo;</em> as search teams reached the
    upper floors.</p>""",
    """<p>The fire broke out shortly after 2.40pm on 14&nbsp;March in a storage area on the ground
    floor, where bales of cotton and polyester yarn were kept, and spread quickly up a central
    stairwell, according to the fire service.</p>""",
    """<p>St Aldric&rsquo;s General Hospital said it had treated 31 people, four of whom remained
    in a critical condition on Sunday night. The Brennick Fire &amp; Rescue Service put the number
    of injured at 27, a figure that a spokesperson said covered only those its crews had carried
    from the building.</p>""",
    """<p>Fire chief Ana Rudd said crews had faced &ldquo;extraordinary&rdquo; heat on the second
    floor. &ldquo;My firefighters went back in again and again,&rdquo; she said. &ldquo;Some of
    them are still at the scene and will be for days.&rdquo;</p>""",
    _Aside(
        """<p class="read-more"><strong>Read more:</strong> <a
    href="https://brennickcourier.example/news/2026/02/21/ravensholt-flat-fire">Two dead after
    flat fire in Ravensholt</a></p>"""
    ),
    """<p>About 160 people were working an overtime shift when the alarm sounded. <a
    href="https://pellmont.example/news">Pellmont Textiles</a>, which has owned the mill since
    2011, said in a statement that it was &ldquo;cooperating fully&rdquo; with the police and the
    fire service and that the site would stay closed until further notice.</p>""",
    """<p>Lena Dorsey, 34, a machinist who escaped from the first floor, said she heard shouting
    before she saw any smoke. &ldquo;We ran for the back stairs. Somebody had propped the door
    open, thank God,&rdquo; she said. &ldquo;I keep thinking about the girls
    upstairs.&rdquo;</p>""",
    """<p>Harlow Mills, built in 1898 beside the River Lisk, is one of Brennick&rsquo;s largest
    employers, with about 420 staff on its books. Many families in the town have worked there
    for three generations.</p>""",
    """<p>The council has opened a support centre at Brennick Leisure Centre on Mill Lane for
    relatives waiting for news. A vigil is planned for Monday evening in Market Square &mdash;
    the first, the mayor&rsquo;s office said, since the floods of 1987.</p>""",
)


def _courier() -> tuple[str, bytes, PileFile]:
    name = f"{_COURIER_HEADLINE.replace(':', '_')} _ The Brennick Courier.html"
    ld = [
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": _COURIER_HEADLINE,
            "datePublished": "2026-03-15T07:12:00+00:00",
            "dateModified": "2026-03-15T18:40:00+00:00",
            "author": [{"@type": "Person", "name": "Owen Prask"}],
            "publisher": {"@type": "Organization", "name": "The Brennick Courier"},
            "mainEntityOfPage": _COURIER_URL,
        },
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "News"},
                {"@type": "ListItem", "position": 2, "name": "Brennick"},
            ],
        },
    ]
    slots = {"HEADLINE": _COURIER_HEADLINE, "URL": _COURIER_URL, "JSONLD": _json_ld(ld)}
    page, article = _render(_COURIER_TEMPLATE, slots, _COURIER_BODY)
    pf = PileFile(
        name=name,
        kind="html",
        outlet="The Brennick Courier",
        author="Owen Prask",
        published="2026-03-15",
        title=_COURIER_HEADLINE,
        url=_COURIER_URL,
        body_sentences=(
            "Police said 12 people died.",
            "Chief Superintendent Marcus Oyelaran told reporters outside the town hall on Sunday"
            " that officers were still working to identify the victims and that the toll"
            " “may yet rise” as search teams reached the upper floors.",
            "The fire broke out shortly after 2.40pm on 14 March in a storage area on the ground"
            " floor, where bales of cotton and polyester yarn were kept, and spread quickly up a"
            " central stairwell, according to the fire service.",
            "St Aldric’s General Hospital said it had treated 31 people, four of whom remained in"
            " a critical condition on Sunday night.",
            "The Brennick Fire & Rescue Service put the number of injured at 27, a figure that a"
            " spokesperson said covered only those its crews had carried from the building.",
            "Fire chief Ana Rudd said crews had faced “extraordinary” heat on the second floor.",
            "Pellmont Textiles, which has owned the mill since 2011, said in a statement that it"
            " was “cooperating fully” with the police and the fire service and that the site"
            " would stay closed until further notice.",
            "A vigil is planned for Monday evening in Market Square — the first, the mayor’s"
            " office said, since the floods of 1987.",
        ),
        boilerplate=(
            "We use cookies to give you the best experience",
            "Accept all",
            "Family Notices",
            "Jobs & Careers",
            "Three killed in highway crash near Dunmore Cross",
            "Seven injured as bus overturns on Moor Lane",
            "Man, 41, dies after fall at Hensley quarry",
            "Two dead after flat fire in Ravensholt",
            "Brennick United lose 4-1 at home to Corran Athletic",
            "Sign up to The Morning Courier",
            "Brennick Courier Media Ltd",
            "Share this article",
            "window.dataLayer",
            "position:fixed",
            '"@type": "NewsArticle"',
            '"@context": "https://schema.org"',
        ),
    )
    _check(name, article, _whole_html(page), pf)
    return name, page.encode("utf-8"), pf


# (b) Wendmoor Standard: div soup (story-body__inner), 16 March. The byline is only in the
# JSON-LD; an ad slot and a related-stories box sit inside the story container.

_WENDMOOR_HEADLINE = "Brennick mill fire death toll rises to 14, mayor says"
_WENDMOOR_URL = "https://wendmoorstandard.example/news/uk-north-68112406"

_WENDMOOR_TEMPLATE = """<!doctype html>
<html class="no-js" lang="en">
<head>
<meta charset="UTF-8">
<title>{{HEADLINE}} - Wendmoor Standard</title>
<meta property="og:title" content="{{HEADLINE}}">
<meta property="og:site_name" content="Wendmoor Standard">
<meta property="og:type" content="article">
<meta property="og:url" content="{{URL}}">
<meta property="article:published_time" content="2026-03-16T09:30:00+00:00">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@WendmoorStd">
<link rel="canonical" href="{{URL}}">
<style>
body{font-family:Georgia,serif}.gdpr-bar{position:fixed;top:0;width:100%;z-index:9999}
.story-body__inner p{line-height:1.6}.ad-slot{min-height:250px;text-align:center}
</style>
<script>
(function(w,d){w.wsq=w.wsq||[];w.wsq.push(['init','WS-20931']);
var s=d.createElement('script');s.async=1;s.src='//metrics.wendmoorstandard.example/m.js';
d.head.appendChild(s);})(window,document);
</script>
<script type="application/ld+json">{{JSONLD}}</script>
</head>
<body>
<div class="gdpr-bar" id="gdpr">
  <div class="gdpr-bar__text">This site uses cookies. By continuing to browse you agree to our use
  of cookies for analytics and personalised advertising.</div>
  <div class="gdpr-bar__buttons"><a class="gdpr-accept" href="#">Accept all cookies</a>
  <a href="/cookies">Find out more</a></div>
</div>
<div class="orb-nav">
  <div class="orb-nav__inner">
    <ul class="orb-nav__list">
      <li><a href="/">Home</a></li><li><a href="/news">News</a></li>
      <li><a href="/news/court-and-crime">Court &amp; Crime</a></li>
      <li><a href="/planning-notices">Planning Notices</a></li><li><a href="/sport">Sport</a></li>
    </ul>
  </div>
</div>
<div id="page" class="container">
  <div class="column--primary">
    <div class="story-header">
      <h1 class="story-body__h1">{{HEADLINE}}</h1>
      <div class="date-line"><div class="date" data-seconds="1773653400">16 March 2026</div>
      <div class="comments-count"><a href="#comments">View 142 comments</a></div></div>
    </div>
    <div class="story-body">
      <div class="story-body__inner" property="articleBody">
{{BODY}}
      </div>
    </div>
    <div class="share-tools-footer"><h2>Share this story</h2> <a href="#">Email</a>
    <a href="#">Facebook</a> <a href="#">Messenger</a></div>
  </div>
  <div class="column--secondary">
    <div class="top-stories">
      <h2>Top Stories</h2>
      <div class="top-stories__item"><a href="/news/uk-north-68109952">Council confirms 200 job
      losses at Wendmoor depot</a></div>
      <div class="top-stories__item"><a href="/news/uk-north-68110017">Six taken to hospital after
      chemical leak at Orrin Park</a></div>
    </div>
    <div class="sport-results">
      <h3>Latest results</h3>
      <div class="score">Wendmoor Town 2-2 Kessford Rovers</div>
      <div class="score">Alderwick City 0-1 Corran Athletic</div>
    </div>
    <div class="newsletter-signup">
      <h3>Get the Standard Daily Briefing</h3>
      <p>The news you need, delivered free at 6am.</p>
      <input type="email"><button type="submit">Subscribe</button>
    </div>
  </div>
</div>
<div id="footer"><div class="footer__links"><a href="/about">About the Standard</a>
<a href="/privacy">Privacy</a></div>
<div class="footer__copyright">Copyright &copy; 2026 Wendmoor Standard Newspapers. The Standard is
not responsible for the content of external sites.</div></div>
</body>
</html>
"""

_WENDMOOR_BODY: tuple[str | _Aside, ...] = (
    """<p class="story-body__introduction">The number of people killed in Saturday&rsquo;s fire at
      the Harlow Mills textile factory in Brennick has risen to 14, the mayor said on Monday, two
      more than the figure confirmed by police.</p>""",
    """<p>Mayor Delia Fenwick told a packed council chamber that two workers taken to St
      Aldric&rsquo;s General Hospital had died overnight. &ldquo;Fourteen families in this town are
      grieving today,&rdquo; she said. &ldquo;Every one of them deserves answers.&rdquo;</p>""",
    """<p>Brennick Police Service said it was aware of the mayor&rsquo;s remarks but that its
      confirmed figure remained 12 until formal identification was complete. &ldquo;We will not
      publish a number we cannot stand behind,&rdquo; a police spokesperson said.</p>""",
    _Aside(
        """<div class="ad-slot ad-slot--mpu" id="dfp-mpu-1"><span class="ad-label">Advertisement
      </span><div class="ad-continue">Story continues below advertisement</div></div>"""
    ),
    """<p>The United Mill Workers&rsquo; Federation went further. At least 19 people died in the
      fire, according to the union, which says several agency workers were not on the
      company&rsquo;s shift list and have not been seen since Saturday.</p>""",
    """<p>Tomasz Kerrigan, the federation&rsquo;s regional secretary, said families had given the
      union the names of five people who were working on the second floor. &ldquo;These are not
      rumours. These are our members&rsquo; cousins and neighbours,&rdquo; he said.</p>""",
    """<h2 class="story-body__crosshead">Locked door claims</h2>""",
    """<p>Questions are also mounting over the building&rsquo;s fire exits. Two survivors told the
      <em>Standard</em> that a door on the second floor was locked when they reached it. Pellmont
      Textiles, which owns the mill, said all exits had been &ldquo;checked and operational&rdquo;
      at an inspection in November.</p>""",
    """<p>St Aldric&rsquo;s said on Monday that 31 people had been treated for burns and smoke
      inhalation since Saturday, three of them still in a critical condition. The fire service
      has put the number of injured at 27.</p>""",
    _Aside(
        """<div class="story-body__related"><h3>More on this story</h3><ul class="related-links">
      <li><a href="/news/uk-north-68101234">Harlow Mills: The town that cotton built</a></li>
      <li><a href="/news/uk-north-68098811">Four hurt in Wendmoor warehouse roof collapse</a></li>
      </ul></div>"""
    ),
    """<p>A vigil is to be held in Market Square at 7pm on Monday. Brennick Town Hall will open a
      book of condolence on Tuesday&nbsp;morning.</p>""",
)


def _wendmoor() -> tuple[str, bytes, PileFile]:
    name = "brennick-mill-fire-death-toll-rises.html"
    ld = {
        "@context": "http://schema.org",
        "@type": "NewsArticle",
        "headline": _WENDMOOR_HEADLINE,
        "datePublished": "2026-03-16T09:30:00+00:00",
        "author": {"@type": "Person", "name": "Mirela Hastings"},
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": "Wendmoor Standard",
            "logo": {"@type": "ImageObject", "url": "https://wendmoorstandard.example/logo.png"},
        },
        "url": _WENDMOOR_URL,
    }
    slots = {"HEADLINE": _WENDMOOR_HEADLINE, "URL": _WENDMOOR_URL, "JSONLD": _json_ld(ld)}
    page, article = _render(_WENDMOOR_TEMPLATE, slots, _WENDMOOR_BODY)
    pf = PileFile(
        name=name,
        kind="html",
        outlet="Wendmoor Standard",
        author="Mirela Hastings",
        published="2026-03-16",
        title=_WENDMOOR_HEADLINE,
        url=_WENDMOOR_URL,
        body_sentences=(
            "The number of people killed in Saturday’s fire at the Harlow Mills textile factory"
            " in Brennick has risen to 14, the mayor said on Monday, two more than the figure"
            " confirmed by police.",
            "“We will not publish a number we cannot stand behind,” a police spokesperson said.",
            "At least 19 people died in the fire, according to the union, which says several"
            " agency workers were not on the company’s shift list and have not been seen since"
            " Saturday.",
            "Two survivors told the Standard that a door on the second floor was locked when they"
            " reached it.",
            "The fire service has put the number of injured at 27.",
            "Brennick Town Hall will open a book of condolence on Tuesday morning.",
        ),
        boilerplate=(
            "This site uses cookies.",
            "Accept all cookies",
            "Court & Crime",
            "Planning Notices",
            "View 142 comments",
            "Story continues below advertisement",
            "Four hurt in Wendmoor warehouse roof collapse",
            "Six taken to hospital after chemical leak at Orrin Park",
            "Council confirms 200 job losses at Wendmoor depot",
            "Wendmoor Town 2-2 Kessford Rovers",
            "Get the Standard Daily Briefing",
            "Share this story",
            "Wendmoor Standard Newspapers",
            "metrics.wendmoorstandard.example",
            '"@type": "NewsArticle"',
        ),
    )
    _check(name, article, _whole_html(page), pf)
    return name, page.encode("utf-8"), pf


# (c) Eastreach Live: a <main> with a figure and a live-updates timeline (<time>), 14 March,
# the day of the fire, so its figures are the earliest and lowest. No og:site_name: the
# publisher is only in the JSON-LD.

_EASTREACH_HEADLINE = "Brennick factory fire: live updates as crews battle blaze at Harlow Mills"
_EASTREACH_URL = "https://eastreach.example/live/brennick-harlow-mills-fire"

_EASTREACH_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{HEADLINE}}</title>
<meta name="author" content="Nadia Ferrow">
<meta property="og:title" content="{{HEADLINE}}">
<meta property="og:type" content="article">
<meta property="og:url" content="{{URL}}">
<meta property="article:published_time" content="2026-03-14T15:05:00+00:00">
<meta property="article:modified_time" content="2026-03-14T22:45:00+00:00">
<link rel="canonical" href="{{URL}}">
<style>
:root{--accent:#c00}.live-badge{background:var(--accent);color:#fff}
.consent{position:fixed;inset:auto 0 0 0}.timeline time{font-weight:700}
</style>
<script type="application/ld+json">
{{JSONLD}}
</script>
<script>
  document.documentElement.classList.add('js');
  window.__LIVE__ = {pollMs: 30000, lastId: 'update-2245'};
</script>
</head>
<body>
<div class="consent" id="consent">
  <h2>Your privacy</h2>
  <p>We and our partners use cookies to personalise content and ads and to analyse our
  traffic.</p>
  <button id="consent-accept">Accept all</button> <button id="consent-reject">Reject all</button>
</div>
<header class="top">
  <a href="/" class="brand">Eastreach<span>Live</span></a>
  <nav aria-label="Sections"><ul>
    <li><a href="/news">News</a></li><li><a href="/traffic-travel">Traffic &amp; Travel</a></li>
    <li><a href="/weather">Weather</a></li><li><a href="/sport">Sport</a></li>
    <li><a href="/in-your-area">In Your Area</a></li>
  </ul></nav>
</header>
<main id="content">
  <header class="live-header">
    <span class="live-badge">LIVE</span>
    <h1>{{HEADLINE}}</h1>
    <p class="standfirst">Residents told to keep windows closed as thick smoke drifts across the
    town centre</p>
  </header>
  <figure class="hero">
    <img src="https://eastreach.example/media/harlow-mills-1.jpg" alt="Fire engines on Quarry Road">
    <figcaption>Fire engines on Quarry Road on Saturday afternoon <small>Photograph: Eastreach
    Live</small></figcaption>
  </figure>
  <section class="key-points">
    <h2>Summary</h2>
    <ul>
      <li>Fire broke out at Harlow Mills on Quarry Road shortly after 14:40</li>
      <li>Police have confirmed that nine people have died</li>
      <li>St Aldric&rsquo;s General Hospital is treating at least 20 people</li>
    </ul>
  </section>
  <div class="live-controls"><button>Show key events only</button>
  <span>Please turn on JavaScript for the latest updates</span></div>
  <div class="timeline">
{{BODY}}
  </div>
</main>
<aside class="rail">
  <section><h2>Most read</h2><ol>
    <li><a href="/news/teenager-dies-eastreach-river">Teenager dies after getting into difficulty in
    Eastreach river</a></li>
    <li><a href="/news/dunmore-cross-crash">Three killed in highway crash near Dunmore
    Cross</a></li>
  </ol></section>
  <section class="sport"><h2>Sport</h2><p>Eastreach Harriers win 3-0 away at Dunmore</p></section>
  <section class="newsletter"><p>Get breaking news alerts from Eastreach Live straight to your
  inbox.</p><a href="/newsletters">Sign up</a></section>
</aside>
<footer><p>Eastreach Live is part of Corran Valley Media. &copy; 2026</p>
<p><a href="/privacy">Privacy notice</a> | <a href="/complaints">Complaints</a></p></footer>
</body>
</html>
"""

_EASTREACH_BODY: tuple[str | _Aside, ...] = (
    """<article class="live-post" id="update-2245">
      <time datetime="2026-03-14T22:45:00+00:00">22:45</time>
      <h3>Death toll rises to nine</h3>
      <p>Police said nine people had died and warned that the figure was likely to rise once
      crews could search the upper floors safely.</p>
      <p>A spokesperson for St Aldric&rsquo;s General Hospital said it was treating 20 people, six
      of them for serious burns.</p>
    </article>""",
    """<article class="live-post" id="update-2110">
      <time datetime="2026-03-14T21:10:00+00:00">21:10</time>
      <h3>Fire chief: blaze &lsquo;contained but not out&rsquo;</h3>
      <p>Fire chief Ana Rudd said the fire was contained but not out. &ldquo;We will be here
      through the night,&rdquo; she told <em>Eastreach Live</em> at the cordon on Quarry Road.</p>
    </article>""",
    _Aside(
        """<div class="live-ad"><span>Advertisement</span><p>Shop the spring sale at Marlow
      &amp; Finch &ndash; up to 50% off</p></div>"""
    ),
    """<article class="live-post" id="update-1910">
      <time datetime="2026-03-14T19:10:00+00:00">19:10</time>
      <h3>Police confirm five deaths</h3>
      <p>Brennick Police Service has confirmed that five people have died. Officers have set up a
      reception point for relatives at Brennick Leisure Centre on Mill Lane.</p>
    </article>""",
    """<article class="live-post" id="update-1730">
      <time datetime="2026-03-14T17:30:00+00:00">17:30</time>
      <h3>Roads closed</h3>
      <p>Quarry Road and its junction with Tanner&rsquo;s Row are closed in both directions. Bus
      routes 4 and 11 are being diverted via Station Road.</p>
    </article>""",
    """<article class="live-post" id="update-1620">
      <time datetime="2026-03-14T16:20:00+00:00">16:20</time>
      <h3>&lsquo;By the time the bell went, you could taste it&rsquo;</h3>
      <p>Ravi Sandhu, who works in the packing hall, said the alarm sounded only after the smoke
      had reached his end of the building. &ldquo;By the time the bell went, you could already
      taste it,&rdquo; he said. &ldquo;We just ran.&rdquo;</p>
    </article>""",
    """<article class="live-post" id="update-1505">
      <time datetime="2026-03-14T15:05:00+00:00">15:05</time>
      <h3>Large fire at Harlow Mills</h3>
      <p>Eleven fire engines have been sent to a large fire at the Harlow Mills textile factory on
      Quarry Road, Brennick Fire &amp; Rescue Service said. People living nearby are being asked
      to keep their windows and doors closed.</p>
    </article>""",
)


def _eastreach() -> tuple[str, bytes, PileFile]:
    name = "Live_ Brennick factory fire - Eastreach Live.html"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": _EASTREACH_HEADLINE,
        "datePublished": "2026-03-14T15:05:00+00:00",
        "dateModified": "2026-03-14T22:45:00+00:00",
        "author": {"@type": "Person", "name": "Nadia Ferrow"},
        "publisher": {"@type": "Organization", "name": "Eastreach Live"},
    }
    slots = {"HEADLINE": _EASTREACH_HEADLINE, "URL": _EASTREACH_URL, "JSONLD": _json_ld(ld)}
    page, article = _render(_EASTREACH_TEMPLATE, slots, _EASTREACH_BODY)
    pf = PileFile(
        name=name,
        kind="html",
        outlet="Eastreach Live",
        author="Nadia Ferrow",
        published="2026-03-14",
        title=_EASTREACH_HEADLINE,
        url=_EASTREACH_URL,
        body_sentences=(
            "Police said nine people had died and warned that the figure was likely to rise once"
            " crews could search the upper floors safely.",
            "A spokesperson for St Aldric’s General Hospital said it was treating 20 people, six"
            " of them for serious burns.",
            "Fire chief Ana Rudd said the fire was contained but not out.",
            "Brennick Police Service has confirmed that five people have died.",
            "“By the time the bell went, you could already taste it,” he said.",
            "Eleven fire engines have been sent to a large fire at the Harlow Mills textile"
            " factory on Quarry Road, Brennick Fire & Rescue Service said.",
        ),
        boilerplate=(
            "We and our partners use cookies",
            "Reject all",
            "Traffic & Travel",
            "In Your Area",
            "Show key events only",
            "Please turn on JavaScript for the latest updates",
            "Shop the spring sale at Marlow & Finch",
            "Teenager dies after getting into difficulty in Eastreach river",
            "Three killed in highway crash near Dunmore Cross",
            "Eastreach Harriers win 3-0 away at Dunmore",
            "Get breaking news alerts",
            "Corran Valley Media",
            "window.__LIVE__",
            '"@type": "NewsArticle"',
        ),
    )
    _check(name, article, _whole_html(page), pf)
    return name, page.encode("utf-8"), pf


# (d) Kessford Gazette: an old table layout in windows-1252 (.htm), 17 March. The date is
# only in article:published_time (not in the JSON-LD, not on the page); part of the story
# is separated by <br><br> instead of <p>, as old CMSs did.

_KESSFORD_HEADLINE = "Union says at least 19 died in Harlow Mills fire as police raise toll to 14"
_KESSFORD_URL = "https://kessfordgazette.example/news/story.asp?id=48817"

_KESSFORD_TEMPLATE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>Kessford Gazette - {{HEADLINE}}</title>
<meta name="author" content="Peter Quillan">
<meta name="keywords" content="Brennick, Harlow Mills, fire, union, police">
<meta property="og:title" content="{{HEADLINE}}">
<meta property="og:site_name" content="Kessford Gazette">
<meta property="article:published_time" content="2026-03-17T06:00:00+00:00">
<script type="application/ld+json">
{{JSONLD}}
</script>
<script type="text/javascript" src="/js/jquery-1.4.2.min.js"></script>
<script type="text/javascript">
$(document).ready(function(){ $('#cookiemsg .ok').click(function(){ $('#cookiemsg').hide(); }); });
var gaq = gaq || []; gaq.push(['_setAccount', 'KG-118204-1']); gaq.push(['_trackPageview']);
</script>
<style type="text/css">
td.storytext { font-family: Verdana, Arial; font-size: 12px; }
.leftnav a { display: block; color: #003366; } #cookiemsg { background: #ffffcc; }
</style>
</head>
<body bgcolor="#ffffff" topmargin="0" leftmargin="0">
<div id="cookiemsg">This website uses cookies to improve your experience. Continue browsing if
you are happy with this. <a href="#" class="ok">Accept all</a></div>
<table width="980" cellpadding="0" cellspacing="0" border="0" align="center">
<tr><td colspan="3" class="masthead"><a href="/"><img src="/img/kg_logo.gif" alt="Kessford Gazette"
width="400" height="80" border="0"></a></td></tr>
<tr>
<td width="160" valign="top" class="leftnav">
<a href="/">Home</a><a href="/news/">News</a><a href="/sport/">Sport</a>
<a href="/motors/">Motors Direct</a><a href="/homes/">Gazette Homes</a>
<a href="/announcements/">Births, Marriages &amp; Deaths</a><a href="/archive/">Archive</a>
</td>
<td width="600" valign="top" class="storycol">
<table width="100%" cellpadding="8" cellspacing="0" border="0">
<tr><td><font face="Georgia" size="5"><b><h1>{{HEADLINE}}</h1></b></font></td></tr>
<tr><td><font size="1" color="#666666">by Peter Quillan, Chief Reporter</font></td></tr>
<tr><td class="storytext"><font face="Verdana" size="2">
{{BODY}}
</font></td></tr>
<tr><td><font size="1"><a href="/print.asp?id=48817">Printer friendly</a> |
<a href="/email.asp?id=48817">Email to a friend</a></font></td></tr>
</table>
</td>
<td width="220" valign="top" class="rightcol">
<table width="100%" cellpadding="4" cellspacing="0" border="1" bordercolor="#cccccc">
<tr><td bgcolor="#003366"><font color="#ffffff"><b>Most Read</b></font></td></tr>
<tr><td><a href="/news/story.asp?id=48790">Kessford pensioner, 88, dies in house fire</a></td></tr>
<tr><td><a href="/news/story.asp?id=48801">Five injured in Bridge Street crash</a></td></tr>
<tr><td><a href="/news/story.asp?id=48809">Plans for 300 homes on Carr Farm approved</a></td></tr>
</table>
<br>
<table width="100%" cellpadding="4" cellspacing="0" border="1" bordercolor="#cccccc">
<tr><td bgcolor="#006633"><font color="#ffffff"><b>Sport</b></font></td></tr>
<tr><td>Kessford Rovers 1-3 Alderwick City</td></tr>
<tr><td><a href="/newsletter/">Sign up for the Gazette e-bulletin</a></td></tr>
</table>
</td>
</tr>
<tr><td colspan="3" align="center"><font size="1">&copy; 2003-2026 Kessford Gazette Ltd,
Market Street, Kessford. Part of the Corran Valley Media group.</font></td></tr>
</table>
</body>
</html>
"""

# Raw ’ “ ” and é here (no entities): they are encoded as single windows-1252 bytes.
_KESSFORD_BODY: tuple[str | _Aside, ...] = (
    """<p><b>Police investigating Saturday’s fire at Harlow Mills in Brennick raised the confirmed
death toll to 14 on Tuesday, but a workers’ union insists the true figure is at least
19.</b></p>""",
    """<p>Chief Superintendent Marcus Oyelaran said two more victims had been formally identified
overnight. &quot;Fourteen people lost their lives. I am sorry that it has taken us this long to be
certain,&quot; he said at a briefing on Tuesday morning.</p>""",
    """<p>According to the United Mill Workers’ Federation, at least five agency staff who were
working on the second floor on Saturday remain unaccounted for. The union has published a list of
first names and asked anyone with information to come forward.</p>""",
    """Pellmont Textiles, which owns the factory, disputes the union’s figure. In a statement, chief
executive Simone Achterberg said every person on the shift had been “accounted for by name”, and
that agency workers signed in at the same gate as permanent staff.
<br><br>
St Aldric’s General Hospital said 31 people had been treated since the fire, and that three
remained in a critical condition. Fire chief Ana Rudd, who has been at the scene since Saturday,
said the fire service’s own count of 27 injured referred only to people rescued by its crews and
should not be read as a contradiction.
<br><br>
The town’s mayor, Delia Fenwick, who on Monday put the toll at 14 before police had confirmed it,
said she had been &quot;given the names by families&quot; and had &quot;no wish to get ahead of
anyone&quot;.
<br><br>""",
    """<p>The Industrial Safety Board has opened an inquiry into the fire, including claims that a
second-floor exit was locked. Renée Castillo, who leads the board’s northern team, said
inspectors would examine the building &amp; its records &quot;line by line&quot;.</p>""",
    """<p>Crews from Kessford were among the 11 engines sent to Brennick on Saturday, and two
Kessford firefighters were treated for heat exhaustion.</p>""",
)


def _kessford() -> tuple[str, bytes, PileFile]:
    name = "story.asp_id=48817.htm"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": _KESSFORD_HEADLINE,
        "author": {"@type": "Person", "name": "Peter Quillan"},
        "publisher": {"@type": "Organization", "name": "Kessford Gazette"},
    }
    slots = {
        "HEADLINE": _KESSFORD_HEADLINE,
        "JSONLD": _json_ld(ld, ascii_only=True),
    }
    page, article = _render(_KESSFORD_TEMPLATE, slots, _KESSFORD_BODY)
    pf = PileFile(
        name=name,
        kind="html",
        outlet="Kessford Gazette",
        author="Peter Quillan",
        published="2026-03-17",
        title=_KESSFORD_HEADLINE,
        url=None,  # the page names no canonical address: it was saved from an .asp script
        body_sentences=(
            "Police investigating Saturday’s fire at Harlow Mills in Brennick raised the"
            " confirmed death toll to 14 on Tuesday, but a workers’ union insists the true"
            " figure is at least 19.",
            "According to the United Mill Workers’ Federation, at least five agency staff who"
            " were working on the second floor on Saturday remain unaccounted for.",
            "In a statement, chief executive Simone Achterberg said every person on the shift had"
            " been “accounted for by name”, and that agency workers signed in at the same gate"
            " as permanent staff.",
            "Fire chief Ana Rudd, who has been at the scene since Saturday, said the fire"
            " service’s own count of 27 injured referred only to people rescued by its crews and"
            " should not be read as a contradiction.",
            "Renée Castillo, who leads the board’s northern team, said inspectors would examine"
            ' the building & its records "line by line".',
        ),
        boilerplate=(
            "This website uses cookies",
            "Motors Direct",
            "Births, Marriages & Deaths",
            "Kessford pensioner, 88, dies in house fire",
            "Five injured in Bridge Street crash",
            "Kessford Rovers 1-3 Alderwick City",
            "Sign up for the Gazette e-bulletin",
            "Printer friendly",
            "Email to a friend",
            "Kessford Gazette Ltd",
            "gaq.push",
            '"@type": "NewsArticle"',
        ),
    )
    _check(name, article, _whole_html(page), pf)
    return name, page.encode("cp1252"), pf


# ---------------------------------------------------------------------------------------
# PDFs. The police release is laid out line by line on a canvas (not platypus) so that a
# soft hyphen can be honoured: where a marked word does not fit, it is split as "investi-"
# / "gation", the way print layouts hyphenate. Extractors then see the hyphen and the
# line break; body_sentences hold the joined word.
# ---------------------------------------------------------------------------------------

_SHY = "\u00ad"
_A4 = (595.2756, 841.8898)


def _pdf_date(stamp: str) -> Callable[..., str]:
    # invariant=1 pins reportlab's clock to 2000-01-01; this replaces that with our date.
    return lambda *_args: stamp


def _wrap(text: str, font: str, size: float, width: float) -> tuple[list[str], int]:
    """Greedy line breaking that may split a word at a soft hyphen.

    Returns:
        The lines (soft hyphens removed) and how many words were hyphenated.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def fits(s: str) -> bool:
        return stringWidth(s.replace(_SHY, ""), font, size) <= width

    lines: list[str] = []
    line = ""
    hyphenated = 0
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if fits(trial):
            line = trial
            continue
        parts = word.split(_SHY)
        for i in range(len(parts) - 1, 0, -1):
            head = "".join(parts[:i]) + "-"
            if fits(f"{line} {head}"):
                lines.append(f"{line} {head}")
                line = _SHY.join(parts[i:])
                hyphenated += 1
                break
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return [ln.replace(_SHY, "") for ln in lines], hyphenated


_POLICE_TITLE = "Update: fire at Harlow Mills, Quarry Road, Brennick"

_POLICE_PARAGRAPHS = (
    "Brennick Police Service can confirm that 12 people have died in the fire at"
    " Harlow Mills, Quarry Road, on Saturday 14 March 2026. This figure replaces the figure of"
    " nine given at the scene on Saturday evening.",
    "Chief Superintendent Marcus Oyelaran, who is leading the police response, said: “This is a"
    " devastating day for Brennick. Our thoughts are with everyone who has lost someone they"
    " love, and with the people who are still in hospital. Specially trained officers are"
    " supporting the families of those who died, and we ask that their privacy is respected.”",
    "Officers are working with the Brennick District Coroner to identify those who died and to"
    " inform their next of kin. Names will not be released until formal identification is"
    " complete and every family has been told. We understand that this is a difficult wait for"
    " many people in the town, and we are grateful for their patience.",
    "The cause of the fire is now the subject of a formal joint police and fire service"
    " investi\u00adgation, which began this morning. At this stage there is nothing to suggest that"
    " the fire was started deliberately, but we are keeping an open mind and will follow the"
    " evidence wherever it leads. Specialist fire investigators began work at the site this"
    " morning and are expected to remain there for several days.",
    "St Aldric’s General Hospital has told us that 31 people were treated for injuries,"
    " including burns and the effects of smoke, and that four remain in a critical condition."
    " Brennick Fire and Rescue Service crews rescued 27 people from the building.",
    "We are aware of higher figures circulating on social media. The number of deaths given"
    " above is the number confirmed by police at the time of this release, and it will be"
    " updated as soon as further deaths are confirmed.",
    "Quarry Road remains closed between Tanner’s Row and Station Road, and a cordon will stay in"
    " place around the site while the search and the investigation continue. We ask people not"
    " to travel to the area.",
    "Anyone with information, photographs or video from the area of Quarry Road between 14:00"
    " and 15:30 on Saturday is asked to call the incident line on 01632 960418, quoting"
    " incident 1442 of 14 March.",
)

_POLICE_NOTES = (
    "A reception centre for families remains open at Brennick Leisure Centre, Mill Lane.",
    "The next update will be issued at 16:00 on Monday 16 March 2026.",
    "Media enquiries: press.office@brennickpolice.example",
)


_POLICE_ACROSS_PAGES = (
    "The number of deaths given above is the number confirmed by police at the time of this"
    " release, and it will be updated as soon as further deaths are confirmed."
)


def _police_pdf() -> tuple[str, bytes, PileFile]:
    from reportlab.pdfgen.canvas import Canvas

    name = "BPS-press-release-2026-03-15.pdf"
    width, height = _A4
    left, right, top, bottom = 72.0, 72.0, 96.0, 84.0
    letterhead = 158.0  # page 1 only; sized so that a sentence runs onto page 2
    body_font, body_size, leading = "Helvetica", 11.5, 18.0
    measure = width - left - right

    # Lay the text out first, so that the footer can say "Page n of N".
    items: list[tuple[str, float, str, float]] = []  # (font, size, text, space before)
    items.append(("Helvetica-Bold", 16.0, _POLICE_TITLE, 0.0))
    items.append(
        ("Helvetica", 9.5, "Issued: Sunday 15 March 2026, 11:00  |  Ref. BPS/PR/0315/01", 6)
    )
    hyphenated = 0
    for para in _POLICE_PARAGRAPHS:
        lines, n = _wrap(para, body_font, body_size, measure)
        hyphenated += n
        items.extend(
            (body_font, body_size, ln, 12.0 if i == 0 else 0.0) for i, ln in enumerate(lines)
        )
    items.append(("Helvetica-Bold", 12.0, "Notes to editors", 18.0))
    for note in _POLICE_NOTES:
        lines = _wrap(note, body_font, body_size, measure)[0]
        items.extend((body_font, body_size, ln, 4.0) for ln in lines)
    if hyphenated == 0:
        raise RuntimeError("pile: the police release no longer hyphenates a word at a line end")

    pages: list[list[tuple[str, float, str, float]]] = [[]]
    y = height - top - letterhead
    for font, size, text, before in items:
        y -= before + (leading if size <= body_size else size + 6)
        if y < bottom:
            pages.append([])
            y = height - top - leading
        pages[-1].append((font, size, text, y))
    page_texts = [_norm(" ".join(text for _, _, text, _ in page)) for page in pages]
    if len(pages) != 2 or any(_POLICE_ACROSS_PAGES in t for t in page_texts):
        raise RuntimeError("pile: the police release no longer runs a sentence onto page 2")

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=_A4, invariant=1, pageCompression=0)
    canvas.setTitle(_POLICE_TITLE)
    canvas.setAuthor("Brennick Police Service Press Office")
    canvas.setSubject("Press release BPS/PR/0315/01")
    canvas.setCreator("BPS Press Release Template 3.2")
    canvas.setDateFormatter(_pdf_date("D:20260315110000+00'00'"))
    for number, page in enumerate(pages, start=1):
        # Running header and footer, as the force's template prints them on every page.
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(left, height - 48, "BRENNICK POLICE SERVICE – PRESS OFFICE")
        canvas.drawRightString(width - right, height - 48, "OFFICIAL – FOR PUBLICATION")
        canvas.line(left, height - 54, width - right, height - 54)
        canvas.setFont("Helvetica", 8.5)
        canvas.drawCentredString(width / 2, 48, f"Page {number} of {len(pages)}")
        if number == 1:
            # Letterhead: a crest placeholder, the address block and a banner.
            canvas.rect(left, height - 150, 70, 80, stroke=1, fill=0)
            canvas.setFont("Helvetica-Bold", 14)
            canvas.drawString(left + 86, height - 88, "Brennick Police Service")
            canvas.setFont("Helvetica", 9)
            canvas.drawString(
                left + 86, height - 104, "Headquarters, Castle Street, Brennick BR1 2AA"
            )
            canvas.drawString(left + 86, height - 117, "01632 960000  ·  brennickpolice.example")
            canvas.setFont("Helvetica-Bold", 11)
            canvas.drawString(left + 86, height - 144, "PRESS RELEASE  ·  For immediate release")
        for font, size, text, ypos in page:
            canvas.setFont(font, size)
            canvas.drawString(left, ypos, text)
        canvas.showPage()
    canvas.save()

    pf = PileFile(
        name=name,
        kind="pdf",
        outlet="Brennick Police Service",
        author="Brennick Police Service Press Office",
        published="2026-03-15",
        title=_POLICE_TITLE,
        url=None,
        body_sentences=(
            "Brennick Police Service can confirm that 12 people have died in the fire"
            " at Harlow Mills, Quarry Road, on Saturday 14 March 2026.",
            "This figure replaces the figure of nine given at the scene on Saturday evening.",
            # Printed as "investi-" / "gation" across a line break.
            "The cause of the fire is now the subject of a formal joint police and fire service"
            " investigation, which began this morning.",
            "St Aldric’s General Hospital has told us that 31 people were treated for injuries,"
            " including burns and the effects of smoke, and that four remain in a critical"
            " condition.",
            "Brennick Fire and Rescue Service crews rescued 27 people from the building.",
            # This one runs from page 1 onto page 2, across the running footer and header.
            _POLICE_ACROSS_PAGES,
        ),
        boilerplate=(
            "BRENNICK POLICE SERVICE – PRESS OFFICE",
            "OFFICIAL – FOR PUBLICATION",
            "Page 1 of 2",
            "Page 2 of 2",
        ),
    )
    article = " ".join(_POLICE_PARAGRAPHS).replace(_SHY, "")
    whole = article + " " + " ".join(text for page in pages for _, _, text, _ in page)
    whole += " BRENNICK POLICE SERVICE – PRESS OFFICE OFFICIAL – FOR PUBLICATION Page 1 of 2"
    whole += " Page 2 of 2"
    _check(name, article, whole, pf)
    return name, buf.getvalue(), pf


_COMPANY_TITLE = "Statement on the fire at Harlow Mills"

_COMPANY_PARAGRAPHS = (
    "Everyone at Pellmont Textiles is devastated by the fire at Harlow Mills on Saturday"
    " afternoon. Our thoughts are with the families and friends of the colleagues who lost"
    " their lives, and with everyone who was injured.",
    "We are cooperating fully with Brennick Police Service and Brennick Fire and Rescue"
    " Service, and we will give the investigation every assistance it needs. It would not be"
    " right for us to speculate about the cause of the fire while that work continues.",
    "Harlow Mills passed its most recent fire safety inspection in November 2025. All fire exits"
    " were checked and operational at that inspection, and the fire alarm was tested every"
    " week, most recently on Thursday 12 March.",
    "Every person on Saturday’s shift has been accounted for by name, including the agency"
    " workers, who sign in at the same gate as our permanent staff. We have shared our shift"
    " records with the police.",
    "The site is closed until further notice. All staff, including agency workers, will"
    " continue to be paid in full, and we have set up a confidential helpline for staff and"
    " their families on 01632 960771.",
)


def _company_pdf() -> tuple[str, bytes, PileFile]:
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    name = "Harlow_Mills_statement_15.03.2026.pdf"
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph("<b>Pellmont Textiles Ltd</b>", styles["Title"]),
        Paragraph("Harlow Mills · Quarry Road · Brennick BR4 7QP", styles["Normal"]),
        Spacer(1, 18),
        Paragraph("15 March 2026", styles["Normal"]),
        Spacer(1, 12),
        Paragraph(_COMPANY_TITLE, styles["Heading2"]),
    ]
    for para in _COMPANY_PARAGRAPHS:
        story += [Paragraph(escape(para), styles["BodyText"]), Spacer(1, 4)]
    story += [
        Spacer(1, 14),
        Paragraph("Simone Achterberg", styles["Normal"]),
        Paragraph("Chief Executive, Pellmont Textiles Ltd", styles["Normal"]),
    ]

    def stamp(canvas: Any, _doc: Any) -> None:
        canvas.setDateFormatter(_pdf_date("D:20260315143000+00'00'"))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=_A4,
        title=_COMPANY_TITLE,
        author="Pellmont Textiles Ltd",
        subject="Harlow Mills fire",
        creator="Pellmont Corporate Communications",
        invariant=1,
    )
    doc.build(story, onFirstPage=stamp, onLaterPages=stamp)

    pf = PileFile(
        name=name,
        kind="pdf",
        outlet="Pellmont Textiles",
        author="Pellmont Textiles Ltd",
        published="2026-03-15",
        title=_COMPANY_TITLE,
        url=None,
        body_sentences=(
            "Harlow Mills passed its most recent fire safety inspection in November 2025.",
            "All fire exits were checked and operational at that inspection, and the fire alarm"
            " was tested every week, most recently on Thursday 12 March.",
            "Every person on Saturday’s shift has been accounted for by name, including the"
            " agency workers, who sign in at the same gate as our permanent staff.",
        ),
        boilerplate=(),
    )
    _check(name, " ".join(_COMPANY_PARAGRAPHS), " ".join(_COMPANY_PARAGRAPHS), pf)
    return name, buf.getvalue(), pf


# ---------------------------------------------------------------------------------------
# Word: the union's statement, with a heading, a table of everyone's figures and a section
# header and footer (boilerplate).
# ---------------------------------------------------------------------------------------

_UNION_TITLE = "UMWF statement on the Harlow Mills fire"
_UNION_HEADER = "United Mill Workers’ Federation · Northern Region"
_UNION_FOOTER = "Registered office: 4 Canal Wharf, Kessford KS2 9LT"
_ZIP_TIME = (2026, 3, 16, 8, 15, 0)

_UNION_PARAGRAPHS = (
    "At least 19 people died in the Harlow Mills fire, the United Mill Workers’ Federation said"
    " on Monday, five more than the figure given by the mayor and seven more than the toll"
    " confirmed by police.",
    "Tomasz Kerrigan, the federation’s regional secretary, said the official figures left out"
    " agency workers who were not on Pellmont Textiles’ shift list. “We have the names of five"
    " agency workers who were on the second floor on Saturday and who have not been seen"
    " since,” he said. “Their families have been to the hospital, the leisure centre and the"
    " police station. Nobody can tell them anything.”",
    "The federation says members reported in January that a fire door on the second floor was"
    " kept locked to stop staff leaving early. It raised the complaint with the company in"
    " writing on 21 January. Pellmont Textiles has said all exits were checked and operational.",
    "The federation is calling for a public inquiry, for the company’s shift records and agency"
    " sign-in sheets to be handed to the police, and for every family to be given a named"
    " contact.",
)

_UNION_AFTER_TABLE = (
    "Members who need support can call the federation’s hardship line on 01632 960552. Anyone"
    " with information about agency workers at Harlow Mills is asked to contact the"
    " federation’s Northern office."
)

_UNION_TABLE = (
    ("Source", "Deaths", "Injured", "Given on"),
    ("Brennick Police Service", "12", "—", "15 March"),
    ("Mayor Delia Fenwick", "14", "—", "16 March"),
    ("St Aldric’s General Hospital", "—", "31", "15 March"),
    ("Brennick Fire and Rescue Service", "—", "27", "15 March"),
    ("UMWF", "at least 19", "—", "16 March"),
)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed entry timestamps: python-docx stamps entries with "now"."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _docx_bytes(doc: Any, *, title: str, author: str, created: datetime) -> bytes:
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = created
    props.modified = created
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _union_docx() -> tuple[str, bytes, PileFile]:
    from docx import Document

    name = "UMWF statement - Harlow Mills (final).docx"
    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = _UNION_HEADER
    section.footer.paragraphs[0].text = _UNION_FOOTER
    doc.add_heading(_UNION_TITLE, level=1)
    doc.add_paragraph().add_run("Issued Monday 16 March 2026").italic = True
    for para in _UNION_PARAGRAPHS:
        doc.add_paragraph(para)
    doc.add_paragraph("Figures given so far", style="Heading 2")
    table = doc.add_table(rows=len(_UNION_TABLE), cols=4)
    table.style = "Table Grid"
    for row, values in zip(table.rows, _UNION_TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    doc.add_paragraph(_UNION_AFTER_TABLE)
    data = _docx_bytes(
        doc, title=_UNION_TITLE, author="Tomasz Kerrigan", created=datetime(2026, 3, 16, 8, 15)
    )
    pf = PileFile(
        name=name,
        kind="docx",
        outlet="United Mill Workers’ Federation",
        author="Tomasz Kerrigan",
        published="2026-03-16",
        title=_UNION_TITLE,
        url=None,
        body_sentences=(
            "At least 19 people died in the Harlow Mills fire, the United Mill Workers’"
            " Federation said on Monday, five more than the figure given by the mayor and seven"
            " more than the toll confirmed by police.",
            "“We have the names of five agency workers who were on the second floor on Saturday"
            " and who have not been seen since,” he said.",
            "It raised the complaint with the company in writing on 21 January.",
            "Anyone with information about agency workers at Harlow Mills is asked to contact the"
            " federation’s Northern office.",
        ),
        boilerplate=(_UNION_HEADER, _UNION_FOOTER),
    )
    article = " ".join((*_UNION_PARAGRAPHS, _UNION_AFTER_TABLE))
    _check(name, article, f"{article} {_UNION_HEADER} {_UNION_FOOTER}", pf)
    return name, data, pf


# ---------------------------------------------------------------------------------------
# Plain text: a wire story with the front matter the product parses (one line per
# paragraph, straight quotes), and a radio bulletin pasted with hard line wraps.
# ---------------------------------------------------------------------------------------

_WIRE_TITLE = "Conflicting death tolls after Brennick textile factory fire"
_WIRE_URL = "https://halcyonwire.example/world/2026/03/16/brennick-fire-tolls"

_WIRE_PARAGRAPHS = (
    "BRENNICK, March 16 (Halcyon Wire) - Officials and a workers' union gave conflicting death"
    " tolls on Monday for the fire that gutted the Harlow Mills textile factory in the northern"
    " town of Brennick on Saturday.",
    "Police said 12 people died. Mayor Delia Fenwick told a council meeting that two more"
    " victims had died in hospital overnight, bringing the toll to 14, but police said they"
    " could not yet confirm that figure.",
    "The United Mill Workers' Federation said at least 19 people died, including agency workers"
    " who it said were not on the factory's shift list. The company that owns the mill,"
    " Pellmont Textiles, said everyone on the shift had been accounted for.",
    "Figures for the injured also differed. St Aldric's General Hospital said it had treated 31"
    " people, while the fire service put the number of injured at 27. A fire service spokesperson"
    " said its figure counted only people rescued by its crews.",
    "Fire chief Ana Rudd said crews had rescued 27 people from the building, some of them from"
    " second-floor windows, and that two firefighters had been treated for heat exhaustion.",
    "About 160 people were working an overtime shift at the four-storey mill when the fire broke"
    " out shortly after 2:40 p.m. on Saturday, according to the company. The cause is under"
    " investigation by police and the fire service.",
    "Harlow Mills, built in 1898, is one of the town's largest employers, with about 420 staff."
    " It has been owned since 2011 by Pellmont Textiles, which makes workwear and hotel linen.",
    "(Reporting by Ruth Calloway; Editing by Tom Faraday)",
)


def _wire_txt() -> tuple[str, bytes, PileFile]:
    name = "halcyon-wire_brennick-fire_2026-03-16.txt"
    header = (
        "---",
        f"title: {_WIRE_TITLE}",
        "outlet: Halcyon Wire",
        "author: Ruth Calloway",
        "published: 2026-03-16",
        f"url: {_WIRE_URL}",
        "---",
    )
    text = "\n".join(header) + "\n" + _WIRE_TITLE + "\n\n" + "\n\n".join(_WIRE_PARAGRAPHS) + "\n"
    pf = PileFile(
        name=name,
        kind="text",
        outlet="Halcyon Wire",
        author="Ruth Calloway",
        published="2026-03-16",
        title=_WIRE_TITLE,
        url=_WIRE_URL,
        body_sentences=(
            "Police said 12 people died.",
            "Mayor Delia Fenwick told a council meeting that two more victims had died in"
            " hospital overnight, bringing the toll to 14, but police said they could not yet"
            " confirm that figure.",
            "The United Mill Workers' Federation said at least 19 people died, including agency"
            " workers who it said were not on the factory's shift list.",
            "St Aldric's General Hospital said it had treated 31 people, while the fire service"
            " put the number of injured at 27.",
        ),
        boilerplate=(
            "outlet: Halcyon Wire",
            "author: Ruth Calloway",
            "published: 2026-03-16",
            f"url: {_WIRE_URL}",
        ),
    )
    _check(name, " ".join(_WIRE_PARAGRAPHS), text, pf)
    return name, text.encode("utf-8"), pf


_RADIO_TITLE = "Brennick fire: police now confirm 14 deaths"

# Pasted from a radio station's bulletin page: hard-wrapped at 72 columns, straight quotes.
_RADIO_TEXT = """\
Brennick fire: police now confirm 14 deaths

Police in Brennick now say 14 people died in Saturday's fire at Harlow
Mills, up from the 12 they confirmed on Sunday.

Chief Superintendent Marcus Oyelaran told Brennick Community Radio this
morning that two more victims had been formally identified overnight. He
said officers had now spoken to every family who had reported someone
missing.

The mill workers' union is still saying at least 19 people died. Its
regional secretary, Tomasz Kerrigan, said five agency workers who were on
the second floor have not been seen since the fire.

St Aldric's General Hospital says three people remain in a critical
condition. Twenty-two of the 31 people it treated have now gone home.

The Industrial Safety Board has opened an inquiry. Quarry Road is expected
to stay closed until at least the weekend.

A book of condolence is open at the town hall until Friday, and a
memorial service is planned at St Oda's parish church on Sunday.
"""


def _radio_txt() -> tuple[str, bytes, PileFile]:
    name = "Brennick Community Radio bulletin 17 March.txt"
    pf = PileFile(
        name=name,
        kind="text",
        outlet=None,
        author=None,
        published=None,
        title=_RADIO_TITLE,
        url=None,
        body_sentences=(
            "Police in Brennick now say 14 people died in Saturday's fire at Harlow Mills, up"
            " from the 12 they confirmed on Sunday.",
            "The mill workers' union is still saying at least 19 people died.",
            "Twenty-two of the 31 people it treated have now gone home.",
        ),
        boilerplate=(),
    )
    _check(name, _RADIO_TEXT.split("\n", 1)[1], _RADIO_TEXT, pf)
    return name, _RADIO_TEXT.encode("utf-8"), pf


_WRITERS: tuple[Callable[[], tuple[str, bytes, PileFile]], ...] = (
    _courier,
    _wendmoor,
    _eastreach,
    _kessford,
    _police_pdf,
    _company_pdf,
    _union_docx,
    _wire_txt,
    _radio_txt,
)


def write_pile(folder: Path) -> list[PileFile]:
    """Write the pile into a folder (created if missing).

    Args:
        folder: Where to write the files; existing files of the same names are replaced.

    Returns:
        One record per file written, in a fixed order: four web pages, two PDFs, a .docx
        and two text files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for writer in _WRITERS:
        name, data, record = writer()
        (folder / name).write_bytes(data)
        records.append(record)
    return records


# ---------------------------------------------------------------------------------------
# Problem files: each must be skipped by ingest with a reason, never crash it.
# ---------------------------------------------------------------------------------------


def _scanned_pdf() -> bytes:
    # A "scan": only drawn shapes (grey bars where lines of text would be), no text layer.
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=_A4, invariant=1)
    canvas.setDateFormatter(_pdf_date("D:20260316091200+00'00'"))
    canvas.setFillGray(0.55)
    rng = random.Random(14)
    y = 760.0
    while y > 90:
        canvas.rect(72, y, rng.uniform(300, 450), 7, stroke=0, fill=1)
        y -= 14 if rng.random() > 0.15 else 28
    canvas.setStrokeGray(0.2)
    canvas.rect(380, 640, 140, 100, stroke=1, fill=0)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=_A4, invariant=1)
    canvas.setDateFormatter(_pdf_date("D:20251120100000+00'00'"))
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 770, "Harlow Mills: fire safety inspection, November 2025")
    canvas.drawString(72, 750, "All exits on floors 1 to 4 were inspected and found operational.")
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    # RC4 (the default) has no random IV, unlike AES; pypdf still draws a random second file
    # ID, so both IDs are pinned to reportlab's invariant one to keep the bytes stable.
    writer.encrypt(user_password="harlow2025", owner_password="pellmont-owner")
    if writer._ID:
        writer._ID = ArrayObject((writer._ID[0], writer._ID[0]))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_CONSENT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Before you continue to Ridgeway Post</title>
<meta property="og:site_name" content="Ridgeway Post">
<style>.wall{max-width:640px;margin:4em auto;font-family:sans-serif}</style>
<script>window.__tcfapi=window.__tcfapi||function(){(window.__tcfapi.a=[]).push(arguments)};</script>
</head>
<body>
<nav><a href="https://ridgewaypost.example/">Ridgeway Post</a> <a href="/news">News</a>
<a href="/sport">Sport</a> <a href="/subscribe">Subscribe</a></nav>
<div class="wall" role="dialog">
<h1>Before you continue</h1>
<p>We use cookies and data to deliver and maintain our services, to measure audience engagement
and to show personalised content and ads.</p>
<p>If you choose &ldquo;Accept all&rdquo;, we and our 412 partners will also use cookies and data to
develop and improve new services.</p>
<button>Reject all</button> <button>Accept all</button> <a href="/privacy">More options</a>
</div>
<footer><p>&copy; 2026 Ridgeway Post Ltd &middot; <a href="/privacy">Privacy</a> &middot;
<a href="/terms">Terms</a></p></footer>
</body>
</html>
"""


def _empty_docx() -> bytes:
    from docx import Document

    return _docx_bytes(
        Document(), title="", author="Owen Prask", created=datetime(2026, 3, 15, 21, 2)
    )


def write_problem_files(folder: Path) -> dict[str, str]:
    """Write files that an ingest must skip, each for one stated reason.

    Args:
        folder: Where to write the files (created if missing).

    Returns:
        File name -> the problem: "no text layer", "encrypted", "unsupported",
        "no article text", "empty" or "corrupt".
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1442)
    files: dict[str, tuple[bytes, str]] = {
        "scan_0001.pdf": (_scanned_pdf(), "no text layer"),
        "Harlow_Mills_inspection_PROTECTED.pdf": (_encrypted_pdf(), "encrypted"),
        # JPEG and xlsx magic numbers followed by junk: right-looking, but not text formats.
        "IMG_20260314_1502.jpg": (
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + rng.randbytes(200) + b"\xff\xd9",
            "unsupported",
        ),
        "casualty-figures.xlsx": (
            b"PK\x03\x04\x14\x00\x06\x00" + rng.randbytes(120),
            "unsupported",
        ),
        "Before you continue to Ridgeway Post.html": (_CONSENT_PAGE.encode(), "no article text"),
        "notes-empty.docx": (_empty_docx(), "empty"),
        "press-release-final.pdf": (rng.randbytes(2048), "corrupt"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: problem for name, (_, problem) in files.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the pile (and with --problems the problem files) into OUTDIR."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.pile", description=__doc__.split("\n")[0]
    )
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--problems", action="store_true", help="also write the problem files")
    args = parser.parse_args(argv)
    for pf in write_pile(args.outdir):
        print(f"{pf.kind:5}  {pf.published or '?':10}  {pf.name}")
    if args.problems:
        for name, problem in write_problem_files(args.outdir).items():
            print(f"skip   {problem:15}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
