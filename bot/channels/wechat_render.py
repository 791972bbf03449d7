"""How the engine's replies look in a WeChat chat, which has no buttons under a message: the
text, then one numbered line per button ("回复1：看详情"), split into messages WeChat accepts.

Numbers follow the engine's own numbering where it has one: the payloads it offered as numbered
choices (`SessionState.choices`, counted from `choice_base + 1`) keep their numbers, so "1",
"第二个" and "更多" then "4" mean what they mean everywhere; other buttons (回首页, 找人帮忙)
get the next free numbers. An option the text already lists as "1. 找学习点" gets no second
line, only "回复数字就能选". The channel keeps the number → payload map of the last replies
and turns a bare number the user sends back into that payload (`RenderedTurn.numbers`). Each
center a reply shows gets a map link (the web chat's Amap link, `<a href>` in the text).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.channels.wechat_texts import text as phrase
from dialogues.models import SHARE_LOCATION, Reply

MAX_BYTES = 2000  # WeChat takes at most 2048 bytes of text per message
MAX_MAPS = 5  # map links under one reply
_NUMBERED = re.compile(r"^\d+\.\s*")
_BREAKS = "\n。！？；，.!?;,"


@dataclass
class RenderedTurn:
    """One turn for WeChat in two forms: `messages`, the text with a numbered line per button
    (each within MAX_BYTES: a passive reply, or customer-service text), and `head` + `options`,
    the same text without those lines and the buttons as (number, title) for a customer-service
    `msgmenu`. `numbers` maps what the user may send back ("1") to the payload; `after` are
    further messages (reminders that waited) sent in both forms."""

    messages: list[str]
    numbers: dict[str, str] = field(default_factory=dict)  # "1" → payload
    head: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    lang: str = "zh"

    @classmethod
    def plain(cls, text: str, lang: str = "zh") -> RenderedTurn:
        """A reply without buttons."""
        return cls(split(text), head=text, lang=lang)

    def add(self, paragraph: str) -> None:
        """Append a paragraph (a note, a link) to the last message, in both forms."""
        last = [m for m in self.messages if m]
        body = f"{last[-1]}\n\n{paragraph}" if last else paragraph
        self.messages = last[:-1] + split(body)
        self.head = f"{self.head}\n\n{paragraph}" if self.head.strip() else paragraph

    def pieces(self) -> list[str]:
        """Every message of the numbered form, in order."""
        return [m for m in self.messages + self.after if m]


def render(
    replies: list[Reply],
    lang: str,
    choices: list[str] | None = None,
    base: int = 0,
    catalogue=None,
) -> RenderedTurn:
    """The replies as WeChat text messages; `choices`/`base` are the engine's numbered options
    after the turn; with the `catalogue`, each center shown gets a map link."""
    choices = list(choices or [])
    numbers: dict[str, str] = {}
    by_payload: dict[str, str] = {}
    for i, payload in enumerate(choices):
        by_payload.setdefault(payload, str(base + i + 1))
    next_free = base + len(choices) + 1
    blocks: list[str] = []
    heads: list[str] = []
    options: list[tuple[str, str]] = []
    for reply in replies:
        body = reply.text.strip()
        lines = [body]
        head = [body]
        listed = False  # some options already appear as "1. …" lines in the text
        for button in reply.buttons:
            n = by_payload.get(button.payload)
            if n is None:
                n = by_payload[button.payload] = str(next_free)
                next_free += 1
            title = (
                _NUMBERED.sub("", button.title, count=1)
                if button.title.startswith(f"{n}.")
                else button.title
            )
            if n not in numbers:
                options.append((n, title))
            numbers[n] = button.payload
            if f"{n}. {title}" in body:
                listed = True
            else:
                lines.append(phrase(lang, "reply_n", n=n, title=title))
            if button.payload == SHARE_LOCATION:
                lines.append(phrase(lang, "share_location"))
                head.append(phrase(lang, "share_location"))
        maps = _map_lines(reply, lang, catalogue)
        lines += maps
        head += maps
        if listed and phrase(lang, "reply_number").rstrip("。.") not in body:
            lines.append(phrase(lang, "reply_number"))
        blocks.append("\n".join(line for line in lines if line))
        heads.append("\n".join(line for line in head if line))
    return RenderedTurn(
        split("\n\n".join(b for b in blocks if b)),
        numbers,
        head="\n\n".join(h for h in heads if h),
        options=options,
        lang=lang,
    )


def _map_lines(reply: Reply, lang: str, catalogue) -> list[str]:
    """A tappable map link per center (WeChat shows `<a href>` in a text message as a link)."""
    if catalogue is None:
        return []
    from bot.webchat.cards import map_link

    out = []
    for item in reply.items[:MAX_MAPS]:
        c = catalogue.centers.get(item.id) if item.type == "center" else None
        if c is not None:
            name = c.name_en if lang == "en" and c.name_en else c.name
            url = html.escape(map_link(c.lat, c.lon, name), quote=True)
            out.append(phrase(lang, "map", url=url, name=html.escape(name, quote=False)))
    return out


def split(body: str, limit: int = MAX_BYTES) -> list[str]:
    """`body` cut into pieces of at most `limit` UTF-8 bytes, at line ends where possible; a line
    too long for one piece fills the current one and is cut after a sentence's end or comma."""
    pieces: list[str] = []
    current = ""
    for line in body.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
        elif len(line.encode()) <= limit:
            pieces.append(current)
            current = line
        else:
            while len(candidate.encode()) > limit:
                cut = _fit(candidate, limit)
                pieces.append(candidate[:cut])
                candidate = candidate[cut:]
            current = candidate
    if current.strip():
        pieces.append(current)
    return [p.strip("\n") for p in pieces if p.strip()] or [""]


def _fit(line: str, limit: int) -> int:
    """How many characters of `line` go in one piece of `limit` bytes: as many as fit, back to
    just after the last line end, sentence end or comma in their second half."""
    size = 0
    fits = len(line)
    for i, ch in enumerate(line):
        size += len(ch.encode())
        if size > limit:
            fits = max(i, 1)
            break
    for j in range(fits - 1, fits // 2, -1):
        if line[j] in _BREAKS:
            return j + 1
    return fits
