"""Hand-off to a person: a help request for volunteers, or a message to forward to family."""

from __future__ import annotations

import re

from dialogues.actions import desk
from dialogues.context import Turn
from dialogues.models import Button, Reply
from store import help_requests

_FAMILY = re.compile(
    r"家人|家里人|儿子|女儿|孩子们|孙子|孙女|老伴|family|my son|my daughter", re.IGNORECASE
)


def _guide_context(t: Turn) -> dict | None:
    g = t.state.guide
    guide = t.cat.guides.get(g.id) if g else None
    if guide is None:
        return None
    step = max(1, min(g.step, len(guide.steps)))
    return {
        "id": guide.id,
        "title": guide.title.zh,
        "step": step,
        "total": len(guide.steps),
        "step_text": guide.steps[step - 1].text.zh,
        "active": t.state.in_loop("guide"),
    }


def context(t: Turn) -> dict:
    """What a volunteer needs to help: the user's last messages, the guide and step, the list.

    A shared location is deliberately left out (PIPL: used for one answer, never stored).
    """
    out: dict = {
        "asked": [*t.state.history[-2:], t.text][-3:] if t.text else t.state.history[-3:],
        "last_intent": t.state.last_intent,
        "lang": t.lang,
        "channel": t.user.get("channel"),
    }
    guide = _guide_context(t)
    if guide:
        out["guide"] = guide
    if t.state.shown and t.state.shown.ids:
        out["shown"] = {"type": t.state.shown.type, "ids": t.state.shown.ids}
    if t.state.focus:
        out["focus"] = t.state.focus.to_dict()
    return out


def _buttons(t: Turn, family: bool) -> list[Button]:
    buttons = []
    if t.state.guide:
        buttons.append(Button(t.t("btn.resume"), "/resume_guide"))
    if family:
        buttons.append(t.button(t.t("btn.family"), "human_help", who="family"))
    else:
        buttons.append(Button(t.t("btn.volunteer"), "/human_help"))
    return buttons


def human_help(t: Turn, reason: str = "human_help") -> list[Reply]:
    """ "转人工" / "我卡住了": open a help request (once) and say plainly what happens next."""
    if t.entity("who") == "family" or (not t.text.startswith("/") and _FAMILY.search(t.text)):
        return family(t)
    mine = help_requests.active_for_user(t.db, t.user_id)
    if mine and mine["status"] == "claimed":
        text = t.t("handoff.claimed", id=mine["id"])
    elif mine:
        text = t.t("handoff.already", id=mine["id"])
    else:
        rid = help_requests.create(t.db, t.user_id, reason, context(t), now=t.now)
        text = desk.announce_new(t, rid)
    buttons = _buttons(t, family=True)
    t.set_choices(buttons)
    return [t.reply(text, buttons)]


def family(t: Turn) -> list[Reply]:
    """A short message the user can forward to a family member."""
    guide = _guide_context(t)
    if guide is not None:
        g = t.cat.guides[guide["id"]]
        step_text = g.steps[guide["step"] - 1].text.get(t.lang)
        message = t.t(
            "handoff.family_guide",
            title=t.title(g.title),
            step=guide["step"],
            total=guide["total"],
            step_text=step_text,
        )
    else:
        asked = next((h for h in reversed(t.state.history) if not h.startswith("/")), "")
        message = (
            t.t("handoff.family_question", asked=asked) if asked else t.t("handoff.family_plain")
        )
    buttons = _buttons(t, family=False)
    t.set_choices(buttons)
    return [t.reply(t.t("handoff.family", message=message), buttons)]
