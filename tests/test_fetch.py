"""Fetching pages to ingest, against a real HTTP server on 127.0.0.1 (no network)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from assistant.errors import InputError
from assistant.index.companion import companion_of, read_companion
from assistant.index.fetch import (
    DEFAULT_USER_AGENT,
    Fetched,
    fetch_urls,
    is_url,
    read_url_list,
)
from tests.local_site import Site, redirect, reply

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

HTML = "<!doctype html><html><head><title>Storm</title></head><body>Toll rises: 12 — é</body>"
PAGE = HTML.encode("latin-1", "replace")  # bytes that are not UTF-8: saved as sent
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def files_under(folder: Path) -> list[Path]:
    """Every file under ``folder``, hidden ones (companions, temporary files) included."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_an_html_page_is_saved_as_sent_with_its_companion(site: Site, tmp_path: Path) -> None:
    site.routes["/news/storm-toll-rises"] = reply(PAGE)
    url = site.url("/news/storm-toll-rises")
    seen: list[Fetched] = []
    before = datetime.now(UTC).replace(microsecond=0)

    report = fetch_urls([url], tmp_path / "web", on_fetched=seen.append)

    assert report.failed == []
    [page] = report.fetched
    assert seen == [page]
    assert page.url == url and page.final_url == url
    assert page.content_type == "text/html" and page.size == len(PAGE)
    assert page.path.read_bytes() == PAGE
    assert page.path.parent == tmp_path / "web" / f"127.0.0.1_{site.port}"
    assert re.fullmatch(r"storm-toll-rises-[0-9a-f]{8}\.html", page.path.name)
    record = read_companion(page.path)
    assert record is not None
    assert record["url"] == url and record["final_url"] == url
    assert record["content_type"] == "text/html" and record["charset"] == "iso-8859-1"
    fetched_at = datetime.fromisoformat(record["fetched"])
    assert fetched_at.utcoffset() == timedelta(0)
    assert before <= fetched_at <= datetime.now(UTC)
    assert companion_of(page.path).name == f".{page.path.name}.source.json"
    # The body and its companion, nothing else (no temporary file left behind).
    assert files_under(tmp_path / "web") == sorted([page.path, companion_of(page.path)])
    assert site.hits == [("/news/storm-toll-rises", DEFAULT_USER_AGENT)]


def test_refetching_a_url_overwrites_its_file_and_two_queries_never_collide(
    site: Site, tmp_path: Path
) -> None:
    site.routes["/story?id=1"] = reply(b"<html>first</html>")
    site.routes["/story?id=2"] = reply(b"<html>second</html>")
    first = fetch_urls([site.url("/story?id=1"), site.url("/story?id=2")], tmp_path)
    one, two = (f.path for f in first.fetched)
    assert one != two and one.read_bytes() == b"<html>first</html>"

    site.routes["/story?id=1"] = reply(b"<html>first, corrected</html>")
    again = fetch_urls([site.url("/story?id=1")], tmp_path)
    assert again.fetched[0].path == one
    assert one.read_bytes() == b"<html>first, corrected</html>"
    assert len(files_under(tmp_path)) == 4  # two pages, two companions


def test_a_redirect_chain_with_relative_locations_is_followed(site: Site, tmp_path: Path) -> None:
    site.routes["/short/x"] = redirect("y", 301)  # relative to /short/
    site.routes["/short/y"] = redirect("/articles/final-page.html", 307)
    site.routes["/articles/final-page.html"] = reply(PAGE)
    url = site.url("/short/x")

    report = fetch_urls([url], tmp_path)

    [page] = report.fetched
    assert page.url == url
    assert page.final_url == site.url("/articles/final-page.html")
    assert re.fullmatch(r"final-page-[0-9a-f]{8}\.html", page.path.name)
    assert read_companion(page.path) == {
        "url": url,
        "final_url": page.final_url,
        "fetched": read_companion(page.path)["fetched"],  # type: ignore[index]
        "content_type": "text/html",
        "charset": "iso-8859-1",
    }
    assert [path for path, _ in site.hits] == ["/short/x", "/short/y", "/articles/final-page.html"]


