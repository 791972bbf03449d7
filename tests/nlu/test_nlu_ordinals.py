"""One ordinal reader for whole messages and for positions inside a sentence."""

from __future__ import annotations

import pytest
from nlukit import cases

from nlu.ordinals import ordinal, ordinal_in
from nlu.shortcuts import shortcuts


@pytest.mark.parametrize(("text", "n"), cases("ordinal_messages"))
def test_a_whole_message_naming_a_position(text, n):
    assert ordinal(text) == n


@pytest.mark.parametrize(("text", "n"), cases("ordinals_in_sentences"))
def test_a_position_inside_a_sentence(text, n):
    assert ordinal_in(text) == n


def test_the_shortcut_word_lists_load():
    words = shortcuts()
    assert "更多" in words.more and "show more" in words.more
    assert "回首页" in words.home and "都不是" in words.none and "继续上次的" in words.resume
    assert words.language["说中文"] == "zh" and words.language["english please"] == "en"
