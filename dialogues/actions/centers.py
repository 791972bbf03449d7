"""Finding learning centers (by shared location, landmark, street or district) and their details."""

from __future__ import annotations

from content import timefmt
from content.catalogue import CenterHit
from content.districts import DISTRICTS, in_beijing
from content.districts import district as find_district
from content.gazetteer import TOPIC_SERVICE
from content.schema import Center
from content.tags import KINDS, SERVICES, canonical
from dialogues import labels
from dialogues.actions import refs
from dialogues.actions.center_match import match_centers, pick
from dialogues.context import Turn
from dialogues.models import SHARE_LOCATION, Button, Item, Reply
from dialogues.state import Focus, Listing, Pending, Place

PAGE = 3
POPULAR = ("朝阳区", "海淀区", "西城区", "东城区")
FAMILY_TOPICS = {
    "亲子沟通",
    "青春期",
    "隔代教育",
    "幼小衔接",
    "网络素养",
    "家风",
    "学习习惯",
    "心理健康",
    "安全教育",
    "家校共育",
    "家庭教育",
}
NEARBY = (
    "附近",
    "最近",
    "离我",
    "周边",
    "旁边",
    "nearby",
    "near me",
    "closest",
    "nearest",
    "close to me",
    "around me",
)
PLACE_KEYS = ("near", "landmark", "street", "district")


def filters_from(t: Turn) -> dict:
    """Kind and service filters named in the message (书法, 智能手机, 家庭教育, 老年大学)."""
    q: dict = {}
    kind = t.entity("kind")
    if kind in KINDS:
        q["kind"] = kind
    for topic in t.entity_values("topic"):
        service = TOPIC_SERVICE.get(topic) or canonical(topic, SERVICES)  # 拍照 → 摄影
        if service in SERVICES and service != "家庭教育":
            q["service"] = service
            break
        if topic in FAMILY_TOPICS:
            q["service"] = "家庭教育"
            break
    return q


def place_from(t: Turn) -> dict | None:
    """The place this message names (a shared location first), as query keys."""
    if t.location is not None:
        return {"near": "1"}
    name = t.entity("landmark")
    if name:
        lm = t.cat.find_landmark(name)
        if lm is not None:
            return {"landmark": lm.name}
    street = t.entity("street")
    if street and _street_centers(t, street):
        return {"street": street}
    d = t.entity("district")
    found = find_district(d) if d else None
    if found is not None:
        return {"district": found.name}
    return None


def _street_centers(t: Turn, street: str) -> list[Center]:
    short = street.removesuffix("街道")
    return [
        c
        for c in t.cat.centers.values()
        if c.street and (c.street == street or c.street.removesuffix("街道") == short)
    ]


def _remember_place(t: Turn, query: dict) -> None:
    if "landmark" in query:
        lm = t.cat.landmarks.get(query["landmark"])
        t.state.place = Place(district=lm.district if lm else None, landmark=query["landmark"])
    elif "street" in query:
        found = _street_centers(t, query["street"])
        t.state.place = Place(district=found[0].district if found else None, street=query["street"])
    elif "district" in query:
        t.state.place = Place(district=query["district"])


def _place_label(t: Turn, query: dict) -> str:
    """天坛附近 / 朝阳区 / near Temple of Heaven / in Chaoyang District."""
    if "landmark" in query:
        name = query["landmark"]
        if t.en:
            lm = t.cat.landmarks.get(name)
            name = next((a for a in (lm.aliases if lm else []) if a.isascii()), name)
        return t.t("center.near_place", place=name)
    if "street" in query:
        return t.t("center.near_place", place=labels.street(query["street"], t.lang))
    if "district" in query:
        return t.t("center.in_district", place=labels.place(query["district"], t.lang))
    return ""


def find_center(t: Turn, base: dict | None = None) -> list[Reply]:
    """Centers near the place named now, the place asked for, or the last place used."""
    query = {k: v for k, v in (base or {}).items() if k in ("kind", "service", *PLACE_KEYS)}
    query.update(filters_from(t))
    place = place_from(t)
    note = ""
    if place is not None:
        for key in PLACE_KEYS:
            query.pop(key, None)
        query.update(place)
    elif not any(k in query for k in PLACE_KEYS):
        wants_near = any(w in t.text.lower() for w in NEARBY)
        last = (t.state.place or Place()).to_dict()
        if wants_near and t.memory.get("near"):
            query["near"] = "1"
        elif not wants_near and last:
            key = next((k for k in ("landmark", "street", "district") if last.get(k)), None)
            if key:
                query[key] = last[key]
                note = t.t("center.last_place", place=_place_label(t, query))
        if not any(k in query for k in PLACE_KEYS):
            return [ask_place(t, query)]
    return show(t, query, 0, note)


