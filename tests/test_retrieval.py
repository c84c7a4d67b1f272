"""Hybrid retrieval: answers asked in other words, number words, the LangChain interface."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from assistant.errors import InputError
from assistant.index.lexical import LexicalIndex
from assistant.index.retrieval import COVERAGE_WEIGHT, RRF_K, HybridRetriever, fuse, term_weights
from assistant.index.schema import StoredChunk
from assistant.index.terms import terms
from tests.conftest import source_text


def _chunk(i: int, text: str) -> StoredChunk:
    return StoredChunk(f"c{i}", f"f{i}.txt", "/r", "t", 0, len(text), 1, text, "sha")


@pytest.mark.parametrize(
    ("question", "source", "sentence"),
    [
        (
            "Where were flood victims given shelter for the night?",
            "marrowdale-flood.txt", "About 600 residents slept on camp beds",
        ),
        (
            "When will the west side defences be fixed?",
            "marrowdale-flood.txt", "Repairs to the west bank will start",
        ),
        (
            "Where were the wounded cared for?",
            "marrowdale-wire.txt", "St Ansel's hospital opened an extra ward",
        ),
        (
            "Which firm is hiring hundreds of staff to build machines?",
            "quillfeather.txt", "The plant will employ 350 workers",
        ),
        (
            "How long did the rowers take to cover the course?",
            "regatta.txt", "The crew finished the two-kilometre course",
        ),
        (
            "How did growers shield their orchards from the cold?",
            "orchard.txt", "lit straw fires between the rows",
        ),
        (
            "Why did the railway workers stop work?",
            "rail-strike.txt", "over a dispute about night shifts",
        ),
        (
            "Which exhibits can visitors see at the old beacon?",
            "lighthouse.txt", "holds a collection of ship logs",
        ),
        (
            "Did the loser of the mayoral race accept the result?",
            "vantorp-election.txt", "Her rival, Tomas Eberly, conceded",
        ),
        (
            "How much more money goes to education?",
            "dunmere-budget.txt", "Spending on schools rises by 6 percent",
        ),
    ],
)  # fmt: skip
def test_the_passage_that_answers_a_question_in_other_words_is_in_the_top_3(
    invented_fc, question, source, sentence
):
    text = (invented_fc.settings.corpus / source).read_text(encoding="utf-8")
    start = text.index(sentence)
    end = text.index(".", start)
    # Other words: the question shares at most one term with the sentence it needs.
    assert len(set(terms(question)) & set(terms(text[start:end]))) <= 1
    assert len(invented_fc.search(question, 20)) > 3  # more passages than the top 3

    hits = invented_fc.search(question, 3)

    assert any(
        h.chunk.source == source and h.chunk.start <= start and end <= h.chunk.end for h in hits
    ), [(h.chunk.source, h.chunk.text[:60]) for h in hits]
    for h in hits:
        stored = (invented_fc.settings.corpus / h.chunk.source).read_text(encoding="utf-8")
        assert stored[h.chunk.start : h.chunk.end] == h.chunk.text


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


def test_a_query_scores_its_rarest_terms_within_the_postings_budget(monkeypatch):
    from assistant.index import lexical

    # "convoy" in 4 chunks of 10, "tanker" in 3, "ambush" in 1: none in half of them.
    texts = [
        f"A {'convoy' if i < 4 else 'truck'} {'tanker ' if i in (5, 7) else ''}moved on day {i}."
        for i in range(10)
    ]
    texts[3] = "A convoy tanker was hit in an ambush."
    index = LexicalIndex(chunks=[_chunk(i, t) for i, t in enumerate(texts)])
    assert index.query_terms("ambush tanker convoy") == ["ambush", "tanker", "convoy"]

    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 4)  # room for ambush (1) + tanker (3)
    assert index.query_terms("ambush tanker convoy") == ["ambush", "tanker"]
    assert index.search("ambush tanker convoy", 1)[0][0].id == "c3"

    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 0)  # the rarest term is always kept
    assert index.query_terms("convoy tanker") == ["tanker"]


def test_a_term_in_half_the_chunks_is_not_scored_beside_rarer_ones():
    # "convoy" in every chunk, "tanker" in exactly half, "ambush" in two: FTS5 clamps
    # the idf of the first two to 1e-6, so scoring them would cost without ranking.
    texts = [f"A convoy {'tanker ' if i % 2 else ''}moved on day {i}." for i in range(10)]
    texts[3] = "A convoy tanker was hit in an ambush."
    texts[4] = "An ambush on a convoy, with a second ambush later, was reported."
    index = LexicalIndex(chunks=[_chunk(i, t) for i, t in enumerate(texts)])
    assert index.query_terms("ambush tanker convoy") == ["ambush"]
    # The chunks that hold the informative term still come back, best first.
    assert [c.id for c, _ in index.search("ambush tanker convoy", 5)] == ["c4", "c3"]
    # A query of only common terms keeps them: their tiny weights are all it has.
    assert index.query_terms("tanker convoy") == ["tanker", "convoy"]
    assert len(index.search("tanker convoy", 10)) == 10


def test_fusion_returns_k_hits_in_score_order(seed_fc):
    hits = seed_fc.search("Novaya Gazeta 13 Russians killed", 4)
    assert len(hits) == 4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].dense_rank is not None and hits[0].bm25_rank is not None


def test_fusion_lets_the_exact_rare_figure_beat_near_misses_that_rrf_prefers():
    near = [_chunk(i, f"Reporter {i} said {i} were counted.") for i in range(1, 31)]
    exact = _chunk(99, "Turnout figures: 123 ballots counted, Reporter 41 said.")
    index = LexicalIndex(chunks=[*near, exact])
    # The embedding side ranks the near-misses first and the exact passage last; BM25
    # ranks the exact passage first (it alone has "123") and the rest on "counted".
    dense = [(c, 0.8 - 0.01 * i) for i, c in enumerate(near)] + [(exact, 0.3)]
    lexical = [(exact, 9.0)] + [(c, 0.1) for c in near]

    plain = fuse(dense, lexical, {})  # no question terms: plain reciprocal rank fusion
    assert plain[0].chunk.id == "c1"  # 1st and 2nd beats 1st and 31st, whatever the margin
    assert plain[0].score == pytest.approx(1 / (RRF_K + 1) + 1 / (RRF_K + 2))

    weights = term_weights("Who said 123 were counted?", index)
    assert weights["123"] > 10 * weights["count"]  # the figure is rare, "counted" is not
    hits = fuse(dense, lexical, weights)
    assert hits[0].chunk.id == "c99"
    assert hits[0].coverage == pytest.approx(1.0)
    assert hits[0].score == pytest.approx(
        1 / (RRF_K + 1) + 1 / (RRF_K + 31) + COVERAGE_WEIGHT * hits[0].coverage
    )
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(hits) == 31  # every candidate from either side, each once


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


def test_invoke_honours_k_and_other_search_options(seed_fc):
    retriever: HybridRetriever = seed_fc.retriever
    question = "Who confirmed deaths to the BBC?"
    assert retriever.k == 5
    one = retriever.invoke(question, k=1)
    assert len(one) == 1
    assert one[0].id == retriever.search(question)[0].chunk.id  # the best hit, not any one
    assert len(retriever.invoke(question, k=8)) == 8
    assert len(retriever.invoke(question)) == retriever.k  # no k: the retriever's own
    # A caller's embedding is used as is: the query's own vector ranks the same.
    vector = seed_fc.embeddings.embed_query(question)
    assert [d.id for d in retriever.invoke(question, k=3, query_vector=vector)] == [
        d.id for d in retriever.invoke(question, k=3)
    ]
    assert len(retriever.invoke(question, k=2, verbose=True)) == 2  # LangChain's own option


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", True, None])
def test_a_bad_k_is_refused_with_the_projects_error(seed_fc, bad):
    retriever: HybridRetriever = seed_fc.retriever
    if bad is None:  # None means "the retriever's k", so the bad value sits there instead
        retriever = retriever.model_copy(update={"k": 0})
    with pytest.raises(InputError, match="k must be a whole number"):
        retriever.invoke("Who confirmed deaths to the BBC?", k=bad)


def test_an_unknown_search_option_is_refused_not_ignored(seed_fc):
    with pytest.raises(InputError, match=r"unknown search option\(s\) 'filter', 'top_k'"):
        seed_fc.retriever.invoke("Wagner Group", top_k=1, filter={"source": "x"})
