"""Every URL Leling's web app serves, in one table: look a path up here to find its handler.

bot/web.py builds the Starlette app from `routes(wechat)`; `wechat` is the WeChat Official
Account's route, present only when that channel is configured. Handlers live with their part:
bot/webchat (the chat page and its JSON API), bot/staffweb (staff sign-in and the volunteers'
/desk), bot/admin (the operators' console). Who may call what is decided inside each handler
(signed cookies, CSRF, roles), not here.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

_BOT = Path(__file__).resolve().parent
GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]


def _static(path: str, package: str, name: str) -> Mount:
    return Mount(path, app=StaticFiles(directory=_BOT / package / "static"), name=name)


def routes(wechat: list[BaseRoute]) -> list[BaseRoute]:
    """The app's routes, `wechat` (zero or one route for /wechat) included."""
    from bot import web
    from bot.admin import UPLOAD_PATH, catalogue, home, not_understood, usage
    from bot.staffweb import desk, desk_announce, login
    from bot.webchat import api, voice

    return [
        # service
        Route("/healthz", web.healthz, methods=GET),
        Route("/telegram/webhook", web.telegram_webhook, methods=POST),
        *wechat,
        # the web chat (bot/webchat)
        Route("/", api.page, methods=GET),
        Route("/api/session", api.session, methods=GET),
        Route("/api/message", api.message, methods=POST),
        Route("/api/inbox", api.inbox_list, methods=GET),
        Route("/api/inbox/ack", api.inbox_ack, methods=POST),
        Route("/api/mydata", api.mydata, methods=GET),
        Route("/api/forget", api.forget, methods=POST),
        Route("/api/voice", voice.voice, methods=POST),
        Route("/api/audio/{key:str}", voice.audio, methods=GET),
        Route("/media/guides/{name:path}", api.guide_image, methods=GET),
        Route("/static/chat-texts.js", api.ui_texts, methods=GET),
        # staff sign-in (bot/staffweb)
        Route("/staff/login", login.login, methods=BOTH),
        Route("/staff/logout", login.logout, methods=POST),
        # the volunteers' help desk (bot/staffweb/desk.py)
        Route("/desk", desk.home, methods=GET),
        Route("/desk/api/requests", desk.api_requests, methods=GET),
        Route("/desk/request/{rid:int}", desk.request_page, methods=GET),
        Route("/desk/api/request/{rid:int}", desk.api_request, methods=GET),
        Route("/desk/request/{rid:int}/claim", desk.claim, methods=POST),
        Route("/desk/request/{rid:int}/reply", desk.reply, methods=POST),
        Route("/desk/request/{rid:int}/close", desk.close, methods=POST),
        # announcements from the desk (bot/staffweb/desk_announce.py)
        Route("/desk/announce", desk_announce.compose, methods=BOTH),
        Route("/desk/api/announce/count", desk_announce.api_count, methods=GET),
        Route("/desk/announce/preview", desk_announce.preview, methods=POST),
        Route("/desk/announce/confirm", desk_announce.confirm, methods=POST),
        Route("/desk/announcements", desk_announce.list_page, methods=GET),
        Route("/desk/announcements/{aid:int}", desk_announce.status_page, methods=GET),
        Route("/desk/api/announcements/{aid:int}", desk_announce.api_status, methods=GET),
        Route("/desk/announcements/{aid:int}/cancel", desk_announce.cancel, methods=POST),
        Route("/desk/announcements/{aid:int}/stop", desk_announce.stop, methods=POST),
        # the operators' console (bot/admin)
        Route("/admin", home.home, methods=GET),
        Route("/admin/catalogue", catalogue.catalogue_page, methods=GET),
        Route(UPLOAD_PATH, catalogue.upload, methods=POST),
        Route("/admin/catalogue/review", catalogue.review, methods=GET),
        Route("/admin/catalogue/publish", catalogue.publish, methods=POST),
        Route("/admin/catalogue/discard", catalogue.discard, methods=POST),
        Route("/admin/catalogue/download", catalogue.download, methods=GET),
        Route("/admin/usage", usage.usage, methods=GET),
        Route("/admin/not-understood", not_understood.page_, methods=GET),
        Route("/admin/not-understood/assign", not_understood.assign, methods=POST),
        Route("/admin/not-understood/retrain", not_understood.retrain, methods=POST),
        # static files (after the routes: /static/chat-texts.js above is not a file)
        _static("/static", "webchat", "static"),
        _static("/staff/static", "staffweb", "staff-static"),
        _static("/admin/static", "admin", "admin-static"),
    ]
