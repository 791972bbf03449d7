"""A signed one-time link from a WeChat chat to the web chat, as the same Leling user.

WeChat's chat cannot show a guide's pictures or read a reply aloud, so Leling sends a follower
`LELING_PUBLIC_URL/?wx=<token>`: opening it signs the web page in as the same user
("wechat:<openid>": the same subscriptions, the same conversation).

    token = issue(db, "wechat:oAbc", start="guide_wechat_video")   # in a WeChat reply
    status, user_id, start = redeem(db, token)                    # when the page opens

- The token is 32 random bytes (URL-safe); only its SHA-256 is stored (`web_links`).
- It works once and for `TTL` (15 minutes): `redeem` marks it used in the same statement that
  checks it, so two opens at once cannot both sign in.
- The web page (`open_page`, called by bot/webchat/api.py for `/?wx=`) sets the web chat's own
  signed cookie (bot/webchat/security.py: the same signing, not a copy) and redirects to `/`
  (or `/?start=<deep link>`), so the token leaves the address bar. A used, expired or unknown
  link opens a fresh anonymous chat with a kind line, unless the browser is already signed in as
  that link's user (a second tap on the same link), which simply carries on.
"""

from __future__ import annotations

import hashlib
import html
import re
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import sqlite_utils

TTL = timedelta(minutes=15)
KEEP = timedelta(days=1)  # used and expired rows are deleted this long after they expire
TOKEN_MAX = 64  # characters of a `wx` parameter looked at
_START = re.compile(r"^(lecture|guide|lesson|center)_[A-Za-z0-9_-]{1,64}$")

NOTICE = {
    "zh": "这个链接已经用过或者过期了（链接只能打开一次，15分钟内有效）。这里是一个新的对话；"
    "想接着微信里的对话，请回到公众号，发“打开网页版”，我再给您一个新链接。",
    "en": "This link was already used or has expired (a link opens once, within 15 minutes). "
    "This is a new chat; to carry on your WeChat conversation, go back to the account and "
    "send 'open web version' for a new link.",
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="seconds")


def issue(
    db: sqlite_utils.Database,
    user_id: str,
    *,
    start: str | None = None,
    ttl: timedelta = TTL,
    now: datetime | None = None,
) -> str:
    """A new one-time token signing the web chat in as `user_id`; `start` (a deep link such as
    `guide_<id>`) is what the page opens on. Rows long expired are swept on the way."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    start = start if start and _START.match(start) else None
    with db.conn:
        db.execute("DELETE FROM web_links WHERE expires_at < ?", [_iso(now - KEEP)])
        db.execute(
            "INSERT INTO web_links (token_hash, user_id, start, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [_hash(token), user_id, start, _iso(now), _iso(now + ttl)],
        )
    return token


def redeem(
    db: sqlite_utils.Database, token: str, now: datetime | None = None
) -> tuple[str, str | None, str | None]:
    """("ok" | "used" | "expired" | "unknown", user id, start): "ok" only the first time, within
    its lifetime; the token is marked used by the same statement."""
    if not token or len(token) > TOKEN_MAX:
        return "unknown", None, None
    now = now or datetime.now(UTC)
    key = _hash(token)
    with db.conn:
        cur = db.execute(
            "UPDATE web_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL "
            "AND expires_at > ?",
            [_iso(now), key, _iso(now)],
        )
        row = db.execute(
            "SELECT user_id, start, used_at FROM web_links WHERE token_hash = ?", [key]
        ).fetchone()
    if row is None:
        return "unknown", None, None
    if cur.rowcount == 1:
        return "ok", row[0], row[1]
    return ("used" if row[2] else "expired"), row[0], None


def url(public_url: str, token: str) -> str:
    """The link itself."""
    return f"{public_url.rstrip('/')}/?wx={quote(token)}"


async def open_page(request):
    """`GET /?wx=<token>`: sign the web chat in as the link's user and redirect, or show a
    fresh anonymous chat with a kind line (bot/webchat/api.py hands the request over)."""
    from starlette.responses import PlainTextResponse, RedirectResponse

    from bot.webchat import api, security

    chat = api._chat(request)
    token = request.query_params.get("wx", "")
    db = chat.services.db
    status, uid, start = await chat.services.run(redeem, db, token)
    current = api._user(request)
    if status == "ok" or (uid is not None and current == uid):
        target = f"/?start={start}" if status == "ok" and start else "/"
        response = RedirectResponse(target, status_code=303, headers=api.NO_STORE)
        if current != uid:
            api._set_cookie(request, response, uid)
        return response
    lang = api._lang_hint(request)
    if chat.per_address is not None and not chat.per_address.allow(api._address(request)):
        # as for any new visitor: too many new users from one address lately
        return PlainTextResponse(api.channel_text(lang, "too_fast"), 429, headers=api.NO_STORE)
    fresh = security.new_user_id()
    notice = f'<p class="msg msg-bot" role="status">{html.escape(NOTICE[lang])}</p>'
    response = api.render_page(request, fresh, lang, notice)
    api._set_cookie(request, response, fresh)
    return response
