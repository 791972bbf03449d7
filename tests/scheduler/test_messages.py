"""What reminders say: time in words, place or link, buttons that fit Telegram."""

from __future__ import annotations

from datetime import datetime

import pytest

from content import timefmt
from content.schedule import TZ
from scheduler.messages import buttons, notice_text, reminder_text

NOW = datetime(2026, 9, 25, 10, 0, tzinfo=TZ)  # a Friday


SNAP = {
    "kind": "lecture",
    "id": "x",
    "title": ["防诈骗讲座", "Avoiding scams"],
    "starts_at": "2026-09-26T09:30:00+08:00",
    "place": None,
    "url": "https://example.org/live/x",
    "recurring": False,
}


@pytest.mark.parametrize(
    "starts", ["2026-09-25T19:30", "2026-09-26T09:30", "2026-10-08T12:15", "2027-01-05T05:30"]
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reminder_words_the_time_as_the_conversation_does(starts, lang):
    snap = dict(SNAP, starts_at=datetime.fromisoformat(starts).replace(tzinfo=TZ).isoformat())
    when = timefmt.when(datetime.fromisoformat(snap["starts_at"]), NOW, lang)
    assert when in reminder_text(snap, NOW, lang)


def test_an_online_event_gives_the_link():
    assert reminder_text(SNAP, NOW, "zh") == (
        "提醒您：「防诈骗讲座」明天(周六)上午9:30开始。\n线上参加：https://example.org/live/x"
    )
    assert reminder_text(SNAP, NOW, "en").endswith("Online: https://example.org/live/x")


def test_notices_are_plain():
    assert (
        notice_text({"change": "cancelled", "event": SNAP}, NOW, "zh")
        == "通知：「防诈骗讲座」明天(周六)上午9:30的活动已取消。"
    )
    assert (
        notice_text({"change": "series_cancelled", "event": SNAP}, NOW, "en")
        == "Notice: “Avoiding scams” is cancelled; there will be no more reminders for it."
    )
    assert (
        notice_text({"change": "session_cancelled", "event": SNAP}, NOW, "zh")
        == "通知：「防诈骗讲座」明天(周六)上午9:30那一次已取消，其他时间照常。"
    )


def test_button_payloads_fit_telegram_callback_data():
    for lang in ("zh", "en"):
        for _title, payload in buttons(lang, 10**12):
            assert len(payload.encode()) <= 64
    assert buttons("zh", None) == (("收到", "/affirm"),)
