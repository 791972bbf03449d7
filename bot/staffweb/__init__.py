"""The staff pages' shared sign-in (volunteers and admins): /desk (help requests and
announcements) and /admin build on it.

    from bot.staffweb import Staff, require_staff, csrf_field, check_csrf, read_form, page
    async def my_page(request):
        staff = await require_staff(request, role="admin")     # or "volunteer" (the default)
        return page("标题", f"<form method=post>{csrf_field(staff)}…</form>", staff)
    async def my_post(request):
        staff = await require_staff(request)
        form = await read_form(request)
        check_csrf(request, staff, form)                       # 403 when missing or wrong

`auth.py` has the cookie, roles and CSRF; `login.py` /staff/login and /staff/logout; `links.py`
the one-time links (/weblogin, `leling volunteers login-link`); `layout.py` the shared frame
(`page`); `static/staff.css` the styles added to the chat page's leling.css. `require_staff`
raises `StaffRefused`, which `on_refused` (registered by bot/web.py) answers: a redirect to
/staff/login for pages, 403 JSON for `/api/` paths. docs/volunteers.md describes the console; bot/urls.py lists its URLs.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot.staffweb.auth import (
    FormTooLarge,
    Staff,
    StaffRefused,
    check_csrf,
    csrf_field,
    read_form,
    require_staff,
    staff_from_request,
)
from bot.staffweb.layout import message_page, page
from bot.staffweb.texts import text

__all__ = [
    "FormTooLarge",
    "Staff",
    "StaffRefused",
    "check_csrf",
    "csrf_field",
    "exception_handlers",
    "on_refused",
    "page",
    "read_form",
    "require_staff",
    "staff_from_request",
]


async def on_refused(request: Request, exc: Exception) -> Response:
    """StaffRefused → a redirect to sign in, a 403 page, or a 403 JSON answer."""
    assert isinstance(exc, StaffRefused)
    headers = {"Cache-Control": "no-store"}
    if exc.api:
        error = {"login": "not_signed_in", "stale": "stale_page"}.get(exc.reason, exc.reason)
        key = {"login": "not_staff", "stale": "stale"}.get(exc.reason, exc.reason)
        return JSONResponse(
            {"error": error, "message": text(exc.lang, key)}, status_code=403, headers=headers
        )
    if exc.reason == "login":
        path = request.url.path
        target = (
            f"/staff/login?next={quote(path)}"
            if path.startswith(("/desk", "/admin"))
            else "/staff/login"
        )
        return RedirectResponse(target, status_code=303, headers=headers)
    staff = await staff_from_request(request)
    key = "admins_only" if exc.reason == "admins_only" else "stale"
    return message_page(
        text(exc.lang, "forbidden_title"), text(exc.lang, key), staff, exc.lang, 403
    )


def exception_handlers() -> dict:
    """The handlers the app registers for the staff pages."""
    return {StaffRefused: on_refused}
