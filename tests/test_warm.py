"""`factcheck warm`: commands answered by a background process, never differently.

Each test runs the real command line in subprocesses against a tiny invented store, with
its own private runtime folder, and stops every warm process it started.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import warm
from tests.conftest import ROOT, own_settings
from tests.invented import ARTICLES, ingested

FLOOD = "How many people were hurt in the Marrowdale flood?"
EXTRA = {
    "harbour.txt": (
        "New ferry for Lundholm harbour\n\n"
        "The Lundholm harbour board bought a new electric ferry for 9 million crowns, "
        "harbour master Ilse Varga said on Friday. The ferry will carry 120 passengers.\n"
    )
}
FERRY = "How many passengers will the Lundholm ferry carry?"


def _gone(pid: int) -> bool:
    """True when ``pid`` has exited (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def _wait_until(condition, limit: float = 60.0) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class Cli:
    """The command line in subprocesses, with the test's store and runtime folder."""

    def __init__(self, base: Path, runtime: Path) -> None:
        settings = own_settings(base)
        self.base = base
        self.runtime = runtime
        self.store = Path(settings.store).resolve()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "XDG_RUNTIME_DIR": str(runtime),
            "FACTCHECK_STORE": str(settings.store),
            "FACTCHECK_TEXT_CACHE": str(settings.text_cache),
            "FACTCHECK_INGESTED_FOLDERS": str(settings.ingested_folders),
            "FACTCHECK_FETCH_DIR": str(settings.fetch_dir),
        }
        self.pids: list[int] = []

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            cwd=self.base,
            env={**self.env, **(env or {})},
            capture_output=True,
            check=False,
        )

    def start(self, *args: str) -> int:
        proc = self.run("warm", "--json", *args)
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)
        assert data["state"] == "started" and data["running"]
        self.pids.append(data["pid"])
        return data["pid"]

    def status(self) -> dict:
        proc = self.run("warm", "--status", "--json")
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    def socket(self) -> Path:
        path = warm.socket_path(self.store, self.runtime / "factcheck")
        assert path is not None
        return path

    def stop_all(self) -> None:
        self.run("warm", "--stop")
        for pid in self.pids:
            if not _wait_until(lambda pid=pid: _gone(pid), 10):
                os.kill(pid, signal.SIGKILL)  # only processes this test started
                _wait_until(lambda pid=pid: _gone(pid), 10)


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    ingested(tmp_path, ARTICLES)
    # Short, so the socket's path fits a Unix socket's 107 bytes whatever tmp_path is.
    runtime = Path(tempfile.mkdtemp(prefix="fw-", dir="/tmp"))
    runner = Cli(tmp_path, runtime)
    try:
        yield runner
    finally:
        runner.stop_all()
        subprocess.run(["rm", "-rf", str(runtime)], check=False)


def _plain_and_warm(cli: Cli, commands: list[list[str]]) -> list[tuple]:
    """Each command's (exit code, stdout, stderr) without, then with, a warm process."""
    plain = [cli.run(*c) for c in commands]
    cli.start()
    served = cli.status()["served"]
    warmed = [cli.run(*c) for c in commands]
    assert cli.status()["served"] == served + len(commands)  # each answered by it
    return [
        ((p.returncode, p.stdout, p.stderr), (w.returncode, w.stdout, w.stderr))
        for p, w in zip(plain, warmed, strict=True)
    ]


def test_warm_output_is_the_plain_output_byte_for_byte(cli):
    commands = [
        ["ask", FLOOD, "--mode", "extractive", "--json"],
        ["ask", FLOOD, "--mode", "extractive"],
        ["ask", "Who won the Vantorp election?", "-k", "2"],
        ["check", "Oona Brask said 40 people were hurt in the flood.", "--json"],
        ["check", "Rafael Quint said 60 people were hurt.", "--fail-on", "refuted"],
        ["search", "flood wall", "-k", "3", "--json"],
        ["search", "flood wall", "-k", "3"],
    ]
    pairs = _plain_and_warm(cli, commands)
    for plain, warmed in pairs:
        assert warmed == plain
    assert json.loads(pairs[0][0][1])["citations"]  # the question was answered, with quotes


