"""The console's catalogue work, done with the same code as `leling content import`.

`preview` is the CLI's `--dry-run` (`bot.commands.content_import.preview_import`: validation,
then the import and the re-planning on a throw-away copy of the database); `publish` is the
CLI's import (`apply_import`). Both open their own connection to the database file, as the CLI
does from another process, and run on a worker thread; the running service picks the new
catalogue up like any import (bot/catalogue_watch.py). `history` lists the audit log's imports;
`export_zip` writes the catalogue in the database back out as a folder, zipped, in the formats
of docs/contracts.md (so a download, edited and uploaded again, is a normal import).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import yaml

from bot.commands.content_import import ImportPreview, apply_import, preview_import
from content import faq
from content.validate import CENTER_COLUMNS, LANDMARK_COLUMNS
from store import audit
from store.catalogue import catalogue_meta, catalogue_version, read_catalogue, read_snapshot
from store.db import open_db


def _with_db(path: Path, fn, *args, **kwargs):
    db = open_db(path)
    try:
        return fn(db, *args, **kwargs)
    finally:
        db.conn.close()


def preview(db_path: Path, folder: Path, now: datetime) -> ImportPreview:
    """What publishing `folder` would do (nothing is changed)."""
    return _with_db(db_path, preview_import, folder, now)


def publish(db_path: Path, folder: Path, now: datetime, *, actor: str, source: str, allow: bool):
    """Import `folder` for real and re-plan: (result, plan), as `apply_import`."""
    return _with_db(
        db_path, apply_import, folder, now, actor=actor, source=source, allow_removals=allow
    )


def version(db_path: Path) -> list[str]:
    """The loaded catalogue's (digest, imported_at), to notice an import made meanwhile."""
    return list(_with_db(db_path, catalogue_version))


def history(db, limit: int = 50) -> list[dict]:
    """The latest catalogue imports, newest first: at, actor, source, counts, changes."""
    return [
        {
            "at": e["at"],
            "actor": e["actor"],
            "source": e["detail"].get("source", ""),
            "counts": e["detail"].get("counts") or {},
            "changes": e["detail"].get("changes", ""),
        }
        for e in audit.latest(db, "content.import", limit=limit)
    ]


def record_publish(db, actor: str, detail: dict) -> None:
    """The console's own audit entry beside the import's: what was uploaded and confirmed."""
    audit.record(db, actor, "admin.catalogue.publish", detail)


def last_publish(db, actor: str) -> dict | None:
    """The detail of `actor`'s latest console publish (changes, notices), or None."""
    found = audit.latest(db, "admin.catalogue.publish", actor=actor)
    return found[0]["detail"] if found else None


class _Dumper(yaml.SafeDumper):
    """Plain YAML: no anchors or aliases (the validator refuses them)."""

    def ignore_aliases(self, data) -> bool:
        return True


def _yaml(value) -> bytes:
    text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return text.encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for rec in rows:
        writer.writerow([_cell(rec.get(c)) for c in columns])
    return out.getvalue().encode("utf-8")


def catalogue_files(db) -> dict[str, bytes]:
    """The catalogue in the database as the files of a catalogue folder (name → bytes)."""
    with read_snapshot(db):
        rec = read_catalogue(db)
        meta = catalogue_meta(db)
    files = {
        "centers.csv": _csv(rec["centers"], CENTER_COLUMNS),
        "landmarks.csv": _csv(rec["landmarks"], LANDMARK_COLUMNS),
        "lectures.yaml": _yaml(rec["lectures"]),
        "lessons.yaml": _yaml(rec["lessons"]),
    }
    entries = faq.loads(meta.get("faq"))
    if entries:
        files[faq.FILE] = _yaml([e.model_dump(mode="json", exclude_none=True) for e in entries])
    for guide in rec["guides"]:
        files[f"guides/{guide['id']}.yaml"] = _yaml(guide)
    return files


def export_zip(db) -> bytes:
    """`catalogue_files` as a zip (deflated)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in catalogue_files(db).items():
            z.writestr(name, body)
    return buf.getvalue()
