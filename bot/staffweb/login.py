"""Signing in to the staff pages: `GET|POST /staff/login`, `POST /staff/logout`.

- With an invite code (store/volunteers.py): the browser's person becomes a volunteer (the
  signed-in staff member, else the web chat's user on this browser, else a new `web:` id) and is
  signed in.
- With a one-time link `/staff/login?t=…` (store/staff_tokens.py, from `/weblogin` on Telegram
  or `leling volunteers login-link`): the page shows a button; pressing it spends the token
  (a GET never does, so a link preview cannot use it up).

The form's CSRF token before anyone is signed in is an HMAC of a random nonce kept in a
SameSite=Strict cookie of its own. Attempts are limited per address (10 a minute). Every
sign-in and sign-out is in the audit log.
"""

from __future__ import annotations

import hmac
import re
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.staffweb import auth
from bot.staffweb.layout import esc, message_page, page
from bot.staffweb.texts import text
from bot.webchat import security
from store import audit, staff_tokens, volunteers

_NEXT = re.compile(r"^/(desk|admin)(/[A-Za-z0-9_/-]{0,100})?$")
PRE_MAX_AGE = 3600
MAX_CODE = 32
MAX_NAME = 40


def _next(value: str | None) -> str:
    """Where to go after signing in: a /desk or /admin path, else /desk."""
    return value if value and _NEXT.match(value) else "/desk"


def _limiter(request: Request) -> security.RateLimiter:
    state = request.app.state
    limiter = getattr(state, "staff_login_limiter", None)
    if limiter is None:
        limiter = state.staff_login_limiter = security.RateLimiter(per_minute=10, burst=10)
    return limiter


def _pre_token(request: Request, nonce: str) -> str:
    return auth.mac(auth.secret_of(request), "staff-pre", nonce)


def _form_page(request: Request, lang: str, token: str, nxt: str, error: str = "", status=200):
    nonce = request.cookies.get(auth.PRE_COOKIE) or ""
    fresh = not (16 <= len(nonce) <= 64)
    if fresh:
        nonce = secrets.token_urlsafe(24)
    hidden = (
        f'<input type="hidden" name="csrf" value="{esc(_pre_token(request, nonce))}">'
        f'<input type="hidden" name="next" value="{esc(nxt)}">'
    )
    alert = f'<p class="staff-error" role="alert">{esc(error)}</p>' if error else ""
    if token:
        body = (
            f"<h1>{esc(text(lang, 'login_link_title'))}</h1>{alert}"
            f"<p>{esc(text(lang, 'login_link_explain'))}</p>"
            f'<form method="post" action="/staff/login" class="stack">{hidden}'
            f'<input type="hidden" name="t" value="{esc(token)}">'
            f'<button type="submit" class="btn btn-main btn-primary">'
            f"{esc(text(lang, 'login_link_button'))}</button></form>"
        )
    else:
        body = (
            f"<h1>{esc(text(lang, 'login_title'))}</h1>{alert}"
            f"<p>{esc(text(lang, 'login_intro'))}</p>"
            f'<form method="post" action="/staff/login" class="stack staff-form">{hidden}'
            f'<label for="code">{esc(text(lang, "login_code"))}</label>'
            f'<input id="code" name="code" required maxlength="{MAX_CODE}" '
            'autocomplete="one-time-code" autocapitalize="characters" spellcheck="false">'
            f'<label for="name">{esc(text(lang, "login_name"))}</label>'
            f'<input id="name" name="name" maxlength="{MAX_NAME}" autocomplete="nickname">'
            f'<button type="submit" class="btn btn-main btn-primary">'
            f"{esc(text(lang, 'login_submit'))}</button></form>"
            f'<p class="staff-note">{esc(text(lang, "login_link_intro"))}</p>'
        )
    response = page(text(lang, "login_title"), body, None, lang=lang, status=status)
    if fresh:
        response.set_cookie(
            auth.PRE_COOKIE,
            nonce,
            max_age=PRE_MAX_AGE,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/staff/",
        )
    return response


