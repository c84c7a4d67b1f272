"""The Starlette application behind ``factcheck serve``: pages and a JSON API, read-only.

One :class:`~assistant.app.FactCheck` serves every request, so the embedding model,
Chroma and spaCy load once; a lock lets one request use it at a time (the library is
not written to be shared between threads). Handlers are plain functions, which
Starlette runs in a worker thread, so a slow answer does not stall the event loop.
"""

from __future__ import annotations

import ipaddress
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from assistant.articles import Articles, NotServed
from assistant.contracts import info_json, search_json
from assistant.errors import FactCheckError, InputError, StoreError
from assistant.index.chunking import line_of
from assistant.index.retrieval import MAX_QUESTION_CHARS
from assistant.web.render import STATIC, claims_chart, environment, highlighted

if TYPE_CHECKING:
    from assistant.app import FactCheck
    from assistant.settings import Mode, Settings

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
MAX_TEXT = MAX_QUESTION_CHARS  # the CLI's limit on questions, claims and topics

# Nothing on a page needs script: the quote is scrolled to by its URL fragment. So no
# script may run at all, which also holds if escaping were ever missed somewhere.
_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

API = [
    ("/api/ask?q=QUESTION", "What `factcheck ask QUESTION --json` prints."),
    ("/api/check?claim=CLAIM", "What `factcheck check CLAIM --json` prints."),
    ("/api/claims", "What `factcheck claims --json` prints (`?order=date`: `--by-date`)."),
    ("/api/summary?topic=TOPIC", "What `factcheck summary [TOPIC] --json` prints (topic optional)."),  # noqa: E501
    ("/api/search?q=QUERY&k=N", "What `factcheck search QUERY -k N --json` prints (k 1-100, default 5)."),  # noqa: E501
    ("/api/info", "What `factcheck info --json` prints."),
]  # fmt: skip


# An absolute path in text: POSIX (not the path of a URL: no ":", "/" or word before
# it) or Windows (C:\ or \\server\). What follows the last separator is kept.
_ABSOLUTE_PATH = re.compile(
    r"""(?<![\w:/.~-])/(?:[^\s/'"()<>]+/)*([^\s/'"()<>]*)"""
    r"""|(?<![\w])(?:[A-Za-z]:|\\)\\(?:[^\s\\'"()<>]+\\)*([^\s\\'"()<>]*)"""
)


def _named(path: str) -> str:
    """A folder's name, not its place on the disk (a URL, a Chroma server's, stays whole)."""
    if "://" in path:
        return path
    return PurePosixPath(path.replace("\\", "/")).name or path


def public_info(data: dict[str, Any]) -> dict[str, Any]:
    """What ``info --json`` says, with no absolute path of this machine in it.

    The page may be served to the network, and where the store and the ingested folders
    lie on the disk (a user name in a home folder, say) is none of a reader's business:
    folders are named by their last part, and any path in a message is cut to its name.
    """
    shown = dict(data)
    if isinstance(shown.get("store"), str):
        shown["store"] = _named(shown["store"])
    shown["folders"] = [_named(str(f)) for f in shown.get("folders") or []]
    for key, value in shown.items():
        if isinstance(value, str):
            shown[key] = _ABSOLUTE_PATH.sub(lambda m: m.group(1) or m.group(2) or "", value)
    return shown


def status_of(exc: FactCheckError) -> int:
    """The HTTP status for a user error: the request (400) or the store's state (409)."""
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, StoreError):
        return 409
    return 400


class _Shared:
    """The one assistant of this server and the lock that serialises its use."""

    def __init__(self, fc: FactCheck) -> None:
        self.fc = fc
        self.lock = threading.Lock()

    @contextmanager
    def using(self) -> Iterator[FactCheck]:
        with self.lock:
            yield self.fc


