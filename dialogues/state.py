"""Per-user conversation state, saved as JSON in the `sessions` table after every turn.

What is kept (and why):
- `lang`: the language the conversation is in.
- `guide`: the guide being learnt (`GuideProgress`: id, step, stuck). It outlives the guide
  loop, so "继续上次的" can resume it (also after a restart or a week away).
- `loop`: the multi-step flow in progress (`ActiveLoop`, like Rasa's `active_loop`): while it is
  active, its rules answer first (dialogues/loops.py). Today the guide; tomorrow an
  announcement composer or the help desk.
- `shown`: the last list shown (`Listing`) — for "更多", "第二个", "提醒我" and follow-ups
  such as "那周末的呢?".
- `focus`: the one item being talked about (`Focus`).
- `place`: the last district / street / landmark named (`Place`). A raw shared location is
  never stored nor kept (PIPL); for paging through "更多" the engine's memory keeps only the
  ranking of the nearest centers (ids and metres) for 30 minutes.
- `pending`: a question Leling asked and is waiting on (`Pending`).
- `choices`: the payloads behind the numbered options of the last reply ("1", "第二个");
  `choice_base` is how many came before them ("更多" numbers the second page 4–6).
- `refs`: short keys for button payloads that would not fit 64 bytes.
- `history`: the user's last few messages, handed to a volunteer with a help request.

The saved form carries a version (`"v"`). Version 1 (no "v", before typed state) kept the guide
as `{"id", "step", "active", "stuck"}` and is read as GuideProgress plus an active guide loop.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, ClassVar

import sqlite_utils

from store import sessions

log = logging.getLogger(__name__)

VERSION = 2
HISTORY = 5
MAX_REFS = 24


@cache
def _names(cls: type) -> tuple[str, ...]:
    """The field names of a dataclass (computed once per class: states are read every turn)."""
    return tuple(f.name for f in fields(cls))


class Record:
    """A small typed piece of state, saved as a JSON object and read by its attributes;
    `from_dict` also reads the dict-shaped state of version 1 (`_ALIASES`: its old key names)."""

    _ALIASES: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_dict(cls, data: Any):
        """The record saved as `data`, or None when it is not a mapping with the required fields."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict):
            return None
        names = _names(cls)
        kwargs = {}
        for key, value in data.items():
            key = cls._ALIASES.get(key, key)
            if key in names:
                kwargs[key] = value
        try:
            return cls(**kwargs)
        except (TypeError, ValueError):
            return None

    def to_dict(self) -> dict:
        """The JSON-ready form (a shallow copy)."""
        return {name: getattr(self, name) for name in _names(type(self))}


@dataclass
class GuideProgress(Record):
    """The guide being learnt: its id, the step reached (from 1), "卡住了" count on this step."""

    id: str
    step: int = 1
    stuck: int = 0

    def __post_init__(self) -> None:
        self.id, self.step, self.stuck = str(self.id), int(self.step), int(self.stuck)


@dataclass
class ActiveLoop(Record):
    """The multi-step flow in progress (its name) and the flow's own slots."""

    name: str
    data: dict = field(default_factory=dict)


@dataclass
class Listing(Record):
    """The last list shown: its kind ("center", "lecture", "lesson", "guide", "subscription"),
    the query that made it, the offset of this page and the ids on it."""

    type: str
    query: dict = field(default_factory=dict)
    offset: int = 0
    ids: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.query = dict(self.query or {})
        self.offset = int(self.offset or 0)
        self.ids = list(self.ids or [])


@dataclass
class Focus(Record):
    """The one catalogue item being talked about."""

    type: str
    id: str


@dataclass
class Place(Record):
    """The last place named (a district, and the street or landmark when one was named)."""

    district: str | None = None
    street: str | None = None
    landmark: str | None = None


@dataclass
class Pending(Record):
    """A question Leling asked: `ask` names it ("place", "clarify", "forget",
    "unsubscribe_all"); `about` what it is for; `query` the search it will complete."""

    _ALIASES: ClassVar[dict[str, str]] = {"for": "about"}

    ask: str
    about: str | None = None
    query: dict | None = None


