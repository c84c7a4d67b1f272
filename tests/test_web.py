"""The web page and JSON API (issue 13): every page, the API contracts, escaping, safety."""

from __future__ import annotations

import html
import json
import os
import queue
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from assistant.app import FactCheck
from assistant.articles import article_id
from assistant.settings import Settings
from assistant.web import create_app
from assistant.web.report import claims_html, summary_html
from tests.conftest import SEEDS, HashEmbeddings

DEMO = "Who said 5 were killed?"
SEEDS_NAME = SEEDS.name
HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"
HOSTILE = (
    "Acme Plant Fire Injures Workers <script>document.title='pwned'</script>\n\n"
    "Ann Lee, a spokeswoman for Acme, said 12 workers were hurt in the fire in Dayton. "
    "<script>alert(1); window.__pwned = 1;</script>\n\n"
    'The mayor said "at least 20 [sic] were hurt" <img src=x onerror="window.__pwned=2">.\n'
)


@pytest.fixture(scope="module")
def client(seed_fc: FactCheck) -> TestClient:
    return TestClient(create_app(seed_fc.settings, factcheck=seed_fc), base_url="http://127.0.0.1")


def hostile_fc(root: Path) -> FactCheck:
    """A store of one article whose title, text and file name carry HTML and script."""
    folder = root / "hostile"
    folder.mkdir()
    (folder / HOSTILE_NAME).write_text(HOSTILE, encoding="utf-8")
    fc = FactCheck(Settings(store=root / "hstore", corpus=folder), embeddings=HashEmbeddings())
    fc.ingest([folder])
    return fc


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[FactCheck, TestClient]:
    fc = hostile_fc(tmp_path)
    return fc, TestClient(create_app(fc.settings, factcheck=fc), base_url="http://127.0.0.1")


