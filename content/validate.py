"""Reading a catalogue folder and checking it, reporting every problem in one line each.

`read_catalogue_dir(path)` returns the parsed records and a list of `Problem`s. A problem names
the file, the row (CSV, counting the header as row 1) or item (YAML, with its line), the id, the
field and what is wrong. Errors block an import; warnings are printed and do not.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ValidationError

from content import faq as faq_file
from content.districts import BY_NAME
from content.schema import Center, Guide, Landmark, Lecture, Lesson

CENTER_COLUMNS = [
    "id",
    "name",
    "name_en",
    "kind",
    "district",
    "street",
    "address",
    "lat",
    "lon",
    "phone",
    "hours",
    "services",
    "accessible",
    "url",
]
LANDMARK_COLUMNS = ["name", "aliases", "district", "lat", "lon"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue, precise enough to find and fix."""

    file: str
    message: str
    row: int | None = None  # CSV row (header = 1) or YAML line
    item: int | None = None  # YAML list position, 1-based
    id: str | None = None
    field: str | None = None
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file
        if self.item is not None:
            where += f" item {self.item}"
            if self.row is not None:
                where += f" (line {self.row})"
        elif self.row is not None:
            where += f" row {self.row}"
        if self.id:
            where += f" [id {self.id}]"
        what = f"field '{self.field}': " if self.field else ""
        prefix = "warning: " if self.level == "warning" else ""
        return f"{prefix}{where}: {what}{self.message}"


@dataclass
class CatalogueData:
    """The parsed content of one catalogue folder."""

    centers: list[Center] = field(default_factory=list)
    lectures: list[Lecture] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    guides: list[Guide] = field(default_factory=list)
    landmarks: list[Landmark] = field(default_factory=list)
    digest: str = ""
    faq: list[faq_file.FaqEntry] = field(default_factory=list)

    def records(self) -> dict[str, list[dict]]:
        """JSON-ready dicts per table, for the store."""
        return {
            name: [m.model_dump(mode="json") for m in getattr(self, name)]
            for name in ("centers", "lectures", "lessons", "guides", "landmarks")
        }


_FIELD_FIRST = re.compile(r"^([a-z_]+): (.*)$", re.S)


def _pydantic_problems(exc: ValidationError, **where) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        named = _FIELD_FIRST.match(msg)
        if named and err["type"] == "value_error":  # model-level checks name their field first
            loc = f"{loc}.{named[1]}" if loc else named[1]
            msg = named[2]
        if err["type"] == "missing":
            msg = "is required but missing"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known field (check the spelling)"
        elif err["type"] in ("float_parsing", "int_parsing"):
            msg = f"{err.get('input')!r} is not a number"
        elif err["type"] == "literal_error":
            msg = f"{err.get('input')!r} is not one of {err['ctx']['expected']}"
        out.append(Problem(field=loc or None, message=msg, **where))
    return out


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        problems.append(Problem(path.name, "file is missing"))
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(path.name, f"is not UTF-8 (bad byte at offset {exc.start}); save it as UTF-8")
        )
    return None


def _read_csv(
    path: Path,
    columns: list[str],
    model: type[BaseModel],
    key: str,
    problems,
    seen: set | None = None,
):
    """Valid (row, record) pairs; ids of every row, valid or not, go into `seen`
    (None there means the file could not be read at all)."""
    text = _read_text(path, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        problems.append(Problem(path.name, "header: " + "; ".join(parts), row=1))
        return []
    if seen is not None:
        seen.add(_READABLE)
    out = []
    for rowno, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        ident = values[header.index(key)].strip() if len(values) > header.index(key) else None
        if seen is not None and ident:
            seen.add(ident)
        if len(values) != len(header):
            problems.append(
                Problem(
                    path.name,
                    f"has {len(values)} fields, expected {len(header)} "
                    '(a comma inside a value needs "quotes")',
                    row=rowno,
                    id=ident,
                )
            )
            continue
        raw = {h: v.strip() for h, v in zip(header, values, strict=True)}
        raw = {k: v for k, v in raw.items() if v != "" or k in ("lat", "lon", "id", "name")}
        try:
            out.append((rowno, model.model_validate(raw)))
        except ValidationError as exc:
            problems += _pydantic_problems(exc, file=path.name, row=rowno, id=ident)
    return out


def _yaml_items(path: Path, problems: list[Problem], display: str | None = None):
    """Yield (item number, line, raw dict) for a YAML list file; report syntax errors."""
    name = display or path.name
    text = _read_text(path, problems)
    if text is None:
        return
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(
            Problem(
                name,
                f"is not valid YAML: {getattr(exc, 'problem', exc)}",
                row=mark.line + 1 if mark else None,
            )
        )
        return
    if data is None:
        return
    if not isinstance(data, list):
        problems.append(Problem(name, "must be a list of items (each starting with '- ')"))
        return
    for i, (item, sub) in enumerate(zip(data, node.value, strict=True), start=1):
        yield i, sub.start_mark.line + 1, item


def _read_yaml_list(path: Path, model: type[BaseModel], problems: list[Problem]):
    out = []
    for i, line, item in _yaml_items(path, problems):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item, dict):
            problems.append(Problem(path.name, "must be a mapping of fields", row=line, item=i))
            continue
        try:
            out.append((line, model.model_validate(item)))
        except ValidationError as exc:
            problems += _pydantic_problems(exc, file=path.name, row=line, item=i, id=ident)
    return out


