"""--since, --until and --outlet: which articles a search, answer or table may use."""

from __future__ import annotations

import pytest

from assistant.app import FactCheck
from assistant.errors import InputError
from assistant.index.filters import SourceFilter
from assistant.index.schema import StoredChunk
from assistant.web.render import original_link
from tests.conftest import own_settings


def _chunk(outlet: str = "", author: str = "", published: str = "") -> StoredChunk:
    return StoredChunk(
        id="x", source="a.txt", root="/r", title="t", start=0, end=1, line=1, text="x",
        file_sha256="", outlet=outlet, author=author, published=published, kind="text",
    )  # fmt: skip


def test_dates_are_read_in_iso_and_written_forms_and_checked() -> None:
    f = SourceFilter.parse(since="March 3, 2026", until="2026-03-09T12:00:00Z")
    assert (f.since, f.until) == ("2026-03-03", "2026-03-09")
    with pytest.raises(InputError, match="--since takes a date"):
        SourceFilter.parse(since="last week")
    with pytest.raises(InputError, match="is after --until"):
        SourceFilter.parse(since="2026-03-10", until="2026-03-09")
    with pytest.raises(InputError, match="--outlet needs a name"):
        SourceFilter.parse(outlets=["  "])
    assert not SourceFilter.parse().active


def test_admits_by_date_inclusive_and_leaves_undated_articles_out() -> None:
    f = SourceFilter.parse(since="2026-03-03", until="2026-03-05")
    assert f.admits(_chunk(published="2026-03-03")) and f.admits(_chunk(published="2026-03-05"))
    assert not f.admits(_chunk(published="2026-03-02"))
    assert not f.admits(_chunk(published="2026-03-06"))
    assert not f.admits(_chunk(published=""))


def test_an_outlet_is_matched_loosely_and_an_author_stands_in_where_no_outlet_is_named() -> None:
    f = SourceFilter.parse(outlets=["valley"])
    assert f.admits(_chunk(outlet="The Valley Courier"))
    assert not f.admits(_chunk(outlet="Hill Times"))
    # A press release names its issuer as the author, and no outlet.
    assert f.admits(_chunk(author="Valley Fire Service"))
    # An article with an outlet is judged by its outlet, not its author.
    assert not f.admits(_chunk(outlet="Hill Times", author="Ana Valley"))


def test_resolve_names_the_outlets_there_are_when_none_matches() -> None:
    known = {("The Valley Courier", "Ann Lee"), ("", "Valley Fire Service"), ("Hill Times", "")}
    resolved = SourceFilter.parse(outlets=["VALLEY"]).resolve(known)
    assert resolved.outlets == ("The Valley Courier",)
    assert resolved.authors == ("Valley Fire Service",)
    with pytest.raises(InputError) as info:
        SourceFilter.parse(outlets=["Plain Dealer"]).resolve(known)
    message = str(info.value)
    assert "Hill Times" in message and "The Valley Courier" in message
    assert "\n" not in message


def test_the_filter_limits_both_sides_of_the_search_before_ranking(tmp_path, fake_embeddings):
    folder = tmp_path / "pile"
    folder.mkdir()
    # Many articles of one outlet rank above the one article of the other, which must
    # still come back when asked for: the filter applies before the ranking's cut.
    for i in range(30):
        (folder / f"hill-{i:02d}.txt").write_text(
            f"---\noutlet: Hill Times\npublished: 2026-03-0{1 + i % 5}\n---\n"
            f"Flood in Dayton\n\nThe flood in Dayton closed {i} roads, Hill Times said.\n",
            "utf-8",
        )
    (folder / "valley.txt").write_text(
        "---\noutlet: The Valley Courier\npublished: 2026-03-09\n---\n"
        "River report\n\nWater rose near the bridge after the flood.\n",
        "utf-8",
    )
    settings = own_settings(tmp_path)
    FactCheck(settings, embeddings=fake_embeddings).ingest([folder])
    narrowed = FactCheck(
        settings,
        embeddings=fake_embeddings,
        source_filter=SourceFilter.parse(outlets=["courier"]),
    )
    hits = narrowed.searcher.search("flood in Dayton roads", k=3)
    assert [h.chunk.source for h in hits] == ["valley.txt"]
    dated = FactCheck(
        settings,
        embeddings=fake_embeddings,
        source_filter=SourceFilter.parse(since="2026-03-05", until="2026-03-05"),
    )
    hits = dated.searcher.search("flood in Dayton roads", k=20)
    assert hits and {h.chunk.published for h in hits} == {"2026-03-05"}
    assert len(hits) == 6  # the six articles of that day, however they rank overall


def test_a_text_fragment_names_the_quote_and_only_for_web_addresses() -> None:
    link = original_link("https://news.example/a#top", "Police said 12-14 died, & more")
    assert link == "https://news.example/a#:~:text=Police%20said%2012%2D14%20died%2C%20%26%20more"
    words = " ".join(f"w{i}" for i in range(30))
    long = original_link("http://news.example/a", words)
    assert (
        long
        == "http://news.example/a#:~:text=w0%20w1%20w2%20w3%20w4%20w5,w24%20w25%20w26%20w27%20w28%20w29"
    )
    assert original_link("javascript:alert(1)", "x") is None
    assert original_link("file:///etc/passwd", "x") is None
    assert original_link("https://news.example/a b", "x") is None
