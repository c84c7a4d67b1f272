"""Fetching web pages the user asks to ingest, and saving them to disk.

A fetched page is ingested from the file saved here, never from memory, so every citation
of it verifies against bytes on disk like any other article. Beside each saved file a hidden
companion (``.<name>.source.json``) records the URL it came from.

httpx is imported inside the functions that use it: the CLI imports this module at start-up,
and most commands never fetch anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import socket
import ssl
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from assistant import __version__
from assistant.errors import InputError
from assistant.index.companion import companion_of
from assistant.index.corpus import printable_path

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 10 * 2**20
DEFAULT_MAX_REDIRECTS = 5
# The project has no public home page yet; add "+<url>" here when it has one, so a site's
# operator can find out what the tool is.
DEFAULT_USER_AGENT = f"factcheck-assistant/{__version__} (fact-check tool)"

# Media types the product can read, and the extension a saved file gets for each.
READABLE_TYPES: dict[str, str] = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",  # the older name, still sent by some servers
}
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ACCEPT = (
    f"text/html,application/xhtml+xml,application/pdf,{_DOCX},"
    "text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# A last path segment's extension that says how the page was made, not what it is: dropped
# from the saved name, whose extension comes from the content type.
_WEB_SUFFIXES = frozenset(
    {"html", "htm", "xhtml", "shtml", "php", "asp", "aspx", "jsp", "cgi", "pdf", "docx"}
    | {"txt", "md"}
)
_MAX_STEM = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Fetched:
    """One page fetched and saved.

    Attributes:
        url: The URL as the user gave it.
        final_url: The URL the page was read from, after redirects.
        path: Where the body was saved.
        content_type: The page's media type, e.g. ``text/html`` (no parameters).
        size: Bytes saved.

    """

    url: str
    final_url: str
    path: Path
    content_type: str
    size: int


@dataclass
class FetchReport:
    """Pages saved, and the URLs that failed with a one-line reason each."""

    fetched: list[Fetched] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


class _Failure(Exception):
    """A fetch that failed; ``str()`` is the one-line reason for the user."""


class _Redirect(Exception):
    """A redirect response, raised out of ``Client.send`` with its Location."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def _stop_at_redirect(response: httpx.Response) -> None:
    """Response hook: hand a redirect's Location over before httpx parses it.

    Even with ``follow_redirects=False`` httpx builds the next request from the Location,
    and fails on one it cannot parse (``javascript:alert(1)``) with a message about URL
    paths; this module gives its own reason for every Location that is not http(s).
    """
    if response.status_code in _REDIRECTS and "location" in response.headers:
        raise _Redirect(response.headers["location"])


