"""Usage events: what happened, when, on which channel and in which district — never what
anyone wrote (docs/privacy.md). The monthly report and the /admin usage pages are computed from
these rows (bot/report/metrics.py).

One row per event: `at` (Beijing time, "+08:00", indexed), `kind` (see KINDS), `user_key` (a keyed
pseudonym, so active users can be counted without storing who they are: an HMAC of the user id
and the time their user row was made, under the database's audit key — when the person is
erased their user row goes, and with it the only way to link the pseudonym to them or to their
future use: nothing in the events needs deleting), `channel` ("telegram", "web", "wechat",
"terminal"), `district`, `intent`, and a small JSON `detail` (a guide id and step, a reminder's
lateness, a help request's wait in seconds — ids and numbers only).

Recording is one INSERT (a few microseconds; bench/events.py). Code that runs inside a
conversation turn need not pass `at`: the engine sets the turn's clock with `turn_clock`, so
events recorded by the store (a subscription, a help request) carry the same injected time as
the turn that caused them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

TZ = ZoneInfo("Asia/Shanghai")

# The kinds of event and what their `detail` holds.
KINDS = frozenset(
    {
        "turn",  # one message answered; intent = what was understood
        "guide_started",  # detail {"guide": id, "steps": n}
        "guide_step",  # detail {"guide": id, "step": n} (a step reached, moving forward)
        "guide_finished",  # detail {"guide": id, "steps": n}
        "guide_abandoned",  # detail {"guide": id, "step": n} (the step the user left on)
        "subscribed",  # detail {"kind": "lecture"|"lesson"|"filter", "target": id|None}
        "reminder_sent",  # detail {"late": 0|1, "kind": "reminder"|"notice"}
        "reminder_failed",  # detail {"kind": "reminder"|"notice"}
        "help_created",  # detail {"request": id, "reason": "stuck"|…}
        "help_claimed",  # detail {"request": id, "wait_s": seconds since created}
        "help_closed",  # detail {"request": id, "open_s": seconds since created}
        "announcement_sent",  # detail {"announcement": id, "sent": n, "failed": n, …}
        "not_understood",  # one message answered as out of scope or asked back
    }
)

_clock: ContextVar[datetime | None] = ContextVar("leling_event_clock", default=None)


@contextlib.contextmanager
def turn_clock(now: datetime) -> Iterator[None]:
    """Meanwhile, events recorded without `at` (on this thread/task) happen at `now`."""
    token = _clock.set(now)
    try:
        yield
    finally:
        _clock.reset(token)


def current() -> datetime:
    """Now: the turn's time inside `turn_clock`, else the wall clock (aware)."""
    return _clock.get() or datetime.now(TZ)


def stamp(at: datetime | None = None) -> str:
    """The stored form of an event time: Beijing time, whole seconds, "+08:00"."""
    when = at or current()
    if when.tzinfo is None:
        when = when.replace(tzinfo=TZ)
    return when.astimezone(TZ).replace(microsecond=0).isoformat()


def channel_of(user_id: str | None) -> str | None:
    """The channel a user id belongs to ("telegram:42" → "telegram")."""
    if not user_id or ":" not in user_id:
        return None
    return user_id.split(":", 1)[0]


def user_key(
    db: sqlite_utils.Database, user_id: str | None, since: str | None = None
) -> str | None:
    """The pseudonym an event stores for `user_id` ("user:3f9a…"): a keyed hash of the id and
    `since`, the user row's `created_at` (looked up when not given). After an erasure the row is
    gone, so the pseudonym can no longer be recomputed or linked to the person's later use.

    The key is read once per connection object and kept on it (events are recorded every turn).
    """
    if not user_id:
        return None
    key = getattr(db, "_leling_event_key", None)
    if key is None:
        from store.audit import _key

        key = _key(db)
        db._leling_event_key = key  # type: ignore[attr-defined]
    if since is None:
        row = db.conn.execute("SELECT created_at FROM users WHERE id = ?", [user_id]).fetchone()
        since = (row[0] if row else None) or ""
    message = f"{user_id}\n{since}".encode()
    return "user:" + hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


