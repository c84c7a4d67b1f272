"""Chroma server mode against a real `chroma run` on 127.0.0.1 (the server in the wheel)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.index.connection import ChromaServer
from tests.conftest import SEEDS

runner = CliRunner()
# The tests talk to the local server they start, and to nothing else.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip("the chroma CLI is not installed beside this Python")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port",
         str(port)],
        stdout=log, stderr=subprocess.STDOUT,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ChromaServer(url).client().heartbeat()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"chroma run did not start: {(data / 'server.log').read_text()[-2000:]}"
                    ) from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_ingest_ask_and_claims_against_a_chroma_server(chroma_url, tmp_path):
    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    url = ["--chroma-url", chroma_url]

    first = runner.invoke(app, ["ingest", str(corpus), *url])
    assert first.exit_code == 0, first.output
    assert "Ingested 5 files" in first.stdout
    again = runner.invoke(app, ["ingest", str(corpus), *url, "--json"])
    assert json.loads(again.stdout)["embedded"] == 0  # incremental on the server too
    # No vectors locally: only the keyword index, a cache the server's contents rebuild.
    local = tmp_path / "store"
    assert not (local / "chroma.sqlite3").exists()
    assert [p.name.startswith("keyword-") for p in local.glob("*.sqlite3")] == [True]

    answer = runner.invoke(app, ["ask", "Who said 5 were killed?", *url, "--json"])
    assert answer.exit_code == 0, answer.output
    data = json.loads(answer.stdout)
    assert "Foreign Ministry" in data["answer"]
    for c in data["citations"]:
        text = (corpus / c["source"]).read_bytes().decode("utf-8")
        assert text[c["start"] : c["end"]] == c["quote"]

    claims = runner.invoke(app, ["claims", *url, "--json"])
    assert claims.exit_code == 0, claims.output
    rows = json.loads(claims.stdout)["claims"]
    assert rows and all(row["citations"] for row in rows)


def test_an_unreachable_server_is_one_line():
    result = runner.invoke(app, ["ask", "Who?", "--chroma-url", f"http://127.0.0.1:{_free_port()}"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach the Chroma server" in lines[0]


def test_the_token_goes_in_the_chosen_header(monkeypatch):
    seen = {}
    monkeypatch.setattr("chromadb.HttpClient", lambda **kw: seen.update(kw) or object())
    ChromaServer("https://chroma.example:9000", "s3cret").client()
    assert seen["headers"] == {"Authorization": "Bearer s3cret"} and seen["ssl"] is True
    assert seen["port"] == 9000 and seen["host"] == "chroma.example"
    ChromaServer("http://h", "s3cret", "X-Chroma-Token").client()
    assert seen["headers"] == {"X-Chroma-Token": "s3cret"} and seen["port"] == 8000


def test_a_servers_record_of_folders_stays_on_this_machine(chroma_url, tmp_path, monkeypatch):
    """Issue 21, S1: the server is shared, so what may be read is recorded locally, not there.

    Kept beside the keyword index in the local store folder, one record per server and
    collection: another HOME on this machine answers the same; another machine (another
    local folder) reads nothing until its user ingests the folder there.
    """
    from assistant.app import FactCheck
    from assistant.settings import Settings
    from tests.conftest import HashEmbeddings

    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    emb = HashEmbeddings()
    question = "Who said 5 were killed?"

    def fc(local: str) -> FactCheck:
        settings = Settings(store=tmp_path / local, chroma_url=chroma_url, collection="records")
        return FactCheck(settings, embeddings=emb)

    fc("here").ingest([corpus])
    assert [p.name.startswith("ingested-folders-") for p in (tmp_path / "here").glob("*.json")] == [
        True
    ]
    before = fc("here").ask(question, "extractive")
    assert before.citations and not before.notices
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "another-home"))
    after = fc("here").ask(question, "extractive")
    assert after.answer == before.answer and not after.notices
    elsewhere = fc("another-machine").ask(question, "extractive")
    assert not elsewhere.citations
    assert any("not under a folder ingested on this machine" in n for n in elsewhere.notices)
