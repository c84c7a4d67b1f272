"""The index: articles on disk → sentence-aware chunks → embeddings → Chroma + BM25.

``corpus`` reads files, ``chunking`` cuts them with exact offsets, ``embeddings`` turns
text into vectors, ``store`` keeps the vectors (Chroma) and ``lexical`` the keyword index
(SQLite FTS5) in step, ``ingest`` drives the whole, and ``retrieval`` searches both.
Beside ``store``: ``schema`` is what a stored chunk holds, ``connection`` opens Chroma,
``folder`` keeps the store's folder and write lock, ``faults`` tells failures apart and
``info`` describes a store.
Nothing here reasons about questions or claims.
"""
