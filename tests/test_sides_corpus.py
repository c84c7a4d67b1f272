"""The issue-22 pile (tests/sides.py) holds what its table says it holds.

The tests of claims, answer kinds, sides and speakers read :data:`tests.sides.TRUTH`; a
figure that no article writes would make them pass or fail for the wrong reason.
"""

from __future__ import annotations

import pytest

from tests.sides import ARTICLES, IDENTIFIERS, TRUTH, write

_ALL = "\n".join(ARTICLES.values())


@pytest.mark.parametrize(
    "written", sorted({w for sides in TRUTH.values() for ws in sides.values() for w in ws})
)
def test_every_figure_of_the_table_is_written_in_some_article(written):
    assert written.lower() in _ALL.lower()


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_every_identifier_is_written_in_some_article(identifier):
    assert identifier in _ALL


def test_the_pile_is_written_as_plain_text_with_a_front_matter_header(tmp_path):
    folder = write(tmp_path / "pile")
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(ARTICLES)
    for name in files:
        head = (folder / name).read_text(encoding="utf-8").splitlines()[:4]
        assert head[0] == head[3] == "---", head
        assert head[1].startswith("outlet: ") and head[2].startswith("published: ")


def test_the_header_is_metadata_and_the_headline_is_the_title():
    from assistant.index.formats.text import read_text

    for text in ARTICLES.values():
        doc = read_text(text.encode("utf-8"))
        assert doc.outlet and doc.published.startswith("2026-11-")
        assert not doc.title.startswith("---") and "outlet" not in doc.title
