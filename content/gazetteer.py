"""The name lists handed to the NLU: entity → canonical value → aliases.

`from_catalogue(data)` takes the loaded catalogue's streets (from its centers), landmarks and
guides, plus the fixed vocabularies in `content.districts` and `content.tags`, and adds the
English and colloquial aliases below. The NLU never imports this module: `bot.app.open_parser`
builds the gazetteer from the catalogue in the database and hands it to `nlu.load_parser`, so
after `leling content import DIR` a new street, landmark or guide alias is recognised (the
gazetteer is part of the model's fingerprint, so the model retrains once).

    >>> gaz = build(Path("content/data"))
    >>> gaz["district"]["朝阳区"][:3]
    ['朝阳区', '朝阳', 'Chaoyang']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from content.districts import DISTRICTS
from content.schema import Center, Guide, Landmark
from content.spatial import CenterTable
from content.tags import APPS, AUDIENCES, KINDS, SERVICES, TOPICS
from content.validate import CatalogueData, read_catalogue_dir

Gazetteer = dict[str, dict[str, list[str]]]

ENTITIES = ("district", "street", "landmark", "topic", "app", "guide", "kind", "audience", "mode")

STREET_SUFFIXES = ("街道办事处", "街道", "地区", "镇", "乡")

# Colloquial and English aliases, keyed by canonical value: the data file nlu/data/aliases.yml
# (one place, operator-editable, checked by `load_aliases`).
ALIASES_FILE = Path(__file__).resolve().parent.parent / "nlu" / "data" / "aliases.yml"
ALIAS_ENTITIES = ("topic", "app", "kind", "audience", "mode")


def _known(entity: str) -> set[str]:
    return {
        "topic": {*SERVICES, *TOPICS},
        "app": set(APPS),
        "kind": set(KINDS),
        "audience": set(AUDIENCES),
        "mode": {"online", "offline"},
    }[entity]


def load_aliases(path: Path = ALIASES_FILE) -> dict[str, dict]:
    """Entity → value → aliases from the aliases file, and `service_topic` (center service →
    class topic). Raises ValueError naming the file and
    the entry when a value is not a listed tag, an alias is not text, or one alias names two
    values of the same entity."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: must map topic/app/kind/audience/mode to values")
    out: dict[str, dict] = {}
    for entity in ALIAS_ENTITIES:
        table = raw.get(entity) or {}
        if not isinstance(table, dict):
            raise ValueError(f"{path.name}: {entity}: must map values to lists of words")
        seen: dict[str, str] = {}
        out[entity] = {}
        for value, aliases in table.items():
            value = str(value)
            if value not in _known(entity):
                raise ValueError(f"{path.name}: {entity} {value!r} is not a listed {entity}")
            if not isinstance(aliases, list) or not all(
                isinstance(a, str) and a.strip() for a in aliases
            ):
                raise ValueError(
                    f"{path.name}: {entity} {value!r}: aliases must be a list of words"
                )
            for alias in aliases:
                other = seen.setdefault(alias.strip().lower(), value)
                if other != value:
                    raise ValueError(
                        f"{path.name}: {entity} alias {alias!r} names both {other!r} and {value!r}"
                    )
            out[entity][value] = [a.strip() for a in aliases]
    pairs = raw.get("service_topic") or {}
    if not isinstance(pairs, dict) or not all(
        str(k) in SERVICES and str(v) in TOPICS for k, v in pairs.items()
    ):
        raise ValueError(
            f"{path.name}: service_topic must map center services to class topics "
            f"(both listed in content/tags.py)"
        )
    out["service_topic"] = {str(k): str(v) for k, v in pairs.items()}
    unknown = set(raw) - {*ALIAS_ENTITIES, "service_topic"}
    if unknown:
        raise ValueError(f"{path.name}: unknown section(s) {sorted(unknown)}")
    return out


_ALIASES = load_aliases()
TOPIC_ALIASES: dict[str, list[str]] = _ALIASES["topic"]
APP_ALIASES: dict[str, list[str]] = _ALIASES["app"]
KIND_ALIASES: dict[str, list[str]] = _ALIASES["kind"]
AUDIENCE_ALIASES: dict[str, list[str]] = _ALIASES["audience"]
MODE_ALIASES: dict[str, list[str]] = _ALIASES["mode"]
# A center service and the class topic teaching the same (摄影 ↔ 拍照): each list searches by its own.
SERVICE_TOPIC: dict[str, str] = _ALIASES["service_topic"]
TOPIC_SERVICE: dict[str, str] = {v: k for k, v in SERVICE_TOPIC.items()}

