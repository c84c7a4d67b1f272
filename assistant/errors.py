"""Errors meant for the user.

Every exception here carries a message a person can act on. The CLI prints it as one
line on stderr and exits 1; set ``FACTCHECK_DEBUG=1`` to see the traceback instead.
"""

from __future__ import annotations


class FactCheckError(Exception):
    """Base class: ``str(error)`` is the one-line message shown to the user."""


class ConfigError(FactCheckError):
    """Settings are missing or contradict each other."""


class InputError(FactCheckError):
    """The user's input cannot be used (empty question, missing path, ...)."""


class NoArticlesError(InputError):
    """No readable ``.txt`` or ``.md`` article was found."""


class StoreError(FactCheckError):
    """The vector store is missing, empty, corrupt or incompatible."""


class StoreMissingError(StoreError):
    """There is no store yet (no folder, or no collection on the server): ingest first."""


class EmbeddingMismatchError(StoreError):
    """The store was built with another embedding model than the one configured."""


class ModelIntegrityError(FactCheckError):
    """The packaged embedding model is missing or does not match its checksum."""


class StoreBusyError(StoreError):
    """Another process is writing to the store (an ingest holds its lock)."""


class StoreReadOnlyError(StoreError):
    """The store can be read but not written (a read-only folder, another user's store)."""


class DiskFullError(StoreError):
    """The disk holding the store is full; what was stored before still answers."""
