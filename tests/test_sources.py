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


def test_a_store_from_elsewhere_is_not_read_until_its_folder_is_ingested_here(
    fc, folder, tmp_path, monkeypatch
):
    question = "How many people were killed in the Dayton flood?"
    assert fc.ask(question, "extractive").citations
    # Another user (or machine) opens the same store: nothing recorded for them.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "someone-else"))
    other = FactCheck(Settings(store=fc.settings.store), embeddings=fc.embeddings)
    answer = other.ask(question, "extractive")
    assert not answer.citations and answer.abstained
    assert any("not under a folder ingested on this machine" in n for n in answer.notices)
    other.ingest([folder])  # nothing to embed: it only records the folder as theirs
    assert other.ask(question, "extractive").citations


def test_store_metadata_cannot_name_another_folder(fc, folder, tmp_path):
    secret = tmp_path / "private"
    secret.mkdir()
    (secret / "notes.txt").write_text("the key is 1234", encoding="utf-8")
    sources = SourceFiles(IngestedFolders(fc.settings.ingested_folders).roots())
    for root, name in ((str(secret), "notes.txt"), ("/", "etc/hostname"), ("relative", "x.txt")):
        assert sources.text(root, name) is None
        assert "ingested on this machine" in sources.why(root, name)
    assert sources.text(str(folder), "mayor.txt") == ARTICLE


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