# Old district names merged in 2010/2015 and county-era names people still say.
DISTRICT_EXTRA: dict[str, list[str]] = {
    "东城区": ["崇文区", "崇文"],
    "西城区": ["宣武区", "宣武"],
    "密云区": ["密云县"],
    "延庆区": ["延庆县"],
}


def _add(table: dict[str, list[str]], value: str, *aliases: str | None) -> None:
    """Append aliases to `value`, keeping order and dropping blanks and duplicates."""
    entry = table.setdefault(value, [])
    for alias in aliases:
        alias = (alias or "").strip()
        if alias and alias not in entry:
            entry.append(alias)


def _strip_street(name: str) -> str:
    for suffix in STREET_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _districts(gaz: Gazetteer) -> None:
    table = gaz["district"]
    for d in DISTRICTS:
        _add(table, d.name, d.name, d.short, d.en, f"{d.en} district", d.slug, f"{d.slug} qu")
        _add(table, d.name, *DISTRICT_EXTRA.get(d.name, []))


def _street_names(centers: Iterable[Center]) -> list[str]:
    """The centers' streets; from a CenterTable (the catalogue as loaded from the database) its
    street column, so no Center has to be built for it."""
    if isinstance(centers, CenterTable):
        return list(centers.street.names)
    return [center.street for center in centers]


def _streets(gaz: Gazetteer, centers: Iterable[Center]) -> None:
    """Streets by catalogue name and without 街道/镇 — unless the short form names a district."""
    district_names = {a.lower() for aliases in gaz["district"].values() for a in aliases}
    for name in _street_names(centers):
        street = name.strip()
        if street:
            short = _strip_street(street)
            _add(gaz["street"], street, street, None if short in district_names else short)


def _landmarks(gaz: Gazetteer, landmarks: Iterable[Landmark]) -> None:
    for landmark in landmarks:
        _add(gaz["landmark"], landmark.name, landmark.name, *landmark.aliases)


def _guides(gaz: Gazetteer, guides: Iterable[Guide]) -> None:
    for guide in guides:
        names = [guide.title.zh, guide.title.en, *guide.aliases.zh, *guide.aliases.en]
        _add(gaz["guide"], guide.id, *names)


def _vocabularies(gaz: Gazetteer) -> None:
    for tag, label in {**SERVICES, **TOPICS}.items():
        _add(gaz["topic"], tag, tag, *TOPIC_ALIASES.get(tag, []), label)
    for app, label in APPS.items():
        _add(gaz["app"], app, app, *APP_ALIASES.get(app, []), label)
    for kind, (zh, en) in KINDS.items():
        _add(gaz["kind"], kind, zh, *KIND_ALIASES.get(kind, []), en)
    for audience in AUDIENCES:
        _add(gaz["audience"], audience, audience, *AUDIENCE_ALIASES.get(audience, []))
    for mode, aliases in MODE_ALIASES.items():
        _add(gaz["mode"], mode, *aliases)


def from_catalogue(data: CatalogueData) -> Gazetteer:
    """Entity → canonical value → aliases for one catalogue (`Catalogue.data`, as loaded from
    the database, or a folder read by `content.validate.read_catalogue_dir`).

    The canonical value is always the first alias for Chinese-named values (districts, streets,
    landmarks, topics, apps). Toneless-pinyin spellings of street and landmark names
    ("wangjing") are added by the NLU when it trains, not here.
    """
    gaz: Gazetteer = {name: {} for name in ENTITIES}
    _districts(gaz)
    _streets(gaz, data.centers)
    _landmarks(gaz, data.landmarks)
    _guides(gaz, data.guides)
    _vocabularies(gaz)
    return gaz


def build(catalogue_dir: Path) -> Gazetteer:
    """The gazetteer of the catalogue folder `catalogue_dir` (tests and benchmarks; the service
    and the CLI use the catalogue in the database, `bot.app.open_parser`). Rows with errors and
    missing files are left out, so a partial folder still yields districts, tags and aliases."""
    data, _ = read_catalogue_dir(catalogue_dir)
    return from_catalogue(data)
