"""Issue 12, rows 1-3, 12 and part of 15: sources that share a name, stores that cannot
be written, full disks, damaged stores, odd trees and a store path that is a file.

"One line" is one message on stderr, a non-zero exit, no traceback and no "unexpected".
Tests run as root here, which chmod cannot deny, so read-only stores are faked (the
refusal Chroma gives on a read-only folder, and ``os.access`` saying no), and one test
uses a real read-only bind mount when the machine allows it.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.app import FactCheck
from assistant.cli import app
from assistant.errors import DiskFullError, StoreReadOnlyError
from assistant.index.store import Store
from assistant.reasoning.citations import Citation, SourceReader
from assistant.settings import Settings
from tests.conftest import HashEmbeddings

runner = CliRunner()

OPENING = "Harbour report\n\nThe harbour authority issued a statement on Tuesday morning.\n\n"


def _fc(tmp_path: Path, emb: HashEmbeddings | None = None) -> FactCheck:
    return FactCheck(Settings(store=tmp_path / "store"), embeddings=emb or HashEmbeddings())


def _one_line(result, *, contains: str) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert contains in lines[0], lines[0]
    assert "Traceback" not in result.output and "unexpected" not in result.output
    return lines[0]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its hash: to show that nothing was written."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -- row 1: a source is its folder and its path ------------------------------------------


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders, each with a report.txt that opens the same way and differs after."""
    a, b = tmp_path / "north", tmp_path / "south"
    for folder, figure in ((a, "11"), (b, "17")):
        folder.mkdir()
        (folder / "report.txt").write_text(
            OPENING + f"The coast guard said {figure} sailors were rescued from the ferry.\n",
            "utf-8",
        )
    return a, b


def test_two_folders_with_a_file_of_one_name_are_two_articles(tmp_path, twins):
    a, b = twins
    fc = _fc(tmp_path)
    first = fc.ingest([a, b])

    keys = set(fc.store.sources())
    assert keys == {(str(a.resolve()), "report.txt"), (str(b.resolve()), "report.txt")}
    assert first.files == 2 and fc.store.count() == first.chunks
    again = fc.ingest([a, b])
    assert again.embedded == 0 and again.removed == 0 and again.unchanged_files == 2

    # Each folder's passage verifies against its own file, not the other's.
    for folder, figure in ((a, "11"), (b, "17")):
        hit = next(h for h in fc.search(f"{figure} sailors rescued", 5) if figure in h.chunk.text)
        assert hit.chunk.root == str(folder.resolve())
        cited = SourceReader().cite(1, hit.chunk.text, hit.chunk)
        assert isinstance(cited, Citation)
        text = (folder / cited.source).read_bytes().decode("utf-8")
        assert text[cited.start : cited.end] == cited.quote and figure in cited.quote


def test_ingesting_one_folder_keeps_the_same_named_file_of_another(tmp_path, twins):
    a, b = twins
    fc = _fc(tmp_path)
    fc.ingest([a])
    fc.ingest([b])
    report = fc.ingest([a])  # a's listing must not drop b's report.txt, nor re-embed it

    assert report.removed == 0 and report.removed_files == []
    assert {root for root, _ in fc.store.sources()} == {str(a.resolve()), str(b.resolve())}
    answer = fc.ask("How many sailors were rescued?", mode="extractive")
    quotes = " ".join(c.quote for c in answer.citations)
    assert "11" in quotes or "17" in quotes


def test_a_file_removed_from_an_ingested_folder_is_named_in_the_closing_line(tmp_path, corpus):
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["ingest", str(corpus), "--store", store]).exit_code == 0
    gone = corpus / "002_faa697fe5f1559cb.txt"
    gone.unlink()

    result = runner.invoke(app, ["ingest", str(corpus), "--store", store])

    assert result.exit_code == 0, result.output
    closing = result.stdout.strip().splitlines()[-1]
    assert "removed 1 file" in closing and str(gone) in closing


# -- row 2: a store that cannot be written still answers ---------------------------------