def _text_param(request: Request, name: str, *, required: bool = True) -> str | None:
    value = request.query_params.get(name)
    if value is None or not value.strip():
        if required:
            raise InputError(f"give the {name!r} parameter")
        return None
    if len(value) > MAX_TEXT:
        raise InputError(f"{name} is longer than {MAX_TEXT} characters")
    return value


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low} and {high}")
    return value


def _html(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    from assistant import __version__

    body = environment().get_template(template).render(version=__version__, **context)
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=_HEADERS)


def build_app(
    settings: Settings,
    *,
    factcheck: FactCheck | None = None,
    allowed_hosts: Sequence[str] | None = None,
) -> Starlette:
    """The application; see :func:`assistant.web.create_app`."""
    if factcheck is None:
        from assistant.app import FactCheck

        factcheck = FactCheck(settings).with_sentence_cache()
    shared = _Shared(factcheck)

    def page(
        template: str, work: Callable[[FactCheck, Articles], dict[str, Any]], **context: Any
    ) -> HTMLResponse:
        """Render ``template`` with what ``work`` computes; a user error is shown on it."""
        with shared.using() as fc:
            try:
                sources = fc._sources()
                articles = Articles(fc, sources)
                return _html(template, **context, **work(fc, articles))
            except FactCheckError as exc:
                return _html(template, status_of(exc), **context, error=str(exc))

    def api(work: Callable[[FactCheck], Any]) -> JSONResponse:
        with shared.using() as fc:
            try:
                return _json(work(fc))
            except FactCheckError as exc:
                return _json({"error": str(exc)}, status_of(exc))

    # -- pages --------------------------------------------------------------------------

    def home(request: Request) -> Response:
        return RedirectResponse("/ask", status_code=302)

    def ask_page(request: Request) -> HTMLResponse:
        q = request.query_params.get("q", "")

        def work(fc: FactCheck, arts: Articles) -> dict[str, Any]:
            question = _text_param(request, "q", required=False)
            if question is None:
                return {}
            answer = fc.ask(question)
            links = {c.id: arts.link(c) for c in answer.citations}
            return {"answer": answer, "links": links, "link": arts.link}

        return page("ask.html", work, q=q, active="ask")

    def check_page(request: Request) -> HTMLResponse:
        claim = request.query_params.get("claim", "")

        def work(fc: FactCheck, arts: Articles) -> dict[str, Any]:
            text = _text_param(request, "claim", required=False)
            if text is None:
                return {}
            result = fc.check(text)
            links = {c.id: arts.link(c) for c in result.citations}
            return {"result": result, "links": links, "link": arts.link}

        return page("check.html", work, claim=claim, active="check")

    def claims_page(request: Request) -> HTMLResponse:
        by_date = request.query_params.get("order") == "date"

        def work(fc: FactCheck, arts: Articles) -> dict[str, Any]:
            table = fc.claims()
            if by_date:
                table = table.by_date()
            links = {c.id: arts.link(c) for claim in table.claims for c in claim.citations}

            def claim_link(claim: Any) -> str | None:
                return links.get(claim.citations[0].id) if claim.citations else None

            return {
                "table": table,
                "charts": claims_chart(table, claim_link),
                "links": links,
                "by_date": by_date,
            }

        return page("claims.html", work, active="claims")

    def summary_page(request: Request) -> HTMLResponse:
        topic = request.query_params.get("topic", "")

        def work(fc: FactCheck, arts: Articles) -> dict[str, Any]:
            summary = fc.summary(_text_param(request, "topic", required=False))
            cits = summary.citations()
            links = {c.id: arts.link(c) for c in cits}
            return {"summary": summary, "citations": cits, "links": links, "link": arts.link}

        return page("summary.html", work, topic=topic, active="summary")

    def articles_page(request: Request) -> HTMLResponse:
        return page(
            "articles.html", lambda fc, arts: {"articles": arts.listing()}, active="articles"
        )

    def article_page(request: Request) -> HTMLResponse:
        aid = request.path_params["aid"]
        with shared.using() as fc:
            try:
                arts = Articles(fc, fc._sources())
                article, text = arts.read(aid)
                start = _int_param(request, "start", -1, 0, len(text))
                end = _int_param(request, "end", -1, 0, len(text))
            except NotServed as exc:
                return _html("error.html", exc.status, error=str(exc), active="articles")
            except FactCheckError as exc:
                return _html("error.html", status_of(exc), error=str(exc), active="articles")
        span = (start, end) if 0 <= start < end else None
        return _html(
            "article.html",
            article=article,
            body=highlighted(text, *(span or (None, None))),
            span=span,
            quote=text[span[0] : span[1]] if span else None,
            line=line_of(text, span[0]) if span else None,
            active="articles",
        )

    def api_index(request: Request) -> HTMLResponse:
        return _html("api.html", endpoints=API, active="api")

    # -- API ----------------------------------------------------------------------------

    def api_ask(request: Request) -> JSONResponse:
        return api(lambda fc: fc.ask(str(_text_param(request, "q"))).to_json())

    def api_check(request: Request) -> JSONResponse:
        return api(lambda fc: fc.check(str(_text_param(request, "claim"))).to_json())

    def api_claims(request: Request) -> JSONResponse:
        if request.query_params.get("order") == "date":
            return api(lambda fc: fc.claims().by_date().to_json())
        return api(lambda fc: fc.claims().to_json())

    def api_summary(request: Request) -> JSONResponse:
        return api(lambda fc: fc.summary(_text_param(request, "topic", required=False)).to_json())

    def api_search(request: Request) -> JSONResponse:
        def work(fc: FactCheck) -> Any:
            query = str(_text_param(request, "q"))
            k = _int_param(request, "k", 5, 1, 100)
            from assistant.index.retrieval import check_question

            check_question(query)
            hits, _notes = fc.search_checked(query, k)
            return search_json(query, hits)

        return api(work)

    def api_info(request: Request) -> JSONResponse:
        return api(lambda fc: public_info(info_json(fc)))

    # -- errors -------------------------------------------------------------------------

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = exc.detail if isinstance(exc, HTTPException) else "internal error"
        if request.url.path.startswith("/api"):
            return _json({"error": message}, status)
        return _html("error.html", status, error=message)

    async def failed(request: Request, exc: Exception) -> Response:
        # No traceback or path reaches the page: the server's console has them.
        if request.url.path.startswith("/api"):
            return _json({"error": "internal error"}, 500)
        return _html("error.html", 500, error="internal error")

    hosts = list(allowed_hosts) if allowed_hosts is not None else list(LOOPBACK_NAMES)
    routes = [
        Route("/", home),
        Route("/ask", ask_page),
        Route("/check", check_page),
        Route("/claims", claims_page),
        Route("/summary", summary_page),
        Route("/articles", articles_page),
        Route("/articles/{aid:str}", article_page),
        Route("/api", api_index),
        Route("/api/ask", api_ask),
        Route("/api/check", api_check),
        Route("/api/claims", api_claims),
        Route("/api/summary", api_summary),
        Route("/api/search", api_search),
        Route("/api/info", api_info),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        exception_handlers={HTTPException: not_found, Exception: failed},
    )
    app.state.factcheck = factcheck
    return app


