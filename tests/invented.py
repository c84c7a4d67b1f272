"""Invented news articles for behavioural tests of ask, check and search.

Every place, person, company and figure here is made up, so a test over them checks how
the product behaves on text it was never tuned on, not how it scores on the dev set.
The articles vary their attribution ("X said ...", "..., said X", "according to X",
"..., X reported", a quote then "said X"), and two of them report the same flood with
different injury figures.
"""

from __future__ import annotations

from pathlib import Path

from assistant.app import FactCheck
from tests.conftest import own_settings

ARTICLES: dict[str, str] = {
    "marrowdale-flood.txt": (
        "Flooding in Marrowdale\n\n"
        "Heavy rain pushed the Tessel River over its banks in Marrowdale on Sunday night. "
        "Regional fire chief Oona Brask said 40 people were hurt in the flood as water swept "
        "through the lower town. The council did not order an evacuation of the upper town.\n\n"
        "About 600 residents slept on camp beds in the Kestrel Road school gym, according "
        "to the town council. Volunteers brought blankets and hot soup until dawn.\n\n"
        "The new flood wall held along the east bank, said Mayor Pieter Vohl. Repairs to "
        "the west bank will start once the water has gone down.\n"
    ),
    "marrowdale-wire.txt": (
        "Hospital opens an extra ward\n\n"
        "Hospital director Rafael Quint said 52 people were hurt in the flood. Most had "
        "cuts or had swallowed dirty water, and St Ansel's hospital opened an extra ward "
        "for them on Monday.\n"
    ),
    "quillfeather.txt": (
        "Quillfeather Robotics picks Sarnia Falls\n\n"
        "Quillfeather Robotics will open its second factory in Sarnia Falls next spring, "
        "chief executive Dalia Morrow told reporters on Thursday. The plant will employ "
        "350 workers and assemble warehouse robots. The company was founded in 2009 by "
        'the engineers Ivo Berg and Maren Soll. "We picked the town for its rail links," '
        "said Morrow.\n"
    ),
    "vantorp-election.txt": (
        "Greta Holm elected mayor of Vantorp\n\n"
        "Greta Holm of the Green Alliance won the Vantorp mayoral election on 12 March "
        "with 18,204 votes, according to the city election office. Her rival, Tomas "
        "Eberly, conceded shortly before midnight. Turnout was 58 percent. Eberly's "
        "campaign said it would not ask for a recount. Holm promised to reopen the old "
        "tram line within four years.\n"
    ),
    "lighthouse.txt": (
        "Lighthouse museum reopens in Port Ellery\n\n"
        "The lighthouse museum in Port Ellery reopened on Saturday after a two-year "
        "restoration. Curator Hanne Lisko said the lamp room now holds a collection of "
        "ship logs from the 1880s. Tickets cost 8 euros for adults.\n"
    ),
    "regatta.txt": (
        "Brenwick crew wins at Aldmere\n\n"
        "The Brenwick Rowing Club won the Aldmere regatta for the third year running. "
        "Coach Sami Okafor credited a winter of early-morning training. The crew finished "
        "the two-kilometre course in six minutes and four seconds.\n"
    ),
    "orchard.txt": (
        "Late frost hits Hallby orchards\n\n"
        "A late frost in April destroyed about a third of the apple blossom in Hallby, "
        "the growers' cooperative reported. Farmer Edda Lind said her family had lit "
        "straw fires between the rows to keep the trees warm. Cider makers expect "
        "higher prices in the autumn.\n"
    ),
    "rail-strike.txt": (
        "Train drivers strike in Kesmark\n\n"
        "Train drivers in Kesmark walked out for 48 hours on Wednesday over a dispute "
        "about night shifts, union leader Bram Tellis said. Buses replaced some "
        "commuter services, and the regional rail company apologised to passengers.\n"
    ),
    "dunmere-budget.txt": (
        "Dunmere council approves budget\n\n"
        "The Dunmere council approved a budget of 41 million crowns on Tuesday, treasurer "
        "Lotte Maris said. Spending on schools rises by 6 percent, while road repairs get "
        "less money than last year. Two councillors voted against.\n"
    ),
    "ostwick-library.txt": (
        "Late opening at the Ostwick library\n\n"
        "The Ostwick public library will stay open until 10 pm on weekdays from May, "
        "librarian Joss Amberley announced. The late hours are a trial that runs for six "
        "months, and the reading room will get new lamps.\n"
    ),
}


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    """Write ``articles`` (file name to text) into a new ``folder``; returns it."""
    folder.mkdir(parents=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def ingested(base: Path, articles: dict[str, str]) -> FactCheck:
    """``articles`` written under ``base`` and ingested with the packaged model.

    The model is loaded once a process, so a few short articles ingest in well under a
    second after the first store.
    """
    folder = write_articles(base / "articles", articles)
    fc = FactCheck(own_settings(base).model_copy(update={"corpus": folder}))
    fc.ingest([folder])
    return fc


def assert_cited_verbatim(result, folder: Path) -> None:
    """Each citation's quote stands in its file at its offsets and line, and is referred to.

    ``result`` is an answer (its text in ``answer``) or a check (in ``explanation``).
    """
    text_of = result.answer if hasattr(result, "answer") else result.explanation
    for c in result.citations:
        text = (folder / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote, (c.source, c.start, c.end)
        assert text.count("\n", 0, c.start) + 1 == c.line
        assert f"[{c.id}]" in text_of
