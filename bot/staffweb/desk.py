"""The volunteers' web console, /desk: the waiting help requests with 接手 (claim), a
request's conversation with reply and 结束 (close); the announcement pages are in
desk_announce.py.

    GET  /desk                          the waiting requests (refreshed by static/desk.js)
    GET  /desk/api/requests             {"html", "count", "sig"}: the list, for polling
    GET  /desk/request/{id}             one request: what the person was doing, the conversation
    GET  /desk/api/request/{id}         {"html", "count", "sig", "status"}: the conversation
    POST /desk/request/{id}/claim|reply|close

Claim, reply and close go through the conversation engine exactly as the volunteer's Telegram
commands do (`/claim N`, `/reply N …`, `/close N`; dialogues/actions/desk.py): the same store
functions, audit entries and relays, so the reply reaches the person in their own channel (a
Telegram message, or the web chat's inbox) by the desk's courier, and the person's answers
come back into this page's conversation.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot.staffweb import desk_view
from bot.staffweb.auth import FormTooLarge, Staff, check_csrf, read_form, require_staff
from bot.staffweb.desk_texts import text
from bot.staffweb.layout import NO_STORE, esc, message_page, page
from content.schedule import TZ
from dialogues.models import Incoming
from store import audit

DONE = ("claimed", "taken", "gone", "sent", "closed", "not_yours")


def now_of(services) -> datetime:
    """The conversation's clock (tests fix it), else now in Beijing."""
    clock = getattr(getattr(services, "assistant", None), "clock", None)
    return clock() if callable(clock) else datetime.now(TZ)


def nav(staff: Staff, current: str) -> str:
    """The console's own links, the current one marked."""
    links = [
        ("requests", "/desk", "nav_requests"),
        ("compose", "/desk/announce", "nav_compose"),
        ("announcements", "/desk/announcements", "nav_announcements"),
    ]
    if staff.is_admin:
        links.append(("admin", "/admin", "nav_admin"))
    parts = []
    for key, href, label in links:
        mark = ' aria-current="page"' if key == current else ""
        cls = "btn btn-main" + (" btn-primary" if key == current else "")
        parts.append(f'<a class="{cls}" href="{href}"{mark}>{esc(text(staff.lang, label))}</a>')
    label = "工作台" if staff.lang == "zh" else "Console"
    return f'<nav class="staff-nav" aria-label="{label}">{"".join(parts)}</nav>'


async def _flash(request: Request, staff: Staff) -> str:
    """What the last action did (`?done=…&id=N`), in words; the name of who was quicker comes
    from the database, not the address."""
    done = request.query_params.get("done")
    if done not in DONE:
        return ""
    rid = request.query_params.get("id", "")
    rid = rid[:12] if rid.isdigit() else "?"
    who = "?"
    if done == "taken" and rid != "?":
        services = _services(request)
        r = await services.run(desk_view.get_request, services.db, int(rid))
        if r is not None:
            who = await services.run(desk_view.name_of, services.db, r.get("volunteer_id"))
    words = text(staff.lang, f"done_{done}", id=rid, who=who)
    css = "staff-ok" if done in ("claimed", "sent", "closed") else "staff-error"
    return f'<p class="{css}" role="status">{esc(words)}</p>'


def _services(request: Request):
    return request.app.state.services


async def home(request: Request) -> Response:
    """The waiting help requests."""
    staff = await require_staff(request)
    services = _services(request)
    data = await services.run(desk_view.request_list, services.db, staff, now_of(services))
    acting = await services.run(desk_view.can_act, services.db, staff)
    lang = staff.lang
    note = "" if acting else f'<p class="staff-note">{esc(text(lang, "admin_not_volunteer"))}</p>'
    body = (
        f"<h1>{esc(text(lang, 'requests_title'))}</h1>{await _flash(request, staff)}{note}"
        f'<p class="staff-hint">{esc(text(lang, "requests_auto"))}</p>'
        '<p id="poll-status" class="sr-only" aria-live="polite"></p>'
        f'<div id="requests" data-poll="/desk/api/requests" data-sig="{data["sig"]}" '
        f'data-count="{data["count"]}">'
        f"{data['html']}</div>"
    )
    return page(
        text(lang, "requests_title"),
        body,
        staff,
        scripts=["desk.js"],
        nav_html=nav(staff, "requests"),
    )