_HOST_NAME = re.compile(r"(?:\*\.)?[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?")


def _host_form(name: str) -> str:
    """``name`` as a browser sends it in a Host header: lower case, an IPv6 address in brackets."""
    name = name.strip().lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(name.strip("[]").split("%")[0])  # no zone: never in a URL
    except ValueError:
        return name
    return f"[{ip.compressed}]" if ip.version == 6 else ip.compressed


def _user_host(name: str) -> str:
    """One ``--allow-host`` value, checked: a host name, ``*.domain`` or an address.

    Raises:
        ConfigError: Anything else (a scheme, a port, a space, ``*`` alone).
    """
    from assistant.errors import ConfigError

    form = _host_form(name)
    if not (form.startswith("[") or _HOST_NAME.fullmatch(form)):
        raise ConfigError(
            f"--allow-host takes a host name, *.domain or an address, without scheme or port "
            f"(got {name!r}); '*' alone is refused: it would answer any page's name"
        )
    return form


def machine_names() -> set[str]:
    """This machine's names and addresses, as Host headers would give them.

    The host name (and its ``.local`` name, which mDNS answers on a LAN), the fully
    qualified name, the addresses they resolve to, and each network interface's
    addresses where the system lists them (Linux). An address that is not found here
    can be added with ``--allow-host``.
    """
    import socket

    found: set[str] = set()
    hostname = socket.gethostname()
    if hostname and "." not in hostname and hostname != "localhost":
        found.add(f"{hostname}.local")
    for name in {hostname, socket.getfqdn(hostname)} - {""}:
        found.add(name)
        with suppress(OSError):
            found.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))
    found.update(_interface_addresses())
    return {_host_form(name) for name in found}


