"""The retention policy: what Leling deletes, and when (docs/privacy.md).

Leling keeps personal data only as long as it serves the person (China's PIPL, art. 19):

- finished outbox rows (sent, failed, expired, skipped, unknown, merged) of sessions that began
  more than `finished_days` ago, and the stored session texts (`reminder_events`) nothing points
  at any more; finished announcement deliveries; closed help requests; subscriptions stopped
  that long ago;
- the conversation state (`sessions`) of anyone who has not written for `inactive_days`;
- everything about a user (`store.users.forget`) who has not written for `inactive_days` and had
  nothing sent or planned for them in that time (their subscriptions produce nothing any more);
- audit log entries older than `audit_days`;
- messages in the not-understood queue older than `not_understood_days` (30), and usage
  events (no text) older than `events_days` (400: a year of month on month);
- one-time sign-in links (staff pages, WeChat → web chat) a day after they expired.

`prune(db, now, policy)` does it all in one go (or counts it, `dry_run`); the service runs it
daily and `leling maintenance prune` by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from store import audit, users
from store.db import transaction
from store.reminders import iso

FINISHED = ("sent", "failed", "expired", "skipped", "unknown", "merged")
SPENT_LINKS = timedelta(days=1)  # one-time sign-in links are kept this long after they expire


@dataclass(frozen=True)
class RetentionPolicy:
    """How long things are kept, in days."""

    finished_days: int = 90
    inactive_days: int = 365
    audit_days: int = 365
    not_understood_days: int = 30
    events_days: int = 400


def _utc(when: datetime) -> str:
    # users, sessions, help requests and the audit log store UTC ISO times.
    return when.astimezone(UTC).isoformat(timespec="seconds")


def inactive_users(db: sqlite_utils.Database, now: datetime, days: int) -> list[str]:
    """Users with no message for `days` and nothing sent or planned for them since."""
    cutoff_utc, cutoff_local = _utc(now - timedelta(days=days)), iso(now - timedelta(days=days))
    return [
        r[0]
        for r in db.execute(
            "SELECT u.id FROM users u LEFT JOIN sessions s ON s.user_id = u.id "
            "WHERE max(coalesce(u.updated_at, ''), coalesce(u.created_at, ''), "
            "coalesce(s.updated_at, '')) < ? "
            "AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.user_id = u.id AND "
            "(r.status IN ('pending', 'sending', 'claimed') OR r.occurrence >= ?)) "
            "ORDER BY u.id",
            [cutoff_utc, cutoff_local],
        ).fetchall()
    ]


_FINISHED_SQL = ", ".join(f"'{s}'" for s in FINISHED)
# (what, SQL counting or deleting it; "{verb}" is "SELECT count(*)" or "DELETE"), run in order:
# reminders before the session texts and subscriptions they point at.
_STEPS = (
    (
        "reminders",
        f"FROM reminders WHERE status IN ({_FINISHED_SQL}) AND occurrence < :local",
    ),
    (
        "reminder_events",
        "FROM reminder_events WHERE occurrence < :local AND NOT EXISTS (SELECT 1 FROM reminders r "
        "WHERE r.event_kind = reminder_events.event_kind AND r.event_id = reminder_events.event_id "
        "AND r.occurrence = reminder_events.occurrence)",
    ),
    (
        "deliveries",
        "FROM deliveries WHERE status != 'pending' AND coalesce(sent_at, claimed_at, '') < :utc",
    ),
    (
        "help_requests",
        "FROM help_requests WHERE status = 'closed' AND coalesce(closed_at, '') < :utc",
    ),
    (
        "subscriptions",
        "FROM subscriptions WHERE active = 0 AND coalesce(cancelled_at, created_at, '') < :utc "
        "AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.subscription_id = subscriptions.id)",
    ),
    ("sessions", "FROM sessions WHERE coalesce(updated_at, '') < :inactive"),
    ("audit_log", "FROM audit_log WHERE at < :audit"),
    ("not_understood", "FROM not_understood WHERE at < :not_understood"),
    ("events", "FROM events WHERE at < :events"),
    # one-time sign-in links (staff pages, WeChat → web chat), used or not, a day after expiry
    ("staff_tokens", "FROM staff_tokens WHERE expires_at < :spent"),
    ("web_links", "FROM web_links WHERE expires_at < :spent"),
)


def prune(
    db: sqlite_utils.Database,
    now: datetime,
    policy: RetentionPolicy = RetentionPolicy(),
    *,
    dry_run: bool = False,
) -> dict[str, int]:
    """Apply the policy at `now`; return how many rows went (or would go) per table, plus
    "users" forgotten. Everything but the per-user erasures runs in one transaction."""
    finished = now - timedelta(days=policy.finished_days)
    args = {
        "local": iso(finished),
        "utc": _utc(finished),
        "inactive": _utc(now - timedelta(days=policy.inactive_days)),
        "audit": _utc(now - timedelta(days=policy.audit_days)),
        # not_understood and events store Beijing times ("+08:00", like the outbox)
        "not_understood": iso(now - timedelta(days=policy.not_understood_days)),
        "events": iso(now - timedelta(days=policy.events_days)),
        "spent": _utc(now - SPENT_LINKS),
    }
    gone = inactive_users(db, now, policy.inactive_days)
    counts: dict[str, int] = {}
    if dry_run:
        for table, where in _STEPS:
            counts[table] = db.execute(f"SELECT count(*) {where}", args).fetchone()[0]
        counts["users"] = len(gone)
        return counts
    for uid in gone:  # first, so their rows are not counted twice below
        users.forget(db, uid)
    with transaction(db):
        for table, where in _STEPS:
            counts[table] = db.execute(f"DELETE {where}", args).rowcount
    counts["users"] = len(gone)
    if any(counts.values()):
        audit.record(db, "system", "retention.prune", counts)  # counts only: no one's id
    return counts