# -- pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/ask",
        f"/ask?q={DEMO}",
        "/claims",
        "/check",
        "/check?claim=Russia's Defense Ministry confirmed 200 deaths",
        "/summary",
        "/summary?topic=casualties",
        "/articles",
        "/api",
    ],
)
def test_every_page_renders_with_a_strict_policy(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert "<script" not in r.text


def test_home_goes_to_ask(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "/ask"


def _mark(page: str) -> str:
    m = re.search(r'<mark id="quote"[^>]*>(.*?)</mark>', page, re.S)
    assert m, "no highlighted quote"
    return html.unescape(m.group(1))


def test_ask_page_answers_and_each_citation_opens_its_exact_quote(
    client: TestClient, seed_fc: FactCheck
) -> None:
    answer = seed_fc.ask(DEMO)
    page = client.get("/ask", params={"q": DEMO}).text
    assert html.escape(answer.citations[0].quote, quote=False) in page
    for cit in answer.citations:
        m = re.search(rf'<li id="c{cit.id}".*?<a class="open" href="([^"]+)"', page, re.S)
        assert m, f"citation [{cit.id}] has no link"
        href = html.unescape(m.group(1))
        assert href.endswith("#quote") and f"start={cit.start}&end={cit.end}" in href
        assert _mark(client.get(href).text) == cit.quote
    # The [n] markers in the answer link to the same passages.
    assert re.search(
        r'class="cite" href="/articles/[0-9a-f]{16}\?start=\d+&amp;end=\d+#quote"', page
    )


def test_ask_page_shows_the_disagreement_banner(client: TestClient, seed_fc: FactCheck) -> None:
    q = "How many Russians were killed?"
    assert seed_fc.ask(q).disagreement
    assert 'id="disagreement"' in client.get("/ask", params={"q": q}).text
    assert 'id="disagreement"' not in client.get("/ask", params={"q": DEMO}).text


def test_also_in_places_are_listed_beside_the_citation(tmp_path: Path) -> None:
    folder = tmp_path / "wire"
    folder.mkdir()
    wire = "Ann Lee said 12 workers were hurt in the fire at the Acme plant in Dayton on Monday."
    (folder / "a.txt").write_text(f"Fire at Acme\n\n{wire} Crews left by noon.\n")
    (folder / "b.txt").write_text(f"Dayton Plant Fire\n\nThe city was quiet. {wire}\n")
    fc = FactCheck(Settings(store=tmp_path / "ws", corpus=folder), embeddings=HashEmbeddings())
    fc.ingest([folder])
    answer = fc.ask("Who said 12 workers were hurt?")
    places = [p for c in answer.citations for p in c.also_in]
    assert places, answer.to_json()
    c = TestClient(create_app(fc.settings, factcheck=fc), base_url="http://127.0.0.1")
    page = c.get("/ask", params={"q": "Who said 12 workers were hurt?"}).text
    links = re.findall(r'class="also-in" href="([^"]+)"', page)
    assert len(links) == len(places)
    assert _mark(c.get(html.unescape(links[0])).text) == places[0].quote


def test_check_page_shows_the_verdict_and_passages(client: TestClient, seed_fc: FactCheck) -> None:
    claim = "Russia's Defense Ministry confirmed 200 deaths"
    result = seed_fc.check(claim)
    page = client.get("/check", params={"claim": claim}).text
    assert f'id="verdict">{result.verdict.replace("_", " ")}<' in page
    assert page.count('class="open"') == len(result.citations)


def test_summary_page_citations_are_clickable(client: TestClient, seed_fc: FactCheck) -> None:
    summary = seed_fc.summary()
    page = client.get("/summary").text
    assert page.count("<li>") >= len(summary.sentences)
    assert page.count('class="open"') == len(summary.citations())
    assert 'class="cite" href="/articles/' in page


def test_claims_page_has_one_chart_mark_per_claim_linking_to_its_passage(
    client: TestClient, seed_fc: FactCheck
) -> None:
    table = seed_fc.claims()
    page = client.get("/claims").text
    marks = re.findall(r'<a class="mark" data-claim="(\d+)" href="([^"]+)"', page)
    assert sorted(int(i) for i, _ in marks) == list(range(len(table.claims)))
    for i, href in marks:
        cit = table.claims[int(i)].citations[0]
        assert html.unescape(href).endswith(f"start={cit.start}&end={cit.end}#quote")
    assert page.count("<svg") == len(table.groups)


def test_articles_page_lists_every_ingested_file_readable_in_full(
    client: TestClient, seed_fc: FactCheck
) -> None:
    page = client.get("/articles").text
    ids = re.findall(r'href="/articles/([0-9a-f]{16})"', page)
    assert len(ids) == len(seed_fc.store.sources()) == 5
    for aid in ids:
        r = client.get(f"/articles/{aid}")
        assert r.status_code == 200
        body = re.search(r'<article class="source">(.*)</article>', r.text, re.S)
        assert body
        text = html.unescape(body.group(1))
        name = re.search(r"<h1><code>(.*?)</code>", r.text)
        assert name
        assert text == (Path(__file__).parents[1] / "seeds" / name.group(1)).read_text()


def test_no_page_reads_every_chunk_and_titles_still_show(
    client: TestClient, seed_fc: FactCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A page's cost must not grow with the whole corpus: titles come from one chunk per file.
    def everything(self: object) -> None:
        raise AssertionError("a page read every chunk of the store")

    monkeypatch.setattr(type(seed_fc.store), "all_chunks", everything)
    assert client.get("/ask", params={"q": "Who said 5 were killed?"}).status_code == 200
    listing = client.get("/articles").text
    titles = {h.chunk.source: h.chunk.title for h in seed_fc.searcher.search("Syria", k=20)}
    assert titles and all(t in html.unescape(listing) for t in titles.values())
    aid = re.findall(r'href="/articles/([0-9a-f]{16})"', listing)[0]
    page = client.get(f"/articles/{aid}").text
    assert re.search(r'<p class="title">[^<]+</p>', page)


# -- the API ------------------------------------------------------------------------


def test_api_ask_is_ask_json(client: TestClient, seed_fc: FactCheck) -> None:
    r = client.get("/api/ask", params={"q": DEMO})
    assert r.status_code == 200
    assert r.json() == seed_fc.ask(DEMO).to_json()


def test_api_check_claims_summary_are_their_json(client: TestClient, seed_fc: FactCheck) -> None:
    claim = "Russia's Defense Ministry confirmed 200 deaths"
    assert (
        client.get("/api/check", params={"claim": claim}).json() == seed_fc.check(claim).to_json()
    )
    assert client.get("/api/claims").json() == seed_fc.claims().to_json()
    assert client.get("/api/summary").json() == seed_fc.summary().to_json()
    topic = "casualties"
    assert client.get("/api/summary", params={"topic": topic}).json() == (
        seed_fc.summary(topic).to_json()
    )


def test_api_search_and_info_are_what_the_cli_prints(
    client: TestClient, seed_fc: FactCheck
) -> None:
    from typer.testing import CliRunner

    from assistant.cli import app

    store = str(seed_fc.settings.store)
    runner = CliRunner()
    cli = runner.invoke(app, ["search", "Wagner Group", "-k", "3", "--store", store, "--json"])
    assert cli.exit_code == 0, cli.output
    api = client.get("/api/search", params={"q": "Wagner Group", "k": 3}).json()
    assert api == json.loads(cli.stdout)
    # The Done-when of issue 13: /api/ask and `ask --json` agree on the same question.
    cli = runner.invoke(app, ["ask", DEMO, "--store", store, "--json"])
    assert cli.exit_code == 0, cli.output
    assert client.get("/api/ask", params={"q": DEMO}).json() == json.loads(cli.stdout)
    cli = runner.invoke(app, ["info", "--store", store, "--json"])
    assert cli.exit_code == 0, cli.output
    # The same, except that the page names folders, never their place on this disk.
    shown = json.loads(cli.stdout)
    shown["store"] = Path(shown["store"]).name
    shown["folders"] = [Path(f).name for f in shown["folders"]]
    assert client.get("/api/info").json() == shown


@pytest.mark.parametrize(
    "url",
    [
        "/api/ask",
        "/api/ask?q=",
        "/api/ask?q=" + "x" * 2001,
        "/api/check",
        "/api/search?q=Wagner&k=0",
        "/api/search?q=Wagner&k=many",
        "/api/summary?topic=" + "y" * 2001,
    ],
)
def test_api_user_errors_are_json_400(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 400
    assert set(r.json()) == {"error"} and r.json()["error"]


def test_api_unknown_endpoint_is_json_404(client: TestClient) -> None:
    r = client.get("/api/nothing")
    assert r.status_code == 404 and "error" in r.json()


def test_missing_store_is_409_on_the_api_and_said_on_the_page(tmp_path: Path) -> None:
    fc = FactCheck(Settings(store=tmp_path / "none", corpus=tmp_path / "no-corpus"),
                   embeddings=HashEmbeddings())  # fmt: skip
    c = TestClient(create_app(fc.settings, factcheck=fc), base_url="http://127.0.0.1")
    r = c.get("/api/ask", params={"q": "Who won?"})
    assert r.status_code == 409 and "ingest" in r.json()["error"]
    page = c.get("/ask", params={"q": "Who won?"})
    assert page.status_code == 409 and 'class="error"' in page.text


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    # A page on another site that rebinds its name to 127.0.0.1 must not read articles.
    assert client.get("/articles", headers={"host": "evil.example"}).status_code == 400


# -- only ingested files, never a path ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/articles/0123456789abcdef",
        "/articles/..%2F..%2F..%2Fetc%2Fpasswd",
        "/articles/%2Fetc%2Fpasswd",
        "/articles/../../etc/passwd",
        "/articles/000_f8bb647a1315dbc5.txt",
        "/static/../../pyproject.toml",
        "/static/..%2F..%2Fweb%2F__init__.py",
        "/static/%2Fetc%2Fpasswd",
    ],
)
def test_anything_but_an_ingested_file_id_is_not_served(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text and "[project]" not in r.text and "import" not in r.text


def test_a_file_in_the_folder_that_was_not_ingested_has_no_page(
    hostile: tuple[FactCheck, TestClient],
) -> None:
    fc, c = hostile
    folder = Path(fc.settings.corpus)
    (folder / "later.txt").write_text("Ann Lee visited Dayton.\n", encoding="utf-8")
    assert c.get(f"/articles/{article_id(str(folder.resolve()), 'later.txt')}").status_code == 404


def test_changed_and_removed_files_are_not_shown(hostile: tuple[FactCheck, TestClient]) -> None:
    fc, c = hostile
    aid = re.findall(r'href="/articles/([0-9a-f]{16})"', c.get("/articles").text)[0]
    path = Path(fc.settings.corpus) / HOSTILE_NAME
    path.write_text(HOSTILE.replace("12", "13"), encoding="utf-8")
    r = c.get(f"/articles/{aid}")
    assert r.status_code == 409 and "changed since it was ingested" in r.text
    assert "13 workers" not in r.text
    path.unlink()
    assert c.get(f"/articles/{aid}").status_code == 410


def test_bad_offsets_are_refused(client: TestClient, seed_fc: FactCheck) -> None:
    aid = re.findall(r'href="/articles/([0-9a-f]{16})"', client.get("/articles").text)[0]
    assert client.get(f"/articles/{aid}?start=x&end=5").status_code == 400
    assert client.get(f"/articles/{aid}?start=0&end=99999999").status_code == 400
    # start >= end highlights nothing rather than failing.
    r = client.get(f"/articles/{aid}?start=9&end=3")
    assert r.status_code == 200 and "<mark" not in r.text


# -- escaping -----------------------------------------------------------------------


def test_hostile_article_text_title_and_name_show_as_text(
    hostile: tuple[FactCheck, TestClient],
) -> None:
    _fc, c = hostile
    listing = c.get("/articles").text
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in listing
    assert "<img" not in listing and "<script" not in listing
    aid = re.findall(r'href="/articles/([0-9a-f]{16})"', listing)[0]
    page = c.get(f"/articles/{aid}").text
    assert "&lt;script&gt;alert(1); window.__pwned = 1;&lt;/script&gt;" in page
    assert "[sic]" in page
    assert "<script" not in page and "<img" not in page


def test_hostile_question_and_answers_are_escaped(hostile: tuple[FactCheck, TestClient]) -> None:
    _fc, c = hostile
    q = 'How many workers were hurt? "><script>alert(3)</script>'
    page = c.get("/ask", params={"q": q}).text
    assert "<script" not in page and "&lt;script&gt;alert(3)" in page
    for url in ("/claims", "/summary", "/check?claim=Ann Lee said 12 workers were hurt"):
        body = c.get(url).text
        assert "<script" not in body and "<img" not in body, url


def _references(doc: str) -> list[str]:
    """Every src/href/xlink:href/action value of a real tag (not text that looks like one)."""
    from html.parser import HTMLParser

    refs: list[str] = []

    class Refs(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            refs.extend(v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action"))

    Refs().feed(doc)
    return refs


def test_html_reports_are_self_contained_and_escaped(
    seed_fc: FactCheck, hostile: tuple[FactCheck, TestClient]
) -> None:
    fc, _c = hostile
    reports = [
        summary_html(seed_fc.summary(), "0.1.0"),
        claims_html(seed_fc.claims(), "0.1.0"),
        summary_html(fc.summary(), "0.1.0"),
        claims_html(fc.claims(), "0.1.0"),
    ]
    for doc in reports:
        assert doc.startswith("<!doctype html>")
        assert "<link" not in doc and "<script" not in doc and "<img" not in doc
        assert "@import" not in doc and "url(" not in doc
        refs = _references(doc)
        assert refs and all(ref.startswith("#") for ref in refs), refs
        assert not any(r.startswith(("http://", "https://", "//")) for r in refs)
    seeds_summary, seeds_claims = reports[0], reports[1]
    table = seed_fc.claims()
    assert seeds_claims.count('class="mark"') == len(table.claims)
    assert "<svg" in seeds_summary and "Sources" in seeds_summary
    # Every [n] in the report points at a source entry that exists in the file.
    for n in set(re.findall(r'href="#src-(\d+)"', seeds_summary)):
        assert f'id="src-{n}"' in seeds_summary
    assert "12" in reports[3] and "&lt;script&gt;" in reports[2] + reports[3]


# -- serving ------------------------------------------------------------------------


def test_loopback_detection() -> None:
    from assistant.web.server import is_loopback

    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert is_loopback(host)
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.org"):
        assert not is_loopback(host)


def test_serve_warns_loudly_for_a_network_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    import assistant.web.server as server

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **k: None)
    monkeypatch.setattr(server, "warm_up", lambda fc: None)
    fc = FactCheck(Settings(store=tmp_path / "s"), embeddings=HashEmbeddings())
    said: list[str] = []
    server.serve(fc.settings, host="0.0.0.0", port=0, factcheck=fc, on_warning=said.append)
    assert said and "WARNING" in said[0] and "0.0.0.0" in said[0]
    said.clear()
    server.serve(fc.settings, host="127.0.0.1", port=0, factcheck=fc, on_warning=said.append)
    assert said == []


def test_importing_the_web_package_loads_no_server() -> None:
    code = "import assistant.web, sys; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert not {"starlette", "uvicorn", "chromadb", "spacy"} & loaded


def test_sentence_cache_gives_the_same_vectors(seed_fc: FactCheck) -> None:
    from assistant.index.sentence_cache import SentenceCache

    inner = seed_fc.embeddings
    cache = SentenceCache(inner, "x", size=2)
    texts = ["Ann Lee went to Dayton.", "Acme hired 12 people.", "Ann Lee went to Dayton."]
    first = cache.embed_documents(texts)
    again = cache.embed_documents(texts[:2])
    assert first[0] == first[2] == again[0] and len(cache) == 2
    assert first[1] == pytest.approx(inner.embed_documents([texts[1]])[0], abs=1e-5)
    cache.embed_documents(["Something else entirely."])
    assert len(cache) == 2


def test_a_factcheck_with_a_sentence_cache_answers_alike_and_is_wrapped_once(
    seed_fc: FactCheck,
) -> None:
    from assistant.index.sentence_cache import SentenceCache

    cached = seed_fc.with_sentence_cache()
    assert isinstance(cached.embeddings, SentenceCache)
    assert cached.with_sentence_cache() is cached
    question = "Who said 5 were killed?"
    plain = seed_fc.ask(question, "extractive").to_json()
    assert cached.ask(question, "extractive").to_json() == plain
    assert len(cached.embeddings) > 0
    assert cached.ask(question, "extractive").to_json() == plain  # from remembered vectors


# -- one line numbering for every door (issue 21, W4) -------------------------------


def test_cli_api_and_article_page_cite_the_same_line_whatever_the_line_ends(
    tmp_path: Path,
) -> None:
    # Invented articles, one per kind of line end. Each quoted sentence is on line 5
    # for an editor: CR, CRLF and LF each end a line (U+2028 does not, as in editors).
    from typer.testing import CliRunner

    from assistant.cli import app

    folder = tmp_path / "ends"
    folder.mkdir()
    facts = {
        "\r": ("Ann Lee said 12 workers were hurt in the Dayton fire.", "Who said 12 workers were hurt?"),  # noqa: E501
        "\r\n": ("Bo Chen said 40 oak trees fell in the Akron storm.", "Who said 40 oak trees fell?"),  # noqa: E501
        "\n": ("Cy Diaz said 7 fishing boats sank in the Erie squall.", "Who said 7 fishing boats sank?"),  # noqa: E501
    }  # fmt: skip
    for n, (end, (sentence, _q)) in enumerate(facts.items()):
        text = end.join(["Local news", "", "The town\u2028was calm on Sunday.", "", sentence, ""])
        (folder / f"story{n}.txt").write_bytes(text.encode("utf-8"))
    fc = FactCheck(Settings(store=tmp_path / "ls", corpus=folder))
    fc.ingest([folder])
    c = TestClient(create_app(fc.settings, factcheck=fc), base_url="http://127.0.0.1")
    runner = CliRunner()
    for sentence, question in facts.values():
        cli = runner.invoke(app, ["ask", question, "--store", str(fc.settings.store), "--json"])
        assert cli.exit_code == 0, cli.output
        cited = [c for c in json.loads(cli.stdout)["citations"] if c["quote"] == sentence]
        assert cited, cli.stdout
        api = [x for x in c.get("/api/ask", params={"q": question}).json()["citations"]
               if x["quote"] == sentence]  # fmt: skip
        assert [x["line"] for x in api] == [cited[0]["line"]] == [5]
        page = c.get("/ask", params={"q": question}).text
        m = re.search(rf'<li id="c{api[0]["id"]}".*?<a class="open" href="([^"]+)"', page, re.S)
        assert m
        article = c.get(html.unescape(m.group(1))).text
        assert _mark(article) == sentence
        assert re.search(r"characters \d+-\d+, line 5 \(", article), sentence


# -- a model with no usable answer does not stop the server (issue 21, W3) ----------


def _unusable_replies() -> Iterator[bytes]:
    """Authored: replies with no answer in them, in turn (no choices, {}, null, a refusal)."""
    refusal = {"role": "assistant", "content": None, "refusal": "I will not answer that."}
    while True:
        yield json.dumps({"choices": []}).encode()
        yield b"{}"
        yield b"null"
        yield json.dumps(
            {"id": "authored", "object": "chat.completion", "created": 0, "model": "authored",
             "choices": [{"index": 0, "message": refusal, "finish_reason": "stop"}]}
        ).encode()  # fmt: skip


@contextmanager
def _unusable_model() -> Iterator[str]:
    """An authored OpenAI-compatible server on 127.0.0.1 that never gives a usable answer."""
    replies = _unusable_replies()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server calls
            self.rfile.read(int(self.headers.get("content-length", 0)))
            with lock:
                body = next(replies)
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _lines(stream: Any) -> queue.Queue[str]:
    """The lines of ``stream`` as they come, read in a thread (a wait can then time out)."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_serve_starts_with_an_unusable_model_says_so_once_and_answers_extractively(
    seed_fc: FactCheck,
) -> None:
    with _unusable_model() as base_url:
        env = {**os.environ, "OPENAI_BASE_URL": base_url, "FACTCHECK_LLM_MODEL": "authored",
               "FACTCHECK_MODE": "auto", "COLUMNS": "400"}  # fmt: skip
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", "0",
             "--store", str(seed_fc.settings.store)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        try:
            lines, said = _lines(proc.stderr), []
            while not said or not said[-1].startswith("Serving on "):
                said.append(lines.get(timeout=180).rstrip("\n"))
            url = said[-1].split()[2]
            about_model = [line for line in said if "unusable" in line]
            assert len(about_model) == 1 and "extractive" in about_model[0], said
            assert not any("Traceback" in line for line in said), said
            with urllib.request.urlopen(f"{url}api/ask?q=Who+said+5+were+killed%3F") as r:
                answer = json.loads(r.read())
            assert answer["mode"] == "extractive" and answer["citations"], answer
        finally:
            proc.terminate()
            proc.wait(timeout=30)


# -- the names a server answers to, and what /api/info shows (issue 21, W1, W2) -----


@contextmanager
def _served(
    monkeypatch: pytest.MonkeyPatch, fc: FactCheck, host: str, *, listen: bool = True, **kw: Any
) -> Iterator[tuple[str, Any, list[str]]]:
    """``serve`` on ``host`` (any free port), warm-up skipped: (printed URL, app, warnings).

    With ``listen=False`` nothing binds: the application ``serve`` built is returned for
    a test client, and the URL is the one it would print.
    """
    import uvicorn

    import assistant.web.server as server

    monkeypatch.setattr(server, "warm_up", lambda fc: None)
    built: list[uvicorn.Server] = []
    real_run = uvicorn.Server.run

    def run(self: uvicorn.Server, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        if listen:
            real_run(self, *args, **kwargs)
        else:
            self.should_exit = True  # the announcing thread then names the URL and ends

    monkeypatch.setattr(uvicorn.Server, "run", run)
    urls: queue.Queue[str] = queue.Queue()
    warnings: list[str] = []
    thread = threading.Thread(
        target=server.serve,
        args=(fc.settings, host, 0, urls.put),
        kwargs={"factcheck": fc, "on_warning": warnings.append, **kw},
        daemon=True,
    )
    thread.start()
    try:
        url = urls.get(timeout=60) if listen else ""
        thread.join(timeout=60) if not listen else None
        yield url, built[0].config.app, warnings
    finally:
        if built:
            built[0].should_exit = True
        thread.join(timeout=30)


@pytest.mark.block_network(allowed_hosts=["127.0.0.2"])
def test_the_url_serve_prints_for_another_loopback_address_answers(
    monkeypatch: pytest.MonkeyPatch, seed_fc: FactCheck
) -> None:
    import socket

    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.2", 0))
    except OSError:
        pytest.skip("this machine has no 127.0.0.2")
    with _served(monkeypatch, seed_fc, "127.0.0.2") as (url, _app, warnings):
        assert url.startswith("http://127.0.0.2:") and warnings == []
        with urllib.request.urlopen(f"{url}api/info", timeout=30) as r:
            assert r.status == 200 and json.loads(r.read())["exists"] is True


def test_serving_to_the_network_answers_only_to_this_machines_names(
    monkeypatch: pytest.MonkeyPatch, seed_fc: FactCheck
) -> None:
    import socket

    # A page on another site that points its own name at this machine (DNS rebinding)
    # sends that name as Host: refused. This machine's names and addresses, and names
    # the user lists, are answered.
    with _served(
        monkeypatch, seed_fc, "0.0.0.0", listen=False, allow_hosts=["Newsroom.Example"]
    ) as (_url, app, warnings):
        assert len(warnings) == 1 and "0.0.0.0" in warnings[0]
        c = TestClient(app, base_url="http://127.0.0.1")
        for foreign in ("evil.example", "attacker.test:8765", "127.0.0.1.evil.example"):
            assert c.get("/api/info", headers={"host": foreign}).status_code == 400, foreign
        own = ["127.0.0.1", "localhost:8765", "[::1]", socket.gethostname(), "newsroom.example"]
        for name in own:
            assert c.get("/api/info", headers={"host": name}).status_code == 200, name


def test_allowed_host_names_are_checked_in_one_line() -> None:
    from assistant.errors import ConfigError
    from assistant.web.server import allowed_hosts

    assert "127.0.0.2" in allowed_hosts("127.0.0.2")
    assert "[::1]" in allowed_hosts("::1") and "evil.example" not in allowed_hosts("0.0.0.0")
    assert "[2001:db8::5]" in allowed_hosts("0.0.0.0", ["2001:DB8:0::5"])
    for bad in ("*", "http://news.example", "news.example:80", "a b", ""):
        with pytest.raises(ConfigError, match="--allow-host"):
            allowed_hosts("0.0.0.0", [bad])


def test_api_info_names_no_absolute_path(
    client: TestClient, seed_fc: FactCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = client.get("/api/info").json()
    store = Path(seed_fc.settings.store)
    assert data["store"] == store.name and data["folders"] == [SEEDS_NAME]
    assert str(store.parent) not in json.dumps(data)
    # Whatever a reason for an unreadable store holds, no path of this disk is shown.
    from assistant.index.info import StoreInfo

    broken = StoreInfo(
        location=str(store), backend="local", collection="articles", exists=False,
        problem=f"cannot open {store}/chroma.sqlite3 (database is locked) in C:\\Users\\ann\\x",
    )  # fmt: skip
    monkeypatch.setattr(FactCheck, "info", lambda self: broken)
    data = client.get("/api/info").json()
    assert data["problem"] == "cannot open chroma.sqlite3 (database is locked) in x"
    assert str(store.parent) not in json.dumps(data)
