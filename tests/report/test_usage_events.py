"""The events one turn records (dialogues/usage.py), for the edges of a guide's life."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogues import Assistant, Incoming
from dialogues.payload import encode
from store import events

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)


@pytest.fixture
def chat(db, catalogue, real_parser):
    """chat(text) → the events that one turn of "web:9" recorded (kind, detail)."""
    clock = {"now": START}
    bot = Assistant(db, catalogue, real_parser, clock=lambda: clock["now"], planner=None)

    def say(text: str) -> list[tuple[str, dict]]:
        clock["now"] += timedelta(minutes=1)
        before = db.execute("SELECT count(*) FROM events").fetchone()[0]
        bot.turn(Incoming("web:9", text))
        rows = events.between(db, "2026-12-01", "2027-01-01")[before:]
        return [(e["kind"], e["detail"]) for e in rows]

    yield say
    bot.close()


def test_a_guide_left_for_another_question_then_resumed_and_restarted(chat):
    started = chat(encode("start_guide", guide="enlarge_font"))
    assert started == [("turn", {}), ("guide_started", {"guide": "enlarge_font", "steps": 7})]
    assert chat("/guide_next") == [
        ("turn", {}),
        ("guide_step", {"guide": "enlarge_font", "step": 2}),
    ]
    assert chat("/guide_back") == [("turn", {})]  # going back is not progress
    chat("/guide_next")
    # Asking about something else leaves the guide at its step (it can be resumed).
    assert chat("/list_lectures") == [
        ("turn", {}),
        ("guide_abandoned", {"guide": "enlarge_font", "step": 2}),
    ]
    assert chat("/resume_guide") == [("turn", {})]  # resuming is not a new start
    assert chat(encode("start_guide", guide="enlarge_font", step=1)) == [
        ("turn", {}),
        ("guide_started", {"guide": "enlarge_font", "steps": 7}),
    ]
    # Another guide while one is in progress: the first is left, the second started.
    assert [k for k, _ in chat(encode("start_guide", guide="connect_wifi"))] == [
        "turn",
        "guide_abandoned",
        "guide_started",
    ]


def test_every_turn_carries_channel_and_intent_and_no_text(chat, db):
    chat("你好呀")
    chat("/help")
    rows = events.between(db, "2026-12-01", "2027-01-01", kinds=["turn"])
    assert [(e["channel"], e["intent"]) for e in rows] == [("web", "greet"), ("web", "help")]
    assert rows[0]["at"] == "2026-12-07T09:01:00+08:00"
    assert "你好" not in json.dumps(
        db.execute("SELECT * FROM events").fetchall(), ensure_ascii=False
    )


def test_the_report_of_an_empty_month(run_leling, tmp_path):
    out = run_leling("report", "--month", "2026-12", "--json")
    figures = json.loads(out.stdout)
    assert (figures["conversations"], figures["active_users"], figures["turns"]) == (0, 0, 0)
    page = tmp_path / "empty.html"
    assert run_leling("report", "--month", "2026-12", "--out", str(page)).returncode == 0
    assert "2026年12月全市还没有使用记录。" in page.read_text(encoding="utf-8")
