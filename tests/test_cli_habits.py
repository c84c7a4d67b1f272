"""The command line behaves like the CLIs people like (issue 11).

Wrapping at the terminal's width, a store found from any folder, `info`, `--version`,
`-h`, many questions in one process (`ask -`, `check -`, `--jsonl`), exit codes a
script can gate on, and a closed pipe that is not an error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import __version__
from assistant.cli import app
from tests.conftest import SEEDS, source_text

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WHO = "Who said 5 were killed?"


def _terminal(args: list[str], columns: int) -> str:
    """Output as a terminal of ``columns`` would show it (colour codes removed)."""
    env = {"COLUMNS": str(columns), "FORCE_COLOR": "1", "NO_COLOR": None}
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.stdout)


def _piped(args: list[str]) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": None, "FORCE_COLOR": None})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["ask", WHO],
        ["search", "Wagner Group fighters killed", "-k", "3"],
        ["check", "Five Russian citizens were killed"],
    ],
    ids=["ask", "search", "check"],
)
@pytest.mark.parametrize("columns", [80, 50])
def test_terminal_output_wraps_between_words_and_keeps_quote_indentation(seed_fc, args, columns):
    args = [*args, "--store", str(seed_fc.settings.store)]
    wrapped = _terminal(args, columns)
    flat = _piped(args)
    lines = wrapped.splitlines()
    assert max(len(line) for line in lines) <= columns
    assert len(lines) > len(flat.splitlines())  # it did wrap
    # Same words in the same order: no word was cut in two or lost at a line end.
    assert wrapped.split() == flat.split()
    # Piped, each quote stays on one line; in the terminal, every line of it is indented.
    indent = "   " if args[0] == "search" else "    "
    quote_lines = [line for line in flat.splitlines() if line.startswith(indent)]
    assert quote_lines
    for quote in quote_lines:
        words = quote.split()
        head = words[:3]
        start = next(i for i, line in enumerate(lines) if line.split()[: len(head)] == head)
        taken: list[str] = []
        i = start
        while len(taken) < len(words):
            assert lines[i].startswith(indent), lines[i]
            taken += lines[i].split()
            i += 1
        assert taken == words


def test_piped_output_keeps_each_quote_whole_on_one_line(seed_fc):
    out = _piped(["ask", WHO, "--json", "--store", str(seed_fc.settings.store)])
    plain = _piped(["ask", WHO, "--store", str(seed_fc.settings.store)])
    for c in json.loads(out)["citations"]:
        assert f"    {' '.join(c['quote'].split())}" in plain


def test_version_and_short_help():
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.strip() == f"factcheck {__version__}"
    for args in (["-h"], ["ask", "-h"], ["check", "-h"], ["info", "-h"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage:" in result.stdout, args
        # Help speaks English, not Python types.
        assert "<str>" not in result.stdout and "list[" not in result.stdout


def test_completion_is_offered():
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


# -- a store found from any folder ----------------------------------------------------


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No FACTCHECK_STORE and no ./vectorstore: the per-user data folder is used."""
    monkeypatch.delenv("FACTCHECK_STORE", raising=False)
    data = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return data


def test_ingest_in_one_folder_and_ask_from_another(tmp_path, user_home, monkeypatch):
    articles = tmp_path / "home" / "articles"
    shutil.copytree(SEEDS, articles)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(articles.parent)
    ingested = runner.invoke(app, ["ingest", "articles"])
    assert ingested.exit_code == 0, ingested.output
    monkeypatch.chdir(elsewhere)
    asked = runner.invoke(app, ["ask", WHO, "--json"])
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.stdout)
    assert not answer["abstained"] and answer["citations"]
    for c in answer["citations"]:
        assert source_text(c["source"], articles)[c["start"] : c["end"]] == c["quote"]
    info = runner.invoke(app, ["info", "--json"])
    assert info.exit_code == 0, info.output
    data = json.loads(info.stdout)
    assert Path(data["store"]).is_relative_to(user_home)
    assert data["store_origin"] == "per-user data folder"
    assert data["exists"] and data["backend"] == "local"
    assert data["files"] == len(list(SEEDS.iterdir())) and data["chunks"] > data["files"]
    assert data["folders"] == [str(articles.resolve())]
    assert data["embedding_model"] == data["configured_embedding_model"]
    assert data["last_ingest"] and data["problem"] is None


