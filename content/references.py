"""Checks across a catalogue's records: unique ids, references that resolve, unique aliases.

`content.validate` reads the files; this module checks the records against each other. A
reference to a row that exists but has its own error is not reported again, and nothing is
checked against a file that could not be read at all.
"""

from __future__ import annotations

from content.districts import BY_NAME
from content.problems import Problem
from content.tags import AUDIENCES, SERVICES, TOPICS


def duplicates(file: str, rows, key, what="id") -> list[Problem]:
    """A problem for every record whose key was used by an earlier one."""
    seen: dict[str, int] = {}
    out = []
    for row, rec in rows:
        k = key(rec)
        if k in seen:
            out.append(
                Problem(
                    file,
                    f"{what} {k!r} is used twice (first at row/line {seen[k]})",
                    row=row,
                    id=k,
                    field=what,
                )
            )
        else:
            seen[k] = row
    return out


def check_references(
    centers, lectures, lessons, guides, landmarks, center_ids, guide_files, readable
) -> list[Problem]:
    """Checks across records. A reference to a row that exists but has its own error is not
    reported again, and nothing is checked against a file that could not be read at all."""
    out: list[Problem] = []
    by_id = {c.id: c for _, c in centers}
    for row, c in centers:
        d = BY_NAME.get(c.district)
        if d and not d.contains(c.lat, c.lon):
            out.append(
                Problem(
                    "centers.csv",
                    f"{c.lat},{c.lon} lies outside {c.district}'s "
                    "usual area; check the district or the coordinates",
                    row=row,
                    id=c.id,
                    field="lat",
                    level="warning",
                )
            )
    for file, items in (("lectures.yaml", lectures), ("lessons.yaml", lessons)):
        for line, ev in items:
            if ev.center is None:
                continue
            center = by_id.get(ev.center)
            if center is None:
                if ev.center in center_ids or readable not in center_ids:
                    continue
                out.append(
                    Problem(
                        file,
                        f"center {ev.center!r} is not in centers.csv",
                        row=line,
                        id=ev.id,
                        field="center",
                    )
                )
            elif ev.district and ev.district != center.district:
                out.append(
                    Problem(
                        file,
                        f"district {ev.district} differs from its center's ({center.district})",
                        row=line,
                        id=ev.id,
                        field="district",
                    )
                )
    guide_ids = {g.id for _, g in guides} | guide_files
    alias_owner: dict[str, str] = {}
    for name, g in guides:
        for rel in g.related:
            if rel not in guide_ids:
                out.append(
                    Problem(name, f"related guide {rel!r} does not exist", id=g.id, field="related")
                )
        for alias in [*g.aliases.zh, *g.aliases.en]:
            key = alias.lower()
            if alias_owner.setdefault(key, g.id) != g.id:
                out.append(
                    Problem(
                        name,
                        f"alias {alias!r} is also used by guide {alias_owner[key]!r}",
                        id=g.id,
                        field="aliases",
                    )
                )
    names: dict[str, str] = {}
    for row, lm in landmarks:
        for n in {lm.name, *lm.aliases}:
            owner = names.setdefault(n.lower(), lm.name)
            if owner != lm.name:
                out.append(
                    Problem(
                        "landmarks.csv",
                        f"alias {n!r} also names {owner!r}",
                        row=row,
                        id=lm.name,
                        field="aliases",
                    )
                )
    return out


def unknown_tags(centers, lectures, lessons, guides=()) -> list[Problem]:
    """A warning per tag that is neither listed nor a synonym of a listed one: the row imports
    and the tag is kept (and searchable as written), but no reply can translate it and the
    assistant will not offer it. `guides` are (file name, guide) pairs."""
    out = []
    for file, guide in guides:
        for tag in guide.topics:
            if tag not in TOPICS:
                out.append(
                    Problem(
                        file,
                        f"{tag!r} is not a listed topic: no class will be offered with this "
                        f"guide; add it to {SYNONYMS_HINT}",
                        id=guide.id,
                        field="topics",
                        level="warning",
                    )
                )
    checks = [("centers.csv", centers, (("services", SERVICES, "service"),))]
    checks.append(
        (
            "lectures.yaml",
            lectures,
            (("topics", TOPICS, "topic"), ("audience", AUDIENCES, "audience")),
        )
    )
    checks.append(("lessons.yaml", lessons, (("topics", TOPICS, "topic"),)))
    for file, records, fields in checks:
        for row, rec in records:
            for name, vocab, what in fields:
                for tag in getattr(rec, name):
                    if tag not in vocab:
                        out.append(
                            Problem(
                                file,
                                f"{tag!r} is not a listed {what}: imported as written; "
                                f"add it to {SYNONYMS_HINT}",
                                row=row,
                                id=rec.id,
                                field=name,
                                level="warning",
                            )
                        )
    return out


SYNONYMS_HINT = "synonyms.csv (variant,tag) to map it to a listed one"
