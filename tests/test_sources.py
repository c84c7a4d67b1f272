"""Issue 12, rows 4, 8 and 14: sources are read as they are now, bounded, and only where trusted.

- Row 4: what a file no longer holds is never reasoned on or shown, in any command, and
  the user is told to re-ingest.
- Row 8: a citation is read only from a folder ingested on this machine, whatever the
  store's metadata says.
- Row 14: reading a source at answer time is bounded in size and never blocks.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.app import FactCheck
from assistant.cli import app
from assistant.index.sources import IngestedFolders, SourceFiles, folders_of
from assistant.settings import Settings

runner = CliRunner()

ARTICLE = (
    "Flood in Dayton\n\n"
    "The mayor of Dayton, Ann Lee, said 12 people were killed in the flood on Monday.\n"
    "Acme Relief said the river rose four metres in two hours.\n"
)
OTHER = (
    "Dayton flood toll\n\n"
    "Hospital officials said 15 people were killed in the Dayton flood.\n"
    "The Acme Relief charity opened three shelters in the city.\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "mayor.txt").write_text(ARTICLE, encoding="utf-8")
    (articles / "hospital.txt").write_text(OTHER, encoding="utf-8")
    return articles


@pytest.fixture
def fc(tmp_path: Path, folder: Path, fake_embeddings) -> FactCheck:
    fc = FactCheck(Settings(store=tmp_path / "store"), embeddings=fake_embeddings)
    fc.ingest([folder])
    return fc


def _stands(result, folder: Path) -> None:
    for c in result.citations:
        text = (folder / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote


# -- row 4: the file as it is now -----------------------------------------------------


def test_a_deleted_article_never_supports_a_claim(fc, folder):
    claim = "Ann Lee said 12 people were killed in the flood"
    assert fc.check(claim, "extractive").verdict == "supported"
    (folder / "mayor.txt").unlink()
    result = fc.check(claim, "extractive")
    assert result.verdict != "supported" or result.citations
    assert all(c.source != "mayor.txt" for c in result.citations)
    assert any("mayor.txt" in n and "factcheck ingest" in n for n in result.notices)


def test_an_edited_figure_is_not_cited_by_claims_or_summary(fc, folder):
    path = folder / "mayor.txt"
    path.write_text(ARTICLE.replace("12 people", "30 people"), encoding="utf-8")
    table = fc.claims("extractive")
    figures = {claim.figure for claim in table.claims}
    assert "12" not in figures  # the stored text; the file says 30 now
    assert any("mayor.txt" in n for n in table.notices)
    summary = fc.summary(None, "extractive")
    for sentence in summary.sentences:
        assert "12 people" not in sentence.text
        _stands(sentence, folder)
    assert any("mayor.txt" in n for n in summary.notices)


def test_search_shows_no_stored_text_the_file_no_longer_holds(tmp_path, folder):
    store = tmp_path / "real-store"
    fc = FactCheck(Settings(store=store))  # the packaged model, as the CLI uses
    fc.ingest([folder])
    (folder / "mayor.txt").write_text("Flood in Dayton\n\nNothing here now.\n", encoding="utf-8")
    result = runner.invoke(app, ["search", "mayor Ann Lee killed", "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["results"]
    assert hits and all(h["source"] != "mayor.txt" for h in hits)
    assert "mayor.txt" in result.stderr and "factcheck ingest" in result.stderr
    # Re-ingesting brings it back in step, and the notice goes.
    fc.ingest([folder])
    hits, notes = fc.search_checked("Nothing here now", 3)
    assert not notes and hits[0].chunk.source == "mayor.txt"


def test_ask_tells_the_user_and_cites_only_what_stands(fc, folder):
    (folder / "hospital.txt").write_text(OTHER.replace("15 people", "9 people"), "utf-8")
    answer = fc.ask("How many people were killed in the Dayton flood?", "extractive")
    _stands(answer, folder)
    assert "15" not in answer.answer
    assert any("hospital.txt" in n for n in answer.notices)


# -- row 8: only folders ingested here ---------------------------------------------------


QUESTION = "How many people were killed in the Dayton flood?"


def _elsewhere(tmp_path: Path, monkeypatch, name: str) -> None:
    """Run as the same user with another home (another HOME, another data folder)."""
    home = tmp_path / name
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))


def _shown(answer) -> list[tuple[str, int, int, str]]:
    return [(c.source, c.start, c.end, c.quote) for c in answer.citations]


def test_the_same_store_answers_the_same_under_another_home(fc, tmp_path, monkeypatch):
    """Issue 21, S1: the store says which folders it was built from, whatever HOME is."""
    before = fc.ask(QUESTION, "extractive")
    assert before.citations and not before.notices
    _elsewhere(tmp_path, monkeypatch, "another-home")
    other = FactCheck(Settings(store=fc.settings.store), embeddings=fc.embeddings)
    after = other.ask(QUESTION, "extractive")
    assert (after.answer, _shown(after), after.notices) == (before.answer, _shown(before), [])


def test_a_copied_store_is_not_read_until_its_folder_is_ingested_here(
    fc, folder, tmp_path, monkeypatch
):
    """A store someone handed over (a copy of another store folder) names no folder to read."""
    assert fc.ask(QUESTION, "extractive").citations
    copy = tmp_path / "handed-over"
    shutil.copytree(fc.settings.store, copy)
    _elsewhere(tmp_path, monkeypatch, "someone-else")
    other = FactCheck(Settings(store=copy), embeddings=fc.embeddings)
    answer = other.ask(QUESTION, "extractive")
    assert not answer.citations and answer.abstained
    (notice,) = answer.notices
    assert "not under a folder ingested on this machine" in notice
    assert "written for another store folder" in notice
    other.ingest([folder])  # nothing to embed: it only records the folder in this store
    assert other.ask(QUESTION, "extractive").citations


def test_a_record_that_others_could_have_written_is_not_trusted(fc, tmp_path, monkeypatch):
    _elsewhere(tmp_path, monkeypatch, "no-old-record")  # no record in the home to fall back on
    store = Path(fc.settings.store)
    record = store / "ingested-folders.json"
    assert record.is_file() and record.stat().st_mode & 0o077 == 0

    def notices() -> list[str]:
        other = FactCheck(Settings(store=store), embeddings=fc.embeddings)
        answer = other.ask(QUESTION, "extractive")
        assert bool(answer.citations) == (not answer.notices)
        return answer.notices

    record.chmod(0o666)
    assert "other users can change" in " ".join(notices())
    record.chmod(0o600)
    store.chmod(0o777)
    assert "other users can change" in " ".join(notices())
    store.chmod(0o700)
    assert notices() == []
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # only root can give a file away
        os.chown(record, 65534, 65534)
        assert "belongs to another user" in " ".join(notices())
        os.chown(record, 0, 0)
    record.write_text('{"folders": ["/"]}', encoding="utf-8")  # no store named: not this one's
    assert "written for another store folder" in " ".join(notices())


def test_store_metadata_cannot_name_another_folder(fc, folder, tmp_path):
    from assistant.index.record import trusted_folders

    secret = tmp_path / "private"
    secret.mkdir()
    (secret / "notes.txt").write_text("the key is 1234", encoding="utf-8")
    trust = trusted_folders(fc.settings)
    assert trust.problem is None and folder.resolve() in trust.folders
    sources = SourceFiles(trust.folders)
    for root, name in ((str(secret), "notes.txt"), ("/", "etc/hostname"), ("relative", "x.txt")):
        assert sources.text(root, name) is None
        assert "ingested on this machine" in sources.why(root, name)
    assert sources.text(str(folder), "mayor.txt") == ARTICLE


def test_a_store_recorded_the_old_way_keeps_answering_and_moves_its_record_in(
    tmp_path, folder, fake_embeddings, monkeypatch
):
    """Stores built before they kept their own record: the home record still counts."""
    old_home = tmp_path / "old-home" / "ingested-folders.json"
    settings = Settings(store=tmp_path / "old-store", ingested_folders=old_home)
    fc = FactCheck(settings, embeddings=fake_embeddings)
    fc.ingest([folder])
    (settings.store / "ingested-folders.json").unlink(missing_ok=True)  # as it was then
    IngestedFolders(old_home).add([folder])
    assert fc.ask(QUESTION, "extractive").citations
    later = tmp_path / "later"
    later.mkdir()
    (later / "reno.txt").write_text("Storm in Reno\n\nBo Chan said 40 roads closed.\n", "utf-8")
    fc.ingest([later])  # the next ingest moves the folders this store holds into its record
    moved = Settings(store=settings.store, ingested_folders=tmp_path / "nothing.json")
    answer = FactCheck(moved, embeddings=fake_embeddings).ask(QUESTION, "extractive")
    assert answer.citations and not answer.notices


def test_the_record_of_ingested_folders_is_private_and_merges(tmp_path):
    record = IngestedFolders(tmp_path / "data" / "ingested-folders.json")
    assert record.roots() == frozenset()
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (b / "x.txt").write_text("x", encoding="utf-8")
    record.add(folders_of([a]))
    record.add(folders_of([b / "x.txt"]))  # a file: its folder
    assert record.roots() == {a.resolve(), b.resolve()}
    assert record.path.stat().st_mode & 0o077 == 0
    record.path.write_text("not json", encoding="utf-8")
    assert record.roots() == frozenset()  # a damaged record trusts nothing


# -- row 14: bounded, never blocking ------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_in_place_of_an_article_does_not_block(fc, folder):
    path = folder / "mayor.txt"
    path.unlink()
    os.mkfifo(path)
    done: list[object] = []
    worker = threading.Thread(
        target=lambda: done.append(fc.ask("What did the mayor Ann Lee say?", "extractive")),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=60)
    assert done, "reading a FIFO in place of an article blocked the answer"
    answer = done[0]
    assert all(c.source != "mayor.txt" for c in answer.citations)  # type: ignore[attr-defined]
    assert any("not a regular file" in n for n in answer.notices)  # type: ignore[attr-defined]


def test_a_source_grown_past_the_size_limit_is_not_read(tmp_path, folder, fake_embeddings):
    fc = FactCheck(
        Settings(store=tmp_path / "store", max_file_mb=0.001), embeddings=fake_embeddings
    )
    fc.ingest([folder])
    big = folder / "mayor.txt"
    big.write_text(ARTICLE + "filler " * 400, encoding="utf-8")  # past 1,048 bytes
    answer = fc.ask("What did the mayor Ann Lee say?", "extractive")
    assert all(c.source != "mayor.txt" for c in answer.citations)
    assert any("larger than FACTCHECK_MAX_FILE_MB" in n for n in answer.notices)


def test_a_moved_folder_is_trusted_once_ingested_from_its_new_place(fc, folder, tmp_path):
    moved = tmp_path / "moved"
    shutil.move(folder, moved)
    fc.ingest([moved])
    answer = fc.ask("How many people were killed in the Dayton flood?", "extractive")
    assert answer.citations and not answer.notices
    _stands(answer, moved)


def test_folders_that_are_gone_are_forgotten_on_the_next_ingest(tmp_path):
    record = IngestedFolders(tmp_path / "ingested-folders.json")
    gone, kept = tmp_path / "tmp-corpus", tmp_path / "kept"
    gone.mkdir()
    kept.mkdir()
    record.add([gone])
    shutil.rmtree(gone)
    record.add([kept])
    assert record.roots() == {kept.resolve()}


def test_a_retitled_article_shows_no_stale_title(fc, folder):
    """Row 4: the title printed with a quote is the file's title as it is now."""
    path = folder / "mayor.txt"
    path.write_text(ARTICLE.replace("Flood in Dayton", "Dayton flood: the toll"), "utf-8")
    answer = fc.ask("What did Acme Relief say about the river?", "extractive")
    assert all(c.title != "Flood in Dayton" for c in answer.citations)
    assert any("mayor.txt" in n for n in answer.notices)


