from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.prompts import placeholders, render


def test_answer_prompt_renders_with_its_variables():
    text = render("answer", question="Who said 5 were killed?", passages="[1] ...")
    assert "Who said 5 were killed?" in text and "[1] ..." in text
    assert "{" not in text.replace("{question}", "")


def test_a_missing_variable_fails_fast():
    with pytest.raises(ConfigError, match="missing values for \\['passages'\\]"):
        render("answer", question="q")


def test_an_unknown_variable_fails_fast():
    with pytest.raises(ConfigError, match="unused values"):
        render("answer", question="q", passages="p", typo="x")


def test_a_missing_template_fails_fast():
    with pytest.raises(ConfigError, match="not found"):
        render("no-such-prompt")


def test_placeholders_are_found():
    assert placeholders("a {x} b {y}") == {"x", "y"}
