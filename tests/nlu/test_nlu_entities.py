"""Entity extraction: lookup, English and pinyin names, homophones, typos, offsets."""

from __future__ import annotations

import pytest
from nlukit import NOW

from nlu.analysis import fold_text
from nlu.features import Segmenter
from nlu.model import build_extractor


def found(result) -> set[tuple[str, str]]:
    return {(e["entity"], str(e["value"])) for e in result["entities"]}


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        # districts: with and without 区, English, pinyin, old names
        ("朝阳区有老年大学吗", "district", "朝阳区"),
        ("朝阳有老年大学吗", "district", "朝阳区"),
        ("我住石景山", "district", "石景山区"),
        ("门头沟区的乐龄中心", "district", "门头沟区"),
        ("any senior university in Chaoyang?", "district", "朝阳区"),
        ("lectures in haidian district", "district", "海淀区"),
        ("chaoyang qu laonian daxue", "district", "朝阳区"),
        ("以前的宣武区那边有课吗", "district", "西城区"),
        # streets, with or without the 街道 suffix, and in pinyin
        ("望京街道附近有啥学习的地方", "street", "望京街道"),
        ("我住望京", "street", "望京街道"),
        ("i live in wangjing", "street", "望京街道"),
        # landmarks and their aliases
        ("天坛附近有老年大学吗", "landmark", "天坛公园"),
        ("near the Temple of Heaven", "landmark", "天坛公园"),
        ("协和医院旁边有乐龄中心吗", "landmark", "北京协和医院"),
        # topics, apps, kinds, audiences, modes
        ("想学书法", "topic", "书法"),
        ("有没有广场舞班", "topic", "舞蹈"),
        ("防诈骗讲座", "topic", "防诈骗"),
        ("how do I use WeChat", "app", "微信"),
        ("支付宝怎么付钱", "app", "支付宝"),
        ("alipay lessons", "app", "支付宝"),
        ("最近的社区学校", "kind", "community_school"),
        ("乐龄中心在哪", "kind", "leling_center"),
        ("初中生家长讲座", "audience", "初中"),
        ("线上讲座有吗", "mode", "online"),
        ("现场听讲座", "mode", "offline"),
        # guides by their aliases
        ("教我用微信视频", "guide", "wechat_video_call"),
        ("教我打车", "guide", "taxi_hailing"),
    ],
)
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


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("维信怎么加好友", "app", "微信"),
        ("朝杨区有老年大学吗", "district", "朝阳区"),
        ("支付包怎么付钱", "app", "支付宝"),
        ("海定区的讲座", "district", "海淀区"),  # near-homophone: ding ~ dian
        ("风台区有老年大学吗", "district", "丰台区"),
        ("北京协合医院附近", "landmark", "北京协和医院"),
    ],
)
def test_homophones(bare, text, entity, value):
    assert bare(text).get((entity, value)) == "PinyinEntityExtractor"


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("senior university in chaoyng", "district", "朝阳区"),
        ("i live near wangfujng", "landmark", "王府井"),
        ("人民英雄纪念牌在哪", "landmark", "天安门广场"),
        ("how do i use alipaay", "app", "支付宝"),
        ("where can i learn calligrapy", "topic", "书法"),
    ],
)
def test_typos(bare, text, entity, value):
    assert bare(text).get((entity, value)) == "FuzzyEntityExtractor"


def test_names_learnt_from_training_annotations(parse):
    # the training data annotates some ASR slips; they are then exact aliases
    assert ("district", "朝阳区") in found(parse("朝杨区有老年大学吗"))


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("我弟弟想学画画", "app"),  # 弟弟 sounds like 滴滴 but is an ordinary word
        ("听你的", "topic"),  # not 听戏
        ("reading glasses", "district"),
        ("怎么设计一个好看的相册", "app"),  # 设计 is not 设置
    ],
)
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
