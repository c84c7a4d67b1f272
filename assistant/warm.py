"""The command line's side of ``factcheck warm``: find and talk to a warm process.

A warm process (:mod:`assistant.warm_server`) keeps one store's models and index loaded
so that ``ask``, ``check`` and ``search`` answer in a fraction of a second instead of
loading Chroma, spaCy and the embedding model in every new process. This module is what
each command runs first, so it imports only the standard library: when no warm process
runs, trying costs a ``stat`` and nothing more.

Nothing here decides an answer. The client sends what would decide it (its arguments,
environment with every secret replaced by its hash, working folder, how its terminal
looks, and a fingerprint of the installed code); the process answers only when all of
that matches what it can reproduce, and it checks that the store is as it loaded it.
Any doubt (no process, a dead socket, a timeout, a refusal) returns ``None`` and the
command runs in its own process as it always did.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import socket
import stat
import struct
import sys
from pathlib import Path
from typing import Any

# Environment variables whose values are never sent to the warm process, only hashed:
# it uses its own copy when the hashes match (OPENAI_API_KEY, tokens, passwords).
SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH", re.IGNORECASE)
CONNECT_TIMEOUT = 0.5  # seconds: a live process accepts at once
ACCEPT_TIMEOUT = 3.0  # until it says it will answer (it serves one request at a time)
SILENCE_TIMEOUT = 10.0  # between its heartbeats while it answers (sent every second)
HEARTBEAT = 1.0
_HEADER = struct.Struct("!I")
_MAX_FRAME = 256 * 2**20


class Unavailable(Exception):
    """The warm process cannot answer this request; the command runs in its own process."""


# -- where the socket is -------------------------------------------------------------------


def runtime_dir(create: bool = False) -> Path | None:
    """The private folder (mode 0700) holding the warm processes' sockets, or None.

    ``$XDG_RUNTIME_DIR/factcheck`` when the session has a runtime folder, else
    ``/tmp/factcheck-UID``. A folder that is not ours, or that others may enter, is
    never used: another user could otherwise answer in our place.
    """
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    uid = os.getuid()
    folder = Path(base, "factcheck") if base and Path(base).is_dir() else None
    if folder is None:
        folder = Path("/tmp", f"factcheck-{uid}")
    if create:
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            return None
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid or st.st_mode & 0o077:
        return None
    return folder


def socket_path(store: Path, folder: Path | None) -> Path | None:
    """The socket of the warm process for ``store`` (a resolved path), or None.

    Named by a hash of the store's path, so the name is short (a Unix socket's path
    holds at most 107 bytes) whatever the store's.
    """
    if folder is None:
        return None
    key = hashlib.sha256(os.fsencode(str(store))).hexdigest()[:20]
    path = folder / f"{key}.sock"
    return path if len(os.fsencode(str(path))) < 104 else None


def _env_value(env: dict[str, str], name: str) -> str | None:
    """The variable ``name`` in any case, as the settings read it (case-insensitively)."""
    if name in env:
        return env[name]
    low = name.lower()
    for key, value in env.items():
        if key.lower() == low:
            return value
    return None


def _dotenv_value(name: str) -> str | None:
    """``name``'s value in ./.env, read the simple way (KEY=VALUE lines), or None."""
    try:
        text = Path(".env").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        key, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and key.strip().lower() == name.lower():
            return value.strip().strip("'\"")
    return None


def guess_store(store: Path | None, chroma_url: str | None) -> Path | None:
    """The store folder the settings would choose, found without loading them.

    The settings library is slow to import, so this follows its rules for the usual
    cases (--store, FACTCHECK_STORE, .env, ./vectorstore, the per-user folder). A
    wrong guess costs nothing but speed: the warm process recomputes the settings from
    the same environment and refuses a request for another store. None when the store
    is a Chroma server, which the warm process does not serve.
    """
    env = dict(os.environ)
    if (
        chroma_url
        or _env_value(env, "FACTCHECK_CHROMA_URL")
        or _dotenv_value("FACTCHECK_CHROMA_URL")
    ):
        return None
    chosen = store
    if chosen is None:
        named = _env_value(env, "FACTCHECK_STORE") or _dotenv_value("FACTCHECK_STORE")
        if named:
            chosen = Path(named)
        elif Path("vectorstore").is_dir():
            chosen = Path("vectorstore")
        else:
            chosen = user_data_dir() / "vectorstore"
    try:
        return Path(os.path.abspath(chosen.expanduser())).resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def user_data_dir() -> Path:
    """The per-user data folder, as :func:`assistant.settings.default_data_dir` finds it."""
    if sys.platform.startswith("linux"):
        # platformdirs' rule on Linux, without importing it (a tenth of a second).
        base = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
        return Path(base, "factcheck")
    from platformdirs import user_data_path

    return user_data_path("factcheck", appauthor=False)


# -- what decides an answer ----------------------------------------------------------------