def _point(t: Turn, query: dict) -> tuple[float, float] | None:
    """The point a landmark or street query is anchored on (a shared location is not kept)."""
    if "landmark" in query:
        lm = t.cat.landmarks.get(query["landmark"]) or t.cat.find_landmark(query["landmark"])
        return (lm.lat, lm.lon) if lm else None
    if "street" in query:
        found = _street_centers(t, query["street"])
        if found:
            return (sum(c.lat for c in found) / len(found), sum(c.lon for c in found) / len(found))
        lm = t.cat.find_landmark(query["street"])
        return (lm.lat, lm.lon) if lm else None
    return None


def _kept_near(t: Turn, limit: int, offset: int, kind=None, service=None) -> list[CenterHit]:
    """Centers from the ranking kept after a shared location, filtered, paged."""
    kinds = [kind] if isinstance(kind, str) else (kind or [])
    hits = []
    for cid, metres in t.memory["near"]:
        c = t.cat.centers.get(cid)
        if c is None or (kinds and c.kind not in kinds) or (service and service not in c.services):
            continue
        hits.append(CenterHit(c, float(metres)))
    return hits[offset : offset + limit]


def _fetch(t: Turn, query: dict, offset: int, limit: int):
    filters = {"kind": query.get("kind"), "service": query.get("service")}
    if "near" in query:  # None when the ranking is gone (a restart, 30 minutes): ask again
        return _kept_near(t, limit, offset, **filters) if t.memory.get("near") else None
    if "district" in query and not any(k in query for k in ("landmark", "street")):
        return t.cat.centers_in(query["district"], limit, offset=offset, **filters)
    point = _point(t, query)
    if point is None:
        return None
    return t.cat.nearest_centers(point[0], point[1], limit, offset=offset, **filters)


def _what(t: Turn, query: dict) -> str:
    if query.get("service"):
        return t.t("center.what_service", service=labels.tag(query["service"], t.lang))
    if query.get("kind"):
        return labels.kinds(query["kind"], t.lang)
    return t.t("center.what_any")


def show(t: Turn, query: dict, offset: int, note: str = "") -> list[Reply]:
    """One page of centers for `query`, with details, numbers and "更多"."""
    hits = _fetch(t, query, offset, PAGE + 1)
    if hits is None:  # a shared location we no longer hold (restart): ask again
        return [ask_place(t, query, "center.location_again")]
    prefix = note
    if not hits and offset == 0 and (query.get("kind") or query.get("service")):
        prefix = t.t("center.relaxed", what=_what(t, query), place=_place_label(t, query))
        query = {k: v for k, v in query.items() if k not in ("kind", "service")}
        hits = _fetch(t, query, 0, PAGE + 1) or []
    if not hits:
        key = "center.no_more" if offset else "center.none"
        buttons = [Button(t.t("btn.other_place"), "/ask_place")]
        return [t.reply(t.t(key, place=_place_label(t, query)), buttons)]
    if "near" not in query:
        _remember_place(t, query)
    has_more = len(hits) > PAGE
    hits = hits[:PAGE]
    # Every list anchored on a point (a location, a landmark, a street) says how far.
    show_distance = any(k in query for k in ("near", "landmark", "street"))
    lines = [
        center_line(t, offset + i, h.center, h.distance_m if show_distance else None)
        for i, h in enumerate(hits, 1)
    ]
    if offset:
        header = t.t("center.header_more")
    elif "near" in query:
        header = t.t("center.header_near", what=_what(t, query))
    else:
        header = t.t("center.header_place", what=_what(t, query), place=_place_label(t, query))
    buttons = [
        t.button(f"{offset + i}. {_short_name(t, h.center)}", "center_info", center=h.center.id)
        for i, h in enumerate(hits, 1)
    ]
    t.set_choices(buttons, offset)
    if has_more:
        buttons.append(Button(t.t("btn.more_centers"), "/more"))
    elif offset == 0 and "near" not in query:
        buttons.append(Button(t.t("btn.other_place"), "/ask_place"))
    items = [
        Item("center", h.center.id, round(h.distance_m) if show_distance else None) for h in hits
    ]
    t.state.shown = Listing("center", query, offset, [h.center.id for h in hits])
    t.state.focus = Focus("center", hits[0].center.id) if len(hits) == 1 else None
    text = "\n".join(x for x in (prefix, header, "\n".join(lines), t.t("center.tail")) if x)
    replies = [t.reply(text, buttons, items=items)]
    if show_distance and not offset and query.get("kind") in ELDER_LEARNING:
        replies += _nearer_elsewhere(t, query, hits[0].distance_m)
    return replies