def test_a_vectorstore_folder_here_wins_over_the_per_user_store(tmp_path, user_home, monkeypatch):
    (tmp_path / "project" / "vectorstore").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project")
    data = json.loads(runner.invoke(app, ["info", "--json"]).stdout)
    assert data["store"] == "vectorstore" and not data["exists"]


def test_info_on_a_missing_store_says_what_to_do(tmp_path):
    result = runner.invoke(app, ["info", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 0, result.output
    assert "factcheck ingest" in result.stdout
    assert not (tmp_path / "nothing").exists()  # looking does not create it


def test_ask_with_no_store_and_no_corpus_here_says_to_ingest(user_home):
    result = runner.invoke(app, ["ask", WHO])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "factcheck ingest" in result.stderr


# -- many questions in one process -----------------------------------------------------


def test_ask_dash_reads_questions_from_stdin_and_writes_jsonl(seed_fc):
    store = str(seed_fc.settings.store)
    questions = [WHO, "What is the capital of France?"]
    stdin = f"{questions[0]}\n\n   \n{questions[1]}\n"
    result = runner.invoke(app, ["ask", "-", "--jsonl", "--store", store], input=stdin)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions  # blank lines skipped
    single = runner.invoke(app, ["ask", WHO, "--json", "--store", store])
    assert rows[0] == json.loads(single.stdout)  # the same shape as --json
    assert rows[1]["abstained"] is True


def test_a_bad_line_is_reported_in_place_and_the_rest_are_answered(seed_fc):
    store = str(seed_fc.settings.store)
    stdin = f"{'x' * 3000}\n{WHO}\n"
    result = runner.invoke(app, ["ask", "-", "--jsonl", "--store", store], input=stdin)
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2 and "error" in rows[0] and rows[1]["question"] == WHO
    assert result.stderr.count("error: ") == 1


# Runs a command with stdin and stdout from files and prints its exit code and peak RSS:
# a fresh process whose only child is the command, so RUSAGE_CHILDREN is that command's.
_MEASURED = """
import resource, subprocess, sys
with open(sys.argv[1], "rb") as i, open(sys.argv[2], "wb") as o, open(sys.argv[3], "wb") as e:
    code = subprocess.call(sys.argv[4:], stdin=i, stdout=o, stderr=e)
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _measured(folder: Path, stdin: bytes, args: list[str]) -> tuple[int, int, bytes, bytes]:
    """(exit code, peak memory in KiB, stdout, stderr) of ``factcheck ARGS < stdin``."""
    files = [folder / name for name in ("in", "out", "err")]
    files[0].write_bytes(stdin)
    run = subprocess.run(
        [sys.executable, "-c", _MEASURED, *map(str, files), sys.executable, "-m", "assistant",
         *args],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    code, peak = map(int, run.stdout.split())
    if sys.platform == "darwin":
        peak //= 1024  # bytes there, KiB on Linux
    return code, peak, files[1].read_bytes(), files[2].read_bytes()


def test_an_over_long_stdin_line_is_never_held_whole_nor_echoed(seed_fc, tmp_path):
    # `ask -` once read a line whole and wrote it back in the error record: a 200 MB line
    # took 824 MB and wrote 200 MB. A line is now read in bounded pieces. The long line
    # comes after a first answer, so the models are loaded when it is read and what it
    # costs adds to their memory (the peak) instead of passing before them unseen.
    big = 48 * 1024 * 1024
    args = ["ask", "-", "--jsonl", "--mode", "extractive", "--store", str(seed_fc.settings.store)]
    code, base_kib, base_out, _ = _measured(tmp_path, f"{WHO}\n{WHO}\n".encode(), args)
    assert code == 0
    long_line = b"How many \x1b[31m" + b"very " * (big // 5) + b"people died?\n"
    stdin = f"{WHO}\n".encode() + long_line + f"{WHO}\n".encode()
    code, peak_kib, out, err = _measured(tmp_path, stdin, args)
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 3 and rows[0] == rows[2] and "error" in rows[1]
    assert len(rows[1]["question"]) < 100 and rows[1]["question"].startswith("How many")
    assert len(out) < len(base_out) + 1000  # the line is not written back
    lines = err.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: stdin line 2:"), lines
    assert "2,000" in lines[0] and "\x1b" not in lines[0] and len(lines[0]) < 300
    # Less than the line's size above a run without it: it was never held whole (reading
    # it whole and decoding it alone cost twice its size; writing it back, three times).
    # Half its size was too tight: in a full test run the peak varied by 32 MiB.
    assert peak_kib - base_kib < big // 1024, (peak_kib, base_kib)


def test_ask_dash_as_text_and_as_one_json_array(seed_fc):
    store = str(seed_fc.settings.store)
    stdin = f"{WHO}\nWhat is the capital of France?\n"
    text = runner.invoke(app, ["ask", "-", "--store", store], input=stdin)
    assert text.exit_code == 0 and text.stdout.count("Q: ") == 2
    as_json = runner.invoke(app, ["ask", "-", "--json", "--store", store], input=stdin)
    assert [a["question"] for a in json.loads(as_json.stdout)] == [
        WHO,
        "What is the capital of France?",
    ]


def test_check_dash_and_fail_on(seed_fc):
    store = str(seed_fc.settings.store)
    claims = "Five Russian citizens were killed\nThe capital of France is Paris\n"
    result = runner.invoke(app, ["check", "-", "--jsonl", "--store", store], input=claims)
    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line)["verdict"] for line in result.stdout.splitlines()]
    assert len(verdicts) == 2 and verdicts[1] == "not_enough_info"
    gate = runner.invoke(
        app, ["check", "-", "--store", store, "--fail-on", verdicts[1]], input=claims
    )
    assert gate.exit_code == 3
    others = ",".join(v for v in ("supported", "refuted", "conflicting") if v not in verdicts)
    if others:
        passed = runner.invoke(
            app, ["check", "-", "--store", store, "--fail-on", others], input=claims
        )
        assert passed.exit_code == 0, passed.output


def test_fail_on_rejects_an_unknown_verdict():
    result = runner.invoke(app, ["check", "anything", "--fail-on", "wrong"])
    assert result.exit_code == 2 and "supported" in result.stderr


def test_quiet_and_verbose(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    quiet = runner.invoke(app, ["-q", "ask", WHO])
    assert quiet.exit_code == 0 and quiet.stderr == ""  # first-use ingest said nothing
    verbose = runner.invoke(app, ["-v", "ask", WHO])
    assert verbose.exit_code == 0
    assert "store: " in verbose.stderr and "mode: extractive" in verbose.stderr
    both = runner.invoke(app, ["-q", "-v", "ask", WHO])
    assert both.exit_code == 2


# -- a closed pipe ------------------------------------------------------------------------


def test_a_reader_that_goes_away_is_not_an_error(seed_fc):
    """`factcheck ask - | head -1`: the answers after the first meet a closed pipe."""
    env = {k: v for k, v in os.environ.items() if k != "FACTCHECK_DEBUG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "-", "--store", str(seed_fc.settings.store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write((WHO + "\n").encode() * 40)
    proc.stdin.close()
    assert proc.stdout.readline()
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0
    assert proc.stderr is not None
    assert b"Traceback" not in proc.stderr.read()


# -- reports and the web page (issue 13) ---------------------------------------------------


@pytest.mark.parametrize("command", ["summary", "claims"])
def test_html_report_is_written_and_self_contained(seed_fc, tmp_path, command):
    out = tmp_path / f"{command}.html"
    result = runner.invoke(
        app, [command, "--html", str(out), "--store", str(seed_fc.settings.store)]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stderr and result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()


def test_html_report_to_an_unwritable_place_is_one_line(seed_fc, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "r.html"
    result = runner.invoke(
        app, ["summary", "--html", str(target), "--store", str(seed_fc.settings.store)]
    )
    assert result.exit_code == 1 and result.stderr.startswith("error: cannot write")


def test_serve_on_a_taken_port_is_one_line(seed_fc):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(
            app, ["serve", "--port", str(port), "--store", str(seed_fc.settings.store)]
        )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "--port" in errors[0] and "Traceback" not in result.output


def test_serve_with_a_host_name_that_is_no_name_is_one_line(seed_fc):
    store = str(seed_fc.settings.store)
    result = runner.invoke(
        app, ["serve", "--host", "0.0.0.0", "--allow-host", "http://news.example", "--store", store]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "--allow-host" in errors[0]


def test_ingest_json_names_the_removed_files(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Flood in Dayton\n\nAnn Lee said 12 died.\n", "utf-8")
    (folder / "b.txt").write_text("Fire in Ohio\n\nAcme said 3 were hurt.\n", "utf-8")
    first = runner.invoke(app, ["ingest", str(folder), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["removed_files"] == []
    (folder / "b.txt").unlink()
    again = json.loads(runner.invoke(app, ["ingest", str(folder), "--json"]).stdout)
    assert again["removed_files"] == [str((folder / "b.txt").resolve())]
    assert again["removed"] >= 1 and again["notices"] == [] and again["moved_files"] == 0


# -- issue 23, habits: options anywhere, errors in the product's words ---------------------


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "-q", WHO, "--mode", "extractive"],
        ["ask", WHO, "-q", "--mode", "extractive"],
        ["-q", "ask", WHO, "--mode", "extractive"],
        ["ask", WHO, "--quiet", "--mode", "extractive"],
    ],
)
def test_quiet_is_accepted_before_or_after_the_command(seed_fc, args):
    result = runner.invoke(app, [*args, "--store", str(seed_fc.settings.store)])
    assert result.exit_code == 0, result.output
    assert "5" in result.stdout and result.stderr == ""


def test_verbose_after_the_command_says_which_store(seed_fc):
    store = str(seed_fc.settings.store)
    result = runner.invoke(app, ["ask", WHO, "-v", "--mode", "extractive", "--store", store])
    assert result.exit_code == 0, result.output
    assert "store:" in result.stderr


@pytest.mark.parametrize("order", ["before", "after"])
def test_store_and_json_are_accepted_before_or_after_the_command(seed_fc, order):
    store = ["--store", str(seed_fc.settings.store), "--json"]
    ask = ["ask", WHO, "--mode", "extractive"]
    result = runner.invoke(app, [*store, *ask] if order == "before" else [*ask, *store])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["citations"]


def test_a_dash_question_after_double_dash_is_still_a_question(seed_fc):
    store = str(seed_fc.settings.store)
    result = runner.invoke(app, ["ask", "--store", store, "--mode", "extractive", "--", "-q"])
    # "-q" after "--" is the question, not the option: it is answered (or abstained on).
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["ask", WHO, "-k", "0"], ["-k", "1"]),
        (["ask", WHO, "--mode", "foo"], ["--mode", "auto", "extractive", "llm"]),
        (["check", "x", "--mode", "foo"], ["--mode", "auto", "extractive", "llm"]),
    ],
)
def test_a_validation_error_names_the_option_and_the_allowed_values(args, names):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1, line
    for name in names:
        assert name in line, line
    # Not the library's wording.
    assert "Input should be" not in line and "Value error" not in line, line
    assert "is not one of" not in line, line


def test_a_usage_error_points_to_the_commands_own_help():
    result = runner.invoke(app, ["summary", "--md"])
    assert result.exit_code == 2
    assert "factcheck summary -h" in result.stderr, result.stderr
