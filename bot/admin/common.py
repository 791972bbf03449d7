"""What every /admin page shares: the admins-only guard, the frame with the console's links,
tables, and the clock the console reads."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request

from bot.admin.texts import t
from bot.staffweb import Staff, page, require_staff

esc = html.escape
TZ = ZoneInfo("Asia/Shanghai")
STYLES = '<link rel="stylesheet" href="/admin/static/admin.css">'
SECTIONS = (
    ("home", "/admin", "nav_home"),
    ("catalogue", "/admin/catalogue", "nav_catalogue"),
    ("usage", "/admin/usage", "nav_usage"),
    ("nlu", "/admin/not-understood", "nav_nlu"),
    ("desk", "/desk", "nav_desk"),
)


async def admin(request: Request) -> Staff:
    """The signed-in admin, or refused (sign-in redirect, or 403 for a volunteer)."""
    return await require_staff(request, role="admin")


def nav(lang: str, current: str) -> str:
    """The console's links, the current one marked."""
    links = []
    for key, href, label in SECTIONS:
        here = ' aria-current="page"' if key == current else ""
        links.append(
            f'<a class="btn btn-main btn-quiet" href="{href}"{here}>{esc(t(lang, label))}</a>'
        )
    return f'<nav class="staff-nav" aria-label="{esc(t(lang, "console"))}">{"".join(links)}</nav>'


def admin_page(title: str, body: str, staff: Staff, current: str, status: int = 200):
    """A console page: the staff frame, the console's links and stylesheet, `body` (escaped)."""
    return page(title, STYLES + body, staff, status=status, nav_html=nav(staff.lang, current))


def notices(note: str = "", error: str = "", note_css: str = "staff-ok") -> list[str]:
    """What the last action did (`note`, a status) and what went wrong (`error`, an alert), as
    paragraphs (none for an empty one)."""
    out = []
    if note:
        out.append(f'<p class="{note_css}" role="status">{esc(note)}</p>')
    if error:
        out.append(f'<p class="staff-error" role="alert">{esc(error)}</p>')
    return out


def table(headers: list[str], rows: list[list[str]], caption: str = "", cls: str = "") -> str:
    """An HTML table; cells are escaped here. Wide tables scroll sideways on a phone."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    # The box scrolls sideways on a phone: keyboard users can focus it to scroll it.
    label = esc(caption or " · ".join(headers))
    return (
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{label}">'
        f'<table class="data {cls}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def now_of(request: Request) -> datetime:
    """The service's clock (the assistant's, which tests inject), in Beijing time."""
    assistant = getattr(request.app.state.services, "assistant", None)
    clock = getattr(assistant, "clock", None)
    return clock() if clock is not None else datetime.now(TZ)


def local_time(iso: str | None) -> str:
    """An ISO time (UTC in the audit log) as Beijing time, 2026-12-03 16:05."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