# The typed fields of SessionState and their types (dicts assigned to them are converted).
_TYPED: dict[str, type[Record]] = {
    "guide": GuideProgress,
    "loop": ActiveLoop,
    "shown": Listing,
    "focus": Focus,
    "place": Place,
    "pending": Pending,
}


@dataclass
class SessionState:
    """One user's conversation state (JSON-serialisable with `to_dict`)."""

    lang: str | None = None
    turn: int = 0
    guide: GuideProgress | None = None
    loop: ActiveLoop | None = None
    shown: Listing | None = None
    focus: Focus | None = None
    place: Place | None = None
    pending: Pending | None = None
    choices: list[str] = field(default_factory=list)
    choice_base: int = 0
    refs: dict[str, dict] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    last_intent: str | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, dict) and (kind := _TYPED.get(name)) is not None:
            if name == "guide" and value.get("active"):  # a version-1 guide dict
                super().__setattr__("loop", ActiveLoop("guide"))
            value = kind.from_dict(value)
        super().__setattr__(name, value)

    # -- loops --------------------------------------------------------------------------------

    def in_loop(self, name: str | None = None) -> bool:
        """True while a flow (the one named, when given) is in progress."""
        return self.loop is not None and (name is None or self.loop.name == name)

    def start_loop(self, name: str, **data: Any) -> None:
        """Make `name` the flow in progress (replacing any other)."""
        self.loop = ActiveLoop(name, dict(data))

    def end_loop(self, name: str | None = None) -> None:
        """Leave the flow in progress (only if it is `name`, when given)."""
        if self.in_loop(name):
            self.loop = None

    # -- saving -------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict) -> SessionState:
        """A state from its saved form (this version or version 1); unknown keys (from a newer
        version) and unreadable parts are dropped, never the whole state."""
        data = dict(data or {})
        version = data.pop("v", 1)
        if version == 1:
            data = _from_version_1(data)
        kwargs = {}
        for name in _names(cls):
            if name in data:
                value = data[name]
                kind = _TYPED.get(name)
                kwargs[name] = value if kind is None or value is None else kind.from_dict(value)
        return cls(**kwargs)

    def to_dict(self) -> dict:
        """The JSON-ready form saved in the store."""
        out: dict = {"v": VERSION}
        for name in _names(type(self)):
            value = getattr(self, name)
            out[name] = value.to_dict() if isinstance(value, Record) else value
        return out

    # -- helpers ------------------------------------------------------------------------------

    def remember(self, text: str) -> None:
        """Keep the user's last few messages (for a volunteer's context)."""
        if text:
            self.history = [*self.history, text[:200]][-HISTORY:]

    def add_ref(self, entities: dict) -> str:
        """A short key standing for `entities` in a payload that would be too long."""
        for key, value in self.refs.items():
            if value == entities:
                return key
        key = str(max((int(k) for k in self.refs), default=0) + 1)
        self.refs[key] = entities
        if len(self.refs) > MAX_REFS:
            for old in sorted(self.refs, key=int)[: len(self.refs) - MAX_REFS]:
                del self.refs[old]
        return key


def _from_version_1(data: dict) -> dict:
    """Version 1 kept the guide loop as a flag inside the guide: `{"id", "step", "active",
    "stuck"}`."""
    guide = data.get("guide")
    if isinstance(guide, dict):
        if guide.get("active"):
            data["loop"] = {"name": "guide"}
        data["guide"] = {k: v for k, v in guide.items() if k != "active"}
    return data


def load(db: sqlite_utils.Database, user_id: str) -> SessionState:
    """The user's saved state (a fresh one for a new user or an unreadable row)."""
    try:
        return SessionState.from_dict(sessions.load(db, user_id))
    except (ValueError, TypeError, AttributeError):
        log.warning("unreadable session state for a user; starting afresh")
        return SessionState()


def save(db: sqlite_utils.Database, user_id: str, state: SessionState) -> None:
    """Persist the user's state."""
    sessions.save(db, user_id, state.to_dict())
