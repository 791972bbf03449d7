"""Family-education lectures: by time window, topic, audience, district and online/offline."""

from __future__ import annotations

from datetime import datetime

from content import timefmt
from content.schedule import next_occurrence
from content.schema import Lecture
from dialogues import labels, window
from dialogues.actions import refs
from dialogues.context import Turn
from dialogues.models import Button, Item, Reply
from dialogues.state import Focus, Listing

PAGE = 3
UMBRELLA = "家庭教育"  # every lecture is family education: as a topic it narrows nothing
FILTER_KEYS = ("topic", "audience", "district", "mode")


def next_time(t: Turn, lec: Lecture, after: datetime | None = None) -> datetime | None:
    """When the lecture (or the series) next starts after `after` (default now)."""
    after = after or t.now
    if lec.status == "cancelled":
        return None
    if lec.schedule is not None:
        return next_occurrence(lec.schedule, after, skip_holidays=False)
    return lec.starts_at if lec.starts_at and lec.starts_at >= after else None


def query_from(t: Turn, base: dict | None = None) -> dict:
    """A lecture query from this message, on top of `base` (a follow-up keeps the rest)."""
    q = dict(base or {})
    span = window.from_entity(t.entity("time"), t.now)
    if span is not None:
        q["from"], q["to"] = span[0].isoformat(), span[1].isoformat()
    topic = next(
        (x for x in t.entity_values("topic") if isinstance(x, str) and x != UMBRELLA), None
    )
    guide = t.entity("guide")
    if not topic and isinstance(guide, str):
        from dialogues.actions.lessons import topic_for_guide

        topic = topic_for_guide(t, guide)  # "讲防诈骗的呢": the guide's alias names the topic
    if topic:
        q["topic"] = topic
    audiences = [a for a in t.entity_values("audience") if isinstance(a, str)]
    if audiences:  # "parents of toddlers": the specific one, not "parents"
        q["audience"] = next((a for a in audiences if a != "家长"), audiences[0])
    from dialogues.actions.lessons import district_asked

    district = district_asked(t)  # "lectures in Huilongguan": the street's district
    if district:
        q["district"] = district
    mode = t.entity("mode")
    if mode in ("online", "offline"):
        q["mode"] = mode
    return q


def list_lectures(t: Turn, base: dict | None = None) -> list[Reply]:
    """Upcoming lectures for the message's filters (or one lecture, by id or position)."""
    lec = refs.meant(t, "lecture")
    if lec is not None:
        return [lecture_card(t, lec)]
    return show(t, query_from(t, base), 0)


def _matching(t: Turn, query: dict) -> tuple[list, datetime, datetime, bool]:
    start, end, default = window.of_query(query, t.now)
    online = {"online": True, "offline": False}.get(query.get("mode") or "")
    occ = t.cat.lectures_between(
        start,
        end,
        topic=query.get("topic"),
        audience=query.get("audience"),
        district=query.get("district"),
        online=online,
        include_cancelled=False,
    )
    seen, unique = set(), []
    for o in occ:
        if o.id not in seen:
            seen.add(o.id)
            unique.append(o)
    return unique, start, end, default


def show(t: Turn, query: dict, offset: int) -> list[Reply]:
    """One page (3) of lectures for `query`, each with "提醒我", and "更多"."""
    found, start, end, default = _matching(t, query)
    span = window.label(start, end, t.now, t.lang, default)
    desc = labels.filters({k: query.get(k) for k in FILTER_KEYS}, t.lang)
    page = found[offset : offset + PAGE]
    if not page and not offset:
        from dialogues.actions import widen

        wider = widen.widened(t, query, widen.LECTURE_STEPS, lambda q: bool(_matching(t, q)[0]))
        if wider is not None:  # never a dead end: say what was not found, and how we widened
            replies = show(t, wider[0], 0)
            none = t.t(
                "lecture.none", span=span, desc=t.t("lecture.desc", desc=desc) if desc else ""
            )
            replies[0].text = f"{none}{wider[1]}\n{replies[0].text}"
            return replies
    if not page:
        return [_none(t, query, span, desc, offset)]
    lines = [lecture_line(t, offset + i, o.item, o.starts_at) for i, o in enumerate(page, 1)]
    header = (
        t.t("lecture.header_more")
        if offset
        else t.t(
            "lecture.header",
            span=span,
            desc=t.t("lecture.desc", desc=desc) if desc else "",
            n=len(found),
        )
    )
    buttons = [
        t.button(t.t("btn.remind_n", n=offset + i), "subscribe", lecture=o.id)
        for i, o in enumerate(page, 1)
    ]
    if len(found) > offset + PAGE:
        buttons.append(Button(t.t("btn.more_lectures"), "/more"))
    t.set_choices(
        [t.button(str(offset + i), "list_lectures", lecture=o.id) for i, o in enumerate(page, 1)],
        offset,
    )
    t.state.shown = Listing("lecture", query, offset, [o.id for o in page])
    t.state.focus = Focus("lecture", page[0].id) if len(found) == 1 else None
    text = "\n".join([header, *lines, t.t("lecture.tail")])
    return [t.reply(text, buttons, items=[Item("lecture", o.id) for o in page])]


