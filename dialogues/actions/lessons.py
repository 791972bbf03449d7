"""Digital-skills classes by app, topic, district and date, with the next session in plain words."""

from __future__ import annotations

from datetime import datetime

from content import timefmt
from content.districts import district as find_district
from content.gazetteer import SERVICE_TOPIC
from content.schema import Lesson
from content.tags import KINDS, SERVICES, TOPICS, canonical
from dialogues import labels, window
from dialogues.actions import refs
from dialogues.context import Turn
from dialogues.models import Button, Item, Reply
from dialogues.state import Focus, Listing

PAGE = 3
UMBRELLA = "智能手机"  # every class is a smartphone class: as a topic it narrows nothing
FILTER_KEYS = ("app", "topic", "district")
# Apps too many guides and classes use to say what a guide is about.
GENERIC_APPS = {"微信", "设置", "支付宝", "相机", "输入法"}


def topic_for_guide(t: Turn, guide_id: str) -> str | None:
    """The class topic a guide is about ("学挂号的课": hospital_appointment → 就医挂号): the first
    of its `topics`, else the commonest topic of the classes teaching its own (not generic) app."""
    guide = t.cat.guides.get(guide_id)
    if guide is None:
        return None
    if guide.topics:
        return guide.topics[0]
    apps = set(guide.apps) - GENERIC_APPS
    counts: dict[str, int] = {}
    for les in t.cat.lessons.values():
        if apps & set(les.apps):
            for topic in les.topics:
                if topic != UMBRELLA:
                    counts[topic] = counts.get(topic, 0) + 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else None


def district_asked(t: Turn) -> str | None:
    """The district a list is asked for: a district named ("朝阳区的课"), else the district of the
    street or landmark named ("phone classes near Wangjing", "回龙观的讲座"), so lists filtered by
    district apply the place rather than drop it."""
    d = t.entity("district")
    found = find_district(d) if isinstance(d, str) else None
    return found.name if found is not None else _place_district(t)


def _place_district(t: Turn) -> str | None:
    """The district of the street or landmark the message names. A landmark counts only when no
    app or guide is named (an app's name can look like a place)."""
    street = t.entity("street")
    if isinstance(street, str):
        short = street.removesuffix("街道")
        for c in t.cat.centers.values():
            if c.street and (c.street == street or c.street.removesuffix("街道") == short):
                return c.district
    name = t.entity("landmark")
    if isinstance(name, str) and not t.entity("app") and not t.entity("guide"):
        lm = t.cat.find_landmark(name)
        if lm is not None:
            return lm.district
    return None


def query_from(t: Turn, base: dict | None = None) -> dict:
    """A lesson query from this message on top of `base`."""
    q = dict(base or {})
    span = window.from_entity(t.entity("time"), t.now)
    if span is not None:
        q["from"], q["to"] = span[0].isoformat(), span[1].isoformat()
    app = t.entity("app")
    if isinstance(app, str):
        q["app"] = app
    topic = next(
        (x for x in t.entity_values("topic") if isinstance(x, str) and x != UMBRELLA), None
    )
    guide = t.entity("guide")
    if not topic and not isinstance(app, str) and isinstance(guide, str):
        topic = topic_for_guide(t, guide)  # "学挂号的课": never drop what was asked for
    if topic:
        topic = SERVICE_TOPIC.get(topic, topic)  # 摄影课 → 拍照 (nlu/data/aliases.yml)
        q["topic"] = canonical(topic, TOPICS)
    district = district_asked(t)
    if district:
        q["district"] = district
    center = t.entity("center")
    if isinstance(center, str) and center in t.cat.centers:
        q["center"] = center
    kind = t.entity("kind")
    if kind in KINDS:  # "老年大学的手机课": classes at that kind of center
        q["kind"] = kind
    return q


def list_lessons(t: Turn, base: dict | None = None) -> list[Reply]:
    """Classes matching the message (or one class, by id or position)."""
    les = refs.meant(t, "lesson")
    if les is not None:
        return [lesson_card(t, les)]
    query = query_from(t, base)
    if base is None:
        from dialogues.actions import learn

        guide = learn.guide_for(t, query) if learn.wants_guide(t) else None
        if guide is not None:  # "学打车": the guide now, the class as an offer
            return learn.guide_and_lesson(t, guide)
        if learn.wants_guide(t) and not any(query.get(k) for k in (*FILTER_KEYS, "center", "kind")):
            from dialogues.actions import guides

            # "学用手机" (the home button's words): the guides to choose from
            return [guides._menu(t, guides._ordered_guides(t), 0, t.t("guide.pick"))]
    place = t.state.place
    if "district" not in query and "center" not in query and place and place.district:
        near = dict(query, district=place.district)
        if matching(t, near):
            return _noting(t, query, show(t, near, 0))
    return _noting(t, query, show(t, query, 0))


