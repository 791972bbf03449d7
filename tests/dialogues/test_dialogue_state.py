"""Typed session state: versioned, and sessions saved by the previous release still load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dialoguekit import say, texts

from dialogues import state as states
from dialogues.state import (
    VERSION,
    ActiveLoop,
    Focus,
    GuideProgress,
    Listing,
    Pending,
    Place,
    SessionState,
)
from store import sessions

V1 = json.loads((Path(__file__).parent / "data" / "sessions_v1.json").read_text("utf-8"))


def test_a_version_1_guide_in_progress_loads_as_progress_and_an_active_loop():
    state = SessionState.from_dict(V1["telegram:42"])
    assert state.guide == GuideProgress("wechat_video_call", 3, 0)
    assert state.loop == ActiveLoop("guide") and state.in_loop("guide")
    assert state.shown == Listing(
        "lecture", {"district": "朝阳区"}, 0, ["lec-capital-series", "lec-chaoyang-parent-school"]
    )
    assert state.turn == 4 and state.history[-1] == "教我用微信视频"


def test_a_version_1_paused_guide_loads_without_a_loop():
    state = SessionState.from_dict(V1["telegram:43"])
    assert state.guide == GuideProgress("wechat_video_call", 2) and state.loop is None
    assert len(state.choices) == 2


def test_a_version_1_place_and_question_load_typed():
    state = SessionState.from_dict(V1["web:7"])
    assert state.place == Place(district="东城区", landmark="天坛公园")
    assert state.pending == Pending("place", "center", {})


@pytest.mark.parametrize("user", ["telegram:42", "telegram:43", "web:7"])
def test_the_saved_form_is_versioned_and_round_trips(user):
    state = SessionState.from_dict(V1[user])
    saved = json.loads(json.dumps(state.to_dict(), ensure_ascii=False))
    assert saved["v"] == VERSION
    assert SessionState.from_dict(saved) == state


def _restore(bot, user: str) -> None:
    sessions.save(bot.db, user, V1[user])


def test_conversations_saved_by_the_previous_release_carry_on(bot, scripted):
    _restore(bot, "telegram:42")
    step = say(bot, "/guide_next", user="telegram:42")[0].guide
    assert (step.id, step.step) == ("wechat_video_call", 4)
    assert states.load(bot.db, "telegram:42").to_dict()["v"] == VERSION

    _restore(bot, "telegram:43")
    assert say(bot, "2", user="telegram:43")  # the numbered list of the last reply still works
    resumed = say(bot, "继续上次的", user="telegram:43")
    assert resumed[0].guide.step == 2

    _restore(bot, "web:7")
    replies = say(bot, '/inform{"district":"朝阳区"}', user="web:7")
    assert any(r.items for r in replies) and "朝阳" in texts(replies)


def test_dicts_assigned_by_older_code_become_typed():
    state = SessionState()
    state.guide = {"id": "scan_to_pay", "step": 2, "active": True, "stuck": 0}
    state.focus = {"type": "lecture", "id": "lec-1"}
    state.pending = {"ask": "forget"}
    assert state.guide == GuideProgress("scan_to_pay", 2) and state.in_loop("guide")
    assert state.focus == Focus("lecture", "lec-1")
    assert state.pending.ask == "forget"
    assert state.focus.type == "lecture" and state.guide.step == 2


def test_unreadable_parts_are_dropped_not_the_whole_state():
    state = SessionState.from_dict(
        {"v": 2, "lang": "en", "guide": "nonsense", "shown": {"no_type": 1}, "loop": None}
    )
    assert state.lang == "en" and state.guide is None and state.shown is None
