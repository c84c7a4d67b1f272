"""Issue 22, "any quantity": every quantity is a claim of its kind, no identifier is one.

Read on the generated pile of :mod:`tests.sides` (expected figures come from its
``TRUTH`` and ``IDENTIFIERS``, never written here again) and on small invented sentences.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.app import FactCheck
from assistant.cli import app
from assistant.reasoning.claims import ClaimTable, build_claim_table, parse_number
from assistant.reasoning.counted import counted, counts_other
from assistant.reasoning.figures import figures
from assistant.reasoning.masking import mask_non_figures
from assistant.reasoning.nlp import parse_many
from assistant.reasoning.question import analyse
from assistant.reasoning.shortanswer import find_short_answers
from assistant.reasoning.summary import summarize
from assistant.web.render import claims_chart
from tests.conftest import own_settings
from tests.conftest import stored_chunks as _chunks
from tests.sides import IDENTIFIERS, TRUTH, write
from tests.test_shortanswer import _cand

runner = CliRunner()
# The kind of quantity each row of the pile's table is (the start time and the cause are
# no quantities: other parts of issue 22 answer them).
KIND_OF = {
    "deaths": "count",
    "injured": "count",
    "employees": "count",
    "fund": "money",
    "destroyed": "percent",
    "control": "duration",
}


@pytest.fixture(scope="module")
def pile(tmp_path_factory: pytest.TempPathFactory) -> tuple[FactCheck, ClaimTable]:
    """The pile ingested once, and its claim table."""
    base = tmp_path_factory.mktemp("sides")
    folder = write(base / "pile")
    fc = FactCheck(own_settings(base).model_copy(update={"corpus": folder}))
    fc.ingest([folder])
    return fc, fc.claims()


def _written(claim_figure: str, written: str) -> bool:
    """``written`` (a figure as the table gives it) is the claim's figure, by value or text."""
    value = parse_number(written)
    if value is not None:
        return parse_number(claim_figure) == value
    return written.lower() in claim_figure.lower()


@pytest.mark.parametrize(
    ("what", "written"),
    [(what, w) for what in KIND_OF for ws in TRUTH[what].values() for w in ws],
)
def test_every_distinct_quantity_of_the_pile_is_a_claim_of_its_kind(pile, what, written):
    _, table = pile
    kind = KIND_OF[what]
    found = [c for c in table.claims if c.kind == kind and _written(c.figure, written)]
    assert found, (what, written, [(c.figure, c.kind) for c in table.claims])


def test_the_two_sides_of_each_quantity_stand_in_one_group(pile):
    # The fund, the share destroyed, the employees: each disagreement is one group, so
    # the figures stand side by side (durations are worded with different verbs, and
    # are grouped by them: not asserted here).
    _, table = pile
    for what in ("fund", "destroyed", "employees"):
        groups = {
            name
            for name, members in table.groups
            for i in members
            for ws in TRUTH[what].values()
            for w in ws
            if _written(table.claims[i].figure, w)
        }
        assert len(groups) == 1, (what, groups)


def test_a_figure_keeps_its_currency_sign_and_its_unit(pile):
    _, table = pile
    money = {c.figure for c in table.claims if c.kind == "money"}
    for ws in TRUTH["fund"].values():
        assert set(ws) <= {m.lower() for m in money} | money
    assert all(c.unit == "£" for c in table.claims if c.kind == "money")
    assert all(c.unit == "%" for c in table.claims if c.kind == "percent")
    assert all(c.unit == "hours" for c in table.claims if c.kind == "duration")


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_no_identifier_is_a_claim(pile, identifier):
    _, table = pile
    # No claim's figure is the identifier or a piece of it ("0800", "555", "0192").
    pieces = set(re.findall(r"\d+", identifier))
    for c in table.claims:
        digits = set(re.findall(r"\d+", c.figure))
        assert not digits & pieces, (identifier, c.figure, c.citations[0].quote)


