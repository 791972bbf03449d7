"""The web chat: the page a family member or a center shares as a link (or a QR code), made for
WeChat's in-app browser and any phone browser, and its JSON API.

    from bot.webchat import WebChat
    app.state.webchat = WebChat(services)           # the secret: config or data dir
    Starlette(routes=urls.routes(...), middleware=[Middleware(SecurityHeaders)])

The URLs are the web chat's part of bot/urls.py (every URL the app serves, in one table).

`api.py` has the endpoints, `security.py` the cookie, CSRF, limits and headers, `cards.py` the
card details added to the engine's replies, `voice.py` recordings in and spoken replies out, `sender.py` the scheduler's `web` channel (the
inbox), `static/` the page itself (plain HTML, CSS and JavaScript; no build step). docs/web.md
describes it all.
"""

from __future__ import annotations

from bot.webchat.api import WebChat, WebLimits
from bot.webchat.security import SecurityHeaders, load_secret

__all__ = ["SecurityHeaders", "WebChat", "WebLimits", "load_secret"]
