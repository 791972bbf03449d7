"""The web chat's guards: the signed user cookie, CSRF tokens, rate limits, body caps and the
security headers every response carries.

- The user is anonymous: `web:<32 hex>` in a cookie signed with HMAC-SHA256 (HttpOnly,
  SameSite=Lax, Secure behind HTTPS, a year long), so a reload or a browser restart resumes the
  conversation. A tampered cookie is treated as no cookie. A WeChat follower who opened a
  one-time link from the account carries `wechat:<openid>` the same way (signed alike).
- Every POST carries `X-CSRF-Token`: an HMAC of the user id the page got in its `<meta>` tag.
  A cross-site page can neither read it nor send a custom header without CORS (never allowed).
- A token bucket per key (user id, or address for new users) bounds the rate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import time
from pathlib import Path

log = logging.getLogger(__name__)

COOKIE = "leling_uid"
COOKIE_MAX_AGE = 365 * 24 * 3600
CSRF_HEADER = "X-CSRF-Token"
SECRET_FILE = "web-secret"
# Whose cookie the page may carry: an anonymous web user, or a WeChat follower who opened a
# one-time link from the account (bot/channels/wechat_link.py).
SIGNED_IN = ("web:", "wechat:")

# No inline script or style, nothing from another origin. `blob:` media is the voice hook's
# server audio; `data:` images are none today but cost nothing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; media-src 'self' blob:; font-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(self), microphone=(self), camera=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def load_secret(configured: str | None, data_dir: Path) -> bytes:
    """LELING_WEB_SECRET, or the one kept in `<data dir>/web-secret` (created, mode 0600, on
    first use), so cookies stay valid across restarts."""
    if configured:
        return configured.encode()
    path = Path(data_dir) / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip().encode()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use theirs
        return path.read_text(encoding="ascii").strip().encode()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value + "\n")
    log.info("web chat: created a cookie-signing secret in %s", path)
    return value.encode()


def _mac(secret: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(secret, f"{purpose}|{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def new_user_id() -> str:
    """A fresh anonymous web user id."""
    return f"web:{secrets.token_hex(16)}"


def sign_user(secret: bytes, user_id: str) -> str:
    """The cookie value for `user_id`."""
    return f"{user_id}.{_mac(secret, 'uid', user_id)}"


def verify_user(secret: bytes, cookie: str | None) -> str | None:
    """The user id in a cookie value, or None when it is missing, malformed or forged."""
    if not cookie or len(cookie) > 200:
        return None
    user_id, _, mac = cookie.rpartition(".")
    if not user_id.startswith(SIGNED_IN) or not hmac.compare_digest(
        mac, _mac(secret, "uid", user_id)
    ):
        return None
    return user_id


def csrf_token(secret: bytes, user_id: str) -> str:
    """The CSRF token that goes with `user_id`'s cookie."""
    return _mac(secret, "csrf", user_id)


def device_tag(secret: bytes, user_id: str) -> str:
    """A short tag that tells the page whose conversation this device keeps (not the id itself):
    when a one-time WeChat link signs the page in as someone else, the page sees another tag and
    drops the history it kept for the previous person."""
    return _mac(secret, "who", user_id)[:16]


def csrf_ok(secret: bytes, user_id: str, given: str | None) -> bool:
    """Whether `given` is `user_id`'s CSRF token."""
    return bool(given) and hmac.compare_digest(given, csrf_token(secret, user_id))


class RateLimiter:
    """A token bucket per key: `burst` requests at once, refilled at `per_minute`.

    Buckets idle long enough to be full again are dropped, so memory stays bounded by the
    clients active in the last minute or so (`max_keys` caps it outright).
    """

    def __init__(self, per_minute: float, burst: int, max_keys: int = 50_000, clock=time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        """Take one token for `key`; False when its bucket is empty."""
        now = self.clock()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if len(self._buckets) >= self.max_keys and key not in self._buckets:
            self._sweep(now)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def _sweep(self, now: float) -> None:
        full = self.burst / self.rate if self.rate else float("inf")
        for k, (_tokens, last) in list(self._buckets.items()):
            if now - last >= full:
                del self._buckets[k]
        while len(self._buckets) >= self.max_keys:  # still full: forget the oldest
            del self._buckets[next(iter(self._buckets))]


class BodyTooLarge(Exception):
    """The request body is over the cap."""


async def read_body(request, limit: int) -> bytes:
    """The request body, refusing (BodyTooLarge) past `limit` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
