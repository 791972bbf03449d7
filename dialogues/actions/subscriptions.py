"""Reminders: subscribe to a lecture, a class or a filter; list them; unsubscribe.

Storing is `store.subscriptions`; planning the reminder rows is the scheduler's
(`scheduler.planning.plan_for_subscription` / `drop_for_subscription`, injected as `t.planner`
so tests can record it); offsets come from the NLU's `offset` entity and are checked and worded
by `scheduler.offsets` / `.messages`.
"""

from __future__ import annotations

import logging
import re

from rapidfuzz import fuzz

from content import timefmt
from content.districts import district as find_district
from dialogues import labels
from dialogues.actions import lectures, lessons, refs
from dialogues.context import Turn
from dialogues.models import Button, Item, Reply
from dialogues.state import Focus, Listing, Pending
from scheduler import offsets as reminder_offsets
from scheduler.messages import offsets_text as reminder_offsets_text
from store import subscriptions

log = logging.getLogger(__name__)

PAGE = 3
# Topics that name a whole kind of event ("家庭教育讲座", "智能手机课"), not a filter.
UMBRELLAS = (lectures.UMBRELLA, lessons.UMBRELLA)
_THIS = re.compile(r"这个|这场|这节|这门|它|this|that one|\bit\b", re.IGNORECASE)
_LESSON_WORDS = re.compile(r"课(?!堂)|班|class|lesson|course", re.IGNORECASE)
_LECTURE_WORDS = re.compile(r"讲座|讲堂|大讲堂|lecture|talk", re.IGNORECASE)


def offsets_from(t: Turn) -> list[str] | None:
    """Reminder offsets the user asked for (the NLU's `offset` entity): "提前两小时" → ["-120m"],
    "前一天" → ["-1d@18:00"]."""
    found = t.entity("offset")
    try:
        return [reminder_offsets.normalise(found)] if found else None
    except ValueError:  # a hand-made payload: not an offset
        return None


def offsets_text(t: Turn, offsets: list[str]) -> str:
    """When reminders come, in words — the same wording the reminders themselves use."""
    return reminder_offsets_text(list(offsets), t.lang)


def _plan(t: Turn, sub: dict) -> None:
    if t.planner is None:
        return
    try:
        t.planner.plan_for_subscription(t.db, t.cat, sub, t.now)
    except Exception:  # the reminder can be planned on the next scheduler pass
        log.exception("planning reminders for subscription %s failed", sub.get("id"))


def _drop(t: Turn, sub_id: int) -> None:
    if t.planner is None:
        return
    try:
        t.planner.drop_for_subscription(t.db, sub_id)
    except Exception:
        log.exception("dropping reminders of subscription %s failed", sub_id)


def _filter_from(t: Turn) -> dict:
    f: dict = {}
    for key in ("topic", "audience", "app", "mode"):
        value = next(
            (v for v in t.entity_values(key) if not (key == "topic" and v in UMBRELLAS)),
            None,
        )
        if value:
            f[key] = value
    d = t.entity("district")
    found = find_district(d) if d else None
    if found is not None:
        f["district"] = found.name
    return f


def subscribe(t: Turn) -> list[Reply]:
    """ "提醒我": the item just shown, the one pointed at, or a filter ("朝阳区的家庭教育讲座")."""
    offsets = offsets_from(t)
    for kind in ("lecture", "lesson"):
        ident = t.entity(kind)
        if ident:
            return [_subscribe_item(t, kind, ident, offsets)]
    event = t.entity("event")
    if event in ("lecture", "lesson"):
        return [_subscribe_filter(t, event, _filter_from(t), offsets)]
    for kind in ("lecture", "lesson"):
        ident = refs.listed_id(t, kind)
        if ident:
            return [_subscribe_item(t, kind, ident, offsets)]
    wanted = _filter_from(t)
    if wanted and not _THIS.search(t.text):
        lesson = "app" in wanted or (
            _LESSON_WORDS.search(t.text) and not _LECTURE_WORDS.search(t.text)
        )
        return [_subscribe_filter(t, "lesson" if lesson else "lecture", wanted, offsets)]
    focus = t.state.focus
    if focus and focus.type in ("lecture", "lesson"):
        return [_subscribe_item(t, focus.type, focus.id, offsets)]
    last = t.state.shown
    if last and last.type in ("lecture", "lesson") and last.ids:
        if len(last.ids) == 1:
            return [_subscribe_item(t, last.type, last.ids[0], offsets)]
        return [_which_item(t, last)]
    buttons = [
        Button(t.t("btn.lectures"), "/list_lectures"),
        Button(t.t("btn.lessons"), "/list_lessons"),
    ]
    t.set_choices(buttons)
    return [t.reply(t.t("sub.what"), buttons)]


