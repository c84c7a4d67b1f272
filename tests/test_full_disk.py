"""Issue 21, rows D1-D3: a disk that fills up during an ingest, and a store on a full disk.

A full-disk ingest, wherever the disk fills (Chroma's upsert, Chroma's compaction, the
keyword index), ends in one line (exit 1), takes its own chunks back out, gives back the
room it took, and leaves the store answering as before; a store on a full disk can
still be read.

Two kinds of test:
- **authored**: a disk emulated in code (:class:`AuthoredDisk`: its free bytes, the
  ingest's reserve, and the refusals Chroma and SQLite give once it is full, in their
  own words), which runs everywhere and fills at the chosen place;
- **real**: a small tmpfs mounted for the test and filled by a second file at the chosen
  moment. Mounting needs root; where it is refused these are skipped with the reason.
"""

from __future__ import annotations

import errno
import gc
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.app import FactCheck
from assistant.cli import app
from assistant.errors import DiskFullError
from assistant.index import space
from assistant.index.connection import forget_client
from assistant.settings import Settings
from tests.conftest import HashEmbeddings

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]

# The refusals as Chroma 1.5 and SQLite word them (seen on a full tmpfs).
CHROMA_FULL = (
    "Query error: Database error: error returned from database: (code: 13) database or disk is full"
)
COMPACTION = "Error in compaction: Failed to apply logs to the metadata segment"

PLACES = ("Varnholt", "Quillby", "Ostermere", "Drussel", "Kaleth", "Penwick", "Morrow Fen")
BODIES = ("harbour board", "river council", "county coroner", "ferry operator", "fire service")
THINGS = ("boats", "homes", "workers", "bridges", "passengers", "lorries", "sheep")
VERBS = ("damaged", "evacuated", "counted", "rescued", "stranded", "inspected")


def write_reports(folder: Path, articles: int, paragraphs: int = 6) -> Path:
    """Invented storm reports, each paragraph of five sentences with its own figures."""
    folder.mkdir(parents=True, exist_ok=True)
    for a in range(articles):
        lines = [f"Storm report {a} from {PLACES[a % len(PLACES)]}", ""]
        for p in range(paragraphs):
            sentences = []
            for s in range(5):
                k = a * 131 + p * 17 + s * 7
                sentences.append(
                    f"The {BODIES[k % len(BODIES)]} in {PLACES[(k // 3) % len(PLACES)]} said "
                    f"{(k * 37) % 900 + 2} {THINGS[k % len(THINGS)]} were "
                    f"{VERBS[(k // 5) % len(VERBS)]} after the storm on day {k % 28 + 1}."
                )
            lines += [" ".join(sentences), ""]
        (folder / f"report-{a:03d}.txt").write_text("\n".join(lines), "utf-8")
    return folder


def _fc(store: Path) -> FactCheck:
    return FactCheck(
        Settings(store=store, ingested_folders=store.parent / "ingested-folders.json"),
        embeddings=HashEmbeddings(),
    )


def _state(store: Path) -> tuple[int, list[tuple[str, float]], list[str]]:
    """What the store answers: its size, a search, and the notices an ask gives."""
    fc = _fc(store)
    hits = [(h.chunk.id, round(h.score, 6)) for h in fc.search("boats damaged by the storm", 5)]
    answer = fc.ask("How many boats were damaged?", mode="extractive")
    return fc.store.count(), hits, list(getattr(answer, "notices", []))


def _one_line(result: Any, *, contains: str) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert contains in lines[0], lines[0]
    assert "Traceback" not in result.output and "unexpected" not in result.output
    return lines[0]


# -- an authored disk ----------------------------------------------------------------