@pytest.mark.parametrize(
    ("location", "scheme"),
    [("file:///etc/passwd", "file"), ("javascript:alert(1)", "javascript"), ("FTP://h/x", "ftp")],
)
def test_a_redirect_to_another_scheme_is_refused(
    site: Site, tmp_path: Path, location: str, scheme: str
) -> None:
    site.routes["/go"] = redirect(location)
    errors: list[tuple[str, str]] = []

    report = fetch_urls([site.url("/go")], tmp_path, on_error=lambda u, r: errors.append((u, r)))

    reason = f"redirected to a {scheme}: URL; only http(s) is followed"
    assert report.fetched == [] and report.failed == [(site.url("/go"), reason)]
    assert errors == report.failed
    assert files_under(tmp_path) == []


def test_a_redirect_loop_stops_after_max_redirects(site: Site, tmp_path: Path) -> None:
    site.routes["/loop"] = redirect("/loop")
    report = fetch_urls([site.url("/loop")], tmp_path, max_redirects=3)
    assert report.failed == [(site.url("/loop"), "more than 3 redirects")]
    assert len(site.hits) == 4  # the first request and three redirects


def test_an_http_error_is_reported_with_its_status(site: Site, tmp_path: Path) -> None:
    site.routes["/gone"] = reply(b"<html>nope</html>", status=410)
    errors: list[tuple[str, str]] = []
    report = fetch_urls(
        [site.url("/missing"), site.url("/gone")],
        tmp_path,
        on_error=lambda u, r: errors.append((u, r)),
    )
    assert report.failed == [
        (site.url("/missing"), "HTTP 404 Not Found"),
        (site.url("/gone"), "HTTP 410 Gone"),
    ]
    assert errors == report.failed
    assert files_under(tmp_path) == []


def test_a_server_that_never_answers_times_out(site: Site, tmp_path: Path) -> None:
    def stall(h: BaseHTTPRequestHandler) -> None:
        site.release.wait(10)
        reply(PAGE)(h)

    site.routes["/slow"] = stall
    started = time.monotonic()
    report = fetch_urls([site.url("/slow")], tmp_path, timeout=0.5)
    assert report.failed == [(site.url("/slow"), "timed out after 0.5 s")]
    assert time.monotonic() - started < 1.5
    assert files_under(tmp_path) == []


def trickle(h: BaseHTTPRequestHandler, data: bytes) -> None:
    """Send ``data`` one byte every 0.2 s: no single read ever waits long."""
    for i in range(len(data)):
        h.wfile.write(data[i : i + 1])
        h.wfile.flush()
        time.sleep(0.2)


@pytest.mark.parametrize("part", ["body", "headers"])
def test_a_trickling_server_is_cut_at_the_deadline(site: Site, tmp_path: Path, part: str) -> None:
    def body(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "50")
        h.end_headers()
        h.wfile.flush()
        trickle(h, b"<html>" + b"x" * 44)

    def headers(h: BaseHTTPRequestHandler) -> None:
        trickle(h, b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"p" * 40)

    site.routes["/trickle"] = body if part == "body" else headers
    started = time.monotonic()
    report = fetch_urls([site.url("/trickle")], tmp_path, timeout=0.5)
    # Each byte comes well within the read timeout: only the overall deadline stops it
    # (the whole reply would take 10 s).
    assert report.failed == [(site.url("/trickle"), "timed out after 0.5 s")]
    assert time.monotonic() - started < 1.2
    assert files_under(tmp_path) == []


@pytest.mark.parametrize(
    "content_type", ["image/png", "application/json; charset=utf-8", "application/octet-stream"]
)
def test_a_body_the_product_cannot_read_is_refused(
    site: Site, tmp_path: Path, content_type: str
) -> None:
    site.routes["/thing"] = reply(b"\x89PNG\r\n\x1a\n....", content_type)
    report = fetch_urls([site.url("/thing")], tmp_path)
    [(_, reason)] = report.failed
    assert reason == f"{content_type.split(';')[0]} is not a kind of page this tool can read"
    assert files_under(tmp_path) == []


