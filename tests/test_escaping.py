"""Article text is data wherever it is shown (issue 12, rows 7, 10, 11 and the CLI's part of 15).

A hostile article (ESC and OSC sequences, a bidi override, rich markup, HTML, a Markdown
heading and link, a spreadsheet formula) and a file whose name holds a newline and an
OSC sequence are ingested; every command's terminal output, the Markdown report and the
CSV must show them as text, and JSON must keep them exactly.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import assistant.app
from assistant.app import FactCheck
from assistant.cli import _render_claims, app
from assistant.escape import csv_cell, markdown_code, markdown_text, terminal_text
from assistant.markdown import to_markdown
from assistant.reasoning.citations import Citation
from assistant.reasoning.summary import Summary, SummarySentence
from assistant.settings import Settings

runner = CliRunner()

OSC_LINK = "\x1b]8;;http://evil\x07"
CLEAR = "\x1b[2J"
TITLE = f"Flood in Dayton <script>alert(1)</script> [link](http://x) {OSC_LINK}kills 12"
ARTICLE = (
    f"{TITLE}\n\n"
    f"Mayor Ann Lee [sic] said 12 people were killed in the Dayton flood.{CLEAR}\n"
    "Acme [/x] reported that 40 homes were destroyed in Dayton, the company said.\n"
    "Dayton officials [/x] said 4 people were wounded in the flood.\n"
    "<script>alert(1)</script> The river rose 3 metres, officials said.\n"
    "# heading\n"
    "[link](http://x) The Dayton fire chief said 7 people were injured.\n"
    '=HYPERLINK("http://evil","x") 30 people were rescued, according to the Red Cross.\n'
    "Police said the flood cut power to 2,000 homes \u202eelbissop\u202c on Tuesday.\n"
)
ODD_NAME = "bad\nname\x1b]0;pwned\x07.txt"
ODD_ARTICLE = "Storm over Dayton\n\nThe weather service said 5 people were hurt in Dayton.\n"
QUESTION = "How many people were killed in the Dayton flood?"
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# rich's own colour codes (SGR), present only when colour is forced; the article's
# sequences (OSC, "ESC [2J") are not of this form, so they are still caught.
SGR = re.compile(r"\x1b\[[0-9;]*m")


def _raw_controls(text: str) -> list[str]:
    """Characters a terminal would act on, other than newlines."""
    return [
        ch
        for ch in SGR.sub("", text)
        if ch != "\n" and (unicodedata.category(ch) in ("Cc", "Cs") or ch in BIDI)
    ]


@pytest.fixture
def hostile(tmp_path, fake_embeddings, monkeypatch) -> Path:
    """A hostile corpus, ingested; the CLI uses the same fake embeddings as the library."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "dayton.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / ODD_NAME).write_text(ODD_ARTICLE, encoding="utf-8")
    fc = FactCheck(Settings(store=tmp_path / "store"), embeddings=fake_embeddings)
    report = fc.ingest([folder])
    assert report.files == 2, report.summary()

    class WithFakeEmbeddings(FactCheck):
        def __init__(self, settings, **kwargs):
            kwargs.setdefault("embeddings", fake_embeddings)
            super().__init__(settings, **kwargs)

    # The CLI imports FactCheck from assistant.app inside each command.
    monkeypatch.setattr(assistant.app, "FactCheck", WithFakeEmbeddings)
    return folder


# -- row 7: the terminal -------------------------------------------------------------


COMMANDS = {
    "ask": ["ask", QUESTION],
    "search": ["search", "Dayton flood weather", "-k", "5"],
    "claims": ["claims"],
    "summary": ["summary"],
    "check": ["check", "Ann Lee said 12 people were killed"],
    "info": ["info"],
    "ingest": ["ingest", "articles"],
}