class AuthoredDisk:
    """A disk emulated in code: it fills up at the chosen write, and then refuses.

    Free bytes are what :func:`assistant.index.space.free_bytes` reports; the ingest's
    reserve takes from them and gives back; once they are gone Chroma's writes (upsert,
    delete, update) and the keyword index's writes are refused as on a full disk.

    Args:
        place: Where the disk fills: ``"upsert"`` (Chroma refuses a batch half-applied),
            ``"compaction"`` (Chroma applied the batch to its log, then failed to
            compact it) or ``"keywords"`` (the keyword index refuses a batch).
        at: Which call of that kind fills it (1 = the first).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, place: str, at: int = 2) -> None:
        from chromadb.api.models.Collection import Collection
        from chromadb.errors import InternalError

        from assistant.index.lexical import LexicalIndex

        self.free = 50 * 2**30
        self.calls = 0
        disk = self

        def full() -> bool:
            return disk.free <= 0

        def refuse_when_full(real: Callable[..., Any]) -> Callable[..., Any]:
            def write(obj: Any, *args: Any, **kwargs: Any) -> Any:
                if full():
                    raise InternalError(CHROMA_FULL)
                return real(obj, *args, **kwargs)

            return write

        real_upsert = Collection.upsert

        def upsert(col: Any, *args: Any, **kwargs: Any) -> Any:
            if full():
                raise InternalError(CHROMA_FULL)
            if place in ("upsert", "compaction"):
                disk.calls += 1
                if disk.calls == at:
                    real_upsert(col, *args, **kwargs)  # the rows are in its log ...
                    disk.free = 0  # ... as another program takes the rest of the disk
                    raise InternalError(CHROMA_FULL if place == "upsert" else COMPACTION)
            return real_upsert(col, *args, **kwargs)

        def keywords_refuse(real: Callable[..., Any], counted: bool) -> Callable[..., Any]:
            def write(index: Any, *args: Any, **kwargs: Any) -> Any:
                if index.path is not None and counted and place == "keywords":
                    disk.calls += 1
                    if disk.calls == at:
                        disk.free = 0
                if index.path is not None and full():
                    raise sqlite3.OperationalError("database or disk is full")
                return real(index, *args, **kwargs)

            return write

        from assistant.index.space import Reserve

        real_hold, real_release = Reserve.hold, Reserve.release

        def hold(reserve: Reserve, size: int) -> bool:
            if size > disk.free:
                return False
            done = real_hold(reserve, size)
            disk.free -= reserve.size
            return done

        def release(reserve: Reserve) -> None:
            disk.free += reserve.size
            real_release(reserve)

        def free_bytes(folder: Path) -> int:
            return max(disk.free, 0)

        monkeypatch.setattr(Collection, "upsert", upsert)
        for name in ("delete", "update", "modify"):
            monkeypatch.setattr(Collection, name, refuse_when_full(getattr(Collection, name)))
        monkeypatch.setattr(LexicalIndex, "add", keywords_refuse(LexicalIndex.add, True))
        for name in ("delete", "record_files", "set_markers"):
            real = getattr(LexicalIndex, name)
            monkeypatch.setattr(LexicalIndex, name, keywords_refuse(real, False))
        monkeypatch.setattr(Reserve, "hold", hold)
        monkeypatch.setattr(Reserve, "release", release)
        monkeypatch.setattr(space, "free_bytes", free_bytes)
        monkeypatch.setattr("assistant.index.store.free_bytes", free_bytes, raising=False)


@pytest.fixture
def seeded(tmp_path: Path, corpus: Path) -> Path:
    """The seed articles ingested into a store with the fast test embedding."""
    store = tmp_path / "store"
    _fc(store).ingest([corpus])
    return store


@pytest.mark.parametrize("place", ["upsert", "compaction", "keywords"])
def test_authored_a_disk_filling_mid_ingest_takes_the_run_back_out(
    tmp_path, seeded, monkeypatch, place
):
    # D1 (compaction was "unexpected InternalError", exit 2) and D2 (the run's chunks
    # stayed: the undo itself was refused by the full disk).
    before = _state(seeded)
    new = write_reports(tmp_path / "storms", articles=6)
    monkeypatch.setattr("assistant.index.ingest.EMBED_BATCH", 4)  # several batches
    AuthoredDisk(monkeypatch, place, at=3)

    with pytest.raises(DiskFullError, match="no space left on the disk holding the store at"):
        _fc(seeded).ingest([new])
    monkeypatch.undo()

    assert _state(seeded) == before  # same count, same search, no notice about storms/
    assert all("storms" not in c.root for c in _fc(seeded).store.all_chunks())
    assert not (seeded / space.RESERVE_NAME).exists()
    again = _fc(seeded).ingest([new])  # with room, the next run does it all
    assert again.embedded == again.chunks > 0


def test_authored_the_disk_full_message_says_the_run_was_taken_out(tmp_path, seeded, monkeypatch):
    new = write_reports(tmp_path / "storms", articles=3)
    monkeypatch.setattr("assistant.index.ingest.EMBED_BATCH", 4)
    AuthoredDisk(monkeypatch, "compaction", at=2)
    with pytest.raises(DiskFullError) as caught:
        _fc(seeded).ingest([new])
    assert "taken out again" in str(caught.value) and "\n" not in str(caught.value)


def test_authored_compaction_failing_on_a_full_disk_is_one_line_in_the_cli(
    built, tmp_path, monkeypatch
):
    # D1 as the issue saw it: `unexpected InternalError: Error in compaction ...`, exit 2.
    new = write_reports(tmp_path / "storms", articles=2, paragraphs=3)
    monkeypatch.setattr("assistant.index.ingest.EMBED_BATCH", 2)
    AuthoredDisk(monkeypatch, "compaction", at=2)
    line = _one_line(
        runner.invoke(app, ["ingest", str(new), "--store", str(built)]),
        contains="no space left on the disk holding the store at",
    )
    assert "InternalError" not in line and COMPACTION not in line
    monkeypatch.undo()
    answer = runner.invoke(app, ["search", "Wagner Group", "--store", str(built)])
    assert answer.exit_code == 0 and ".txt:" in answer.stdout and "storms" not in answer.stdout


def test_authored_an_ingest_that_cannot_fit_is_refused_before_writing(
    tmp_path, seeded, monkeypatch
):
    new = write_reports(tmp_path / "storms", articles=6)
    disk = AuthoredDisk(monkeypatch, "upsert", at=10**6)
    disk.free = 3 * 2**20  # less than the run and its undo need
    before = _state(seeded)
    with pytest.raises(DiskFullError, match="nothing was written") as caught:
        _fc(seeded).ingest([new])
    assert "MB are free" in str(caught.value)
    assert disk.calls == 0  # not one upsert
    monkeypatch.undo()
    assert _state(seeded) == before


READS = (
    ["search", "Wagner Group"],
    ["ask", "Who said 5 were killed?"],
    ["check", "Russia's Defense Ministry confirmed 200 deaths"],
    ["claims"],
    ["info"],
)


def _chroma_refuses_to_open(monkeypatch: pytest.MonkeyPatch, store: Path) -> None:
    """Chroma writes a row whenever it opens a store: on a full disk, that is refused."""
    import chromadb
    from chromadb.errors import InternalError

    real = chromadb.PersistentClient
    inside = str(store.resolve())

    def client(path, *args, **kwargs):
        if str(Path(path).resolve()) == inside:
            raise InternalError("error returned from database: (code: 13) database or disk is full")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(chromadb, "PersistentClient", client)


def test_authored_a_store_on_a_full_disk_still_answers(built, monkeypatch):
    # D3: ask, search, claims and info all failed with the ingest's disk-full line.
    gc.collect()
    _chroma_refuses_to_open(monkeypatch, built)
    for command in READS:
        result = runner.invoke(app, [*command, "--store", str(built)])
        assert result.exit_code in (0, 3), result.output
        assert "no space left" not in result.output and "problem" not in result.output
        assert ".txt:" in result.stdout or "contents:" in result.stdout


def test_authored_a_full_disk_with_no_room_for_a_copy_either_is_one_honest_line(built, monkeypatch):
    gc.collect()
    _chroma_refuses_to_open(monkeypatch, built)

    def no_room(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copytree", no_room)
    line = _one_line(
        runner.invoke(app, ["search", "Wagner", "--store", str(built)]),
        contains="no space left on the disk holding the store at",
    )
    # A reader is not told about an ingest it never ran, nor that the store is damaged.
    assert "ingest" not in line and "damaged" not in line and "TMPDIR" in line


def test_authored_a_read_that_chroma_cannot_compact_on_a_full_disk_is_not_called_damage(
    built, monkeypatch
):
    from chromadb.api.models.Collection import Collection
    from chromadb.errors import InternalError

    def compaction(self, *args, **kwargs):
        raise InternalError(COMPACTION)

    monkeypatch.setattr(Collection, "query", compaction)
    monkeypatch.setattr("assistant.index.store.free_bytes", lambda folder: 0, raising=False)
    line = _one_line(
        runner.invoke(app, ["search", "Wagner", "--store", str(built)]),
        contains="no space left on the disk holding the store at",
    )
    assert "damaged" not in line and "--rebuild" not in line and "ingest" not in line


# -- a real full disk (tmpfs) --------------------------------------------------------


def _mount_refused(folder: Path) -> str | None:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return "mounting a tmpfs needs root"
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return f"mount refused: {done.stderr.strip() or done.returncode}"
    subprocess.run(["umount", str(folder)], check=True)
    return None


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """Mount a tmpfs of the given size in MB (skipped where mounting is refused)."""
    from assistant.index.connection import forget_client

    mounted: list[Path] = []
    probe = tmp_path / "probe"
    probe.mkdir()
    refused = _mount_refused(probe)
    if refused:
        pytest.skip(refused)

    def mount(mb: int) -> Path:
        folder = tmp_path / f"disk{len(mounted)}"
        folder.mkdir()
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={mb}m,mode=0700", "tmpfs", str(folder)],
            check=True,
        )
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        forget_client(folder / "store")
        gc.collect()
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(disk: Path, leave: int = 0) -> int:
    """Take all but ``leave`` bytes of the disk with a file; the bytes left."""
    stat = os.statvfs(disk)
    fd = os.open(disk / f"filler-{len(list(disk.glob('filler-*')))}", os.O_CREAT | os.O_WRONLY)
    try:
        os.posix_fallocate(fd, 0, max(stat.f_bavail * stat.f_frsize - leave, 4096))
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
    finally:
        os.close(fd)
    stat = os.statvfs(disk)
    return stat.f_bavail * stat.f_frsize


def _size(folder: Path) -> int:
    """Bytes in the store's files (not the ingest's reserve, which is empty room)."""
    return sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name != space.RESERVE_NAME
    )


def test_a_real_disk_too_small_for_the_ingest_is_refused_before_writing(tmp_path, corpus, tmpfs):
    disk = tmpfs(24)
    store = disk / "store"
    _fc(store).ingest([corpus])
    before, size = _state(store), _size(store)
    new = write_reports(tmp_path / "storms", articles=700)  # about 28 MB once stored

    with pytest.raises(DiskFullError, match="nothing was written"):
        _fc(store).ingest([new])

    assert _state(store) == before
    assert _size(store) <= size + 64 * 1024  # Chroma writes a row at each open, no more
    assert not (store / space.RESERVE_NAME).exists()


@pytest.mark.parametrize("leave", [0, 2**20], ids=["full", "one-mb-left"])
def test_a_real_disk_filling_mid_ingest_gives_back_what_the_run_wrote(
    tmp_path, corpus, tmpfs, monkeypatch, leave
):
    from chromadb.api.models.Collection import Collection

    disk = tmpfs(48)
    store = disk / "store"
    _fc(store).ingest([corpus])
    before, size = _state(store), _size(store)
    new = write_reports(tmp_path / "storms", articles=300)
    monkeypatch.setattr("assistant.index.ingest.EMBED_BATCH", 32)
    real_upsert = Collection.upsert
    calls: list[int] = []
    at_fill: list[int] = []

    def upsert(col, *args, **kwargs):
        calls.append(1)
        # Another program takes the disk as the 40th batch is written: past the 1,000
        # writes Chroma keeps in its log until it files them into its vector index.
        if len(calls) == 40:
            at_fill.append(_size(store))
            _fill(disk, leave)
        return real_upsert(col, *args, **kwargs)

    monkeypatch.setattr(Collection, "upsert", upsert)
    with pytest.raises(DiskFullError, match="no space left on the disk holding the store at"):
        _fc(store).ingest([new])
    monkeypatch.undo()

    assert _state(store) == before
    assert all("storms" not in c.root for c in _fc(store).store.all_chunks())
    wrote = at_fill[0] - size
    # The deletes and VACUUM give most of it back; Chroma's HNSW files keep their slots.
    assert _size(store) - size < wrote / 3, (size, wrote, _size(store))
    assert os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize > 2**20  # not left full
    for filler in disk.glob("filler-*"):
        filler.unlink()
    again = _fc(store).ingest([new])
    assert again.embedded == again.chunks > 0


def test_a_store_on_a_real_full_disk_answers_ask_search_claims_and_info(built, corpus, tmpfs):
    disk = tmpfs(16)
    gc.collect()
    store = disk / "store"
    shutil.copytree(built, store)
    # A copied store's record of folders is not trusted until they are ingested into it
    # (nothing is embedded again: the files are unchanged).
    result = runner.invoke(app, ["ingest", str(corpus), "--store", str(store)])
    assert result.exit_code == 0, result.output
    forget_client(store)
    gc.collect()
    assert _fill(disk) == 0
    for command in READS:
        result = subprocess.run(
            [sys.executable, "-m", "assistant", *command, "--store", str(store)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert result.returncode in (0, 3), result.stderr
        assert "no space left" not in result.stderr and "problem" not in result.stdout
        assert ".txt:" in result.stdout or "contents:" in result.stdout
