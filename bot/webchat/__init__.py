"""The web chat: the page a family member or a center shares as a link (or a QR code), made for
WeChat's in-app browser and any phone browser, and its JSON API.

    from bot.webchat import WebChat, routes
    app.state.webchat = WebChat(services)           # the secret: config or data dir
    Starlette(routes=[*routes(), ...], middleware=[Middleware(SecurityHeaders)])

`api.py` has the endpoints, `security.py` the cookie, CSRF, limits and headers, `cards.py` the
card details added to the engine's replies, `voice.py` recordings in and spoken replies out, `sender.py` the scheduler's `web` channel (the
inbox), `static/` the page itself (plain HTML, CSS and JavaScript; no build step). docs/web.md
describes it all.
"""

from __future__ import annotations

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.webchat.api import STATIC, WebChat, WebLimits
from bot.webchat.security import SecurityHeaders, load_secret

__all__ = ["SecurityHeaders", "WebChat", "WebLimits", "load_secret", "routes"]


def routes() -> list:
    """The web chat's routes (the handlers read `app.state.webchat`)."""
    from bot.webchat import api, voice

    return [
        Route("/", api.page, methods=["GET"]),
        Route("/api/session", api.session, methods=["GET"]),
        Route("/api/message", api.message, methods=["POST"]),
        Route("/api/inbox", api.inbox_list, methods=["GET"]),
        Route("/api/inbox/ack", api.inbox_ack, methods=["POST"]),
        Route("/api/mydata", api.mydata, methods=["GET"]),
        Route("/api/forget", api.forget, methods=["POST"]),
        Route("/api/voice", voice.voice, methods=["POST"]),
        Route("/api/audio/{key:str}", voice.audio, methods=["GET"]),
        Route("/media/guides/{name:path}", api.guide_image, methods=["GET"]),
        Route("/static/chat-texts.js", api.ui_texts, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