def _none(t: Turn, query: dict, span: str, desc: str, offset: int) -> Reply:
    if offset:
        return t.reply(t.t("lecture.no_more"))
    buttons = []
    narrowed = any(query.get(k) for k in FILTER_KEYS) or query.get("from")
    if narrowed:
        buttons.append(Button(t.t("btn.all_lectures"), "/list_lectures"))
    wanted = {k: query[k] for k in ("topic", "audience", "district") if query.get(k)}
    if wanted:
        buttons.append(t.button(t.t("btn.remind_new"), "subscribe", event="lecture", **wanted))
    t.state.shown = Listing("lecture", query)
    text = t.t("lecture.none", span=span, desc=t.t("lecture.desc", desc=desc) if desc else "")
    other, said = _other_ways(t, query.get("topic"))
    if other:
        text += "\n" + t.t(said, topic=labels.tag(query["topic"], t.lang))
        buttons = other + buttons
    t.set_choices(buttons)
    return t.reply(text, buttons)


def _other_ways(t: Turn, topic: str | None) -> tuple[list[Button], str]:
    """A topic no lecture covers may be taught by phone classes or a guide ("挂号的讲座"):
    buttons for them, so the answer is not a dead end, and the template that names just
    those (classes, a guide, or both)."""
    if not topic:
        return [], ""
    from dialogues.actions import lessons

    out = []
    if lessons.matching(t, {"topic": topic}):
        out.append(t.button(t.t("btn.lessons"), "list_lessons", topic=topic))
    guide = next((g for g in t.cat.guides.values() if topic in g.topics), None)
    if guide is not None:
        out.append(t.button(t.title(guide.title), "start_guide", guide=guide.id))
    said = {2: "lecture.other_ways", 1: "lecture.other_guide" if guide else "lecture.other_lessons"}
    return out, said.get(len(out), "")


def _where(t: Turn, lec: Lecture) -> str:
    center = t.cat.centers.get(lec.center) if lec.center else None
    if center is not None:
        name = center.name_en if t.en and center.name_en else center.name
        place = t.t("lecture.at_center", name=name, address=center.address)
        if lec.online_url:
            place += t.t("lecture.also_online", url=lec.online_url)
        return place
    return t.t("lecture.online", url=lec.online_url or "")


def _audience(t: Turn, lec: Lecture) -> str:
    return labels.joined([labels.audience(a, t.lang) for a in lec.audience], t.lang) or "-"


def lecture_line(t: Turn, n: int, lec: Lecture, when: datetime) -> str:
    """One numbered entry of a lecture list."""
    repeat = timefmt.weekly(lec.schedule.rrule, lec.schedule.time, t.lang) if lec.schedule else ""
    return t.t(
        "lecture.line",
        n=n,
        title=t.title(lec.title),
        when=timefmt.when(when, t.now, t.lang),
        length=timefmt.minutes(lec.duration, t.lang),
        repeat=t.t("lecture.repeat", rule=repeat) if repeat else "",
        where=_where(t, lec),
        audience=_audience(t, lec),
    )


def lecture_card(t: Turn, lec: Lecture) -> Reply:
    """One lecture in full, with "提醒我" (or why it cannot be attended)."""
    t.state.focus = Focus("lecture", lec.id)
    title = t.title(lec.title)
    if lec.status == "cancelled":
        buttons = [Button(t.t("btn.other_lectures"), "/list_lectures")]
        t.set_choices(buttons)
        return t.reply(
            t.t("lecture.cancelled", title=title), buttons, items=[Item("lecture", lec.id)]
        )
    when = next_time(t, lec)
    if when is None:
        buttons = [Button(t.t("btn.other_lectures"), "/list_lectures")]
        t.set_choices(buttons)
        return t.reply(t.t("lecture.over", title=title), buttons, items=[Item("lecture", lec.id)])
    repeat = timefmt.weekly(lec.schedule.rrule, lec.schedule.time, t.lang) if lec.schedule else ""
    text = t.t(
        "lecture.card",
        title=title,
        when=timefmt.when(when, t.now, t.lang),
        length=timefmt.minutes(lec.duration, t.lang),
        repeat=t.t("lecture.repeat", rule=repeat) if repeat else "",
        speaker=lec.speaker or "-",
        where=_where(t, lec),
        audience=_audience(t, lec),
    )
    buttons = [t.button(t.t("btn.remind"), "subscribe", lecture=lec.id)]
    t.set_choices(buttons)
    return t.reply(text, buttons, items=[Item("lecture", lec.id)])


def more(t: Turn) -> list[Reply]:
    """The next page of the last lecture list."""
    last = t.state.shown or Listing("lecture")
    return show(t, dict(last.query), last.offset + PAGE)
