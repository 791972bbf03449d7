"""What the WeChat channel sends besides the passive reply: customer-service messages with the
buttons as tappable options (`msgmenu`), and the one-time link to the web chat.

    await send_rendered(api, openid, rendered, allowed)   # msgmenu where allowed, else lines
    line = await web_link_line(services, uid, replies, lang)   # a guide's pictures, "听"

`after_turn` and `inbox_pieces` are the reads after a turn (language, state, subscriptions,
the reminders that waited in the inbox) and those reminders as messages.

A `msgmenu` is a customer-service message (WeChat's passive reply has no such type), allowed
within 48 hours of the person's last message for an account with the permission; a tap comes
back as a text message whose `bizmsgmenuid` is the option's number, so a tap and a typed number
pick the same thing. An account without it answers 48001: `MenuPermission` remembers that and
the numbered lines go instead.
"""

from __future__ import annotations

import html
import logging
import re

from bot.channels import wechat_link, wechat_render
from bot.channels.wechat_api import WeChatError
from bot.channels.wechat_texts import text as phrase
from dialogues import state as states
from store import inbox, web_links
from store import subscriptions as subs_store
from store import users as users_store

log = logging.getLogger(__name__)

MENU_MAX = 10  # options in one msgmenu; more go as numbered lines
CLOSED = (45015, 45047)  # out of the 48-hour window / too many messages in it
GONE = (43004, 40003)  # not following the account / not this account's openid
NO_MENU = 48001  # the account may not send msgmenu
# What a follower types to get the web chat's link ("打开网页版"), compared without spaces
# and punctuation, in lower case.
WEB_WORDS = frozenset(
    {"打开网页版", "网页版", "打开网页", "网页", "电脑版", "web", "webversion", "openwebversion"}
)
WEB_KEY = "/web"  # a menu button's key that sends the link (wechat_menu.yaml)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


class MenuPermission:
    """Whether this account may send `msgmenu` (until WeChat says otherwise)."""

    def __init__(self) -> None:
        self.allowed = True


def asks_for_web(text: str) -> bool:
    """Whether a typed message asks for the web version ("打开网页版", "open web version")."""
    return _NOISE.sub("", text or "").lower() in WEB_WORDS


async def send_rendered(
    api, openid: str, rendered: wechat_render.RenderedTurn, permission: MenuPermission
) -> None:
    """The turn through the customer-service API: the text, its buttons as a `msgmenu` when
    the account may send one, else numbered lines; then what waited. WeChatError when WeChat
    refuses (the window closed: 45015/45047; unfollowed: 43004)."""
    options = rendered.options
    if options and permission.allowed and len(options) <= MENU_MAX:
        pieces = wechat_render.split(rendered.head) if rendered.head.strip() else []
        head = pieces.pop() if pieces else ""
        size = len(head.encode()) + sum(len(t.encode()) + 16 for _, t in options)
        if size > wechat_render.MAX_BYTES or not head:
            if head:
                pieces.append(head)
            head = phrase(rendered.lang, "pick")
        for piece in pieces:
            await api.send_text(openid, piece)
        try:
            await api.send_menu(openid, head, options)
        except WeChatError as exc:
            if exc.errcode in CLOSED or exc.errcode in GONE:
                raise
            if exc.errcode == NO_MENU:
                permission.allowed = False
            log.info("msgmenu refused (%d); numbered lines instead", exc.errcode)
            lines = [phrase(rendered.lang, "reply_n", n=n, title=t) for n, t in options]
            for piece in wechat_render.split("\n".join([head, *lines])):
                await api.send_text(openid, piece)
        for piece in rendered.after:
            await api.send_text(openid, piece)
        return
    for piece in rendered.pieces():
        await api.send_text(openid, piece)


def _start_for(replies, catalogue) -> tuple[str, str | None] | None:
    """Why a turn's replies need the web chat: ("guide", deep link) for a guide step with a
    picture, ("voice", None) when the person likes replies read aloud; None otherwise."""
    for reply in replies:
        g = reply.guide
        guide = catalogue.guides.get(g.id) if g is not None and catalogue is not None else None
        if guide is not None and 1 <= g.step <= len(guide.steps) and guide.steps[g.step - 1].image:
            return "guide", f"guide_{g.id}"
    if any(r.voice for r in replies):
        return "voice", None
    return None


async def link(services, uid: str, start: str | None = None) -> str | None:
    """A fresh one-time link for `uid` (None when LELING_PUBLIC_URL is not set)."""
    public = getattr(services.settings, "public_url", None)
    if not public:
        return None
    token = await services.run(web_links.issue, services.db, uid, start=start)
    return html.escape(wechat_link.url(public, token), quote=True)


async def web_link_line(services, uid: str, replies, lang: str) -> str | None:
    """The line carrying the web chat's link a turn needs (a guide's pictures, the web's "听"),
    or None."""
    why = _start_for(replies, services.catalogue)
    if why is None:
        return None
    url = await link(services, uid, why[1])
    return phrase(lang, f"link_{why[0]}", url=url) if url else None


async def asked_link(services, uid: str, lang: str) -> wechat_render.RenderedTurn:
    """The answer to "打开网页版": the link, or why there is none."""
    url = await link(services, uid)
    text = phrase(lang, "link_asked", url=url) if url else phrase(lang, "link_none")
    return wechat_render.RenderedTurn.plain(text, lang)


def active_subscriptions(db, uid: str) -> int:
    """How many reminder subscriptions the user has."""
    return subs_store.count_active(db, uid)


def turn_counter(db, uid: str) -> int | None:
    """The user's conversation turn counter (None for a user without a session)."""
    state = states.load(db, uid)
    return state.turn if state else None


def after_turn(db, uid: str):
    """After a turn: the user's language, session state, active subscriptions, and the
    reminders that waited for them (taken out of the inbox); a forgotten user has none."""
    row = users_store.get(db, uid)
    if row is None:
        return "zh", None, 0, []
    lang = row.get("lang") or "zh"
    return lang, states.load(db, uid), subs_store.count_active(db, uid), _take_inbox(db, uid)


def _take_inbox(db, uid: str) -> list[dict]:
    """Reminders that waited for the user (outside the 48-hour window, no template): they go
    out with this reply and leave the inbox."""
    waiting = inbox.waiting(db, uid)
    if waiting:
        inbox.acknowledge(db, uid, max(m["id"] for m in waiting))
    return waiting


def inbox_pieces(waiting: list[dict], lang: str) -> list[str]:
    """The reminders that waited, as messages after the reply."""
    if not waiting:
        return []
    body = "\n\n".join(m["text"] for m in waiting)
    return wechat_render.split(phrase(lang, "waiting") + "\n" + body)
