"""Sorting a batch of due rows: what to send, what to close, what to put back for later.

Pure functions over rows as `store.reminders.due_rows` returns them, so the rules are easy to
read and test: never send for an event that has begun or to an inactive user; a late reminder
waits out the user's quiet hours (or expires if the event starts first); of several reminders
for the same session of one user only the latest goes out, and one copy of a notice (the
store marks the others `covered`, across batches and restarts).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from scheduler.quiet import QuietHours
from store import reminders as outbox


@dataclass
class TickReport:
    """What one tick did."""

    sent: int = 0
    late: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    skipped: int = 0
    postponed: int = 0
    released: int = 0
    unknown: int = 0

    def add(self, other: TickReport) -> None:
        """Add another report's counts to this one."""
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)


def triage(rows: list[dict], now: datetime, late_after: timedelta, report: TickReport):
    """(to send, to expire (each with a "why"), to skip, {new due time: ids to put back})."""
    now_iso = outbox.iso(now)
    send, expire, skip, later = [], [], [], {}
    for r in rows:
        if r["occurrence"] <= now_iso or not r["active"]:
            r["why"] = "the event has begun" if r["active"] else "the user is inactive"
            expire.append(r)
            continue
        if r.get("covered"):
            # A reminder closer to the same session is due or already went out (a backlog
            # after downtime, or two subscriptions covering one event), or the same notice
            # came through another subscription: the user needs only that one.
            skip.append(r)
            continue
        late = now - datetime.fromisoformat(r["due_at"]) > late_after
        quiet = QuietHours(r["quiet_start"], r["quiet_end"])
        if late and quiet.contains(now):
            end = quiet.end_after(now)
            if end < datetime.fromisoformat(r["occurrence"]):
                later.setdefault(end, []).append(r["id"])
            else:
                r["why"] = "late, and quiet hours last until the event begins"
                expire.append(r)
            continue
        send.append(r)
    send.sort(key=lambda r: (r["due_at"], r["id"]))
    report.expired += len(expire)
    report.skipped += len(skip)
    report.postponed += sum(len(v) for v in later.values())
    return send, expire, skip, later