def test_a_declared_size_over_the_limit_is_refused_before_reading(
    site: Site, tmp_path: Path
) -> None:
    def huge(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(5 * 2**20))
        h.end_headers()
        h.wfile.write(b"<html>")
        h.wfile.flush()
        site.release.wait(10)  # a client reading the body would wait for the timeout

    site.routes["/huge"] = huge
    started = time.monotonic()
    report = fetch_urls([site.url("/huge")], tmp_path, max_bytes=2**20, timeout=2)
    assert report.failed == [(site.url("/huge"), "5 MB is over the 1 MB limit")]
    assert time.monotonic() - started < 1


def test_an_endless_body_without_a_length_is_cut_at_the_limit(site: Site, tmp_path: Path) -> None:
    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.end_headers()  # no Content-Length: the body ends when the connection does
        while not site.release.is_set():
            h.wfile.write(b"x" * 4096)

    site.routes["/endless"] = endless
    started = time.monotonic()
    report = fetch_urls([site.url("/endless")], tmp_path, max_bytes=1000, timeout=5)
    assert report.failed == [(site.url("/endless"), "over the 1000 B limit")]
    assert time.monotonic() - started < 2
    assert files_under(tmp_path) == []


def test_a_body_exactly_at_the_limit_is_saved(site: Site, tmp_path: Path) -> None:
    site.routes["/fits"] = reply(b"<html>" + b"x" * 994, "text/html")
    report = fetch_urls([site.url("/fits")], tmp_path, max_bytes=1000)
    assert [f.size for f in report.fetched] == [1000]


@pytest.mark.parametrize("body", [b"", b" \r\n\t"])
def test_an_empty_body_is_refused(site: Site, tmp_path: Path, body: bytes) -> None:
    site.routes["/empty"] = reply(body)
    report = fetch_urls([site.url("/empty")], tmp_path)
    assert report.failed == [(site.url("/empty"), "the server sent an empty page")]
    assert files_under(tmp_path) == []


def test_a_pdf_without_a_content_type_is_recognised_by_its_first_bytes(
    site: Site, tmp_path: Path
) -> None:
    site.routes["/files/annual%20report"] = reply(PDF, content_type=None)
    site.routes["/files/mystery"] = reply(b"just some bytes", content_type=None)
    report = fetch_urls([site.url("/files/annual%20report"), site.url("/files/mystery")], tmp_path)
    [pdf] = report.fetched
    assert pdf.content_type == "application/pdf"
    assert re.fullmatch(r"annual-report-[0-9a-f]{8}\.pdf", pdf.path.name)
    assert pdf.path.read_bytes() == PDF
    assert read_companion(pdf.path)["content_type"] == "application/pdf"  # type: ignore[index]
    assert report.failed == [
        (
            site.url("/files/mystery"),
            "the server sent no Content-Type, and the page is not HTML, PDF or DOCX",
        )
    ]


