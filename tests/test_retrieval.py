"""Hybrid retrieval: gold evidence in the top 5, number words, the LangChain interface."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from assistant.errors import InputError
from assistant.lexical import LexicalIndex
from assistant.retrieval import HybridRetriever
from assistant.store import StoredChunk
from assistant.verify import locate
from tests.conftest import DEV, load_jsonl, source_text


def _chunk(i: int, text: str) -> StoredChunk:
    return StoredChunk(f"c{i}", f"f{i}.txt", "/r", "t", 0, len(text), 1, text, "sha")


def _dev_with_evidence():
    return [q for q in load_jsonl(DEV) if q["evidence"]]


@pytest.mark.parametrize("q", _dev_with_evidence(), ids=lambda q: q["id"])
def test_gold_evidence_is_in_the_top_5(seed_fc, q):
    hits = seed_fc.search(q["question"], 5)
    for source, quote in q["evidence"]:
        span = locate(quote, source_text(source))
        assert span is not None
        assert any(
            h.chunk.source == source and h.chunk.start < span.end and span.start < h.chunk.end
            for h in hits
        ), f"{source}: {quote!r} not in the top 5"


def test_number_words_and_digits_find_each_other():
    index = LexicalIndex(
        chunks=[
            _chunk(0, "Officials said five citizens had been killed."),
            _chunk(1, "The convoy had 12 trucks and a tanker."),
            _chunk(2, "Reports put the toll at 200 fighters."),
        ]
    )
    assert index.search("5 citizens", 3)[0][0].id == "c0"
    assert index.search("twelve trucks", 3)[0][0].id == "c1"
    assert index.search("two hundred fighters", 3)[0][0].id == "c2"


def test_punctuation_and_case_do_not_block_matches():
    index = LexicalIndex(chunks=[_chunk(0, "Nobody was KILLED there."), _chunk(1, "A calm day.")])
    assert [c.id for c, _ in index.search("killed?", 2)] == ["c0"]


def test_a_query_of_only_stopwords_finds_nothing_by_keyword():
    index = LexicalIndex(chunks=[_chunk(0, "Something happened.")])
    assert index.search("what is the", 5) == []


def test_fusion_returns_k_hits_in_score_order(seed_fc):
    hits = seed_fc.search("Novaya Gazeta 13 Russians killed", 4)
    assert len(hits) == 4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].dense_rank is not None and hits[0].bm25_rank is not None


def test_is_a_langchain_retriever_that_composes(seed_fc):
    retriever: HybridRetriever = seed_fc.retriever
    docs = retriever.invoke("Who confirmed deaths to the BBC?")
    assert docs and all(isinstance(d, Document) for d in docs)
    for d in docs:
        text = source_text(d.metadata["source"])
        assert text[d.metadata["start"] : d.metadata["end"]] == d.page_content
    chain = retriever | RunnableLambda(lambda ds: [d.metadata["source"] for d in ds])
    assert len(chain.invoke("Wagner Group")) == retriever.k


def test_empty_query_is_refused(seed_fc):
    with pytest.raises(InputError):
        seed_fc.search("   ")
