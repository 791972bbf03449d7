"""The /desk announcement pages, over store/announcements.py (the same store as `/announce` on
Telegram and `leling announce`):

    GET  /desk/announce                 the composer (POST: the same, filled in: "change it")
    GET  /desk/api/announce/count       {"count", "words"}: recipients of an audience, live
    POST /desk/announce/preview         exactly what recipients read, who, how many, when
    POST /desk/announce/confirm         create it → /desk/announcements/{id}
    GET  /desk/announcements            the latest, with their progress
    GET  /desk/announcements/{id}       one announcement's progress (refreshed by desk.js)
    GET  /desk/api/announcements/{id}   {"html", "sig", "state"}
    POST /desk/announcements/{id}/cancel|stop

The store audits create, cancel and stop. Confirming the same preview twice (a double tap)
creates one announcement.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot.staffweb import announce_view as view
from bot.staffweb.announce_texts import text
from bot.staffweb.auth import FormTooLarge, Staff, check_csrf, read_form, require_staff
from bot.staffweb.desk import MAX_ID, nav, now_of
from bot.staffweb.desk_view import signature
from bot.staffweb.layout import NO_STORE, esc, message_page, page
from store import announcements as ann
from store import volunteers

DONE = ("created", "cancelled", "stopped", "too_late", "not_yours")
MAX_NONCES = 500


def _services(request: Request):
    return request.app.state.services


def _aid(request: Request) -> int:
    aid = int(request.path_params["aid"])
    return aid if aid < MAX_ID else 0


async def _form(request: Request, staff: Staff) -> dict | Response:
    try:
        form = await read_form(request)
    except FormTooLarge:
        lang = staff.lang
        words = text(lang, "err_text_long", n="…", max=ann.MAX_TEXT)
        return message_page(text(lang, "compose_title"), words, staff, lang, 413)
    check_csrf(request, staff, form)
    return form


def _compose(staff: Staff, draft: view.Draft, status: int = 200) -> Response:
    body = view.composer(staff, draft)
    return page(
        text(staff.lang, "compose_title"),
        body,
        staff,
        scripts=["announce.js"],
        nav_html=nav(staff, "compose"),
        status=status,
    )


async def compose(request: Request) -> Response:
    """The composer: empty (GET), or the draft sent back from the preview (POST)."""
    staff = await require_staff(request)
    draft = view.Draft()
    if request.method == "POST":
        form = await _form(request, staff)
        if isinstance(form, Response):
            return form
        draft = view.Draft.from_form(form)
    return _compose(staff, draft)


async def api_count(request: Request) -> Response:
    """How many users an audience reaches now (the composer shows it as you choose)."""
    staff = await require_staff(request, api=True)
    draft = view.Draft.from_form(dict(request.query_params))
    draft.text = "-"  # only the audience is checked here
    draft.check(staff.lang, now_of(_services(request)))
    if draft.target is None:
        return JSONResponse({"count": None, "words": ""}, headers=NO_STORE)
    services = _services(request)
    n = await services.run(ann.count_recipients, services.db, draft.target)
    return JSONResponse(
        {"count": n, "words": text(staff.lang, "ann_count_live", n=n)}, headers=NO_STORE
    )


async def _checked(request: Request, staff: Staff, form: dict) -> tuple[view.Draft, int] | Response:
    services = _services(request)
    draft = view.Draft.from_form(form).check(staff.lang, now_of(services))
    if draft.errors:
        return _compose(staff, draft, status=400)
    count = await services.run(ann.count_recipients, services.db, draft.target)
    if count == 0:
        draft.errors.append(text(staff.lang, "err_nobody"))
        return _compose(staff, draft, status=400)
    return draft, count


async def preview(request: Request) -> Response:
    """Exactly what recipients will read, in both languages, with who and when."""
    staff = await require_staff(request)
    form = await _form(request, staff)
    if isinstance(form, Response):
        return form
    checked = await _checked(request, staff, form)
    if isinstance(checked, Response):
        return checked
    draft, count = checked
    services = _services(request)
    previews = {
        lang: await services.run(ann.preview, services.db, staff.user_id, draft.text, lang)
        for lang in ("zh", "en")
    }
    body = view.preview_page(staff, draft, previews, count, secrets.token_urlsafe(12))
    return page(text(staff.lang, "preview_title"), body, staff, nav_html=nav(staff, "compose"))


def _nonces(request: Request) -> OrderedDict:
    state = request.app.state
    if not hasattr(state, "staff_announce_nonces"):
        state.staff_announce_nonces = OrderedDict()
    return state.staff_announce_nonces


async def confirm(request: Request) -> Response:
    """Create the announcement the preview showed (once, however often it is pressed)."""
    staff = await require_staff(request)
    form = await _form(request, staff)
    if isinstance(form, Response):
        return form
    nonce = form.get("nonce", "")[:40]
    seen = _nonces(request)
    if nonce and (staff.user_id, nonce) in seen:
        return _done(seen[(staff.user_id, nonce)], "created")
    checked = await _checked(request, staff, form)
    if isinstance(checked, Response):
        return checked
    draft, _count = checked
    services = _services(request)
    aid = await services.run(
        ann.create, services.db, staff.user_id, draft.target, draft.text, draft.at_time
    )
    if nonce:
        seen[(staff.user_id, nonce)] = aid
        while len(seen) > MAX_NONCES:
            seen.popitem(last=False)
    return _done(aid, "created")


def _done(aid: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/desk/announcements/{aid}?done={done}", status_code=303)


def _author(db, author: str) -> str:
    v = volunteers.get(db, author, include_revoked=True)
    return volunteers.label(v) if v else author


def _status_block(db, staff: Staff, aid: int) -> dict | None:
    try:
        s = ann.status(db, aid)
    except LookupError:
        return None
    html = view.progress(staff, s, _author(db, s["author"]))
    return {"html": html, "sig": signature(html), "state": s["state"], "text": s["text"]}


async def list_page(request: Request) -> Response:
    """The latest announcements with their progress."""
    staff = await require_staff(request)
    services = _services(request)

    def build(db):
        items = []
        for s in ann.list_recent(db, 20):
            title = text(staff.lang, "ann_item", id=s["id"])
            items.append(
                f'<li class="staff-card"><h2>{esc(title)}</h2>'
                f'<p class="facts">{esc(s["text"][:120])}</p>'
                f"{view.progress(staff, s, _author(db, s['author']))}"
                f'<p><a class="btn btn-main btn-quiet" href="/desk/announcements/{s["id"]}">'
                f"{esc(text(staff.lang, 'details', id=s['id']))}</a></p></li>"
            )
        return items

    items = await services.run(build, services.db)
    lang = staff.lang
    listing = (
        f'<ul class="staff-list">{"".join(items)}</ul>'
        if items
        else f'<p class="staff-note">{esc(text(lang, "announcements_none"))}</p>'
    )
    body = f"<h1>{esc(text(lang, 'announcements_title'))}</h1>{listing}"
    return page(
        text(lang, "announcements_title"), body, staff, nav_html=nav(staff, "announcements")
    )


async def status_page(request: Request) -> Response:
    """One announcement: its text, state, counts and progress."""
    staff = await require_staff(request)
    services, aid = _services(request), _aid(request)
    block = await services.run(_status_block, services.db, staff, aid)
    lang = staff.lang
    title = text(lang, "ann_item", id=aid)
    if block is None:
        return message_page(title, text(lang, "ann_missing"), staff, lang, 404)
    done = request.query_params.get("done")
    flash = ""
    if done in DONE:
        css = "staff-ok" if done in ("created", "cancelled", "stopped") else "staff-error"
        flash = f'<p class="{css}" role="status">{esc(text(lang, "ann_done_" + done, id=aid))}</p>'
    body = (
        f"<h1>{esc(title)}</h1>{flash}"
        f'<div class="preview">{esc(block["text"])}</div>'
        f'<p class="staff-hint">{esc(text(lang, "progress_auto"))}</p>'
        '<p id="poll-status" class="sr-only" aria-live="polite"></p>'
        f'<div id="progress" data-poll="/desk/api/announcements/{aid}" data-sig="{block["sig"]}" '
        f'data-count="{block["state"]}">'
        f"{block['html']}</div>"
    )
    return page(title, body, staff, scripts=["desk.js"], nav_html=nav(staff, "announcements"))


async def api_status(request: Request) -> Response:
    """One announcement's progress, for the page's polling."""
    staff = await require_staff(request, api=True)
    services, aid = _services(request), _aid(request)
    block = await services.run(_status_block, services.db, staff, aid)
    if block is None:
        return JSONResponse({"error": "not_found"}, status_code=404, headers=NO_STORE)
    block.pop("text")
    block["news"] = text(staff.lang, "state_" + block["state"])
    return JSONResponse(block, headers=NO_STORE)


async def _end(request: Request, action: str) -> Response:
    staff = await require_staff(request)
    form = await _form(request, staff)
    if isinstance(form, Response):
        return form
    services, aid = _services(request), _aid(request)
    row = await services.run(ann.get, services.db, aid)
    if row is None:
        lang = staff.lang
        return message_page(
            text(lang, "ann_item", id=aid), text(lang, "ann_missing"), staff, lang, 404
        )
    if not (staff.is_admin or row["author"] == staff.user_id):
        return _done(aid, "not_yours")
    fn = ann.cancel if action == "cancel" else ann.stop
    ok = await services.run(fn, services.db, aid, staff.user_id)
    return _done(aid, ("cancelled" if action == "cancel" else "stopped") if ok else "too_late")


async def cancel(request: Request) -> Response:
    """Cancel a scheduled announcement (before it starts)."""
    return await _end(request, "cancel")


async def stop(request: Request) -> Response:
    """Stop a running announcement."""
    return await _end(request, "stop")
