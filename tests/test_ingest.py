"""Ingest: idempotence, changed and removed files, moved folders, model mismatch."""

from __future__ import annotations

import itertools
import shutil
import stat
from pathlib import Path

import pytest

from assistant.app import FactCheck
from assistant.errors import EmbeddingMismatchError, NoArticlesError, StoreError
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
from assistant.settings import Settings
from tests.conftest import HashEmbeddings, own_settings


def _fc(tmp_path: Path, emb) -> FactCheck:
    return FactCheck(Settings(store=tmp_path / "store"), embeddings=emb)


def test_reingest_is_idempotent(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    first = fc.ingest([corpus])
    ids_before = {s: r.chunk_ids for s, r in fc.store.sources().items()}
    embedded_before = fake_embeddings.texts_embedded

    second = fc.ingest([corpus])

    assert first.files == 5 and first.embedded == first.chunks > 0
    assert second.embedded == 0 and second.removed == 0 and second.unchanged_files == 5
    assert fake_embeddings.texts_embedded == embedded_before  # nothing re-embedded
    assert {s: r.chunk_ids for s, r in fc.store.sources().items()} == ids_before
    assert fc.store.count() == first.chunks


def test_changed_file_replaces_its_old_chunks(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    path = corpus / "003_eedac8ea6769e308.txt"
    text = path.read_bytes().decode("utf-8")
    old_sentence = "Relatives of the dead are demanding to know what happened."
    assert old_sentence in text
    path.write_bytes(
        text.replace(old_sentence, "Relatives asked the ministry for answers.").encode()
    )

    report = fc.ingest([corpus])

    stored = [c.text for c in fc.store.all_chunks() if c.source == path.name]
    assert report.embedded > 0 and report.removed > 0
    assert report.embedded < report.chunks  # only the changed part is re-embedded
    assert not any(old_sentence in t for t in stored)
    assert any("Relatives asked the ministry for answers." in t for t in stored)
    # Every stored chunk of the file matches the file as it is now.
    new_text = path.read_bytes().decode("utf-8")
    for c in fc.store.all_chunks():
        if c.source == path.name:
            assert new_text[c.start : c.end] == c.text


def test_removed_file_loses_its_chunks(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    (corpus / "002_faa697fe5f1559cb.txt").unlink()

    report = fc.ingest([corpus])

    assert "002_faa697fe5f1559cb.txt" not in {s for _, s in fc.store.sources()}
    assert report.removed > 0 and report.files == 4


def test_ingesting_one_file_keeps_the_others(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    fc.ingest([corpus / "000_f8bb647a1315dbc5.txt"])
    assert len(fc.store.sources()) == 5


def test_moved_folder_updates_paths_without_reembedding(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    moved = tmp_path / "moved"
    shutil.move(str(corpus), moved)
    before = fake_embeddings.texts_embedded

    report = fc.ingest([moved])

    assert report.embedded == 0 and fake_embeddings.texts_embedded == before
    assert {r.root for r in fc.store.sources().values()} == {str(moved.resolve())}
    chunk = fc.store.all_chunks()[0]
    assert isinstance(SourceReader().cite(1, chunk.text, chunk), Citation)


def test_bad_files_are_skipped_and_the_rest_kept(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    (corpus / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    skipped: list[tuple[Path, str]] = []

    report = fc.ingest([corpus], on_skip=lambda p, r: skipped.append((p, r)))

    assert [p.name for p, _ in skipped] == ["latin1.txt"]
    assert "UTF-8" in skipped[0][1]
    assert report.files == 5 and len(fc.store.sources()) == 5


def test_no_articles_is_an_error_and_keeps_the_store(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NoArticlesError):
        fc.ingest([empty])
    assert len(fc.store.sources()) == 5


def test_store_built_with_another_model_is_refused(tmp_path, corpus, fake_embeddings):
    _fc(tmp_path, fake_embeddings).ingest([corpus])
    real = FactCheck(Settings(store=tmp_path / "store"))  # the packaged model
    with pytest.raises(EmbeddingMismatchError, match="--rebuild"):
        _ = real.store


def test_rebuild_switches_model(tmp_path, corpus, fake_embeddings):
    _fc(tmp_path, fake_embeddings).ingest([corpus])

    class Other(type(fake_embeddings)):
        model_id = "test:other"

    other = FactCheck(Settings(store=tmp_path / "store"), embeddings=Other())
    report = other.ingest([corpus], rebuild=True)
    assert report.embedded == report.chunks and other.store.count() == report.chunks


def test_missing_store_says_to_ingest(tmp_path, fake_embeddings):
    with pytest.raises(StoreError, match="factcheck ingest"):
        _ = _fc(tmp_path, fake_embeddings).store


def test_store_folder_is_private(tmp_path, corpus, fake_embeddings):
    _fc(tmp_path, fake_embeddings).ingest([corpus])
    mode = stat.S_IMODE((tmp_path / "store").stat().st_mode)
    assert mode & 0o077 == 0


def test_a_quote_edited_away_after_ingest_is_rejected(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    chunk = next(c for c in fc.store.all_chunks() if "Wagner Group" in c.text)
    path = corpus / chunk.source
    path.write_bytes(path.read_bytes().replace(b"Wagner Group", b"W. Group"))

    result = SourceReader().cite(1, chunk.text, chunk)

    assert isinstance(result, RejectedCitation)
    assert "not found" in result.reason


def test_a_deleted_source_is_rejected(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    chunk = fc.store.all_chunks()[0]
    (corpus / chunk.source).unlink()
    result = SourceReader().cite(1, chunk.text, chunk)
    assert isinstance(result, RejectedCitation) and "missing" in result.reason


def test_keyword_index_is_persisted_beside_the_vectors_and_matches_them(
    tmp_path, corpus, fake_embeddings
):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    store = fc.store
    assert store.keyword_path.exists() and store.keyword_path.parent == tmp_path / "store"
    assert store.keywords.ids() == {c.id for c in store.all_chunks()}


def test_adding_an_article_adds_only_its_chunks_to_the_keyword_index(
    tmp_path, corpus, fake_embeddings
):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    before = len(fc.store.keywords)
    (corpus / "new.txt").write_text("New\n\nOfficials said 7 soldiers were killed.", "utf-8")
    report = fc.ingest([corpus])
    assert report.embedded == len(fc.store.keywords) - before == 1
    hits = fc.store.keywords.search("seven soldiers killed", 1)
    assert hits[0][0].source == "new.txt"


@pytest.mark.parametrize("damage", ["lost", "stale"])
def test_an_interrupted_ingest_is_repaired_by_the_next(tmp_path, corpus, fake_embeddings, damage):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    index = fc.store.keywords
    if damage == "lost":  # killed after writing vectors, before writing keywords
        index.delete(sorted(index.ids())[:5])
    else:  # killed after deleting vectors, before deleting keywords
        ghost = fc.store.all_chunks()[0]
        index.add([type(ghost)(**{**ghost.__dict__, "id": "ghost"})])
    assert index.ids() != {c.id for c in fc.store.all_chunks()}

    fc.ingest([corpus])

    assert fc.store.keywords.ids() == {c.id for c in fc.store.all_chunks()}


def test_a_store_without_a_keyword_index_gets_one_on_first_query(tmp_path, corpus, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings)
    fc.ingest([corpus])
    path = fc.store.keyword_path
    fc.store.keywords.close()
    path.unlink()
    fresh = _fc(tmp_path, fake_embeddings)
    assert fresh.search("Wagner Group", 3)
    assert path.exists() and len(fresh.store.keywords) == fresh.store.count()


def _one_article(folder: Path, name: str, sentence: str) -> Path:
    folder.mkdir()
    (folder / f"{name}.txt").write_text(f"{name.title()}\n\n{sentence}\n", encoding="utf-8")
    return folder


def test_adding_a_pile_to_the_checkouts_store_names_what_it_already_holds(
    tmp_path, monkeypatch, fake_embeddings
):
    """Issue 21, S1: a pile ingested in a checkout joins ./vectorstore and the seeds in it."""
    monkeypatch.delenv("FACTCHECK_STORE")
    (tmp_path / "vectorstore").mkdir()  # the current folder is a checkout with its store
    demo = _one_article(tmp_path / "demo", "harbour", "The pilot said 3 ferries were late.")
    pile = _one_article(tmp_path / "pile", "council", "The clerk said 8 votes were lost.")
    settings = Settings()
    assert settings.store == Path("vectorstore")
    fc = FactCheck(settings, embeddings=fake_embeddings)
    assert not fc.ingest([demo]).notices  # a first folder joins nothing
    report = fc.ingest([pile])
    (notice,) = [n for n in report.notices if "already holds" in n]
    assert str(pile.resolve()) in notice and str(demo.resolve()) in notice
    assert "--store" in notice and "./vectorstore" in notice
    assert f"warning: {notice}" in report.summary()
    assert not fc.ingest([pile]).notices  # nothing added this time
    assert not fc.ingest([demo, pile]).notices

    own = FactCheck(Settings(store=tmp_path / "own"), embeddings=fake_embeddings)
    own.ingest([demo])
    assert not own.ingest([pile]).notices  # a store the user named is theirs to fill


def test_reading_reports_progress_file_by_file_before_anything_is_embedded(tmp_path):
    # A pile of PDFs and web pages can take minutes to read before the first chunk is
    # embedded: the progress must move while the files are read, not sit at 0/?.
    folder = tmp_path / "pile"
    folder.mkdir()
    for i in range(5):
        (folder / f"a{i}.txt").write_text(f"Report {i}\n\nThe quay reopened on day {i}.\n")
    (folder / "notes.xyz").write_text("not an article\n")
    events: list[tuple[str, int, int]] = []
    fc = FactCheck(own_settings(tmp_path))
    fc.ingest(
        [folder],
        on_read=lambda done, total: events.append(("read", done, total)),
        on_total=lambda n: events.append(("total", n, n)),
    )
    reads = [e for e in events if e[0] == "read"]
    assert [done for _, done, _ in reads] == list(range(1, 7))  # every file, skipped ones too
    assert {total for _, _, total in reads} == {6}
    assert events.index(reads[-1]) < events.index(next(e for e in events if e[0] == "total"))


class _Recording(HashEmbeddings):
    """The hash embeddings, remembering the texts of each call in order."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return super().embed_documents(texts)


def test_each_chunk_is_embedded_once_and_nothing_else_is(tmp_path, corpus, monkeypatch):
    monkeypatch.setattr("assistant.index.ingest.PROGRESS_STEP", 4)  # many calls
    model = _Recording()
    report = _fc(tmp_path, model).ingest([corpus])

    embedded = sorted(t for batch in model.batches for t in batch)
    stored = sorted(c.text for c in _fc(tmp_path, model).store.all_chunks())
    assert embedded == stored and len(embedded) == report.chunks > 8
    # No overlap between chunks, no sentence embedded beside its chunk: every character
    # embedded is a character of some file, once.
    total = sum(len(p.read_text("utf-8")) for p in corpus.glob("*.txt"))
    assert sum(map(len, embedded)) <= total


def test_chunks_are_embedded_shortest_first_and_stored_with_their_own_vectors(
    tmp_path, corpus, monkeypatch
):
    # Texts of like length share a model batch (less padding in the ONNX run); each
    # vector must still be stored with the chunk it was computed from.
    monkeypatch.setattr("assistant.index.ingest.PROGRESS_STEP", 4)
    model = _Recording()
    fc = _fc(tmp_path, model)
    fc.ingest([corpus])

    lengths = [[len(t) for t in batch] for batch in model.batches]
    assert len(lengths) > 2
    for before, after in itertools.pairwise(lengths):
        assert max(before) <= min(after)
    got = fc.store._collection.get(include=["documents", "embeddings"])
    for text, vector in zip(got["documents"], got["embeddings"], strict=True):
        assert list(vector) == pytest.approx(model._vec(text))
