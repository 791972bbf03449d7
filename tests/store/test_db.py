"""The SQLite file: WAL mode, schema version, forward migrations."""

import sqlite3

import pytest

from store import db as store_db
from store.db import SCHEMA_VERSION, NewerSchemaError, open_db, schema_version


def test_new_file_is_migrated_to_latest_in_wal_mode(tmp_path):
    db = open_db(tmp_path / "a.db")
    assert schema_version(db) == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for table in (
        "centers",
        "lectures",
        "lessons",
        "guides",
        "landmarks",
        "users",
        "sessions",
        "subscriptions",
        "reminders",
        "deliveries",
        "announcements",
        "audit_log",
        "help_requests",
    ):
        assert db[table].exists(), table


def test_reopening_does_not_migrate_again(tmp_path):
    open_db(tmp_path / "a.db")["users"].insert({"id": "t:1", "channel": "t", "created_at": "x"})
    db = open_db(tmp_path / "a.db")
    assert db["users"].count == 1


def test_a_pending_migration_runs_once_and_forward(tmp_path, monkeypatch):
    open_db(tmp_path / "a.db").conn.close()
    calls = []

    def v2(db):
        calls.append(1)
        db.create_table("extra", {"id": int}, pk="id")

    monkeypatch.setattr(store_db, "MIGRATIONS", [*store_db.MIGRATIONS, v2])
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", len(store_db.MIGRATIONS))
    db = store_db.open_db(tmp_path / "a.db")
    assert schema_version(db) == SCHEMA_VERSION + 1 and db["extra"].exists()
    store_db.open_db(tmp_path / "a.db")
    assert calls == [1]


def test_a_failing_migration_leaves_the_old_version(tmp_path, monkeypatch):
    open_db(tmp_path / "a.db").conn.close()

    def broken(db):
        db.create_table("half", {"id": int}, pk="id")
        raise RuntimeError("boom")

    monkeypatch.setattr(store_db, "MIGRATIONS", [*store_db.MIGRATIONS, broken])
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", len(store_db.MIGRATIONS))
    with pytest.raises(RuntimeError):
        store_db.open_db(tmp_path / "a.db")
    conn = sqlite3.connect(tmp_path / "a.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name='half'").fetchone()


def test_a_newer_database_is_refused_with_a_clear_message(tmp_path):
    conn = sqlite3.connect(tmp_path / "new.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(NewerSchemaError, match="Upgrade Leling"):
        open_db(tmp_path / "new.db")


def test_every_migration_is_atomic(tmp_path, monkeypatch):
    """Each real migration, made to fail at its very end, leaves nothing behind."""
    for n in range(1, SCHEMA_VERSION + 1):
        path = tmp_path / f"m{n}.db"
        monkeypatch.setattr(store_db, "MIGRATIONS", store_db.MIGRATIONS[: n - 1])
        monkeypatch.setattr(store_db, "SCHEMA_VERSION", n - 1)
        store_db.open_db(path).conn.close()
        before = (
            sqlite3.connect(path).execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
        )
        monkeypatch.undo()
        real = store_db.MIGRATIONS[n - 1]

        def failing(db, real=real):
            real(db)
            raise RuntimeError("power cut")

        monkeypatch.setattr(store_db, "MIGRATIONS", [*store_db.MIGRATIONS[: n - 1], failing])
        monkeypatch.setattr(store_db, "SCHEMA_VERSION", n)
        with pytest.raises(RuntimeError):
            store_db.open_db(path)
        monkeypatch.undo()
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == n - 1, n
        after = conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
        assert after == before, f"migration {n} left {set(after) - set(before)}"


def _open_at_once(path, barrier, errors) -> None:
    try:
        barrier.wait(timeout=30)
        open_db(path).conn.close()
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from None


@pytest.mark.slow
def test_eight_processes_opening_a_new_database_at_once_never_race(tmp_path):
    # The audit: four processes opening a brand-new file crashed 7 times in 48 ("table
    # [centers] already exists") because the version was read before the write lock.
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    for round_ in range(20):
        path = tmp_path / f"race-{round_}.db"
        barrier = ctx.Barrier(8)
        procs = [ctx.Process(target=_open_at_once, args=(path, barrier, errors)) for _ in range(8)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=60)
        codes = [p.exitcode for p in procs]
        failures = []
        while not errors.empty():
            failures.append(errors.get())
        assert codes == [0] * 8 and not failures, (round_, codes, failures)
        db = open_db(path)
        assert schema_version(db) == SCHEMA_VERSION and db["centers"].exists()
        db.conn.close()


def test_checkpoints_in_background_leave_the_wal_to_another_thread(tmp_path, monkeypatch):
    """`leling run` checkpoints the WAL on the dispatcher's thread: a connection opened after
    `checkpoint_in_background()` does not checkpoint when it commits past SQLite's 1,000 pages
    (what made one forget-me in thirty take 10-20 ms); `checkpoint` then copies it all."""
    monkeypatch.setattr(store_db, "_autocheckpoint", None)
    store_db.checkpoint_in_background()
    path = tmp_path / "a.db"
    writer = open_db(path)
    assert writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == (
        store_db.BACKGROUND_CHECKPOINT_PAGES
    )
    before = path.stat().st_size
    blob = "x" * 3000
    for i in range(3):  # ~1,800 pages in three commits
        with writer.conn:
            writer.conn.executemany(
                "INSERT INTO audit_log (at, actor, action, detail) VALUES ('t', 'a', 'b', ?)",
                ((f"{blob}{i}-{k}",) for k in range(600)),
            )
    assert path.stat().st_size == before  # all of it still in the WAL only
    assert store_db.checkpoint(open_db(path)) > 1_000
    assert path.stat().st_size > before + 1_000 * 4096  # now in the database file


def test_by_default_a_connection_checkpoints_by_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(store_db, "_autocheckpoint", None)
    path = tmp_path / "b.db"
    db = open_db(path)
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    before = path.stat().st_size
    with db.conn:
        db.conn.executemany(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES ('t', 'a', 'b', ?)",
            ((f"{'x' * 3000}{k}",) for k in range(1_800)),
        )
    assert path.stat().st_size > before + 1_000 * 4096  # the commit checkpointed
