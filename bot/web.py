"""Leling's web app (Starlette): the web chat (bot/webchat/), `/healthz` and the Telegram webhook.
Every URL it serves, and the handler behind it, is in one table: bot/urls.py.

    app = create_app(services)        # served by uvicorn in `leling run` (bot/service.py)

Every response carries the security headers (a CSP with no inline script and nothing from
another origin, `X-Content-Type-Options`, `Referrer-Policy`, …; bot/webchat/security.py).

`POST /telegram/webhook` accepts an update only with the right
`X-Telegram-Bot-Api-Secret-Token` header (403 otherwise; the warning is logged at most once a
minute with a count) and queues it for the bot, as in python-telegram-bot's
`customwebhookbot/starlettebot.py` example. Every request body is capped at 1 MB (413 beyond,
`bot/webguard.py`). `GET|POST /wechat` is the WeChat Official Account's server URL, mounted
only when LELING_WECHAT_TOKEN, _APPID and _SECRET are set (bot/channels/wechat.py).
The staff pages (`/staff/login`, `/desk`; bot/staffweb/) share the
web chat's secret and headers. `GET /healthz` answers 503 when the event loop or the updates are stalled (`bot/health.py`).
"""

from __future__ import annotations

import hmac
import logging

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot import urls
from bot.webguard import MAX_BODY, BodyLimit, QuietLog

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def healthz(request: Request) -> JSONResponse:
    """Liveness: 200 with what is running, or 503 naming what is stalled."""
    services = request.app.state.services
    health = getattr(services, "health", None)
    app = services.telegram
    queue = getattr(app, "update_queue", None) if app is not None else None
    stalled = health.stalled(queue.qsize() if queue is not None else 0) if health else []
    if stalled:
        body = {"status": "stalled", "telegram": services.telegram_mode, "stalled": stalled}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "telegram": services.telegram_mode})


async def telegram_webhook(request: Request) -> Response:
    """One update from Telegram → the bot's update queue."""
    from telegram import Update

    services = request.app.state.services
    app = services.telegram
    if app is None or services.telegram_mode != "webhook":
        return PlainTextResponse("Not Found", status_code=404)
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), (services.webhook_secret or "").encode()):
        request.app.state.wrong_secret.warn(request.client.host if request.client else "?")
        return PlainTextResponse("Forbidden", status_code=403)
    try:
        data = await request.json()
        update = Update.de_json(data, app.bot)
    except Exception:  # not JSON, or not an update: Telegram never sends that
        log.warning("webhook: not a Telegram update")
        return PlainTextResponse("Bad Request", status_code=400)
    await app.update_queue.put(update)
    return Response(status_code=200)


def _wechat_routes(services) -> list[Route]:
    """`/wechat`, only when the Official Account is configured (LELING_WECHAT_*)."""
    settings = getattr(services, "settings", None)
    if getattr(services, "wechat", None) is None and getattr(settings, "wechat_token", None):
        from bot.channels.wechat import WeChatChannel, WeChatConfig

        config = WeChatConfig.from_settings(settings)
        if config is not None:
            services.wechat = WeChatChannel(services, config)
            log.info(
                "WeChat Official Account at /wechat (%s mode)",
                "safe" if config.aes_key else "plain",
            )
    channel = getattr(services, "wechat", None)
    return channel.routes() if channel is not None else []


def create_app(
    services, *, limits=None, secret: bytes | None = None, max_body: int = MAX_BODY
) -> Starlette:
    """The Starlette app over the assembled `Services`; `limits` (a `WebLimits`) bounds what
    web chat clients may send (defaults when None); `secret` signs their cookies (default:
    LELING_WEB_SECRET, or one generated and kept under the data directory); no request body
    may be over `max_body` bytes (413), save the larger caps of `admin.LARGER_BODIES` (the
    console's catalogue upload)."""
    from bot import admin, staffweb
    from bot.webchat import SecurityHeaders, WebChat, WebLimits

    app = Starlette(
        routes=urls.routes(_wechat_routes(services)),
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, max_bytes=max_body, larger=admin.LARGER_BODIES),
        ],
        exception_handlers=staffweb.exception_handlers(),
    )
    app.state.services = services
    app.state.webchat = WebChat(services, secret, limits or WebLimits())
    app.state.wrong_secret = QuietLog(
        log, "webhook call with a wrong or missing secret token (last from %s)"
    )
    return app
