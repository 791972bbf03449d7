"""Rasa 3.x NLU training data: loading and annotation parsing.

One YAML file per intent (`nlu/data/<lang>/<intent>.yml`) plus `_entities.yml` for synonyms,
lookup tables and regexes; the held-out set under `tests/nlu/<lang>/` has the same format.
Annotations are Rasa's: `[朝阳](district)`, `[朝杨区]{"entity": "district", "value": "朝阳区"}`
and the older shorthand `[朝杨区](district:朝阳区)`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ANNOTATION = re.compile(r"\[(?P<text>[^\[\]]+)\](?:\((?P<short>[^()]+)\)|(?P<json>\{[^{}]*\}))")
LEDGER_NAME = "_test_failures.yaml"


@dataclass(frozen=True)
class Annotation:
    """One annotated entity of an example: offsets into the plain text."""

    entity: str
    start: int
    end: int
    text: str
    value: str | None = None  # None: the text itself (to be resolved to a canonical value)


@dataclass(frozen=True)
class Example:
    """One training or test sentence with its intent and annotations."""

    text: str
    intent: str
    entities: tuple[Annotation, ...] = ()
    source: str = ""


@dataclass
class EntityData:
    """Synonyms (alias → canonical), lookup tables (entity → names) and regexes (name → patterns)."""

    synonyms: dict[str, str] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Dataset:
    """Every example and entity table of one language, plus the problems found while loading."""

    lang: str
    examples: list[Example] = field(default_factory=list)
    entity_data: EntityData = field(default_factory=EntityData)
    errors: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def intents(self) -> list[str]:
        """Sorted intent names present in the examples."""
        return sorted({ex.intent for ex in self.examples})


def parse_annotated(raw: str) -> tuple[str, tuple[Annotation, ...], list[str]]:
    """Strip Rasa annotations from one example line: (plain text, annotations, problems)."""
    problems: list[str] = []
    out: list[str] = []
    anns: list[Annotation] = []
    pos = 0
    length = 0
    for m in ANNOTATION.finditer(raw):
        before = raw[pos : m.start()]
        out.append(before)
        length += len(before)
        text = m.group("text")
        entity, value = None, None
        if m.group("short"):
            entity, _, value = m.group("short").partition(":")
            value = value.strip() or None
        else:
            try:
                spec = json.loads(m.group("json"))
                entity, value = spec.get("entity"), spec.get("value")
            except (json.JSONDecodeError, AttributeError):
                problems.append(f"bad annotation JSON {m.group('json')!r}")
        if entity:
            anns.append(Annotation(entity.strip(), length, length + len(text), text, value))
        elif not problems:
            problems.append(f"annotation without an entity name: {m.group(0)!r}")
        out.append(text)
        length += len(text)
        pos = m.end()
    out.append(raw[pos:])
    plain = "".join(out)
    if re.search(r"\]\s*[({]", plain):
        problems.append("unparsed annotation left in the text")
    return plain, tuple(anns), problems


def _examples_of(block) -> list[str]:
    """Example strings of a Rasa `examples:` value (a `- ` list in a string, or a YAML list)."""
    if isinstance(block, str):
        lines = [ln.strip() for ln in block.splitlines()]
        return [ln[1:].strip() for ln in lines if ln.startswith("-")]
    if isinstance(block, list):
        return [
            str(item.get("text", "")) if isinstance(item, dict) else str(item) for item in block
        ]
    return []


def load_file(path: Path, dataset: Dataset) -> None:
    """Add the examples and entity tables of one Rasa YAML file to `dataset`."""
    name = path.name
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        dataset.errors.append(f"{name}: cannot read ({exc})")
        return
    dataset.files.append(path)
    if not isinstance(doc, dict):
        dataset.errors.append(f"{name}: top level must be a mapping with `nlu:`")
        return
    if str(doc.get("version", "")) != "3.1":
        dataset.errors.append(f'{name}: `version: "3.1"` expected, got {doc.get("version")!r}')
    items = doc.get("nlu") or []
    if not isinstance(items, list):
        dataset.errors.append(f"{name}: `nlu:` must be a list")
        return
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            dataset.errors.append(f"{name}: nlu item {n} is not a mapping")
            continue
        examples = _examples_of(item.get("examples"))
        if "intent" in item:
            intent = str(item["intent"])
            if not examples:
                dataset.errors.append(f"{name}: intent {intent} has no examples")
            for raw in examples:
                text, anns, problems = parse_annotated(raw)
                source = f"{name}: {raw}"
                dataset.errors.extend(f"{source}: {p}" for p in problems)
                if not text.strip():
                    dataset.errors.append(f"{source}: empty example")
                    continue
                dataset.examples.append(Example(text.strip(), intent, anns, source))
        elif "synonym" in item:
            for alias in examples:
                dataset.entity_data.synonyms[alias] = str(item["synonym"])
        elif "lookup" in item:
            dataset.entity_data.lookups.setdefault(str(item["lookup"]), []).extend(examples)
        elif "regex" in item:
            dataset.entity_data.regexes.setdefault(str(item["regex"]), []).extend(examples)
        else:
            dataset.errors.append(f"{name}: nlu item {n} has none of intent/synonym/lookup/regex")


def load_language(directory: Path, lang: str) -> Dataset:
    """Every `*.yml`/`*.yaml` file of one language folder (the ledger file is not data)."""
    dataset = Dataset(lang)
    if not directory.is_dir():
        dataset.errors.append(f"{directory}: no such folder")
        return dataset
    for path in sorted(directory.glob("*.y*ml")):
        if path.name != LEDGER_NAME:
            load_file(path, dataset)
    return dataset


def load_ledger(path: Path) -> list[dict]:
    """The known-failures ledger: a YAML list of `{text, expected_intent[, note]}`; absent → []."""
    if not path.is_file():
        return []
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(doc, list) or not all(
        isinstance(e, dict) and "text" in e and "expected_intent" in e for e in doc
    ):
        raise ValueError(f"{path}: expected a list of {{text, expected_intent}} mappings")
    return doc


def dedup_key(text: str) -> str:
    """The key under which two examples count as duplicates: case, spaces, punctuation ignored."""
    return re.sub(r"[\W_]+", "", text.lower())
