"""Reading a catalogue folder and checking it, reporting every problem in one line each.

`read_catalogue_dir(path)` returns the parsed records and a list of `Problem`s. A problem names
the file, the row (CSV, counting the header as row 1) or item (YAML, with its line), the id, the
field and what is wrong. Errors block an import; warnings are printed and do not.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, ValidationError

from content import faq as faq_file
from content.files import (
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    MAX_GUIDE_BYTES,
    MAX_TABLE_BYTES,
    MAX_YAML_BYTES,
    decode,
    load_yaml,
    read_bytes,
)
from content.problems import Problem
from content.references import check_references, duplicates, unknown_tags
from content.schema import Center, Guide, Landmark, Lecture, Lesson
from content.tags import AUDIENCES, SERVICES, TOPICS

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
        out = {}
        for name in ("centers", "lectures", "lessons", "guides", "landmarks"):
            items = getattr(self, name)
            # One call per table, not one per row: a national catalogue has 100,000s of rows.
            out[name] = (
                _list_adapter(type(items[0])).dump_python(items, mode="json") if items else []
            )
        return out


@functools.cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter:
    return TypeAdapter(list[model])


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


def _csv_rows(reader, name: str, problems: list[Problem]):
    """The rows of a csv reader; a row it cannot parse (a field over the csv module's 131,072
    characters, an unclosed quote) ends the file with one problem."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(name, f"cannot be read as CSV: {exc}", row=reader.line_num))
            return
        yield values


_KEEP_EMPTY = frozenset(("lat", "lon", "id", "name"))  # empty is an error there, not a default


def _read_csv(
    text: str | None,
    name: str,
    columns: list[str],
    model: type[BaseModel],
    key: str,
    problems,
    seen: set | None = None,
    context: dict | None = None,
):
    """Valid (row, record) pairs; ids of every row, valid or not, go into `seen`
    (None there means the file could not be read at all)."""
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text))
    rows = _csv_rows(reader, name, problems)
    header = [h.strip() for h in next(rows, [])]
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        problems.append(Problem(name, "header: " + "; ".join(parts), row=1))
        return []
    if seen is not None:
        seen.add(_READABLE)
    out = []
    key_at = header.index(key)
    for rowno, cells in enumerate(rows, start=2):
        values = [v.strip() for v in cells]
        if not any(values):
            continue
        if max(map(len, cells)) > MAX_FIELD_CHARS:
            long = next(i for i, v in enumerate(cells) if len(v) > MAX_FIELD_CHARS)
            column = header[long] if long < len(header) else f"#{long + 1}"
            problems.append(
                Problem(
                    name,
                    f"is {len(cells[long]):,} characters long (at most {MAX_FIELD_CHARS:,})",
                    row=rowno,
                    field=column,
                )
            )
            continue
        ident = values[key_at] if len(values) > key_at else None
        if seen is not None and ident:
            seen.add(ident)
        if len(values) != len(header):
            problems.append(
                Problem(
                    name,
                    f"has {len(values)} fields, expected {len(header)} "
                    '(a comma inside a value needs "quotes")',
                    row=rowno,
                    id=ident,
                )
            )
            continue
        raw = {h: v for h, v in zip(header, values, strict=True) if v or h in _KEEP_EMPTY}
        try:
            out.append((rowno, model.model_validate(raw, context=context)))
        except ValidationError as exc:
            problems += _pydantic_problems(exc, file=name, row=rowno, id=ident)
    return out


def _yaml_items(text: str | None, name: str, problems: list[Problem]):
    """Yield (item number, line, raw dict) for a YAML list file; report syntax errors."""
    if text is None:
        return
    loaded = load_yaml(text, problems, name)
    if loaded is None:
        return
    data, node = loaded
    if data is None:
        return
    if not isinstance(data, list):
        problems.append(Problem(name, "must be a list of items (each starting with '- ')"))
        return
    for i, (item, sub) in enumerate(zip(data, node.value, strict=True), start=1):
        yield i, sub.start_mark.line + 1, item


def _read_yaml_list(
    text: str | None, name: str, model: type[BaseModel], problems, context: dict | None = None
):
    out = []
    for i, line, item in _yaml_items(text, name, problems):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item, dict):
            problems.append(Problem(name, "must be a mapping of fields", row=line, item=i))
            continue
        try:
            out.append((line, model.model_validate(item, context=context)))
        except ValidationError as exc:
            problems += _pydantic_problems(exc, file=name, row=line, item=i, id=ident)
    return out


_READABLE = object()  # marks a file whose rows could be read, valid or not


MAX_GUIDES = 500
SYNONYMS_FILE = "synonyms.csv"


