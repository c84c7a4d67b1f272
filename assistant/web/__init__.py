"""A local web page and JSON API over the fact-check assistant (issue 13).

Importing this package is cheap: Starlette and uvicorn load only when
:func:`create_app` or :func:`serve` is called, so the CLI can import it lazily and
``factcheck --help`` stays fast. The self-contained HTML reports are in
:mod:`assistant.web.report` (Jinja2 only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.app import FactCheck
    from assistant.settings import Settings

DEFAULT_HOST = "127.0.0.1"
# Not 8000: the README runs a Chroma server there.
DEFAULT_PORT = 8765


def create_app(
    settings: Settings,
    *,
    factcheck: FactCheck | None = None,
    allowed_hosts: Sequence[str] | None = None,
) -> Any:
    """The ASGI application (Starlette): pages and the JSON API, read-only.

    Args:
        settings: Configuration; one :class:`~assistant.app.FactCheck` is built from it
            and shared by every request, so the embedding model loads once.
        factcheck: Use this instance instead (tests pass one already warm).
        allowed_hosts: Host header values accepted (default: the loopback names), so a
            web page elsewhere cannot read the articles through DNS rebinding.

    Returns:
        A ``starlette.applications.Starlette`` instance.
    """
    from assistant.web.server import build_app

    return build_app(settings, factcheck=factcheck, allowed_hosts=allowed_hosts)


def serve(
    settings: Settings,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    on_ready: Callable[[str], None] | None = None,
    *,
    factcheck: FactCheck | None = None,
    on_warning: Callable[[str], None] | None = None,
    allow_hosts: Sequence[str] = (),
) -> None:
    """Serve the pages with uvicorn until interrupted; see :func:`assistant.web.server.serve`."""
    from assistant.web.server import serve as _serve

    _serve(
        settings,
        host,
        port,
        on_ready,
        factcheck=factcheck,
        on_warning=on_warning,
        allow_hosts=allow_hosts,
    )


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "create_app", "serve"]
