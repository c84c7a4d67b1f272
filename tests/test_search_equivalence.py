"""Search made faster ranks exactly as before (issue 23).

The hybrid search reads each candidate's terms from the keyword index instead of
tokenising its text again, and its dense side reads its chunks from the keyword index
and no longer asks Chroma for the store's size first. These tests pin that the ranked
list (chunks, scores, ranks, order) is the one the plain way gives, on invented text.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.index.lexical import LexicalIndex
from assistant.index.retrieval import fuse, term_weights
from assistant.index.schema import StoredChunk
from assistant.index.terms import terms

# Text that exercises every rule of the analysis: number words and digits, thousands
# separators, decimals, apostrophes (straight and curly), stopwords only, demonyms,
# country abbreviations, invisible characters, full-width digits, accents.
TEXTS = [
    "Officials said five citizens had been killed near Orlavik.",
    "Two hundred and fifteen volunteers, 1,200 litres of water and 3.5 tonnes of rice.",
    "The mayor’s office said O'Hanlon's crew wasn't there; the US envoy met the UK one.",
    "What is it for?",  # stopwords only: no terms at all
    "A Norvanian patrol found kil\u200bled livestock and ５ wounded herders.",
    "Café owners in Sørholm reported the naïve estimate of twelve dozen.",
    "",
]


def _chunk(i: int, text: str, title: str = "A title") -> StoredChunk:
    return StoredChunk(f"c{i}", f"f{i}.txt", "/r", title, 0, len(text), 1, text, "sha")


def test_stored_terms_are_the_terms_of_each_chunks_text():
    chunks = [_chunk(i, t) for i, t in enumerate(TEXTS)]
    index = LexicalIndex(chunks=chunks)

    stored = index.stored_terms(chunks)

    assert stored == {c.id: frozenset(terms(c.text)) for c in chunks}
    assert stored["c3"] == frozenset() and stored["c6"] == frozenset()


def test_stored_terms_leave_out_chunks_the_index_does_not_hold_as_they_are():
    index = LexicalIndex(chunks=[_chunk(0, TEXTS[0]), _chunk(1, TEXTS[1])])
    unknown = _chunk(9, TEXTS[2])
    changed = _chunk(1, "Other words under the same id.")  # a stale index

    assert index.stored_terms([unknown, changed, _chunk(0, TEXTS[0])]).keys() == {"c0"}


def _ranked_lists() -> tuple[list[Any], list[Any], LexicalIndex]:
    titles = ["Orlavik flood", "Relief convoy", "Envoys meet", "Norvanian patrol"]
    chunks = [_chunk(i, t, titles[i % 4]) for i, t in enumerate(TEXTS)]
    chunks += [
        _chunk(10 + i, f"Reporter {i} said {i} herders were wounded near Orlavik.", titles[i % 4])
        for i in range(12)
    ]
    index = LexicalIndex(chunks=chunks)
    # Two sides that overlap in part, in different orders, as dense and BM25 do.
    dense = [(c, 0.9 - 0.01 * i) for i, c in enumerate(chunks[::2])]
    lexical = [(c, 5.0 - 0.1 * i) for i, c in enumerate(chunks[1:9] + chunks[12:])]
    return dense, lexical, index


@pytest.mark.parametrize(
    "question",
    [
        "How many herders were wounded near Orlavik?",
        "Did the Norvanian patrol find 5 killed?",
        "Who said 1200 litres of water?",
        "what is the",
    ],
)
def test_fusion_with_stored_terms_ranks_as_tokenising_each_candidate(question):
    dense, lexical, index = _ranked_lists()
    weights = term_weights(question, index)
    candidates = [c for c, _ in dense + lexical]

    fast = fuse(dense, lexical, weights, chunk_terms=index.stored_terms(candidates))

    assert fast == fuse(dense, lexical, weights)
    assert any(h.coverage > 0 for h in fast) or not weights


def _reference_search(fc: Any, question: str, depth: int) -> list[Any]:
    """The search as it was: Chroma's chunks and metadata, every candidate tokenised."""
    searcher, store = fc.searcher, fc.store
    got = store._collection.query(
        query_embeddings=[fc.embedder.embed_query(question)],
        n_results=min(searcher.depth, store.count()),
        include=["documents", "metadatas", "distances"],
    )
    dense = [
        (StoredChunk.from_record(i, d, m), 1.0 - float(dist))
        for i, d, m, dist in zip(
            got["ids"][0],
            got["documents"][0],
            got["metadatas"][0],
            got["distances"][0],
            strict=True,
        )
    ]
    lexical = searcher.lexical.search(question, searcher.depth)
    return fuse(dense, lexical, term_weights(question, searcher.lexical))[:depth]


@pytest.mark.parametrize(
    "question",
    [
        "How many people were hurt in the flood?",
        "Which town will the robot factory go to?",
        "Who conceded the mayoral race?",
        "How many workers will the plant employ?",
    ],
)
def test_hybrid_search_ranks_as_the_plain_way_does(invented_fc, question):
    expected = _reference_search(invented_fc, question, 100)

    got = invented_fc.searcher.search(question, 100, sources=None)

    assert len(got) > 5
    assert got == expected


def test_dense_query_of_a_store_smaller_than_asked_gives_every_chunk(tmp_path, fake_embeddings):
    from assistant.index.store import Store

    store = Store(tmp_path / "s", fake_embeddings.model_id, create=True)
    vector = fake_embeddings.embed_query("wounded herders")
    assert store.query(vector, 50) == []  # an empty store

    chunks = [_chunk(i, t) for i, t in enumerate(TEXTS[:3])]
    store.add(chunks, fake_embeddings.embed_documents([c.text for c in chunks]))
    got = store.query(vector, 50)

    assert sorted(c.id for c, _ in got) == ["c0", "c1", "c2"]
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
    assert {c.id: c for c, _ in got} == {c.id: c for c in chunks}


def test_dense_query_gives_chunks_the_keyword_index_lacks_from_chroma(tmp_path, fake_embeddings):
    from assistant.index.store import Store

    store = Store(tmp_path / "s", fake_embeddings.model_id, create=True)
    chunks = [_chunk(i, t, f"Title {i}") for i, t in enumerate(TEXTS[:3])]
    store.add(chunks, fake_embeddings.embed_documents([c.text for c in chunks]))
    store.keywords.delete(["c1"])  # an index out of step with the vectors

    got = store.query(fake_embeddings.embed_query("five citizens killed"), 50)

    assert {c.id: c for c, _ in got} == {c.id: c for c in chunks}