async def api_requests(request: Request) -> Response:
    """The waiting requests' list, for the page's polling."""
    staff = await require_staff(request, api=True)
    services = _services(request)
    data = await services.run(desk_view.request_list, services.db, staff, now_of(services))
    data["news"] = text(staff.lang, "requests_title") + f" · {data['count']}"
    return JSONResponse(data, headers=NO_STORE)


MAX_ID = 2**53  # larger numbers in an address name no request (SQLite's integers stop at 2**63)


def _request_id(request: Request) -> int:
    rid = int(request.path_params["rid"])
    return rid if rid < MAX_ID else 0


async def request_page(request: Request) -> Response:
    """One request: what the person was doing, the conversation, reply and close."""
    staff = await require_staff(request)
    return await _render_request(request, staff)


async def _render_request(
    request: Request, staff: Staff, error: str = "", draft: str = "", status: int = 200
) -> Response:
    services = _services(request)
    lang = staff.lang
    rid = _request_id(request)
    r = await services.run(desk_view.get_request, services.db, rid)
    if r is None:
        title = text(lang, "request_title", id=rid)
        return message_page(title, text(lang, "request_missing"), staff, lang, 404)
    head, rest = await services.run(desk_view.summary, services.db, r, staff, now_of(services))
    css, label = await services.run(desk_view.status_label, services.db, r, staff)
    acting = await services.run(desk_view.can_act, services.db, staff)
    parts = [
        f'<p><a class="btn btn-main btn-quiet" href="/desk">{esc(text(lang, "back_list"))}</a></p>',
        f"<h1>{esc(text(lang, 'request_title', id=rid))} "
        f'<span class="staff-tag {css}">{esc(label)}</span></h1>',
        await _flash(request, staff),
        f'<p class="staff-error" role="alert">{esc(error)}</p>' if error else "",
        f'<div class="staff-card"><p class="facts">{esc(head)}\n{esc(rest)}</p></div>',
    ]
    if r["status"] == "open" and acting:
        parts.append(f'<div class="actions">{desk_view.claim_form(r, staff)}</div>')
    if desk_view.may_see_thread(r, staff) and r["status"] != "open":
        data = await services.run(desk_view.thread, services.db, r, staff)
        parts += [
            f"<h2>{esc(text(lang, 'thread_title'))}</h2>",
            f'<p class="staff-hint">{esc(text(lang, "thread_auto"))}</p>',
            '<p id="poll-status" class="sr-only" aria-live="polite"></p>',
            f'<div id="thread" data-poll="/desk/api/request/{rid}" data-sig="{data["sig"]}" '
            f'data-count="{data["count"]}">'
            f"{data['html']}</div>",
        ]
    elif r["status"] == "claimed":
        who = await services.run(desk_view.name_of, services.db, r["volunteer_id"])
        parts.append(f'<p class="staff-note">{esc(text(lang, "not_yours_thread", who=who))}</p>')
    if r["status"] == "claimed" and r["volunteer_id"] == staff.user_id and acting:
        parts.append(_reply_forms(r, staff, draft))
    title = text(lang, "request_title", id=rid)
    return page(
        title,
        "".join(parts),
        staff,
        scripts=["desk.js"],
        nav_html=nav(staff, "requests"),
        status=status,
    )


def _reply_forms(r: dict, staff: Staff, draft: str) -> str:
    from bot.staffweb.auth import csrf_field

    lang, rid = staff.lang, r["id"]
    return (
        f'<form method="post" action="/desk/request/{rid}/reply" class="stack staff-form">'
        f"{csrf_field(staff)}"
        f'<label for="reply">{esc(text(lang, "reply_label", n=desk_view.MAX_REPLY))}</label>'
        f'<textarea id="reply" name="text" maxlength="{desk_view.MAX_REPLY}" required>'
        f"{esc(draft)}</textarea>"
        f'<button type="submit" class="btn btn-main btn-primary">{esc(text(lang, "reply_send"))}'
        "</button></form>"
        f'<form method="post" action="/desk/request/{rid}/close" class="stack">{csrf_field(staff)}'
        f'<button type="submit" class="btn btn-main btn-help">{esc(text(lang, "close"))}</button>'
        "</form>"
    )


