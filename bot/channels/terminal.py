"""The terminal channel: one message per line in, replies out (as text or one JSON object a turn).

    channel = TerminalChannel(assistant, "terminal:alice", json_mode=True, out=sys.stdout)
    channel.run(sys.stdin)

What it translates, and nothing more:
- a blank line is skipped; `/quit` or end of input ends the chat;
- `/location LAT,LON` shares a location (a malformed one goes to the assistant, which answers
  kindly);
- typing the exact title of a button from the last replies presses it (its payload is sent),
  just as tapping it would in Telegram or the web chat.
Operators use it to try the conversation; tests drive it as a real subprocess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TextIO

from dialogues import SHARE_LOCATION, Assistant, Incoming, Reply, TurnResult

_LOCATION = re.compile(
    r"^/location\s+(-?\d{1,3}(?:\.\d+)?)\s*[,，\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$", re.IGNORECASE
)
QUIT = ("/quit", "/exit")
CHANNEL = "terminal"  # "type the number" wording (dialogues/templates/channels.yml)


def parse_location(line: str) -> tuple[float, float] | None:
    """(lat, lon) of a well-formed `/location LAT,LON` line on Earth, else None."""
    m = _LOCATION.match(line.strip())
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def render_text(replies: list[Reply]) -> str:
    """Replies as a person reads them in a terminal: the text, then the buttons."""
    blocks = []
    for r in replies:
        lines = [r.text]
        if r.buttons:
            lines.append("  " + "  ".join(f"[{b.title}]" for b in r.buttons))
        if r.guide is not None:
            lines.append(f"  ({r.guide.id} {r.guide.step}/{r.guide.total})")
        if r.voice:
            lines.append("  🔊")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class TerminalChannel:
    """Reads lines, hands them to the assistant, writes the replies."""

    def __init__(
        self,
        assistant: Assistant,
        user_id: str,
        *,
        json_mode: bool = False,
        out: TextIO,
        lang: str | None = None,
        prompt: bool = False,
    ):
        self.assistant = assistant
        self.user_id = user_id
        self.json_mode = json_mode
        self.out = out
        self.lang = lang
        self.prompt = prompt
        self._buttons: dict[str, str] = {}

    def incoming(self, line: str) -> Incoming | None:
        """The message a line stands for (None for a blank line)."""
        text = line.rstrip("\r\n")
        if not text.strip():
            return None
        coords = parse_location(text)
        if coords is not None:
            return Incoming(self.user_id, "", location=coords, lang=self.lang, channel=CHANNEL)
        payload = self._buttons.get(text.strip())
        if payload is not None and payload != SHARE_LOCATION:
            return Incoming(self.user_id, payload, lang=self.lang, channel=CHANNEL)
        return Incoming(self.user_id, text, lang=self.lang, channel=CHANNEL)

    def send(self, line: str) -> TurnResult | None:
        """One turn for one line; writes the replies and returns the result."""
        incoming = self.incoming(line)
        if incoming is None:
            return None
        result = self.assistant.turn(incoming)
        self._buttons = {b.title: b.payload for r in result.replies for b in r.buttons}
        if self.json_mode:
            turn = result.to_dict(incoming)
            if incoming.text != line.strip() and incoming.location is None:
                turn["input"]["typed"] = line.strip()
            self.out.write(json.dumps(turn, ensure_ascii=False) + "\n")
        else:
            self.out.write(render_text(result.replies) + "\n\n")
        self.out.flush()
        return result

    def run(self, lines: Iterable[str]) -> int:
        """Chat until end of input or /quit; returns the exit code."""
        if self.prompt:
            self._write_prompt()
        for line in lines:
            if line.strip().lower() in QUIT:
                break
            self.send(line)
            if self.prompt:
                self._write_prompt()
        return 0

    def _write_prompt(self) -> None:
        self.out.write("> ")
        self.out.flush()
