"""One-time sign-in links for staff: what `/weblogin` on Telegram sends and what
`leling volunteers login-link USER_ID` prints."""

from __future__ import annotations

from urllib.parse import quote

from bot.staffweb.auth import lookup
from bot.staffweb.texts import text
from store import audit, staff_tokens

TTL_MINUTES = 10


def base_url(settings) -> str:
    """LELING_PUBLIC_URL, or the address this machine serves (`leling run`'s)."""
    if getattr(settings, "public_url", None):
        return settings.public_url.rstrip("/")
    from bot.service import page_url

    return page_url(settings).rstrip("/")


def login_link(db, settings, user_id: str, actor: str | None = None) -> str | None:
    """A fresh single-use sign-in link for `user_id`, or None when they are neither a
    volunteer nor an admin. Audited (who asked: `actor`, else the person themself)."""
    if lookup(db, frozenset(settings.admins), user_id) is None:
        return None
    token = staff_tokens.issue(db, user_id, ttl_min=TTL_MINUTES)
    audit.record(db, actor or user_id, "staff.login_link", {"for": user_id})
    return f"{base_url(settings)}/staff/login?t={quote(token)}"


def weblogin_text(db, settings, user_id: str, lang: str) -> str:
    """What `/weblogin` answers: the link, or a polite refusal."""
    url = login_link(db, settings, user_id)
    if url is None:
        return text(lang, "weblogin_refused")
    return text(lang, "weblogin_link", url=url)
