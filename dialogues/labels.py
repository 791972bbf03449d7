"""Catalogue tags, kinds and districts in the user's language."""

from __future__ import annotations

from content.districts import district
from content.tags import APPS, AUDIENCES, KINDS, SERVICES, TOPICS


def tag(value: str, lang: str) -> str:
    """A topic/service/app/audience tag: 亲子沟通 / parent-child communication."""
    if lang != "en":
        return value
    for table in (TOPICS, SERVICES, APPS, AUDIENCES):
        if value in table:
            return table[value]
    return value


def kind(value: str, lang: str) -> str:
    """A center kind: 老年大学 / elder university."""
    zh, en = KINDS.get(value, (value, value))
    return en if lang == "en" else zh


_EN_KINDS = {
    "elder_university": "elder universities",
    "leling_center": "Leling learning centers",
    "community_college": "community colleges",
    "community_school": "community schools",
    "family_education_center": "family education centers",
}


def kinds(value: str, lang: str) -> str:
    """A center kind as a plural: 老年大学 / elder universities."""
    return _EN_KINDS.get(value, kind(value, lang)) if lang == "en" else kind(value, lang)


def place(name: str, lang: str) -> str:
    """A district: 朝阳区 / Chaoyang District (other names unchanged)."""
    d = district(name)
    if d is None:
        return name
    return f"{d.en} District" if lang == "en" else d.name


_STREET_EN = (
    ("街道办事处", "Subdistrict"),
    ("街道", "Subdistrict"),
    ("地区", "Area"),
    ("镇", "Town"),
    ("乡", "Township"),
)


def street(name: str, lang: str) -> str:
    """A street (subdistrict) name: 望京街道 / Wangjing Subdistrict (Mandarin unchanged)."""
    if lang != "en" or name.isascii():
        return name
    from pypinyin import lazy_pinyin

    for suffix, word in _STREET_EN:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = "".join(lazy_pinyin(name.removesuffix(suffix)))
            return f"{stem.capitalize()} {word}"
    return "".join(lazy_pinyin(name)).capitalize()


def joined(values: list[str], lang: str) -> str:
    """、-joined in Mandarin, comma-joined in English."""
    return (", " if lang == "en" else "、").join(values)


_ZH_AUDIENCE = {
    "0-3岁": "0-3岁孩子的家长",
    "3-6岁": "3-6岁孩子的家长",
    "小学": "小学生家长",
    "初中": "初中生家长",
    "高中": "高中生家长",
    "祖辈": "爷爷奶奶、姥姥姥爷",
    "家长": "各位家长",
}
_MODE = {"online": ("线上", "online"), "offline": ("线下", "in person")}


def audience(value: str, lang: str) -> str:
    """Who a lecture is for: 小学生家长 / parents of primary pupils."""
    return tag(value, lang) if lang == "en" else _ZH_AUDIENCE.get(value, value)


def mode(value: str, lang: str) -> str:
    """线上 / online, 线下 / in person."""
    zh, en = _MODE.get(value, (value, value))
    return en if lang == "en" else zh


def filters(query: dict, lang: str) -> str:
    """The filters of a search or subscription in a few words: 朝阳区·亲子沟通·线上."""
    parts = []
    if query.get("district"):
        parts.append(place(query["district"], lang))
    for key in ("topic", "app", "service"):
        if query.get(key):
            parts.append(tag(query[key], lang))
    if query.get("audience"):
        parts.append(audience(query["audience"], lang))
    if query.get("mode"):
        parts.append(mode(query["mode"], lang))
    if query.get("kind"):
        parts.append(kind(query["kind"], lang))
    return (" · " if lang == "en" else "·").join(parts)
