"""What an import would change, and whether that is too much to do without being asked.

An empty `lectures.yaml` is valid YAML and a valid (empty) catalogue file, but importing it
would remove every lecture and queue a "cancelled" notice to every subscriber. So before an
import replaces the catalogue, `diff` compares the records in the database with the new ones,
and `CatalogueDiff.too_much` names what goes beyond `MAX_REMOVED_SHARE`: a file that would lose
more than that share of its rows, or more than that share of the upcoming events removed or
cancelled. The import is then refused unless the operator says `--allow-removals`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from content.schedule import TZ

MAX_REMOVED_SHARE = 0.30
TABLES = ("centers", "lectures", "lessons", "guides", "landmarks")
FILES = {
    "centers": "centers.csv",
    "lectures": "lectures.yaml",
    "lessons": "lessons.yaml",
    "guides": "guides/",
    "landmarks": "landmarks.csv",
}
_KEY = {"landmarks": "name"}


@dataclass
class CatalogueDiff:
    """Ids added, changed and removed per table; events newly cancelled; upcoming events."""

    added: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)
    before: dict[str, int] = field(default_factory=dict)
    upcoming: int = 0  # lectures and lessons with sessions still to come, before the import
    upcoming_lost: int = 0  # of them, removed or cancelled by the import

    def too_much(self, share: float = MAX_REMOVED_SHARE) -> list[str]:
        """Why this import needs `--allow-removals` (empty when it does not)."""
        out = []
        for table in TABLES:
            old, gone = self.before.get(table, 0), len(self.removed.get(table, ()))
            if old and gone / old > share:
                out.append(f"{FILES[table]} would remove {gone} of {old} {table}")
        if self.upcoming and self.upcoming_lost / self.upcoming > share:
            out.append(
                f"{self.upcoming_lost} of {self.upcoming} upcoming events would be removed "
                "or cancelled"
            )
        return out

    def summary(self) -> str:
        """One line: per table +added ~changed -removed, and the newly cancelled events."""
        parts = []
        for table in TABLES:
            a, c, r = (len(d.get(table, ())) for d in (self.added, self.changed, self.removed))
            if a or c or r:
                parts.append(f"{table} +{a} ~{c} -{r}")
        if self.cancelled:
            parts.append(f"{len(self.cancelled)} cancelled")
        return ", ".join(parts) or "no changes"

    def as_dict(self) -> dict:
        """JSON-ready."""
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "cancelled": self.cancelled,
            "upcoming": self.upcoming,
            "upcoming_removed_or_cancelled": self.upcoming_lost,
        }


def _upcoming(rec: dict, now: datetime) -> bool:
    """Whether a lecture/lesson record still has sessions to come (cheap: no expansion)."""
    if rec.get("status") == "cancelled":
        return False
    if rec.get("starts_at"):
        return datetime.fromisoformat(rec["starts_at"]) >= now
    until = (rec.get("schedule") or {}).get("until")
    return until is None or until >= now.astimezone(TZ).date().isoformat()


def diff(old: dict[str, list[dict]], new: dict[str, list[dict]], now: datetime) -> CatalogueDiff:
    """Compare catalogue records (as `store.catalogue.read_catalogue` and
    `CatalogueData.records` give them)."""
    out = CatalogueDiff()
    for table in TABLES:
        key = _KEY.get(table, "id")
        before = {r[key]: r for r in old.get(table, ())}
        after = {r[key]: r for r in new.get(table, ())}
        out.before[table] = len(before)
        out.added[table] = sorted(set(after) - set(before))
        out.removed[table] = sorted(set(before) - set(after))
        out.changed[table] = sorted(k for k in set(before) & set(after) if before[k] != after[k])
        if table in ("lectures", "lessons"):
            for k, rec in before.items():
                if not _upcoming(rec, now):
                    continue
                out.upcoming += 1
                gone = k not in after
                cancelled = not gone and after[k].get("status") == "cancelled"
                if cancelled:
                    out.cancelled.append(k)
                out.upcoming_lost += gone or cancelled
    for d in (out.added, out.changed, out.removed):
        for table in [t for t, ids in d.items() if not ids]:
            del d[table]
    return out
