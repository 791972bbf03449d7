"""Per-user conversation state, saved as JSON in the `sessions` table after every turn.

What is kept (and why):
- `lang`: the language the conversation is in.
- `guide`: the guide being learnt — `{"id", "step", "active", "stuck"}`; `active` is False
  while the user does something else, so "继续上次的" can resume it (also after a restart).
- `shown`: the last list shown — `{"type", "query", "offset", "ids"}` — for "更多", "第二个",
  "提醒我" and follow-ups such as "那周末的呢?".
- `focus`: the one item being talked about (`{"type", "id"}`).
- `place`: the last district / street / landmark named. A raw shared location is never
  stored (PIPL); the engine keeps it in memory only, for paging through "更多".
- `pending`: a question Leling asked and is waiting on (`{"ask": …}`).
- `choices`: the payloads behind the numbered options of the last reply ("1", "第二个");
  `choice_base` is how many came before them ("更多" numbers the second page 4–6).
- `refs`: short keys for button payloads that would not fit 64 bytes.
- `history`: the user's last few messages, handed to a volunteer with a help request.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import sqlite_utils

from store import sessions

HISTORY = 5
MAX_REFS = 24


@dataclass
class SessionState:
    """One user's conversation state (JSON-serialisable)."""

    lang: str | None = None
    turn: int = 0
    guide: dict | None = None
    shown: dict | None = None
    focus: dict | None = None
    place: dict | None = None
    pending: dict | None = None
    choices: list[str] = field(default_factory=list)
    choice_base: int = 0
    refs: dict[str, dict] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    last_intent: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> SessionState:
        """A state from its saved form; unknown keys (from a newer version) are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    def to_dict(self) -> dict:
        """The JSON-ready form saved in the store (a shallow copy: it is serialised at once)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

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


def load(db: sqlite_utils.Database, user_id: str) -> SessionState:
    """The user's saved state (a fresh one for a new user or an unreadable row)."""
    try:
        return SessionState.from_dict(sessions.load(db, user_id))
    except (ValueError, TypeError):
        return SessionState()


def save(db: sqlite_utils.Database, user_id: str, state: SessionState) -> None:
    """Persist the user's state."""
    sessions.save(db, user_id, state.to_dict())
