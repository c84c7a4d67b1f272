"""Import boundaries: the core never loads the CLI toolkit; the CLI loads nothing heavy."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_core_does_not_import_typer_or_rich():
    loaded = _modules_after(
        "import assistant.app, assistant.reasoning.answer, assistant.index.retrieval, "
        "assistant.index.store, assistant.index.ingest, assistant.eval, "
        "assistant.reasoning.citations, assistant.reasoning.shortanswer, assistant.llm.chat"
    )
    assert "typer" not in loaded and "rich" not in loaded


def test_cli_start_up_imports_nothing_heavy():
    loaded = _modules_after("import assistant.cli")
    for heavy in (
        "chromadb",
        "langchain_core",
        "onnxruntime",
        "numpy",
        "Stemmer",
        "sqlite3",
        "spacy",
    ):
        assert heavy not in loaded, heavy


def test_answering_does_not_import_langchains_retriever_machinery():
    # It costs about 0.35 s a process (its tracers import langsmith); only the LangChain
    # wrapper needs it, and that is imported when asked for.
    loaded = _modules_after(
        "import assistant.app, assistant.reasoning.answer, assistant.index.retrieval, "
        "assistant.reasoning.check, assistant.reasoning.shortanswer"
    )
    assert "langchain_core.retrievers" not in loaded
    assert "langsmith" not in loaded
    wrapper = _modules_after("from assistant.index.retrieval import HybridRetriever")
    assert "langchain_core.retrievers" in wrapper


def test_answering_with_the_local_model_does_not_import_langchain():
    # LangChain's Embeddings base class alone costs about 0.15 s a process (its callback
    # machinery); the pipeline uses the plain encoder, LangChain code the subclass.
    loaded = _modules_after(
        "import assistant.app, assistant.reasoning.answer, assistant.index.ingest, "
        "assistant.reasoning.check, assistant.reasoning.shortanswer\n"
        "from assistant.index.embeddings import make_embedder\n"
        "from assistant.settings import Settings\n"
        "make_embedder(Settings()).embed_query('Who won?')"
    )
    assert not {m for m in loaded if m.startswith("langchain")}
    wrapper = _modules_after("from assistant.index.embeddings import LocalMiniLMEmbeddings")
    assert "langchain_core.embeddings" in wrapper
