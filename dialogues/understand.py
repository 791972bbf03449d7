"""From a raw message to a Rasa-shaped parse: input checks, button payloads, context shortcuts,
and only then the NLU.

Button presses arrive as payloads (`/guide_next`, `/subscribe{"lecture":"lec-1"}`) and skip the
NLU, as in Rasa. A few replies only make sense against the last message ("2", "更多", "都不是",
"继续上次的") and are resolved here from the session state. Input that is not a question at all
(emoji only, 5,000 characters, control characters, a malformed /location, a button payload
that fails `payload_rules`) becomes an internal intent starting with "_" that the policy answers
kindly. Text that looks like HTML or SQL is read like any other: all SQL is parameterised and
every channel escapes what it renders.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime

from dialogues import payload as payloads
from dialogues import payload_rules, sanitize
from dialogues.state import SessionState
from nlu import intents
from nlu.ordinals import ordinal
from nlu.parse import EMOJI, Parse
from nlu.shortcuts import plain, shortcuts

log = logging.getLogger(__name__)

MAX_CHARS = 300

# Which intents a payload or slash command may name, and the commands: nlu/intents.yml.
KNOWN_INTENTS = intents.payload_intents()
COMMANDS = intents.commands()
# /start deep links (a poster's QR code): /start lecture_<id>, guide_<id>, …
DEEP_LINKS = {
    "lecture": ("list_lectures", "lecture"),
    "lesson": ("list_lessons", "lesson"),
    "guide": ("start_guide", "guide"),
    "center": ("center_info", "center"),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff]")
_LOCATION = re.compile(r"^/location\b\s*(.*)$", re.IGNORECASE | re.DOTALL)
_COORDS = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,，\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_EMOJI_INTENT = {
    "👍": "affirm",
    "👌": "affirm",
    "✅": "affirm",
    "🆗": "affirm",
    "🙏": "thanks",
    "❤": "thanks",
    "😊": "thanks",
    "👋": "greet",
    "❌": "deny",
    "👎": "deny",
}


def clean(text: str) -> str:
    """Drop control and zero-width characters; keep everything else as typed."""
    return _CONTROL.sub("", text or "").strip()


def normal(text: str) -> str:
    """A comparison form: NFKC (full-width digits → ASCII), lower case, outer punctuation off."""
    return plain(text)


def symbols_only(text: str) -> bool:
    """True for emoji, symbols and punctuation with no letters or digits at all."""
    return bool(text) and not any(unicodedata.category(ch)[0] in "LN" for ch in text)


def parse_coords(text: str) -> tuple[float, float] | None:
    """(lat, lon) from "39.88,116.41"; None when malformed or not a point on Earth."""
    m = _COORDS.match(text)
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _internal(text: str, intent: str, conversation_lang: str, **entities: str) -> Parse:
    return Parse.resolved(text, intent, entities, conversation_lang)


def _from_payload(text: str, state: SessionState, lang: str, now: datetime) -> Parse | None:
    decoded = payloads.decode(text)
    if decoded is None:
        return None
    intent, entities = decoded
    intent = COMMANDS.get(intent, intent)
    if intent not in KNOWN_INTENTS:
        return _internal(text, "_unknown_command", lang)
    try:
        payload_rules.check(entities, now)
    except payload_rules.BadPayload as exc:
        log.info("payload for %s rejected: %s (%d chars)", intent, exc, len(text))
        return _internal(text, "_bad_payload", lang)
    if "ref" in entities:
        entities = {
            **state.refs.get(entities["ref"], {}),
            **{k: v for k, v in entities.items() if k != "ref"},
        }
    return Parse.resolved(text, intent, entities, lang)


# `/lang zh`, `/lang en` (and the words of nlu/data/shortcuts.yml: `/lang 中文`).
_LANG_CODES = {"zh": "zh", "cn": "zh", "en": "en"}


def _deep_link(text: str, lang: str, now: datetime) -> Parse | None:
    parts = text.split(maxsplit=1)
    if len(parts) != 2:
        return None
    command = parts[0].lower().split("@", 1)[0]
    if command == "/lang":
        arg = plain(parts[1])
        wanted = _LANG_CODES.get(arg) or shortcuts().language.get(arg)
        return _internal(text, "set_lang", lang, **({"lang": wanted} if wanted else {}))
    if command != "/start":
        return None
    kind, _, ident = parts[1].strip().partition("_")
    if kind in DEEP_LINKS and ident:
        intent, key = DEEP_LINKS[kind]
        if not payload_rules.valid({key: ident}, now):
            return _internal(text, "_bad_payload", lang)
        return _internal(text, intent, lang, **{key: ident})
    return _internal(text, "greet", lang)


def _shortcut(text: str, state: SessionState, lang: str) -> Parse | None:
    t = normal(text)
    n = ordinal(text)
    if n is not None and state.choices:
        base = state.choice_base
        index = len(state.choices) if n == -1 else n
        if base < index <= base + len(state.choices):
            index -= base
        if 1 <= index <= len(state.choices):
            chosen = payloads.decode(state.choices[index - 1])
            if chosen:
                return Parse.resolved(text, chosen[0], chosen[1], lang).but(choice=index)
        else:  # "5" under a list of three: say which numbers there are, keep the list
            return _internal(text, "_no_such_choice", lang)
    in_guide = state.in_loop("guide")
    if n is not None and not state.choices and t.isdigit() and not in_guide:
        return _internal(text, "help", lang)  # a bare number, no list: the numbered menu
    words = shortcuts()
    if t in words.more:  # with no list shown, the engine says so (more.nothing)
        return _internal(text, "more", lang)
    if t in words.home:
        return _internal(text, "help", lang)
    if t in words.none:
        return _internal(text, "deny", lang)
    if t in words.resume and state.guide:
        return _internal(text, "resume_guide", lang)
    if t in words.language:
        return _internal(text, "set_lang", lang, lang=words.language[t])
    return None


def understand(
    text: str, state: SessionState, parser, now: datetime, lang: str
) -> tuple[Parse, tuple[float, float] | None]:
    """The parse for one message, and a location if the text carried one ("/location 39.9,116.4").

    `lang` is the conversation's current language, used for everything that has no words of
    its own (payloads, digits, emoji); the NLU's `lang` is kept for real sentences.
    """
    text = clean(text)
    if not text:
        return _internal("", "_empty", lang), None
    if len(text) > MAX_CHARS:
        return _internal(text[:80], "_too_long", lang), None
    m = _LOCATION.match(text)
    if m:
        coords = parse_coords(m.group(1))
        if coords is None:
            return _internal(text, "_bad_location", lang), None
        return _internal(text, "share_location", lang), coords
    if text.startswith("/"):
        parsed = _deep_link(text, lang, now) or _from_payload(text, state, lang, now)
        if parsed is not None:
            return parsed, None
    if symbols_only(text):
        for ch, intent in _EMOJI_INTENT.items():
            if ch in text:  # typed, like words: 👍 in a guide means "done, next"
                return _internal(text, intent, lang).but(source=EMOJI), None
        if set(text) <= set("?？ "):  # "？？？": puzzled, not an emoji
            return _internal(text, "_puzzled", lang), None
        return _internal(text, "_symbols", lang), None
    short = _shortcut(text, state, lang)
    if short is not None:
        return short, None
    try:
        parsed = Parse.from_dict(parser.parse(text, now=now))
    except Exception as exc:  # the NLU must never take the conversation down
        # The length only: what the user wrote never goes into a log.
        log.error("NLU failed on a message of %d chars", len(text), exc_info=sanitize.exc_info(exc))
        return _internal(text, "out_of_scope", lang), None
    return parsed, None
