"""The web chat's HTTP API (JSON), over the same `Assistant` as every channel.

    GET  /                 the page (static/index.html with the CSRF token in a <meta> tag)
    GET  /api/session      {"csrf", "lang"}: the cookie and token for API clients
    POST /api/message      {"text"} | {"payload"} | {"location": {"lat", "lon"}}, "lang"?
                           → {"replies": [...], "lang", "inbox"}
    GET  /api/inbox        {"messages": [...], "count"}; POST /api/inbox/ack {"up_to": id}
    GET  /api/mydata       everything stored about this user (a JSON download)
    POST /api/forget       {"confirm": true} → {"deleted", "forgotten", "csrf"}: a new cookie
    POST /api/voice, GET /api/audio/<id>: voice in and out (voice.py)

Every POST needs the `X-CSRF-Token` header; a refusal (too long, too fast, too big, a stale
page) is a JSON body with a kind reply the page shows like any other.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
)

from bot.webchat import cards, security
from bot.webchat.texts import kind_reply
from bot.webchat.texts import text as channel_text
from dialogues import sanitize
from dialogues.models import Incoming
from store import inbox, users
from store import subscriptions as subs_store

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
_START = re.compile(r"^(lecture|guide|lesson|center)_[A-Za-z0-9_-]{1,64}$")
_IMAGE = re.compile(r"^[A-Za-z0-9_./-]+\.(png|jpe?g|webp|gif|svg)$")
NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class WebLimits:
    """Bounds on what one client may send (0 turns a rate limit off)."""

    max_text: int = 500  # characters of one typed message
    max_payload: int = 300  # characters of one button payload
    max_body: int = 8192  # bytes of one request body
    per_minute: float = 30.0  # messages per user …
    burst: int = 12  # … with this many at once
    new_per_minute: float = 60.0  # new anonymous users per client address
    new_burst: int = 60


@dataclass
class WebChat:
    """What the handlers share: the services, the signing secret, limits and rate buckets.

    `secret_key` is the cookie-signing key, or None to take LELING_WEB_SECRET or the one kept
    under the data directory, read on first use (an app that never serves the chat never
    creates the file)."""

    services: object
    secret_key: bytes | None = None
    limits: WebLimits = field(default_factory=WebLimits)

    @functools.cached_property
    def secret(self) -> bytes:
        """The cookie-signing key."""
        if self.secret_key:
            return self.secret_key
        settings = self.services.settings
        return security.load_secret(settings.web_secret, Path(settings.db).parent)

    def __post_init__(self) -> None:
        self.page = (STATIC / "index.html").read_text(encoding="utf-8")
        lim = self.limits
        self.per_user = security.RateLimiter(lim.per_minute, lim.burst) if lim.per_minute else None
        self.per_address = (
            security.RateLimiter(lim.new_per_minute, lim.new_burst) if lim.new_per_minute else None
        )


def _chat(request: Request) -> WebChat:
    return request.app.state.webchat


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _page_lang(request: Request) -> str:
    """The language the page is showing (its `X-Leling-Lang` header), for refusals."""
    return "en" if request.headers.get("x-leling-lang") == "en" else "zh"


def _lang_hint(request: Request) -> str:
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "zh"


def _user(request: Request) -> str | None:
    return security.verify_user(_chat(request).secret, request.cookies.get(security.COOKIE))


def _set_cookie(request: Request, response: Response, user_id: str) -> None:
    """The signed user cookie; Secure when the page came over HTTPS (behind nginx, uvicorn
    takes the scheme from X-Forwarded-Proto)."""
    chat = _chat(request)
    response.set_cookie(
        security.COOKIE,
        security.sign_user(chat.secret, user_id),
        max_age=security.COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _identify(request: Request) -> tuple[str | None, bool]:
    """(user id, is new): the cookie's user, or a new one (None when this address has made too
    many new users lately)."""
    chat = _chat(request)
    uid = _user(request)
    if uid is not None:
        return uid, False
    if chat.per_address is not None and not chat.per_address.allow(_address(request)):
        return None, True
    return security.new_user_id(), True


def _refuse(status: int, key: str, lang: str, **fields) -> JSONResponse:
    return JSONResponse(
        {"error": key, "replies": [kind_reply(lang, key, **fields)], "lang": lang},
        status_code=status,
        headers=NO_STORE,
    )


async def page(request: Request) -> Response:
    """The chat page, with this user's CSRF token (and a cookie for a new user). `/?wx=<token>`
    is a one-time link from WeChat signing the page in as that follower
    (bot/channels/wechat_link.py)."""
    if request.query_params.get("wx"):
        from bot.channels.wechat_link import open_page

        return await open_page(request)
    chat = _chat(request)
    uid, new = _identify(request)
    lang = _lang_hint(request)
    if uid is None:  # too many new visitors from one address: a plain, kind page
        return PlainTextResponse(channel_text(lang, "too_fast"), status_code=429, headers=NO_STORE)
    if not new:
        row = await chat.services.run(users.get, chat.services.db, uid)
        lang = (row or {}).get("lang") or lang
    response = render_page(request, uid, lang)
    if new:
        _set_cookie(request, response, uid)
    return response


def render_page(request: Request, uid: str, lang: str, notice_html: str = "") -> HTMLResponse:
    """The page for `uid` in `lang`; `notice_html` (already escaped) opens the conversation."""
    chat = _chat(request)
    html = (
        chat.page.replace("{{csrf}}", security.csrf_token(chat.secret, uid))
        .replace("{{who}}", security.device_tag(chat.secret, uid))
        .replace("{{lang}}", "en" if lang == "en" else "zh-CN")
        .replace("{{notice}}", notice_html)
    )
    return HTMLResponse(html, headers=NO_STORE)


@functools.cache
def _ui_texts_script() -> bytes:
    """static/chat-texts.json (the page's own words, zh and en) as the script chat.js reads."""
    texts = json.loads((STATIC / "chat-texts.json").read_text(encoding="utf-8"))
    return f'"use strict";\nwindow.LELING_UI = {json.dumps(texts, ensure_ascii=False)};\n'.encode()


async def ui_texts(request: Request) -> Response:
    """/static/chat-texts.js: the page's own words, kept as data beside the page."""
    return Response(
        _ui_texts_script(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


async def session(request: Request) -> Response:
    """The cookie and CSRF token for a client that does not load the page (tests, tools)."""
    chat = _chat(request)
    uid, new = _identify(request)
    if uid is None:
        return _refuse(429, "too_fast", _lang_hint(request))
    row = None if new else await chat.services.run(users.get, chat.services.db, uid)
    lang = (row or {}).get("lang") or _lang_hint(request)
    response = JSONResponse(
        {"csrf": security.csrf_token(chat.secret, uid), "lang": lang}, headers=NO_STORE
    )
    if new:
        _set_cookie(request, response, uid)
    return response


@dataclass(frozen=True)
class _Post:
    """A JSON POST that passed the checks: the app's chat state, the page's language, the user
    id from the cookie and the JSON body (an object)."""

    chat: WebChat
    lang: str
    uid: str
    body: dict


async def _guarded_json(request: Request) -> _Post | Response:
    """A POST that passed the cookie, CSRF, rate and size checks, or the refusal to send back
    (in the page's language)."""
    chat = _chat(request)
    lang = _page_lang(request)
    uid = _user(request)
    if uid is None or not security.csrf_ok(
        chat.secret, uid, request.headers.get(security.CSRF_HEADER)
    ):
        return _refuse(403, "stale_page", lang)
    if chat.per_user is not None and not chat.per_user.allow(uid):
        return _refuse(429, "too_fast", lang)
    try:
        raw = await security.read_body(request, chat.limits.max_body)
    except security.BodyTooLarge:
        return _refuse(413, "too_big", lang)
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _refuse(400, "bad_request", lang)
    if not isinstance(body, dict):
        return _refuse(400, "bad_request", lang)
    return _Post(chat, lang, uid, body)


def _incoming(uid: str, body: dict, limits: WebLimits, lang: str) -> Incoming | JSONResponse:
    """The message in a POST body, or the refusal to send back."""
    hint = body.get("lang") if body.get("lang") in ("zh", "en") else None
    location = body.get("location")
    if location is not None:
        try:
            lat, lon = float(location["lat"]), float(location["lon"])
        except (TypeError, KeyError, ValueError):
            return _refuse(400, "bad_request", lang)
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90) or not (
            -180 <= lon <= 180
        ):
            return _refuse(400, "bad_request", lang)
        return Incoming(user_id=uid, location=(lat, lon), lang=hint)
    payload = body.get("payload")
    if payload is not None:
        if not isinstance(payload, str) or not payload.startswith("/"):
            return _refuse(400, "bad_request", lang)
        if len(payload) > limits.max_payload:
            return _refuse(413, "too_big", lang)
        return Incoming(user_id=uid, text=payload, lang=hint)
    start = body.get("start")
    if start is not None:  # a deep link: /?start=lecture_<id>, as Telegram's /start <arg>
        if not isinstance(start, str) or not _START.match(start):
            return Incoming(user_id=uid, text="/start", lang=hint)
        return Incoming(user_id=uid, text=f"/start {start}", lang=hint)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return _refuse(400, "bad_request", lang)
    if len(text) > limits.max_text:
        return _refuse(413, "too_long", lang, n=limits.max_text)
    return Incoming(user_id=uid, text=text, lang=hint)


async def _turn(chat: WebChat, incoming: Incoming) -> dict:
    """One turn: the replies with their cards, the user's language, the inbox count; a
    subscription gets the web's honest note about reminders. The conversation runs on a turn
    worker (chats at once, `Services.run_turn`), the small reads after it on the database
    thread."""
    services = chat.services
    result = await services.run_turn(services.assistant.turn, incoming)
    return await services.run(_after_turn, chat, incoming, result)


def _after_turn(chat: WebChat, incoming: Incoming, result) -> dict:
    services = chat.services
    db, assistant = services.db, services.assistant
    row = users.get(db, incoming.user_id)
    lang = (row or {}).get("lang") or incoming.lang or "zh"
    replies = [r.to_dict() for r in result.replies]
    intent = ((result.nlu or {}).get("intent") or {}).get("name")
    if (  # the web's own note; a WeChat follower signed in by link gets reminders in WeChat
        row is not None
        and replies
        and incoming.user_id.startswith("web:")
        and intent == "subscribe"
        and subs_store.count_active(db, incoming.user_id)
    ):
        replies[-1]["note"] = kind_reply(lang, "web_reminders")["text"]
    now = assistant.clock()
    for r in replies:
        cards.enrich(r, services.catalogue, assistant.texts, lang, now)
    waiting = inbox.count(db, incoming.user_id) if row is not None else 0
    out = {"replies": replies, "lang": lang, "inbox": waiting}
    if row is None:  # the user asked Leling to forget them (and confirmed) in this turn
        out["forgotten"] = True
    return out


async def message(request: Request) -> Response:
    """One message (typed text, a tapped button's payload, a location, a deep link) → replies."""
    post = await _guarded_json(request)
    if isinstance(post, Response):
        return post
    incoming = _incoming(post.uid, post.body, post.chat.limits, post.lang)
    if isinstance(incoming, Response):
        return incoming
    try:
        out = await _turn(post.chat, incoming)
    except Exception as exc:  # the type and traceback only: never what the user wrote
        log.error(
            "web turn failed for %s: %s",
            post.uid,
            type(exc).__name__,
            exc_info=sanitize.exc_info(exc),
        )
        return _refuse(500, "error", post.lang)
    if out.get("forgotten"):
        return _fresh_start(request, out)
    from bot.webchat.voice import attach_audio

    return JSONResponse(attach_audio(request, out), headers=NO_STORE)


def _fresh_start(request: Request, body: dict) -> Response:
    """After the user's data was deleted: a new anonymous id (cookie and CSRF token), so
    nothing links what comes next to what was deleted; the page clears its own copy."""
    chat = _chat(request)
    uid = security.new_user_id()
    body["csrf"] = security.csrf_token(chat.secret, uid)
    response = JSONResponse(body, headers=NO_STORE)
    _set_cookie(request, response, uid)
    return response


async def inbox_list(request: Request) -> Response:
    """What waits for this user (reminders, notices), oldest first."""
    chat = _chat(request)
    uid = _user(request)
    if uid is None:
        return JSONResponse({"messages": [], "count": 0}, headers=NO_STORE)
    messages = await chat.services.run(inbox.waiting, chat.services.db, uid)
    return JSONResponse({"messages": messages, "count": len(messages)}, headers=NO_STORE)


async def inbox_ack(request: Request) -> Response:
    """The page showed the messages up to `up_to`: they leave the inbox."""
    post = await _guarded_json(request)
    if isinstance(post, Response):
        return post
    up_to = post.body.get("up_to")
    if not isinstance(up_to, int) or isinstance(up_to, bool):
        return _refuse(400, "bad_request", post.lang)
    services = post.chat.services
    removed = await services.run(inbox.acknowledge, services.db, post.uid, up_to)
    return JSONResponse({"removed": removed}, headers=NO_STORE)


async def mydata(request: Request) -> Response:
    """Everything stored about this user, as a JSON download (PIPL access right)."""
    chat = _chat(request)
    uid = _user(request)
    if uid is None:
        doc = {"user": None}
    elif chat.per_user is not None and not chat.per_user.allow(uid):
        return _refuse(429, "too_fast", _page_lang(request))
    else:
        doc = await chat.services.run(users.export, chat.services.db, uid)
    body = json.dumps(doc, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        media_type="application/json; charset=utf-8",
        headers={**NO_STORE, "Content-Disposition": 'attachment; filename="leling-mydata.json"'},
    )


async def forget(request: Request) -> Response:
    """Delete everything stored about this user, and the cookie (PIPL erasure)."""
    post = await _guarded_json(request)
    if isinstance(post, Response):
        return post
    if post.body.get("confirm") is not True:
        return _refuse(400, "bad_request", post.lang)
    services = post.chat.services
    counts = await services.run(users.forget, services.db, post.uid)
    return _fresh_start(request, {"deleted": counts, "forgotten": True})


async def guide_image(request: Request) -> Response:
    """A guide step's picture from the catalogue folder (`<content>/guides/<image>`)."""
    name = request.path_params["name"]
    base = (Path(_chat(request).services.settings.content) / "guides").resolve()
    path = (base / name).resolve()
    if (
        not _IMAGE.match(name)
        or ".." in name
        or not path.is_relative_to(base)
        or not path.is_file()
    ):
        return Response("Not Found", status_code=404)
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})
