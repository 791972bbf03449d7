"""Change notices: telling a subscriber, once, that an event was cancelled or moved.

Planning compares the sessions a subscription's rows were planned for (`reminders.occurrence`
of rows whose event has not begun, whatever their status — a reminder already sent counts too)
with the sessions the catalogue has now. A planned session that is gone — and that the item
itself no longer has (a filter subscription whose event merely stopped matching is not told) —
is a change. All of one event's changes for one subscription become ONE notice:

- the item is cancelled or removed: "…已取消" (a series: "…已取消，之后不再提醒");
- a one-off lecture has a new time, or a series/lesson has a new session within two weeks of the
  first lost one: "…改到<new time>";
- otherwise a session was dropped (an exdate): "…<time>那一次已取消，其他时间照常".

Every lost session gets a notice row with idem_key `n:<sub>:<L|S>:<event>:<YYYYMMDDhhmm>`: the first
is the one that is sent, the others are stored as `merged`. Those rows are the ledger that keeps
the next planning run from telling the user again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from scheduler.events import Events, event_code, session_code
from scheduler.quiet import QuietHours
from store import reminders as outbox

log = logging.getLogger(__name__)

MOVE_WINDOW = timedelta(days=14)


def notice_key(sub_id: int, kind: str, event_id: str, starts_iso: str) -> str:
    """The idempotency key of the notice about one lost session, e.g.
    "n:12:L:lec-teen:202609260930"."""
    return f"n:{sub_id}:{event_code(kind, event_id)}:{session_code(starts_iso)}"


def _notice_due(quiet: QuietHours, now: datetime, relevant: datetime) -> datetime:
    # Notices go out now, or when quiet hours end if the event is later than that.
    end = quiet.end_after(now)
    return end if end < relevant else now


def notices_for(
    events: Events,
    sub: dict,
    quiet: QuietHours,
    existing: list[dict],
    current: set[tuple[str, str, str]],
    now: datetime,
    old_snapshot: Callable[[str, str, str], str | None],
) -> list[dict]:
    """The notice rows (one `pending` per changed event plus `merged` ledger rows) to insert
    for one subscription; empty when nothing changed or the user was already told.
    `old_snapshot(kind, event_id, occurrence)` returns the stored JSON of a planned session."""
    told = {r["idem_key"] for r in existing if r["kind"] == "notice"}
    now_iso = outbox.iso(now)
    lost: dict[tuple[str, str], dict[str, dict]] = {}
    for r in existing:
        if r["kind"] != "reminder" or r["status"] == "merged" or r["occurrence"] <= now_iso:
            continue
        key = (r["event_kind"], r["event_id"], r["occurrence"])
        if key in current or notice_key(sub["id"], *key) in told:
            continue
        lost.setdefault(key[:2], {}).setdefault(r["occurrence"], r)
    out: list[dict] = []
    for (kind, event_id), rows in lost.items():
        gone = {occ: r for occ, r in rows.items() if not events.has_session(kind, event_id, occ)}
        if not gone:
            continue  # the sessions exist; the filter just stopped matching
        first = min(gone)
        old = json.loads(old_snapshot(kind, event_id, first) or "{}")
        if not old.get("title"):
            continue
        known = {
            r["occurrence"]
            for r in existing
            if r["event_kind"] == kind and r["event_id"] == event_id
        }
        change, new = _classify(events, kind, event_id, first, old, known)
        relevant = datetime.fromisoformat(new["starts_at"] if new else first)
        due = _notice_due(quiet, now, relevant)
        message = json.dumps(
            {"change": change, "event": old, "new": new}, ensure_ascii=False, separators=(",", ":")
        )
        for occ in sorted(gone):
            out.append(
                {
                    "subscription_id": sub["id"],
                    "user_id": sub["user_id"],
                    "kind": "notice",
                    "event_kind": kind,
                    "event_id": event_id,
                    "occurrence": new["starts_at"] if (occ == first and new) else occ,
                    "offset_minutes": 0,
                    "due_at": outbox.iso(due),
                    "status": "pending" if occ == first else "merged",
                    "idem_key": notice_key(sub["id"], kind, event_id, occ),
                    "attempts": 0,
                    "late": 0,
                    "message": message if occ == first else None,
                }
            )
        log.info(
            "subscription %s: %s %s %s (%d session(s)) — notice planned",
            sub["id"],
            kind,
            event_id,
            change,
            len(gone),
        )
    return out


def _classify(
    events: Events, kind: str, event_id: str, first: str, old: dict, known: set[str]
) -> tuple[str, dict | None]:
    """("cancelled" | "series_cancelled" | "moved" | "session_cancelled", new snapshot).

    A series counts as moved when a session that was never planned appears within two weeks of
    the lost one and inside the range already planned (so a horizon extension is not a move), or
    on the lost session's day.
    """
    item = events.item(kind, event_id)
    if item is None or item.status == "cancelled":
        return ("series_cancelled" if old.get("recurring") else "cancelled"), None
    lost_at = datetime.fromisoformat(first)
    last_known = max(known)
    for s in events.sessions_of(kind, event_id):
        if s.starts_iso in known:
            continue
        # Beyond the planned range a session is new because the horizon moved on, unless it is
        # on the lost session's own day (its time changed; with a 14-day horizon and holidays,
        # the lost session may be the only one planned).
        if (
            item.schedule is not None
            and s.starts_iso > last_known
            and s.starts_at.date() != lost_at.date()
        ):
            break
        if item.schedule is None or abs(s.starts_at - lost_at) <= MOVE_WINDOW:
            return "moved", json.loads(events.snapshot_json(s))
        if s.starts_at > lost_at + MOVE_WINDOW:
            break
    return ("session_cancelled" if item.schedule is not None else "cancelled"), None
