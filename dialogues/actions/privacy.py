"""What Leling stores about a user (/mydata) and deleting it (/forget), as PIPL requires."""

from __future__ import annotations

import contextlib

from dialogues.context import Turn
from dialogues.models import Button, Reply
from dialogues.state import Pending
from store import help_requests, subscriptions, users


def mydata(t: Turn) -> list[Reply]:
    """A plain summary of everything stored about the user, and how to delete it."""
    subs = subscriptions.active_for(t.db, t.user_id)
    helps = help_requests.open_for_user(t.db, t.user_id)
    guide = t.state.guide
    g = t.cat.guides.get(guide.id) if guide else None
    text = t.t(
        "privacy.summary",
        lang=t.t("privacy.lang_en" if t.en else "privacy.lang_zh"),
        voice=t.t("privacy.on" if t.user.get("prefer_voice") else "privacy.off"),
        district=t.user.get("home_district") or (t.state.place and t.state.place.district) or "-",
        subs=len(subs),
        helps=len(helps),
        guide=t.t("privacy.guide", title=t.title(g.title), step=guide.step) if g else "-",
    )
    buttons = [Button(t.t("btn.forget"), "/forget")]
    return [t.reply(text, buttons)]


def forget(t: Turn) -> list[Reply]:
    """Ask before deleting everything."""
    t.state.pending = Pending("forget")
    buttons = [Button(t.t("btn.yes_forget"), "/affirm"), Button(t.t("btn.keep"), "/deny")]
    t.set_choices(buttons)
    return [t.reply(t.t("privacy.confirm"), buttons)]


def forget_now(t: Turn) -> list[Reply]:
    """Delete the user's data (subscriptions, reminders, help requests, session, user row)."""
    subs = subscriptions.active_for(t.db, t.user_id)
    for s in subs:
        if t.planner is not None:
            # users.forget deletes the reminder rows anyway.
            with contextlib.suppress(Exception):
                t.planner.drop_for_subscription(t.db, s["id"])
    users.forget(t.db, t.user_id)
    t.memory.clear()
    t.memory["forgotten"] = True
    return [t.reply(t.t("privacy.forgotten"), plain=True)]
