"""Features: concepts with negation, particles, segmentation, the guide classifier."""

from __future__ import annotations

import pytest
from nlukit import cases

from nlu.analysis import fold_particles, fold_text
from nlu.concepts import ConceptLexicon
from nlu.features import Segmenter, features
from nlu.lang import detect_language


@pytest.fixture(scope="module")
def lexicon():
    return ConceptLexicon(
        {"voice": ["读", "语音", "talk", "re:念.{0,2}出来"], "affirmation": ["好", "中", "yes"]},
        fold_text,
    )


def test_concepts_and_negation(lexicon):
    assert lexicon.concepts("读给我听") == ["voice"]
    assert lexicon.concepts("不要读出来") == ["not_voice"]
    assert lexicon.concepts("please don't talk to me") == ["not_voice"]
    assert lexicon.concepts("念给我出来") == ["voice"]  # a regular-expression entry
    assert lexicon.concepts("she talked a lot") == ["voice"]  # regular inflections


def test_one_character_entries_need_a_word_of_their_own(lexicon):
    seg = Segmenter()
    assert lexicon.concepts("中", seg.cut("中")) == ["affirmation"]
    assert lexicon.concepts("中心在哪", seg.cut("中心在哪")) == []


def test_concept_pairs_are_features(lexicon):
    feats = lexicon.features("yes 读", ["district"])
    assert {"k:affirmation", "k:voice", "kk:affirmation+voice", "kk:@district+voice"} <= set(feats)


def test_unquoted_yaml_booleans_are_rejected():
    with pytest.raises(ValueError, match="quote"):
        ConceptLexicon({"negation": [False]}, fold_text)


def test_particles_fold_without_moving_offsets():
    assert fold_particles("弄好啦") == "弄好了"
    assert fold_particles("在么") == "在吗"
    assert fold_particles("为什么") == "为什么"
    assert len(fold_particles("好呀, 谢谢")) == len("好呀, 谢谢")


def test_features_have_chars_words_entities_and_length():
    seg = Segmenter(["朝阳区"])
    feats = features("朝阳区3点", seg.cut("朝阳区3点"), ["district"])
    assert {"c:朝", "c:朝阳区", "c:0点", "w:朝阳区", "b:<s>|朝阳区", "e:district", "len:5"} <= set(
        feats
    )


def test_segmenter_keeps_user_words_and_pickles_small():
    import pickle

    seg = Segmenter(["乐龄学习中心"])
    assert "乐龄学习中心" in seg.cut("去乐龄学习中心")
    again = pickle.loads(pickle.dumps(seg))
    assert again.cut("去乐龄学习中心") == seg.cut("去乐龄学习中心")
    assert seg.word_freq("设计") > 0 and seg.word_freq("乐龄学习中心") == 0


@pytest.mark.parametrize(("text", "lang"), cases("detect_language"))
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_guide_classifier_names_the_guide_of_a_paraphrase(parse):
    result = parse("教我跟女儿视频")
    assert result["intent"]["name"] == "start_guide"
    guide = next(e for e in result["entities"] if e["entity"] == "guide")
    assert guide["value"] == "wechat_video_call"
    assert guide["extractor"] == "GuideClassifier"


def test_time_comes_only_from_the_time_parser(parse):
    for text in ("今天不练了", "周六开门吗", "怎么让字大一点"):
        for entity in parse(text)["entities"]:
            if entity["entity"] == "time":
                assert entity["extractor"] == "TimeExtractor"
                assert set(entity["value"]) == {"from", "to"}
