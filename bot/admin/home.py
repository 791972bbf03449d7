"""GET /admin: where the console's parts are."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.admin.common import SECTIONS, admin, admin_page, esc
from bot.admin.texts import t


async def home(request: Request) -> Response:
    """The console's first page: one sentence and the big links."""
    staff = await admin(request)
    lang = staff.lang
    links = "".join(
        f'<li><a class="btn btn-main btn-primary" href="{href}">{esc(t(lang, label))}</a></li>'
        for key, href, label in SECTIONS
        if key not in ("home", "desk")
    )
    body = (
        f"<h1>{esc(t(lang, 'console'))}</h1><p>{esc(t(lang, 'home_intro'))}</p>"
        f'<ul class="admin-links">{links}</ul>'
    )
    return admin_page(t(lang, "console"), body, staff, "home")