def _interface_addresses() -> set[str]:
    """Every interface's IPv4 address and IPv6 addresses (Linux; empty elsewhere)."""
    import socket

    found: set[str] = set()
    if not sys.platform.startswith("linux"):
        return found
    import fcntl
    import struct

    siocgifaddr = 0x8915  # <linux/sockios.h>: an interface's IPv4 address
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for _index, name in socket.if_nameindex():
                request = struct.pack("256s", name.encode()[:15])
                try:
                    reply = fcntl.ioctl(probe.fileno(), siocgifaddr, request)
                except OSError:
                    continue  # no IPv4 address on this interface
                found.add(socket.inet_ntoa(reply[20:24]))
    except OSError:
        pass
    try:
        for line in Path("/proc/net/if_inet6").read_text().splitlines():
            found.add(str(ipaddress.IPv6Address(bytes.fromhex(line.split()[0]))))
    except (OSError, ValueError, IndexError):
        pass
    return found


def allowed_hosts(host: str, extra: Sequence[str] = ()) -> list[str]:
    """The Host header values a server bound to ``host`` answers to.

    A page on another site can point a name it owns at this machine (DNS rebinding);
    the browser then sends that name as Host, and the server refuses it. Accepted: the
    loopback names; the bound address itself, so the URL ``serve`` prints works
    (127.0.0.2, say); on any address other than loopback, this machine's names and
    addresses (:func:`machine_names`); and ``extra``, names the user lists.

    Raises:
        ConfigError: A name in ``extra`` is not a host name or address.
    """
    names = {_host_form(n) for n in LOOPBACK_NAMES} | {_host_form(host)}
    if not is_loopback(host):
        names |= machine_names()
    names |= {_user_host(name) for name in extra}
    return sorted(names)


