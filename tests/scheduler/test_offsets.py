"""Offsets: parsing what users say, describing offsets in words, applying them."""

from __future__ import annotations

from datetime import datetime

import pytest

from content.schedule import TZ
from scheduler.offsets import parse, parse_offset
from scheduler.planning import offsets_text


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("提前两小时提醒我", "-120m"),
        ("提前2个小时", "-120m"),
        ("提前半小时", "-30m"),
        ("提前30分钟", "-30m"),
        ("提前一个半小时", "-90m"),
        ("提前十五分钟", "-15m"),
        ("提前一天", "-1d@18:00"),
        ("提前两天", "-2d@18:00"),
        ("前一天晚上8点提醒我", "-1d@20:00"),
        ("提前一天早上8点半", "-1d@08:30"),
        ("当天早上8点", "-0d@08:00"),
        ("2 hours before", "-120m"),
        ("remind me 30 minutes before", "-30m"),
        ("half an hour before", "-30m"),
        ("an hour before", "-60m"),
        ("a day before", "-1d@18:00"),
        ("the day before at 8 pm", "-1d@20:00"),
        ("on the day at 8 am", "-0d@08:00"),
        ("-90m", "-90m"),
        ("-2h", "-120m"),
        ("-1d@19:00", "-1d@19:00"),
    ],
)
def test_parse_offset_understands_common_phrases(text, offset):
    assert parse_offset(text) == offset


@pytest.mark.parametrize("text", ["你好", "提前", "提前二十天", "tomorrow", "", "-0m"])
def test_parse_offset_says_none_for_non_offsets(text):
    assert parse_offset(text) is None


def test_offsets_text_in_both_languages():
    assert offsets_text(["-1d@18:00", "-60m"], "zh") == "活动前一天18:00和开始前1小时"
    assert offsets_text(["-1d@18:00", "-60m"], "en") == "at 18:00 the day before and 1 hour before"
    assert offsets_text(["-120m"], "zh") == "开始前2小时"
    assert (
        offsets_text(["-90m", "-0d@08:00", "-2d@18:00"], "zh")
        == "开始前1小时30分钟、活动当天08:00和活动前两天18:00"
    )
    assert offsets_text(["-30m"], "en") == "30 minutes before"


def test_offsets_apply_in_beijing_wall_clock():
    start = datetime(2026, 9, 26, 9, 30, tzinfo=TZ)
    assert parse("-1d@18:00").due(start) == datetime(2026, 9, 25, 18, 0, tzinfo=TZ)
    assert parse("-60m").due(start) == datetime(2026, 9, 26, 8, 30, tzinfo=TZ)
    assert parse("-0d@08:00").due(start) == datetime(2026, 9, 26, 8, 0, tzinfo=TZ)
