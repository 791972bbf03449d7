"""The safety intents: no false alarms on ordinary questions, and the issue's own words."""

from __future__ import annotations

import pytest
from nlukit import HELD_OUT, cases

from nlu.dataset import load_language
from nlu.evaluation import SAFETY_INTENTS, evaluate_language

ALARMS = ("scam_alert", "emergency")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_ordinary_held_out_question_is_taken_for_a_scam_or_an_emergency(parse, lang):
    data = load_language(HELD_OUT / lang, lang)
    false_alarms = [
        (ex.intent, parse(ex.text)["intent"]["name"], ex.text)
        for ex in data.examples
        if ex.intent not in ALARMS
    ]
    false_alarms = [f for f in false_alarms if f[1] in ALARMS]
    assert false_alarms == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_safety_intents_are_found_and_reported(parser, lang):
    result = evaluate_language(parser, lang, HELD_OUT)
    safety = result.safety()
    assert set(safety) == set(SAFETY_INTENTS)
    for name in ALARMS:
        assert safety[name]["precision"] == 1.0, (name, safety[name])
    for name, scores in safety.items():
        assert scores["recall"] >= 0.85, (name, scores)


@pytest.mark.parametrize("text,intent", cases("issue_words"))
def test_the_issues_words(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent
