"""What reminders and change notices say, in Mandarin and English.

Short and complete: what, when in words ("明天(周六)上午9:30"), where (center and address, or the
online link), and two buttons — the date and time in the same words the conversation uses
(`content.timefmt`). Messages are rendered when they are sent, so "明天" is relative
to the moment of sending, from an event snapshot taken at planning time (`snapshot`): a notice
about a removed event still knows its title.
"""

from __future__ import annotations

import json
from datetime import datetime

from content import timefmt
from content.catalogue import Catalogue, Occurrence
from content.schedule import TZ
from scheduler import offsets as offs
from scheduler.sender import OutboundMessage

_ZH_SMALL = {1: "一", 2: "两"}

AFFIRM = "/affirm"
BUTTONS = {
    "zh": ("收到", "不去了，取消提醒"),
    "en": ("Got it", "Not going — cancel"),
}


def unsubscribe_payload(subscription_id: int) -> str:
    """The button payload that cancels a subscription (fits Telegram's 64-byte callback_data)."""
    return '/unsubscribe{"subscription_id":"' + str(int(subscription_id)) + '"}'


def buttons(lang: str, subscription_id: int | None) -> tuple[tuple[str, str], ...]:
    """收到 / 不去了，取消提醒 (the second only when there is a subscription to cancel)."""
    ok, cancel = BUTTONS.get(lang, BUTTONS["zh"])
    if subscription_id is None:
        return ((ok, AFFIRM),)
    return ((ok, AFFIRM), (cancel, unsubscribe_payload(subscription_id)))


# -- time in words ------------------------------------------------------------------------


def _duration_zh(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h}小时{m}分钟"
    return f"{h}小时" if h else f"{m}分钟"


def _duration_en(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    parts = []
    if h:
        parts.append(f"{h} hour{'s' if h != 1 else ''}")
    if m:
        parts.append(f"{m} minute{'s' if m != 1 else ''}")
    return " ".join(parts)


def offset_words(offset: str, lang: str = "zh") -> str:
    """One offset in words: "活动前一天18:00" / "开始前1小时"; "at 18:00 the day before"."""
    o = offs.parse(offset)
    if o.minutes is not None:
        if lang == "en":
            return f"{_duration_en(o.minutes)} before"
        return f"开始前{_duration_zh(o.minutes)}"
    at = (o.at or datetime.min.time()).strftime("%H:%M")
    if lang == "en":
        days = {0: "on the day", 1: "the day before", 2: "two days before"}.get(
            o.days, f"{o.days} days before"
        )
        return f"at {at} {days}"
    if o.days == 0:
        return f"活动当天{at}"
    return f"活动前{_ZH_SMALL.get(o.days, str(o.days))}天{at}"


def offsets_text(offsets: list[str], lang: str = "zh") -> str:
    """All of a subscription's offsets in words: "活动前一天18:00和开始前1小时" /
    "at 18:00 the day before and 1 hour before" (unparsable offsets are left out)."""
    words = [offset_words(str(o), lang) for o in offs.valid(list(offsets))]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    if lang == "en":
        return ", ".join(words[:-1]) + " and " + words[-1]
    return "、".join(words[:-1]) + "和" + words[-1]


# -- event snapshots ----------------------------------------------------------------------


def snapshot(catalogue: Catalogue, occ: Occurrence) -> dict:
    """The facts a message needs about one session, kept with the outbox row."""
    item = occ.item
    place = None
    center = catalogue.centers.get(item.center) if getattr(item, "center", None) else None
    if center is not None:
        place = [
            f"{center.name}({center.address})",
            f"{center.name_en or center.name}, {center.address}",
        ]
    return {
        "kind": occ.kind,
        "id": item.id,
        "title": [item.title.zh, item.title.en],
        "starts_at": occ.starts_at.astimezone(TZ).isoformat(),
        "place": place,
        "url": getattr(item, "online_url", None) or None,
        "recurring": item.schedule is not None,
    }


def _title(snap: dict, lang: str) -> str:
    zh, en = snap["title"]
    return f"“{en or zh}”" if lang == "en" else f"「{zh}」"


def _where(snap: dict, lang: str) -> str:
    lines = []
    if snap.get("place"):
        place = snap["place"][1] if lang == "en" else snap["place"][0]
        lines.append(("Where: " if lang == "en" else "地点：") + place)
    if snap.get("url"):
        lines.append(("Online: " if lang == "en" else "线上参加：") + snap["url"])
    return "\n".join(lines)


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def reminder_text(snap: dict, now: datetime, lang: str = "zh") -> str:
    """The text of a reminder for the session in `snap`, as of `now`."""
    when = timefmt.when(datetime.fromisoformat(snap["starts_at"]), now, lang)
    if lang == "en":
        head = f"Reminder: {_title(snap, lang)} starts {when}."
    else:
        head = f"提醒您：{_title(snap, lang)}{when}开始。"
    return _join(head, _where(snap, lang))


def notice_text(notice: dict, now: datetime, lang: str = "zh") -> str:
    """The text of a change notice: {"change": "cancelled" | "series_cancelled" | "moved" |
    "session_cancelled", "event": old snapshot, "new": new snapshot or None}."""
    old, new, change = notice["event"], notice.get("new"), notice["change"]
    title = _title(old, lang)
    old_when = timefmt.when(datetime.fromisoformat(old["starts_at"]), now, lang)
    en = lang == "en"
    if change == "moved" and new:
        new_when = timefmt.when(datetime.fromisoformat(new["starts_at"]), now, lang)
        head = (
            f"Notice: {title} has moved to {new_when}." if en else f"通知：{title}改到{new_when}。"
        )
        return _join(head, _where(new, lang))
    if change == "series_cancelled":
        return (
            f"Notice: {title} is cancelled; there will be no more reminders for it."
            if en
            else f"通知：{title}已取消，之后不再提醒。"
        )
    if change == "session_cancelled":
        return (
            f"Notice: {title} {old_when} is cancelled; the other sessions go ahead."
            if en
            else f"通知：{title}{old_when}那一次已取消，其他时间照常。"
        )
    return (
        f"Notice: {title} {old_when} is cancelled."
        if en
        else f"通知：{title}{old_when}的活动已取消。"
    )


def render(
    kind: str,
    payload: str,
    subscription_id: int | None,
    now: datetime,
    lang: str = "zh",
    key: str = "",
) -> OutboundMessage:
    """The message for one outbox row (`kind` "reminder" or "notice", `payload` its stored
    JSON), rendered in `lang` as of `now`."""
    lang = "en" if lang == "en" else "zh"
    data = json.loads(payload)
    if kind == "notice":
        keep = data["change"] in ("moved", "session_cancelled")
        return OutboundMessage(
            notice_text(data, now, lang),
            buttons(lang, subscription_id if keep else None),
            lang,
            key,
        )
    return OutboundMessage(
        reminder_text(data, now, lang), buttons(lang, subscription_id), lang, key
    )
