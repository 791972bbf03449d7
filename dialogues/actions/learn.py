"""Lessons and guides by what people call them (issue #11, item 5).

"学打车" — a guide exists and classes too: start the guide, and offer the nearest class.
"打车课" — list the classes, and offer the guide. The guide for a class search is the one the
message names, or the one whose app or topic the search has.
"""

from __future__ import annotations

import re

from content import timefmt
from content.schema import Guide
from dialogues.actions import guides
from dialogues.actions.lessons import GENERIC_APPS
from dialogues.context import Turn
from dialogues.models import Item, Reply
from dialogues.state import GuideProgress

_LEARN = re.compile(r"^(我|俺)?(想|要)?学|^教我|^learn\b|^teach me\b|^how (do|can) i\b", re.I)
_CLASS = re.compile(r"课|班|培训|上课|老师|class|course|lesson|teacher", re.IGNORECASE)


_STUDY = re.compile(
    r"^(我|俺)?(也)?(想|要)?(学|学学)(?!校)|^(i )?(want to |would like to )?learn\b", re.I
)


def says_learn(t: Turn) -> bool:
    """ "学X", "learn to X": it may mean a class or the task, so a guide started by it offers the
    nearest class too. "教我X" and "how do I X" ask for the task now: the guide alone."""
    return bool(_STUDY.search(t.text.strip())) and not t.parse.tapped


def wants_guide(t: Turn) -> bool:
    """ "学打车", "教我挂号": learning a task, not asking for a class."""
    text = t.text.strip()
    return bool(_LEARN.search(text)) and not _CLASS.search(text) and not t.parse.tapped


def guide_for(t: Turn, query: dict) -> Guide | None:
    """The guide a class search is about: named in the message, else the guide whose `topics`
    (guides/<id>.yaml) hold the search's topic, else one teaching its app (not a generic app
    such as 微信: "学微信视频通话" is about video calls, not any WeChat guide)."""
    named = t.entity("guide")
    if isinstance(named, str) and named in t.cat.guides:
        return t.cat.guides[named]
    app, topic = query.get("app"), query.get("topic")
    if topic:
        for g in t.cat.guides.values():
            if topic in g.topics:
                return g
    if app and app not in GENERIC_APPS:
        for g in t.cat.guides.values():
            if app in g.apps:
                return g
    return None


def guide_and_lesson(t: Turn, guide: Guide) -> list[Reply]:
    """Start `guide` (the step comes first), then say which class teaches the same, with a
    button to it."""
    t.state.guide = GuideProgress(guide.id)
    t.state.start_loop("guide")
    intro = t.t("guide.intro", title=t.title(guide.title), total=len(guide.steps))
    out = [guides.step_reply(t, guide, 1, intro)]
    found = guides._lesson_for(t, guide)
    if found is not None:
        when, les = found
        text = t.t(
            "learn.lesson_too", title=t.title(les.title), when=timefmt.when(when, t.now, t.lang)
        )
        button = t.button(t.t("btn.lesson_details"), "list_lessons", lesson=les.id)
        out.append(t.reply(text, [button], items=[Item("lesson", les.id)]))
    return out
