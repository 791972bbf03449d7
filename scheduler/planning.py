"""Planning: turning subscriptions into outbox rows, and noticing catalogue changes.

Each subscription gets one row per (session, offset) for sessions starting within a rolling
horizon (`HORIZON_DAYS`; one-off lectures are planned whatever their date). A row's due time is
the offset applied to the start, moved earlier out of the user's quiet hours (`scheduler.quiet`).
Planning is idempotent — `idem_key` = subscription + event + session + offset, e.g.
"r:12:L:lec-teen:202609260930:-60m" — so it can run as often as wanted: after a subscription
changes (`plan_for_subscription`), after every catalogue import and once a day (`replan_all`).

When a session that had rows disappears from the catalogue (the event was cancelled, moved or a
session dropped), the subscriber gets ONE notice per event, and the notice rows double as the
ledger that makes this happen once (see `scheduler.changes`).

The conversation uses: `plan_for_subscription`, `drop_for_subscription`, `offsets_text` (the
offsets themselves come from the NLU's `offset` entity, nlu/timeparse/offsets.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from content.catalogue import Catalogue
from scheduler import changes
from scheduler.counts import Counts
from scheduler.events import Events, Session, event_code, session_code
from scheduler.messages import offsets_text
from scheduler.offsets import Offset, valid
from scheduler.quiet import QuietHours
from store import reminders as outbox
from store import subscriptions as subs_store
from store import users as users_store
from store.db import page_cache
from store.subscriptions import DEFAULT_OFFSETS

log = logging.getLogger(__name__)

# Reminders are planned for the next 14 days and the daily re-plan moves the window on. An
# offset is at most 7 days (scheduler.offsets.MAX_DAYS), so every reminder is planned at least
# a week before it is due. Measured with bench/reminders.py: 35 days planned 2.1 rows per
# subscription more (weekly series and lessons) for nothing, and cost 40 % more CPU.
HORIZON_DAYS = 14
CHUNK = 2000
# Planning a million subscriptions writes millions of index entries; a larger page cache
# than SQLite's default 2 MB keeps the outbox's index pages in memory meanwhile.
PLANNING_CACHE_KIB = 64 * 1024

__all__ = [
    "HORIZON_DAYS",
    "PlanReport",
    "drop_for_subscription",
    "offsets_text",
    "plan_for_subscription",
    "replan_all",
]


@dataclass
class PlanReport(Counts):
    """What one planning run did (`pending`, per subscription, is a detail, not a counter)."""

    subscriptions: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    notices: int = 0
    dropped: int = 0
    pending: dict[int, int] = field(default_factory=dict, repr=False)


class _Planner:
    """Plans many subscriptions against one catalogue at one moment, sharing the work: sessions
    per target/filter, due times per (session, offsets, quiet hours), snapshots per session."""

    def __init__(self, catalogue: Catalogue, now: datetime, horizon_days: int):
        self.now = now
        self.now_iso = outbox.iso(now)
        self.events = Events(catalogue, now, horizon_days)
        self._dues: dict[tuple, list[tuple[str, str, int]]] = {}
        self._quiet: dict[tuple, QuietHours] = {}
        self._offsets: dict[tuple, tuple[tuple[str, ...], list[Offset]]] = {}
        self._snapped: set[tuple[str, str, str]] = set()
        self._plans: dict[tuple, _Plan] = {}
        self.snapshots: list[tuple[str, str, str, str]] = []  # to save with the next batch

    def quiet(self, start: str | None, end: str | None) -> QuietHours:
        key = (start, end)
        if key not in self._quiet:
            self._quiet[key] = QuietHours(start, end)
        return self._quiet[key]

    def offsets(self, texts: list[str]) -> tuple[tuple[str, ...], list[Offset]]:
        """(a hashable name for the offsets, the parsed offsets; defaults if none are valid)."""
        key = tuple(texts or ())
        if key not in self._offsets:
            parsed = valid(list(key)) or valid(list(DEFAULT_OFFSETS))
            self._offsets[key] = (tuple(str(o) for o in parsed), parsed)
        return self._offsets[key]

    def dues(
        self, session: Session, offsets: tuple[tuple[str, ...], list[Offset]], quiet: QuietHours
    ):
        """[(idem key suffix, due_at ISO, minutes before start)] for a session: out of quiet
        hours, before the start, one per distinct due time."""
        name, parsed = offsets
        key = (session.starts_iso, session.event_id, name, quiet.start, quiet.end)
        out = self._dues.get(key)
        if out is None:
            out, seen = [], set()
            base = (
                f"{event_code(session.kind, session.event_id)}:{session_code(session.starts_iso)}:"
            )
            for off in parsed:
                when = quiet.shift_earlier(off.due(session.starts_at))
                due = outbox.iso(when)
                if when < session.starts_at and due not in seen:
                    seen.add(due)
                    out.append(
                        (
                            base + str(off),
                            due,
                            int((session.starts_at - when).total_seconds() // 60),
                        )
                    )
            self._dues[key] = out
        return out

    def _snap(self, s: Session) -> None:
        key = (s.kind, s.event_id, s.starts_iso)
        if key not in self._snapped:
            self._snapped.add(key)
            self.snapshots.append((*key, self.events.snapshot_json(s)))

    def _plan_of(self, sessions: list[Session], offsets, quiet: QuietHours) -> _Plan:
        """The plan shared by every subscription with these sessions, offsets and quiet hours
        (cached: a million subscriptions fall into a few thousand such groups)."""
        key = (id(sessions), offsets[0], quiet.start, quiet.end)
        plan = self._plans.get(key)
        if plan is None:
            entries = []
            for i, s in enumerate(sessions):
                for suffix, due, minutes in self.dues(s, offsets, quiet):
                    entries.append((suffix, due, minutes, i))
            plan = _Plan(
                sessions,
                entries,
                {e[0]: e for e in entries},
                {(s.kind, s.event_id, s.starts_iso) for s in sessions},
                set(range(len(sessions))),
            )
            self._plans[key] = plan
        return plan

    def plan(self, sub: dict, quiet: QuietHours, existing: list[tuple], old_snapshot):
        """(inserts, updates, deletes, notice rows) for one subscription; `existing` are its
        rows as `store.reminders.rows_for_planning` reads them.

        Each existing row is looked up once in the group's plan (by its idem key without the
        subscription's prefix); a planned row that is missing is inserted unless overdue."""
        sid, uid = sub["id"], sub["user_id"]
        sessions = self.events.for_subscription(sub)
        plan = self._plan_of(sessions, self.offsets(sub["offsets"]), quiet)
        now_iso, head = self.now_iso, f"r:{sid}:"
        cut, table, current = len(head), plan.table, plan.current
        updates, deletes = [], []
        seen: set[str] = set()
        live: set[int] = set()  # sessions with a pending row: their snapshot must be saved
        lost = False
        for rid, _, kind, ekind, eid, occ, due_at, status, key, attempts in existing:
            if kind != "reminder":
                continue
            entry = table.get(key[cut:]) if key.startswith(head) else None
            if entry is None:
                if status == "pending":
                    deletes.append(rid)
            else:
                seen.add(entry[0])
                if status == "pending":
                    live.add(entry[3])
                    if not attempts and due_at != entry[1]:
                        updates.append((entry[1], entry[2], rid))
            if not lost and status != "merged" and occ > now_iso:
                lost = (ekind, eid, occ) not in current
        inserts = []
        for suffix, due, minutes, i in plan.entries:
            if suffix not in seen and due >= now_iso:  # never plan an overdue reminder
                s = sessions[i]
                live.add(i)
                inserts.append(
                    (sid, uid, s.kind, s.event_id, s.starts_iso, minutes, due, head + suffix)
                )
        if live and plan.unsaved:
            for i in sorted(live & plan.unsaved):
                plan.unsaved.discard(i)
                self._snap(sessions[i])
        if not lost:
            # No planned session is missing (the daily re-plan's usual case): no notice,
            # without notices_for's work per subscription (issue #16).
            return inserts, updates, deletes, []
        rows = [dict(zip(outbox.PLANNING_FIELDS, r, strict=True)) for r in existing]
        notices = changes.notices_for(
            self.events, sub, quiet, rows, current, self.now, old_snapshot
        )
        return inserts, updates, deletes, notices