def read_synonyms(text: str | None, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """A folder's own synonyms.csv (`variant,tag`): variant → the listed tags it means. A row
    whose tag is not listed is a warning and is ignored."""
    out: dict[str, tuple[str, ...]] = {}
    if text is None:
        return out
    rows = _csv_rows(csv.reader(io.StringIO(text)), SYNONYMS_FILE, problems)
    header = [h.strip() for h in next(rows, [])]
    if header[:2] != ["variant", "tag"]:
        problems.append(
            Problem(SYNONYMS_FILE, "header: must be 'variant,tag'", row=1, level="warning")
        )
        return out
    known = {**SERVICES, **TOPICS, **AUDIENCES}
    for rowno, values in enumerate(rows, start=2):
        variant, tag = (v.strip() for v in [*values, "", ""][:2])
        if not variant and not tag:
            continue
        if not variant or tag not in known:
            problems.append(
                Problem(
                    SYNONYMS_FILE,
                    f"{tag!r} is not a listed tag; this row is ignored",
                    row=rowno,
                    field="tag",
                    level="warning",
                )
            )
            continue
        out[variant] = (*out.get(variant, ()), tag)
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, RuntimeError, OSError):
        return False
    return True


def _guide_files(root: Path, problems: list[Problem]) -> list[Path]:
    folder = root / "guides"
    if folder.is_symlink() and not _inside(folder, root):
        problems.append(Problem("guides/", "is a symlink to a place outside the catalogue folder"))
        return []
    if not folder.is_dir():
        problems.append(Problem("guides/", "folder is missing"))
        return []
    paths = sorted(folder.glob("*.y*ml"))
    if len(paths) > MAX_GUIDES:
        problems.append(Problem("guides/", f"has {len(paths)} files (at most {MAX_GUIDES})"))
        return []
    return paths


def _read_guides(paths: list[Path], read, problems: list[Problem]):
    out = []
    for path in paths:
        name = f"guides/{path.name}"
        text = read(path, name, MAX_GUIDE_BYTES)
        loaded = None if text is None else load_yaml(text, problems, name)
        if loaded is None:
            continue
        raw = loaded[0]
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


def read_catalogue_dir(path: str | Path) -> tuple[CatalogueData, list[Problem]]:
    """Parse and check every file of the catalogue folder `path`; never raises on bad content.
    The digest covers the bytes of every file read."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_dir():
        return CatalogueData(), [Problem(str(path), "is not a folder")]
    digest = hashlib.sha256()

    def read(file: Path, name: str, limit: int = MAX_FILE_BYTES) -> str | None:
        data = read_bytes(file, path, problems, name, limit)
        if data is None:
            return None
        digest.update(name.encode() + b"\0" + data)
        return decode(data, problems, name)

    def text(name: str) -> str | None:
        return read(path / name, name, MAX_TABLE_BYTES if name.endswith(".csv") else MAX_FILE_BYTES)

    ctx = {"synonyms": {}}
    if (path / SYNONYMS_FILE).exists() or (path / SYNONYMS_FILE).is_symlink():
        ctx["synonyms"] = read_synonyms(text(SYNONYMS_FILE), problems)
    center_ids: set = set()
    centers = _read_csv(
        text("centers.csv"),
        "centers.csv",
        CENTER_COLUMNS,
        Center,
        "id",
        problems,
        center_ids,
        ctx,
    )
    landmarks = _read_csv(
        text("landmarks.csv"), "landmarks.csv", LANDMARK_COLUMNS, Landmark, "name", problems
    )
    lectures = _read_yaml_list(
        read(path / "lectures.yaml", "lectures.yaml", MAX_YAML_BYTES),
        "lectures.yaml",
        Lecture,
        problems,
        ctx,
    )
    lessons = _read_yaml_list(
        read(path / "lessons.yaml", "lessons.yaml", MAX_YAML_BYTES),
        "lessons.yaml",
        Lesson,
        problems,
        ctx,
    )
    guide_paths = _guide_files(path, problems)
    guides = _read_guides(guide_paths, read, problems)
    faq = _read_faq(path, text, problems)

    problems += duplicates("centers.csv", centers, lambda c: c.id)
    problems += duplicates("lectures.yaml", lectures, lambda c: c.id)
    problems += duplicates("lessons.yaml", lessons, lambda c: c.id)
    problems += duplicates("landmarks.csv", landmarks, lambda c: c.name, "name")
    guide_files = {p.stem for p in guide_paths}
    problems += check_references(
        centers, lectures, lessons, guides, landmarks, center_ids, guide_files, _READABLE
    )
    problems += unknown_tags(centers, lectures, lessons, guides)

    data = CatalogueData(
        centers=[c for _, c in centers],
        lectures=[x for _, x in lectures],
        lessons=[x for _, x in lessons],
        guides=[g for _, g in guides],
        landmarks=[x for _, x in landmarks],
        digest=digest.hexdigest()[:16],
        faq=faq,
    )
    return data, problems


def _read_faq(path: Path, text, problems: list[Problem]) -> list[faq_file.FaqEntry]:
    # Optional: without it, questions about Leling get the built-in answer (a warning).
    name = faq_file.FILE
    if not (path / name).exists():
        problems.append(
            Problem(
                name, "is missing; questions about Leling get the built-in answer", level="warning"
            )
        )
        return []
    entries = [e for _, e in _read_yaml_list(text(name), name, faq_file.FaqEntry, problems)]
    problems += [Problem(name, msg) for msg in faq_file.check(entries)]
    return entries


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that block an import."""
    return [p for p in problems if p.level == "error"]