# Places where older people learn: when the kind asked for is far, these may be near.
ELDER_LEARNING = ("elder_university", "leling_center", "community_college", "community_school")
FAR_M = 3000


def _nearer_elsewhere(t: Turn, query: dict, nearest_m: float) -> list[Reply]:
    """ "回龙观 老年大学": the nearest one is 10 km away, but a 乐龄学习中心 is 500 m away —
    say so and list the nearer places of the other elder-learning kinds."""
    if nearest_m <= FAR_M:
        return []
    hits = _fetch(t, {k: v for k, v in query.items() if k not in ("kind", "service")}, 0, 12)
    if not hits:
        return []
    nearer = [
        h
        for h in hits
        if h.center.kind in ELDER_LEARNING
        and h.center.kind != query["kind"]
        and h.distance_m < nearest_m
    ][:2]
    if not nearer:
        return []
    lines = [center_line(t, i, h.center, h.distance_m) for i, h in enumerate(nearer, 1)]
    text = "\n".join(
        [
            t.t(
                "center.kind_far",
                what=labels.kinds(query["kind"], t.lang),
                distance=timefmt.distance(nearest_m, t.lang),
            ),
            *lines,
        ]
    )
    buttons = [
        t.button(f"{_short_name(t, h.center)}", "center_info", center=h.center.id) for h in nearer
    ]
    items = [Item("center", h.center.id, round(h.distance_m)) for h in nearer]
    return [t.reply(text, buttons, items=items)]


def _short_name(t: Turn, c: Center) -> str:
    name = c.name_en if t.en and c.name_en else c.name
    if t.en and "Branch" in name.rpartition(",")[2]:
        name = name.rpartition(",")[2].strip()  # "…for Seniors, Haidian Branch" → "Haidian Branch"
    limit = 30 if t.en else 16
    return name if len(name) <= limit else name[: limit - 1] + "…"


def hours_text(t: Turn, c: Center) -> str:
    """今天开放：8:30-11:30、13:30-17:00（现在开着） / Open today: … (open now)."""
    if not c.hours:
        return t.t("center.hours_unknown")
    spans = t.cat.hours_today(c, t.now)
    if not spans:
        return t.t("center.closed_today")
    text = labels.joined([f"{a.lstrip('0') or '0'}-{b}" for a, b in spans], t.lang)
    if t.cat.is_open(c, t.now):
        status = t.t("center.open_now")
    else:
        later = [a for a, _b in spans if a > t.now.strftime("%H:%M")]
        status = (
            t.t("center.opens_at", at=later[0].lstrip("0")) if later else t.t("center.closed_now")
        )
    return t.t("center.hours_today", hours=text, status=status)


def center_line(t: Turn, n: int, c: Center, distance_m: float | None) -> str:
    """One numbered entry of a center list."""
    name = c.name_en if t.en and c.name_en else c.name
    far = (
        t.t("center.distance", distance=timefmt.distance(distance_m, t.lang))
        if distance_m is not None
        else ""
    )
    return t.t(
        "center.line",
        n=n,
        name=name,
        distance=far,
        address=c.address,
        phone=c.phone or "-",
        hours=hours_text(t, c),
    )


def more(t: Turn) -> list[Reply]:
    """The next page of the last center list."""
    last = t.state.shown or Listing("center")
    return show(t, dict(last.query), last.offset + PAGE)


def _pending_query(t: Turn) -> dict | None:
    """The search a pending "where are you?" will complete."""
    return t.pending.query if t.pending else None


def ask_place(t: Turn, query: dict | None = None, key: str = "center.ask_place") -> Reply:
    """Where are you? A location button, two district buttons and "其他区"."""
    t.state.pending = Pending(
        "place", "center", {k: v for k, v in (query or {}).items() if k in ("kind", "service")}
    )
    last = t.state.place.district if t.state.place else None
    known = [d for d in (t.user.get("home_district"), last) if d]
    districts = list(dict.fromkeys([*known, *POPULAR]))[:2]
    buttons = [Button(t.t("btn.share_location"), SHARE_LOCATION)]
    buttons += [t.button(labels.place(d, t.lang), "inform", district=d) for d in districts]
    buttons.append(t.button(t.t("btn.other_district"), "ask_place", all=1))
    t.set_choices(buttons)
    return t.reply(t.t(key), buttons)