@dataclass
class _Plan:
    """What every subscription of one group (same sessions, offsets, quiet hours) should have:
    `entries` (idem key suffix, due_at, minutes before, session index) in planning order,
    `table` the same by suffix, `current` the sessions as (kind, event id, start), `unsaved`
    the sessions whose snapshot this run has not saved yet (by index)."""

    sessions: list[Session]
    entries: list[tuple[str, str, int, int]]
    table: dict[str, tuple[str, str, int, int]]
    current: set[tuple[str, str, str]]
    unsaved: set[int]


def _plan_chunk(
    db: sqlite_utils.Database, planner: _Planner, subs: list[dict], report: PlanReport
) -> tuple:
    """Plan a chunk of subscriptions (reads only); return what `_write` should write."""
    ids = [s["id"] for s in subs]
    existing = outbox.rows_for_planning(db, ids, planner.now)
    users = outbox.quiet_hours(db, (s["user_id"] for s in subs))
    inserts, updates, deletes, notices = [], [], [], []

    def old_snapshot(kind: str, event_id: str, occurrence: str) -> str | None:
        return outbox.snapshot(db, kind, event_id, occurrence)

    for sub in subs:
        qs, qe, _active = users.get(sub["user_id"], (None, None, 1))
        ins, upd, dele, notes = planner.plan(
            sub, planner.quiet(qs, qe), existing[sub["id"]], old_snapshot
        )
        inserts += ins
        updates += upd
        deletes += dele
        if notes:
            notices += notes
            report.notices += sum(1 for n in notes if n["status"] == "pending")
    snapshots, planner.snapshots = planner.snapshots, []
    report.updated += len(updates)
    report.deleted += len(deletes)
    report.subscriptions += len(subs)
    return inserts, updates, deletes, snapshots, notices


