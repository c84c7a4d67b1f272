"""Shared fixtures. Every test runs in its own temporary folder with its own store."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from assistant.app import FactCheck
from assistant.index.schema import StoredChunk
from assistant.index.terms import terms
from assistant.settings import Settings

# No test may touch the developer's own per-user data (the default store, the record of
# ingested folders): the whole session gets its own data folder.
os.environ["XDG_DATA_HOME"] = _DATA_HOME = tempfile.mkdtemp(prefix="factcheck-test-data-")
atexit.register(shutil.rmtree, _DATA_HOME, ignore_errors=True)  # one per run, not left behind

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
HELDOUT = ROOT / "tests" / "data" / "heldout.jsonl"

_ENV = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "FACTCHECK_OPENAI_API_KEY", "FACTCHECK_OPENAI_BASE_URL",
    "FACTCHECK_EMBEDDING", "FACTCHECK_MODE", "FACTCHECK_CORPUS", "FACTCHECK_DEBUG", "FACTCHECK_K",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the store at a temporary folder and run from there: never touch vectorstore/."""
    for var in _ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FACTCHECK_STORE", str(tmp_path / "store"))
    monkeypatch.chdir(tmp_path)  # also keeps a developer's .env out of the tests
    return tmp_path


class HashEmbeddings(Embeddings):
    """A deterministic, instant stand-in for the embedding model (bag of hashed terms).

    It names itself, so a store built with it can never be queried as the real model.
    """

    model_id = "test:hash-64"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts_embedded = 0

    def _vec(self, text: str) -> list[float]:
        v = np.zeros(self.dim, dtype=np.float32)
        for t in terms(text) or ["\x00"]:
            v[int(hashlib.md5(t.encode()).hexdigest(), 16) % self.dim] += 1.0
        return (v / np.linalg.norm(v)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts_embedded += len(texts)
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


@pytest.fixture
def fake_embeddings() -> HashEmbeddings:
    return HashEmbeddings()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the seed articles that a test may change."""
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture(scope="session")
def seed_fc(tmp_path_factory: pytest.TempPathFactory) -> FactCheck:
    """The seeds ingested once with the real packaged model (shared, read-only)."""
    store = tmp_path_factory.mktemp("seed-store") / "store"
    fc = FactCheck(Settings(store=store, corpus=SEEDS))
    fc.ingest([SEEDS])
    return fc


@pytest.fixture(scope="session")
def invented_fc(tmp_path_factory: pytest.TempPathFactory) -> FactCheck:
    """The invented articles of ``tests/invented.py`` ingested once (shared, read-only)."""
    from tests.invented import ARTICLES, ingested

    return ingested(tmp_path_factory.mktemp("invented"), ARTICLES)


def stored_chunks(folder: Path, files: dict[str, str]) -> list[StoredChunk]:
    """Write ``files`` (name -> text) into ``folder``, each as one stored chunk."""
    out = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        out.append(StoredChunk(name, name, str(folder), text.splitlines()[0], 0, len(text), 1,
                               text, "sha"))  # fmt: skip
    return out


@pytest.fixture
def built(tmp_path: Path, corpus: Path) -> Path:
    """A store built by the CLI (``factcheck ingest``) with the packaged model."""
    from typer.testing import CliRunner

    from assistant.cli import app

    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


from tests.llm_support import llm_fc, no_sleep  # noqa: E402  (shared fixtures)
from tests.local_site import site  # noqa: E402  (a web site on 127.0.0.1)

__all__ = ["llm_fc", "no_sleep", "site"]


def load_jsonl(path: Path) -> list[dict]:
    """The lines of a JSONL file (for files that ship with the repository)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def dev_params(keep: Callable[[dict], bool] = lambda q: True) -> list[Any]:
    """The seeds' dev questions that ``keep`` selects, as parameters named by their ids.

    ``../shared`` lies beside the development checkout only: without it this is one
    parameter that skips with the reason, so each test that uses it skips and every
    other test of its module still runs.
    """
    if not DEV.is_file():
        reason = f"{DEV} is not present (it lives in shared/ beside the repository)"
        return [pytest.param(None, id="no-shared", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(q, id=q["id"]) for q in load_jsonl(DEV) if keep(q)]


def own_settings(base: Path) -> Settings:
    """Settings whose store, derived texts, record of folders and fetched pages are in ``base``."""
    return Settings(
        store=base / "store",
        text_cache=base / "documents",
        ingested_folders=base / "ingested.json",
        fetch_dir=base / "fetched",
    )


def source_text(source: str, root: Path = SEEDS) -> str:
    return (root / source).read_bytes().decode("utf-8")
