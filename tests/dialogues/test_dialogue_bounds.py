"""Bounded work per turn: payloads are checked against their entities' types and ranges, and
time windows (from a payload, the NLU or a stored session) are bounded."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from dialoguekit import NOW, check_reply_rules, say, texts

from content import schedule
from dialogues import payload_rules, window
from dialogues import state as states

BAD = "按钮我打不开"


@pytest.mark.parametrize(
    "text",
    [
        # The reproductions of issue #12: 2,000 years of lessons, a superscript two, a huge id.
        '/list_lessons{"time":"2026-12-04T00:00|4026-12-04T00:00"}',
        '/list_lectures{"time":"2026-12-04T00:00|4026-12-04T00:00"}',
        '/unsubscribe{"subscription_id":"²"}',
        '/unsubscribe{"subscription_id":99999999999999999999999}',
        '/unsubscribe{"subscription_id":"-1"}',
        '/list_lessons{"time":"2026-12-04T00:00|2027-03-04T00:00"}',  # 90 days
        '/list_lessons{"time":"4026-12-04T00:00"}',
        '/list_lessons{"time":"2026-12-04T00:00|"}',
        '/list_lessons{"time":"明天"}',
        '/start_guide{"guide":"wechat_video_call","step":"100000"}',
        '/subscribe{"lecture":"../../etc/passwd"}',
        '/subscribe{"lecture":"LEC-CAPITAL"}',
        '/subscribe{"event":"everything"}',
        '/inform{"district":"' + "区" * 41 + '"}',
        '/subscribe{"nonsense":"1"}',
        '/list_lectures{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7"}',
        '/list_lessons{"ref":"12345678"}',
        '/human_help{"who":"everyone"}',
        "/start lecture_../../x",
    ],
)
def test_a_forged_payload_is_answered_kindly(bot, scripted, text):
    replies = say(bot, text)
    assert BAD in texts(replies)
    check_reply_rules(replies)
    assert scripted.calls == []  # it never reached the NLU


def test_a_bad_payload_in_english(bot):
    say(bot, "/lang en")
    assert "couldn't open that button" in texts(say(bot, '/unsubscribe{"subscription_id":"²"}'))


@pytest.mark.parametrize(
    "text",
    [
        '/list_lessons{"time":"2026-12-04T00:00|2027-02-04T00:00"}',  # 62 days
        '/list_lectures{"time":"2026-12-05T00:00+08:00|2026-12-07T00:00+08:00"}',
        '/unsubscribe{"subscription_id":"12"}',
        '/start_guide{"guide":"wechat_video_call","step":"1"}',
        '/inform{"district":"朝阳区"}',
        '/human_help{"who":"family"}',
        '/unsubscribe{"all":"1"}',
        "/start lecture_lec-capital-series",
    ],
)
def test_payloads_that_fit_are_acted_on(bot, text):
    replies = say(bot, text)
    assert BAD not in texts(replies)
    check_reply_rules(replies)


def test_the_window_rules():
    ok = payload_rules.window_ok
    assert ok(NOW, NOW + timedelta(days=62), NOW)
    assert not ok(NOW, NOW + timedelta(days=63), NOW)
    assert not ok(NOW, NOW, NOW)  # empty
    assert not ok(NOW + timedelta(days=4 * 366), None, NOW)
    assert not ok(NOW - timedelta(days=400), None, NOW)
    assert ok(NOW + timedelta(days=2 * 366), None, NOW)


def test_an_nlu_window_is_cut_to_the_longest_window(bot, scripted):
    far = {"from": "2026-12-04T00:00:00+08:00", "to": "4026-12-04T00:00:00+08:00"}
    scripted.add("以后所有的手机课", "list_lessons", time=far)
    replies = say(bot, "以后所有的手机课")
    check_reply_rules(replies)
    query = states.load(bot.db, "test:1").shown.query
    start = datetime.fromisoformat(query["from"])
    assert datetime.fromisoformat(query["to"]) - start == payload_rules.MAX_WINDOW


def test_an_nlu_window_far_away_falls_back_to_the_default(bot, scripted):
    scripted.add("4026年的讲座", "list_lectures", time={"from": "4026-01-01T00:00:00+08:00"})
    replies = say(bot, "4026年的讲座")
    check_reply_rules(replies)
    assert "from" not in states.load(bot.db, "test:1").shown.query


def test_a_stored_query_from_before_the_bounds_is_bounded():
    start, end, default = window.of_query(
        {"from": NOW.isoformat(), "to": (NOW + timedelta(days=730000)).isoformat()}, NOW
    )
    assert not default and end - start == payload_rules.MAX_WINDOW
    _s, _e, default = window.of_query({"from": "4026-01-01T00:00:00+08:00", "to": "x"}, NOW)
    assert default


def test_expanding_a_schedule_stops_at_its_budget(cat):
    lesson = next(iter(cat.lessons.values()))
    found = schedule.occurrences(lesson.schedule, NOW, NOW + timedelta(days=3650), limit=5)
    assert len(found) == 5
    assert found == sorted(found)