def _which_item(t: Turn, last: Listing) -> Reply:
    kind = last.type
    table = t.cat.lectures if kind == "lecture" else t.cat.lessons
    offset = last.offset
    lines, buttons = [], []
    for i, ident in enumerate(last.ids, offset + 1):
        item = table.get(ident)
        if item is None:
            continue
        lines.append(f"{i}. {t.title(item.title)}")
        buttons.append(t.button(t.t("btn.remind_n", n=i), "subscribe", **{kind: ident}))
    t.set_choices(buttons, offset)
    return t.reply(t.t("sub.which", listing="\n".join(lines)), buttons)


def _subscribe_item(t: Turn, kind: str, ident: str, offsets: list[str] | None) -> Reply:
    item = (t.cat.lectures if kind == "lecture" else t.cat.lessons).get(ident)
    if item is None:
        return t.reply(t.t("sub.not_found"))
    title = t.title(item.title)
    when = (
        lectures.next_time(t, item) if kind == "lecture" else t.cat.next_lesson_session(item, t.now)
    )
    if item.status == "cancelled":
        return t.reply(t.t("sub.cancelled_event", title=title))
    if when is None:
        return t.reply(t.t("sub.over", title=title))
    sub, created = subscriptions.add(t.db, t.user_id, kind, target_id=ident, offsets=offsets)
    _plan(t, sub)
    t.state.focus = Focus(kind, ident)
    key = "sub.created" if created else ("sub.updated" if offsets else "sub.exists")
    text = t.t(
        key,
        title=title,
        when=timefmt.when(when, t.now, t.lang),
        offsets=offsets_text(t, sub["offsets"]),
    )
    buttons = [Button(t.t("btn.my_subs"), "/my_subscriptions")]
    return t.reply(text, buttons, items=[Item(kind, ident)])


def _subscribe_filter(t: Turn, event: str, wanted: dict, offsets: list[str] | None) -> Reply:
    flt = {"event": event, **{k: v for k, v in wanted.items() if v}}
    sub, created = subscriptions.add(t.db, t.user_id, "filter", filter=flt, offsets=offsets)
    _plan(t, sub)
    desc = labels.filters(flt, t.lang)
    key = f"sub.filter_{event}" if created else "sub.filter_exists"
    text = t.t(key, desc=desc, offsets=offsets_text(t, sub["offsets"]))
    return t.reply(text, [Button(t.t("btn.my_subs"), "/my_subscriptions")])


def describe(t: Turn, sub: dict) -> str:
    """One subscription in words: 「title」(下一场：明天(周六)晚上7:30) / 朝阳区·亲子沟通的新讲座."""
    if sub["kind"] == "filter":
        flt = sub.get("filter") or {}
        key = "sub.desc_filter_lesson" if flt.get("event") == "lesson" else "sub.desc_filter"
        return t.t(key, desc=labels.filters(flt, t.lang) or t.t("sub.desc_any"))
    table = t.cat.lectures if sub["kind"] == "lecture" else t.cat.lessons
    item = table.get(sub.get("target_id") or "")
    if item is None:
        return t.t("sub.desc_gone")
    title = t.title(item.title)
    if item.status == "cancelled":
        return t.t("sub.desc_cancelled", title=title)
    when = (
        lectures.next_time(t, item)
        if sub["kind"] == "lecture"
        else (t.cat.next_lesson_session(item, t.now))
    )
    if when is None:
        return t.t("sub.desc_over", title=title)
    return t.t("sub.desc_item", title=title, when=timefmt.when(when, t.now, t.lang))


def name_of(t: Turn, sub: dict) -> str:
    """A subscription's short name: 「title」 or 朝阳区·亲子沟通的新讲座."""
    if sub["kind"] == "filter":
        return describe(t, sub)
    table = t.cat.lectures if sub["kind"] == "lecture" else t.cat.lessons
    item = table.get(sub.get("target_id") or "")
    return t.t("sub.name", title=t.title(item.title)) if item else t.t("sub.desc_gone")


