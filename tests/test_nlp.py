"""Named entities from the packaged spaCy model: offsets, merging, and the checksum."""

from __future__ import annotations

import threading

import pytest

import assistant.reasoning.nlp as nlp
from assistant.errors import ModelIntegrityError
from assistant.reasoning.nlp import entities, entities_many

TEXTS = [
    "Ann Lee beat Bo Chan in Paris on March 3, 2019, to win $2.5 million.",
    "The game was played in Dayton, Ohio, on June 12, 2015, before 25,000 fans.",
    "  Leading spaces: Acme Corp hired Maria Gomez\u2019s firm in Berlin.\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_entity_offsets_point_into_the_text(text):
    ents = entities(text)
    assert ents
    for e in ents:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text


def test_entities_many_matches_entities_one_by_one():
    many = entities_many(TEXTS)
    assert len(many) == len(TEXTS)
    for text, ents in zip(TEXTS, many, strict=True):
        assert ents == entities(text)
    assert entities_many([]) == []


def test_labels_for_people_dates_and_money():
    found = {(e.text, e.label) for e in entities(TEXTS[0])}
    assert ("Ann Lee", "PERSON") in found
    assert any(label == "DATE" and "2019" in text for text, label in found)
    assert any(label == "MONEY" and "2.5" in text for text, label in found)


def test_city_and_state_are_merged_into_one_place():
    text = TEXTS[1]
    places = [e for e in entities(text) if e.label in {"GPE", "LOC"}]
    assert [e.text for e in places] == ["Dayton, Ohio"]
    e = places[0]
    assert text[e.start : e.end] == "Dayton, Ohio"


def test_merge_joins_a_split_name_but_not_a_date_and_a_name():
    text = "Mirela Osei won. On 2019 Lindqvist lost."
    split = [
        nlp.Entity(0, 6, "Mirela", "PERSON"),
        nlp.Entity(7, 11, "Osei", "GPE", subject=True),
    ]
    merged = nlp._merge(text, split)
    assert merged == [nlp.Entity(0, 11, "Mirela Osei", "PERSON", True)]
    date_then_name = [nlp.Entity(20, 24, "2019", "DATE"), nlp.Entity(25, 34, "Lindqvist", "PERSON")]
    assert nlp._merge(text, date_then_name) == date_then_name


def test_the_subject_is_marked():
    ents = {e.text: e for e in entities("Ann Lee beat Bo Chan in the final.")}
    assert ents["Ann Lee"].subject
    assert not ents["Bo Chan"].subject


@pytest.fixture
def fresh_model_state(monkeypatch):
    """Forget the loaded pipeline for this test; the original comes back afterwards."""
    for thread in threading.enumerate():  # an earlier test's ask may still be loading it
        if thread.name == "spacy-load":
            thread.join()
    monkeypatch.setattr(nlp, "_nlp", None)
    return monkeypatch


def test_a_model_that_does_not_match_its_checksum_is_refused(fresh_model_state):
    fresh_model_state.setattr(nlp, "_MODEL_SHA256", "0" * 64)
    with pytest.raises(ModelIntegrityError, match="checksum"):
        nlp.load()
    assert nlp._nlp is None  # nothing half-loaded is kept


def test_the_shipped_model_matches_its_checksum():
    assert nlp._digest(nlp._model_dir()) == nlp._MODEL_SHA256


def test_a_missing_model_package_is_one_clear_error(fresh_model_state):
    fresh_model_state.setattr(nlp, "MODEL_PACKAGE", "no_such_model_package_xyz")
    with pytest.raises(ModelIntegrityError, match="not installed"):
        nlp.load()


def test_loading_in_the_background_gives_the_pipeline_load_returns(fresh_model_state):
    thread = nlp.load_in_background()
    assert thread is not None
    thread.join(timeout=60)
    assert nlp._nlp is not None
    assert nlp.load() is nlp._nlp  # loaded once, by the thread
    assert nlp.load_in_background() is None  # nothing more to load


def test_a_failed_background_load_is_silent_and_the_callers_load_raises(fresh_model_state, capsys):
    fresh_model_state.setattr(nlp, "_MODEL_SHA256", "0" * 64)
    thread = nlp.load_in_background()
    assert thread is not None
    thread.join(timeout=60)
    assert capsys.readouterr().err == ""  # no thread traceback on the user's terminal
    with pytest.raises(ModelIntegrityError, match="checksum"):
        nlp.load()
