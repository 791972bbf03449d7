"""Dates, times and distances in the words seniors use."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from content import timefmt
from content.timefmt import TZ

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)  # Friday


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(
    ("when", "zh", "en"),
    [
        (at(4, 19), "今天晚上7:00", "today at 7:00 pm"),
        (at(5, 9, 30), "明天(周六)上午9:30", "tomorrow (Saturday) at 9:30 am"),
        (at(6, 14, 30), "后天(周日)下午2:30", "this Sunday at 2:30 pm"),
        (at(8, 9, 30), "下周二上午9:30", "next Tuesday at 9:30 am"),
        (at(13, 12, 0), "下周日中午12:00", "next Sunday at 12:00 pm"),
        (at(16, 7, 15), "12月16日(周三)早上7:15", "Wednesday 16 December at 7:15 am"),
        (
            at(9, 10, 0, month=1, year=2027),
            "2027年1月9日(周六)上午10:00",
            "Saturday 9 January 2027 at 10:00 am",
        ),
    ],
)
def test_when(when, zh, en):
    assert timefmt.when(when, NOW, "zh") == zh
    assert timefmt.when(when, NOW, "en") == en


def test_this_week_and_yesterday():
    monday = datetime(2026, 11, 30, 10, tzinfo=TZ)
    assert timefmt.day(date(2026, 12, 3), monday.date(), "zh") == "这周四"
    assert timefmt.day(date(2026, 12, 3), monday.date(), "en") == "this Thursday"
    assert timefmt.day(date(2026, 12, 3), NOW.date(), "zh") == "昨天(周四)"


def test_sunday_to_monday_is_tomorrow_not_next_week():
    sunday = datetime(2026, 12, 6, 20, tzinfo=TZ)
    assert timefmt.when(at(7, 9), sunday, "zh") == "明天(周一)上午9:00"


def test_clock_periods():
    assert [timefmt.clock(at(4, h), "zh") for h in (3, 6, 9, 12, 15, 20)] == [
        "凌晨3:00",
        "早上6:00",
        "上午9:00",
        "中午12:00",
        "下午3:00",
        "晚上8:00",
    ]
    assert timefmt.clock(at(4, 0, 30), "en") == "12:30 am"


def test_naive_times_are_beijing_time():
    assert timefmt.when(datetime(2026, 12, 5, 9, 30), NOW) == "明天(周六)上午9:30"


@pytest.mark.parametrize(
    ("rrule", "time", "zh", "en"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "09:30", "每周二上午9:30", "every Tuesday at 9:30 am"),
        (
            "FREQ=WEEKLY;BYDAY=TU,TH",
            "14:00",
            "每周二、周四下午2:00",
            "every Tuesday and Thursday at 2:00 pm",
        ),
        ("FREQ=MONTHLY;BYDAY=2SA", "09:30", "", ""),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "19:00", "", ""),
    ],
)
def test_weekly(rrule, time, zh, en):
    assert timefmt.weekly(rrule, time, "zh") == zh
    assert timefmt.weekly(rrule, time, "en") == en


@pytest.mark.parametrize(
    ("metres", "zh", "en"),
    [
        (10, "就在附近", "very close"),
        (480, "约500米", "about 500 m"),
        (990, "约1公里", "about 1 km"),
        (1274, "约1.3公里", "about 1.3 km"),
        (3000, "约3公里", "about 3 km"),
        (14253, "约14公里", "about 14 km"),
    ],
)
def test_distance(metres, zh, en):
    assert timefmt.distance(metres, "zh") == zh
    assert timefmt.distance(metres, "en") == en


def test_minutes():
    assert timefmt.minutes(90) == "一个半小时"
    assert timefmt.minutes(120) == "2小时"
    assert timefmt.minutes(45) == "45分钟"
    assert timefmt.minutes(60, "en") == "1 hour"
    assert timefmt.minutes(90, "en") == "90 minutes"