def my_subscriptions(t: Turn, offset: int = 0) -> list[Reply]:
    """ "我的提醒": what the user is subscribed to, each with a cancel button."""
    subs = subscriptions.active_for(t.db, t.user_id)
    if not subs:
        buttons = [
            Button(t.t("btn.lectures"), "/list_lectures"),
            Button(t.t("btn.lessons"), "/list_lessons"),
        ]
        t.set_choices(buttons)
        return [t.reply(t.t("sub.none"), buttons)]
    page = subs[offset : offset + PAGE]
    if not page:
        return [t.reply(t.t("sub.no_more"))]
    lines = [f"{offset + i}. {describe(t, s)}" for i, s in enumerate(page, 1)]
    buttons = [
        t.button(t.t("btn.unsub_n", n=offset + i), "unsubscribe", subscription_id=s["id"])
        for i, s in enumerate(page, 1)
    ]
    if len(subs) > offset + PAGE:
        buttons.append(Button(t.t("btn.more"), "/more"))
    t.state.shown = Listing("subscription", {}, offset, [str(s["id"]) for s in page])
    head = t.t("sub.list_header", n=len(subs)) if not offset else t.t("sub.list_more")
    text = "\n".join([head, *lines, t.t("sub.list_tail")])
    return [t.reply(text, buttons)]


def more(t: Turn) -> list[Reply]:
    """The next page of "我的提醒"."""
    return my_subscriptions(t, (t.state.shown.offset if t.state.shown else 0) + PAGE)


def _matching_subs(t: Turn, subs: list[dict]) -> list[dict]:
    ident = refs.listed_id(t, "subscription")
    if ident:
        return [s for s in subs if str(s["id"]) == ident]
    for kind in ("lecture", "lesson"):
        focus = t.state.focus
        target = t.entity(kind) or (focus.id if focus and focus.type == kind else None)
        found = [s for s in subs if s["kind"] == kind and s["target_id"] == target]
        if found and (t.entity(kind) or _THIS.search(t.text)):
            return found
    wanted = _filter_from(t)
    if wanted:
        found = [
            s
            for s in subs
            if s["kind"] == "filter"
            and all((s.get("filter") or {}).get(k) == v for k, v in wanted.items())
        ]
        if found:
            return found
    named = []
    for s in subs:
        table = t.cat.lectures if s["kind"] == "lecture" else t.cat.lessons
        item = table.get(s.get("target_id") or "") if s["kind"] != "filter" else None
        if item is not None and fuzz.partial_ratio(item.title.get(t.lang), t.text) >= 80:
            named.append(s)
    return named


def unsubscribe(t: Turn) -> list[Reply]:
    """ "取消提醒": that exact subscription (a reminder's button), the one meant, or ask which."""
    sid = t.entity("subscription_id")
    if sid is not None:
        return [_cancel_one(t, str(sid))]
    subs = subscriptions.active_for(t.db, t.user_id)
    if not subs:
        return [t.reply(t.t("sub.none_to_cancel"))]
    if t.entity("all") is not None:
        t.state.pending = Pending("unsubscribe_all")
        buttons = [Button(t.t("btn.yes_cancel_all"), "/affirm"), Button(t.t("btn.keep"), "/deny")]
        t.set_choices(buttons)
        return [t.reply(t.t("sub.confirm_all", n=len(subs)), buttons)]
    found = _matching_subs(t, subs)
    if len(found) == 1:
        return [_cancel_one(t, str(found[0]["id"]))]
    if len(subs) == 1:
        return [_cancel_one(t, str(subs[0]["id"]))]
    page = subs[:PAGE]
    lines = [f"{i}. {describe(t, s)}" for i, s in enumerate(page, 1)]
    buttons = [
        t.button(t.t("btn.unsub_n", n=i), "unsubscribe", subscription_id=s["id"])
        for i, s in enumerate(page, 1)
    ]
    t.set_choices(buttons)
    buttons.append(t.button(t.t("btn.cancel_all"), "unsubscribe", all=1))
    t.state.shown = Listing("subscription", {}, 0, [str(s["id"]) for s in page])
    return [t.reply(t.t("sub.which_cancel", listing="\n".join(lines)), buttons)]


def _cancel_one(t: Turn, sid: str) -> Reply:
    sub = subscriptions.get(t.db, int(sid)) if sid.isdigit() else None
    if sub is None or sub["user_id"] != t.user_id:
        return t.reply(t.t("sub.cancel_unknown"))
    what = name_of(t, sub)
    if not sub["active"]:
        return t.reply(t.t("sub.cancel_already", what=what), plain=True)
    subscriptions.deactivate(t.db, sub["id"])
    _drop(t, sub["id"])
    return t.reply(t.t("sub.cancelled", what=what), plain=True)


def cancel_all(t: Turn) -> list[Reply]:
    """The confirmed "全部取消"."""
    subs = subscriptions.active_for(t.db, t.user_id)
    for s in subs:
        subscriptions.deactivate(t.db, s["id"])
        _drop(t, s["id"])
    return [t.reply(t.t("sub.cancelled_all", n=len(subs)), plain=True)]
