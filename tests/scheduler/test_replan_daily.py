"""The daily re-plan reads every subscription's rows back and compares them with one plan shared
by every subscription of the same sessions, offsets and quiet hours (issue #16). These tests
prove that sharing is safe: what changed since yesterday — an event's time, a cancellation, a
session newly inside the horizon — is still followed for each subscriber, and the result is
what planning from an empty outbox would give."""

from __future__ import annotations

from datetime import timedelta

import pytest
from schedkit import NOW, lecture, make_catalogue

from scheduler.planning import replan_all
from store import reminders as outbox

DAILY = {
    "rrule": "FREQ=DAILY",
    "time": "19:30",
    "duration_minutes": 60,
    "start": "2026-09-01",
}
USERS = ("telegram:1", "telegram:2", "telegram:3")
LATER = NOW + timedelta(days=1)  # the next daily re-plan
MOVED_TO = "2026-09-29T15:00:00+08:00"  # lec-teen's new time in tomorrow's catalogue


def catalogue(teen_at="2026-09-28T09:30:00+08:00", other="scheduled"):
    return make_catalogue(
        [
            lecture(starts_at=teen_at),
            lecture("lec-other", starts_at="2026-09-30T14:00:00+08:00", status=other),
            lecture("lec-same", starts_at="2026-10-01T10:00:00+08:00"),
            lecture("lec-daily", schedule=DAILY, center=None, online_url="https://example.org/d"),
        ]
    )


@pytest.fixture
def planned_today(db, subscribe):
    """Every user subscribed to every lecture, planned at NOW from today's catalogue; gives the
    database."""
    for user in USERS:  # same offsets and quiet hours: one shared plan per event
        for target in ("lec-teen", "lec-other", "lec-same", "lec-daily"):
            subscribe(user, target=target)
    replan_all(db, catalogue(), NOW)
    return db


def tomorrows_catalogue():
    """What changed overnight: lec-teen moved to MOVED_TO, lec-other cancelled."""
    return catalogue(teen_at=MOVED_TO, other="cancelled")


def pending(db, since) -> set[tuple]:
    """(user, idem key, session, due) of the pending reminders due from `since` on."""
    return {
        (r["user_id"], r["idem_key"], r["occurrence"], r["due_at"])
        for r in outbox.list_rows(db, statuses=("pending",))
        if r["kind"] == "reminder" and r["due_at"] >= outbox.iso(since)
    }


def test_a_day_later_changes_are_followed_for_every_subscriber(planned_today):
    db = planned_today
    assert "2026-10-09T19:30:00+08:00" not in {r["occurrence"] for r in outbox.list_rows(db)}
    same_before = {
        r["idem_key"]: (r["id"], r["due_at"])
        for r in outbox.list_rows(db)
        if r["event_id"] == "lec-same"
    }
    report = replan_all(db, tomorrows_catalogue(), LATER)
    rows = outbox.list_rows(db, statuses=("pending",))

    # The moved lecture: every subscriber has reminders for the new time only, and one notice.
    teen = {(r["user_id"], r["occurrence"]) for r in rows if r["event_id"] == "lec-teen"}
    assert teen == {(u, MOVED_TO) for u in USERS}
    # The cancelled lecture: no reminder left, one notice per subscriber.
    assert not [r for r in rows if r["event_id"] == "lec-other" and r["kind"] == "reminder"]
    told = sorted((r["user_id"], r["event_id"]) for r in rows if r["kind"] == "notice")
    assert told == sorted((u, e) for u in USERS for e in ("lec-other", "lec-teen"))
    assert report.notices == 6
    # The daily series: the session that entered the horizon overnight is planned for everyone.
    new = "2026-10-09T19:30:00+08:00"  # 14 days after tomorrow 10:00, not after today's
    daily = {(r["user_id"], r["occurrence"]) for r in rows if r["event_id"] == "lec-daily"}
    assert {(u, new) for u in USERS} <= daily
    # The unchanged lecture: its rows are left exactly as they were.
    same_after = {
        r["idem_key"]: (r["id"], r["due_at"])
        for r in outbox.list_rows(db)
        if r["event_id"] == "lec-same"
    }
    assert same_after == same_before and len(same_before) == 2 * len(USERS)


def test_replanning_gives_what_planning_from_an_empty_outbox_gives(planned_today):
    db, moved = planned_today, tomorrows_catalogue()
    replan_all(db, moved, LATER)
    replanned = pending(db, LATER)

    # The same subscriptions planned once, from nothing, a day later.
    db.conn.execute("DELETE FROM reminders")
    db.conn.commit()
    replan_all(db, moved, LATER)
    assert pending(db, LATER) == replanned
    # lec-teen and lec-same 2 each; 14 daily sessions, tonight's day-before one already past.
    assert len(replanned) == len(USERS) * (2 + 2 + 2 * 14 - 1)


def test_a_second_replan_the_same_day_changes_nothing(planned_today):
    db, moved = planned_today, tomorrows_catalogue()
    replan_all(db, moved, LATER)
    before = outbox.list_rows(db)
    report = replan_all(db, moved, LATER)
    assert (report.inserted, report.updated, report.deleted, report.notices) == (0, 0, 0, 0)
    assert outbox.list_rows(db) == before
