"""The warm process behind ``factcheck warm``: one store's commands, answered in-process.

Part of the command line (it runs :mod:`assistant.cli` itself): started detached by
``factcheck warm``, it loads the store, the embedding model and spaCy once, then listens
on a Unix socket in a private folder (see :mod:`assistant.warm`) and runs each
``ask``, ``check`` or ``search`` it is sent exactly as the command line would, with
the sender's arguments, environment, working folder and terminal, returning what it
printed and its exit code. Output is therefore the command's own, byte for byte.

It refuses (and the command then runs in its own process) when the sender's code
differs from its own, the request names another store, or a secret differs from its
own copy; it reloads when the store's files changed since it loaded them, and throws an
answer away if they changed while it answered. It stops after ``--idle`` minutes with
no request, on ``factcheck warm --stop``, or on SIGTERM, removing its socket.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from assistant import warm


class _Captured(io.BytesIO):
    """What a command writes to one stream, looking like the sender's stream."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        """Whether the sender's stream is a terminal (colours and wrapping follow it)."""
        return self._tty


def _text_stream(spec: dict[str, Any]) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        _Captured(bool(spec.get("tty"))),
        encoding=str(spec.get("encoding") or "utf-8"),
        errors=str(spec.get("errors") or "strict"),
    )


Snapshot = tuple[tuple[tuple[str, int], ...], tuple[tuple[str, str], ...]]


def snapshot(store: Path) -> Snapshot:
    """What changes when the store is written to, and nothing that changes on reading.

    Every ingest goes through :meth:`assistant.index.store.Store.writing`, which marks
    the keyword index dirty, then records the new generation and the time: those
    markers (and the index's size) are read here. Of the other files only names and
    sizes count (a rebuild makes a new collection folder): opening the store rewrites
    Chroma's database and, in a small store, its vector files, with no change of
    content, and closing a WAL database moves its journal.
    """
    files: list[tuple[str, int]] = []
    markers: list[tuple[str, str]] = []
    for folder, _dirs, names in os.walk(store):
        for name in names:
            path = os.path.join(folder, name)
            if folder == str(store) and name.startswith("keyword") and name.endswith(".sqlite3"):
                markers += [(f"{name}:{k}", v) for k, v in _markers(Path(path))]
            if ".sqlite3" in name or name.endswith(".lock"):
                continue
            try:
                size = os.stat(path).st_size
            except OSError:
                continue
            files.append((os.path.relpath(path, store), size))
    return tuple(sorted(files)), tuple(markers)


def _markers(path: Path) -> list[tuple[str, str]]:
    """The keyword index's markers and size, read without writing anything."""
    import sqlite3

    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0)
    except sqlite3.Error as exc:
        return [("error", type(exc).__name__)]
    try:
        rows = db.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        size = db.execute("SELECT count(*), max(rowid) FROM docs").fetchone()
        return [*((str(k), str(v)) for k, v in rows), ("docs", repr(tuple(size)))]
    except sqlite3.Error as exc:
        return [("error", type(exc).__name__)]
    finally:
        db.close()


def _being_written(state: Snapshot) -> bool:
    """True while an ingest is writing (or one was killed part-way: the next repairs it)."""
    return any(key.endswith(":dirty") and value == "1" for key, value in state[1]) or any(
        key.endswith("error") for key, _ in state[1]
    )