def _shown_url(host: str, port: int) -> str:
    """The URL to print: a loopback one when bound to every address (0.0.0.0, ::)."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return f"http://{host}:{port}/"
    if ip.is_unspecified:
        ip = ipaddress.ip_address("::1" if ip.version == 6 else "127.0.0.1")
    return f"http://[{ip}]:{port}/" if ip.version == 6 else f"http://{ip}:{port}/"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


WARM_QUESTION = "Who said how many were killed?"
_FELL_BACK = "; showing the extractive result"


def warm_up(fc: FactCheck) -> str | None:
    """Load the store, the model and spaCy, and embed the sentences, before serving.

    The claim table and one question also reach the chat model when one is configured,
    so a model that gives no usable answer (a failing server, a reply with no answer
    in it) is found here, before the first visitor, and said in one line.

    Returns:
        That line (``warning: the model is unusable ...``), or None when the model
        answered, was not asked, or is not configured.
    """
    from assistant.llm.faults import LLMError, LLMFormatError
    from assistant.reasoning import nlp
    from assistant.web.warm import prefill

    try:
        nlp.load()  # spaCy: about 1.2 s to import and load, paid here once
        prefill(fc)
    except FactCheckError:
        return None  # an empty or missing store: the pages say so
    uses_model = fc.resolve_mode() == "llm"
    problem: str | None = None
    # The claim table's attributions and the sources' first reads, then the query
    # path's first-call costs. Once the model has failed, the rest warms up without it:
    # a server that times out would otherwise hold the start for each step.
    steps: list[Callable[[Mode | None], Any]] = [fc.claims, lambda m: fc.ask(WARM_QUESTION, m)]
    for step in steps:
        try:
            result: Any = step("extractive" if problem else None)
        except (LLMError, LLMFormatError) as exc:  # mode llm: a server failure is raised
            problem = problem or f"{exc}; requests that need the model fail until it answers"
            continue
        except FactCheckError:
            continue  # an empty or missing store, say: the pages say so
        if uses_model and result.mode == "extractive" and result.notices:
            # auto (or a reply that broke the format): the extractive answer stood in.
            said = [str(n) for n in result.notices]
            reason = next((n for n in said if n.endswith(_FELL_BACK)), said[-1])
            reason = reason.removesuffix(_FELL_BACK)
            problem = problem or f"{reason}; the pages answer extractively meanwhile"
    if problem is None:
        return None
    return f"warning: the model is unusable at start-up: {' '.join(problem.split())}"


def _check_port_free(host: str, port: int) -> None:
    """Fail in one line before the slow warm-up when the address is taken.

    uvicorn itself would log the bind error and exit the whole process.

    Raises:
        ConfigError: Something already listens there, or the host is not this machine's.
    """
    import socket

    from assistant.errors import ConfigError

    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConfigError(f"cannot serve on {host}: {exc.strerror or exc}") from exc
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(
                f"cannot serve on {host}:{port} ({exc.strerror or exc}): choose another "
                "port with --port"
            ) from exc


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8765,
    on_ready: Callable[[str], None] | None = None,
    *,
    factcheck: FactCheck | None = None,
    on_warning: Callable[[str], None] | None = None,
    allow_hosts: Sequence[str] = (),
) -> None:
    """Serve the pages with uvicorn until interrupted (Ctrl-C).

    Args:
        settings: Configuration.
        host: Address to bind; loopback by default. Any other address serves the
            articles to the network, so it is allowed but warned about loudly.
        port: Port to bind (0: any free port).
        on_ready: Called with the URL once the server listens (default: print it).
        factcheck: Start from this instance (the CLI may have ingested the seeds with
            it); the server uses a copy whose sentence vectors are kept between requests.
        on_warning: Where warnings go (default: stderr): a non-loopback host, and a
            model that gave no usable answer at start-up.
        allow_hosts: More Host names to answer to, besides this machine's own (and
            ``FACTCHECK_ALLOW_HOSTS``); see :func:`allowed_hosts`.

    Raises:
        ConfigError: The port is taken, or a name to allow is not a host name.
    """
    import uvicorn

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    hosts = allowed_hosts(host, [*settings.allowed_host_names, *allow_hosts])
    if not is_loopback(host):
        (on_warning or say)(
            f"WARNING: serving on {host}: anyone who can reach this machine on port {port} "
            "can read every ingested article (it answers to this machine's names and "
            "addresses; --allow-host adds more). Use --host 127.0.0.1 to keep it local."
        )
    _check_port_free(host, port)
    from assistant.app import FactCheck

    factcheck = (factcheck or FactCheck(settings)).with_sentence_cache()
    unusable = warm_up(factcheck)
    if unusable:
        (on_warning or say)(unusable)
    app = build_app(settings, factcheck=factcheck, allowed_hosts=hosts)
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    )

    def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
        (on_ready or (lambda url: say(f"Serving on {url} (Ctrl-C to stop)")))(
            _shown_url(host, bound)
        )

    threading.Thread(target=announce, daemon=True).start()
    server.run()
