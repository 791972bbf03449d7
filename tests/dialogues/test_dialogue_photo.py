"""A picture sent to Leling (Telegram hands its file id in `Incoming.photo`, the caption as the
text): alone, it gets a kind "I can't look at pictures" with buttons; with words, the words are
answered as if typed — a screenshot of a scam message with "这是诈骗吗" gets the scam answer
first — and Leling says after it that it did not look at the picture. A forged picture id is dropped at the edge."""

from __future__ import annotations

import pytest
from dialoguekit import make_assistant, payloads, say, texts

from dialogues import Incoming


@pytest.fixture
def real_bot(dbase, cat, real_parser):
    return make_assistant(dbase, cat, real_parser)


PHOTO = "AgACAgUAAxkBAAIBQ2Zphoto"


def test_a_picture_alone_is_answered_kindly_with_buttons(real_bot):
    replies = say(real_bot, "", photo=PHOTO)
    assert "图片我还看不懂" in texts(replies)
    assert len(payloads(replies)) >= 3  # never a dead end


def test_the_words_with_a_picture_are_answered_and_the_picture_is_named(real_bot):
    replies = say(
        real_bot, "有人发短信说我的医保卡被冻结了，让我点链接输验证码，这是诈骗吗", photo=PHOTO
    )
    first = replies[0].text
    assert first.startswith("这是诈骗")  # the safety answer leads, plainly
    assert "96110" in first and first.endswith("（图片我还看不懂，上面是按您写的字回答的。）")


def test_in_english_too(real_bot):
    replies = say(real_bot, "", photo=PHOTO, lang="en", user="test:en")
    assert "can't look at pictures" in texts(replies)


@pytest.mark.parametrize("forged", ["x" * 201, "has space", "短", "../../etc/passwd", ""])
def test_a_forged_picture_id_is_dropped_at_the_edge(forged):
    assert Incoming("test:1", "你好", photo=forged).photo is None
    assert Incoming("test:1", "你好", photo=PHOTO).photo == PHOTO
