"""The scheduler's `Sender` for WeChat followers ("wechat:<openid>"): reminders and
announcements.

WeChat lets an account message a person freely only within 48 hours of that person's last
message, tap or follow (the customer-service window). So:

1. inside the window (their last turn less than 47 h 50 min ago, `store.sessions.last_turn_at`)
   → a customer-service message, the buttons as tappable options (`msgmenu`), or as numbered
   lines when WeChat refuses that; "1", "2" pick them either way;
2. outside it, or when WeChat says the window is closed (errcode 45015/45047) → the operator's
   template message (LELING_WECHAT_TEMPLATE_ID, fields mapped by
   LELING_WECHAT_TEMPLATE_FIELDS), when configured;
3. else → the user's inbox (store/inbox.py): the channel hands what waits there over with the
   next reply, the moment the person writes again.

Errors are sorted the way the dispatcher expects: the person unfollowed or the openid is not
this account's (43004, 40003) → `PermanentSendError`; WeChat unreachable, rate limits and
other codes → `TransientSendError`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.channels import wechat_out, wechat_render
from bot.channels.wechat_api import WeChatError
from dialogues.models import Button, Reply
from scheduler.sender import OutboundMessage, PermanentSendError, TransientSendError
from store import inbox, sessions, users

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=48) - timedelta(minutes=10)  # a margin for clocks and queues
CLOSED = (45015, 45047)  # out of the 48-hour window / too many messages in it
GONE = (43004, 40003)  # not following the account / not this account's openid
THING_MAX = 20  # a template's "thing" fields take at most 20 characters


def template_fields(spec: str | None) -> dict[str, str]:
    """LELING_WECHAT_TEMPLATE_FIELDS ("thing1=first,thing2=rest") as {field: source}; sources
    are `text` (the whole message), `first` (its first line), `rest` (the other lines) or a
    fixed text in quotes ('乐龄伴学'). Unset: {"first": "first", "remark": "rest"}."""
    if not spec:
        return {"first": "first", "remark": "rest"}
    out = {}
    for part in spec.split(","):
        name, _, source = part.partition("=")
        name, source = name.strip(), source.strip()
        if name and source:
            out[name] = source
    return out


def template_data(fields: dict[str, str], text: str) -> dict[str, str]:
    """The template's values for a message `text`."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    values = {
        "text": text.strip(),
        "first": lines[0] if lines else "",
        "rest": "\n".join(lines[1:]),
    }
    data = {}
    for name, source in fields.items():
        if len(source) >= 2 and source[0] == source[-1] and source[0] in "'\"":
            value = source[1:-1]
        else:
            value = values.get(source, "")
        limit = THING_MAX if name.startswith("thing") else 200
        data[name] = value if len(value) <= limit else value[: limit - 1] + "…"
    return data


class WeChatSender:
    """Delivers `OutboundMessage`s to WeChat followers through `channel` (its API client and
    its numbered lines). `run(fn, *args)` awaits `fn(db, *args)` on the database thread."""

    def __init__(
        self,
        channel,
        run: Callable,
        *,
        template_id: str | None = None,
        fields: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.channel = channel
        self.run = run
        self.template_id = template_id
        self.fields = template_fields(fields)
        self.clock = clock

    async def send(self, user_id: str, message: OutboundMessage) -> None:
        """Deliver by customer service, template or inbox; raise a `SendError` when it fails."""
        channel, _, openid = user_id.partition(":")
        if channel != "wechat" or not openid:
            raise PermanentSendError(f"{user_id} is not a WeChat user")
        if await self.run(users.get, user_id) is None:
            raise PermanentSendError("the WeChat user is gone (data deleted)")
        last = await self.run(sessions.last_turn_at, user_id)
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        try:
            if last is not None and self.clock() - last < WINDOW:
                try:
                    await self._customer_service(user_id, openid, message)
                    return
                except WeChatError as exc:
                    if exc.errcode not in CLOSED:
                        raise
            if self.template_id:
                await self.channel.api.send_template(
                    openid, self.template_id, template_data(self.fields, message.text)
                )
                return
        except WeChatError as exc:
            if exc.errcode in GONE:
                raise PermanentSendError(f"WeChat {exc.errcode}") from exc
            raise TransientSendError(f"WeChat {exc.errcode}") from exc
        await self.run(_to_inbox, user_id, message)

    async def _customer_service(self, uid: str, openid: str, message: OutboundMessage) -> None:
        """The message with its buttons as tappable options (`msgmenu`) when WeChat allows it,
        else as numbered lines; either way "1", "2" then pick them."""
        reply = Reply(text=message.text, buttons=[Button(t, p) for t, p in message.buttons])
        rendered = wechat_render.render([reply], message.lang)
        turn = await self.run(wechat_out.turn_counter, uid)
        self.channel.remember_numbers(uid, rendered.numbers, turn)
        await self.channel.send_rendered(openid, rendered)


def _to_inbox(db, user_id: str, message: OutboundMessage) -> None:
    body = {
        "text": message.text,
        "buttons": [{"title": t, "payload": p} for t, p in message.buttons],
        "lang": message.lang,
    }
    key = message.key or hashlib.sha256(message.text.encode()).hexdigest()[:24]
    inbox.add(db, user_id, body, key)
