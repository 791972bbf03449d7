"""Every per-user and per-event query in store/ uses an index (issue #16).

The test does not keep a list of queries: it calls every public function of every module in
`store/` (arguments chosen by parameter name), records the SQL each one runs through the
connection's trace callback, and asks SQLite for the plan of each statement. A statement whose
bound values include the test's user, subscription, event or announcement is a per-user or
per-event query; its plan may not SCAN a table that grows with users. A new store function is
covered as soon as it exists; one with a parameter name the test does not know fails with a
message saying which name to add to `ARGS`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import store
from store.db import open_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)
LOCAL_ID = "plan-user-7"
USER = f"telegram:{LOCAL_ID}"
SUB = 424242
EVENT = "lec-plan-event"
OCCURRENCE = "2026-12-06T19:00:00+08:00"
ANNOUNCEMENT = 535353
ROW = 616161  # one of USER's reminder rows
REQUEST = 717171  # one of USER's help requests

# Tables that do not grow with users: scanning them is fine.
SMALL_TABLES = {
    "centers",
    "lectures",
    "lessons",
    "guides",
    "landmarks",
    "catalogue_meta",
    "sqlite_master",
    "sqlite_schema",
}
# Values that mark a statement as per-user or per-event (as they appear in expanded SQL).
MARKERS = re.compile(
    rf"'{re.escape(USER)}'|'{LOCAL_ID}'|\b{SUB}\b|'{EVENT}'|\b{ANNOUNCEMENT}\b|\b{ROW}\b|\b{REQUEST}\b"
)

# Arguments by parameter name (optional parameters too, so filters are exercised).
ARGS = {
    "user_id": USER,
    "user_ids": [USER],
    "name": LOCAL_ID,  # users.find: an operator's short form of a user id
    "subscription_id": SUB,
    "subscription_ids": [SUB],
    "sub_id": SUB,
    "announcement_id": ANNOUNCEMENT,
    "id": ANNOUNCEMENT,  # store/announcements.py (the agreed interface names it `id`)
    "audience": {"district": "朝阳区"},
    "sender": USER,
    "sender_user_id": USER,
    "on": False,
    "request_id": REQUEST,
    "row_id": ROW,
    "row_ids": [ROW],
    "ids": [ROW],
    "now": NOW,
    "stale_before": NOW,
    "due": NOW,
    "when": NOW,
    "limit": 10,
    "days": 365,
    "after_id": 0,
    "kib": 1024,
    "error": "timeout",
    "status": "failed",
    "statuses": ["pending", "sent"],
    "lang": "zh",
    "reason": "stuck",
    "context": {"guide": "send_photo"},
    "actor": USER,
    "action": "user.forget",
    "detail": {"user": USER},
    "kind": "lecture",
    "target_id": EVENT,
    "event_kind": "lecture",
    "event_id": EVENT,
    "occurrence": OCCURRENCE,
    "active": False,
    "late": False,
    "payload": "/subscribe" + "x" * 80,
    "data": "k:AAAAAAAAAAAAAAAA",
    "records": {"centers": []},
    "meta": {"source": "test"},
    "inserts": [(SUB, USER, "lecture", EVENT, OCCURRENCE, -60, NOW.isoformat(), "k-new")],
    "updates": [(NOW.isoformat(), -30, ROW)],
    "deletes": [ROW],
    "snapshots": [("lecture", EVENT, OCCURRENCE, "{}")],
    "state": {"lang": "zh"},
    "message": {"text": "提醒您", "buttons": []},
    "key": "k-inbox",
    "value": "v",  # store.catalogue.set_meta
    "sql": "SELECT * FROM users WHERE id = ?",  # store.db.fetch_one
    "params": [USER],
    "text": "你好",  # the help desk (store/desk_outbox.py, help_requests, volunteers)
    "volunteer_id": USER,
    "by": USER,
    "before": NOW.isoformat(),
    "code": "ABCDEFGH",
    "since": NOW,  # store.announcement_rows (the announcement courier's rows)
    "after": (NOW.isoformat(), 0),
    "exclude": (),
    "only": ("pending",),  # store.outbox_moves.Outbox.close
    "seconds": 60,
    "up_to": ROW,
    "start": "2026-12-01",  # usage events and the not-understood queue (#18)
    "end": "2027-01-01",
    "gap_minutes": 30,  # store.events.turns_between: a conversation's longest silence
    "rows": [],
    "group_key": "g000000000000",
    "intent": "find_center",
    "confidence": 0.3,
    "token": "not-a-token",  # store/staff_tokens.py
}
SKIP_PARAMS = {"db", "filter", "offsets", "claimed_at", "fields", "notices"}


def _seed(db) -> None:
    """One user with a bit of everything, and a few other users around them."""
    ex = db.conn.execute
    for uid in (USER, "telegram:1", "web:2"):
        ex(
            "INSERT INTO users (id, channel, created_at, quiet_start, quiet_end) "
            "VALUES (?, 'telegram', 'x', '21:00', '07:00')",
            [uid],
        )
        ex("INSERT INTO sessions (user_id, state, updated_at) VALUES (?, '{}', 'x')", [uid])
    ex(
        "INSERT INTO subscriptions (id, user_id, kind, target_id, active, created_at) "
        "VALUES (?, ?, 'lecture', ?, 1, 'x')",
        [SUB, USER, EVENT],
    )
    for i, status in enumerate(("pending", "claimed", "sent")):
        ex(
            "INSERT INTO reminders (id, subscription_id, user_id, event_kind, event_id, "
            "occurrence, offset_minutes, due_at, status, idem_key, claimed_at) "
            "VALUES (?, ?, ?, 'lecture', ?, ?, -60, ?, ?, ?, ?)",
            [ROW + i, SUB, USER, EVENT, OCCURRENCE, NOW.isoformat(), status, f"k{i}", "x"],
        )
    ex(
        "INSERT INTO reminder_events (event_kind, event_id, occurrence, snapshot) "
        "VALUES ('lecture', ?, ?, '{}')",
        [EVENT, OCCURRENCE],
    )
    ex(
        "INSERT INTO announcements (id, author, audience, text, created_at) "
        "VALUES (?, 'volunteer', '{}', 'hello', 'x')",
        [ANNOUNCEMENT],
    )
    ex(
        "INSERT INTO deliveries (announcement_id, user_id, idem_key) VALUES (?, ?, 'd1')",
        [ANNOUNCEMENT, USER],
    )
    ex(
        "INSERT INTO help_requests (id, user_id, reason, context, created_at) "
        "VALUES (?, ?, 'stuck', '{}', 'x')",
        [REQUEST, USER],
    )
    ex(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES ('x', ?, 'user.inactive', '{}')",
        [USER],
    )
    db.conn.commit()


def _store_functions():
    for info in pkgutil.iter_modules(store.__path__):
        module = importlib.import_module(f"store.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters.values())
            if params and params[0].name == "db":
                yield f"store.{info.name}.{name}", fn, params[1:]


def _outbox_moves():
    """The shared moves of a send (store/outbox_moves.py), once for each outbox table."""
    from store.outbox_moves import TABLES, Outbox

    for table in TABLES:
        outbox = Outbox(table)
        for name, method in inspect.getmembers(outbox, inspect.ismethod):
            params = list(inspect.signature(method).parameters.values())
            if not name.startswith("_") and params and params[0].name == "db":
                yield f"store.outbox_moves.Outbox({table}).{name}", method, params[1:]


STORE_FUNCTIONS = sorted([*_store_functions(), *_outbox_moves()], key=lambda f: f[0])


def _arguments(qualname: str, params) -> tuple[list, dict]:
    args, kwargs = [], {}
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in SKIP_PARAMS:
            continue
        if p.name not in ARGS:
            if p.default is not p.empty:
                continue
            pytest.fail(f"{qualname}: add a value for parameter {p.name!r} to ARGS")
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = ARGS[p.name]
        else:
            args.append(ARGS[p.name])
    return args, kwargs


def _traced(fn, args, kwargs) -> list[str]:
    db = open_db(":memory:")
    _seed(db)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        result = fn(db, *args, **kwargs)
        if inspect.isgenerator(result):
            list(result)
    except (ValueError, KeyError, LookupError):
        pass  # the SQL run before the error is still checked
    finally:
        db.conn.set_trace_callback(None)
    plans = []
    for sql in statements:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head not in ("SELECT", "UPDATE", "DELETE", "INSERT", "WITH") or not MARKERS.search(sql):
            continue
        rows = db.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        plans.append((sql, [r[3] for r in rows]))
    db.conn.close()
    return plans


def _full_scans(details: list[str]) -> list[str]:
    bad = []
    for detail in details:
        m = re.match(r"SCAN (\S+)", detail)
        if not m or m.group(1) in SMALL_TABLES or detail.startswith("SCAN CONSTANT ROW"):
            continue
        if "VIRTUAL TABLE" in detail:
            continue
        bad.append(detail)
    return bad


@pytest.mark.parametrize(
    ("qualname", "fn", "params"), STORE_FUNCTIONS, ids=[f[0] for f in STORE_FUNCTIONS]
)
def test_per_user_and_per_event_queries_use_an_index(qualname, fn, params):
    args, kwargs = _arguments(qualname, params)
    for sql, details in _traced(fn, args, kwargs):
        assert not _full_scans(details), f"{qualname} scans a growing table:\n{sql}\n{details}"


def test_the_trace_sees_the_per_user_queries():
    """Guard against the test going blind (e.g. the trace no longer expanding parameters)."""
    from store import users

    plans = _traced(users.forget, [USER], {})
    tables = " ".join(sql for sql, _ in plans)
    for table in ("reminders", "deliveries", "help_requests", "sessions", "subscriptions"):
        assert f"[{table}]" in tables or f" {table} " in tables, table
    assert len(STORE_FUNCTIONS) > 30


def test_a_scan_is_caught():
    db = open_db(":memory:")
    details = [
        r[3]
        for r in db.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT * FROM reminders WHERE last_error = '{USER}'"
        )
    ]
    assert _full_scans(details) == ["SCAN reminders"]


def test_every_foreign_key_is_indexed():
    """Deleting a user or an announcement checks the child tables by their foreign key."""
    db = open_db(":memory:")
    tables = [r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        fks = db.conn.execute(f"PRAGMA foreign_key_list([{table}])").fetchall()
        leading = {
            db.conn.execute(f"PRAGMA index_info([{idx[1]}])").fetchone()[2]
            for idx in db.conn.execute(f"PRAGMA index_list([{table}])").fetchall()
        }
        pk = [r[1] for r in db.conn.execute(f"PRAGMA table_info([{table}])") if r[5] == 1]
        leading |= set(pk[:1])
        for fk in fks:
            assert fk[3] in leading, f"{table}.{fk[3]} (→ {fk[2]}) has no index"
