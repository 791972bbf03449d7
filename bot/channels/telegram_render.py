"""From the engine's `Reply` to Telegram messages, and back from a button to a payload.

Pure translation, no network: each `Reply` becomes a list of `Outgoing` calls (sendMessage,
sendVoice, sendVenue) that `bot/channels/telegram.py` performs. The rules:

- the text is HTML-escaped (parse mode HTML; nothing the user or the catalogue wrote can
  inject markup) and split under 4096 characters at sentence ends;
- buttons become a big single-column inline keyboard on the last piece of text;
  `callback_data` is the payload, or a short key (store/callbacks.py) when it is over 64 bytes;
  keyboards are written as the Bot API's JSON and passed in `api_kwargs` (python-telegram-bot's
  documented pass-through): building PTB's objects only for PTB to serialise them back cost
  about 0.1 ms of CPU per reply, 8% of all the bot's work (docs/benchmarks.md);
- the SHARE_LOCATION button becomes a reply keyboard with `request_location`;
- a reply about exactly one center also sends the center as a venue (a map pin);
- a reply marked `voice` is also spoken (sendVoice, OGG/Opus) when a synthesizer exists.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import InputFile
from telegram.constants import MessageLimit, ParseMode

from dialogues.models import SHARE_LOCATION, Reply

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…\n])|(?<=\.)(?=\s)")
NO_PREVIEW = {"is_disabled": True}  # LinkPreviewOptions

LOCATION_HINT = {
    "zh": "也可以点下面的“发送我的位置”按钮。",
    "en": "Or tap “Send my location” below.",
}


@dataclass
class Outgoing:
    """One Bot API call to make: `method` is message | voice | venue; `kwargs` go to it."""

    method: str
    kwargs: dict = field(default_factory=dict)


def escape(text: str) -> str:
    """Text made safe for parse mode HTML (&, < and > escaped)."""
    return html.escape(text or "", quote=False)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of `text` whose escaped form fits in `limit`, cut after a sentence where possible,
    else at a line break or space, else anywhere."""
    pieces: list[str] = []
    rest = text.strip()
    while len(escape(rest)) > limit:
        cut = _cut(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _fits(text: str, limit: int) -> int:
    """The longest prefix length of `text` whose escaped form fits in `limit`."""
    size = 0
    for i, ch in enumerate(text):
        size += len(escape(ch))
        if size > limit:
            return i
    return len(text)


def _cut(text: str, limit: int) -> int:
    room = _fits(text, limit)
    window = text[:room]
    ends = [m.start() for m in _SENTENCE_END.finditer(window) if m.start() > 0]
    if ends and ends[-1] > room // 3:
        return ends[-1]
    for sep in ("\n", " ", "，", ","):
        at = window.rfind(sep)
        if at > room // 3:
            return at + 1
    return room


def inline_keyboard(rows: list[tuple[str, str]]) -> dict | None:
    """An InlineKeyboardMarkup with one big button per row: (title, callback_data) pairs."""
    if not rows:
        return None
    return {"inline_keyboard": [[{"text": t, "callback_data": d}] for t, d in rows]}


def location_keyboard(title: str) -> dict:
    """The ReplyKeyboardMarkup whose one button shares the user's location."""
    return {
        "keyboard": [[{"text": title, "request_location": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }


def message_kwargs(text: str, markup: dict | None = None) -> dict:
    """sendMessage's arguments for one piece of text (escaped here), without link previews,
    with `markup` (from `inline_keyboard` or `location_keyboard`) when given."""
    extra = {"link_preview_options": NO_PREVIEW}
    if markup:
        extra["reply_markup"] = markup
    return {"text": escape(text), "parse_mode": ParseMode.HTML, "api_kwargs": extra}


def _venue(catalogue, item, lang: str) -> Outgoing | None:
    center = getattr(catalogue, "centers", {}).get(item.id) if catalogue is not None else None
    if center is None:
        return None
    title = center.name_en if lang == "en" and center.name_en else center.name
    return Outgoing(
        "venue",
        {
            "latitude": center.lat,
            "longitude": center.lon,
            "title": title,
            "address": center.address,
        },
    )


async def render(
    reply: Reply,
    *,
    lang: str = "zh",
    callback_data: Callable[[str], Awaitable[str]],
    catalogue=None,
    speak: Callable[[str, str], Awaitable[bytes | None]] | None = None,
) -> list[Outgoing]:
    """The Telegram calls that show one reply.

    `callback_data(payload)` gives the data a button carries; `speak(text, lang)` returns
    OGG/Opus bytes or None (only called for replies marked `voice`).
    """
    out: list[Outgoing] = []
    if reply.voice and speak is not None and reply.text.strip():
        audio = await speak(reply.text, lang)
        if audio:
            out.append(Outgoing("voice", {"voice": InputFile(audio, filename="leling.ogg")}))

    share = next((b for b in reply.buttons if b.payload == SHARE_LOCATION), None)
    rows = [
        (b.title, await callback_data(b.payload))
        for b in reply.buttons
        if b.payload != SHARE_LOCATION
    ]
    pieces = [p for p in split_text(reply.text) if p] or ([] if not rows and not share else ["…"])
    for i, piece in enumerate(pieces):
        markup = None
        if i == len(pieces) - 1:
            if rows:
                markup = inline_keyboard(rows)
            elif share is not None:
                markup = location_keyboard(share.title)
        out.append(Outgoing("message", message_kwargs(piece, markup)))
    if share is not None and rows:
        hint = LOCATION_HINT.get(lang, LOCATION_HINT["zh"])
        out.append(Outgoing("message", message_kwargs(hint, location_keyboard(share.title))))

    centers = [i for i in reply.items if i.type == "center"]
    if len(centers) == 1:
        venue = _venue(catalogue, centers[0], lang)
        if venue is not None:
            out.append(venue)
    return out