def test_the_number_word_and_the_digits_from_one_source_are_one_row(pile):
    _, table = pile
    # The union gives its toll as a word in one outlet and as digits in another.
    word, digits = TRUTH["deaths"]["union"]
    value = parse_number(digits)
    assert parse_number(word) == value
    rows = [c for c in table.claims if c.low == value and c.who and "union" in c.who.lower()]
    assert len(rows) == 1
    assert len({cit.source for cit in rows[0].citations}) > 1


def test_a_number_that_counts_the_relatives_of_some_of_the_dead_is_no_toll(pile):
    _, table = pile
    tolls = {c.low for name, members in table.groups if name == "killed" for c in
             (table.claims[i] for i in members)}  # fmt: skip
    expected = {parse_number(ws[0]) for ws in TRUTH["deaths"].values()}
    assert tolls == expected


def test_the_share_of_a_building_is_not_a_count_of_the_injured(pile):
    _, table = pile
    wounded = [table.claims[i] for name, members in table.groups if name == "wounded"
               for i in members]  # fmt: skip
    expected = {parse_number(ws[0]) for ws in TRUTH["injured"].values()}
    assert {c.low for c in wounded} == expected


# --- invented sentences ------------------------------------------------------------------


def _table(tmp_path: Path, text: str) -> ClaimTable:
    return build_claim_table(_chunks(tmp_path, {"a.txt": f"Report\n\n{text}\n"}))


def test_identifiers_in_invented_sentences_are_no_claims(tmp_path):
    # Each identifier stands beside a casualty word, where a count would be read.
    text = (
        "Relatives of the injured can ring 0161 496 0712 or quote case 31-88120 when killed "
        "workers are named. "
        "Bramwell's 3-1 derby win left fans hurt. "
        "The ferry left at 7 a.m. with injured crew, and the pier was built in 1904. "
        "Four passengers were hurt, the harbour master said."
    )
    table = _table(tmp_path, text)
    assert [(c.figure, c.what) for c in table.claims] == [("Four", "wounded")]


def test_identifier_spans_cover_phone_numbers_codes_and_scores():
    text = "Ring 0161 496 0712, quote 31-88120; they won 3-1 and 2-2; 10-15 were hurt."
    blanked = mask_non_figures(text)
    for ident in ("0161 496 0712", "31-88120", "3-1", "2-2"):
        at = text.index(ident)
        assert not blanked[at : at + len(ident)].strip(), ident
    assert "10-15" in blanked  # a range stays a figure


def test_a_range_is_still_a_range(tmp_path):
    table = _table(tmp_path, "Between 10-15 climbers were hurt, rescuers said.")
    assert [(c.low, c.high) for c in table.claims] == [(10, 15)]


def test_money_shares_durations_and_counts_are_claims_of_their_kind(tmp_path):
    text = (
        "The Corvell trust raised $12,500 for the shelter, its treasurer said. "
        "Turnout in the ward was 64 percent. "
        "The ferry strike lasted three days. "
        "The mill employs 240 weavers. "
        "The council set a budget of 8 million crowns."
    )
    table = _table(tmp_path, text)
    kinds = {(c.figure, c.kind, c.unit) for c in table.claims}
    assert ("$12,500", "money", "$") in kinds
    assert ("64 percent", "percent", "%") in kinds
    assert ("three days", "duration", "days") in kinds
    assert ("240", "count", None) in kinds
    assert ("8 million crowns", "money", "crowns") in kinds
    budget = next(c for c in table.claims if c.unit == "crowns")
    assert budget.low == 8_000_000
    weavers = next(c for c in table.claims if c.figure == "240")
    assert weavers.what == "weavers"


@pytest.mark.parametrize(
    ("sentence", "family"),
    [
        ("The kiln runs at about 1,200 degrees Celsius.", "temperature"),
        ("It was 31° in the shade at noon.", "temperature"),
        ("She holds 3 degrees in law.", None),  # no unit of heat
    ],
)
def test_a_temperature_is_its_own_kind_never_a_count(sentence, family):
    assert [f.family for f in figures(sentence)] == [family]


