"""The operators' console, /admin (admins only): the catalogue (upload, check, see what would
change, publish; history; download), usage figures with charts, and the messages Leling did not
understand (assign them to an intent, retrain). docs/operators.md describes it.

    from bot.admin import routes
    Starlette(routes=[*staffweb.routes(), *admin.routes(), ...])

Every page calls `require_staff(request, role="admin")` (bot/staffweb): nobody signed in is sent
to /staff/login, a volunteer gets a 403 page. Every POST carries the staff CSRF token. Pages are
plain HTML forms with the chat page's styles (no script at all), so they work on a phone and in
any browser; charts are SVG drawn on the server.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.admin.staging import MAX_UPLOAD

STATIC = Path(__file__).resolve().parent / "static"
UPLOAD_PATH = "/admin/catalogue/upload"
# Request bodies larger than the app's 1 MB cap, by path (bot/web.py hands this to BodyLimit).
LARGER_BODIES = {UPLOAD_PATH: MAX_UPLOAD}

__all__ = ["LARGER_BODIES", "routes"]


def routes() -> list:
    """The console's routes."""
    from bot.admin import catalogue, home, not_understood, usage

    return [
        Route("/admin", home.home, methods=["GET"]),
        Route("/admin/catalogue", catalogue.catalogue_page, methods=["GET"]),
        Route(UPLOAD_PATH, catalogue.upload, methods=["POST"]),
        Route("/admin/catalogue/review", catalogue.review, methods=["GET"]),
        Route("/admin/catalogue/publish", catalogue.publish, methods=["POST"]),
        Route("/admin/catalogue/discard", catalogue.discard, methods=["POST"]),
        Route("/admin/catalogue/download", catalogue.download, methods=["GET"]),
        Route("/admin/usage", usage.usage, methods=["GET"]),
        Route("/admin/not-understood", not_understood.page_, methods=["GET"]),
        Route("/admin/not-understood/assign", not_understood.assign, methods=["POST"]),
        Route("/admin/not-understood/retrain", not_understood.retrain, methods=["POST"]),
        Mount("/admin/static", app=StaticFiles(directory=STATIC), name="admin-static"),
    ]
