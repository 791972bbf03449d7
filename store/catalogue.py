"""Catalogue tables: replace them all in one transaction, read them back."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import sqlite_utils
from pydantic_core import to_json

from store.db import transaction

# table -> the columns kept beside the JSON record (for operators' SQL and indexes).
CATALOGUE_TABLES: dict[str, tuple[str, ...]] = {
    "centers": ("id", "name", "kind", "district", "street", "lat", "lon"),
    "lectures": ("id", "district", "center", "status"),
    "lessons": ("id", "district", "center", "status"),
    "guides": ("id",),
    "landmarks": ("name", "district", "lat", "lon"),
}


def replace_catalogue(
    db: sqlite_utils.Database,
    records: Mapping[str, Iterable[dict]],
    meta: Mapping[str, str],
) -> dict[str, int]:
    """Replace every catalogue table with `records` and `meta` atomically; return row counts.

    Either the whole new catalogue is in the database afterwards, or (on any error) the old one
    is untouched.
    """
    counts: dict[str, int] = {}
    with transaction(db):
        for table, columns in CATALOGUE_TABLES.items():
            db.execute(f"DELETE FROM [{table}]")
            cols = [*columns, "record"]
            sql = (
                f"INSERT INTO [{table}] ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
            )
            rows = [
                # pydantic-core's encoder: a quarter of json.dumps's CPU at 100,000 centers
                [*(rec.get(c) for c in columns), to_json(rec).decode()]
                for rec in records.get(table, ())
            ]
            db.conn.executemany(sql, rows)
            counts[table] = len(rows)
        db.execute("DELETE FROM catalogue_meta")
        db.conn.executemany(
            "INSERT INTO catalogue_meta (key, value) VALUES (?, ?)",
            [(k, str(v)) for k, v in meta.items()],
        )
    return counts


def read_catalogue(db: sqlite_utils.Database, skip: Iterable[str] = ()) -> dict[str, list[dict]]:
    """Every catalogue record, by table, in insertion order (tables in `skip` left out)."""
    return {
        table: [
            json.loads(r[0]) for r in db.execute(f"SELECT record FROM [{table}] ORDER BY rowid")
        ]
        for table in CATALOGUE_TABLES
        if table not in skip
    }


@contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """Run the reads inside in ONE read transaction, so an import committed by another process
    meanwhile is seen entirely or not at all (WAL snapshot isolation). Re-entrant."""
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN")
    try:
        yield
    finally:
        db.conn.rollback()  # read only: nothing to keep


def catalogue_version(db: sqlite_utils.Database) -> tuple[str, str]:
    """(digest, imported_at) of the loaded catalogue: changes with every import."""
    meta = catalogue_meta(db)
    return meta.get("digest", ""), meta.get("imported_at", "")


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    """Set one entry of the catalogue's metadata (kept until the next import replaces it)."""
    with db.conn:
        db.execute("INSERT OR REPLACE INTO catalogue_meta (key, value) VALUES (?, ?)", [key, value])


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many records each catalogue table holds."""
    return {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in CATALOGUE_TABLES}


def catalogue_meta(db: sqlite_utils.Database) -> dict[str, str]:
    """Where the loaded catalogue came from (`source`, `digest`, `imported_at`); empty if none."""
    return {r[0]: r[1] for r in db.execute("SELECT key, value FROM catalogue_meta")}


def read_center_columns(db: sqlite_utils.Database) -> list[tuple]:
    """The centers as columns, in insertion order, for the in-memory table: rows of
    (id, kind, district, street, lat, lon, hours, services JSON, record JSON). SQLite's JSON
    functions pick hours and services out of each record, so no record is parsed in Python
    until its center is used."""
    return db.execute(
        "SELECT id, kind, district, street, lat, lon, json_extract(record, '$.hours'), "
        "json_extract(record, '$.services'), record FROM centers ORDER BY rowid"
    ).fetchall()