class WarmServer:
    """The loaded store and the socket that serves it.

    Args:
        store: The store folder (resolved).
        idle: Seconds without a request after which it stops.
    """

    def __init__(self, store: Path, idle: float) -> None:
        self.store = store
        self.idle = idle
        self.code = warm.code_fingerprint()
        self.started = time.time()
        self.loaded: Snapshot = ((), ())
        self.own_env = dict(os.environ)
        self.path: Path | None = None
        self.stopping = False
        self.served = 0  # requests answered (not declined), for --status

    # -- running a command as the command line would ------------------------------------

    @contextlib.contextmanager
    def _as_sender(self, message: dict[str, Any], env: dict[str, str]) -> Iterator[None]:
        """The sender's environment, folder and streams for the length of one command."""
        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        saved_out, saved_err, saved_argv = sys.stdout, sys.stderr, sys.argv
        try:
            os.environ.clear()
            os.environ.update(env)
            size = message.get("size")
            # The renderer reads the terminal's size from stdin/stdout/stderr, which are
            # not terminals here; COLUMNS and LINES say what the sender's were.
            if isinstance(size, list) and len(size) == 2:
                os.environ.setdefault("COLUMNS", str(int(size[0])))
                os.environ.setdefault("LINES", str(int(size[1])))
            os.chdir(str(message["cwd"]))
            sys.stdout = _text_stream(message.get("stdout") or {})
            sys.stderr = _text_stream(message.get("stderr") or {})
            sys.argv = [str(message.get("prog") or "factcheck"), *message["argv"]]
            yield
        finally:
            sys.stdout, sys.stderr, sys.argv = saved_out, saved_err, saved_argv
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)

    def _environment(self, sent: dict[str, str]) -> dict[str, str] | None:
        """The sender's environment with its secrets from our own copy; None if one differs."""
        env: dict[str, str] = {}
        for key, value in sent.items():
            if warm.SECRET_NAME.search(key):
                own = self.own_env.get(key)
                if own is None or warm.secret_hash(own) != value:
                    return None
                value = own
            env[key] = value
        return env

    def run(self, message: dict[str, Any]) -> tuple[int, bytes, bytes]:
        """Run the command line of ``message`` in this process; (exit code, stdout, stderr).

        Raises:
            cli.WarmDecline: the command asked for another store (or a Chroma server).
        """
        from assistant import cli

        env = self._environment(message["env"])
        if env is None:
            raise cli.WarmDecline("a secret differs")
        with self._as_sender(message, env):
            out, err = cast(io.TextIOWrapper, sys.stdout), cast(io.TextIOWrapper, sys.stderr)
            try:
                cli.app(args=list(message["argv"]), prog_name=str(message.get("prog")))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            else:  # pragma: no cover - click always exits in standalone mode
                code = 0
            out.flush()
            err.flush()
            stdout = cast(io.BytesIO, out.buffer).getvalue()
            stderr = cast(io.BytesIO, err.buffer).getvalue()
        return code, stdout, stderr

    def reload(self) -> None:
        """Forget the opened store (Chroma's client, the command line's FactChecks)."""
        from assistant import cli
        from assistant.index.connection import forget_client

        cli.warm_forget()
        forget_client(self.store)

    def answer(self, message: dict[str, Any]) -> dict[str, Any]:
        """Run one request, or say why not (the sender then runs it itself)."""
        from assistant import cli

        before = snapshot(self.store)
        if _being_written(before):
            return {"ok": False, "why": "an ingest is writing to the store"}
        if before != self.loaded:
            self.reload()
            self.loaded = before
        try:
            code, out, err = self.run(message)
        except cli.WarmDecline as exc:
            return {"ok": False, "why": str(exc)}
        if snapshot(self.store) != before:
            # The store changed while we answered (an ingest): the answer may mix the two.
            return {"ok": False, "why": "the store changed"}
        self.served += 1
        return {
            "ok": True,
            "code": code,
            "stdout": base64.b64encode(out).decode(),
            "stderr": base64.b64encode(err).decode(),
        }

    def warm_up(self) -> tuple[int, bytes, bytes]:
        """Load everything a command needs by running each once (their output is dropped).

        Returns the first failure's (exit code, stdout, stderr), else the last run's.
        """
        from assistant import cli
        from assistant.reasoning import nlp

        cli.warm_serving(self.store)
        result = (0, b"", b"")
        # A question that finds passages, so the answer's whole path runs (and imports).
        for argv in (
            ["search", "what happened", "-k", "1"],
            ["ask", "Who said what happened?", "--mode", "extractive"],
            ["check", "Someone said 2 people were there.", "--mode", "extractive"],
        ):
            message = {
                "argv": [*argv, "--store", str(self.store)],
                "prog": "factcheck",
                "cwd": os.getcwd(),
                "env": warm.hashed_environment(),
            }
            result = self.run(message)
            if result[0] != 0:
                return result
        nlp.load()  # in case no passage needed it
        self.loaded = snapshot(self.store)
        return result

    # -- the socket --------------------------------------------------------------------------

    def bind(self) -> socket.socket | None:
        """Listen on the store's socket; None when another warm process already does."""
        folder = warm.runtime_dir(create=True)
        path = warm.socket_path(self.store, folder)
        if folder is None or path is None:
            raise SystemExit("error: no private folder for the socket")
        if path.exists():
            try:
                warm.request(path, {"op": "ping"})
                return None
            except warm.Unavailable:
                path.unlink(missing_ok=True)
        # Bound under a temporary name and renamed into place once listening, so a
        # client never finds a socket nobody listens on yet (it would remove it).
        temporary = folder / f".{os.getpid()}.sock"
        temporary.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(str(temporary))
        finally:
            os.umask(old)
        os.chmod(temporary, 0o600)
        sock.listen(16)
        os.replace(temporary, path)
        self.path = path
        return sock

    def cleanup(self) -> None:
        """Remove our socket (only if it is still ours)."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                if self.path.stat().st_ino == self._inode:
                    self.path.unlink()

    def serve(self, sock: socket.socket) -> None:
        """Answer requests one at a time until idle, stopped or terminated."""
        assert self.path is not None
        self._inode = self.path.stat().st_ino
        while not self.stopping:
            sock.settimeout(self.idle)
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                break
            except InterruptedError:
                continue
            with conn:
                self._handle(conn)
            if not self.path.exists() or self.path.stat().st_ino != self._inode:
                break  # our socket was removed or replaced: nobody can reach us

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5.0)
        try:
            message = warm.receive(conn)
        except (OSError, ValueError):
            return
        op = message.get("op")
        try:
            if op == "ping":
                warm.send(conn, self.status())
            elif op == "stop":
                self.stopping = True
                warm.send(conn, {"ok": True, "pid": os.getpid()})
            elif op == "run":
                self._run(conn, message)
        except OSError:
            return

    def status(self) -> dict[str, Any]:
        """Who we are, for ``factcheck warm --status``."""
        return {
            "ok": True,
            "pid": os.getpid(),
            "store": str(self.store),
            "idle_minutes": self.idle / 60,
            "started": self.started,
            "served": self.served,
        }

    def _run(self, conn: socket.socket, message: dict[str, Any]) -> None:
        if message.get("code") != self.code:
            # The package changed under us: this process is out of date for good.
            self.stopping = True
            warm.send(conn, {"ok": False, "why": "the code changed"})
            return
        if message.get("store") != str(self.store):
            warm.send(conn, {"ok": False, "why": "another store"})
            return
        warm.send(conn, {"ok": True})
        lock = threading.Lock()
        done = threading.Event()

        def beat() -> None:
            # The sender gives up after a silence; this says we are still at it.
            while not done.wait(warm.HEARTBEAT):
                with lock, contextlib.suppress(OSError):
                    warm.send(conn, None)

        beater = threading.Thread(target=beat, daemon=True)
        beater.start()
        try:
            reply = self.answer(message)
        except Exception as exc:  # never answer wrongly: the sender runs it itself
            reply = {"ok": False, "why": f"failed ({type(exc).__name__})"}
        finally:
            done.set()
            beater.join()
        with lock:
            warm.send(conn, reply)


def main(argv: list[str] | None = None) -> None:
    """Load the store, then serve it (see the module's description)."""
    parser = argparse.ArgumentParser(prog="python -m assistant.warm_server")
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--idle", type=float, default=15.0, help="minutes")
    args = parser.parse_args(argv)
    server = WarmServer(args.store.resolve(), max(args.idle, 0.001) * 60)
    code, _out, err = server.warm_up()
    if code != 0:
        sys.stderr.write(err.decode("utf-8", "replace"))
        sys.stderr.flush()
        raise SystemExit(code)
    sock = server.bind()
    if sock is None:
        return  # another warm process serves this store already
    os.chdir("/")  # each request runs in its sender's folder; this one may be removed

    def terminated(*_: object) -> None:
        raise SystemExit(0)  # the finally below removes the socket

    signal.signal(signal.SIGTERM, terminated)
    try:
        server.serve(sock)
    finally:
        server.cleanup()
        sock.close()


if __name__ == "__main__":  # pragma: no cover
    main()
