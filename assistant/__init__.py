"""factcheck: cited answers from contradictory news reports.

The package is a library with a thin CLI (:mod:`assistant.cli`). Importing it is cheap;
heavy dependencies (chromadb, onnxruntime, LangChain) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from assistant.app import FactCheck
    from assistant.settings import Settings

__all__ = ["FactCheck", "Settings", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "FactCheck":
        from assistant.app import FactCheck

        return FactCheck
    if name == "Settings":
        from assistant.settings import Settings

        return Settings
    raise AttributeError(name)
