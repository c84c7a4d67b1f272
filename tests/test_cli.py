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
    assert "Ingested 1 files" in result.stdout and " s " in result.stdout


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
