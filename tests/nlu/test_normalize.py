"""Normalisation: each step, and the offsets that map normalised text back to the input."""

from __future__ import annotations

import random

import pytest
from nlukit import cases

from nlu.normalize import Normalized, align, is_blank, normalize


def _check_offsets(original: str, norm: Normalized) -> None:
    assert len(norm.offsets) == len(norm.text) + 1
    assert list(norm.offsets) == sorted(norm.offsets)
    assert all(0 <= o <= len(original) for o in norm.offsets)
    assert norm.offsets[-1] == len(original)


@pytest.mark.parametrize(("raw", "expected"), cases("normalize_widths"))
def test_width_spaces_and_invisible_characters(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


@pytest.mark.parametrize(("raw", "expected"), cases("normalize_traditional"))
def test_traditional_to_simplified(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_length_changing_conversion_keeps_offsets() -> None:
    raw = "買主機板"  # OpenCC's tw2sp turns 主機板 (3 chars) into 主板 (2)
    norm = normalize(raw)
    assert norm.text == "买主板"
    _check_offsets(raw, norm)
    assert norm.original_span(1, 3) == (1, 4)
    assert norm.original_span(0, 1) == (0, 1)


def test_alignment_of_an_inserted_character() -> None:
    text, starts, ends = align("ab", "axb", [0, 1], [1, 2])
    assert (text, starts, ends) == ("axb", [0, 1, 1], [1, 1, 2])  # x spans nothing


def test_simplified_wording_is_left_alone() -> None:
    assert normalize("这个小程序在么").text == "这个小程序在么"


@pytest.mark.parametrize(("raw", "expected"), cases("normalize_numerals"))
def test_chinese_numerals_become_digits(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


@pytest.mark.parametrize("raw", cases("numerals_inside_words"))
def test_numerals_inside_words_stay(raw: str) -> None:
    assert normalize(raw).text == raw


@pytest.mark.parametrize(("raw", "expected"), cases("normalize_emoji"))
def test_emoji_and_symbols_become_a_single_space(raw: str, expected: str) -> None:
    norm = normalize(raw)
    assert norm.text == expected
    _check_offsets(raw, norm)


def test_emoji_only_input_is_blank() -> None:
    for raw in ["😀", "👍🏻👍🏻", " \u200b ", "", "\x00\x01", "🇨🇳"]:
        assert normalize(raw).text == ""
        assert is_blank(raw)
        assert normalize(raw).offsets == (len(raw),)
    assert not is_blank("好")


@pytest.mark.parametrize(("raw", "expected", "spans"), cases("normalize_spans"))
def test_original_span_maps_normalised_text_back_to_the_input(raw, expected, spans) -> None:
    norm = normalize(raw)
    assert norm.text == expected
    assert [raw[slice(*norm.original_span(start, end))] for start, end, _ in spans] == [
        typed for _, _, typed in spans
    ]


def test_original_span_of_nothing_and_beyond_the_end() -> None:
    norm = normalize("  明天\u200b下午   三点  ")
    assert norm.original_span(2, 2) == (norm.offsets[2], norm.offsets[2])
    with pytest.raises(IndexError):
        norm.original_span(3, 99)


def test_control_characters() -> None:
    raw = "明天\x00下\x08午\r\n三点\x7f"
    norm = normalize(raw)
    assert norm.text == "明天下午 3点"
    _check_offsets(raw, norm)


def test_long_input() -> None:
    raw = ("请问明天下午三点有讲座吗?😀 Next MONDAY 十二月十号 " * 160)[:5000]
    norm = normalize(raw)
    assert len(raw) == 5000
    assert "3点" in norm.text and "12月10号" in norm.text
    _check_offsets(raw, norm)


_ALPHABET = (
    "abcXYZ 019ＡＢＣ１２３ \t\n\u3000\u200b\ufeff\x00\x1b，。？！"
    "一二三四五六七八九十百千万两零点半号月年周星期礼拜天日多个分刻第"
    "後週點電腦主機板😀👍🏻\u200d\ufe0f①½™°"
)


@pytest.mark.parametrize("seed", range(300))
def test_offsets_property_on_random_strings(seed: int) -> None:
    rng = random.Random(seed)
    raw = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 40)))
    norm = normalize(raw)
    _check_offsets(raw, norm)
    assert len(norm.ends) == len(norm.text)
    assert norm.text == norm.text.strip()
    assert "  " not in norm.text
    for i in range(len(norm.text)):
        start, end = norm.original_span(i, i + 1)
        assert 0 <= start < end <= len(raw)
    assert normalize(norm.text).text == norm.text  # idempotent


def test_result_is_frozen() -> None:
    norm = normalize("明天")
    with pytest.raises(AttributeError):
        norm.text = "x"  # type: ignore[misc]
