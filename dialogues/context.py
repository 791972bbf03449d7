"""The context one turn runs in, and the helpers every action uses to build its replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from content.catalogue import Catalogue
from dialogues import payload as payloads
from dialogues.models import Button, Reply
from dialogues.state import Pending, SessionState
from dialogues.texts import Texts
from nlu.parse import Parse

HOME = "/help"
HUMAN = "/human_help"
# Payloads that count as "a way home" / "a way to a person" when checking a reply.
HOME_PAYLOADS = ("/help", "/cancel")
HUMAN_PAYLOADS = ("/human_help", "/guide_stuck")


@dataclass
class Turn:
    """Everything an action needs for one message: who, what was understood, state, clock."""

    db: sqlite_utils.Database
    cat: Catalogue
    texts: Texts
    user_id: str
    user: dict
    state: SessionState
    lang: str
    now: datetime
    parse: Parse
    text: str = ""
    location: tuple[float, float] | None = None
    memory: dict = field(default_factory=dict)
    planner: object | None = None
    pending: Pending | None = None
    # The numbered options of the previous reply (the state's are cleared for this turn).
    offered: list[str] = field(default_factory=list)
    offered_base: int = 0
    desk: object | None = None  # dialogues.actions.desk.DeskConfig: admins, desk hours
    channel: str | None = None  # Incoming.channel: how this channel's buttons are chosen
    photo: str | None = None  # Incoming.photo; the composer sets `photo_taken` when it keeps it
    photo_taken: bool = False
    # Answered as out of scope or asked back (smalltalk.out_of_scope / clarify): the message
    # goes, masked, into the not-understood queue (dialogues/usage.py).
    unclear: bool = False

    # -- understanding ----------------------------------------------------------------------

    @property
    def intent(self) -> str:
        """The intent understood (out_of_scope when there is none)."""
        return self.parse.intent or "out_of_scope"

    def entity(self, name: str) -> str | dict | None:
        """The first value of entity `name` in this message, or None."""
        return self.parse.entity(name)

    def entity_values(self, name: str) -> list:
        """Every value of entity `name`, in order, without repeats."""
        return self.parse.entity_values(name)

    def entity_map(self) -> dict[str, list]:
        """Entity name → its values in this message."""
        return self.parse.entity_map()

    # -- texts ------------------------------------------------------------------------------

    def t(self, key: str, /, **fields) -> str:
        """The template `key` in the user's language (variation chosen by the turn counter), in
        the wording of this channel where it has its own (dialogues/templates/channels.yml)."""
        return self.texts.get(self.lang, key, self.state.turn, self.channel, **fields)

    @property
    def en(self) -> bool:
        """True when replying in English."""
        return self.lang == "en"

    def title(self, text_obj) -> str:
        """A catalogue `Text` (zh/en) in the user's language."""
        return text_obj.get(self.lang)

    # -- buttons and replies ----------------------------------------------------------------

    def button(self, title: str, intent: str, **entities: str | int) -> Button:
        """A button; entities that would overflow 64 bytes are swapped for a short `ref` key."""
        try:
            return Button(title, payloads.encode(intent, **entities))
        except payloads.PayloadTooLong:
            ref = self.state.add_ref({k: str(v) for k, v in entities.items()})
            return Button(title, payloads.encode(intent, ref=ref))

    def home_button(self) -> Button:
        """回首页 / Home."""
        return Button(self.t("btn.home"), HOME)

    def human_button(self) -> Button:
        """找人帮忙 / Talk to a person."""
        return Button(self.t("btn.human"), HUMAN)

    def menu_buttons(self) -> list[Button]:
        """The four big choices of the home screen."""
        return [
            Button(self.t("btn.find_center"), "/find_center"),
            Button(self.t("btn.lectures"), "/list_lectures"),
            Button(self.t("btn.guides"), "/start_guide"),
            Button(self.t("btn.my_subs"), "/my_subscriptions"),
        ]

    def reply(self, text: str, buttons: list[Button] | None = None, **kw) -> Reply:
        """A reply in the user's preferred output (voice flag from their settings)."""
        return Reply(
            text=text, buttons=list(buttons or []), voice=bool(self.user.get("prefer_voice")), **kw
        )

    def set_choices(self, buttons: list[Button], base: int = 0) -> None:
        """Let "1", "2", "第三个" pick these buttons in the next message (numbered from
        `base + 1`, e.g. 4–6 on a second page; 1–3 work there too)."""
        self.state.choices = [b.payload for b in buttons]
        self.state.choice_base = base


def finish(reply: Reply, turn: Turn) -> Reply:
    """Add "回首页" and "找人帮忙" to a reply that lacks them (plain confirmations excepted)."""
    if reply.plain:
        return reply
    payloads_ = [b.payload for b in reply.buttons]
    if not reply_is_home(reply) and not any(p.startswith(HOME_PAYLOADS) for p in payloads_):
        reply.buttons.append(turn.home_button())
    if not any(p.startswith(HUMAN_PAYLOADS) for p in payloads_):
        reply.buttons.append(turn.human_button())
    return reply


def reply_is_home(reply: Reply) -> bool:
    """The home menu itself needs no "回首页" button."""
    found = {b.payload for b in reply.buttons}
    return {"/find_center", "/list_lectures", "/start_guide"} <= found
