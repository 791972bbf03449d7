"""Questions about Leling itself ("你们这个收钱吗", "who runs this"), from the catalogue's faq.yaml."""

from __future__ import annotations

import re

from content import faq
from dialogues.actions import smalltalk
from dialogues.context import Turn
from dialogues.models import Button, Reply

# A message that asks something: "收钱吗", "上课要交钱不", "who runs it?".
_QUESTION = re.compile(
    r"[?？]|[吗么嘛呢]\s*$|不\s*$|没\s*$|[啥谁哪几]|什么|怎么|多少|是不是|要不要|能不能|有没有|"
    r"^(is|are|do|does|can|who|what|how|will|should)\b",
    re.IGNORECASE,
)
_ACTION_TITLES = {
    "/find_center": "btn.find_center",
    "/list_lectures": "btn.lectures",
    "/start_guide": "btn.guides",
    "/mydata": "btn.mydata",
}


def _entries(t: Turn) -> list[faq.FaqEntry]:
    return list(getattr(t.cat.data, "faq", None) or [])


def about(t: Turn) -> list[Reply]:
    """The faq.yaml answers the question names (at most two), else what Leling does."""
    found = faq.answer(_entries(t), t.text, t.lang)
    if not found:  # a catalogue imported without faq.yaml
        return [smalltalk.home(t, "about.builtin")]
    text = "\n".join(e.answer.get(t.lang) for e in found)
    buttons = [
        Button(t.t(_ACTION_TITLES[e.action]), e.action) for e in found if e.action in _ACTION_TITLES
    ]
    if any(e.action == "/help" for e in found):
        buttons = t.menu_buttons()[:3]
    t.set_choices(buttons)
    return [t.reply(text, buttons)]


def is_question(t: Turn) -> bool:
    """True when the message asks something (so "好的" is never the whole answer)."""
    return bool(_QUESTION.search(t.text.strip()))


def asks_about_leling(t: Turn) -> bool:
    """True when the message uses one of faq.yaml's keywords."""
    return bool(faq.matching(_entries(t), t.text, t.lang))
