"""Reminder offsets are an NLU entity, parsed with the time parser's numerals and clock rules."""

from __future__ import annotations

from datetime import datetime

import pytest
from nlukit import cases

from nlu.timeparse import TZ, parse_times
from nlu.timeparse.offsets import parse_offset

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)


@pytest.mark.parametrize(("text", "offset"), cases("offsets"))
def test_offsets_people_say(text, offset):
    assert parse_offset(text) == offset


@pytest.mark.parametrize("text", cases("not_offsets"))
def test_not_offsets(text):
    assert parse_offset(text) is None


@pytest.mark.parametrize(("clock", "phrase"), cases("offset_clocks"))
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
