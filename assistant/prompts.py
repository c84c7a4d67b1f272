"""Prompt templates, kept as files in ``prompts/`` so they can be read and reviewed.

Templates use ``{name}`` placeholders. Rendering fails fast: a placeholder with no value,
or a value with no placeholder, is an error rather than a silently odd prompt.
"""

from __future__ import annotations

import string
from importlib import resources
from pathlib import Path

from assistant.errors import ConfigError

# In a source checkout the templates sit at the top level; a wheel carries them inside
# the package as assistant/_prompts (see pyproject.toml).
_CHECKOUT_DIR = Path(__file__).resolve().parent.parent / "prompts"


def _template_text(name: str) -> str:
    packaged = resources.files("assistant") / "_prompts" / f"{name}.md"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    path = _CHECKOUT_DIR / f"{name}.md"
    if not path.is_file():
        raise ConfigError(f"prompt template {name!r} not found in {_CHECKOUT_DIR}")
    return path.read_text(encoding="utf-8")


def placeholders(template: str) -> set[str]:
    """The ``{name}`` placeholders a template uses."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def render(name: str, **values: str) -> str:
    """Fill the template ``prompts/<name>.md``.

    Raises:
        ConfigError: The template is missing, or a placeholder and the values disagree.
    """
    template = _template_text(name)
    wanted = placeholders(template)
    missing = wanted - values.keys()
    extra = values.keys() - wanted
    if missing or extra:
        raise ConfigError(
            f"prompt {name!r}: missing values for {sorted(missing)}, unused values {sorted(extra)}"
        )
    return template.format(**values)