@pytest.mark.parametrize("colour", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_terminal_output_holds_no_raw_control_characters(hostile, command, colour):
    env = {"FORCE_COLOR": "1", "COLUMNS": "100", "NO_COLOR": None} if colour else {}
    result = runner.invoke(app, COMMANDS[command], env=env)
    assert result.exit_code == 0, result.output
    assert _raw_controls(result.stdout) == [], result.stdout
    assert _raw_controls(result.stderr) == [], result.stderr


def test_control_characters_are_shown_not_dropped_and_a_name_cannot_split_a_line(hostile):
    claims = runner.invoke(app, ["claims"]).stdout
    # The reader sees that something was there, written out.
    assert "killed in the Dayton flood.\\x1b[2J" in claims
    summary = runner.invoke(app, ["summary"]).stdout
    assert "2,000 homes \\u202eelbissop\\u202c on Tuesday" in summary
    # The file whose name holds a newline is cited on one line: "[n] name:line quote".
    cited = [line for line in claims.splitlines() if "bad\\nname" in line]
    assert cited and all(
        re.match(r"^\[\d+\] bad\\nname\\x1b\]0;pwned\\x07\.txt:3 The weather", line)
        for line in cited
    ), cited
    search = runner.invoke(app, ["search", "weather service hurt", "-k", "5"]).stdout
    assert re.search(r"^\d+\. bad\\nname\\x1b\]0;pwned\\x07\.txt:\d+ ", search, re.M), search


def test_stdin_questions_and_warnings_are_made_safe(hostile, tmp_path):
    asked = runner.invoke(app, ["ask", "-"], input=f"Who said {CLEAR}12 were killed?\n")
    assert asked.exit_code == 0, asked.output
    assert "Q: Who said \\x1b[2J12 were killed?" in asked.stdout
    assert _raw_controls(asked.stdout) == []
    # A skipped file's name is one warning line, its controls written out.
    (hostile / "empty\x1b[2J\nx.txt").write_text("", encoding="utf-8")
    ingested = runner.invoke(app, ["ingest", str(hostile)])
    assert ingested.exit_code == 0, ingested.output
    warnings = [line for line in ingested.stderr.splitlines() if "empty" in line]
    assert len(warnings) == 1 and "empty\\x1b[2J\\nx.txt" in warnings[0], ingested.stderr
    assert _raw_controls(ingested.stderr) == []


def test_json_keeps_the_exact_text(hostile):
    data = json.loads(runner.invoke(app, ["ask", QUESTION, "--json"]).stdout)
    quotes = {c["quote"] for c in data["citations"]}
    assert f"Mayor Ann Lee [sic] said 12 people were killed in the Dayton flood.{CLEAR}" in quotes
    assert any(c["title"] == TITLE for c in data["citations"])
    claims = json.loads(runner.invoke(app, ["claims", "--json"]).stdout)
    sources = {c["source"] for claim in claims["claims"] for c in claim["citations"]}
    assert ODD_NAME in sources
    for claim in claims["claims"]:
        for c in claim["citations"]:
            text = (hostile / c["source"]).read_text(encoding="utf-8")
            assert text[c["start"] : c["end"]] == c["quote"]
    assert any(c["figure"] == "30" and c["quote"].startswith("=HYPERLINK") for c in _rows(claims))


def _rows(claims: dict) -> list[dict]:
    return [{**claim, **c} for claim in claims["claims"] for c in claim["citations"]]


def test_terminal_text_writes_controls_as_visible_escapes():
    assert terminal_text(f"a{CLEAR}b\x9bc\u202ed\x07\udcff\te\nf") == (
        "a\\x1b[2Jb\\x9bc\\u202ed\\x07\\udcff\te\nf"
    )
    assert terminal_text("line\nbreak\r\u2028", one_line=True) == "line\\nbreak\\r\\u2028"
    assert terminal_text("Ann Lee’s “quote” — ok") == "Ann Lee’s “quote” — ok"


# -- row 10: the Markdown report and the CSV ---------------------------------------------


def _html(markdown: str) -> str:
    """The report as GitHub-like Markdown renders it (CommonMark, tables, strikethrough)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def test_markdown_report_has_no_live_html_links_or_headings(hostile, tmp_path):
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["summary", "--md", str(out)])
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    rendered = _html(md)
    assert "<script" not in rendered and "<a " not in rendered and "<img" not in rendered
    assert re.findall(r"<h(\d)>(.*?)</h\d>", rendered) == [
        ("1", "Fact-check summary"),
        ("2", "Summary"),
        ("2", "Claims"),
        ("2", "Sources"),
        ("3", "Articles"),
    ]
    # The article's words are all there, as text.
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert "<script>alert(1)</script> [link](http://x)" in text
    assert "Mayor Ann Lee [sic]" in text and "Acme [/x]" in text
    assert "\x1b" not in md and "\u202e" not in md
    # The file name with a newline stays one code span on one line.
    assert "<code>bad\\nname\\x1b]0;pwned\\x07.txt</code>" in rendered
    # Citation markers stay readable in the source.
    assert re.search(r"\) \[\d+\]\.$", md, re.M)


HOSTILE_SNIPPETS = [
    "# heading",
    "> quoted",
    "- item",
    "1. item",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[link](http://x) and ![img](http://x/y.png)",
    "<http://evil.example> and http://evil.example and www.evil.example and ann@acme.example",
    "*bold* _em_ `code` ~~gone~~ a | b",
    "&lt;b&gt; AT&T &#60;",
    "back\\slash \\*",
    "Ann said [3] and [4](http://x)",
    "[1]: http://evil",
]


@pytest.mark.parametrize("snippet", HOSTILE_SNIPPETS)
def test_markdown_text_renders_as_the_text_itself(snippet):
    item = _html(f"- {markdown_text(snippet, line_start=True)}")
    assert item.startswith("<ul>\n<li>") and item.endswith("</li>\n</ul>\n"), item
    inner = item[len("<ul>\n<li>") : -len("</li>\n</ul>\n")]
    assert "<" not in inner  # no element at all: "<" from the text is "&lt;"
    assert html.unescape(inner) == snippet
    for line_start in (True, False):
        cell = _html(f"| a |\n|---|\n| {markdown_text(snippet, line_start=line_start)} |\n")
        found = re.search(r"<td>(.*)</td>", cell)
        assert found and "<" not in found.group(1), cell
        assert html.unescape(found.group(1)) == snippet


def test_markdown_text_escapes_block_starts_only_where_they_start_a_block():
    assert markdown_text("1. item", line_start=True) == "1\\. item"
    assert markdown_text("1. item") == "1. item"  # mid-line it means nothing: stays readable
    assert markdown_text("Ann Lee [sic] said [2].") == "Ann Lee \\[sic\\] said [2]."


def test_markdown_code_holds_any_name():
    for name in ("a`b.txt", "`x`", "plain.txt", "tick``s.md"):
        rendered = _html(f"- {markdown_code(name)}")
        assert html.unescape(re.search(r"<code>(.*)</code>", rendered).group(1)) == name


def test_to_markdown_escapes_model_sentences_topic_and_dropped_lines():
    cite = Citation(
        id=1, source="a`b.txt", title="# Title", start=0, end=5, line=1, quote="<b>x</b>"
    )
    summary = Summary(
        topic="</h1><script>x</script>",
        sentences=[SummarySentence("# Pwned <img src=x> [click](http://evil) [1]", [cite])],
        titles={"a`b.txt": "## Sub [t](http://t)"},
        dropped=["<iframe src=http://evil>"],
    )
    rendered = _html(to_markdown(summary, "0"))
    assert "<script" not in rendered and "<img" not in rendered and "<iframe" not in rendered
    assert "<a " not in rendered
    assert [h for h, _ in re.findall(r"<h(\d)>(.*?)</h\d>", rendered)] == ["1", "2", "2", "3"]
    assert "# Pwned &lt;img src=x&gt; [click](http://evil) [1]" in rendered


def _csv_rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_claims_csv_neutralises_formula_cells(hostile):
    result = runner.invoke(app, ["claims", "--csv"])
    assert result.exit_code == 0, result.output
    rows = _csv_rows(result.stdout)
    formula = [r for r in rows if "HYPERLINK" in r["quote"]]
    assert formula and all(r["quote"].startswith("'=HYPERLINK(") for r in formula)
    for row in rows:
        for column in ("figure", "hedge", "what", "who", "via", "source", "quote"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), row
        # Numeric columns stay numbers; the quote is the file's text after the one prefix.
        for column in ("claim", "citation", "line", "start", "end"):
            int(row[column])
        float(row["low"]), float(row["high"])
        source = row["source"]
        text = (hostile / source).read_text(encoding="utf-8")
        quote = row["quote"][1:] if row["quote"].startswith("'") else row["quote"]
        assert text[int(row["start"]) : int(row["end"])] == quote


def test_csv_cell_follows_owasp():
    for bad in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\uff1dcmd"):
        assert csv_cell(bad) == "'" + bad
    assert csv_cell("Ann Lee") == "Ann Lee"
    assert csv_cell(-5) == -5 and csv_cell(2.5) == 2.5 and csv_cell(None) is None


# -- row 11: rich markup ------------------------------------------------------------------


def test_claims_table_shows_brackets_as_written(hostile):
    result = runner.invoke(app, ["claims"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Mayor Ann Lee [sic]" in result.stdout
    assert "Dayton officials [/x]" in result.stdout


def test_render_claims_never_reads_article_text_as_markup(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no cell folds
    from assistant.reasoning.claims import Claim, ClaimTable

    cite = Citation(
        id=1, source="[b]x.txt", title="t", start=0, end=1, line=1, quote="[/x] q",
        outlet="[i]Courier[/i]", published="2026-03-15",
    )  # fmt: skip
    claim = Claim(
        figure="[/x]", low=None, high=None, hedge=None, what="[/what]", who="Ann Lee [sic]",
        via="[bold red]Acme[/]", citations=[cite],
    )  # fmt: skip
    _render_claims(ClaimTable(claims=[claim], groups=[("[/what]", [0])]))
    out = capsys.readouterr().out
    for text in (
        "[/what] (1 claim)", "[/x]", "Ann Lee [sic]", "[bold red]Acme[/]", "[b]x.txt",
        "[i]Courier[/i]",
    ):  # fmt: skip
        assert text in out, out


# -- row 15: the command line's own errors and encodings ----------------------------------


def _one_line(result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Usage:" not in result.output and "Traceback" not in result.output
    assert "unexpected" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["ask", "-k", "0", "Who?"], "-k/--k must be a whole number"),
        (["ask", "-5 degrees?"], 'factcheck ask -- "-5 degrees?"'),
        (["check", "-5 degrees is cold"], "factcheck check --"),
        (["search"], "Missing argument 'QUERY'"),
        (["nosuch"], "No such command 'nosuch'"),
        (["ask", "--stor", "x", "Who?"], "--store"),
        (["check", "x", "--fail-on", "wrong"], "supported"),
    ],
)
def test_usage_errors_are_one_line(args, says):
    line = _one_line(runner.invoke(app, args, prog_name="factcheck"), 2)
    assert says in line and "-h'" in line, line


def test_a_question_with_non_utf8_bytes_is_one_line(hostile):
    # What Python makes of `factcheck ask $'caf\xe9?'`: the byte as a lone surrogate.
    line = _one_line(runner.invoke(app, ["ask", "caf\udce9 in Dayton?"]), 1)
    assert "not UTF-8" in line and "\\xe9" in line


def test_a_terminal_that_cannot_show_unicode_still_gets_the_answer(seed_fc):
    store = str(seed_fc.settings.store)
    env = {k: v for k, v in os.environ.items() if k != "FACTCHECK_DEBUG"}
    env.update(PYTHONIOENCODING="ascii", FACTCHECK_STORE=store)

    def run(*extra: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "assistant", "ask", "Who said 5 were killed?", *extra],
            capture_output=True,
            env=env,
            check=False,
            timeout=300,
        )

    text = run()
    assert text.returncode == 0, text.stderr
    assert b"Traceback" not in text.stderr and b"[1]" in text.stdout
    as_json = run("--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout.decode("ascii"))  # \\uXXXX escapes: the exact text
    utf8 = runner.invoke(app, ["ask", "Who said 5 were killed?", "--json", "--store", store])
    assert data == json.loads(utf8.stdout)
    assert any(ch > "\x7f" for ch in data["answer"])  # the test means something
