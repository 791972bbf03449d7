"""What Leling stores about a user ("你们存了我啥", /mydata) and deleting it ("把我的资料都删了",
/forget), as PIPL requires: a summary in plain words, a confirmation, then erasure everywhere."""

from __future__ import annotations

import contextlib

from dialogues.context import Turn
from dialogues.models import Button, Reply
from dialogues.state import Pending
from store import help_requests, subscriptions, users

# What each table's rows are called in the "removed" answer; other tables count as "records".
_TABLE_WORDS = (
    "subscriptions",
    "reminders",
    "deliveries",
    "inbox",
    "help_requests",
    "sessions",
    "users",
)


def mydata(t: Turn) -> list[Reply]:
    """A plain summary of everything stored about the user, and a button to delete it."""
    subs = subscriptions.active_for(t.db, t.user_id)
    helps = help_requests.open_for_user(t.db, t.user_id)
    stored = users.counts(t.db, t.user_id)
    guide = t.state.guide
    g = t.cat.guides.get(guide.id) if guide else None
    district = t.user.get("home_district") or (t.state.place and t.state.place.district)
    text = t.t(
        "privacy.summary",
        lang=t.t("privacy.lang_en" if t.en else "privacy.lang_zh"),
        voice=t.t("privacy.on" if t.user.get("prefer_voice") else "privacy.off"),
        district=district or t.t("privacy.none"),
        subs=len(subs),
        reminders=stored.get("reminders", 0),
        helps=len(helps),
        guide=t.t("privacy.guide", title=t.title(g.title), step=guide.step)
        if g
        else t.t("privacy.none"),
    )
    buttons = [Button(t.t("btn.forget"), "/forget")]
    t.set_choices(buttons)
    return [t.reply(text, buttons)]


def forget(t: Turn) -> list[Reply]:
    """Ask before deleting everything."""
    t.state.pending = Pending("forget")
    buttons = [Button(t.t("btn.yes_forget"), "/affirm"), Button(t.t("btn.keep"), "/deny")]
    t.set_choices(buttons)
    return [t.reply(t.t("privacy.confirm"), buttons)]


def _removed(t: Turn, deleted: dict[str, int]) -> str:
    parts = []
    for table in _TABLE_WORDS:
        if deleted.get(table) and table not in ("users", "sessions"):
            parts.append(t.t(f"privacy.removed_{table}", n=deleted[table]))
    others = sum(n for k, n in deleted.items() if k not in _TABLE_WORDS)
    if others:
        parts.append(t.t("privacy.removed_other", n=others))
    parts.append(t.t("privacy.removed_settings"))
    return t.t("privacy.list_sep").join(parts)


def forget_now(t: Turn) -> list[Reply]:
    """Delete every row about the user in every table and say what was removed."""
    for s in subscriptions.active_for(t.db, t.user_id):
        if t.planner is not None:
            # users.forget deletes the reminder rows anyway.
            with contextlib.suppress(Exception):
                t.planner.drop_for_subscription(t.db, s["id"])
    deleted = users.forget(t.db, t.user_id)
    t.memory.clear()
    t.memory["forgotten"] = True
    return [t.reply(t.t("privacy.forgotten", removed=_removed(t, deleted)), plain=True)]
