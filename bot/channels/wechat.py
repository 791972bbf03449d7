"""Leling in a WeChat Official Account (公众号): WeChat POSTs each message to `/wechat` as XML;
Leling answers in the response (a "passive reply") or, when the turn is slow, answers `success`
at once and sends the reply through the customer-service API. No conversation logic lives here.

    channel = WeChatChannel(services, WeChatConfig.from_settings(settings))
    app routes: channel.routes()          # mounted by bot/web.py only when configured

- Every request must carry WeChat's signature (sha1 of the sorted token, timestamp and nonce);
  otherwise 403. `GET` is the server check when the operator saves the URL: `echostr` is echoed.
- Safe mode (LELING_WECHAT_AES_KEY set, `encrypt_type=aes`): the message is decrypted after its
  `msg_signature` is checked, and the reply is encrypted the same way.
- WeChat waits 5 s and then retries the same message up to three times: each message is handled
  once (by `MsgId`, events by sender + time + event) and a retry gets the same passive reply
  again, or `success` when the reply goes through the customer-service API.
- Bodies over `max_body` bytes are refused (413); a turn gets `budget` seconds (4 s) to answer
  passively (buttons as numbered lines), the rest of a long answer goes through the
  customer-service API; a slow turn's reply goes there whole, its buttons as tappable options
  (`msgmenu`) where the account may send them (`wechat_out.py`).
- What arrives: text → the engine ("1", "2" pick the numbered lines of the last reply,
  `wechat_render.py`); location → nearest centers (GCJ-02 converted to WGS-84,
  `wechat_geo.py`); voice → WeChat's own `Recognition` text when the account has speech
  recognition on, else Leling's recogniser on the AMR audio (downloaded by MediaId) when
  installed, else a kind "please type"; menu CLICK → its key as a payload; subscribe → the
  welcome and menu plus how reminders will reach them; unsubscribe → the user inactive (their
  reminders stop); pictures and the rest → a kind reply.
- "打开网页版" (or a menu key `/web`), a guide step with a picture and a reply the person wants
  read aloud bring a one-time link signing the web chat in as the same user (`wechat_link.py`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.channels import wechat_out, wechat_render, wechat_wire
from bot.channels.wechat_api import DEFAULT_BASE, WeChatAPI, WeChatError
from bot.channels.wechat_geo import gcj02_to_wgs84
from bot.channels.wechat_render import RenderedTurn
from bot.channels.wechat_texts import text as phrase
from dialogues import sanitize
from dialogues.models import Incoming
from store import users as users_store

log = logging.getLogger(__name__)

PATH = "/wechat"
MAX_TEXT = 1000  # characters of one typed message handed to the engine
SEEN_MAX = 5000  # message ids remembered for de-duplication …
SEEN_TTL = 120.0  # … for this many seconds (WeChat's three retries end within ~15 s)
NUMBERS_MAX = 5000  # users whose numbered lines are remembered
MAX_AUDIO = 2 * 1024 * 1024  # bytes of a voice message downloaded (WeChat's are 60 s of AMR)
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class WeChatConfig:
    """The account's settings (LELING_WECHAT_*)."""

    token: str
    appid: str
    secret: str
    aes_key: str | None = None
    api_base: str = DEFAULT_BASE
    budget: float = 4.0  # seconds a turn may take to be answered passively
    max_body: int = 64 * 1024

    @classmethod
    def from_settings(cls, settings) -> WeChatConfig | None:
        """The configuration, or None when the account is not configured."""
        if not (settings.wechat_token and settings.wechat_appid and settings.wechat_secret):
            return None
        return cls(
            token=settings.wechat_token,
            appid=settings.wechat_appid,
            secret=settings.wechat_secret,
            aes_key=settings.wechat_aes_key,
            api_base=settings.wechat_api_base_url or DEFAULT_BASE,
        )


def user_id(openid: str) -> str:
    """Leling's user id for a follower ("wechat:<openid>")."""
    return f"wechat:{openid}"


def openid_of(uid: str) -> str:
    """The openid in "wechat:<openid>"."""
    return uid.partition(":")[2]


