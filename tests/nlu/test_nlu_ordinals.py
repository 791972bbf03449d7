"""One ordinal reader for whole messages and for positions inside a sentence."""

from __future__ import annotations

import pytest

from nlu.ordinals import ordinal, ordinal_in
from nlu.shortcuts import shortcuts


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("1", 1),
        ("２", 2),
        ("第一个", 1),
        ("一号", 1),
        ("两", 2),
        ("十六", 16),
        ("the first one", 1),
        ("option 3", 3),
        ("last", -1),
        ("0", 0),
        ("好的", None),
        ("三四", None),
        ("100", None),
    ],
)
def test_a_whole_message_naming_a_position(text, n):
    assert ordinal(text) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("第二个的电话", 2),
        ("我想去第十一个", 11),
        ("3号那个", 3),
        ("remind me of the second one", 2),
        ("number 4 please", 4),
        ("随便看看", None),
    ],
)
def test_a_position_inside_a_sentence(text, n):
    assert ordinal_in(text) == n


def test_the_shortcut_word_lists_load():
    words = shortcuts()
    assert "更多" in words.more and "show more" in words.more
    assert "回首页" in words.home and "都不是" in words.none and "继续上次的" in words.resume
    assert words.language["说中文"] == "zh" and words.language["english please"] == "en"