def is_url(text: str) -> bool:
    """Whether ``text`` is an ``http://`` or ``https://`` URL with a host.

    The scheme may be in any case. Text with spaces or control characters is not a URL:
    it is a path or a typo, and httpx would refuse it later with a worse message.
    """
    if not text or any(ch.isspace() or not ch.isprintable() for ch in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def read_url_list(path: Path) -> list[str]:
    """Read a file of URLs, one a line.

    Blank lines and lines starting with ``#`` are ignored; spaces around a URL are removed.

    Args:
        path: The file to read (UTF-8, with or without a BOM).

    Returns:
        The URLs in file order (an empty list when the file holds none).

    Raises:
        InputError: The file cannot be read, or a line is not an http(s) URL.

    """
    shown = printable_path(path)
    try:
        # utf-8-sig: a BOM left by a Windows editor is not part of the first URL.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the URL list {shown} is not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"cannot read the URL list {shown} ({exc.strerror or exc})") from exc
    urls: list[str] = []
    # Split on "\n" only, not str.splitlines(): the line number in an error must be the one
    # an editor shows, and editors do not break lines at form feeds or U+2028.
    for number, line in enumerate(text.split("\n"), start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if not is_url(entry):
            raise InputError(f"{shown}, line {number}: not an http(s) URL: {_clip(entry)}")
        urls.append(entry)
    return urls


def fetch_urls(
    urls: Iterable[str],
    folder: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    user_agent: str = DEFAULT_USER_AGENT,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    on_fetched: Callable[[Fetched], None] | None = None,
    on_error: Callable[[str, str], None] | None = None,
    client: httpx.Client | None = None,
) -> FetchReport:
    """Fetch each URL and save its body under ``folder``.

    Only http(s) is fetched, and redirects are followed here (to http(s) only). Each URL
    gets at most ``timeout`` seconds in all, redirects and a slowly trickling server
    included. A failure never stops the other URLs: it is reported with a one-line reason.

    A page is saved as ``folder/<host>/<name>-<hash>.<ext>``, the same name each time the
    same final URL is fetched, written atomically, with its companion (see
    :func:`companion_of`) beside it.

    Args:
        urls: The URLs, in the order to fetch them.
        folder: Where to save pages; created when missing.
        timeout: Seconds allowed for each URL, from connecting to the last byte.
        max_bytes: Larger bodies are refused (unread when the server says its size).
        user_agent: Sent with every request.
        max_redirects: Redirects followed for one URL before giving up.
        on_fetched: Called with each page saved, e.g. to print progress.
        on_error: Called with (url, reason) for each URL that failed.
        client: An httpx client to use instead of a new one (tests inject one); it is
            not closed here.

    Returns:
        The pages saved and the URLs that failed, each in the order given.

    """
    import httpx

    report = FetchReport()
    owned = client is None
    if client is None:
        # The transport's retries cover connection failures only (refused, reset while
        # connecting); an HTTP error status is an answer and is never retried.
        client = httpx.Client(
            transport=httpx.HTTPTransport(retries=2),
            follow_redirects=False,
            timeout=timeout,
            event_hooks={"response": [_stop_at_redirect]},
        )
    try:
        for url in urls:
            try:
                fetched = _fetch_one(
                    client,
                    url,
                    folder,
                    timeout=timeout,
                    max_bytes=max_bytes,
                    user_agent=user_agent,
                    max_redirects=max_redirects,
                )
            except _Failure as failure:
                report.failed.append((url, str(failure)))
                if on_error is not None:
                    on_error(url, str(failure))
                continue
            report.fetched.append(fetched)
            if on_fetched is not None:
                on_fetched(fetched)
    finally:
        if owned:
            client.close()
    return report


class _Deadline:
    """The end of the time one URL may take, enforced on its sockets.

    httpx's timeouts bound each network operation, not their sum: a server that sends
    one byte every few seconds (of the headers or of the body) never trips them. At the
    deadline a timer shuts down every socket the fetch opened, which wakes a blocked read
    at once; the code that was reading then sees :attr:`expired` and reports a timeout.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Seconds left (negative once past the deadline)."""
        return self.end - time.monotonic()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """Hook for httpcore's ``trace`` extension: catch each connection as it is opened."""
        if event.endswith(".complete"):
            self.watch(info.get("return_value"))

    def watch(self, stream: object) -> None:
        """Shut down ``stream``'s socket at the deadline (or now, if it has passed)."""
        get_extra_info = getattr(stream, "get_extra_info", None)
        if get_extra_info is None:
            return
        sock = get_extra_info("socket")
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def cancel(self) -> None:
        """Stop the timer: the fetch is over."""
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket method, also for a TLS socket: ssl.SSLSocket.shutdown would drop
    # the TLS state under the thread still reading from it.
    # OSError: already closed, or handed over to a TLS socket that is watched too.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _fetch_one(
    client: httpx.Client,
    url: str,
    folder: Path,
    *,
    timeout: float,
    max_bytes: int,
    user_agent: str,
    max_redirects: int,
) -> Fetched:
    """Fetch and save one URL; every problem is raised as :class:`_Failure`."""
    import httpx

    if not is_url(url):
        raise _Failure("not an http(s) URL")
    timed_out = f"timed out after {timeout:g} s"
    deadline = _Deadline(timeout)
    try:
        final_url, body, media_type, charset = _download(
            client, url, deadline, max_bytes, user_agent, max_redirects
        )
    except _Failure:
        raise
    except httpx.TimeoutException as exc:
        raise _Failure(timed_out) from exc
    except Exception as exc:
        # Whatever a socket shut at the deadline made the reading code raise, the cause is
        # the deadline. Anything else is one URL's failure, never the end of the others.
        if deadline.expired:
            raise _Failure(timed_out) from exc
        raise _Failure(_network_reason(exc)) from exc
    finally:
        deadline.cancel()
    if deadline.expired:
        # A body without a length ends when the connection does, so one cut at the deadline
        # can look complete: never save it.
        raise _Failure(timed_out)
    try:
        path = _save(folder, url, final_url, body, media_type, charset)
    except OSError as exc:
        raise _Failure(f"cannot save it ({exc.strerror or _one_line(exc)})") from exc
    return Fetched(url, final_url, path, media_type, len(body))


def _download(
    client: httpx.Client,
    url: str,
    deadline: _Deadline,
    max_bytes: int,
    user_agent: str,
    max_redirects: int,
) -> tuple[str, bytes, str, str | None]:
    """Follow ``url``'s redirects and read the body: (final URL, body, type, charset)."""
    import httpx

    timed_out = f"timed out after {deadline.seconds:g} s"
    current = url
    for _ in range(max_redirects + 1):
        remaining = deadline.remaining()
        if remaining <= 0:
            raise _Failure(timed_out)
        request = client.build_request(
            "GET",
            current,
            headers={"User-Agent": user_agent, "Accept": _ACCEPT},
            timeout=httpx.Timeout(min(deadline.seconds, remaining)),
            extensions={"trace": deadline.trace},
        )
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except _Redirect as redirect:  # from the hook of a client made in fetch_urls
            current = _redirect_target(current, redirect.location)
            continue
        try:
            # A connection reused from the pool opened no socket that the trace saw.
            deadline.watch(response.extensions.get("network_stream"))
            # An injected client has no hook: its redirects come back as responses.
            if response.status_code in _REDIRECTS and "location" in response.headers:
                current = _redirect_target(current, response.headers["location"])
                continue
            if not 200 <= response.status_code < 300:
                raise _Failure(_status_text(response.status_code, response.reason_phrase))
            media_type, charset = _parse_content_type(response.headers.get("content-type"))
            if media_type and media_type not in READABLE_TYPES:
                raise _Failure(f"{media_type} is not a kind of page this tool can read")
            body = _read_body(response, deadline, max_bytes)
            if not body.strip():
                raise _Failure("the server sent an empty page")
            if not media_type:
                media_type = _sniff(body)
            final_url = str(response.url)
        finally:
            response.close()
        return final_url, body, media_type, charset
    raise _Failure(f"more than {max_redirects} redirects")


def _read_body(response: httpx.Response, deadline: _Deadline, max_bytes: int) -> bytes:
    """The body, decoded from gzip etc. but otherwise as sent, within the size limit."""
    limit = f"over the {_size_text(max_bytes)} limit"
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise _Failure(f"{_size_text(int(declared))} is {limit}")
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise _Failure(limit)
        chunks.append(chunk)
        if deadline.remaining() <= 0:
            raise _Failure(f"timed out after {deadline.seconds:g} s")
    return b"".join(chunks)


def _redirect_target(current: str, location: str) -> str:
    """The absolute URL a redirect points to, refused unless it is http(s)."""
    try:
        target = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        target, scheme = "", ""
    if scheme and scheme not in ("http", "https"):
        raise _Failure(f"redirected to a {scheme}: URL; only http(s) is followed")
    if not is_url(target):
        raise _Failure(f"redirected to something that is not a URL: {_clip(location)}")
    return target


def _parse_content_type(header: str | None) -> tuple[str, str | None]:
    """The media type (lowercase, no parameters) and charset of a Content-Type header."""
    if not header:
        return "", None
    media_type, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            charset = value.strip().strip('"')
    return media_type.strip().lower(), charset


def _sniff(body: bytes) -> str:
    """The media type of a body sent without a Content-Type, from its first bytes."""
    if body.startswith(b"%PDF-"):
        return "application/pdf"
    # Every Office file (and any ZIP) starts with PK: a Word document has a word/ folder,
    # whose name is stored in the ZIP's directory at the end.
    if body.startswith(b"PK\x03\x04") and b"word/" in body:
        return _DOCX
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    raise _Failure("the server sent no Content-Type, and the page is not HTML, PDF or DOCX")


def _save(
    folder: Path, url: str, final_url: str, body: bytes, media_type: str, charset: str | None
) -> Path:
    """Write the body and then its companion, each atomically; return the body's path."""
    where = folder / _host_folder(final_url)
    where.mkdir(parents=True, exist_ok=True)
    path = where / _file_name(final_url, media_type)
    _write_atomic(path, body)
    record = {
        "url": url,
        "final_url": final_url,
        "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
        "content_type": media_type,
    }
    if charset:
        # HTML and text without a charset of their own are decoded with the server's.
        record["charset"] = charset
    try:
        _write_atomic(companion_of(path), (json.dumps(record, indent=2) + "\n").encode())
    except BaseException:
        # A page whose URL is unknown cannot be cited as that page: do not leave it.
        path.unlink(missing_ok=True)
        raise
    return path


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the whole new one.

    The temporary file is hidden (a leading dot), so a folder walk never ingests it.
    """
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    # os.open with 0o666 rather than tempfile: the saved file gets the usual permissions
    # (the umask's), not tempfile's private 0o600.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _host_folder(url: str) -> str:
    """The folder for a URL's host: lowercase, ASCII, with ``_<port>`` for a port."""
    parts = urlsplit(url)
    host = parts.hostname or "unknown-host"
    # UnicodeError: not a valid international name; the sanitising below still makes it safe.
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    # Never "." or "..", and never hidden: a leading dot would hide it from a folder walk.
    host = _UNSAFE.sub("_", host).lstrip(".") or "unknown-host"
    default_port = 443 if parts.scheme.lower() == "https" else 80
    if parts.port is not None and parts.port != default_port:
        host += f"_{parts.port}"
    return host.lower()


def _file_name(url: str, media_type: str) -> str:
    """``<last path segment>-<hash>.<ext>``: readable, and unique to the URL."""
    without_fragment = urldefrag(url).url  # the fragment never reaches the server
    digest = hashlib.sha256(without_fragment.encode("utf-8")).hexdigest()[:8]
    segment = unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2])
    base, dot, suffix = segment.rpartition(".")
    if dot and base and suffix.lower() in _WEB_SUFFIXES:
        segment = base
    # "Über" -> "Uber" rather than dropping the letter.
    ascii_text = unicodedata.normalize("NFKD", segment).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("-", ascii_text).strip("-._")[:_MAX_STEM].rstrip("-._") or "index"
    return f"{stem}-{digest}{READABLE_TYPES[media_type]}"