def test_same_named_files_in_two_folders_are_two_citations(tmp_path, fake_embeddings):
    """Issue 12, row 1: citations carry their folder, and are numbered apart."""
    text = "Flood in Dayton\n\nPolice officials said 12 people were killed in the flood.\n"
    for name in ("north", "south"):
        (tmp_path / name).mkdir()
        # Not byte-identical (an exact copy is skipped): the same passage, another ending.
        body = text + f"Filed from the {name} bureau.\n"
        (tmp_path / name / "report.txt").write_text(body, encoding="utf-8")
    fc = FactCheck(Settings(store=tmp_path / "store"), embeddings=fake_embeddings)
    fc.ingest([tmp_path / "north", tmp_path / "south"])
    table = fc.claims("extractive")
    cited = [c for claim in table.claims for c in claim.citations]
    roots = {c.root for c in cited}
    assert roots == {str((tmp_path / n).resolve()) for n in ("north", "south")}
    assert len({c.id for c in cited}) == len(cited) == 2
    for c in cited:
        assert Path(c.root, c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote
        assert "root" not in c.to_json()  # output names files relative to their folder


def test_a_long_running_search_sees_a_folder_ingested_since(fc, tmp_path):
    # A server keeps one FactCheck; another process ingests a new folder meanwhile.
    assert not [h for h in fc.searcher.search("Bo Chan Reno", k=5) if "Reno" in h.chunk.text]
    later = tmp_path / "later"
    later.mkdir()
    (later / "reno.txt").write_text(
        "Storm in Reno\n\nBo Chan said the storm in Reno closed 40 roads.\n", encoding="utf-8"
    )
    FactCheck(Settings(store=fc.settings.store), embeddings=fc.embeddings).ingest([later])
    hits = fc.searcher.search("Bo Chan Reno", k=5)
    assert any(h.chunk.source == "reno.txt" for h in hits)