async def api_request(request: Request) -> Response:
    """One request's conversation, for the page's polling."""
    staff = await require_staff(request, api=True)
    services = _services(request)
    r = await services.run(desk_view.get_request, services.db, _request_id(request))
    if r is None:
        return JSONResponse({"error": "not_found"}, status_code=404, headers=NO_STORE)
    if not desk_view.may_see_thread(r, staff):
        return JSONResponse({"error": "not_yours"}, status_code=403, headers=NO_STORE)
    data = await services.run(desk_view.thread, services.db, r, staff)
    data["news"] = text(staff.lang, "thread_title") + f" · {data['count']}"
    return JSONResponse(data, headers=NO_STORE)


def _done(path: str, done: str, rid: int) -> RedirectResponse:
    query = {"done": done, "id": rid}
    return RedirectResponse(f"{path}?{urlencode(query)}", status_code=303)


async def _guarded(request: Request) -> tuple[Staff, dict] | Response:
    """The staff member and form of a desk POST (CSRF checked); a page when refused."""
    staff = await require_staff(request)
    try:
        form = await read_form(request)
    except FormTooLarge:
        lang = staff.lang
        return message_page(
            text(lang, "forbidden_title"),
            text(lang, "too_long", n=desk_view.MAX_REPLY),
            staff,
            lang,
            413,
        )
    check_csrf(request, staff, form)
    services = _services(request)
    if not await services.run(desk_view.can_act, services.db, staff):
        lang = staff.lang
        return message_page(
            text(lang, "forbidden_title"), text(lang, "admin_not_volunteer"), staff, lang, 403
        )
    return staff, form


async def _engine(request: Request, staff: Staff, command: str) -> None:
    """The volunteer's command, through the conversation engine like a Telegram message."""
    services = _services(request)
    await services.run_turn(
        services.assistant.handle, Incoming(user_id=staff.user_id, text=command)
    )


async def _guarded_request(request: Request) -> tuple | Response:
    """A checked POST about one help request: (staff, form, services, request id), or the
    refusal to send back."""
    guarded = await _guarded(request)
    if isinstance(guarded, Response):
        return guarded
    staff, form = guarded
    return staff, form, _services(request), _request_id(request)


async def claim(request: Request) -> Response:
    """接手: the person is told a volunteer is coming."""
    got = await _guarded_request(request)
    if isinstance(got, Response):
        return got
    staff, _form, services, rid = got
    if await services.run(desk_view.get_request, services.db, rid) is None:
        return await _render_request(request, staff, status=404)
    await _engine(request, staff, f"/claim {rid}")
    r = await services.run(desk_view.get_request, services.db, rid)
    if r["status"] == "claimed" and r["volunteer_id"] == staff.user_id:
        return _done(f"/desk/request/{rid}", "claimed", rid)
    if r["status"] == "claimed":
        return _done("/desk", "taken", rid)
    return _done("/desk", "gone", rid)


async def reply(request: Request) -> Response:
    """A reply to the person, relayed in their channel."""
    got = await _guarded_request(request)
    if isinstance(got, Response):
        return got
    staff, form, services, rid = got
    words = form.get("text", "").replace("\r\n", "\n").strip()
    if not words:
        return await _render_request(request, staff, text(staff.lang, "reply_empty"), status=400)
    if len(words) > desk_view.MAX_REPLY:
        error = text(staff.lang, "too_long", n=desk_view.MAX_REPLY)
        return await _render_request(request, staff, error, draft=words, status=400)
    r = await services.run(desk_view.get_request, services.db, rid)
    if r is None:
        return await _render_request(request, staff, status=404)
    if r["status"] != "claimed" or r["volunteer_id"] != staff.user_id:
        return _done("/desk", "not_yours" if r["status"] == "claimed" else "gone", rid)
    await _engine(request, staff, f"/reply {rid} {words}")
    await services.run(
        audit.record, services.db, staff.user_id, "help.reply", {"request": rid, "via": "web"}
    )
    return _done(f"/desk/request/{rid}", "sent", rid)


async def close(request: Request) -> Response:
    """结束: the request is closed and the person told."""
    got = await _guarded_request(request)
    if isinstance(got, Response):
        return got
    staff, _form, services, rid = got
    r = await services.run(desk_view.get_request, services.db, rid)
    if r is None:
        return await _render_request(request, staff, status=404)
    if r["status"] == "claimed" and r["volunteer_id"] != staff.user_id:
        return _done("/desk", "not_yours", rid)
    await _engine(request, staff, f"/close {rid}")
    r = await services.run(desk_view.get_request, services.db, rid)
    if r["status"] == "closed" and r.get("ended_by") == staff.user_id:
        return _done("/desk", "closed", rid)
    return _done("/desk", "gone", rid)
