"""Card details for the web page: what a reply's catalogue items and guide step look like as
large cards. The engine's reply JSON (`leling chat --json`) is left as it is; the web API adds
fields (docs/web.md, "Reply JSON"):

- each item gets `card`: for a center its name, address, distance in words, today's hours and
  whether it is open now in words, the phone number and a `tel:` link, a map link; for a lecture
  or lesson its title, next date in words, place, and `remind` (the 提醒我 button's payload;
  that button stays in the reply's `buttons`, marked `in_card`, and the page shows it once);
- `guide` gets `title`, `label` ("第2步/共7步") and `image_url` when the step has an image.
"""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import quote, urlencode

from content import timefmt
from dialogues.actions import centers as center_actions
from dialogues.actions import lectures as lecture_actions
from dialogues.texts import Texts

IMAGE_ROUTE = "/media/guides/"
STEP_LABEL = {"zh": "第{step}步/共{total}步", "en": "Step {step} of {total}"}
_NOT_DIAL = re.compile(r"[^0-9+]")


def _turnlike(catalogue, texts: Texts, lang: str, now: datetime) -> SimpleNamespace:
    """The few parts of a dialogue `Turn` the engine's wording helpers read."""
    return SimpleNamespace(
        cat=catalogue,
        now=now,
        lang=lang,
        en=lang == "en",
        t=lambda key, **fields: texts.get(lang, key, 0, **fields),
        title=lambda text: text.get(lang),
    )


def tel_link(phone: str) -> str | None:
    """`tel:01064069697` for a phone number as written ("010-6406 9697"), None without one."""
    digits = _NOT_DIAL.sub("", phone or "")
    return f"tel:{digits}" if len(digits) >= 3 else None


def map_link(lat: float, lon: float, name: str) -> str:
    """A map link for a point (Amap's URI API takes WGS-84 and opens the app or its web page,
    which is what phones in Beijing have)."""
    query = urlencode(
        {
            "position": f"{lon:.6f},{lat:.6f}",
            "name": name,
            "coordinate": "wgs84",
            "callnative": "1",
            "src": "leling",
        },
        quote_via=quote,
    )
    return f"https://uri.amap.com/marker?{query}"


def center_card(catalogue, t, center_id: str, distance_m: int | None) -> dict | None:
    """A center's card."""
    c = catalogue.centers.get(center_id)
    if c is None:
        return None
    name = c.name_en if t.en and c.name_en else c.name
    return {
        "title": name,
        "address": c.address,
        "distance": timefmt.distance(distance_m, t.lang) if distance_m is not None else None,
        "hours": center_actions.hours_text(t, c),
        "open_now": catalogue.is_open(c, t.now),
        "phone": c.phone or None,
        "tel": tel_link(c.phone),
        "map_url": map_link(c.lat, c.lon, name),
        "accessible": c.accessible,
    }


def _place(catalogue, t, center_id: str | None) -> dict:
    c = catalogue.centers.get(center_id or "")
    if c is None:
        return {}
    return {
        "place": c.name_en if t.en and c.name_en else c.name,
        "address": c.address,
        "phone": c.phone or None,
        "tel": tel_link(c.phone),
    }


def lecture_card(catalogue, t, lecture_id: str) -> dict | None:
    """A lecture's card: next date in words, place or online link."""
    lec = catalogue.lectures.get(lecture_id)
    if lec is None:
        return None
    when = lecture_actions.next_time(t, lec)
    repeat = timefmt.weekly(lec.schedule.rrule, lec.schedule.time, t.lang) if lec.schedule else ""
    return {
        "title": lec.title.get(t.lang),
        "when": timefmt.when(when, t.now, t.lang) if when else None,
        "repeat": repeat or None,
        "length": timefmt.minutes(lec.duration, t.lang),
        "speaker": lec.speaker or None,
        "online_url": lec.online_url,
        "cancelled": lec.status == "cancelled",
        **_place(catalogue, t, lec.center),
    }


def lesson_card(catalogue, t, lesson_id: str) -> dict | None:
    """A class's card: next session in words, weekly rule, center."""
    les = catalogue.lessons.get(lesson_id)
    if les is None:
        return None
    when = catalogue.next_lesson_session(les, t.now)
    return {
        "title": les.title.get(t.lang),
        "when": timefmt.when(when, t.now, t.lang) if when else None,
        "repeat": timefmt.weekly(les.schedule.rrule, les.schedule.time, t.lang) or None,
        "length": timefmt.minutes(les.schedule.duration_minutes, t.lang),
        "level": les.level,
        "cancelled": les.status == "cancelled",
        **_place(catalogue, t, les.center),
    }


def _remind_payload(buttons: list[dict], kind: str, ident: str) -> str | None:
    """The reply's "提醒我" payload for this item (`/subscribe{"lecture":"<id>"}`), if any."""
    for b in buttons:
        p = b["payload"]
        if p.startswith("/subscribe") and f'"{kind}":"{ident}"' in p:
            return p
    return None


def enrich(reply: dict, catalogue, texts: Texts, lang: str, now: datetime) -> dict:
    """The reply dict with cards added (in place; returned for convenience)."""
    t = _turnlike(catalogue, texts, lang, now)
    moved: set[str] = set()
    for item in reply.get("items", []):
        kind, ident = item.get("type"), item.get("id", "")
        if kind == "center":
            card = center_card(catalogue, t, ident, item.get("distance_m"))
        elif kind == "lecture":
            card = lecture_card(catalogue, t, ident)
        elif kind == "lesson":
            card = lesson_card(catalogue, t, ident)
        else:
            card = None
        if card is None:
            continue
        if kind in ("lecture", "lesson"):
            remind = _remind_payload(reply.get("buttons", []), kind, ident)
            if remind and not card["cancelled"]:
                card["remind"] = remind
                moved.add(remind)
        item["card"] = card
    for b in reply.get("buttons", []):  # the card shows its own 提醒我; the page skips these
        if b["payload"] in moved:
            b["in_card"] = True
    guide = reply.get("guide")
    if guide:
        g = catalogue.guides.get(guide["id"])
        guide["label"] = STEP_LABEL.get(lang, STEP_LABEL["zh"]).format(**guide)
        if g is not None:
            guide["title"] = g.title.get(lang)
            if 1 <= guide["step"] <= len(g.steps) and g.steps[guide["step"] - 1].image:
                guide["image_url"] = IMAGE_ROUTE + quote(g.steps[guide["step"] - 1].image)
    return reply
