"""The engine's message types: what a channel hands in and what it gets back.

Channels translate their platform's updates into `Incoming` and render each `Reply`; nothing
platform-specific appears here. `Reply.to_dict()` is the `--json` turn shape of docs/contracts.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialogues import sanitize

# The payload of the button that asks the channel for the user's location. Channels that can
# (Telegram's request_location keyboard, the browser's geolocation) render it natively; the
# engine answers it with instructions when a channel cannot.
SHARE_LOCATION = "/share_location"
# A picture as a channel names it (a Telegram file id); anything else is dropped at the edge.
PHOTO_ID = re.compile(r"^[A-Za-z0-9_-]{8,200}$")


@dataclass(frozen=True)
class Incoming:
    """One message from a user.

    `text` is what they typed (or a button's payload, e.g. `/guide_next`); `location` is a shared
    WGS-84 point; `lang` is the channel's hint ("zh"/"en") for a user Leling has not met yet;
    `voice` says the text came from speech recognition; `unsure` that the recogniser was not
    confident (the engine then acts on nothing that subscribes, deletes or sends); `channel`
    names a channel whose buttons are not tapped under the message ("wechat": numbered lines,
    "terminal": typed), so the texts that say how to choose fit it (dialogues/texts.py);
    `photo` is a picture sent with the message (the channel's id for it; `text` is its caption):
    a volunteer's announcement picture, or a picture Leling says it cannot look at while it
    answers the caption.
    """

    user_id: str
    text: str = ""
    location: tuple[float, float] | None = None
    lang: str | None = None
    voice: bool = False
    unsure: bool = False
    channel: str | None = None
    photo: str | None = None

    def __post_init__(self) -> None:
        # The edge: whatever a channel hands in is made safe to store before anything uses it.
        object.__setattr__(self, "user_id", sanitize.text(self.user_id, 128))
        object.__setattr__(self, "text", sanitize.text(self.text))
        if self.photo is not None and not PHOTO_ID.match(str(self.photo)):
            object.__setattr__(self, "photo", None)


@dataclass(frozen=True)
class Button:
    """A big button: what it says, and the Rasa-style payload it sends back when tapped.

    `call` makes it a tap-to-call button ("120", "96110"): a channel that can dial renders it
    as a tel: link; one that cannot (Telegram's inline keyboards) sends the payload
    (`/call{"number":"120"}`), which Leling answers with the number in words.
    """

    title: str
    payload: str
    call: str | None = None

    def to_dict(self) -> dict:
        """{"title", "payload", "call"?}."""
        out = {"title": self.title, "payload": self.payload}
        if self.call:
            out["call"] = self.call
        return out


@dataclass(frozen=True)
class Item:
    """A catalogue item shown in a reply (a center, lecture or lesson), for channels and tests."""

    type: str  # "center" | "lecture" | "lesson"
    id: str
    distance_m: int | None = None

    def to_dict(self) -> dict:
        """{"type", "id", "distance_m"?}."""
        out: dict = {"type": self.type, "id": self.id}
        if self.distance_m is not None:
            out["distance_m"] = self.distance_m
        return out


@dataclass(frozen=True)
class GuideStep:
    """Where a reply stands in a step-by-step guide (`step` counts from 1)."""

    id: str
    step: int
    total: int

    def to_dict(self) -> dict:
        """{"id", "step", "total"}."""
        return {"id": self.id, "step": self.step, "total": self.total}


@dataclass
class Reply:
    """One message to the user.

    `voice` asks the channel to also speak the text (the user prefers voice replies).
    `plain` marks a plain confirmation, which needs no "home" / "a person" buttons.
    """

    text: str
    buttons: list[Button] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    guide: GuideStep | None = None
    voice: bool = False
    plain: bool = False

    def to_dict(self) -> dict:
        """The `--json` reply shape of docs/contracts.md."""
        out: dict = {
            "text": self.text,
            "buttons": [b.to_dict() for b in self.buttons],
            "items": [i.to_dict() for i in self.items],
        }
        if self.guide is not None:
            out["guide"] = self.guide.to_dict()
        out["voice"] = self.voice
        return out


@dataclass
class TurnResult:
    """What one turn produced: the understanding used (Rasa parse shape) and the replies."""

    nlu: dict
    replies: list[Reply]

    def to_dict(self, incoming: Incoming) -> dict:
        """The `leling chat --json` turn object."""
        inp: dict = {"user": incoming.user_id, "text": incoming.text}
        if incoming.location is not None:
            inp["location"] = {"lat": incoming.location[0], "lon": incoming.location[1]}
        if incoming.voice:
            inp["voice"] = True
        return {"input": inp, "nlu": self.nlu, "replies": [r.to_dict() for r in self.replies]}