def _make_read_only(monkeypatch: pytest.MonkeyPatch, store: Path) -> None:
    """Make ``store`` behave as a read-only folder does for a user who is not root.

    ``os.access`` says no to writing it, and Chroma fails as it does on such a folder
    (Chroma 1.x writes to its database whenever it opens one).
    """
    import chromadb
    from chromadb.errors import InternalError

    real_access, real_client = os.access, chromadb.PersistentClient
    inside = str(store.resolve())

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and str(Path(path).resolve()).startswith(inside):
            return False
        return real_access(path, mode, *args, **kwargs)

    def client(path, *args, **kwargs):
        if str(Path(path).resolve()) == inside:
            raise InternalError(
                "error returned from database: (code: 8) attempt to write a readonly database"
            )
        return real_client(path, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(chromadb, "PersistentClient", client)


def test_a_read_only_store_still_answers_and_is_never_written(built, corpus, monkeypatch):
    gc.collect()  # the fixture's own connections close (and checkpoint) now, not later
    before = _snapshot(built)
    _make_read_only(monkeypatch, built)

    for command in (
        ["ask", "Who said 5 were killed?"],
        ["search", "Wagner Group"],
        ["check", "Russia's Defense Ministry confirmed 200 deaths"],
    ):
        result = runner.invoke(app, [*command, "--store", str(built)])
        assert result.exit_code in (0, 3), result.output
        assert ".txt:" in result.stdout and "corrupt" not in result.output

    line = _one_line(
        runner.invoke(app, ["ingest", str(corpus), "--store", str(built)]), contains="read-only"
    )
    assert "corrupt" not in line and "--rebuild" not in line
    assert _snapshot(built) == before  # no lock file, marker or repair was written


def test_a_read_only_store_refuses_writes_with_a_read_only_error(tmp_path, corpus, monkeypatch):
    fc = _fc(tmp_path)
    fc.ingest([corpus])
    _make_read_only(monkeypatch, tmp_path / "store")
    fresh = _fc(tmp_path)
    assert fresh.search("Wagner Group", 3)
    with pytest.raises(StoreReadOnlyError, match="read-only") as caught:
        fresh.ingest([corpus])
    assert "corrupt" not in str(caught.value) and "--rebuild" not in str(caught.value)


def _can_bind_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_bind_mount(), reason="needs root and mount namespaces (unshare -m)")
def test_a_store_on_a_real_read_only_mount_answers(built, tmp_path):
    seen = tmp_path / "readonly-view"
    seen.mkdir()
    script = (
        f"mount --bind {built} {seen} && mount -o remount,bind,ro {seen} && "
        f"exec {sys.executable} -m assistant search 'Wagner Group' --store {seen}"
    )
    # A private mount namespace: the mount vanishes with the process.
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr
    assert ".txt:" in result.stdout and "corrupt" not in result.stderr


def _read_only_by_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make Chroma and ``os.access`` heed a folder's mode bits as they do for a non-root user.

    Root writes files whatever their mode, so a store made read-only with ``chmod -R a-w``
    would open; a user who is not root gets Chroma's refusal, for the store and for any
    copy of it that kept its modes.
    """
    import chromadb
    from chromadb.errors import InternalError

    real_access, real_client = os.access, chromadb.PersistentClient

    def denied(path: Path) -> bool:
        return any(
            p.exists() and not p.stat().st_mode & stat.S_IWUSR
            for p in (path, path / "chroma.sqlite3")
        )

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and denied(Path(path)) and Path(path).is_dir():
            return False
        return real_access(path, mode, *args, **kwargs)

    def client(path, *args, **kwargs):
        if denied(Path(path)):
            raise InternalError(
                "error returned from database: (code: 8) attempt to write a readonly database"
            )
        return real_client(path, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(chromadb, "PersistentClient", client)


def _chmod_tree(folder: Path, *, write: bool) -> None:
    for p in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        p.chmod(mode | stat.S_IWUSR if write else mode & ~0o222)


def test_authored_a_store_made_read_only_with_chmod_answers_without_damaged(built, monkeypatch):
    # Issue 21, R1: the private copy kept the store's read-only modes, so Chroma could
    # not open the copy either, and a healthy store was called "possibly damaged".
    gc.collect()
    _chmod_tree(built, write=False)
    try:
        before = _snapshot(built)
        _read_only_by_mode(monkeypatch)
        for command in (
            ["ask", "Who said 5 were killed?"],
            ["search", "Wagner Group"],
            ["check", "Russia's Defense Ministry confirmed 200 deaths"],
        ):
            result = runner.invoke(app, [*command, "--store", str(built)])
            assert result.exit_code in (0, 3), result.output
            assert ".txt:" in result.stdout and "damaged" not in result.output
        info = runner.invoke(app, ["info", "--store", str(built)])
        assert info.exit_code == 0 and "damaged" not in info.output
        assert "problem" not in info.output and "contents:" in info.output
        assert _snapshot(built) == before
    finally:
        _chmod_tree(built, write=True)


def _can_drop_capabilities() -> bool:
    """Whether a child can run as root without the powers that ignore file modes."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    probe = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_drop_capabilities(), reason="needs root and setpriv")
