"""The local embedding model as LangChain ``Embeddings``, for LangChain code.

Kept apart from :mod:`assistant.index.embeddings` so that the pipeline, which needs
only ``embed_documents`` and ``embed_query``, never pays for importing LangChain. An
instance shares the process's loaded ONNX session with every
:class:`~assistant.index.embeddings.MiniLMEncoder`.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from assistant.index.embeddings import MiniLMEncoder


class LocalMiniLMEmbeddings(MiniLMEncoder, Embeddings):
    """all-MiniLM-L6-v2, packaged and offline, as LangChain ``Embeddings``."""
