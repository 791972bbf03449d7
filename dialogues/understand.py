"""From a raw message to a Rasa-shaped parse: input checks, button payloads, context shortcuts,
and only then the NLU.

Button presses arrive as payloads (`/guide_next`, `/subscribe{"lecture":"lec-1"}`) and skip the
NLU, as in Rasa. A few replies only make sense against the last message ("2", "更多", "都不是",
"继续上次的") and are resolved here from the session state. Input that is not a question at all
(emoji only, 5,000 characters, control characters, HTML or SQL, a malformed /location) becomes
an internal intent starting with "_" that the policy answers kindly.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime

from dialogues import payload as payloads
from dialogues.state import SessionState
from nlu import intents
from nlu.parse import EMOJI, Parse

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
_HTML = re.compile(r"<\s*/?\s*[a-z!][^>]{0,200}>", re.IGNORECASE)
_SQL = re.compile(
    r"(\b(select|insert|update|delete|drop|union|alter|create)\b.{0,80}"
    r"\b(from|into|table|set|select|where|database)\b)|(;\s*--)|('\s*or\s*'?1'?\s*=\s*'?1)",
    re.IGNORECASE | re.DOTALL,
)
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

_PUNCT = "。.!！?？~～,，、 ;；:：\"'“”‘’"
_MORE = {
    "更多",
    "还有吗",
    "还有呢",
    "还有别的吗",
    "还有没有",
    "下一页",
    "再来几个",
    "再看看",
    "换一批",
    "看更多",
    "再多几个",
    "more",
    "show more",
    "more please",
    "next page",
    "any more",
    "anymore",
    "see more",
    "more results",
    "show me more",
}
_HOME = {
    "回首页",
    "首页",
    "主菜单",
    "菜单",
    "回到首页",
    "返回首页",
    "home",
    "menu",
    "main menu",
    "start over",
    "go home",
    "back to start",
}
_NONE = {
    "都不是",
    "都不对",
    "两个都不是",
    "不是这些",
    "none of these",
    "neither",
    "none",
    "neither of them",
    "none of them",
}
_RESUME = {
    "继续上次的",
    "接着上次的",
    "继续上次",
    "接着上次",
    "继续上次学的",
    "接着学",
    "继续学",
    "上次学到哪了",
    "接着学吧",
    "继续学吧",
    "resume",
    "continue where i left off",
    "continue last time",
    "pick up where i left off",
    "continue my lesson",
    "continue the guide",
}
_LANG = {
    "说中文": "zh",
    "用中文": "zh",
    "中文": "zh",
    "普通话": "zh",
    "汉语": "zh",
    "说普通话": "zh",
    "讲中文": "zh",
    "chinese": "zh",
    "in chinese": "zh",
    "english": "en",
    "in english": "en",
    "speak english": "en",
    "english please": "en",
    "说英语": "en",
    "用英语": "en",
    "英文": "en",
    "英语": "en",
}
# Shared with dialogues.actions.refs (ordinals inside a sentence).
ZH_NUMBERS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_EN_ORD = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "last": -1,
}
_ORDINAL_ZH = re.compile(
    r"^第?([0-9]{1,2}|[一二两三四五六七八九十]|十[一二三四五六])"
    r"(个|号|项|条|场|节|家|种|位|门)?$"
)
_ORDINAL_EN = re.compile(
    r"^(?:number |no\.? ?|#|option )?([0-9]{1,2})$|"
    r"^(?:the )?(first|second|third|fourth|fifth|last)(?: one)?$"
)


def clean(text: str) -> str:
    """Drop control and zero-width characters; keep everything else as typed."""
    return _CONTROL.sub("", text or "").strip()


def normal(text: str) -> str:
    """A comparison form: NFKC (full-width digits → ASCII), lower case, outer punctuation off."""
    return unicodedata.normalize("NFKC", text).lower().strip(_PUNCT)


def symbols_only(text: str) -> bool:
    """True for emoji, symbols and punctuation with no letters or digits at all."""
    return bool(text) and not any(unicodedata.category(ch)[0] in "LN" for ch in text)


def looks_like_code(text: str) -> bool:
    """True for HTML tags or SQL fragments (pasted by accident, or someone poking)."""
    return bool(_HTML.search(text) or _SQL.search(text))


def ordinal(text: str) -> int | None:
    """1 for "1", "第一个", "一号", "the first one"; -1 for "last"; None otherwise."""
    t = normal(text)
    m = _ORDINAL_ZH.match(t)
    if m:
        word = m.group(1)
        if word.isdigit():
            return int(word)
        if word.startswith("十") and len(word) == 2:
            return 10 + ZH_NUMBERS[word[1]]
        return ZH_NUMBERS.get(word)
    m = _ORDINAL_EN.match(t)
    if m:
        return int(m.group(1)) if m.group(1) else _EN_ORD[m.group(2)]
    return None


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


def _from_payload(text: str, state: SessionState, lang: str) -> Parse | None:
    decoded = payloads.decode(text)
    if decoded is None:
        return None
    intent, entities = decoded
    intent = COMMANDS.get(intent, intent)
    if intent not in KNOWN_INTENTS:
        return _internal(text, "_unknown_command", lang)
    if "ref" in entities:
        entities = {
            **state.refs.get(entities["ref"], {}),
            **{k: v for k, v in entities.items() if k != "ref"},
        }
    return Parse.resolved(text, intent, entities, lang)


_LANG_ARGS = {
    "zh": "zh",
    "cn": "zh",
    "中文": "zh",
    "chinese": "zh",
    "en": "en",
    "english": "en",
    "英文": "en",
    "英语": "en",
}


def _deep_link(text: str, lang: str) -> Parse | None:
    parts = text.split(maxsplit=1)
    if len(parts) != 2:
        return None
    command = parts[0].lower().split("@", 1)[0]
    if command == "/lang":
        wanted = _LANG_ARGS.get(parts[1].strip().lower())
        return _internal(text, "set_lang", lang, **({"lang": wanted} if wanted else {}))
    if command != "/start":
        return None
    kind, _, ident = parts[1].strip().partition("_")
    if kind in DEEP_LINKS and ident:
        intent, key = DEEP_LINKS[kind]
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
    if t in _MORE:  # with no list shown, the engine says so (more.nothing)
        return _internal(text, "more", lang)
    if t in _HOME:
        return _internal(text, "help", lang)
    if t in _NONE:
        return _internal(text, "deny", lang)
    if t in _RESUME and state.guide:
        return _internal(text, "resume_guide", lang)
    if t in _LANG:
        return _internal(text, "set_lang", lang, lang=_LANG[t])
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
        parsed = _deep_link(text, lang) or _from_payload(text, state, lang)
        if parsed is not None:
            return parsed, None
    if symbols_only(text):
        for ch, intent in _EMOJI_INTENT.items():
            if ch in text:  # typed, like words: 👍 in a guide means "done, next"
                return _internal(text, intent, lang).but(source=EMOJI), None
        if set(text) <= set("?？ "):  # "？？？": puzzled, not an emoji
            return _internal(text, "_puzzled", lang), None
        return _internal(text, "_symbols", lang), None
    if looks_like_code(text):
        return _internal(text, "_code", lang), None
    short = _shortcut(text, state, lang)
    if short is not None:
        return short, None
    try:
        parsed = Parse.from_dict(parser.parse(text, now=now))
    except Exception:  # the NLU must never take the conversation down
        log.exception("NLU failed on %r", text[:80])
        return _internal(text, "out_of_scope", lang), None
    return parsed, None
