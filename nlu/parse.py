"""The typed parse of one message: what the dialogue engine works with.

`Parse.to_dict()` is Rasa's `POST /model/parse` JSON plus the detected language (and, for
messages the engine resolved itself, `"source"` and `"choice"`); `Parse.from_dict` reads it
back (from the local parser, a Rasa server, or a test). Entities keep Rasa's fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

OUT_OF_SCOPE = "out_of_scope"
_TZ = ZoneInfo("Asia/Shanghai")

# Where a parse came from: the NLU; the engine itself (a button payload, a slash command, a
# number picking from the last list, a shortcut such as "更多"); an emoji typed like a word.
NLU, ENGINE, EMOJI = "nlu", "engine", "emoji"


@dataclass(frozen=True)
class Entity:
    """One entity: Rasa's {"entity", "value", "start", "end", "confidence", "extractor"}."""

    entity: str
    value: Any
    start: int = 0
    end: int = 0
    confidence: float = 1.0
    extractor: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Entity:
        """An entity from Rasa's JSON (missing offsets become 0). Every value but a `time`'s is
        text: numbers are written out, anything else (a list, a mapping) is dropped (None)."""
        start, end = data.get("start"), data.get("end")
        name = str(data.get("entity") or "")
        value = data.get("value")
        if name != "time" and not isinstance(value, str):
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            value = str(value) if is_number else None
        return cls(
            entity=name,
            value=value,
            start=start if isinstance(start, int) else 0,
            end=end if isinstance(end, int) else 0,
            confidence=float(data.get("confidence", 1.0) or 0.0),
            extractor=str(data.get("extractor") or ""),
        )

    def to_dict(self) -> dict:
        """Rasa's entity JSON: the fields above, by the same names and in the same order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Parse:
    """The understanding of one message.

    `intent` is never empty (out_of_scope when nothing was understood); `ranking` is the
    classifier's top guesses as (name, confidence), best first; `lang` the language detected
    (the conversation's language for what the engine resolved); `source` one of NLU, ENGINE,
    EMOJI; `choice` the position picked from the last list ("2", "第二个"), if that is how the
    message was understood.
    """

    text: str
    intent: str = OUT_OF_SCOPE
    confidence: float = 0.0
    entities: tuple[Entity, ...] = ()
    ranking: tuple[tuple[str, float], ...] = ()
    lang: str | None = None
    source: str = NLU
    choice: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict) -> Parse:
        """A parse from Rasa's /model/parse JSON (keys it does not know are kept in `extra`)."""
        intent = data.get("intent") or {}
        ranking = tuple(
            (str(r.get("name")), float(r.get("confidence", 0.0) or 0.0))
            for r in data.get("intent_ranking") or []
            if isinstance(r, dict) and r.get("name")
        )
        known = {"text", "intent", "entities", "intent_ranking", "lang", "source", "choice"}
        return cls(
            text=str(data.get("text") or ""),
            intent=str(intent.get("name") or OUT_OF_SCOPE),
            confidence=float(intent.get("confidence", 0.0) or 0.0),
            entities=tuple(
                Entity.from_dict(e) for e in data.get("entities") or [] if isinstance(e, dict)
            ),
            ranking=ranking,
            lang=data.get("lang"),
            source=str(data.get("source") or NLU),
            choice=data.get("choice"),
            extra={k: v for k, v in data.items() if k not in known},
        )

    @classmethod
    def resolved(
        cls, text: str, intent: str, entities: dict[str, str] | None, lang: str | None
    ) -> Parse:
        """What the engine understood without the NLU (a payload, a command, a shortcut):
        confidence 1, like Rasa's own payload parses."""
        return cls(
            text=text,
            intent=intent,
            confidence=1.0,
            entities=tuple(Entity(k, v, 0, 0, 1.0, "payload") for k, v in (entities or {}).items()),
            ranking=((intent, 1.0),),
            lang=lang,
            source=ENGINE,
        )

    def but(self, **changes) -> Parse:
        """A copy with some fields changed."""
        return replace(self, **changes)

    # -- reading ------------------------------------------------------------------------------

    @property
    def tapped(self) -> bool:
        """True when the engine resolved it (a button, a command, a number, a shortcut)."""
        return self.source == ENGINE

    def entity(self, name: str) -> Any:
        """The first non-empty value of entity `name`, or None: text for every entity but
        `time`, whose value is Rasa's {"from", "to"} (see `time()`)."""
        for e in self.entities:
            if e.entity == name and e.value not in (None, ""):
                return e.value
        return None

    def entity_values(self, name: str) -> list:
        """Every value of entity `name`, in order, without repeats."""
        out: list = []
        for e in self.entities:
            if e.entity == name and e.value not in (None, "") and e.value not in out:
                out.append(e.value)
        return out

    def entity_map(self) -> dict[str, list]:
        """Entity name → its non-empty values."""
        out: dict[str, list] = {}
        for e in self.entities:
            if e.value not in (None, ""):
                out.setdefault(e.entity, []).append(e.value)
        return out

    def time(self) -> tuple[datetime, datetime] | None:
        """The `time` entity as aware (start, end): from `{"from": ISO, "to": ISO}` or the
        payload form "ISO|ISO"; None when absent or not ISO (e.g. words a button kept)."""
        start, end = interval(self.entity("time"))
        return (start, end) if start and end else None

    def top(self, n: int) -> list[tuple[str, float]]:
        """The first `n` of the ranking."""
        return list(self.ranking[:n])

    # -- writing ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Rasa's /model/parse JSON plus "lang" (and "source"/"choice" when the engine
        resolved it); the `nlu` part of a `leling chat --json` turn."""
        out: dict = {
            "text": self.text,
            "intent": {"name": self.intent, "confidence": self.confidence},
            "entities": [e.to_dict() for e in self.entities],
            "intent_ranking": [{"name": n, "confidence": c} for n, c in self.ranking],
            "lang": self.lang,
        }
        if self.source != NLU:
            out["source"] = self.source
        if self.choice is not None:
            out["choice"] = self.choice
        out.update(self.extra)
        return out


def interval(value: Any) -> tuple[datetime | None, datetime | None]:
    """(start, end) of a `time` value: `{"from": ISO, "to": ISO}`, "ISO|ISO" (a payload) or one
    ISO string (no end); (None, None) for anything else."""
    if isinstance(value, dict):
        return iso(value.get("from")), iso(value.get("to"))
    if isinstance(value, str):
        a, _, b = value.partition("|")
        return iso(a), iso(b)
    return None, None


def iso(text: Any) -> datetime | None:
    """An aware datetime from ISO text (Beijing time when it has no offset), or None."""
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=_TZ)
