"""LangChain's standard suites (``langchain-tests``) on the retriever and the local embeddings.

The retriever suite runs :class:`HybridRetriever` over a small store built through
``FactCheck.ingest`` from invented articles, with the packaged embedding model: nothing
is downloaded and no socket is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import (
    EmbeddingsIntegrationTests,
    RetrieversIntegrationTests,
)
from langchain_tests.unit_tests import EmbeddingsUnitTests

from assistant.app import FactCheck
from assistant.index.embeddings import LocalMiniLMEmbeddings
from assistant.index.retrieval import HybridRetriever
from assistant.settings import Settings

# The suites' async tests carry no marker of their own and the project runs pytest-asyncio
# in strict mode, so the whole module is marked. Sync tests run as before, but the plugin
# warns about each of them; the marks cannot go on the async tests alone without
# overriding them, which the suites forbid (test_no_overrides_DO_NOT_OVERRIDE).
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings(
        "ignore:.*marked with '@pytest.mark.asyncio' but it is not an async function"
        ":pytest.PytestWarning"
    ),
]

# Four one-paragraph reports, each a chunk of its own: the suite asks for 3 results, so
# the store must hold more than 3 passages for the count to be the retriever's doing.
ARTICLES = {
    "harbour.txt": (
        "Harbour fire in Velmora\n\n"
        "Fire crews said 14 warehouses burned at the Velmora harbour on Tuesday night. "
        "The port authority put the damage at 3 million crowns."
    ),
    "harbour-wire.txt": (
        "Velmora port blaze\n\n"
        "A wire report said 11 warehouses were destroyed in the harbour fire in Velmora, "
        "citing a fire brigade spokesperson."
    ),
    "bridge.txt": (
        "Bridge reopens in Oskarby\n\n"
        "The Oskarby bridge reopened after 8 months of repairs, the council said, "
        "two weeks later than planned."
    ),
    "election.txt": (
        "Turnout in the Ferrin by-election\n\n"
        "Officials in Ferrin counted 23,400 ballots, a turnout of 61 percent, "
        "according to the electoral board."
    ),
}


@pytest.fixture(scope="module")
def small_fc(tmp_path_factory: pytest.TempPathFactory) -> FactCheck:
    """The invented articles ingested once with the packaged model (read-only)."""
    root = tmp_path_factory.mktemp("standard")
    corpus = root / "articles"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    fc = FactCheck(Settings(store=root / "store", corpus=corpus))
    report = fc.ingest([corpus])
    assert report is not None
    assert fc.store_exists()
    return fc


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    """The standard retriever suite: k in the constructor and at invoke, sync and async."""

    @pytest.fixture(autouse=True)
    def _store(self, small_fc: FactCheck) -> None:
        # The suite builds retrievers from retriever_constructor_params, a property that
        # takes no fixtures; the store is handed to it through the test instance.
        self.fc = small_fc

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"store": self.fc.store, "embeddings": self.fc.embeddings}

    @property
    def retriever_query_example(self) -> str:
        return "How many warehouses burned in the Velmora harbour fire?"


class TestLocalMiniLMEmbeddingsUnit(EmbeddingsUnitTests):
    """The standard embeddings unit suite (construction) for the packaged model."""

    @property
    def embeddings_class(self) -> type[LocalMiniLMEmbeddings]:
        return LocalMiniLMEmbeddings


class TestLocalMiniLMEmbeddingsIntegration(EmbeddingsIntegrationTests):
    """The standard embeddings suite (sync and async, queries and documents)."""

    @property
    def embeddings_class(self) -> type[LocalMiniLMEmbeddings]:
        return LocalMiniLMEmbeddings


def test_the_suites_store_holds_the_invented_articles(small_fc: FactCheck) -> None:
    # Guards the suite's premise: more passages than the 3 it asks for, all ours.
    docs = small_fc.retriever.invoke("warehouses harbour fire", k=10)
    assert len(docs) == len(ARTICLES)
    assert {Path(d.metadata["source"]).name for d in docs} == set(ARTICLES)
    assert all(isinstance(d, Document) for d in docs)


async def test_ainvoke_honours_k_and_ranks_like_invoke(small_fc: FactCheck) -> None:
    retriever = small_fc.retriever
    query = "How many warehouses burned in the Velmora harbour fire?"
    sync = retriever.invoke(query, k=2)
    docs = await retriever.ainvoke(query, k=2)
    assert [d.id for d in docs] == [d.id for d in sync]
    assert len(docs) == 2
    assert {Path(d.metadata["source"]).name for d in docs} == {"harbour.txt", "harbour-wire.txt"}
