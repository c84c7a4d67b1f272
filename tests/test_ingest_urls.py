"""`factcheck ingest URL...`: pages fetched from a local server, saved, ingested, cited.

Every failure (a timeout, a 404, a body that is no page, a redirect to another scheme,
a body over the size limit) is one warning line naming the URL, and nothing already in
the store is lost.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from assistant.app import FactCheck
from assistant.cli import app
from assistant.index.corpus import read_source_text
from assistant.web import create_app
from tests.conftest import own_settings
from tests.local_site import Site, redirect, reply
from tests.pile import write_pile

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One store, cache and fetch folder for the test, set as the CLI's environment."""
    monkeypatch.setenv("FACTCHECK_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("FACTCHECK_TEXT_CACHE", str(tmp_path / "documents"))
    monkeypatch.setenv("FACTCHECK_INGESTED_FOLDERS", str(tmp_path / "ingested.json"))
    monkeypatch.setenv("FACTCHECK_FETCH_DIR", str(tmp_path / "fetched"))
    return tmp_path


def _serve_pile(site: Site, tmp: Path) -> tuple[list, dict[str, str]]:
    files = write_pile(tmp / "originals")
    urls: dict[str, str] = {}
    types = {"html": "text/html", "pdf": "application/pdf"}
    for f in files:
        if f.kind in types:
            path = f"/news/{len(urls)}"
            site.routes[path] = reply((tmp / "originals" / f.name).read_bytes(), types[f.kind])
            urls[f.name] = site.url(path)
    return files, urls


def test_pages_fetched_by_url_are_saved_ingested_and_cited_with_their_address(
    site: Site, env: Path
) -> None:
    _files, urls = _serve_pile(site, env)
    result = runner.invoke(app, ["ingest", *urls.values(), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["skipped"] == [] and data["files"] == len(urls)
    assert sorted(f["url"] for f in data["fetched"]) == sorted(urls.values())
    for f in data["fetched"]:
        saved = Path(f["path"])
        assert saved.is_file() and (env / "fetched") in saved.parents
    # Every User-Agent says who is asking.
    assert all(ua.startswith("factcheck-assistant/") for _, ua in site.hits)

    fc = FactCheck(own_settings(env))
    answer = fc.ask("How many people died in the fire?", mode="extractive")
    assert answer.citations
    saved = {Path(f["path"]).name: f["url"] for f in data["fetched"]}
    for cit in answer.citations:
        path = next(Path(f["path"]) for f in data["fetched"] if Path(f["path"]).name == cit.source)
        assert read_source_text(path)[cit.start : cit.end] == cit.quote
        assert cit.url == saved[cit.source]  # the address it was fetched from
        assert cit.outlet or cit.author

    # On the web page, a citation of a fetched page opens the original at the quote.
    client = TestClient(create_app(fc.settings, factcheck=fc), base_url="http://127.0.0.1")
    page = client.get("/ask", params={"q": "How many people died in the fire?"})
    assert page.status_code == 200
    assert f'href="{answer.citations[0].url}#:~:text=' in page.text


def test_each_failed_url_is_one_warning_and_nothing_ingested_is_lost(
    site: Site, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = env / "local"
    files = write_pile(local)
    text_file = next(f for f in files if f.kind == "text" and f.outlet)
    only = env / "only"
    only.mkdir()
    (only / text_file.name).write_bytes((local / text_file.name).read_bytes())
    first = runner.invoke(app, ["ingest", str(only), "--json"])
    assert first.exit_code == 0, first.output
    before = json.loads(first.stdout)["chunks"]

    def slow(h: BaseHTTPRequestHandler) -> None:
        site.release.wait(5)

    site.routes["/slow"] = slow
    site.routes["/image"] = reply(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")
    site.routes["/to-file"] = redirect("file:///etc/passwd")
    site.routes["/huge"] = reply(b"<html><body><p>" + b"word " * 40_000 + b"</p></body></html>")
    bad = {
        "/slow": "timed out",
        "/missing": "404",
        "/image": "image/png",
        "/to-file": "file:",
        "/huge": "limit",
    }
    monkeypatch.setenv("FACTCHECK_FETCH_TIMEOUT", "0.5")
    monkeypatch.setenv("FACTCHECK_MAX_FILE_MB", "0.05")
    t0 = time.monotonic()
    result = runner.invoke(app, ["ingest", *(site.url(p) for p in bad)])
    assert time.monotonic() - t0 < 10
    assert result.exit_code == 1  # nothing could be fetched: a user error, in one line
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    warnings = [line for line in lines if line.startswith("warning: could not fetch ")]
    assert len(warnings) == len(bad)
    for path, says in bad.items():
        assert any(site.url(path) in w and says in w for w in warnings), (path, warnings)
    assert lines[-1].startswith("error: ") and "Traceback" not in result.output
    assert len(lines) == len(bad) + 1

    # The store answers as before: its article is still there and still cited.
    info = json.loads(runner.invoke(app, ["info", "--json"]).stdout)
    assert info["chunks"] == before and info["files"] == 1
    answer = FactCheck(own_settings(env)).ask(text_file.body_sentences[0], mode="extractive")
    assert any(c.source == text_file.name for c in answer.citations)


def test_good_and_bad_urls_together_and_a_url_list(site: Site, env: Path) -> None:
    _files, urls = _serve_pile(site, env)
    listing = env / "urls.txt"
    good = list(urls.values())[:2]
    listing.write_text(
        "# pages to check\n\n" + "\n".join(good) + "\n" + site.url("/gone") + "\n", "utf-8"
    )
    result = runner.invoke(app, ["ingest", "--urls", str(listing), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["files"] == 2 and len(data["fetched"]) == 2
    assert [s["url"] for s in data["skipped"]] == [site.url("/gone")]
    assert "HTTP 404" in data["skipped"][0]["reason"]
    assert "warning: could not fetch" in result.stderr

    broken = env / "broken.txt"
    broken.write_text(good[0] + "\nftp://example.org/x\n", "utf-8")
    result = runner.invoke(app, ["ingest", "--urls", str(broken)])
    assert result.exit_code == 1
    assert "line 2" in result.stderr and "Traceback" not in result.output
