"""Schema checks of the Rasa training data and the held-out set (they run before any training)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from nlukit import DATA, HELD_OUT

from nlu import intents
from nlu.dataset import LEDGER_NAME, dedup_key, load_language, load_ledger
from nlu.model import build_extractor
from nlu.timeparse.offsets import parse_offset

# Every intent the NLU is trained on, from the registry (nlu/intents.yml).
CONTRACT_INTENTS = sorted(intents.nlu_intents())
ENTITIES = {
    "district",
    "street",
    "landmark",
    "topic",
    "app",
    "guide",
    "time",
    "kind",
    "audience",
    "mode",
    "offset",
}
MIN_EXAMPLES = {"zh": 40, "en": 20}
LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def training():
    return {lang: load_language(DATA / lang, lang) for lang in LANGS}


@pytest.fixture(scope="module")
def held_out():
    return {lang: load_language(HELD_OUT / lang, lang) for lang in LANGS}


@pytest.fixture(scope="module")
def extractor(gazetteer, training):
    return build_extractor(gazetteer, list(training.values()))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("which", ["training", "held_out"])
def test_files_load_without_errors(request, which, lang):
    data = request.getfixturevalue(which)[lang]
    assert data.files, f"no data files for {lang}"
    assert data.errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_contract_intent_has_enough_examples(training, lang):
    counts = defaultdict(int)
    for ex in training[lang].examples:
        counts[ex.intent] += 1
    short = {i: counts[i] for i in CONTRACT_INTENTS if counts[i] < MIN_EXAMPLES[lang]}
    assert short == {}, f"fewer than {MIN_EXAMPLES[lang]} {lang} examples"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("which", ["training", "held_out"])
def test_one_file_per_intent(request, which, lang):
    data = request.getfixturevalue(which)[lang]
    wrong = [ex.source for ex in data.examples if not ex.source.startswith(f"{ex.intent}.")]
    assert wrong == [], "an intent must live in <intent>.yml"
    assert set(data.intents) <= set(CONTRACT_INTENTS), "intents missing from nlu/intents.yml"


@pytest.mark.parametrize("lang", LANGS)
def test_training_data_and_registry_name_the_same_intents(training, lang):
    """Each intent the NLU predicts is registered (not internal), and each has training data."""
    assert set(training[lang].intents) == set(CONTRACT_INTENTS)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("which", ["training", "held_out"])
def test_annotations_are_known_and_canonical(request, gazetteer, extractor, which, lang):
    data = request.getfixturevalue(which)[lang]
    problems = []
    for ex in data.examples:
        for ann in ex.entities:
            if ann.entity not in ENTITIES:
                problems.append(f"{ex.source}: unknown entity {ann.entity}")
            elif ann.entity == "time":
                continue
            elif ann.entity == "offset":
                if parse_offset(ann.text) != ann.value:
                    problems.append(f"{ex.source}: {ann.text!r} is not offset {ann.value!r}")
            elif ann.value is not None:
                if ann.value not in gazetteer[ann.entity]:
                    problems.append(f"{ex.source}: {ann.entity}={ann.value!r} is not canonical")
            elif not extractor.resolve(ann.entity, ann.text):
                problems.append(f"{ex.source}: {ann.text!r} names no {ann.entity}")
            if ex.text[ann.start : ann.end] != ann.text:
                problems.append(f"{ex.source}: offsets of {ann.text!r} are off")
    assert problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_example_in_two_intents(training, held_out, lang):
    seen: dict[str, set[str]] = defaultdict(set)
    for ex in [*training[lang].examples, *held_out[lang].examples]:
        seen[dedup_key(ex.text)].add(ex.intent)
    clashes = {k: sorted(v) for k, v in seen.items() if len(v) > 1}
    assert clashes == {}


@pytest.mark.parametrize("lang", LANGS)
def test_held_out_never_overlaps_training(training, held_out, lang):
    train_keys = {dedup_key(ex.text) for ex in training[lang].examples}
    leaked = [ex.text for ex in held_out[lang].examples if dedup_key(ex.text) in train_keys]
    assert leaked == []


@pytest.mark.parametrize("lang", LANGS)
def test_held_out_is_at_least_a_quarter_of_training(training, held_out, lang):
    assert len(held_out[lang].examples) >= 0.25 * len(training[lang].examples)


@pytest.mark.parametrize("lang", LANGS)
def test_ledger_lists_real_held_out_examples(held_out, lang):
    ledger = load_ledger(HELD_OUT / lang / LEDGER_NAME)
    known = {(ex.text, ex.intent) for ex in held_out[lang].examples}
    stale = [e for e in ledger if (e["text"].strip(), e["expected_intent"]) not in known]
    assert stale == [], "ledger entries must name held-out examples and their intent"
