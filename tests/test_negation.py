"""Negation and denial are part of what a sentence says (issue 21, rows A2, L1, L2).

A figure that a sentence denies ("denied that 99 people were killed", "it was false
that 88 ...", "77 miners were not hurt", "rejected reports that 66 ...", "none of the 50
passengers were hurt") is not that sentence's support for the figure: ``check`` of the
plain claim does not say supported (it says refuted, citing the denial), ``ask`` does not
answer with it, and ``claims`` does not list it as anyone's claim of that count. A denial
in the sense of refusing ("were denied treatment") and a negation of something else in
the sentence ("the mayor, who did not attend, said ...") change nothing. In LLM mode a
quote must not leave out the words that deny it (L1) and must start and end on word
boundaries (L2). Every article here is invented, each alone in its own store.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assistant.llm.model as model_module
from assistant.app import FactCheck
from assistant.index.chunking import split_sentences
from assistant.reasoning.nlp import parse_many
from assistant.reasoning.verify import inside_word
from tests.conftest import HashEmbeddings, own_settings
from tests.invented import assert_cited_verbatim, ingested, write_articles
from tests.llm_support import Scripted, completion, passage_with, passages_in

# (sentence, figure, the rest of the plain claim, what the question counts)
DENIED = [
    pytest.param(
        "The regional health office denied that 99 people were killed in the strike on "
        "Harlow Bridge.",
        "99", "people were killed in the strike on Harlow Bridge",
        id="denied-that",
    ),
    pytest.param(
        "The port authority said it was false that 88 people were killed in the fire at "
        "Kettle Quay.",
        "88", "people were killed in the fire at Kettle Quay",
        id="false-that",
    ),
    pytest.param(
        "Rescuers said 77 miners were not hurt in the collapse of the Orlen shaft.",
        "77", "miners were hurt in the collapse of the Orlen shaft",
        id="not",
    ),
    pytest.param(
        "The defence ministry rejected reports that 66 soldiers were killed in the shelling "
        "of Dovrin.",
        "66", "soldiers were killed in the shelling of Dovrin",
        id="rejected-reports",
    ),
    pytest.param(
        "None of the 50 passengers were hurt when the ferry ran aground at Sella Point, "
        "the coastguard said.",
        "50", "passengers were hurt when the ferry ran aground at Sella Point",
        id="none-of",
    ),
]  # fmt: skip

# Sentences with a denial or a negation that does not govern the figure.
SAID = [
    pytest.param(
        "The union said 40 injured workers were denied treatment at the Ambry clinic.",
        "40", "injured workers were denied treatment at the Ambry clinic",
        id="denied-treatment",
    ),
    pytest.param(
        "The mayor, who did not attend the briefing, said 30 people were hurt in the "
        "Pellam fire.",
        "30", "people were hurt in the Pellam fire",
        id="negated-relative-clause",
    ),
    pytest.param(
        "Officials would not say how many people died, but rescuers said 14 people were "
        "killed in the Brisk Hill landslide.",
        "14", "people were killed in the Brisk Hill landslide",
        id="other-conjunct",
    ),
]  # fmt: skip

_stores: dict[str, FactCheck] = {}


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory):
    """A store holding one article whose body is ``sentence`` (one store per sentence)."""

    def make(sentence: str) -> FactCheck:
        if sentence not in _stores:
            base = tmp_path_factory.mktemp("alone")
            _stores[sentence] = ingested(base, {"report.txt": f"News in brief\n\n{sentence}\n"})
        return _stores[sentence]

    return make


def _question(rest: str) -> str:
    return f"How many {rest}?"


def _gives(text: str, figure: str) -> bool:
    return re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d,.]\d)", text) is not None


@pytest.mark.parametrize(("sentence", "figure", "rest"), DENIED)
def test_check_of_a_denied_figure_is_refuted_citing_the_denial(alone, sentence, figure, rest):
    fc = alone(sentence)
    result = fc.check(f"{figure} {rest}.", "extractive")
    assert result.verdict == "refuted", result.explanation
    assert [c.quote for c in result.citations] == [sentence]
    assert_cited_verbatim(result, fc.settings.corpus)


@pytest.mark.parametrize(("sentence", "figure", "rest"), DENIED)
def test_a_claim_that_repeats_the_denial_is_supported(alone, sentence, figure, rest):
    del figure, rest  # the sentence itself, as a claim, agrees with itself
    result = alone(sentence).check(sentence, "extractive")
    assert result.verdict == "supported", result.explanation


@pytest.mark.parametrize(("sentence", "figure", "rest"), DENIED)
def test_ask_does_not_answer_with_a_denied_figure(alone, sentence, figure, rest):
    answer = alone(sentence).ask(_question(rest), "extractive")
    assert not any(_gives(a.text, figure) for a in answer.answers), answer.answer
    assert answer.abstained or not _gives(answer.answer.split("“")[0], figure), answer.answer


@pytest.mark.parametrize(("sentence", "figure", "rest"), DENIED)
def test_claims_does_not_list_a_denied_figure(alone, sentence, figure, rest):
    del rest
    table = alone(sentence).claims("extractive")
    assert not any(c.low == float(figure) for c in table.claims), table.to_json()


@pytest.mark.parametrize(("sentence", "figure", "rest"), SAID)
def test_a_denial_or_negation_of_something_else_changes_nothing(alone, sentence, figure, rest):
    fc = alone(sentence)
    result = fc.check(f"{figure} {rest}.", "extractive")
    assert result.verdict == "supported", result.explanation
    assert [c.quote for c in result.citations] == [sentence]
    answer = fc.ask(_question(rest), "extractive")
    assert answer.answers and _gives(answer.answers[0].text, figure), answer.answer
    table = fc.claims("extractive")
    assert any(c.low == float(figure) for c in table.claims), table.to_json()


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        # the negation is of "attend", which the claim does not speak of
        (
            "The mayor, who did not attend the ceremony, said the Pellam bridge reopened "
            "on Monday.",
            "The Pellam bridge reopened on Monday.",
        ),
        # "denied" as refused: no statement is denied
        (
            "Reporters were denied entry to the Tolvik stadium on Sunday.",
            "Reporters were refused entry to the Tolvik stadium on Sunday.",
        ),
    ],
)
def test_a_negation_that_does_not_govern_the_claim_does_not_refute_it(alone, sentence, claim):
    result = alone(sentence).check(claim, "extractive")
    assert result.verdict != "refuted", result.explanation


def test_a_denial_of_a_claim_without_a_figure_still_refutes_it(alone):
    sentence = "The Vessel Trust denied that the Pellam bridge reopened on Monday."
    result = alone(sentence).check("The Pellam bridge reopened on Monday.", "extractive")
    assert result.verdict == "refuted", result.explanation


@pytest.mark.parametrize(
    "claim",
    [
        "There is no proof that the Pellam bridge reopened on Monday.",
        "Nor did the Pellam bridge reopen on Monday.",
    ],
)
def test_a_claim_that_something_is_unsupported_is_refuted_by_a_source_saying_it(alone, claim):
    # "no evidence that X" says X is not so as far as anyone knows; a report of X
    # contradicts it, as a report of X contradicts "X did not happen".
    sentence = "Engineers confirmed that the Pellam bridge reopened on Monday."
    result = alone(sentence).check(claim, "extractive")
    assert result.verdict == "refuted", result.explanation
    assert [c.quote for c in result.citations] == [sentence]


def test_a_claim_that_a_figure_is_unconfirmed_is_refuted_by_a_source_giving_it(alone):
    sentence = "Rescuers said 12 people were hurt at the Pellam bridge on Monday."
    claim = "Officials would not confirm that 12 people were hurt at the Pellam bridge."
    result = alone(sentence).check(claim, "extractive")
    assert result.verdict == "refuted", result.explanation


def test_a_source_that_finds_no_evidence_neither_supports_nor_refutes(alone):
    sentence = "Nothing shows that the Pellam bridge reopened on Monday."
    result = alone(sentence).check("The Pellam bridge reopened on Monday.", "extractive")
    assert result.verdict == "not_enough_info", result.explanation


# -- the rule itself, on parses ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "figure", "stance"),
    [
        ("The office denied that 99 people were killed.", "99", "denied"),
        ("Reports that 55 people died are untrue, the mayor said.", "55", "denied"),
        ("Reports that 45 people were killed were denied by the ministry.", "45", "denied"),
        ("The army disputed the figure of 45 deaths given by the mayor.", "45", "denied"),
        ("The office falsely claimed that 60 people were killed.", "60", "denied"),
        ("It is not true that 99 people were killed.", "99", "denied"),
        ("No one among the 300 residents was killed.", "300", "denied"),
        ("The strike did not kill any of the 40 soldiers.", "40", "denied"),
        ("Police said 99, not 100, people were killed.", "100", "denied"),
        ("Police said 99, not 100, people were killed.", "99", "said"),
        ("Nor were 12 people hurt in the blast.", "12", "denied"),
        ("Neither of the 40 workers was hurt.", "40", "denied"),
        # two negations cancel
        ("The ministry did not deny that 45 people were killed.", "45", "said"),
        # a negated verb of saying neither says nor denies
        ("Police would not confirm reports that 99 people died.", "99", "withheld"),
        ("Police refused to confirm that 40 people died.", "40", "withheld"),
        # hedges and idioms are not negations
        ("No more than 20 people were killed.", "20", "said"),
        ("Police said not more than 30 were killed.", "30", "said"),
        ("It was not until 5 people died that the council acted.", "5", "said"),
        # denial verbs in another sense
        ("The 12 journalists were denied entry to the stadium.", "12", "said"),
        ("Acme dismissed 40 workers on Monday.", "40", "said"),
        ("The council dismissed claims that 40 workers were fired.", "40", "denied"),
        ("The dam failed, killing 40 people.", "40", "said"),
        # a negation elsewhere: another clause, another conjunct, a noun's "of" phrase
        ("The mayor, who did not attend, said 30 people were hurt.", "30", "said"),
        ("Acme said 40 workers were dismissed, and denied that 12 were hurt.", "40", "said"),
        ("Acme said 40 workers were dismissed, and denied that 12 were hurt.", "12", "denied"),
        ("Police did not release the names of the 12 people killed.", "12", "said"),
        ("The ministry said 20 people died, denying reports of 200 deaths.", "20", "said"),
        ("The ministry said 20 people died, denying reports of 200 deaths.", "200", "denied"),
    ],
)  # fmt: skip
def test_what_governs_a_figure_decides_whether_it_is_said(sentence, figure, stance):
    from assistant.reasoning.negation import span_stance

    at = re.search(rf"\b{figure}\b", sentence)
    assert at is not None
    assert span_stance(parse_many([sentence])[0], at.start(), at.end()) == stance


# -- LLM mode: authored model replies (scripted, see tests/llm_support.py) --------------

HARLOW = (
    "The regional health office denied that 99 people were killed in the strike on Harlow Bridge."
)
HARLOW_TAIL = "99 people were killed in the strike on Harlow Bridge"
TARN = "Rescuers said 12 people were killed in the Tarn Valley flood on Sunday."
HARLOW_Q = "How many people were killed in the strike on Harlow Bridge?"


@pytest.fixture
def scripted_fc(tmp_path: Path):
    """The Harlow denial and the Tarn flood, ingested, with an authored model server."""
    folder = write_articles(
        tmp_path / "articles",
        {
            "harlow.txt": f"Strike on Harlow Bridge\n\n{HARLOW}\n",
            "tarn.txt": f"Flood in the Tarn Valley\n\n{TARN}\n",
        },
    )

    def make(handler) -> FactCheck:
        server = Scripted(handler)
        cfg = own_settings(tmp_path).model_copy(
            update={
                "corpus": folder,
                "openai_base_url": "http://llm.test/v1",
                "llm_model": "authored-fixture",
                "llm_min_relevance": 0.0,
                "llm_min_quote_relevance": 0.0,
            }
        )
        chat = model_module.make_chat_model(cfg, http_client=server.client())
        fc = FactCheck(cfg, embeddings=HashEmbeddings(), chat_model=chat)
        fc.ingest([folder])
        return fc

    return make


def _answer_reply(needle: str, quote: str, answer: str):
    def handler(request, _n):
        p = passage_with(request, needle)
        return completion(
            {
                "citations": [{"passage": p, "quote": quote}],
                "answer": answer.replace("{p}", str(p)),
                "answerable": True,
            }
        )

    return handler


def _no_bare_figure(answer, figure: str) -> None:
    """No short answer, and no sentence of the answer, gives ``figure`` without its denial."""
    for a in answer.answers:
        assert not _gives(a.text, figure) or "denied" in a.text, answer.to_json()
    lead = answer.answer.split("“")[0]
    assert not _gives(lead, figure) or "denied" in lead, answer.answer


def test_llm_quote_cut_from_a_denial_is_cited_whole_and_is_not_the_answer(scripted_fc):
    # Authored: the model quotes the tail of the denial and answers with its figure.
    fc = scripted_fc(_answer_reply("Harlow", HARLOW_TAIL, "99 people were killed [{p}]."))
    answer = fc.ask(HARLOW_Q, "llm")
    assert answer.mode == "llm"
    assert [c.quote for c in answer.citations] == [HARLOW]  # the whole sentence, denial and all
    _no_bare_figure(answer, "99")
    assert_cited_verbatim(answer, fc.settings.corpus)


def test_llm_answer_that_turns_its_quoted_denial_round_is_dropped(scripted_fc):
    # Authored: the whole denial is quoted, and the answer says the opposite of it.
    fc = scripted_fc(_answer_reply("Harlow", HARLOW, "99 people were killed [{p}]."))
    answer = fc.ask(HARLOW_Q, "llm")
    assert [c.quote for c in answer.citations] == [HARLOW]
    _no_bare_figure(answer, "99")
    assert any("deny" in n for n in answer.notices), answer.notices


def test_llm_answer_that_keeps_the_denial_stands(scripted_fc):
    reply = "The regional health office denied that 99 people were killed [{p}]."
    fc = scripted_fc(_answer_reply("Harlow", HARLOW, reply))
    answer = fc.ask(HARLOW_Q, "llm")
    assert answer.answer.startswith("The regional health office denied that 99"), answer.answer
    assert not answer.notices


def test_llm_answer_with_a_negation_of_its_own_beside_the_figure_stands(scripted_fc):
    # The model's sentence negates something else; its figure is said as the quote says it.
    reply = "The rescuers did not give names, but said 12 people were killed [{p}]."
    fc = scripted_fc(_answer_reply("Tarn", TARN, reply))
    answer = fc.ask("How many people were killed in the Tarn Valley flood?", "llm")
    assert answer.answer.startswith("The rescuers did not give names"), answer.answer
    assert not answer.notices


def test_llm_quote_of_a_clause_nothing_negates_is_kept_as_quoted(scripted_fc):
    quote = "12 people were killed in the Tarn Valley flood"
    fc = scripted_fc(_answer_reply("Tarn", quote, "12 people were killed [{p}]."))
    answer = fc.ask("How many people were killed in the Tarn Valley flood?", "llm")
    assert [c.quote for c in answer.citations] == [quote]
    assert answer.answers and answer.answers[0].text == "12"


def test_llm_check_support_cut_from_a_denial_is_rejected(scripted_fc):
    def handler(request, _n):
        p = passage_with(request, "Harlow")
        return completion(
            {
                "evidence": [{"passage": p, "quote": HARLOW_TAIL, "stance": "supports"}],
                "verdict": "supported",
                "explanation": f"It says so [{p}].",
            }
        )

    fc = scripted_fc(handler)
    result = fc.check(f"{HARLOW_TAIL}.", "llm")
    assert result.mode == "llm" and result.verdict != "supported", result.explanation
    reasons = [r.reason for r in result.rejected]
    assert any("denies the figure (99)" in r for r in reasons), reasons


@pytest.mark.parametrize("quote", [HARLOW_TAIL, HARLOW])
def test_llm_claims_row_whose_quote_denies_its_figure_is_rejected(scripted_fc, quote):
    def handler(request, _n):
        rows = [
            {"figure": "99", "low": 99, "high": 99, "hedge": None, "what": "killed",
             "who": None, "via": None, "passage": n, "quote": quote}
            for n, text in passages_in(request).items()
            if "Harlow" in text
        ]  # fmt: skip
        return completion({"claims": rows})

    table = scripted_fc(handler).claims("llm")
    assert table.mode == "llm" and not table.claims, table.to_json()
    reasons = [r.reason for r in table.rejected]
    assert any("denies the figure '99'" in r for r in reasons), reasons


@pytest.mark.parametrize(
    ("quote", "where"),
    [
        ("illed in the Tarn Valley flood on Sunday.", "starts"),
        ("Rescuers said 12 people were kil", "ends"),
        ("escuers said 12 people were killed in the Tarn Valley flood", "starts"),
    ],
)
def test_llm_quote_that_starts_or_ends_inside_a_word_is_rejected(scripted_fc, quote, where):
    fc = scripted_fc(_answer_reply("Tarn", quote, "12 people were killed [{p}]."))
    answer = fc.ask("How many people were killed in the Tarn Valley flood?", "llm")
    assert not answer.citations and answer.abstained, answer.to_json()
    reasons = [r.reason for r in answer.rejected_citations]
    assert any(f"{where} inside a word" in r for r in reasons), reasons


@pytest.mark.parametrize(
    ("text", "piece", "inside"),
    [
        ("They don't know.", "don", (False, True)),  # the apostrophe joins "don" and "t"
        ("They don't know.", "'t know", (True, False)),
        ("a non-fatal fall", "fatal fall", (True, False)),  # leaving "non-" out flips it
        ("some 1,200 people", "200 people", (True, False)),
        ("about 3.5 million", "5 million", (True, False)),
        ("about 3.5 million", "about 3.", (False, True)),
        ("Police said so. Then", "Police said so.", (False, False)),
        ("«Сорок человек погибли», сказал он.", "Сорок человек", (False, False)),
        ("«Сорок человек погибли», сказал он.", "орок человек", (True, False)),
        ("Η Άννα είπε ότι 40 άτομα", "Άννα είπε", (False, False)),
        ("Η Άννα είπε ότι 40 άτομα", "ννα είπε", (True, False)),
        ("官员说没有人死亡。", "人死亡。", (True, False)),  # a cut inside unspaced text
        ("官员说没有人死亡。", "官员说没有人死亡。", (False, False)),
    ],
)
def test_a_cut_is_inside_a_word_when_word_characters_meet_across_it(text, piece, inside):
    start = text.index(piece)
    assert (inside_word(text, start), inside_word(text, start + len(piece))) == inside


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("Aa Zz.!?,;-'’\n 0193\u00e9Ωж好")), max_size=300))
def test_property_extractive_sentences_start_and_end_on_word_boundaries(text: str) -> None:
    # Every extractive quote is a sentence from the splitter.
    for s in split_sentences(text):
        assert not inside_word(text, s.start) and not inside_word(text, s.end)