def test_one_bad_url_never_stops_the_others(site: Site, tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/x"
    site.routes["/a"] = reply(b"<html>a</html>")
    site.routes["/b.txt"] = reply(b"plain b\n", "text/plain")
    urls = [site.url("/a"), site.url("/missing"), "ftp://example.com/x", closed, site.url("/b.txt")]

    report = fetch_urls(urls, tmp_path)

    assert [f.url for f in report.fetched] == [site.url("/a"), site.url("/b.txt")]
    assert [f.path.read_bytes() for f in report.fetched] == [b"<html>a</html>", b"plain b\n"]
    assert report.fetched[1].path.suffix == ".txt"
    failed = dict(report.failed)
    assert list(failed) == [site.url("/missing"), "ftp://example.com/x", closed]
    assert failed["ftp://example.com/x"] == "not an http(s) URL"
    assert failed[closed].startswith("could not connect")


def test_a_failed_refetch_keeps_the_page_saved_before(site: Site, tmp_path: Path) -> None:
    site.routes["/page"] = reply(PAGE)
    [saved] = fetch_urls([site.url("/page")], tmp_path).fetched
    before = files_under(tmp_path)

    site.routes["/page"] = reply(PAGE * 100)  # now over the limit, read to the end
    report = fetch_urls([site.url("/page")], tmp_path, max_bytes=len(PAGE) * 10)

    assert report.failed and "over the" in report.failed[0][1]
    assert files_under(tmp_path) == before  # no partial or temporary file
    assert saved.path.read_bytes() == PAGE


def test_an_injected_client_is_used_and_left_open(tmp_path: Path) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/away":
            return httpx.Response(302, headers={"location": "file:///etc/passwd"})
        return httpx.Response(200, headers={"content-type": "text/markdown"}, content=b"# Hi\n")

    urls = ["https://Example.COM/notes/", "https://example.com/away"]
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        report = fetch_urls(urls, tmp_path, client=client, user_agent="t/1")
        assert not client.is_closed
    [page] = report.fetched
    assert sent[0].headers["user-agent"] == "t/1"
    # Without fetch_urls' own hook, a redirect comes back as a response: still refused.
    assert report.failed == [(urls[1], "redirected to a file: URL; only http(s) is followed")]
    assert page.path.parent.name == "example.com"
    assert re.fullmatch(r"notes-[0-9a-f]{8}\.md", page.path.name)


def test_read_url_list_skips_comments_and_blanks(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_bytes(
        b"\xef\xbb\xbf# sources for the storm story\r\n"
        b"https://example.com/a\r\n"
        b"\n"
        b"   # indented comment\n"
        b"  HTTP://Example.com/b?x=1  \n"
        b"\n"
    )
    assert read_url_list(listing) == ["https://example.com/a", "HTTP://Example.com/b?x=1"]


def test_read_url_list_names_the_line_that_is_not_a_url(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("# list\nhttps://example.com/a\n\nexample.com/b\nhttps://example.com/c\n")
    with pytest.raises(InputError) as caught:
        read_url_list(listing)
    message = str(caught.value)
    assert "\n" not in message
    assert message == f"{listing}, line 4: not an http(s) URL: example.com/b"


def test_read_url_list_of_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the URL list"):
        read_url_list(tmp_path / "nope.txt")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://example.com", True),
        ("https://example.com/a/b?c=d#e", True),
        ("HTTPS://EXAMPLE.com/", True),
        ("http://127.0.0.1:8080/x", True),
        ("http://[::1]/", True),
        ("ftp://example.com/x", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("example.com/page", False),
        ("http://", False),
        ("http:///path", False),
        ("https://exa mple.com/", False),
        ("http://example.com:port/", False),
        ("http://[::1/", False),
        (" http://example.com", False),
        ("", False),
    ],
)
def test_is_url(text: str, expected: bool) -> None:
    assert is_url(text) is expected


def test_read_companion_is_none_when_missing_or_invalid(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html></html>")
    assert read_companion(page) is None
    for content in ("{not json", "[1, 2]", '{"final_url": "https://x/"}', "\udcff"):
        companion_of(page).write_bytes(content.encode("utf-8", "surrogateescape"))
        assert read_companion(page) is None, content
    companion_of(page).write_text(json.dumps({"url": "https://x/", "size": 3}))
    assert read_companion(page) == {"url": "https://x/"}


def test_importing_the_module_does_not_import_httpx() -> None:
    code = "import sys, assistant.index.fetch; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_tls_failure_is_reported_as_such(site: Site, tmp_path: Path) -> None:
    site.routes["/"] = reply(PAGE)
    url = site.url("/").replace("http://", "https://")  # the site speaks plain HTTP
    report = fetch_urls([url], tmp_path, timeout=2)
    [(_, reason)] = report.failed
    assert reason.startswith("TLS error (") and "\n" not in reason