def test_a_temperature_is_neither_confirmed_nor_refuted_by_a_plain_number(tmp_path):
    from tests.invented import ingested

    fc = ingested(
        tmp_path,
        {"kiln.txt": "Kiln works\n\nBetween 900 and 950 potters worked at the Arlow kiln "
         "works, the guild said.\n"},
    )  # fmt: skip
    result = fc.check("The Arlow kiln works fire at about 1,200 degrees Celsius.", "extractive")
    assert result.verdict != "refuted", result.explanation


def test_a_point_in_time_is_no_duration(tmp_path):
    table = _table(tmp_path, "Two days later the ferry sailed again.")
    assert table.claims == []


def test_number_words_and_digits_from_one_source_are_one_row_in_invented_text(tmp_path):
    table = build_claim_table(
        _chunks(
            tmp_path,
            {
                "a.txt": "A\n\nTwelve miners died in the collapse, the Pit Union said.\n",
                "b.txt": "B\n\nThe Pit Union said 12 miners died in the collapse.\n",
            },
        )
    )
    (row,) = table.claims
    assert row.low == 12 and {c.source for c in row.citations} == {"a.txt", "b.txt"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Friends of three of the miners killed spoke to reporters on Friday.",
        "Cousins of four of the passengers who died waited at the gate.",
    ],
)
def test_a_part_of_the_dead_is_no_toll(tmp_path, sentence):
    text = f"{sentence} Nine miners were killed, the mine owner said."
    table = _table(tmp_path, text)
    assert [(c.low, c.what) for c in table.claims] == [(9, "killed")]


def test_a_count_describing_another_noun_is_no_claim_but_a_size_is(tmp_path):
    table = _table(
        tmp_path,
        "The widows of 14 sailors met the minister. "
        "The storm caused the deaths of 17 sailors. "
        "A total of 30 fishermen were rescued.",
    )
    lows = {c.low for c in table.claims}
    assert 14 not in lows
    assert {17, 30} <= lows


def test_counted_names_the_noun_and_the_event():
    text = "The trust raised £9,000 and the mill employs 240 weavers."
    parsed = parse_many([text])[0]
    money = text.index("£9,000")
    found = counted(parsed, money, money + len("£9,000"))
    assert (found.event, found.owner) == ("raised", "trust")
    weavers = text.index("240")
    assert counted(parsed, weavers, weavers + 3).noun == "weavers"


@pytest.mark.parametrize(
    ("sentence", "number", "other"),
    [
        ("Friends of three of the miners killed spoke.", "three", True),
        ("The widows of 14 sailors met the minister.", "14", True),
        ("The storm caused the deaths of 17 sailors.", "17", False),
        ("A total of 30 fishermen were rescued.", "30", False),
        ("A convoy of 40 lorries was hit near the bridge.", "40", False),
        ("One of the 12 climbers killed was a guide.", "12", False),
        ("The union puts the toll at 11.", "11", False),
        ("About a third of the crop was lost.", "third", False),
        # "of whom" after the whole describes it; after the part's clause, it is the part
        ("The town has 4,200 people, of whom 1,900 are men.", "4,200", False),
        ("The town has a population of 4,200 of whom 1,900 are men.", "4,200", False),
        ("The town has 4,200 people, of whom 1,900 are men.", "1,900", True),
        ("It has 4,200 people, of whom 1,900 are men and 2,300 are women.", "2,300", True),
        ("Forty people were on board, two of whom died.", "two", True),
    ],
)
def test_counts_other(sentence, number, other):
    at = sentence.index(number)
    parsed = parse_many([sentence])[0]
    assert counts_other(sentence, at, at + len(number), parsed) is other


def test_a_rival_toll_is_not_taken_from_a_number_counting_a_part_of_the_dead():
    # An "ask" of the toll: "two" counts the friends' dead, not the dead.
    qa = analyse("How many climbers were killed?")
    short = find_short_answers(
        qa,
        [
            _cand("p1", "Seven climbers were killed in the avalanche, rescuers said."),
            _cand("p2", "Friends of two of the climbers killed laid flowers at the hut."),
        ],
        0.5,
    )
    texts = {g.text.lower() for g in short.groups}
    assert "two" not in texts
    assert not short.disagreement


