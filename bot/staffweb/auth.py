"""Who is signed in to the staff pages, and the guards every staff route uses.

    staff = await require_staff(request)                 # a volunteer or an admin, else refused
    staff = await require_staff(request, role="admin")   # admins only
    form = await read_form(request); check_csrf(request, staff, form)   # every POST

The staff cookie (`leling_staff`) is separate from the chat's: `<user id>|<issued>` signed with
the web secret (HMAC-SHA256, bot/webchat/security.py), HttpOnly, SameSite=Strict, Secure over
HTTPS, valid 7 days. The role is looked up in the database on every request, so a revoked
volunteer is refused at once; admins are LELING_ADMINS. The CSRF token is an HMAC of the cookie's
value, so signing in again gives a new one.
"""

from __future__ import annotations

import hmac
import html
import time
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from bot.webchat import security
from bot.webchat.security import _mac as mac

COOKIE = "leling_staff"
PRE_COOKIE = "leling_staff_pre"  # the sign-in form's own CSRF nonce (before anyone is known)
MAX_AGE = 7 * 24 * 3600
CSRF_FIELD = "csrf"
MAX_FORM = 16 * 1024  # bytes of one form POST
ROLES = ("volunteer", "admin")


@dataclass(frozen=True)
class Staff:
    """A signed-in volunteer or admin. `lang` is their language ("zh"/"en"); `csrf` the token
    their forms carry (see `csrf_field`)."""

    user_id: str
    role: str  # "admin" | "volunteer"
    name: str
    org: str | None
    lang: str = "zh"
    csrf: str = field(default="", repr=False, compare=False)

    @property
    def is_admin(self) -> bool:
        """True for admins (LELING_ADMINS)."""
        return self.role == "admin"


class StaffRefused(Exception):
    """A staff route refused the request: `reason` is "login" (nobody signed in), "admins_only"
    or "stale" (a missing or wrong CSRF token). `bot.staffweb.on_refused` turns it into a
    redirect to /staff/login, a 403 page, or a 403 JSON answer (`api`)."""

    def __init__(self, reason: str, api: bool, lang: str = "zh"):
        super().__init__(reason)
        self.reason = reason
        self.api = api
        self.lang = lang


def secret_of(request: Request) -> bytes:
    """The web app's signing key (the web chat's, LELING_WEB_SECRET or the kept one)."""
    return request.app.state.webchat.secret


def sign(secret: bytes, user_id: str, issued: int) -> str:
    """The staff cookie's value for `user_id`, signed in at `issued` (epoch seconds)."""
    value = f"{user_id}|{issued}"
    return f"{value}.{mac(secret, 'staff', value)}"


def verify(secret: bytes, cookie: str | None, now: float | None = None) -> tuple[str, int] | None:
    """(user id, issued) from a staff cookie, or None when missing, forged or older than 7
    days."""
    if not cookie or len(cookie) > 300:
        return None
    value, _, given = cookie.rpartition(".")
    user_id, _, issued = value.rpartition("|")
    if not user_id or not issued.isdigit():
        return None
    if not hmac.compare_digest(given, mac(secret, "staff", value)):
        return None
    if (now if now is not None else time.time()) - int(issued) > MAX_AGE:
        return None
    return user_id, int(issued)


def set_staff_cookie(request: Request, response: Response, user_id: str) -> None:
    """Sign `user_id` in on this browser."""
    response.set_cookie(
        COOKIE,
        sign(secret_of(request), user_id, int(time.time())),
        max_age=MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_staff_cookie(request: Request, response: Response) -> None:
    """Sign this browser out."""
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


def lookup(db, admins, user_id: str) -> Staff | None:
    """The staff member `user_id` is now (admin first, then active volunteer), or None.
    Runs on the database thread."""
    from store import users, volunteers

    v = volunteers.get(db, user_id)
    lang = (users.get(db, user_id) or {}).get("lang") or "zh"
    if user_id in admins:
        name = v["name"] if v else ("管理员" if lang == "zh" else "Admin")
        return Staff(user_id, "admin", name, v["org"] if v else None, lang)
    if v is not None:
        return Staff(user_id, "volunteer", v["name"], v["org"], lang)
    return None


def admins_of(request: Request) -> frozenset[str]:
    """LELING_ADMINS of the running service."""
    settings = getattr(request.app.state.services, "settings", None)
    return frozenset(getattr(settings, "admins", ()) or ())


async def staff_from_request(request: Request) -> Staff | None:
    """The signed-in staff member, checked against the database now; None when nobody is signed
    in, the cookie is forged or expired, or the role was taken away."""
    cached = getattr(request.state, "staff", None)
    if cached is not None:
        return cached
    secret = secret_of(request)
    found = verify(secret, request.cookies.get(COOKIE))
    if found is None:
        return None
    services = request.app.state.services
    staff = await services.run(lookup, services.db, admins_of(request), found[0])
    if staff is None:
        return None
    staff = replace(staff, csrf=mac(secret, "staff-csrf", f"{found[0]}|{found[1]}"))
    request.state.staff = staff
    return staff


def wants_json(request: Request) -> bool:
    """True for the staff pages' JSON endpoints (an `/api/` path, or JSON asked for)."""
    accept = request.headers.get("accept", "")
    return "/api/" in request.url.path or accept.startswith("application/json")


def hinted_lang(request: Request) -> str:
    """The browser's language, for people not signed in."""
    if request.query_params.get("lang") in ("zh", "en"):
        return request.query_params["lang"]
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "zh"


async def require_staff(
    request: Request, role: str = "volunteer", api: bool | None = None
) -> Staff:
    """The signed-in staff member allowed here, or StaffRefused: pages redirect to
    /staff/login, JSON endpoints (`api`, guessed from the path when None) answer 403.
    `role="admin"` admits admins only; admins are admitted wherever volunteers are."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    is_api = wants_json(request) if api is None else api
    staff = await staff_from_request(request)
    if staff is None:
        raise StaffRefused("login", is_api, hinted_lang(request))
    if role == "admin" and not staff.is_admin:
        raise StaffRefused("admins_only", is_api, staff.lang)
    return staff


def csrf_field(staff: Staff) -> str:
    """The hidden form field every staff POST form carries."""
    return f'<input type="hidden" name="{CSRF_FIELD}" value="{html.escape(staff.csrf)}">'


def check_csrf(request: Request, staff: Staff, form: dict | None = None) -> None:
    """Refuse (StaffRefused "stale", a 403) unless the form's `csrf` field or the
    `X-CSRF-Token` header is this staff member's token."""
    given = (form or {}).get(CSRF_FIELD) or request.headers.get(security.CSRF_HEADER) or ""
    if not staff.csrf or not hmac.compare_digest(str(given), staff.csrf):
        raise StaffRefused("stale", wants_json(request), staff.lang)


class FormTooLarge(Exception):
    """A form over MAX_FORM bytes."""


async def read_form(request: Request, limit: int = MAX_FORM) -> dict[str, str]:
    """An url-encoded form (the first value of each field), refusing (FormTooLarge) past
    `limit` bytes; undecodable bytes become U+FFFD."""
    try:
        raw = await security.read_body(request, limit)
    except security.BodyTooLarge as exc:
        raise FormTooLarge from exc
    try:
        pairs = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=60)
    except ValueError as exc:  # too many fields
        raise FormTooLarge from exc
    out: dict[str, str] = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out