class _Handled:
    """One message being (or having been) handled: its turn, and whether it was answered."""

    def __init__(self, task: asyncio.Task, at: float):
        self.task = task
        self.at = at
        self.answered = False  # a passive reply went out, or the customer-service API took it
        self.passive: str | None = None  # the passive reply given (a retry gets it again)


class WeChatChannel:
    """The `/wechat` endpoint over the shared `Services`."""

    def __init__(self, services, config: WeChatConfig, api: WeChatAPI | None = None):
        from wechatpy.crypto import WeChatCrypto

        self.services = services
        self.config = config
        self.api = api or WeChatAPI(config.appid, config.secret, base_url=config.api_base)
        self.crypto = (
            WeChatCrypto(config.token, config.aes_key, config.appid) if config.aes_key else None
        )
        self._seen: OrderedDict[str, _Handled] = OrderedDict()
        # uid → (number → payload, the conversation's turn counter when they were shown)
        self._numbers: OrderedDict[str, tuple[dict[str, str], int | None]] = OrderedDict()
        self._background: set[asyncio.Task] = set()
        self.menu = wechat_out.MenuPermission()  # msgmenu until WeChat answers 48001
        self.turns = 0  # turns started (tests check retries start none)

    def routes(self) -> list[Route]:
        """The Starlette route."""
        return [Route(PATH, self.endpoint, methods=["GET", "POST"])]

    # -- HTTP ----------------------------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        """GET: the server check; POST: one message."""
        q = request.query_params
        if not wechat_wire.signed(
            self.config.token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", "")
        ):
            return PlainTextResponse("Forbidden", status_code=403)
        if request.method == "GET":
            return PlainTextResponse(q.get("echostr", "")[:200])
        from bot.webchat.security import BodyTooLarge, read_body

        try:
            body = await read_body(request, self.config.max_body)
        except BodyTooLarge:
            return PlainTextResponse("Payload Too Large", status_code=413)
        encrypted = q.get("encrypt_type") == "aes"
        try:
            xml = wechat_wire.decrypt(self.crypto, body, q) if encrypted else body.decode()
            message = wechat_wire.parse(xml)
        except PermissionError:
            return PlainTextResponse("Forbidden", status_code=403)
        except Exception as exc:  # not WeChat's XML: the type only, never the content
            log.warning("wechat: unreadable message (%s)", type(exc).__name__)
            return PlainTextResponse("Bad Request", status_code=400)
        reply = await self.handle(message)
        if reply is None:
            return PlainTextResponse("success")
        xml_out = wechat_wire.reply_xml(message, reply)
        if encrypted:
            xml_out = self.crypto.encrypt_message(xml_out, q.get("nonce", ""), q.get("timestamp"))
        return Response(xml_out, media_type="application/xml")

    # -- messages -----------------------------------------------------------------------------

    async def handle(self, message: dict) -> str | None:
        """The passive reply text for one parsed message, or None for `success`.

        A retry of a message in hand starts nothing new: it gets the passive reply already
        given (WeChat retries only when that answer did not reach it, and shows one), or
        `success` when the reply goes through the customer-service API."""
        key = message.get("MsgId") or ":".join(
            str(message.get(k) or "") for k in ("FromUserName", "CreateTime", "Event")
        )
        now = time.monotonic()
        self._forget_old(now)
        entry = self._seen.get(key)
        if entry is None:
            task = asyncio.ensure_future(self._respond(message))
            entry = self._seen[key] = _Handled(task, now)
            self.turns += 1
        else:
            log.info("wechat: a retry of a message in hand")
        done, _ = await asyncio.wait({entry.task}, timeout=self.config.budget)
        if entry.answered:
            return entry.passive
        entry.answered = True
        if not done:  # slow: `success` now, the reply through the customer-service API
            self._keep(asyncio.ensure_future(self._send_later(entry.task, message)))
            return None
        try:
            pieces = entry.task.result().pieces()
        except Exception:
            return None
        if not pieces:
            return None
        if len(pieces) > 1:  # one passive reply only: the rest by customer service
            openid = message["FromUserName"]
            self._keep(asyncio.ensure_future(self._send_all(openid, pieces[1:])))
        entry.passive = pieces[0]  # numbered lines: a passive reply cannot carry a msgmenu
        return entry.passive

    def _forget_old(self, now: float) -> None:
        """Drop the oldest ids once answered and past SEEN_TTL, or beyond SEEN_MAX."""
        while self._seen:
            entry = next(iter(self._seen.values()))
            expired = now - entry.at >= SEEN_TTL and entry.task.done()
            if not (expired or len(self._seen) > SEEN_MAX):
                break
            self._seen.popitem(last=False)

    def _keep(self, task: asyncio.Task) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send_later(self, task: asyncio.Task, message: dict) -> None:
        """A slow turn's reply, by customer service: its buttons as a msgmenu where allowed."""
        try:
            rendered = await task
        except Exception:
            return
        try:
            await self.send_rendered(message["FromUserName"], rendered)
        except WeChatError as exc:
            log.warning("wechat: customer-service send failed (%s)", exc.errcode)

    async def send_rendered(self, openid: str, rendered: RenderedTurn) -> None:
        """`rendered` through the customer-service API (msgmenu where allowed, else numbered
        lines); WeChatError when WeChat refuses."""
        await wechat_out.send_rendered(self.api, openid, rendered, self.menu)

    async def _send_all(self, openid: str, pieces: list[str]) -> None:
        try:
            for piece in pieces:
                await self.api.send_text(openid, piece)
        except WeChatError as exc:
            log.warning("wechat: customer-service send failed (%s)", exc.errcode)

    async def _respond(self, message: dict) -> RenderedTurn:
        """The reply to one message (no pieces: nothing to say)."""
        openid = str(message.get("FromUserName") or "")[:64]
        if not openid:
            return RenderedTurn([])
        uid = user_id(openid)
        kind = str(message.get("MsgType") or "").lower()
        try:
            if kind == "event":
                return await self._event(uid, message)
            if kind == "text":
                content = message.get("Content") or ""
                tapped = str(message.get("bizmsgmenuid") or "")  # an option of a msgmenu
                if not tapped and wechat_out.asks_for_web(content[:40]):
                    return await wechat_out.asked_link(self.services, uid, await self._lang(uid))
                return await self._turn(uid, await self._typed(uid, tapped or content, content))
            if kind == "location":
                lat = float(message.get("Location_X"))
                lon = float(message.get("Location_Y"))
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError("location off the Earth")
                return await self._turn(uid, "", location=gcj02_to_wgs84(lat, lon))
            if kind == "voice":
                return await self._voice(uid, message)
            if kind == "image":
                return await self._say(uid, "image")
            return await self._say(uid, "other")
        except Exception as exc:  # the type and traceback only: never what the user wrote
            log.error("wechat turn failed: %s", type(exc).__name__, exc_info=sanitize.exc_info(exc))
            return await self._say(uid, "error")

    async def _say(self, uid: str, key: str) -> RenderedTurn:
        """One of the channel's own sentences, in the user's language."""
        lang = await self._lang(uid)
        return RenderedTurn.plain(phrase(lang, key), lang)

    async def _voice(self, uid: str, message: dict) -> RenderedTurn:
        """WeChat's own transcript when speech recognition is on, else Leling's recogniser
        on the AMR audio (when installed), else a kind "please type"."""
        heard = str(message.get("Recognition") or "").strip()
        if heard:
            return await self._turn(uid, heard[:MAX_TEXT], voice=True)
        media_id = str(message.get("MediaId") or "")
        lang = await self._lang(uid)
        if self.services.transcribe is None or not media_id or len(media_id) > 128:
            return RenderedTurn.plain(phrase(lang, "voice_type"), lang)
        try:
            audio = await self.api.download_media(media_id, MAX_AUDIO)
            result = await self.services.transcribe_async(audio, "audio/amr", lang)
        except Exception as exc:  # unreachable WeChat, unusable audio, a busy recogniser
            log.info("wechat voice not heard: %s", type(exc).__name__)
            return RenderedTurn.plain(phrase(lang, "voice_type"), lang)
        text = (getattr(result, "text", result) or "").strip()
        if not text:
            return RenderedTurn.plain(phrase(lang, "voice_type"), lang)
        unsure = not getattr(result, "sure", True)
        return await self._turn(uid, text[:MAX_TEXT], voice=True, unsure=unsure)

    async def _typed(self, uid: str, content: str, fallback: str = "") -> str:
        """What the user typed, or the payload of the numbered line they picked (or of the
        menu option they tapped: its id is the same number). Lines shown before the
        conversation moved on elsewhere (the same user on the web chat, by a link) are not
        used: the conversation then reads the number against what it showed last."""
        content = str(content).strip()[:MAX_TEXT]
        number = content.translate(_DIGITS)
        numbers, turn = self._numbers.get(uid, ({}, None))
        payload = numbers.get(number) if number.isdigit() else None
        if payload and turn is not None:
            now = await self.services.run(wechat_out.turn_counter, self.services.db, uid)
            payload = payload if now == turn else None
        return payload or str(fallback or content).strip()[:MAX_TEXT]

    async def _event(self, uid: str, message: dict) -> RenderedTurn:
        event = str(message.get("Event") or "").lower()
        services = self.services
        if event == "unsubscribe":
            await services.run(users_store.set_active, services.db, uid, False, "unsubscribed")
            return RenderedTurn([])
        if event == "subscribe":
            row = await services.run(users_store.get, services.db, uid)
            if row is not None and not row.get("active"):
                await services.run(users_store.set_active, services.db, uid, True, "subscribed")
            return await self._turn(uid, "/start", welcome=True)
        if event == "click":
            key = str(message.get("EventKey") or "").strip()
            if key == wechat_out.WEB_KEY:  # a menu button for the web chat's link
                return await wechat_out.asked_link(services, uid, await self._lang(uid))
            if key.startswith("/") and len(key) <= 128:
                return await self._turn(uid, key)
            return await self._turn(uid, "/help")
        return RenderedTurn([])  # VIEW, LOCATION reports, template receipts: nothing to say

    def _reminder_note(self, lang: str) -> str:
        key = "reminders_template" if self.services.settings.wechat_template_id else "reminders_cs"
        return phrase(lang, key)

    async def _lang(self, uid: str) -> str:
        row = await self.services.run(users_store.get, self.services.db, uid)
        return (row or {}).get("lang") or "zh"

    async def _turn(self, uid: str, text: str, *, welcome: bool = False, **kw) -> RenderedTurn:
        """One conversation turn, rendered; a new reminder subscription (or, with `welcome`,
        a follow) gets the note on how reminders reach a WeChat follower; a guide step with a
        picture, or a reply the person wants read aloud, gets a one-time link to the web chat;
        reminders that waited in the inbox follow the reply."""
        services = self.services
        incoming = Incoming(user_id=uid, text=text, lang="zh", channel="wechat", **kw)
        before = await services.run(wechat_out.active_subscriptions, services.db, uid)
        result = await services.run_turn(services.assistant.turn, incoming)
        lang, state, after, waiting = await services.run(wechat_out.after_turn, services.db, uid)
        rendered = wechat_render.render(
            result.replies,
            lang,
            state.choices if state else [],
            state.choice_base if state else 0,
            catalogue=services.catalogue,
        )
        self.remember_numbers(uid, rendered.numbers, state.turn if state else None)
        if rendered.pieces() and (welcome or after > before):
            rendered.add(self._reminder_note(lang))
        if rendered.pieces() and state is not None:
            line = await wechat_out.web_link_line(services, uid, result.replies, lang)
            if line:
                rendered.add(line)
        rendered.after = wechat_out.inbox_pieces(waiting, lang)
        return rendered

    def remember_numbers(self, uid: str, numbers: dict[str, str], turn: int | None = None) -> None:
        """What "1", "2", … mean in the user's next message (the last lines shown), while the
        conversation's turn counter is still `turn` (None: whatever it is)."""
        self._numbers[uid] = (numbers, turn)
        self._numbers.move_to_end(uid)
        while len(self._numbers) > NUMBERS_MAX:
            self._numbers.popitem(last=False)

    async def close(self) -> None:
        """Let replies in flight go out, then close the API client."""
        if self._background:
            await asyncio.wait(self._background, timeout=10)
        await self.api.aclose()
