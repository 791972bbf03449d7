"""What /desk shows, built on the database thread: the waiting help requests (the same
description the Telegram /desk gives, scheduler/desk.py `describe`) and one request's
conversation, read from the desk's outbox (store/desk_outbox.py) — what was relayed to the
person and what the person wrote to their volunteer."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

from bot.staffweb.auth import Staff, csrf_field
from bot.staffweb.desk_texts import text
from bot.staffweb.layout import esc
from scheduler.desk import describe
from store import desk_outbox, help_requests, users, volunteers

MAX_REPLY = 1000  # characters, as the Telegram relay (dialogues/actions/desk.py MAX_RELAY)
THREAD_LIMIT = 200
# The courier's prefix on a person's words (dialogues/templates desk.vol_from_user): the console
# says "求助的人说" itself.
_FROM_USER = re.compile(r"^(求助 #\d+ 的用户说：|The user of request #\d+ says: )")
_TO_USER_EVENTS = {"claimed": "event_claimed", "closed": "event_closed"}


def signature(html: str) -> str:
    """A short fingerprint of a fragment, so the page replaces it only when it changed."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]


def minutes_waiting(r: dict, now: datetime) -> int:
    """Whole minutes since the request was made (0 for a clock behind it)."""
    created = datetime.fromisoformat(r["created_at"])
    return max(0, int((now - created).total_seconds() // 60))


def name_of(db, user_id: str | None) -> str:
    """A volunteer's display name ("?" when unknown)."""
    v = volunteers.get(db, user_id or "", include_revoked=True)
    return v["name"] if v else "?"


def can_act(db, staff: Staff) -> bool:
    """Only volunteers take requests (an admin who is not one sees them, read-only)."""
    return volunteers.get(db, staff.user_id) is not None


def summary(db, r: dict, staff: Staff, now: datetime) -> tuple[str, str]:
    """(head line, the rest) of a request as volunteers see it."""
    user = users.get(db, r["user_id"]) or {}
    head, _, rest = describe(r, user, minutes_waiting(r, now), staff.lang).partition("\n")
    return head, rest


def status_label(db, r: dict, staff: Staff) -> tuple[str, str]:
    """(css class, words) for a request's state."""
    if r["status"] == "open":
        return "staff-tag-open", text(staff.lang, "tag_open")
    if r["status"] == "claimed" and r["volunteer_id"] == staff.user_id:
        return "staff-tag-mine", text(staff.lang, "tag_mine")
    if r["status"] == "claimed":
        return "staff-tag-other", text(staff.lang, "tag_other", who=name_of(db, r["volunteer_id"]))
    return "staff-tag-other", text(staff.lang, "status_closed")


def claim_form(r: dict, staff: Staff) -> str:
    """The 接手 button (a POST form)."""
    return (
        f'<form method="post" action="/desk/request/{r["id"]}/claim">{csrf_field(staff)}'
        f'<button type="submit" class="btn btn-main btn-primary">'
        f"{esc(text(staff.lang, 'claim', id=r['id']))}</button></form>"
    )


def _order(r: dict, me: str) -> tuple:
    rank = 0 if r["status"] == "open" else 1 if r["volunteer_id"] == me else 2
    return rank, r["id"]


def request_list(db, staff: Staff, now: datetime) -> dict:
    """The waiting requests as an HTML list: {"html", "count", "sig"}."""
    lang = staff.lang
    acting = can_act(db, staff)
    rows = sorted(help_requests.waiting(db), key=lambda r: _order(r, staff.user_id))
    if not rows:
        html = f'<p class="staff-note">{esc(text(lang, "requests_none"))}</p>'
        return {"html": html, "count": 0, "sig": signature(html)}
    items = []
    for r in rows:
        head, rest = summary(db, r, staff, now)
        css, label = status_label(db, r, staff)
        actions = []
        if r["status"] == "open" and acting:
            actions.append(claim_form(r, staff))
        if r["status"] == "claimed" and r["volunteer_id"] == staff.user_id:
            actions.append(
                f'<a class="btn btn-main btn-primary" href="/desk/request/{r["id"]}">'
                f"{esc(text(lang, 'open_thread', id=r['id']))}</a>"
            )
        else:
            actions.append(
                f'<a class="btn btn-main btn-quiet" href="/desk/request/{r["id"]}">'
                f"{esc(text(lang, 'view', id=r['id']))}</a>"
            )
        items.append(
            f'<li class="staff-card" id="req-{r["id"]}">'
            f'<h2>{esc(head)} <span class="staff-tag {css}">{esc(label)}</span></h2>'
            f'<p class="facts">{esc(rest)}</p>'
            f'<div class="actions">{"".join(actions)}</div></li>'
        )
    html = f'<ul class="staff-list">{"".join(items)}</ul>'
    return {"html": html, "count": len(rows), "sig": signature(html)}


def may_see_thread(r: dict, staff: Staff) -> bool:
    """The conversation is for the volunteer who took the request, and admins."""
    return staff.is_admin or (r.get("volunteer_id") or "") == staff.user_id


def thread(db, r: dict, staff: Staff) -> dict:
    """One request's conversation as HTML: {"html", "count", "sig", "status"}."""
    lang = staff.lang
    items = []
    for _id, user_id, kind, message, state in desk_outbox.thread(db, r["id"], THREAD_LIMIT):
        words = json.loads(message).get("text", "")
        if user_id == r["user_id"]:
            status = esc(text(lang, f"state_{state}")) if state else ""
            if kind in _TO_USER_EVENTS or kind == "reannounced":
                key = _TO_USER_EVENTS.get(kind, "event_reannounced")
                items.append(f'<li class="event">{esc(text(lang, key))} · {status}</li>')
            else:
                items.append(
                    f'<li class="to-user"><span class="who">{esc(text(lang, "who_you"))}'
                    f" · {status}</span>{esc(words)}</li>"
                )
        elif user_id == r.get("volunteer_id") and kind == "relay":
            items.append(
                f'<li class="from-user"><span class="who">{esc(text(lang, "who_user"))}</span>'
                f"{esc(_FROM_USER.sub('', words))}</li>"
            )
        elif user_id == r.get("volunteer_id") and kind == "ended":
            items.append(f'<li class="event">{esc(text(lang, "event_ended"))}</li>')
    if items:
        html = f'<ol class="thread">{"".join(items)}</ol>'
    else:
        html = f'<p class="staff-hint">{esc(text(lang, "thread_empty"))}</p>'
    return {"html": html, "count": len(items), "sig": signature(html), "status": r["status"]}


def get_request(db, request_id: int) -> dict | None:
    """The request (context decoded) or None."""
    return help_requests.get(db, request_id)