_INSERT = (
    "INSERT INTO events (at, kind, user_key, channel, district, intent, detail) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def row(
    db: sqlite_utils.Database,
    kind: str,
    *,
    user_id: str | None = None,
    channel: str | None = None,
    district: str | None = None,
    intent: str | None = None,
    detail: dict | None = None,
    at: datetime | None = None,
    user_since: str | None = None,
) -> tuple:
    """The values of one event row (for `record_many`); `user_since` is the user row's
    `created_at` when the caller has it (saves a look-up)."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    return (
        stamp(at),
        kind,
        user_key(db, user_id, user_since),
        channel or channel_of(user_id),
        district or None,
        intent,
        json.dumps(detail, ensure_ascii=False, separators=(",", ":")) if detail else None,
    )


def record(db: sqlite_utils.Database, kind: str, **fields) -> None:
    """Append one event (no user text: ids, names of intents and districts, numbers); `fields`
    are `row`'s keywords: user_id, channel, district, intent, detail, at.

    Inside the caller's transaction when one is open (then committed with it), else committed at
    once.
    """
    record_many(db, [row(db, kind, **fields)])


def record_many(db: sqlite_utils.Database, rows: Iterable[tuple], *, commit: bool = True) -> None:
    """Append several events made with `row` in one statement and one commit. `commit=False`:
    leave the rows in the open transaction for the caller's next commit (the engine: the
    session save that ends every turn), so recording adds no commit of its own."""
    rows = list(rows)
    if not rows:
        return
    conn = db.conn
    outer = conn.in_transaction
    if len(rows) == 1:
        conn.execute(_INSERT, rows[0])
    else:
        conn.executemany(_INSERT, rows)
    if commit and not outer:
        conn.commit()


def between(
    db: sqlite_utils.Database,
    start: str,
    end: str,
    kinds: Iterable[str] | None = None,
    district: str | None = None,
) -> list[dict]:
    """Events with `start` <= at < `end` (stored-form strings or dates "2026-12-01"), oldest
    first, `detail` decoded; only `kinds` and `district` when given."""
    where = ["at >= ?", "at < ?"]
    args: list = [start, end]
    if kinds is not None:
        kinds = list(kinds)
        where.append(f"kind IN ({','.join('?' * len(kinds))})")
        args += kinds
    if district:
        where.append("district = ?")
        args.append(district)
    cur = db.conn.execute(
        "SELECT at, kind, user_key, channel, district, intent, detail FROM events "
        f"WHERE {' AND '.join(where)} ORDER BY at, id",
        args,
    )
    out = []
    for at, kind, key, channel, dist, intent, detail in cur.fetchall():
        out.append(
            {
                "at": at,
                "kind": kind,
                "user_key": key,
                "channel": channel,
                "district": dist,
                "intent": intent,
                "detail": json.loads(detail) if detail else {},
            }
        )
    return out


def turns_between(
    db: sqlite_utils.Database, start: str, end: str, gap_minutes: int, district: str | None = None
) -> list[tuple]:
    """One row per turn with `start` <= at < `end`: (day "2026-12-01", channel, district,
    user_key, 1 when it starts a conversation — the person's first turn, or the first after more
    than `gap_minutes` of silence — else 0)."""
    where = "kind = 'turn' AND at >= :start AND at < :end"
    if district:
        where += " AND district = :district"
    sql = (
        "SELECT substr(at, 1, 10), channel, district, user_key, "
        "(prev IS NULL OR (julianday(at) - julianday(prev)) * 1440 > :gap) FROM ("
        "SELECT id, at, channel, district, user_key, LAG(at) OVER ("
        "PARTITION BY coalesce(user_key, 'event:' || id) ORDER BY at, id) AS prev "
        f"FROM events WHERE {where})"
    )
    args = {"start": start, "end": end, "gap": gap_minutes, "district": district}
    return db.conn.execute(sql, args).fetchall()


def intents_between(
    db: sqlite_utils.Database, start: str, end: str, district: str | None = None
) -> dict[str, int]:
    """How many turns with `start` <= at < `end` each intent answered ("?" for none)."""
    out: dict[str, int] = {}
    for (intent,) in db.conn.execute(
        "SELECT intent FROM events WHERE kind = 'turn' AND at >= ? AND at < ?"
        + (" AND district = ?" if district else ""),
        [start, end, *([district] if district else [])],
    ):
        out[intent or "?"] = out.get(intent or "?", 0) + 1
    return out


def purge_older(db: sqlite_utils.Database, days: int, now: datetime | None = None) -> int:
    """Delete events more than `days` old (the retention policy); returns how many went."""
    cutoff = stamp((now or datetime.now(TZ)) - timedelta(days=days))
    with db.conn:
        return db.conn.execute("DELETE FROM events WHERE at < ?", [cutoff]).rowcount
