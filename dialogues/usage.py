"""What one turn tells the usage figures (store/events.py), recorded once after each turn.

The engine takes `snapshot(state)` before the turn and calls `record_turn` after it, before the
state is saved. From the two it records, in one INSERT: the turn (channel, intent, district,
the user's pseudonym — never the text), and a guide started, a step reached, a guide finished or
left unfinished (with the step). A message answered as out of scope or asked back about
(`Turn.unclear`, set by smalltalk.out_of_scope / smalltalk.clarify) also goes, masked and
without its sender, into the not-understood queue (store/not_understood.py).

Subscriptions and help requests are recorded where they are stored (store/subscriptions.py,
store/help_requests.py), at the turn's time (`events.turn_clock`).
"""

from __future__ import annotations

import logging

from dialogues.context import Turn
from dialogues.state import SessionState
from store import events, not_understood

log = logging.getLogger(__name__)


def snapshot(state: SessionState) -> tuple[str | None, int, bool]:
    """(guide id, step, guide loop active) before the turn."""
    g = state.guide
    return (g.id if g else None, g.step if g else 0, state.in_loop("guide"))


def _since(t: Turn) -> str | None:
    """The user row's creation time (part of the events' pseudonym), when the turn has it."""
    return (t.user or {}).get("created_at")


def district_of(t: Turn) -> str | None:
    """The district a turn counts for: the person's home district, else the last one named."""
    home = t.user.get("home_district") if t.user else None
    if home:
        return home
    place = t.state.place
    return place.district if place is not None else None


def _guide_rows(t: Turn, before: tuple, district: str | None) -> list[tuple]:
    was_id, was_step, was_active = before
    g = t.state.guide
    now_id, now_step = (g.id, g.step) if g else (None, 0)
    active = t.state.in_loop("guide")
    rows = []

    def add(kind: str, **detail) -> None:
        rows.append(
            events.row(
                t.db,
                kind,
                user_id=t.user_id,
                district=district,
                detail=detail,
                user_since=_since(t),
            )
        )

    guide = t.cat.guides.get(was_id) if was_id else None
    finished = (
        was_id is not None
        and now_id is None
        and guide is not None
        and was_step >= len(guide.steps)
        and t.intent != "forget_me"
    )
    if finished:
        add("guide_finished", guide=was_id, steps=len(guide.steps))
    elif was_active and (not active or now_id != was_id):
        add("guide_abandoned", guide=was_id, step=was_step)
    if now_id is not None and active:
        restarted = (
            now_id == was_id and now_step == 1 and was_step > 1 and t.intent == "start_guide"
        )
        if now_id != was_id or restarted:
            steps = t.cat.guides[now_id].steps if now_id in t.cat.guides else []
            add("guide_started", guide=now_id, steps=len(steps))
        elif now_step > was_step:
            add("guide_step", guide=now_id, step=now_step)
    return rows


def record_turn(t: Turn, before: tuple, *, forgotten: bool = False, commit: bool = True) -> None:
    """Record the turn's events (and an unclear message); never lets a failure reach the user.
    `forgotten`: the person was erased in this turn, so only an anonymous turn is counted.
    `commit=False`: the rows ride on the caller's next commit (the engine's session save)."""
    try:
        if forgotten:
            events.record(t.db, "turn", channel=events.channel_of(t.user_id), intent=t.intent)
            return
        district = district_of(t)
        rows = [
            events.row(
                t.db,
                "turn",
                user_id=t.user_id,
                district=district,
                intent=t.intent,
                user_since=_since(t),
            ),
            *_guide_rows(t, before, district),
        ]
        unclear = t.unclear and t.text and not t.parse.tapped and not t.text.startswith("/")
        if unclear:
            rows.append(
                events.row(
                    t.db,
                    "not_understood",
                    user_id=t.user_id,
                    district=district,
                    user_since=_since(t),
                )
            )
        events.record_many(t.db, rows, commit=commit)
        if unclear:  # in the same transaction as the events when the caller commits
            not_understood.record(
                t.db, t.text, t.lang, t.parse.intent, t.parse.confidence, at=t.now
            )
    except Exception as exc:  # the figures must never cost anyone their answer
        log.warning("usage events not recorded: %s", type(exc).__name__)