def _write(db: sqlite_utils.Database, batch: tuple) -> int:
    return outbox.apply_plan(db, *batch)


def plan_for_subscription(
    db: sqlite_utils.Database,
    catalogue: Catalogue,
    subscription: dict,
    now: datetime,
    *,
    horizon_days: int = HORIZON_DAYS,
) -> int:
    """Plan (or re-plan) one subscription's reminders; return how many are pending.

    `subscription` is a row as `store.subscriptions` returns it. Call it after subscribing or
    changing offsets. An inactive subscription or user gets its pending reminders dropped.
    """
    user = users_store.get(db, subscription["user_id"])
    if not subscription.get("active", 1) or (user is not None and not user["active"]):
        drop_for_subscription(db, subscription["id"])
        return 0
    planner = _Planner(catalogue, now, horizon_days)
    report = PlanReport()
    report.inserted = _write(db, _plan_chunk(db, planner, [subscription], report))
    pending = outbox.count_pending(db, subscription["id"])
    log.info(
        "planned subscription %s: %d new, %d moved, %d dropped, %d notices; %d pending",
        subscription["id"],
        report.inserted,
        report.updated,
        report.deleted,
        report.notices,
        pending,
    )
    return pending


def drop_for_subscription(db: sqlite_utils.Database, subscription_id: int) -> int:
    """Remove a subscription's pending reminders at once (after unsubscribing); return how many.

    Rows already being sent are left to finish.
    """
    n = outbox.drop_for_subscription(db, subscription_id)
    log.info("dropped %d pending reminders of subscription %s", n, subscription_id)
    return n


def replan_all(
    db: sqlite_utils.Database,
    catalogue: Catalogue,
    now: datetime,
    *,
    horizon_days: int = HORIZON_DAYS,
    chunk: int = CHUNK,
) -> PlanReport:
    """Re-plan every active subscription: extend the horizon, follow catalogue changes (with
    notices), drop rows of inactive subscriptions. Run after each catalogue import and daily.
    Works in chunks of `chunk` subscriptions, read page by page (memory stays flat however many
    there are), one transaction each."""
    report = PlanReport()
    report.dropped = outbox.drop_orphans(db)
    planner = _Planner(catalogue, now, horizon_days)
    with page_cache(db, PLANNING_CACHE_KIB):
        last = 0
        while page := subs_store.active_after(db, last, chunk):
            last = page[-1]["id"]
            report.inserted += _write(db, _plan_chunk(db, planner, page, report))
    log.info("re-planned reminders: %s", json.dumps(report.as_dict()))
    return report
