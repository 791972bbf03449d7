"""Moving a catalogue between its folder and the database.

`import_dir` validates a folder and replaces the database catalogue with it atomically; a folder
with any error changes nothing, and neither does one that would remove or cancel too much
(`content.diff`) unless the caller allows removals. `load_catalogue` builds the in-memory `Catalogue` from the
database. `ensure_catalogue` is what start-up calls.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from content import faq
from content.catalogue import Catalogue
from content.diff import CatalogueDiff, diff
from content.schedule import TZ
from content.schema import Center, Guide, Landmark, Lecture, Lesson
from content.spatial import CenterTable
from content.validate import CatalogueData, Problem, errors, read_catalogue_dir
from store import audit
from store.catalogue import (
    catalogue_meta,
    read_catalogue,
    read_center_columns,
    read_snapshot,
    replace_catalogue,
    set_meta,
)

log = logging.getLogger(__name__)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a catalogue is parsed: 100,000s of new,
    acyclic objects made its collections walk every live object again and again, about half
    the CPU of an import (issue #16). Reference counting still frees everything."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass
class ImportResult:
    """What an import did: the counts per table, or the problems that stopped it."""

    ok: bool
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""
    diff: CatalogueDiff | None = None
    refused: list[str] = field(default_factory=list)  # why it would remove too much

    def refusal(self) -> str:
        """The one line an operator sees when the import was refused for removing too much."""
        return (
            f"refused: {'; '.join(self.refused)} ({self.diff.summary()}). Nothing was changed; "
            "check the files, or run again with --allow-removals if this is intended."
        )


def import_dir(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    actor: str = "operator",
    source: str | None = None,
    allow_removals: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Validate the catalogue folder `path` and, if it has no errors and does not remove or
    cancel more than `MAX_REMOVED_SHARE` of a file or of the upcoming events (unless
    `allow_removals`), make it the catalogue."""
    with _no_gc():
        return _import_dir(db, Path(path), actor, source, allow_removals, now)


def folder_fingerprint(path: Path) -> str:
    """A hash of the names and bytes of every file in the folder `path` and below (a link by
    where it points, never followed): cheap next to validating the folder (about 0.1 s for
    100,000 centers instead of seconds)."""
    h = hashlib.sha256()
    for top, dirs, names in os.walk(path):  # links to folders are not followed
        dirs.sort()
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(top, d))]):
            file = os.path.join(top, name)
            h.update(os.path.relpath(file, path).encode() + b"\0")
            if os.path.islink(file):
                h.update(b"link:" + os.readlink(file).encode())
            else:
                with open(file, "rb") as f:
                    h.update(hashlib.file_digest(f, "sha256").digest())
    return h.hexdigest()[:16]


def _import_dir(db, path: Path, actor, source, allow_removals, now) -> ImportResult:
    files = folder_fingerprint(path)  # before reading: a change meanwhile shows next time
    data, problems = read_catalogue_dir(path)
    if errors(problems):
        return ImportResult(False, problems=problems, digest=data.digest)
    records = data.records()
    change = diff(read_catalogue(db), records, now or datetime.now(TZ))
    refused = [] if allow_removals else change.too_much()
    if refused:
        return ImportResult(
            False, problems=problems, digest=data.digest, diff=change, refused=refused
        )
    meta = {
        "source": source or str(path.resolve()),
        "digest": data.digest,
        "files": files,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "faq": faq.dumps(data.faq),
    }
    counts = replace_catalogue(db, records, meta)
    audit.record(
        db,
        actor,
        "content.import",
        {"source": meta["source"], "counts": counts, "changes": change.summary()},
    )
    log.info("catalogue imported by %s from %s: %s (%s)", actor, path, counts, change.summary())
    return ImportResult(True, counts=counts, problems=problems, digest=data.digest, diff=change)


def _center_table(db: sqlite_utils.Database) -> CenterTable:
    # Columns, not objects: a national catalogue has hundreds of thousands of centers, and
    # validating each at start-up took seconds; a center is validated when first used.
    rows = read_center_columns(db)
    services: dict[str | None, list[str]] = {}  # few distinct lists: parse each once
    for r in rows:
        if r[7] not in services:
            services[r[7]] = json.loads(r[7]) if r[7] else []
    records = [r[8] for r in rows]
    return CenterTable(
        [r[0] for r in rows],
        [r[4] for r in rows],
        [r[5] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        [r[6] for r in rows],
        [services[r[7]] for r in rows],
        lambda i: Center.model_validate_json(records[i]),
    )


def load_catalogue(db: sqlite_utils.Database) -> Catalogue:
    """The catalogue currently in the database, in memory (one consistent snapshot, even while
    another process imports)."""
    with _no_gc(), read_snapshot(db):
        rec = read_catalogue(db, skip=("centers",))
        centers = _center_table(db)
        meta = catalogue_meta(db)
    data = CatalogueData(
        centers=centers,
        lectures=[Lecture.model_validate(r) for r in rec["lectures"]],
        lessons=[Lesson.model_validate(r) for r in rec["lessons"]],
        guides=[Guide.model_validate(r) for r in rec["guides"]],
        landmarks=[Landmark.model_validate(r) for r in rec["landmarks"]],
        digest=meta.get("digest", ""),
        faq=faq.loads(meta.get("faq")),
    )
    return Catalogue(data)


def ensure_catalogue(db: sqlite_utils.Database, content_dir: Path, *, explicit: bool) -> Catalogue:
    """At start-up: load `content_dir` when the database needs it, then return the catalogue.

    The folder is imported when the database has no catalogue yet, or when it changed since it
    was last imported from the same place. A catalogue an operator imported by hand from
    elsewhere is kept unless `explicit` (LELING_CONTENT was set). A folder with errors never
    replaces a working catalogue: the errors are logged and the old one stays.
    """
    meta = catalogue_meta(db)
    source = str(Path(content_dir).resolve())
    same_place = meta.get("source") == source
    if meta and not explicit and not same_place:
        return load_catalogue(db)
    if meta and same_place:
        # Unchanged files (the usual start-up): no need to read and validate the folder again.
        files = folder_fingerprint(content_dir)
        if files == meta.get("files"):
            return load_catalogue(db)
        data, _ = read_catalogue_dir(content_dir)
        if data.digest == meta.get("digest"):  # changed elsewhere than in what is imported
            set_meta(db, "files", files)
            return load_catalogue(db)
    result = import_dir(db, content_dir, actor="startup")
    if not result.ok:
        for p in errors(result.problems):
            log.error("%s", p)
        if result.refused:
            log.error("%s: %s", content_dir, result.refusal())
        if not meta:
            raise CatalogueError(content_dir, result.problems)
        log.error("keeping the catalogue imported before from %s", meta.get("source"))
    return load_catalogue(db)


class CatalogueError(RuntimeError):
    """The catalogue folder has errors and there is no earlier catalogue to fall back on."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in errors(problems)[:20])
        super().__init__(f"the catalogue in {path} has errors:\n{lines}")
