"""The frame every staff page shares (/staff/login, /desk, /admin): the chat page's
age-friendly styles (/static/leling.css) plus /staff/static/staff.css, a top bar saying who is
signed in with a sign-out button, and no inline script or style (the CSP forbids both).

    return page("求助", "<h1>…</h1>…", staff)              # an HTMLResponse
    return page("求助", body, staff, scripts=["desk.js"])   # + /staff/static/desk.js
"""

from __future__ import annotations

import html

from starlette.responses import HTMLResponse

from bot.staffweb.auth import Staff, csrf_field
from bot.staffweb.texts import text

NO_STORE = {"Cache-Control": "no-store"}
esc = html.escape


def who(staff: Staff) -> str:
    """ "小王（志愿者 · 东城区乐龄学习中心）", for the top bar."""
    role = text(staff.lang, "role_admin" if staff.is_admin else "role_volunteer")
    detail = " · ".join(part for part in (role, staff.org) if part)
    paren = "（{}）" if staff.lang == "zh" else " ({})"
    return staff.name + paren.format(detail)


def page(
    title: str,
    body_html: str,
    staff: Staff | None,
    *,
    status: int = 200,
    lang: str | None = None,
    scripts: tuple[str, ...] | list[str] = (),
    nav_html: str = "",
) -> HTMLResponse:
    """A whole staff page: `body_html` (already escaped) inside the shared frame. `scripts`
    are file names under /staff/static/ (or absolute /paths); `nav_html` goes under the top
    bar (the page's own links)."""
    lang = lang or (staff.lang if staff else "zh")
    top = ""
    if staff is not None:
        top = (
            f'<p class="staff-who">{esc(text(lang, "signed_in_as", who=who(staff)))}</p>'
            '<form method="post" action="/staff/logout" class="staff-logout">'
            f'{csrf_field(staff)}<button type="submit" class="btn btn-main btn-quiet">'
            f"{esc(text(lang, 'logout'))}</button></form>"
        )
    tags = "".join(
        f'<script src="{esc(s if s.startswith("/") else "/staff/static/" + s)}" defer></script>'
        for s in scripts
    )
    doc = (
        "<!doctype html>"
        f'<html lang="{"en" if lang == "en" else "zh-CN"}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)} · {esc(text(lang, 'brand'))}</title>"
        '<link rel="icon" href="/static/icon.svg" type="image/svg+xml">'
        '<link rel="stylesheet" href="/static/leling.css">'
        '<link rel="stylesheet" href="/staff/static/staff.css">'
        f"{tags}</head>"
        '<body class="staff">'
        f'<a class="skip-link" href="#main">{esc(text(lang, "skip"))}</a>'
        '<header class="bar bar-top staff-top">'
        f'<p class="brand">{esc(text(lang, "brand"))}</p>{top}</header>'
        f"{nav_html}"
        f'<main id="main" class="staff-main" tabindex="-1">{body_html}</main>'
        "</body></html>"
    )
    return HTMLResponse(doc, status_code=status, headers=NO_STORE)


def message_page(title: str, message: str, staff: Staff | None, lang: str, status: int):
    """A short page with one message and a way on (a refusal, a sign-out)."""
    link = "/desk" if staff is not None else "/staff/login"
    label = text(lang, "back_desk") if staff is not None else text(lang, "login_title")
    body = (
        f"<h1>{esc(title)}</h1>"
        f'<p class="staff-note" role="alert">{esc(message)}</p>'
        f'<p><a class="btn btn-main btn-primary" href="{link}">{esc(label)}</a></p>'
    )
    return page(title, body, staff, status=status, lang=lang)
