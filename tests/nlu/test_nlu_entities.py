"""Entity extraction: lookup, English and pinyin names, homophones, typos, offsets."""

from __future__ import annotations

import pytest
from nlukit import NOW, cases

from nlu.analysis import fold_text
from nlu.features import Segmenter
from nlu.model import build_extractor


def found(result) -> set[tuple[str, str]]:
    return {(e["entity"], str(e["value"])) for e in result["entities"]}


@pytest.mark.parametrize(("text", "entity", "value"), cases("entity_lookups"))
def test_lookup(parse, text, entity, value):
    assert (entity, value) in found(parse(text))


@pytest.fixture(scope="module")
def bare(gazetteer):
    """Extract with the gazetteer alone (no names learnt from the training data)."""
    extractor = build_extractor(gazetteer, [])
    segmenter = Segmenter(extractor.table.aliases)

    def run(text):
        folded = fold_text(text)
        matches = extractor.extract(folded, folded, None, None, segmenter.word_freq)
        return {(m.entity, m.value): m.extractor for m in matches}

    return run


@pytest.mark.parametrize(("text", "entity", "value"), cases("homophones"))
def test_homophones(bare, text, entity, value):
    assert bare(text).get((entity, value)) == "PinyinEntityExtractor"


@pytest.mark.parametrize(("text", "entity", "value"), cases("typos"))
def test_typos(bare, text, entity, value):
    assert bare(text).get((entity, value)) == "FuzzyEntityExtractor"


def test_names_learnt_from_training_annotations(parse):
    # the training data annotates some ASR slips; they are then exact aliases
    assert ("district", "朝阳区") in found(parse("朝杨区有老年大学吗"))


@pytest.mark.parametrize(("text", "entity"), cases("false_friends"))
def test_no_false_friends(parse, text, entity):
    assert all(e["entity"] != entity for e in parse(text)["entities"])


def test_time_entities_are_intervals_in_shanghai(parse):
    result = parse("明天下午朝阳区有讲座吗")
    times = [e for e in result["entities"] if e["entity"] == "time"]
    assert len(times) == 1
    value = times[0]["value"]
    assert value["from"].startswith("2025-03-13T") and value["from"].endswith("+08:00")
    assert value["from"] < value["to"]
    assert times[0]["extractor"] == "TimeExtractor"
    assert result["text"][times[0]["start"] : times[0]["end"]] == "明天下午"


def test_english_time(parser):
    result = parser.parse("any talks this Saturday?", NOW)
    times = [e for e in result["entities"] if e["entity"] == "time"]
    assert times and times[0]["value"]["from"].startswith("2025-03-15")


def test_offsets_point_into_the_original_text(parse):
    text = "请问 ＣＨＡＯＹＡＮＧ 有讲座吗？"
    result = parse(text)
    district = next(e for e in result["entities"] if e["entity"] == "district")
    assert text[district["start"] : district["end"]] == "ＣＨＡＯＹＡＮＧ"


def test_longest_match_wins(parse):
    result = parse("东城区政府附近有课吗")
    assert ("landmark", "东城区政府") in found(result)
    assert ("district", "东城区") not in found(result)


def test_guide_or_topic_depends_on_the_intent(parse):
    guide = parse("教我视频通话怎么弄")
    lesson = parse("有视频通话培训班吗")
    assert ("guide", "wechat_video_call") in found(guide)
    assert ("topic", "视频通话") in found(lesson)
    assert all(e["entity"] != "guide" for e in lesson["entities"])
