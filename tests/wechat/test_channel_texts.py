"""How to pick a button is said per channel, from one place (dialogues/templates/channels.yml):
buttons under the message (Telegram, web), numbered lines and the menu (WeChat), typed numbers
or titles (`leling chat`)."""

from __future__ import annotations

import re
import string

import pytest

from dialogues.texts import Texts

CHANNELS = ("wechat", "terminal")
# What only a channel with buttons under the message may say.
UNDER_THE_MESSAGE = re.compile(
    r"点下面的|点它的名字|点名字|点一下就|[Tt]ap a (button|name)|tap its"
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("channel", CHANNELS)
def test_channel_wording_matches_the_templates(channel):
    texts = Texts()
    own = texts.by_channel[channel]
    assert set(own) == {"zh", "en"}
    assert set(own["zh"].keys) == set(own["en"].keys)
    for lang in ("zh", "en"):
        for key, variations in own[lang].keys.items():
            assert key in texts.keys(lang), key
            base = set().union(*(_fields(v) for v in texts.variations(lang, key)))
            assert set().union(*(_fields(v) for v in variations)) == base, key
            if lang == "zh":
                assert all('"' not in v for v in variations), key


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_text_tells_a_channel_without_buttons_to_tap_them(channel):
    texts = Texts()
    for lang in ("zh", "en"):
        for key in texts.keys(lang):
            for pick in range(len(texts.variations(lang, key))):
                said = texts.get(lang, key, pick, channel)
                assert not UNDER_THE_MESSAGE.search(said), (channel, lang, key, said)
    # the web and Telegram keep the buttons-below wording
    assert "点下面的按钮" in texts.get("zh", "menu.tail")


def test_named_buttons_are_rewritten_per_channel():
    texts = Texts()
    resume = {"title": "用微信视频", "step": 3}
    assert "点“接着学”" in texts.get("zh", "menu.resume", 0, None, **resume)
    assert "回复“接着学”前面的数字" in texts.get("zh", "menu.resume", 0, "wechat", **resume)
    assert "输入“接着学”" in texts.get("zh", "menu.resume", 0, "terminal", **resume)
    en = texts.get("en", "menu.resume", 0, "wechat", **resume)
    assert 'Reply with the number of "Continue"' in en
    # a field's value is never rewritten (a guide's own text may say 点“发送”)
    assert "点“发送”" in texts.get("zh", "guide.hint", 0, "wechat", hint="点“发送”")


def test_wechat_greeting_says_reply_with_the_number(wx):
    answer = wx.say("你好", openid="oGreet")
    assert "回复数字就能选" in answer and "菜单" in answer
    assert answer.count("回复数字就能选") == 1  # the channel's own line is not added again
    assert "点下面的按钮" not in answer
    assert "回复5：找人帮忙" in answer
    # a typed number picks the numbered line
    assert "附近" in wx.say("1", openid="oGreet")


def test_wechat_english_greeting(wx):
    wx.say("/lang en", openid="oGreetEn")
    answer = wx.say("hello", openid="oGreetEn")
    assert "Reply with a number" in answer and "Tap a button" not in answer


def test_terminal_greeting_says_type_the_number(run_leling):
    done = run_leling("chat", stdin="你好\n😀\n1\n")
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode("utf-8")
    greeting, symbols = out.split("\n\n")[:2]
    assert "输入前面的数字就能选" in greeting and "点下面的按钮" not in greeting
    assert "输入下面方括号里的字" in symbols and "[找人帮忙]" in symbols
    assert "您想在哪儿附近找呢" in out  # "1" typed: the first option