def _noting(t: Turn, query: dict, replies: list[Reply]) -> list[Reply]:
    """Say so when something asked for cannot filter classes: a task no class is about ("wifi
    classes": the list is every class), or online (classes meet at a center)."""
    notes = []
    if t.entity("mode") == "online":  # classes meet at a center: say so, never drop it
        notes.append(t.t("lesson.no_online"))
    guide = t.cat.guides.get(str(t.entity("guide") or ""))
    if guide is not None and not query.get("topic") and not query.get("app"):
        notes.append(t.t("lesson.no_class_for", title=t.title(guide.title)))
    if notes and replies:
        replies[0].text = "\n".join([*notes, replies[0].text])
    return replies


def matching(t: Turn, query: dict) -> list[tuple[datetime, Lesson]]:
    filters = {k: query.get(k) for k in FILTER_KEYS}
    firsts: dict[str, tuple[datetime, Lesson]] = {}
    if query.get("from"):
        start, end, _ = window.of_query(query, t.now)
        for o in t.cat.lesson_sessions(start, end, **filters):
            firsts.setdefault(o.id, (o.starts_at, o.item))
    else:
        for les in t.cat.lessons_matching(**filters):
            when = t.cat.next_lesson_session(les, t.now)
            if when is not None:
                firsts[les.id] = (when, les)
    out = [x for x in firsts.values() if not query.get("center") or x[1].center == query["center"]]
    if query.get("kind"):
        out = [
            x for x in out if getattr(t.cat.centers.get(x[1].center), "kind", None) == query["kind"]
        ]
    out.sort(key=lambda x: (x[0], x[1].id))
    return out


def _desc(t: Turn, query: dict) -> str:
    parts = labels.filters({k: query.get(k) for k in FILTER_KEYS}, t.lang)
    if query.get("kind") in KINDS:
        zh, en = KINDS[query["kind"]]
        parts = (parts + " · " if parts else "") + (en if t.en else zh)
    center = t.cat.centers.get(query.get("center") or "")
    if center is not None:
        name = center.name_en if t.en and center.name_en else center.name
        parts = (parts + " · " if parts else "") + name
    return parts


def _span(t: Turn, query: dict) -> str:
    if not query.get("from"):
        return ""
    start, end, _ = window.of_query(query, t.now)
    return t.t("lesson.span", span=window.label(start, end, t.now, t.lang, False))


def show(t: Turn, query: dict, offset: int) -> list[Reply]:
    """One page (3) of classes, each with "提醒我", and "更多"."""
    found = matching(t, query)
    desc = _desc(t, query)
    page = found[offset : offset + PAGE]
    if not page and not offset:
        from dialogues.actions import widen

        wider = widen.widened(t, query, widen.LESSON_STEPS, lambda q: bool(matching(t, q)))
        if wider is not None:  # never a dead end: say what was not found, and how we widened
            replies = show(t, wider[0], 0)
            none = t.t(
                "lesson.none",
                span=_span(t, query),
                desc=t.t("lesson.desc", desc=desc) if desc else "",
            )
            replies[0].text = f"{none}{wider[1]}\n{replies[0].text}"
            return replies
    if not page:
        return [_none(t, query, desc, offset)]
    lines = [lesson_line(t, offset + i, les, when) for i, (when, les) in enumerate(page, 1)]
    if offset:
        header = t.t("lesson.header_more")
    else:
        header = t.t(
            "lesson.header",
            desc=t.t("lesson.desc", desc=desc) if desc else "",
            n=len(found),
            span=_span(t, query),
        )
    buttons = [
        t.button(t.t("btn.remind_n", n=offset + i), "subscribe", lesson=les.id)
        for i, (_w, les) in enumerate(page, 1)
    ]
    if len(found) > offset + PAGE:
        buttons.append(Button(t.t("btn.more_lessons"), "/more"))
    guide_line = ""
    if not offset:
        from dialogues.actions import learn

        guide = learn.guide_for(t, query)
        if guide is not None:  # "打车课": the classes, and the guide for learning it now
            guide_line = t.t("lesson.guide_too", title=t.title(guide.title))
            if len(buttons) >= 4:  # the last "提醒我" makes room: that class's card has one too
                del buttons[len(page) - 1]
            buttons.append(t.button(t.t("btn.learn_now"), "start_guide", guide=guide.id))
    t.set_choices(
        [
            t.button(str(offset + i), "list_lessons", lesson=les.id)
            for i, (_w, les) in enumerate(page, 1)
        ],
        offset,
    )
    t.state.shown = Listing("lesson", query, offset, [les.id for _w, les in page])
    t.state.focus = Focus("lesson", page[0][1].id) if len(found) == 1 else None
    tail = (
        t.t("lesson.tail")
        if query.get("district") or query.get("center")
        else t.t("lesson.tail_where")
    )
    text = "\n".join([header, *lines, tail, *([guide_line] if guide_line else [])])
    return [t.reply(text, buttons, items=[Item("lesson", les.id) for _w, les in page])]


