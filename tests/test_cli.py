"""The command line through typer's CliRunner: output, JSON, one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from tests.conftest import SEEDS

runner = CliRunner()


def _one_line_error(result, *, contains: str) -> None:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and contains in lines[0]
    assert "Traceback" not in result.output


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "search", "ask"):
        assert command in result.stdout


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "ask" in proc.stdout


def test_ask_json_on_an_existing_store(seed_fc):
    store = str(seed_fc.settings.store)
    result = runner.invoke(app, ["ask", "Who said 5 were killed?", "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] == "extractive" and not data["abstained"]
    assert "Foreign Ministry" in data["answer"]
    for c in data["citations"]:
        text = (SEEDS / c["source"]).read_bytes().decode("utf-8")
        assert text[c["start"] : c["end"]] == c["quote"]


def test_ask_renders_answer_and_citations(seed_fc):
    store = str(seed_fc.settings.store)
    result = runner.invoke(app, ["ask", "Who said 5 were killed?", "--store", store])
    assert result.exit_code == 0, result.output
    assert "[1]" in result.stdout
    assert "003_eedac8ea6769e308.txt:" in result.stdout


def test_first_ask_ingests_the_default_corpus(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = runner.invoke(app, ["ask", "What bill is the Russian government reviewing?"])
    assert result.exit_code == 0, result.output
    assert "ingesting" in result.stderr and "Ingested 5 files" in result.stderr
    assert "private military companies legal" in result.stdout
    assert (tmp_path / "store" / "chroma.sqlite3").exists()  # FACTCHECK_STORE from conftest


def test_search_prints_ranked_passages(seed_fc):
    store = str(seed_fc.settings.store)
    result = runner.invoke(app, ["search", "Wagner Group", "-k", "3", "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["rank"] for r in data["results"]] == [1, 2, 3]
    assert any("Wagner" in r["text"] for r in data["results"])
    plain = runner.invoke(app, ["search", "Wagner Group", "--store", store])
    assert plain.exit_code == 0 and "1. " in plain.stdout


def test_ingest_reports_files_chunks_seconds_and_skips_bad_files(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEEDS / "003_eedac8ea6769e308.txt", folder)
    (folder / "bad.txt").write_bytes(b"\xff\xfe not utf-8 \x81")
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning: skipped" in result.stderr and "bad.txt" in result.stderr
    assert "Ingested 1 file," in result.stdout and " s " in result.stdout


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_question_is_one_line(question):
    _one_line_error(runner.invoke(app, ["ask", question]), contains="empty")


def test_missing_path_is_one_line():
    _one_line_error(runner.invoke(app, ["ingest", "no/such/folder"]), contains="does not exist")


def test_no_articles_is_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    _one_line_error(runner.invoke(app, ["ingest", str(tmp_path / "empty")]), contains="no readable")


def test_missing_store_is_one_line():
    _one_line_error(runner.invoke(app, ["ask", "Who?"]), contains="factcheck ingest")


def test_store_from_another_embedding_model_is_one_line(seed_fc, monkeypatch):
    monkeypatch.setenv("FACTCHECK_EMBEDDING", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    store = str(seed_fc.settings.store)
    result = runner.invoke(app, ["ask", "Who said 5 were killed?", "--store", store])
    _one_line_error(result, contains="re-ingest")
    assert "sk-test" not in result.output


def test_llm_mode_is_one_line(seed_fc):
    store = str(seed_fc.settings.store)
    result = runner.invoke(app, ["ask", "Who?", "--mode", "llm", "--store", store])
    _one_line_error(result, contains="extractive")


def test_bad_setting_is_one_line(monkeypatch):
    monkeypatch.setenv("FACTCHECK_K", "lots")
    _one_line_error(runner.invoke(app, ["ask", "Who?"]), contains="invalid setting")


def test_claims_json_and_csv(seed_fc):
    store = str(seed_fc.settings.store)
    data = json.loads(runner.invoke(app, ["claims", "--json", "--store", store]).stdout)
    assert data["claims"] and data["groups"]
    import csv
    import io

    result = runner.invoke(app, ["claims", "--csv", "--store", store])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"figure", "who", "via", "source", "start", "end", "quote"} <= set(rows[0])
    for row in rows:
        text = (SEEDS / row["source"]).read_bytes().decode("utf-8")
        assert text[int(row["start"]) : int(row["end"])] == row["quote"]


def test_check_json_and_empty_claim(seed_fc):
    store = str(seed_fc.settings.store)
    claim = "According to a Vkontakte post, the attack lasted about four hours."
    result = runner.invoke(app, ["check", claim, "--json", "--store", store])
    assert json.loads(result.stdout)["verdict"] == "supported"
    _one_line_error(runner.invoke(app, ["check", "  ", "--store", store]), contains="empty")


def _check_ask_contract(data: dict, root) -> None:
    """Short answers and also_in places in ``ask --json``, every quote standing in its file."""
    assert isinstance(data["answers"], list) and isinstance(data["disagreement"], bool)
    ids = {c["id"] for c in data["citations"]}
    for a in data["answers"]:
        assert set(a) == {"text", "who", "citations"}
        assert isinstance(a["text"], str) and a["text"]
        assert a["who"] is None or isinstance(a["who"], str)
        assert a["citations"] and set(a["citations"]) <= ids, (a, ids)
    if data["abstained"]:
        assert data["answers"] == [] and not data["disagreement"]
    else:
        assert data["answers"]
    if data["disagreement"]:
        assert len(data["answers"]) >= 2
    for c in data["citations"]:
        assert isinstance(c["also_in"], list)
        with open(root / c["source"], encoding="utf-8", newline="") as f:
            assert f.read()[c["start"] : c["end"]] == c["quote"]
        for p in c["also_in"]:
            assert set(p) == {"source", "start", "end", "line", "quote"}
            assert (p["source"], p["start"]) != (c["source"], c["start"])
            with open(root / p["source"], encoding="utf-8", newline="") as f:
                text = f.read()
            assert text[p["start"] : p["end"]] == p["quote"]
            assert text.count("\n", 0, p["start"]) + 1 == p["line"]


@pytest.mark.parametrize(
    "question",
    [
        "Which newspaper said 13 Russians were killed?",
        "How many Russians were killed according to Novaya Gazeta?",
        "When did the strike happen?",
        "What is the capital of France?",
    ],
)
def test_ask_json_has_short_answers_and_places(seed_fc, question):
    store = str(seed_fc.settings.store)
    result = runner.invoke(app, ["ask", question, "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    _check_ask_contract(json.loads(result.stdout), SEEDS)


def test_ask_json_cites_a_reprint_once_and_names_disagreeing_sources(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    sentence = "The Orbit bridge over the Vale river opened to traffic on March 3, 2015"
    # Windows line endings: offsets count the \r, as the file is read with newline="".
    (folder / "a.txt").write_bytes(
        f"Orbit bridge opens\r\n\r\n{sentence}, the city council said.\r\n"
        "It cost $40 million and took four years to build.\r\n".encode()
    )
    (folder / "b.txt").write_bytes(
        "New crossing in Valeton\r\n\r\nCrowds gathered by the water on Tuesday.\r\n"
        f"{sentence}, the city council said on Tuesday.\r\n"
        "Local shops reported brisk trade.\r\n".encode()
    )
    (folder / "d.txt").write_text(
        "Transport ministry statement\n\nThe Orbit bridge over the Vale river opened to traffic"
        " on April 9, 2016, the transport ministry said.\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["ingest", str(folder)]).exit_code == 0
    result = runner.invoke(app, ["ask", "When did the Orbit bridge open?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    _check_ask_contract(data, folder)
    assert data["disagreement"] is True
    assert {a["text"] for a in data["answers"]} == {"March 3, 2015", "April 9, 2016"}
    assert "disagree" in data["answer"]
    # The council's sentence, reprinted with a small edit, is one citation with two places.
    council = [c for c in data["citations"] if "March 3, 2015" in c["quote"]]
    assert len(council) == 1
    assert {council[0]["source"]} | {p["source"] for p in council[0]["also_in"]} == {
        "a.txt",
        "b.txt",
    }
    ministry = next(c for c in data["citations"] if "April 9, 2016" in c["quote"])
    assert ministry["also_in"] == []  # another date is another statement