def test_errors_are_the_same_one_line_errors(cli):
    commands = [
        ["ask", FLOOD, "--since", "not-a-date"],
        ["ask", "x" * 2001],
        ["search", "   "],
    ]
    for plain, warmed in _plain_and_warm(cli, commands):
        assert warmed == plain
        code, _out, err = warmed
        assert code != 0 and err.decode().startswith("error: ") and len(err.splitlines()) == 1


def test_an_ingest_is_seen_at_once(cli, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("plain")  # no warm process there: the plain path

    def both(*args: str) -> tuple[bytes, bytes]:
        served = cli.status()["served"]
        warmed = cli.run(*args)
        assert cli.status()["served"] == served + 1  # it answered, not the plain path
        plain = cli.run(*args, env={"XDG_RUNTIME_DIR": str(elsewhere)})
        assert warmed.returncode == plain.returncode == 0, warmed.stderr
        return warmed.stdout, plain.stdout

    ferry = ("ask", FERRY, "--mode", "extractive", "--json")
    words = ("search", "electric ferry harbour passengers", "-k", "3", "--json")
    cli.start()
    warmed, plain = both(*ferry)
    assert warmed == plain
    assert not any(c["source"] == "harbour.txt" for c in json.loads(warmed)["citations"])
    both(*words)
    (cli.base / "articles" / "harbour.txt").write_text(EXTRA["harbour.txt"], encoding="utf-8")
    ingest = cli.run("ingest", str(cli.base / "articles"))
    assert ingest.returncode == 0, ingest.stderr
    for command in (ferry, words):
        warmed, plain = both(*command)
        assert warmed == plain
        assert b"harbour.txt" in warmed
    assert "120" in json.loads(both(*ferry)[0])["answer"]
    # A file removed from the folder loses its passages: no stale quote through warm.
    (cli.base / "articles" / "harbour.txt").unlink()
    assert cli.run("ingest", str(cli.base / "articles")).returncode == 0
    for command in (ferry, words):
        warmed, plain = both(*command)
        assert warmed == plain
        assert b"harbour.txt" not in warmed


def test_the_answer_follows_the_settings_of_each_request(cli):
    cli.start()
    fc = ingested_fc(cli)
    for args, update in (([], {}), (["-k", "1"], {"k": 1}), (["-k", "7"], {"k": 7})):
        got = cli.run("ask", FLOOD, "--mode", "extractive", "--json", *args)
        want = fc(update).ask(FLOOD, "extractive").to_json()
        assert json.loads(got.stdout) == want, args
    # A setting from the environment counts as much as an option.
    got = cli.run("ask", FLOOD, "--mode", "extractive", "--json", env={"FACTCHECK_K": "1"})
    assert json.loads(got.stdout) == fc({"k": 1}).ask(FLOOD, "extractive").to_json()


def ingested_fc(cli: Cli):
    from assistant.app import FactCheck

    base = own_settings(cli.base)

    def make(update: dict) -> FactCheck:
        return FactCheck(base.model_copy(update=update))

    return make


def test_a_secret_it_does_not_hold_sends_the_command_to_the_plain_path(cli):
    cli.start()
    served = cli.status()["served"]
    secret = "sk-invented-0123456789abcdef"
    got = cli.run("ask", FLOOD, "--mode", "extractive", "--json", env={"OPENAI_API_KEY": secret})
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["citations"]
    assert cli.status()["served"] == served  # declined: the plain path answered


def test_secrets_are_sent_as_hashes(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-invented-secret-value")
    monkeypatch.setenv("FACTCHECK_CHROMA_TOKEN", "tok-invented")
    sent = json.dumps(warm.hashed_environment())
    assert "sk-invented-secret-value" not in sent and "tok-invented" not in sent
    assert warm.secret_hash("sk-invented-secret-value") in sent


def test_a_killed_process_is_passed_over_and_its_socket_removed(cli):
    want = cli.run("ask", FLOOD, "--mode", "extractive", "--json")
    pid = cli.start()
    os.kill(pid, signal.SIGKILL)
    assert _wait_until(lambda: _gone(pid))
    assert cli.socket().exists()  # left behind by the killed process
    got = cli.run("ask", FLOOD, "--mode", "extractive", "--json")
    assert (got.returncode, got.stdout) == (want.returncode, want.stdout)
    assert not cli.socket().exists()
    assert cli.status()["state"] == "not running"


def test_a_hung_process_is_passed_over(cli):
    want = cli.run("search", "flood wall", "--json")
    pid = cli.start()
    os.kill(pid, signal.SIGSTOP)  # it accepts no connection and says nothing
    try:
        got = cli.run("search", "flood wall", "--json")
    finally:
        os.kill(pid, signal.SIGCONT)
    assert (got.returncode, got.stdout) == (want.returncode, want.stdout)


def test_the_socket_is_private(cli):
    cli.start()
    folder = cli.runtime / "factcheck"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(cli.socket().stat().st_mode) == 0o600


def test_a_folder_others_may_enter_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    (tmp_path / "factcheck").mkdir(mode=0o755)
    os.chmod(tmp_path / "factcheck", 0o755)
    assert warm.runtime_dir() is None
    os.chmod(tmp_path / "factcheck", 0o700)
    assert warm.runtime_dir() == tmp_path / "factcheck"


def test_it_stops_when_idle(cli):
    pid = cli.start("--idle", "0.02")  # about a second
    assert _wait_until(lambda: _gone(pid))
    assert not cli.socket().exists()
    assert cli.status()["state"] == "not running"


def test_stop_and_status(cli):
    assert cli.status()["state"] == "not running"
    pid = cli.start()
    again = json.loads(cli.run("warm", "--json").stdout)
    assert again["state"] == "running" and again["pid"] == pid  # one process per store
    stopped = cli.run("warm", "--stop")
    assert stopped.returncode == 0 and b"Stopped" in stopped.stdout
    assert _wait_until(lambda: _gone(pid))
    assert cli.status()["state"] == "not running"


def test_no_store_is_a_one_line_error(cli):
    proc = cli.run("warm", env={"FACTCHECK_STORE": str(cli.base / "nothing")})
    assert proc.returncode == 1
    assert proc.stderr.decode().startswith("error: no store at")
    assert len(proc.stderr.splitlines()) == 1


def test_the_command_line_side_imports_nothing_heavy(cli):
    cli.start()
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assistant", "ask", FLOOD, "--json"],
        cwd=cli.base,
        env=cli.env,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["citations"]
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in proc.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    # (typer itself loads pydantic, so the command line always has it.)
    heavy = {"chromadb", "spacy", "numpy", "onnxruntime", "pydantic_settings", "rich"}
    heavy |= {"langchain_core"}
    assert not imported & heavy


def _in_terminal(cli: Cli, args: list[str], columns: int, runtime: Path | None = None) -> bytes:
    """What a command prints to a terminal ``columns`` wide (a pseudo-terminal)."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in cli.env.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    if runtime is not None:
        env["XDG_RUNTIME_DIR"] = str(runtime)
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", *args],
        cwd=cli.base,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait() == 0, proc.stderr.read() if proc.stderr else ""
    return b"".join(chunks)


def test_in_a_terminal_it_wraps_and_colours_as_the_plain_path(cli, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("plain")
    cli.start()
    for args in (["ask", FLOOD, "--mode", "extractive"], ["search", "flood wall", "-k", "2"]):
        served = cli.status()["served"]
        warmed = _in_terminal(cli, args, 52)
        assert cli.status()["served"] == served + 1
        plain = _in_terminal(cli, args, 52, elsewhere)
        assert warmed == plain
        assert b"\x1b[" in warmed  # coloured, as in a terminal
    assert plain != _in_terminal(cli, args, 200, elsewhere)  # the width told


def test_a_process_of_other_code_declines_and_stops(cli):
    pid = cli.start()
    # From another process: the tests' own process may not open sockets.
    ask = (
        "import json, sys; from pathlib import Path; from assistant import warm; "
        "print(json.dumps(warm.request(Path(sys.argv[1]), "
        "{'op': 'run', 'code': 'other', 'store': sys.argv[2]})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", ask, str(cli.socket()), str(cli.store)],
        env=cli.env,
        capture_output=True,
        check=True,
    )
    assert json.loads(proc.stdout) == {"ok": False, "why": "the code changed"}
    assert _wait_until(lambda: _gone(pid))  # out of date for good
    got = cli.run("ask", FLOOD, "--mode", "extractive", "--json")
    assert got.returncode == 0 and json.loads(got.stdout)["citations"]