def code_fingerprint() -> str:
    """A hash of the installed package's code: a warm process from older code refuses."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{sys.executable}\0{sys.version}\0".encode())
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json", ".txt", ".cfg")):
                st = os.stat(os.path.join(folder, name))
                rel = os.path.relpath(os.path.join(folder, name), root)
                digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def secret_hash(value: str) -> str:
    """How a secret's value is sent: its SHA-256, never the value."""
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


def hashed_environment() -> dict[str, str]:
    """This process's environment, every secret's value replaced by its hash."""
    return {k: secret_hash(v) if SECRET_NAME.search(k) else v for k, v in os.environ.items()}


def terminal_size() -> list[int] | None:
    """The terminal's size as the renderer would find it (stdin, stdout, stderr in turn)."""
    for fd in (0, 1, 2):
        try:
            size = os.get_terminal_size(fd)
        except (AttributeError, ValueError, OSError):
            continue
        return [size.columns, size.lines]
    return None


def _stream(stream: Any) -> dict[str, Any]:
    tty = False
    with contextlib.suppress(AttributeError, ValueError):
        tty = bool(stream.isatty())
    return {
        "tty": tty,
        "encoding": getattr(stream, "encoding", None) or "utf-8",
        "errors": getattr(stream, "errors", None) or "strict",
    }


# -- talking to it -------------------------------------------------------------------------


def send(sock: socket.socket, message: dict[str, Any] | None) -> None:
    """Send one message (None: a heartbeat) as a length-prefixed JSON frame."""
    data = b"" if message is None else json.dumps(message).encode()
    sock.sendall(_HEADER.pack(len(data)) + data)


def _exactly(sock: socket.socket, n: int) -> bytes:
    parts = []
    while n:
        part = sock.recv(min(n, 1 << 20))
        if not part:
            raise ConnectionError("closed")
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


def receive(sock: socket.socket, *, heartbeats: bool = False) -> dict[str, Any]:
    """The next message; heartbeats (empty frames) only reset the timeout when allowed."""
    while True:
        (size,) = _HEADER.unpack(_exactly(sock, _HEADER.size))
        if size > _MAX_FRAME:
            raise ConnectionError("frame too large")
        if size == 0:
            if heartbeats:
                continue
            raise ConnectionError("unexpected heartbeat")
        message = json.loads(_exactly(sock, size))
        if not isinstance(message, dict):
            raise ConnectionError("not a message")
        return message


def _connect(path: Path) -> socket.socket:
    """A connection to the socket at ``path``; a dead one (no process) is removed."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(CONNECT_TIMEOUT)
    try:
        sock.connect(str(path))
    except (ConnectionRefusedError, FileNotFoundError) as exc:
        sock.close()
        if isinstance(exc, ConnectionRefusedError):
            # Nobody listens: the process died without cleaning up (kill -9, a crash).
            with contextlib.suppress(OSError):
                path.unlink()
        raise Unavailable("no warm process") from exc
    except OSError as exc:
        sock.close()
        raise Unavailable(f"cannot connect ({exc})") from exc
    return sock


def request(path: Path, message: dict[str, Any], timeout: float = ACCEPT_TIMEOUT) -> dict[str, Any]:
    """Send ``message`` to the process at ``path`` and return its first reply.

    Raises:
        Unavailable: no process listens there, or it did not reply in time.
    """
    sock = _connect(path)
    try:
        sock.settimeout(timeout)
        send(sock, message)
        return receive(sock)
    except (OSError, ValueError) as exc:
        raise Unavailable(f"no reply ({exc})") from exc
    finally:
        sock.close()


def run_remote(
    command: str,
    argv: list[str],
    prog: str,
    store: Path | None,
    chroma_url: str | None,
) -> tuple[int, bytes, bytes] | None:
    """Run a command line in the store's warm process: (exit code, stdout, stderr).

    None when there is no warm process for the store, or it declines or fails to answer
    in time: the caller then runs the command itself. Nothing has been printed then.
    """
    if command not in ("ask", "check", "search"):
        return None
    resolved = guess_store(store, chroma_url)
    if resolved is None:
        return None
    path = socket_path(resolved, runtime_dir())
    if path is None or not path.exists():
        return None
    message = {
        "op": "run",
        "code": code_fingerprint(),
        "store": str(resolved),
        "argv": argv,
        "prog": prog,
        "cwd": os.getcwd(),
        "env": hashed_environment(),
        "stdout": _stream(sys.stdout),
        "stderr": _stream(sys.stderr),
        "size": terminal_size(),
    }
    try:
        sock = _connect(path)
    except Unavailable:
        return None
    try:
        sock.settimeout(ACCEPT_TIMEOUT)
        send(sock, message)
        if not receive(sock).get("ok"):
            return None
        sock.settimeout(SILENCE_TIMEOUT)
        reply = receive(sock, heartbeats=True)
        if not reply.get("ok"):
            return None
        return (
            int(reply["code"]),
            base64.b64decode(reply["stdout"]),
            base64.b64decode(reply["stderr"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        sock.close()
