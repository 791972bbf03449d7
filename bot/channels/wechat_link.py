"""A signed one-time link from a WeChat chat to the web chat, as the same Leling user.

WeChat's chat cannot show a guide's pictures or read a reply aloud, so Leling sends a follower
`LELING_PUBLIC_URL/?wx=<token>`: opening it signs the web page in as the same user
("wechat:<openid>": the same subscriptions, the same conversation).

    token = web_links.issue(db, "wechat:oAbc", start="guide_wechat_video")  # in a WeChat reply
    status, user_id, start = web_links.redeem(db, token)                   # when the page opens

The tokens live in store/web_links.py; this module makes the link and opens the page.
- The token is 32 random bytes (URL-safe); only its SHA-256 is stored (`web_links`).
- It works once and for `web_links.TTL` (15 minutes): `redeem` marks it used in the same statement that
  checks it, so two opens at once cannot both sign in.
- The web page (`open_page`, called by bot/webchat/api.py for `/?wx=`) sets the web chat's own
  signed cookie (bot/webchat/security.py: the same signing, not a copy) and redirects to `/`
  (or `/?start=<deep link>`), so the token leaves the address bar. A used, expired or unknown
  link opens a fresh anonymous chat with a kind line, unless the browser is already signed in as
  that link's user (a second tap on the same link), which simply carries on.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from store import web_links

NOTICE = {
    "zh": "这个链接已经用过或者过期了（链接只能打开一次，15分钟内有效）。这里是一个新的对话；"
    "想接着微信里的对话，请回到公众号，发“打开网页版”，我再给您一个新链接。",
    "en": "This link was already used or has expired (a link opens once, within 15 minutes). "
    "This is a new chat; to carry on your WeChat conversation, go back to the account and "
    "send 'open web version' for a new link.",
}


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
    status, uid, start = await chat.services.run(web_links.redeem, db, token)
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