async def login(request: Request) -> Response:
    """GET: the sign-in page (already signed in: on to /desk). POST: an invite code or a
    one-time token."""
    lang = auth.hinted_lang(request)
    if request.method == "GET":
        token = request.query_params.get("t", "")[: staff_tokens.MAX_TOKEN]
        nxt = _next(request.query_params.get("next"))
        if not token and await auth.staff_from_request(request) is not None:
            return RedirectResponse(nxt, status_code=303)
        return _form_page(request, lang, token, nxt)
    return await _login_post(request, lang)


async def _login_post(request: Request, lang: str) -> Response:
    try:
        form = await auth.read_form(request, 4096)
    except auth.FormTooLarge:
        return _form_page(request, lang, "", "/desk", text(lang, "too_long", n=MAX_CODE), 413)
    token = form.get("t", "")[: staff_tokens.MAX_TOKEN]
    nxt = _next(form.get("next"))
    nonce = request.cookies.get(auth.PRE_COOKIE) or ""
    if not nonce or not hmac.compare_digest(form.get("csrf", ""), _pre_token(request, nonce)):
        return _form_page(request, lang, token, nxt, text(lang, "stale"), 403)
    address = request.client.host if request.client else "?"
    if not _limiter(request).allow(address):
        return _form_page(request, lang, token, nxt, text(lang, "too_fast"), 429)
    services = request.app.state.services
    new_web_user = False
    if token:
        user_id = await services.run(staff_tokens.redeem, services.db, token)
        if user_id is None:
            return _form_page(request, lang, "", nxt, text(lang, "bad_link"), 403)
        via = "link"
    else:
        code = volunteers.normalize_code(form.get("code", ""))
        if not code:
            return _form_page(request, lang, "", nxt, text(lang, "empty_code"), 400)
        if len(form.get("code", "")) > MAX_CODE or len(form.get("name", "")) > MAX_NAME:
            return _form_page(request, lang, "", nxt, text(lang, "too_long", n=MAX_NAME), 400)
        user_id, new_web_user = await _code_user(request)
        joined = await services.run(
            volunteers.redeem, services.db, user_id, code, form.get("name") or None
        )
        if joined is None:
            return _form_page(request, lang, "", nxt, text(lang, "bad_code"), 403)
        via = "code"
    staff = await services.run(auth.lookup, services.db, auth.admins_of(request), user_id)
    if staff is None:  # a link made for someone who is no longer a volunteer
        return message_page(text(lang, "forbidden_title"), text(lang, "not_staff"), None, lang, 403)
    await services.run(audit.record, services.db, user_id, "staff.login", {"via": via})
    response = RedirectResponse(nxt, status_code=303)
    auth.set_staff_cookie(request, response, user_id)
    response.delete_cookie(auth.PRE_COOKIE, path="/staff/")
    if new_web_user:  # the web chat here is theirs too: the desk's notices wait in its inbox
        response.set_cookie(
            security.COOKIE,
            security.sign_user(auth.secret_of(request), user_id),
            max_age=security.COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


async def _code_user(request: Request) -> tuple[str, bool]:
    """(user id, is new): who redeems an invite code on this browser — the signed-in staff
    member, else the web chat's user here, else a new web id."""
    staff = await auth.staff_from_request(request)
    if staff is not None:
        return staff.user_id, False
    chat_user = security.verify_user(auth.secret_of(request), request.cookies.get(security.COOKIE))
    return (chat_user, False) if chat_user else (security.new_user_id(), True)


async def logout(request: Request) -> Response:
    """Sign out (a POST with the CSRF token); back to the sign-in page."""
    staff = await auth.staff_from_request(request)
    if staff is None:
        return RedirectResponse("/staff/login", status_code=303)
    try:
        form = await auth.read_form(request, 4096)
    except auth.FormTooLarge:
        form = {}
    auth.check_csrf(request, staff, form)
    services = request.app.state.services
    await services.run(audit.record, services.db, staff.user_id, "staff.logout", {})
    response = message_page(
        text(staff.lang, "logged_out"), text(staff.lang, "logged_out"), None, staff.lang, 200
    )
    auth.clear_staff_cookie(request, response)
    return response