def test_a_store_made_read_only_with_chmod_answers_for_a_user_who_cannot_write_it(built, tmp_path):
    # A real refusal: root without CAP_DAC_OVERRIDE is held to the modes, as a user is.
    gc.collect()
    _chmod_tree(built, write=False)
    try:
        before = _snapshot(built)
        env = {**os.environ, "TMPDIR": str(tmp_path)}
        powerless = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", sys.executable]
        for command in (
            ["ask", "Who said 5 were killed?"],
            ["search", "Wagner Group"],
            ["check", "Russia's Defense Ministry confirmed 200 deaths"],
            ["info"],
        ):
            result = subprocess.run(
                [*powerless, "-m", "assistant", *command, "--store", str(built)],
                capture_output=True,
                text=True,
                cwd=Path(__file__).resolve().parents[1],
                env=env,
            )
            assert result.returncode in (0, 3), result.stderr
            assert "damaged" not in result.stdout + result.stderr
            assert "problem" not in result.stdout and "Traceback" not in result.stderr
            if command == ["info"]:
                assert "contents:" in result.stdout
        assert _snapshot(built) == before
    finally:
        _chmod_tree(built, write=True)


# -- row 3: a full disk ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        sqlite3.OperationalError("database or disk is full"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
    ids=["sqlite", "oserror"],
)
def test_a_full_disk_during_ingest_is_one_line_and_the_store_answers_as_before(
    tmp_path, corpus, monkeypatch, fault
):
    fc = _fc(tmp_path)
    fc.ingest([corpus])
    before = [(h.chunk.id, h.score) for h in fc.search("Wagner Group fighters", 5)]
    count = fc.store.count()
    (corpus / "new.txt").write_text("New\n\nOfficials said 7 soldiers were hurt.\n", "utf-8")
    real_add = Store.add

    def add_then_fill_the_disk(self, chunks, vectors):
        real_add(self, chunks, vectors)  # written, then the disk fills up
        raise fault

    monkeypatch.setattr(Store, "add", add_then_fill_the_disk)
    with pytest.raises(DiskFullError, match="no space left on"):
        _fc(tmp_path).ingest([corpus])
    monkeypatch.undo()

    after = _fc(tmp_path)
    assert after.store.count() == count  # what the failed run added was taken out
    assert [(h.chunk.id, h.score) for h in after.search("Wagner Group fighters", 5)] == before
    assert all(c.source != "new.txt" for c in after.store.all_chunks())
    assert after.ingest([corpus]).embedded == 1  # the next run, with room, finishes it


def test_a_full_disk_is_one_line_in_the_cli(built, corpus, monkeypatch):
    (corpus / "new.txt").write_text("New\n\nOfficials said 7 soldiers were hurt.\n", "utf-8")

    def full(self, chunks, vectors):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "add", full)
    _one_line(
        runner.invoke(app, ["ingest", str(corpus), "--store", str(built)]),
        contains="no space left on",
    )
    monkeypatch.undo()
    answer = runner.invoke(app, ["search", "Wagner Group", "--store", str(built)])
    assert answer.exit_code == 0 and ".txt:" in answer.stdout


# -- row 12: the store folder is private -------------------------------------------------


def test_an_existing_store_folder_is_made_private_on_first_write(tmp_path, corpus):
    store = tmp_path / "store"
    store.mkdir(mode=0o755)
    os.chmod(store, 0o755)  # as a user's mkdir (umask 022) makes it
    _fc(tmp_path).ingest([corpus])
    assert stat.S_IMODE(store.stat().st_mode) == 0o700