def test_the_percentage_is_its_own_family_when_checking():
    # "About 60 per cent" of a building is not a count of the people hurt beside it.
    (share, hurt) = figures("About 60 per cent of the hall burned, and 31 people were hurt.")
    assert share.family == "percent" and hurt.family == "casualty"


# --- the contract: claims --json, --csv, summary --json, the web page ------------------


def test_claims_json_carries_kind_unit_and_what_is_counted(pile):
    fc, _ = pile
    store = str(fc.settings.store)
    data = json.loads(runner.invoke(app, ["claims", "--json", "--store", store]).stdout)
    kinds = {row["kind"] for row in data["claims"]}
    assert {"count", "money", "percent", "duration"} <= kinds
    for row in data["claims"]:
        assert {"figure", "what", "who", "via", "citations", "kind", "unit", "counts"} <= set(row)
        assert (row["unit"] is None) == (row["kind"] == "count")
    for group in data["groups"]:
        assert {data["claims"][i]["kind"] for i in group["claims"]} == {group["kind"]}
    result = runner.invoke(app, ["claims", "--csv", "--store", store])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"kind", "unit", "counts"} <= set(rows[0])


def test_the_summary_names_each_quantity_and_never_an_identifier(pile):
    fc, _ = pile
    data = json.loads(
        runner.invoke(app, ["summary", "--json", "--store", str(fc.settings.store)]).stdout
    )
    # Outside the quoted statements (a quote may hold anything it holds): the figures.
    text = " ".join(s["text"] for s in data["sentences"] if "“" not in s["text"])
    for ident in IDENTIFIERS:
        if not re.fullmatch(r"\[\d+\]", ident):  # a footnote marker looks like a citation's
            assert ident not in text
    disagreements = [s["text"] for s in data["sentences"] if "disagree" in s["text"]]
    # One per quantity the sources part on; none about casualties unless it is one.
    assert not any("casualties" in s for s in disagreements)
    for what in ("fund", "destroyed"):
        for ws in TRUTH[what].values():
            assert any(ws[0].lower() in s.lower() for s in disagreements), (what, disagreements)


def test_a_summary_of_many_quantities_stays_within_its_bound(tmp_path):
    nouns = ["looms", "barges", "kilns", "carts", "wells", "mills", "ovens", "sheds",
             "docks", "piers", "vats", "cranes", "forges", "silos", "hives", "pumps",
             "gates", "yards"]  # fmt: skip
    text = " ".join(f"The town has {n + 3} {noun}." for n, noun in enumerate(nouns))
    chunks = _chunks(tmp_path, {"a.txt": f"Town survey\n\n{text}\n"})
    summary = summarize(chunks)
    from assistant.reasoning.summary import MAX_SENTENCES

    assert len(summary.sentences) <= MAX_SENTENCES
    assert "more quantities" in summary.sentences[-1].text or any(
        "more quantities" in s.text for s in summary.sentences
    )


def test_the_web_claims_view_shows_each_kind(pile):
    _, table = pile
    charts = claims_chart(table, lambda claim: None)
    assert [what for what, _ in charts] == [what for what, _ in table.groups]
    from assistant.web.render import environment

    html = (
        environment()
        .get_template("_claims.html")
        .module.claim_groups(table, charts, lambda cid: None)  # type: ignore[attr-defined]
    )
    for kind in ("money", "percent", "duration"):
        assert f'data-kind="{kind}"' in str(html)


def test_a_count_describing_the_speakers_is_no_rival_toll():
    # The seed case's shape: the number says whose colleagues spoke, not how many died.
    qa = analyse("How many climbers were killed?")
    short = find_short_answers(
        qa,
        [
            _cand("p1", "Seven climbers were killed in the avalanche, rescuers said."),
            _cand("p2", "Colleagues of two climbers confirmed to reporters that they were killed."),
        ],
        0.5,
    )
    assert "two" not in {g.text.lower() for g in short.groups}
