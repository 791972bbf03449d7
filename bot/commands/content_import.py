"""`leling content validate DIR` and `leling content import DIR [--dry-run] [--allow-removals]`.

(Registered by `bot/commands/content.py`; kept apart because importing is the part that changes
data: validation, the removal guard, the dry run on a copy of the database, re-planning.)
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import open_database, parse_now
from bot.config import Settings
from content.load import ImportResult, import_dir, load_catalogue
from content.validate import errors, read_catalogue_dir
from scheduler.planning import replan_all
from store import reminders
from store.db import open_db


def cmd_validate(args) -> int:
    data, problems = read_catalogue_dir(args.dir)
    bad = errors(problems)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not bad,
                    "errors": [str(p) for p in bad],
                    "warnings": [str(p) for p in problems if p.level == "warning"],
                },
                ensure_ascii=False,
            )
        )
    else:
        for p in problems:
            print(p)
        counts = (
            f"{len(data.centers)} centers, {len(data.lectures)} lectures, "
            f"{len(data.lessons)} lessons, {len(data.guides)} guides, "
            f"{len(data.landmarks)} landmarks"
        )
        if bad:
            print(f"{len(bad)} error(s) in {args.dir}; nothing was changed.")
        else:
            print(f"OK: {counts}.")
    return 1 if bad else 0


@dataclass
class ImportPreview:
    """What importing a folder would do, found by doing it on a throw-away copy of the database:
    the import's result (problems, diff), the re-planning's report, why it would be refused
    without `allow_removals`, and the subscriber notices that would go out (one dict per event:
    `event_kind`, `event_id`, `change`, `title`, `people`)."""

    result: ImportResult
    plan: object | None
    refused: list[str]
    notices: list[dict] = field(default_factory=list)


def _planned_notices(db, after_id: int) -> list[dict]:
    """The pending notices planned after outbox row `after_id`, one dict per event."""
    out = []
    for kind, event_id, change, title, people in reminders.notices_after(db, after_id):
        zh, en = (json.loads(title) + [None, None])[:2] if title else (None, None)
        out.append(
            {
                "event_kind": kind,
                "event_id": event_id,
                "change": change,
                "title": {"zh": zh, "en": en or zh},
                "people": people,
            }
        )
    return out


def preview_import(db, folder, now, *, allow_removals: bool = False) -> ImportPreview:
    """Import and re-plan into a throw-away copy of the database: the real effect, nothing kept.
    The CLI's `--dry-run` and the /admin console's diff both come from here."""
    with tempfile.TemporaryDirectory(prefix="leling-dry-run-") as tmp:
        copy = sqlite3.connect(str(Path(tmp) / "copy.db"))
        try:
            db.conn.backup(copy)
        finally:
            copy.close()
        scratch = open_db(Path(tmp) / "copy.db")
        try:
            last = reminders.last_id(scratch)
            result = import_dir(
                scratch, folder, actor="dry-run (a copy)", allow_removals=True, now=now
            )
            plan = replan_all(scratch, load_catalogue(scratch), now) if result.ok else None
            notices = _planned_notices(scratch, last) if result.ok else []
        finally:
            scratch.conn.close()
    refused = result.diff.too_much() if result.diff and not allow_removals else []
    return ImportPreview(result, plan, refused, notices)


def apply_import(db, folder, now, *, actor="operator", source=None, allow_removals=False):
    """Validate and import `folder` for real, then re-plan the reminders (notices for cancelled
    or moved events): (result, plan); plan is None when the import did not happen."""
    result = import_dir(
        db, folder, actor=actor, source=source, allow_removals=allow_removals, now=now
    )
    plan = replan_all(db, load_catalogue(db), now) if result.ok else None
    return result, plan


def _print_diff(diff) -> None:
    for label, per_table in (
        ("added", diff.added),
        ("changed", diff.changed),
        ("removed", diff.removed),
    ):
        for table, ids in per_table.items():
            shown = ", ".join(ids[:20]) + (f", … ({len(ids) - 20} more)" if len(ids) > 20 else "")
            print(f"{label} {table} ({len(ids)}): {shown}")
    if diff.cancelled:
        print(f"cancelled ({len(diff.cancelled)}): {', '.join(diff.cancelled)}")


def cmd_import(args) -> int:
    settings = Settings.from_env()
    db = open_database(settings)
    now = parse_now(args.now, settings)
    if args.dry_run:
        preview = preview_import(db, args.dir, now, allow_removals=args.allow_removals)
        result, plan, refused = preview.result, preview.plan, preview.refused
    else:
        # Cancelled or moved events notify their subscribers; new matching events get reminders.
        result, plan = apply_import(db, args.dir, now, allow_removals=args.allow_removals)
        refused = result.refused
    voice = None
    if result.ok and not refused and not args.dry_run:
        # guides recorded with the online voice, so they sound good offline later
        from bot.voice.warm import warm_guides

        voice = warm_guides(load_catalogue(db))
    if args.json:
        print(
            json.dumps(
                {
                    "ok": result.ok and not refused,
                    "dry_run": args.dry_run,
                    "counts": result.counts,
                    "errors": [str(p) for p in errors(result.problems)],
                    "refused": refused,
                    "changes": result.diff.as_dict() if result.diff else None,
                    "reminders": plan.as_dict() if plan else None,
                },
                ensure_ascii=False,
            )
        )
        return 0 if result.ok and not refused else 1
    for p in result.problems:
        print(p)
    if errors(result.problems):
        print(
            f"{len(errors(result.problems))} error(s); the catalogue in {settings.db} "
            "was not changed."
        )
        return 1
    if args.dry_run:
        _print_diff(result.diff)
        print(f"Dry run: {result.diff.summary()}.")
        if plan is not None:
            print(
                f"{plan.notices} subscriber notice(s) about cancelled or moved events would go out."
            )
        if refused:
            print(f"The import would be refused: {'; '.join(refused)} (--allow-removals to allow).")
        print(f"Nothing was changed in {settings.db}.")
        return 1 if refused else 0
    if refused:
        print(result.refusal())
        return 1
    print(
        "Imported: "
        + ", ".join(f"{n} {t}" for t, n in result.counts.items())
        + f" into {settings.db} ({result.diff.summary()})."
    )
    if plan.notices:
        print(f"{plan.notices} subscriber notice(s) about cancelled or moved events will be sent.")
    if voice:
        print(voice)
    return 0