_READABLE = object()  # marks a file whose rows could be read, valid or not


def _read_guides(folder: Path, problems: list[Problem]):
    out = []
    if not folder.is_dir():
        problems.append(Problem("guides/", "folder is missing"))
        return out
    for path in sorted(folder.glob("*.y*ml")):
        name = f"guides/{path.name}"
        text = _read_text(path, problems)
        if text is None:
            continue
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(
                Problem(
                    name,
                    f"is not valid YAML: {getattr(exc, 'problem', exc)}",
                    row=mark.line + 1 if mark else None,
                )
            )
            continue
        if not isinstance(raw, dict):
            problems.append(Problem(name, "must be a mapping with id, title, steps"))
            continue
        try:
            guide = Guide.model_validate(raw)
        except ValidationError as exc:
            problems += _pydantic_problems(exc, file=name, id=raw.get("id"))
            continue
        if guide.id != path.stem:
            problems.append(
                Problem(
                    name,
                    f"id {guide.id!r} must match the file name {path.stem!r}",
                    id=guide.id,
                    field="id",
                )
            )
        out.append((name, guide))
    return out


def _duplicates(file: str, rows, key, what="id") -> list[Problem]:
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


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file() and p.suffix in (".csv", ".yaml", ".yml"):
            h.update(str(p.relative_to(path)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def read_catalogue_dir(path: str | Path) -> tuple[CatalogueData, list[Problem]]:
    """Parse and check every file of the catalogue folder `path`; never raises on bad content."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_dir():
        return CatalogueData(), [Problem(str(path), "is not a folder")]

    center_ids: set = set()
    centers = _read_csv(path / "centers.csv", CENTER_COLUMNS, Center, "id", problems, center_ids)
    landmarks = _read_csv(path / "landmarks.csv", LANDMARK_COLUMNS, Landmark, "name", problems)
    lectures = _read_yaml_list(path / "lectures.yaml", Lecture, problems)
    lessons = _read_yaml_list(path / "lessons.yaml", Lesson, problems)
    guides = _read_guides(path / "guides", problems)
    faq = _read_faq(path / faq_file.FILE, problems)

    problems += _duplicates("centers.csv", centers, lambda c: c.id)
    problems += _duplicates("lectures.yaml", lectures, lambda c: c.id)
    problems += _duplicates("lessons.yaml", lessons, lambda c: c.id)
    problems += _duplicates("landmarks.csv", landmarks, lambda c: c.name, "name")
    guide_files = {p.stem for p in (path / "guides").glob("*.y*ml")}
    problems += _check_references(
        centers, lectures, lessons, guides, landmarks, center_ids, guide_files
    )

    data = CatalogueData(
        centers=[c for _, c in centers],
        lectures=[x for _, x in lectures],
        lessons=[x for _, x in lessons],
        guides=[g for _, g in guides],
        landmarks=[x for _, x in landmarks],
        digest=_digest(path),
        faq=faq,
    )
    return data, problems


def _read_faq(path: Path, problems: list[Problem]) -> list[faq_file.FaqEntry]:
    # Optional: without it, questions about Leling get the built-in answer (a warning).
    if not path.exists():
        problems.append(
            Problem(
                path.name,
                "is missing; questions about Leling get the built-in answer",
                level="warning",
            )
        )
        return []
    entries = [e for _, e in _read_yaml_list(path, faq_file.FaqEntry, problems)]
    problems += [Problem(path.name, msg) for msg in faq_file.check(entries)]
    return entries


def _check_references(
    centers, lectures, lessons, guides, landmarks, center_ids, guide_files
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
                if ev.center in center_ids or _READABLE not in center_ids:
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


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that block an import."""
    return [p for p in problems if p.level == "error"]