def ask_place_action(t: Turn) -> list[Reply]:
    """ "换个地方" or "其他区": ask for the place again, or list all sixteen districts."""
    query = _pending_query(t) or (t.state.shown.query if t.state.shown else {})
    if t.entity("all") is None:
        return [ask_place(t, query)]
    t.state.pending = Pending(
        "place", "center", {k: v for k, v in query.items() if k in ("kind", "service")}
    )
    names = [labels.place(d.name, t.lang) for d in DISTRICTS]
    listing = "\n".join(f"{i}. {n}" for i, n in enumerate(names, 1))
    choices = [t.button(labels.place(d.name, t.lang), "inform", district=d.name) for d in DISTRICTS]
    t.set_choices(choices)
    buttons = [Button(t.t("btn.share_location"), SHARE_LOCATION)]
    return [t.reply(t.t("center.all_districts", districts=listing), buttons)]


# After a shared location only this many nearest centers (ids and metres) are kept, in memory,
# for "更多" and "附近的老年大学"; the point itself is never kept or stored (docs/privacy.md).
NEAR_KEPT = 50


def share_location(t: Turn) -> list[Reply]:
    """A shared location: nearest centers. The point is used for this turn only; what is kept
    (in memory, for a while) is the ranking of the nearest centers, for paging."""
    if t.location is None:
        return [ask_place(t, _pending_query(t), "center.no_location_support")]
    lat, lon = t.location
    if not in_beijing(lat, lon):
        return [ask_place(t, _pending_query(t), "center.outside_beijing")]
    ranked = t.cat.nearest_centers(lat, lon, NEAR_KEPT)
    t.memory["near"] = [(h.center.id, round(h.distance_m)) for h in ranked]
    base = _pending_query(t) if t.pending and t.pending.ask == "place" else None
    return find_center(t, base)


def center_info(t: Turn) -> list[Reply]:
    """Phone, hours, address, accessibility and courses of the center meant."""
    c = refs.meant(t, "center")
    scored = []
    if c is None:
        scored = match_centers(t.cat, t.text, t.entity_map())
        c = pick(scored)
    if (
        c is None
        and t.state.focus
        and t.state.focus.type == "center"
        and not (scored and scored[0][1] >= 2)
    ):
        c = t.cat.centers.get(t.state.focus.id)
    if c is None:
        real = [sc for sc in scored if sc[1] >= 2]
        if len(real) >= 2 and not filters_from(t).get("kind") and not t.entity("district"):
            return _which_center(t, [sc[0] for sc in real])
        if filters_from(t) or place_from(t):
            return find_center(t)
        buttons = [Button(t.t("btn.find_center"), "/find_center")]
        return [t.reply(t.t("center.which_unknown"), buttons)]
    return [center_card(t, c)]


def _which_center(t: Turn, centers: list[Center]) -> list[Reply]:
    buttons = [
        t.button(f"{i}. {_short_name(t, c)}", "center_info", center=c.id)
        for i, c in enumerate(centers[:3], 1)
    ]
    t.set_choices(buttons)
    return [t.reply(t.t("center.which"), buttons)]


def center_card(t: Turn, c: Center) -> Reply:
    """All about one center."""
    name = c.name_en if t.en and c.name_en else c.name
    services = labels.joined([labels.tag(s, t.lang) for s in c.services], t.lang) or "-"
    lessons = sorted(
        (
            (t.cat.next_lesson_session(les, t.now), les)
            for les in t.cat.lessons.values()
            if les.center == c.id and les.status != "cancelled"
        ),
        key=lambda x: (x[0] is None, x[0] or t.now),
    )
    lessons = [(when, les) for when, les in lessons if when is not None]
    text = t.t(
        "center.card",
        name=name,
        address=c.address,
        phone=c.phone or "-",
        hours=hours_text(t, c),
        access=t.t("center.accessible" if c.accessible else "center.not_accessible"),
        services=services,
    )
    if lessons:
        when, les = lessons[0]
        text += "\n" + t.t(
            "center.card_lesson", title=t.title(les.title), when=timefmt.when(when, t.now, t.lang)
        )
    buttons = []
    if lessons:
        buttons.append(t.button(t.t("btn.center_lessons"), "list_lessons", center=c.id))
    t.state.focus = Focus("center", c.id)
    t.set_choices(buttons)
    return t.reply(text, buttons, items=[Item("center", c.id)])
