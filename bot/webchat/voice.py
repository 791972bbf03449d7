"""Voice on the web chat: a recording in, spoken replies out (docs/voice.md).

    POST /api/voice        the recording as the body (MediaRecorder's WebM/Opus, MP4/AAC,
                           OGG, WAV …; `Content-Type` says which), `X-CSRF-Token`
                           → the /api/message answer plus "heard": the transcript
    GET  /api/audio/<id>   a reply spoken as OGG/Opus (the "听" button when the browser has no
                           voice of its own; replies carry their `audio_url`)

A recording that is empty, broken, over a minute or over MAX_AUDIO bytes gets a kind reply;
recognition runs on the recogniser's own bounded queue, never on the event loop. An audio id is
an HMAC of the reply's text under the cookie secret, so ids cannot be guessed from a text, and
only the last MAX_TEXTS replies are kept to be spoken.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.voice.phrases import phrase
from bot.webchat import security
from bot.webchat.texts import kind_reply
from dialogues import sanitize
from dialogues.models import Incoming

log = logging.getLogger(__name__)

# A minute of Opus (Chromium, WeChat) or AAC (iOS) is 0.2–0.5 MB; the web app caps every body
# at 1 MB before this handler runs (bot/webguard.py).
MAX_AUDIO = 900 * 1024
MAX_TEXTS = 2000  # replies kept for GET /api/audio/<id>
NO_STORE = {"Cache-Control": "no-store"}


class SpokenTexts:
    """The replies that may be fetched as audio: id → (text, lang), the newest MAX_TEXTS."""

    def __init__(self, secret: bytes, size: int = MAX_TEXTS):
        self.secret, self.size = secret, size
        self._items: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, text: str, lang: str) -> str:
        """The id under which `text` can be fetched as audio."""
        mac = hmac.new(self.secret, f"{lang}\0{text}".encode(), hashlib.sha256)
        key = mac.hexdigest()[:32]
        with self._lock:
            self._items[key] = (text, lang)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> tuple[str, str] | None:
        """(text, lang) for an id, or None."""
        with self._lock:
            return self._items.get(key)


def _spoken(request: Request) -> SpokenTexts:
    state = request.app.state
    if getattr(state, "spoken_texts", None) is None:
        state.spoken_texts = SpokenTexts(state.webchat.secret)
    return state.spoken_texts


def attach_audio(request: Request, out: dict) -> dict:
    """Give each reply of an /api/message answer its `audio_url` (when Leling can speak)."""
    chat = request.app.state.webchat
    if getattr(chat.services, "speak", None) is None:
        return out
    spoken = _spoken(request)
    lang = out.get("lang") or "zh"
    for reply in out.get("replies") or []:
        text = (reply.get("text") or "") + ("\n" + reply["note"] if reply.get("note") else "")
        if text.strip():
            reply["audio_url"] = f"/api/audio/{spoken.add(text, lang)}"
    return out


def _say(status: int, lang: str, key: str) -> JSONResponse:
    reply = kind_reply(lang, "bad_request")
    reply["text"] = phrase(lang, key)
    return JSONResponse(
        {"error": key, "replies": [reply], "lang": lang}, status_code=status, headers=NO_STORE
    )


async def voice(request: Request) -> Response:
    """A recording → speech recognition → the assistant, as /api/message answers a text."""
    from bot.voice.audio import AudioError
    from bot.webchat import api

    chat = request.app.state.webchat
    lang = "en" if request.headers.get("x-leling-lang") == "en" else "zh"
    uid = api._user(request)
    if uid is None or not security.csrf_ok(
        chat.secret, uid, request.headers.get(security.CSRF_HEADER)
    ):
        return api._refuse(403, "stale_page", lang)
    if chat.per_user is not None and not chat.per_user.allow(uid):
        return api._refuse(429, "too_fast", lang)
    services = chat.services
    if services.transcribe is None:
        return _say(503, lang, "unavailable")
    try:
        data = await security.read_body(request, MAX_AUDIO)
    except security.BodyTooLarge:
        return _say(413, lang, "too_big")
    mime = request.headers.get("content-type")
    try:
        heard = await services.transcribe_async(data, mime, lang)
    except AudioError as exc:
        return _say(400 if exc.reason != "too_big" else 413, lang, exc.reason)
    except Exception as exc:  # Busy, or a recogniser failing: a kind word, never a crash
        if type(exc).__name__ != "Busy":
            log.warning("speech recognition failed: %s", type(exc).__name__)
        return _say(503, lang, "busy")
    text = (getattr(heard, "text", heard) or "").strip()
    if getattr(heard, "backend", "") == "none":
        return _say(422, lang, "no_language")
    if not text:
        return _say(422, lang, "unheard")
    incoming = Incoming(
        user_id=uid,
        text=text[: chat.limits.max_text],
        lang=lang,
        voice=True,
        unsure=not getattr(heard, "sure", True),
    )
    try:
        out = await api._turn(chat, incoming)
    except Exception as exc:  # the type and traceback only: never what the user said
        log.error(
            "web voice turn failed for %s: %s",
            uid,
            type(exc).__name__,
            exc_info=sanitize.exc_info(exc),
        )
        return api._refuse(500, "error", lang)
    out["heard"] = text
    attach_audio(request, out)
    if out.get("forgotten"):
        return api._fresh_start(request, out)
    return JSONResponse(out, headers=NO_STORE)


async def audio(request: Request) -> Response:
    """One reply spoken as OGG/Opus (404 when unknown or when no voice can say it)."""
    services = request.app.state.webchat.services
    found = _spoken(request).get(request.path_params["key"])
    if found is None or getattr(services, "speak", None) is None:
        return Response("Not Found", status_code=404)
    data = await services.speak_async(*found)
    if not data:
        return Response("Not Found", status_code=404)
    return Response(
        data, media_type="audio/ogg", headers={"Cache-Control": "private, max-age=3600"}
    )
