"""The safety intents: no false alarms on ordinary questions, and the issue's own words."""

from __future__ import annotations

import pytest
from nlukit import HELD_OUT

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


@pytest.mark.parametrize(
    "text,intent",
    [
        ("刚才有人打电话说是公安局的 说我涉嫌洗钱 让我把钱转到安全账户 咋办", "scam_alert"),
        ("银行客服…让我把手机收到的验证码念给他 念不念", "scam_alert"),
        ("有人…说我中奖了 让我先交两千块手续费", "scam_alert"),
        ("帮我买点理财 收益高的", "scam_alert"),
        ("我老伴摔倒了起不来 咋办", "emergency"),
        ("你们存了俺啥东西", "my_data"),
        ("把我的资料都删了", "forget_me"),
        ("What information do you keep about me?", "my_data"),
        ("你们这个收钱吗 上课要交钱不", "about"),
    ],
)
def test_the_issues_words(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent
