"""Which center does the user mean? "海淀那个老年大学", "望京乐龄中心", "东城分校", "朝阳社区学院".

Fuzzy string scores alone confuse sixteen "北京老年开放大学…分校"; what pins a center down is the
district, street and kind people mention. So each center scores points for the district, the
street and the kind named (from the NLU's entities and a plain scan of the text), loses when a
different district or kind is named, and fuzzy similarity only breaks ties.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from content.catalogue import Catalogue
from content.districts import DISTRICTS
from content.gazetteer import KIND_ALIASES
from content.schema import Center

_STREET_SUFFIXES = ("街道", "地区", "镇", "乡")


def _short_street(name: str) -> str:
    for suffix in _STREET_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _mentions(text: str, entities: dict[str, list[str]]) -> tuple[set[str], set[str], set[str]]:
    low = text.lower()
    districts = set(entities.get("district", []))
    for d in DISTRICTS:
        if d.short in text or d.en.lower() in low:
            districts.add(d.name)
    kinds = set(entities.get("kind", []))
    for kind, aliases in KIND_ALIASES.items():
        if any(a.lower() in low for a in aliases):
            kinds.add(kind)
    streets = {_short_street(s) for s in entities.get("street", [])}
    return districts, kinds, streets


def match_centers(
    cat: Catalogue, text: str, entities: dict[str, list[str]], limit: int = 3
) -> list[tuple[Center, float]]:
    """Centers the text may name, best first, with a score (≥ 2 means a real match)."""
    districts, kinds, streets = _mentions(text, entities)
    low = text.lower()
    scored: list[tuple[Center, float]] = []
    for c in cat.centers.values():
        score = 0.0
        if districts:
            if c.district not in districts:
                continue
            score += 2
        if kinds:
            if c.kind not in kinds:
                continue
            score += 2
        short = _short_street(c.street) if c.street else ""
        if short and (short in text or short in streets):
            score += 3
        if c.name in text or (c.name_en and c.name_en.lower() in low):
            score += 5
        if "分校" in text and "分校" in c.name:
            score += 1
        if c.id in low.split():
            score += 5
        score += fuzz.partial_ratio(c.name, text) / 100.0
        if c.name_en:
            score += fuzz.partial_ratio(c.name_en.lower(), low) / 200.0
        scored.append((c, score))
    scored.sort(key=lambda cs: (-cs[1], cs[0].id))
    return scored[:limit]


def pick(scored: list[tuple[Center, float]]) -> Center | None:
    """The one center meant, when the best score is a real match and clearly ahead."""
    if not scored or scored[0][1] < 2:
        return None
    if len(scored) > 1 and scored[0][1] - scored[1][1] < 0.9:
        return None
    return scored[0][0]
