"""The ingest manifest, the keyword index's markers, crashes and concurrent writers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.app import FactCheck
from assistant.errors import StoreBusyError
from assistant.index import folder as folder_module
from assistant.index import ingest as ingest_module
from assistant.index.chunking import chunk_text
from assistant.reasoning.citations import Citation
from assistant.settings import Settings
from tests.conftest import ROOT, HashEmbeddings


def _fc(tmp_path: Path, emb) -> FactCheck:
    return FactCheck(Settings(store=tmp_path / "store"), embeddings=emb)


def _worker(store: Path, corpus: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.ingest_worker", str(store), str(corpus), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _expected_chunks(corpus: Path) -> dict[str, str]:
    """Chunk id -> text, chunked afresh from the files on disk."""
    out = {}
    for path in sorted(corpus.iterdir()):
        text = path.read_bytes().decode("utf-8")
        out.update({c.id: c.text for c in chunk_text(path.name, text)})
    return out


def _assert_store_matches(fc: FactCheck, corpus: Path) -> None:
    stored = {c.id: c.text for c in fc.store.all_chunks()}
    assert stored == _expected_chunks(corpus)
    assert fc.store.keywords.ids() == set(stored)
    for c in fc.store.all_chunks():
        text = (corpus / c.source).read_bytes().decode("utf-8")
        assert text[c.start : c.end] == c.text


def _change_and_add(corpus: Path) -> None:
    """Edit one article and add three new ones, so the next ingest has work to do."""
    first = sorted(corpus.iterdir())[0]
    first.write_text(first.read_text("utf-8").replace("the", "that one"), "utf-8")
    for i in range(3):
        body = "\n\n".join(
            f"Officials in town {i}-{p} said {p + 2} workers were hurt on day {p}."
            for p in range(12)
        )
        (corpus / f"new_{i}.txt").write_text(f"New report {i}\n\n{body}\n", "utf-8")


def test_an_unchanged_corpus_is_not_chunked_again(tmp_path, corpus, fake_embeddings, monkeypatch):
    fc = _fc(tmp_path, fake_embeddings)
    first = fc.ingest([corpus])

    def no_chunking(*args, **kwargs):
        raise AssertionError("an unchanged file was chunked again")

    monkeypatch.setattr(ingest_module, "chunk_text", no_chunking)
    again = fc.ingest([corpus])
    assert (again.unchanged_files, again.embedded, again.removed) == (5, 0, 0)
    assert again.chunks == first.chunks


def test_only_the_changed_file_is_chunked(tmp_path, corpus, fake_embeddings, monkeypatch):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    target = sorted(corpus.iterdir())[2]
    target.write_text(target.read_text("utf-8") + "\nA late line was added.\n", "utf-8")
    chunked: list[str] = []
    real = ingest_module.chunk_text

    def counting(source, text, **kwargs):
        chunked.append(source)
        return real(source, text, **kwargs)

    monkeypatch.setattr(ingest_module, "chunk_text", counting)
    report = fc.ingest([corpus])
    assert chunked == [target.name]
    assert report.unchanged_files == 4 and report.embedded >= 1
    _assert_store_matches(fc, corpus)


def test_a_local_index_is_refreshed_after_another_writer_changed_the_store(
    tmp_path, corpus, fake_embeddings
):
    """Two machines sharing a Chroma server each keep a local keyword index: the
    collection's generation tells a machine that its copy is out of date, even when
    the number of chunks did not change."""
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    stale = tmp_path / "stale.sqlite3"
    fc.store.keywords.close()
    shutil.copy(fc.store.keyword_path, stale)
    fc._reset()

    target = sorted(corpus.iterdir())[1]
    words = target.read_text("utf-8")
    target.write_text(words.replace("Syria", "Zanzibar", 1), "utf-8")
    count_before = fc.store.count()
    fc.ingest([corpus])
    assert fc.store.count() == count_before  # same size: only the generation tells
    fc.store.keywords.close()
    fc._reset()
    shutil.copy(stale, fc.store.keyword_path)  # this machine's out-of-date copy

    fresh = _fc(tmp_path, fake_embeddings)
    hits = fresh.store.keywords.search("Zanzibar", 3)
    assert hits and hits[0][0].source == target.name


def test_sigkill_part_way_then_the_next_ingest_completes(tmp_path, corpus, fake_embeddings):
    store = tmp_path / "store"
    done = _worker(store, corpus)
    assert done.wait(60) == 0, done.stderr.read()
    _change_and_add(corpus)

    killed = _worker(store, corpus, "--batch", "8", "--kill-after", "2")
    killed.wait(60)
    assert killed.returncode == -9  # SIGKILL: no clean-up ran

    # The half-written store still answers, and only with quotes found in the files.
    fc = _fc(tmp_path, fake_embeddings)
    result = fc.ask("How many workers were hurt?", mode="extractive")
    for cite in result.citations:
        assert isinstance(cite, Citation)
        text = (corpus / cite.source).read_bytes().decode("utf-8")
        assert text[cite.start : cite.end] == cite.quote

    fc.ingest([corpus])
    _assert_store_matches(fc, corpus)
    assert fc.store.keywords.get_marker("dirty") == "0"


def test_info_after_a_sigkill_counts_the_files_that_have_chunks(tmp_path, corpus):
    """Issue 21, C2: `info` said `files: 0` beside the chunks a killed first ingest left."""
    import json

    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.index.info import inspect_store

    store = tmp_path / "store"
    killed = _worker(store, corpus, "--batch", "8", "--kill-after", "2")
    killed.wait(60)
    assert killed.returncode == -9
    about = inspect_store(Settings(store=store))
    fc = _fc(tmp_path, HashEmbeddings())
    have_chunks = {(c.root, c.source) for c in fc.store.all_chunks()}
    assert about.chunks == 16 and about.files == len(have_chunks) > 0
    assert about.unfinished_ingest and about.complete_files == 0
    shown = CliRunner().invoke(app, ["info", "--store", str(store)])
    assert "did not finish" in shown.stdout, shown.output
    data = json.loads(CliRunner().invoke(app, ["info", "--store", str(store), "--json"]).stdout)
    assert (data["files"], data["complete_files"], data["unfinished_ingest"]) == (
        len(have_chunks),
        0,
        True,
    )

    fc.ingest([corpus])  # finishing the work leaves nothing unfinished to report
    about = inspect_store(Settings(store=store))
    assert about.files == about.complete_files == len(list(corpus.iterdir()))
    assert not about.unfinished_ingest


def _wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def test_a_second_ingest_waits_for_the_first(tmp_path, corpus):
    store, ready, go = tmp_path / "store", tmp_path / "ready", tmp_path / "go"
    first = _worker(store, corpus, "--ready", str(ready), "--go", str(go))
    _wait_for(ready)  # the first holds the lock, mid-ingest
    second = _worker(store, corpus)
    assert second.stderr.readline().strip() == "waiting"
    go.touch()
    assert first.wait(120) == 0, first.stderr.read()
    assert second.wait(120) == 0, second.stderr.read()
    assert "0 embedded" in second.stdout.read()  # the first did the work; the second found it done


def test_a_second_ingest_gives_up_with_one_line_when_the_store_stays_busy(
    tmp_path, corpus, fake_embeddings, monkeypatch
):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    count = fc.store.count()
    monkeypatch.setattr(folder_module, "LOCK_WAIT_SECONDS", 0.2)
    with fc.store.lock():
        other = _fc(tmp_path, fake_embeddings)
        with pytest.raises(StoreBusyError, match="another factcheck ingest"):
            other.ingest([corpus])
    assert _fc(tmp_path, fake_embeddings).store.count() == count


def test_concurrent_ingests_leave_a_consistent_store(tmp_path, corpus):
    store = tmp_path / "store"
    _change_and_add(corpus)
    runs = [_worker(store, corpus, "--batch", "8") for _ in range(3)]
    for run in runs:
        assert run.wait(120) == 0, run.stderr.read()
    _assert_store_matches(FactCheck(Settings(store=store), embeddings=HashEmbeddings()), corpus)
