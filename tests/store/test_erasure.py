"""Erasure over the whole schema: every table is declared, and nothing about a forgotten user
is left in any column of any table (the audit log keeps only a keyed hash)."""

from store import (
    audit,
    desk_outbox,
    help_requests,
    inbox,
    sessions,
    staff_tokens,
    subscriptions,
    users,
    volunteers,
)

ME, OTHER = "telegram:4242", "web:other"


def _tables(db) -> set[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {r[0] for r in rows}


def _rows_mentioning(db, needle: str) -> dict[str, int]:
    """Rows of each table with `needle` in any column (text or not)."""
    found = {}
    for table in _tables(db):
        cols = [r[1] for r in db.execute(f"PRAGMA table_info([{table}])").fetchall()]
        where = " OR ".join(f"instr(CAST([{c}] AS TEXT), ?) > 0" for c in cols)
        n = db.execute(f"SELECT count(*) FROM [{table}] WHERE {where}", [needle] * len(cols))
        count = n.fetchone()[0]
        if count:
            found[table] = count
    return found


def _everything_about(db, uid: str) -> None:
    users.update(db, uid, home_district="朝阳区", prefer_voice=1)
    sessions.save(db, uid, {"history": ["我老伴摔倒了"], "lang": "zh"})
    sub, _ = subscriptions.add(db, uid, "lecture", "lec-capital-series")
    db["reminders"].insert(
        {
            "subscription_id": sub["id"],
            "user_id": uid,
            "event_kind": "lecture",
            "event_id": "lec-capital-series",
            "occurrence": "2026-12-05T19:30:00+08:00",
            "offset_minutes": 60,
            "due_at": "2026-12-05T10:30:00+00:00",
            "idem_key": f"{uid}:lec:1",
        }
    )
    ann = db["announcements"].insert({"author": "operator", "audience": "{}", "text": "hi"})
    db["deliveries"].insert(
        {"announcement_id": ann.last_pk, "user_id": uid, "idem_key": f"{uid}:ann:1"}
    )
    help_requests.create(db, uid, "stuck", {"asked": ["我卡住了"], "user": uid})
    inbox.add(db, uid, {"text": "明天下午两点上课"}, f"{uid}:lec:1")
    users.set_active(db, uid, False, reason="blocked")  # an audit entry naming the user
    # The help desk: a volunteer, the code they used, a message waiting for them.
    volunteers.redeem(db, uid, volunteers.invite(db, "operator", org="东城区乐龄学习中心"))
    desk_outbox.add(db, uid, "relay", "求助 #1 的用户说：谢谢")
    # A one-time link from WeChat to the web chat (store/web_links.py).
    from store import web_links

    web_links.issue(db, uid)
    staff_tokens.issue(db, uid)  # a one-time sign-in link to the staff pages


def test_every_table_declares_where_it_keeps_a_user_id(db):
    declared = set(users.USER_COLUMNS) | set(users.NO_USER_DATA)
    missing = _tables(db) - declared
    assert missing == set(), (
        f"tables {sorted(missing)} are in neither store.users.USER_COLUMNS nor NO_USER_DATA: "
        "say which column holds the user's id, so erasure (/forget) covers them"
    )
    assert set(users.USER_COLUMNS) & set(users.NO_USER_DATA) == set()
    assert set(declared) - _tables(db) == set(), "a declared table is not in the schema"


def test_forget_leaves_nothing_about_the_user_in_any_table(db):
    _everything_about(db, ME)
    _everything_about(db, OTHER)
    before = _rows_mentioning(db, ME)
    assert {"users", "sessions", "subscriptions", "reminders", "deliveries"} <= set(before)
    assert {"help_requests", "inbox", "audit_log"} <= set(before)

    deleted = users.forget(db, ME)

    assert _rows_mentioning(db, ME) == {}
    assert deleted == {
        "users": 1,
        "sessions": 1,
        "subscriptions": 1,
        "reminders": 1,
        "deliveries": 1,
        "help_requests": 1,
        "inbox": 1,
        "volunteers": 1,
        "volunteer_invites": 1,
        "desk_outbox": 1,
        "web_links": 1,
        "staff_tokens": 1,
    }
    # The other user is untouched, and still named in the audit log.
    assert set(_rows_mentioning(db, OTHER)) == set(before)


def test_the_audit_log_keeps_only_a_keyed_hash(db):
    _everything_about(db, ME)
    users.forget(db, ME)
    alias = audit.pseudonym(db, ME)
    assert alias.startswith("user:") and ME not in alias
    actions = {(e["actor"], e["action"]) for e in audit.entries(db)}
    assert (alias, "user.forget") in actions
    assert all(ME not in e["detail"] for e in audit.entries(db))
    assert any(alias in e["detail"] for e in audit.entries(db, "user.inactive"))
    # Keyed: the same id gives the same alias here, but not a plain hash of the id.
    import hashlib

    assert hashlib.sha256(ME.encode()).hexdigest()[:24] not in alias
    assert audit.pseudonym(db, ME) == alias


def test_export_follows_the_same_declaration(db):
    _everything_about(db, ME)
    doc = users.export(db, ME)
    for table in users.USER_COLUMNS:
        if table not in ("users", "sessions"):
            assert len(doc[table]) == 1, table
    assert users.counts(db, ME)["reminders"] == 1