def _status_text(code: int, phrase: str) -> str:
    """``HTTP 404 Not Found``, with the standard phrase when the server sent none."""
    if not phrase.strip():
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = ""
    return f"HTTP {code} {' '.join(phrase.split())}".rstrip()


def _network_reason(exc: BaseException) -> str:
    """A one-line reason for a network error that is not a timeout."""
    import httpx

    causes = _causes(exc)
    detail = _one_line(exc)
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return f"host not found ({detail})"
    if any(isinstance(cause, ssl.SSLError) for cause in causes) or (
        "SSL" in detail or "CERTIFICATE" in detail
    ):
        return f"TLS error ({detail})"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({detail})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the connection ({detail})"
    if isinstance(exc, httpx.TooManyRedirects):
        return detail
    if isinstance(exc, httpx.InvalidURL):
        return f"invalid URL ({detail})"
    if isinstance(exc, httpx.HTTPError):
        return f"network error ({detail})"
    return f"failed ({type(exc).__name__}: {detail})"


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from (httpx wraps the socket's error)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _one_line(value: object, limit: int = 200) -> str:
    """``str(value)`` on one line, clipped: reasons are printed one per URL."""
    text = " ".join(str(value).split()) or type(value).__name__
    return _clip(text, limit)


def _clip(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters, with control characters made visible."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size_text(size: int) -> str:
    """A byte count in plain words: ``10 MB``, ``64 KB``, ``1000 B``."""
    if size >= 2**20:
        return f"{size / 2**20:.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} B"