def test_a_store_folder_that_cannot_be_made_private_is_warned_about(tmp_path, corpus, monkeypatch):
    store = tmp_path / "store"
    store.mkdir()
    os.chmod(store, 0o755)
    real_chmod = os.chmod

    def chmod(path, mode, *args, **kwargs):
        if Path(path) == store:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        return real_chmod(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", chmod)
    report = _fc(tmp_path).ingest([corpus])
    assert report.files == 5
    assert f"warning: the store folder {store} can be read by other users" in report.summary()
    assert f"chmod 700 {store}" in report.summary()


# -- row 15: one line for damaged stores, odd trees, a store path that is a file ------------


class PanicException(BaseException):
    """Stands in for ``pyo3_runtime.PanicException`` (a BaseException, like the real one)."""


PANIC = "thread '<unnamed>' panicked at rust/sqlite/src/db.rs:42:5: called `Result::unwrap()`"


def test_a_panic_while_opening_the_store_is_one_line_without_the_panic_text(built, monkeypatch):
    def panics(path):
        raise PanicException(PANIC)

    monkeypatch.setattr("assistant.index.connection.persistent_client", panics)
    line = _one_line(
        runner.invoke(app, ["search", "Wagner", "--store", str(built)]), contains="--rebuild"
    )
    assert "panicked" not in line and "unwrap" not in line


def test_a_panic_while_reading_the_store_is_one_line_without_the_panic_text(built, monkeypatch):
    from chromadb.api.models.Collection import Collection

    def panics(self, *args, **kwargs):
        raise PanicException(PANIC)

    monkeypatch.setattr(Collection, "query", panics)
    line = _one_line(
        runner.invoke(app, ["search", "Wagner", "--store", str(built)]), contains="--rebuild"
    )
    assert "panicked" not in line


def test_a_damaged_table_in_chroma_sqlite3_is_one_line(built):
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # as a new process would, open it afresh
    with sqlite3.connect(built / "chroma.sqlite3") as db:
        db.execute("DROP TABLE embeddings_queue")
    for command in (["search", "Wagner"], ["claims"]):
        _one_line(runner.invoke(app, [*command, "--store", str(built)]), contains="--rebuild")


def test_a_file_with_a_non_utf8_name_is_skipped_and_the_rest_ingested(tmp_path, corpus):
    bad = os.fsencode(corpus) + b"/caf\xe9-report.txt"
    with open(bad, "wb") as f:
        f.write(b"Cafe report\n\nOfficials said 9 people were hurt.\n")

    result = runner.invoke(app, ["ingest", str(corpus), "--store", str(tmp_path / "store")])

    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and "caf\\xe9-report.txt" in warnings[0]
    assert "not valid UTF-8" in warnings[0]
    assert "Ingested 5 files" in result.stdout


def _remove_deep(top: Path) -> None:
    """Delete a tree too deep for ``shutil.rmtree`` (which recurses), deepest first.

    Left in place, it would make pytest's own clean-up of old temporary folders fail
    with RecursionError in a later session.
    """
    stack = [str(top)]
    while stack:
        with os.scandir(stack[-1]) as entries:
            listed = list(entries)
        folders = [e.path for e in listed if e.is_dir(follow_symlinks=False)]
        for e in listed:
            if not e.is_dir(follow_symlinks=False):
                os.unlink(e.path)
        if folders:
            stack.extend(folders)
        else:
            os.rmdir(stack.pop())


@pytest.fixture
def deep_tree(corpus: Path):
    """1,100 nested folders in the corpus, an article at the bottom; removed afterwards."""
    deep = corpus / "deep"
    deep.mkdir()
    here = os.getcwd()
    os.chdir(deep)
    try:  # relative mkdirs: a path of 1,100 parts is never spelled out at once
        for _ in range(1100):
            os.mkdir("d")
            os.chdir("d")
        Path("bottom.txt").write_text("Bottom\n\nOfficials said 8 divers were found.\n", "utf-8")
    finally:
        os.chdir(here)
    yield deep
    _remove_deep(deep)


def test_1100_nested_folders_are_walked_without_recursion(tmp_path, corpus, deep_tree):
    result = runner.invoke(app, ["ingest", str(corpus), "--store", str(tmp_path / "store")])

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    assert "Ingested 6 files" in result.stdout


def test_a_chroma_server_lost_mid_ingest_is_one_line(tmp_path, corpus, monkeypatch):
    import httpx

    from assistant.index import connection

    backing = tmp_path / "server-data"  # a local client stands in for the server
    monkeypatch.setattr(
        connection.ChromaServer, "client", lambda self: connection.persistent_client(backing)
    )

    def killed(self, chunks, vectors):
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    monkeypatch.setattr(Store, "add", killed)
    settings = ["--store", str(tmp_path / "store"), "--chroma-url", "http://127.0.0.1:9"]
    line = _one_line(
        runner.invoke(app, ["ingest", str(corpus), *settings]), contains="Chroma server"
    )
    assert "factcheck ingest" in line and "RemoteProtocolError" in line


@pytest.mark.parametrize(
    "command", [["ingest", "articles"], ["search", "Wagner"], ["ask", "Who won?"], ["info"]]
)
def test_a_store_path_that_is_a_file_is_one_line(tmp_path, command):
    # Not in a folder with ./seeds: there the CLI would first announce ingesting them.
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("A\n\nOfficials said 3 were hurt.\n", "utf-8")
    store = tmp_path / "not-a-folder"
    store.write_text("I am a file\n", "utf-8")
    result = runner.invoke(app, [*command, "--store", str(store)])
    if command == ["info"]:
        assert "is a file, not a folder" in result.output and "Traceback" not in result.output
    else:
        _one_line(result, contains="is a file, not a folder")
    assert store.read_text("utf-8") == "I am a file\n"