def _none(t: Turn, query: dict, desc: str, offset: int) -> Reply:
    if offset:
        return t.reply(t.t("lesson.no_more"))
    buttons = []
    if any(query.get(k) for k in (*FILTER_KEYS, "center", "from")):
        buttons.append(Button(t.t("btn.all_lessons"), "/list_lessons"))
    topic = query.get("topic")
    if topic in SERVICES and topic not in TOPICS:  # 书法课: taught at centers, not a phone class
        buttons.append(
            t.button(
                t.t("btn.centers_teaching", topic=labels.tag(topic, t.lang)),
                "find_center",
                topic=topic,
            )
        )
    app = query.get("app")
    guides = t.cat.guides_for_app(app) if app else []
    if guides:
        buttons.append(
            t.button(
                t.t("btn.learn_guide", title=t.title(guides[0].title)),
                "start_guide",
                guide=guides[0].id,
            )
        )
    wanted = {k: query[k] for k in ("app", "district") if query.get(k)}
    if wanted:
        buttons.append(
            t.button(t.t("btn.remind_new_lesson"), "subscribe", event="lesson", **wanted)
        )
    t.state.shown = Listing("lesson", query)
    t.set_choices(buttons)
    return t.reply(
        t.t(
            "lesson.none", desc=t.t("lesson.desc", desc=desc) if desc else "", span=_span(t, query)
        ),
        buttons,
    )


def _center_text(t: Turn, les: Lesson) -> tuple[str, str, str]:
    c = t.cat.centers.get(les.center)
    if c is None:
        return les.center, "-", "-"
    return (c.name_en if t.en and c.name_en else c.name), c.address, c.phone or "-"


def lesson_line(t: Turn, n: int, les: Lesson, when: datetime) -> str:
    """One numbered entry of a class list."""
    name, address, phone = _center_text(t, les)
    repeat = timefmt.weekly(les.schedule.rrule, les.schedule.time, t.lang)
    return t.t(
        "lesson.line",
        n=n,
        title=t.title(les.title),
        level=_level(t, les),
        when=timefmt.when(when, t.now, t.lang),
        repeat=t.t("lesson.repeat", rule=repeat) if repeat else "",
        center=name,
        address=address,
        phone=phone,
    )


def _level(t: Turn, les: Lesson) -> str:
    return {"入门": t.t("lesson.level_basic"), "进阶": t.t("lesson.level_next")}.get(
        les.level, les.level
    )


def lesson_card(t: Turn, les: Lesson) -> Reply:
    """One class in full, with "提醒我" and its center."""
    t.state.focus = Focus("lesson", les.id)
    when = t.cat.next_lesson_session(les, t.now)
    title = t.title(les.title)
    if when is None:
        buttons = [Button(t.t("btn.all_lessons"), "/list_lessons")]
        t.set_choices(buttons)
        return t.reply(t.t("lesson.over", title=title), buttons, items=[Item("lesson", les.id)])
    name, address, phone = _center_text(t, les)
    repeat = timefmt.weekly(les.schedule.rrule, les.schedule.time, t.lang)
    text = t.t(
        "lesson.card",
        title=title,
        level=_level(t, les),
        when=timefmt.when(when, t.now, t.lang),
        repeat=t.t("lesson.repeat", rule=repeat) if repeat else "",
        length=timefmt.minutes(les.schedule.duration_minutes, t.lang),
        center=name,
        address=address,
        phone=phone,
        apps=labels.joined([labels.tag(a, t.lang) for a in les.apps], t.lang) or "-",
    )
    buttons = [
        t.button(t.t("btn.remind"), "subscribe", lesson=les.id),
        t.button(t.t("btn.center_details"), "center_info", center=les.center),
    ]
    t.set_choices(buttons)
    return t.reply(text, buttons, items=[Item("lesson", les.id)])


def more(t: Turn) -> list[Reply]:
    """The next page of the last class list."""
    last = t.state.shown or Listing("lesson")
    return show(t, dict(last.query), last.offset + PAGE)
