"""Embedding selection and the packaged local model."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.errors import ConfigError, ModelIntegrityError
from assistant.index import embeddings as emb
from assistant.settings import Settings


def test_local_model_gives_unit_vectors_that_rank_meaning():
    model = emb.LocalMiniLMEmbeddings()
    q, near, far = model.embed_array(
        [
            "How many soldiers were killed?",
            "Officials said 13 fighters died in the attack.",
            "The recipe needs two cups of flour.",
        ]
    )
    assert np.allclose([np.linalg.norm(v) for v in (q, near, far)], 1.0, atol=1e-5)
    assert float(q @ near) > float(q @ far) + 0.2
    # Batching (sorted by length, padded per batch) must not change a text's vector.
    alone = model.embed_query("Officials said 13 fighters died in the attack.")
    assert np.allclose(alone, near, atol=1e-5)


def test_openai_embeddings_need_a_key_or_base_url():
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        emb.make_embeddings(Settings(embedding="openai"))


def test_openai_embeddings_are_selectable_without_fetching_tokenizer_data(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    settings = Settings(embedding="openai")
    model = emb.make_embeddings(settings)
    assert type(model).__name__ == "OpenAIEmbeddings"
    assert model.check_embedding_ctx_length is False  # else tiktoken downloads data
    assert emb.embedding_model_id(settings) == "openai:text-embedding-3-small"
    assert emb.embedding_model_id(Settings()) == emb.LOCAL_MODEL_ID


def test_a_model_file_with_the_wrong_checksum_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not the model")
    monkeypatch.setattr(emb, "_model_file", lambda: bad)
    with pytest.raises(ModelIntegrityError, match="checksum"):
        emb.LocalMiniLMEmbeddings().embed_query("x")
