"""Reminder offsets are an NLU entity, parsed with the time parser's numerals and clock rules."""

from __future__ import annotations

from datetime import datetime

import pytest

from nlu.timeparse import TZ, parse_times
from nlu.timeparse.offsets import parse_offset

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("提前两小时提醒我", "-120m"),
        ("提前2个小时", "-120m"),
        ("提前俩小时", "-120m"),
        ("提前半小时", "-30m"),
        ("提前30分钟", "-30m"),
        ("提前一个半小时", "-90m"),
        ("提前十五分钟", "-15m"),
        ("开始前一个钟头提醒我", "-60m"),
        ("提前一天", "-1d@18:00"),
        ("提前两天", "-2d@18:00"),
        ("前一晚", "-1d@18:00"),
        ("前一天晚上8点提醒我", "-1d@20:00"),
        ("提前一天早上8点半", "-1d@08:30"),
        ("当天早上8点", "-0d@08:00"),
        ("2 hours before", "-120m"),
        ("remind me 30 minutes before", "-30m"),
        ("half an hour before", "-30m"),
        ("an hour before", "-60m"),
        ("a day before", "-1d@18:00"),
        ("can you remind me the night before", "-1d@18:00"),
        ("the day before at 8 pm", "-1d@20:00"),
        ("on the day at 8 am", "-0d@08:00"),
    ],
)
def test_offsets_people_say(text, offset):
    assert parse_offset(text) == offset


@pytest.mark.parametrize("text", ["你好", "提前", "提前二十天", "tomorrow", "", "讲座两小时"])
def test_not_offsets(text):
    assert parse_offset(text) is None


@pytest.mark.parametrize(
    ("clock", "phrase"),
    [("中午12点", "12:00"), ("中午1点", "13:00"), ("中午10点", "10:00"), ("晚上8点半", "20:30")],
)
def test_an_offsets_clock_is_the_time_parsers_clock(clock, phrase):
    """One rule for 中午 and friends: the offset's time of day is what the time parser reads."""
    assert parse_offset(f"前一天{clock}提醒我") == f"-1d@{phrase}"
    span = parse_times(clock, NOW.replace(hour=0))[0]
    assert span.from_.strftime("%H:%M") == phrase


def test_the_parser_gives_the_offset_entity(parser):
    parsed = parser.parse("提前两小时提醒我", NOW)
    found = [e for e in parsed["entities"] if e["entity"] == "offset"]
    assert found == [
        {
            "entity": "offset",
            "value": "-120m",
            "start": 0,
            "end": 5,
            "confidence": 1.0,
            "extractor": "OffsetExtractor",
        }
    ]
