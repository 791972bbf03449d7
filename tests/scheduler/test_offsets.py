"""Offsets: parsing what users say, describing offsets in words, applying them."""

from __future__ import annotations

from datetime import datetime

from content.schedule import TZ
from scheduler.offsets import parse
from scheduler.planning import offsets_text


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
