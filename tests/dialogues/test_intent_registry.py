"""The intent registry (nlu/intents.yml) agrees with the actions, the templates and the data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialogues import engine, policy, understand
from dialogues.actions import smalltalk
from dialogues.texts import Texts
from dialogues.understand import COMMANDS, KNOWN_INTENTS
from nlu import intents
from nlu.dataset import load_language
from nlu.model import DATA_DIR

REGISTRY = intents.registry()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_intent_has_an_action_or_a_rule(name):
    intent = REGISTRY[name]
    if intent.action is None:
        assert name in policy.RULES, f"{name}: no action in nlu/intents.yml and no policy rule"
    else:
        assert callable(policy.HANDLERS[name]), f"{name}: {intent.action} is not a function"


def test_policy_rules_name_registered_intents():
    assert set(REGISTRY) >= policy.RULES


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_training_data_names_exactly_the_nlu_intents(lang):
    data = load_language(DATA_DIR / lang, lang)
    assert set(data.intents) == intents.nlu_intents()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_clarifiable_intent_has_a_button_title(lang):
    texts = Texts()
    missing = [n for n in smalltalk.CLARIFIABLE if f"intent.{n}" not in texts.keys(lang)]
    assert missing == []


def test_commands_and_payloads_name_registered_intents():
    assert set(COMMANDS.values()) <= set(REGISTRY)
    assert set(REGISTRY) >= KNOWN_INTENTS
    assert not any(name.startswith("_") for name in KNOWN_INTENTS)  # odd input is never a payload


def test_the_loader_rejects_unknown_fields_and_missing_descriptions(tmp_path):
    bad = tmp_path / "intents.yml"
    bad.write_text("intents:\n  greet:\n    description: hi\n    acton: smalltalk.greet\n")
    with pytest.raises(ValueError, match="acton"):
        intents.load(bad)
    bad.write_text("intents:\n  greet:\n    action: smalltalk.greet\n")
    with pytest.raises(ValueError, match="description"):
        intents.load(bad)


def test_the_odd_input_intents_understand_produces_are_exactly_the_registered_ones():
    # understand.py makes them from text; the engine, from what is not text (a picture alone)
    source = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (understand, engine))
    produced = set(re.findall(r'"(_[a-z_]+)"', source))
    registered = {name for name in REGISTRY if name.startswith("_")}
    assert produced == registered
