"""A generated plain-text pile about one invented event (issue 22, "every quantity, every side").

    python -m tests.sides OUTDIR     # writes the five articles as .txt files

Everything here is invented: the town of Aldermoor, the Tessaly Foods packing plant, the
outlets, the people and every figure. A fire breaks out at the plant early on Tuesday 3
November 2026. Five outlets report it, as plain text with a front-matter header
(outlet, published; see assistant/index/formats/text.py) so that file formats play no
part. The sources disagree:

===================  ==========================================================
what                 who says what
===================  ==========================================================
deaths               police 6; Mayor Ruth Okafor 8; the union 11 (once "eleven")
injured              Aldermoor General Hospital 23; the fire service 31
start time           "about 2:40 a.m." (four files); "shortly after 3 a.m." (one)
cause                the fire service: an electrical fault in a conveyor motor;
                     a union official: a gas heater that set packaging alight
appeal fund          £42,000 (Courier); more than £50,000 (Ledger)
employees            380 (company); about 400 (union)
share destroyed      about 60 per cent (fire service); 70% (Radio Fenby)
time to control      five hours (fire service, Herald); six hours (Ledger)
===================  ==========================================================

Each file also holds the shapes that must *not* become claims or rivals: a helpline
number in three groups of digits, a postcode, an incident reference, a football score,
a footnote marker, the year the plant opened, the date of a social-media post about the
fire (not the date of the fire), and a number that counts relatives, not the dead
("relatives of two of the workers killed"). Attribution comes trailing ("..., police
said."), inverted ("said Mayor Ruth Okafor"), through "according to", and with and
without a title ("Mayor Ruth Okafor", "Ruth Okafor, the mayor,", "Okafor"). The union
makes an allegation ("accused the company of ignoring warnings") that a check must not
set against itself.

:data:`TRUTH` holds the table above for tests to read, so that no test writes a figure
of its own.
"""

# ruff: noqa: E501  (each paragraph is one line, as the files hold it)
from __future__ import annotations

import sys
from pathlib import Path

# what -> {speaker: figures as written in the files}
TRUTH: dict[str, dict[str, tuple[str, ...]]] = {
    "deaths": {"police": ("6", "six"), "Ruth Okafor": ("8", "eight"), "union": ("11", "eleven")},
    "injured": {"hospital": ("23",), "fire service": ("31",)},
    "start": {"most": ("about 2:40 a.m.",), "Ledger": ("shortly after 3 a.m.",)},
    "cause": {"fire service": ("electrical fault",), "union": ("gas heater",)},
    "fund": {"Courier": ("£42,000",), "Ledger": ("more than £50,000",)},
    "employees": {"company": ("380",), "union": ("about 400",)},
    "destroyed": {"fire service": ("about 60 per cent",), "Radio Fenby": ("70%",)},
    "control": {"fire service": ("five hours",), "Ledger": ("six hours",)},
}

# Strings that are identifiers, not quantities: no claim may be made of them.
IDENTIFIERS = ("0800 555 0192", "AM4 7QX", "26-4471", "4-1", "1987", "[2]")

ARTICLES: dict[str, str] = {
    "courier.txt": """\
---
outlet: The Aldermoor Courier
published: 2026-11-03
---

Six dead in fire at Tessaly Foods plant

Six people died in a fire at the Tessaly Foods packing plant in Aldermoor, police said.

The fire broke out at about 2:40 a.m. on Tuesday in the packing hall, and firefighters took five hours to bring it under control, the fire service said.

Aldermoor General Hospital said it had treated 23 people injured in the fire.

"This is the darkest day our town has known," said Mayor Ruth Okafor.

The company, which says it employs 380 people at the site, said it was cooperating fully with investigators. The plant on Mill Lane, Aldermoor AM4 7QX, opened in 1987.

An appeal fund for the families has raised £42,000, its organisers said.

Families can call the helpline on 0800 555 0192. Police gave the incident reference 26-4471.
""",
    "herald.txt": """\
---
outlet: Northvale Herald
published: 2026-11-03
---

Mayor says eight died in Aldermoor factory blaze

Eight people lost their lives in the blaze, said Mayor Ruth Okafor, who visited the site on Tuesday morning.

Police have confirmed six deaths and say the number may rise.

According to the fire service, 31 people were hurt, several of them seriously. The fire started at about 2:40 a.m. and crews needed five hours to bring it under control.

The fire was caused by an electrical fault in a conveyor motor, the fire service said.

Relatives of two of the workers killed gathered outside the gates on Tuesday afternoon.

Aldermoor Town, who beat Fenby 4-1 on Saturday, will wear black armbands at their next match.
""",
    "ledger.txt": """\
---
outlet: The Daily Ledger
published: 2026-11-04
---

Union says eleven killed in Tessaly fire

Eleven workers were killed in the fire at the Tessaly Foods plant, according to the Food Workers Union, which says several agency staff were not on the official list.

The union accused the company of ignoring repeated warnings about faulty wiring.

Union official Dan Mercer said a gas heater set stacked packaging alight. The blaze began shortly after 3 a.m., he said, and burned for six hours before it was under control.

The union says about 400 people work at the plant.

Ruth Okafor, the mayor, said eight people had died and called for a public inquiry.

An appeal fund for the victims' families has now raised more than £50,000.
""",
    "radio.txt": """\
---
outlet: Radio Fenby
published: 2026-11-04
---

Fire destroys most of Aldermoor food plant

About 70% of the Tessaly Foods plant was destroyed in Tuesday's fire, which started at about 2:40 a.m.

The union puts the death toll at 11, while police say six people died. Okafor has said eight people lost their lives.

In a post on social media on 5 November, the company said it would pay all staff in full while the site is closed.

Aldermoor General Hospital said 23 people were treated for injuries.
""",
    "wire.txt": """\
---
outlet: Pressline
published: 2026-11-05
---

Aldermoor fire: what we know

Police said on Wednesday that six people had died in the fire at the Tessaly Foods plant in Aldermoor.[2]

The fire began at about 2:40 a.m. on Tuesday. About 60 per cent of the building was destroyed, according to the fire service, which said 31 people had been hurt.

Investigators are examining an electrical fault in a conveyor motor as the likely cause, the fire service said.

Mayor Ruth Okafor said eight people had died.
""",
}


def write(folder: Path) -> Path:
    """Write the five articles into ``folder`` (created when missing) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


if __name__ == "__main__":  # pragma: no cover - a developer's convenience
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.sides OUTDIR")
    print(write(Path(sys.argv[1])))
