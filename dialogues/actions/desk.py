"""The help desk in the conversation: volunteers' commands, and a user talking to the volunteer
who took their request.

`respond(t)` runs before everything else in the policy and returns None when the message is
not the desk's. What it answers:

- `/volunteer CODE` — become a volunteer (a one-time code from an admin);
- admins (LELING_ADMINS): `/invite [district]`, `/volunteers`, `/revoke USER`;
- volunteers: `/desk` (open requests), `/claim N`, `/reply N text`, `/close [N]`; while a
  volunteer has a claimed request, their plain messages go to its user;
- a user whose request was claimed: their messages go to the volunteer; "不用了" (or the
  button) ends it; a user whose request is still waiting can cancel it the same way.

Everything that must reach someone else is queued in the desk's outbox (store/desk_outbox.py)
and sent by the scheduler's courier (scheduler/desk.py) through that person's channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from dialogues.context import Turn
from dialogues.models import Button, Reply
from scheduler.desk import describe
from store import audit, desk_outbox, help_requests, volunteers

VOLUNTEER_COMMANDS = frozenset({"/desk", "/claim", "/reply", "/close", "/announce"})
ADMIN_COMMANDS = frozenset({"/invite", "/volunteers", "/revoke"})
END_PAYLOAD = "/desk_end"
# "不用了" and friends: the user no longer needs the volunteer.
_ENOUGH = re.compile(
    r"^(不用了|不需要了|不用帮了|已经好了|我会了|解决了|好了不用了|结束|no thanks|"
    r"i'?m fine now|never ?mind|that'?s all)[。.!！ ]*(谢谢)?[。.!！ ]*$",
    re.IGNORECASE,
)
# A senior in trouble is answered first by the assistant itself (and the volunteer sees it too).
SAFETY_INTENTS = frozenset({"emergency", "scam_alert", "health_question"})
MAX_RELAY = 1000  # characters of one relayed message
REANNOUNCE_AFTER_MINUTES = 10


@dataclass(frozen=True)
class DeskConfig:
    """Who the admins are and when volunteers are on duty (from bot/config.py's Settings)."""

    admins: frozenset[str] = field(default_factory=frozenset)
    hours: tuple[str, str] = ("08:00", "20:00")

    def is_open(self, now: datetime) -> bool:
        """True while volunteers are on duty (`now` in Beijing time)."""
        hm = now.strftime("%H:%M")
        return self.hours[0] <= hm < self.hours[1]

    def opens_today(self, now: datetime) -> bool:
        """True when the desk (closed now) opens later today, False when tomorrow."""
        return now.strftime("%H:%M") < self.hours[0]


def is_command(text: str) -> bool:
    """True for the desk's own commands ("/claim 12"): their Latin arguments (codes, user ids)
    say nothing about the language the person reads."""
    head = (text or "").strip().split(" ", 1)[0].lower().split("@", 1)[0]
    return head in VOLUNTEER_COMMANDS or head in ADMIN_COMMANDS or head == "/volunteer"


def config(t: Turn) -> DeskConfig:
    """The turn's desk settings (defaults when the assistant was built without them)."""
    return getattr(t, "desk", None) or DeskConfig()


def respond(t: Turn) -> list[Reply] | None:
    """The desk's answer to this message, or None when it is not the desk's."""
    text = t.text.strip()
    head, _, rest = text.partition(" ")
    command = head.lower().split("@", 1)[0] if head.startswith("/") else ""
    rest = rest.strip()
    if command == "/volunteer":
        return _join(t, rest)
    if command in ADMIN_COMMANDS:
        if t.user_id not in config(t).admins:
            return [_plain(t, t.t("desk.admins_only"))]
        return {"/invite": _invite, "/volunteers": _list_volunteers, "/revoke": _revoke}[command](
            t, rest
        )
    me = volunteers.get(t.db, t.user_id)
    if command in VOLUNTEER_COMMANDS:
        if me is None:
            return [_plain(t, t.t("desk.volunteers_only"))]
        if command == "/announce":
            return None  # the announcement composer (not part of the desk)
        return {"/desk": _open_list, "/claim": _claim, "/reply": _reply, "/close": _close}[command](
            t, me, rest
        )
    if me is not None and not command and text:
        mine = _claimed_by(t, me)
        if mine:
            return _relay_to_user(t, me, mine[-1], text)
    return _user_side(t, text, command)


# -- roles ----------------------------------------------------------------------------------


def _join(t: Turn, rest: str) -> list[Reply]:
    code, _, name = rest.partition(" ")
    if not code:
        return [_plain(t, t.t("desk.join_how"))]
    me = volunteers.redeem(t.db, t.user_id, code, name=name or None)
    if me is None:
        return [_plain(t, t.t("desk.join_bad_code"))]
    return [
        t.reply(
            t.t("desk.join_ok", label=volunteers.label(me)), [Button(t.t("desk.btn_list"), "/desk")]
        )
    ]


def _invite(t: Turn, rest: str) -> list[Reply]:
    code = volunteers.invite(t.db, t.user_id, district=rest or None)
    return [_plain(t, t.t("desk.invite_made", code=code))]


def _list_volunteers(t: Turn, rest: str) -> list[Reply]:
    rows = volunteers.all_volunteers(t.db)
    if not rows:
        return [_plain(t, t.t("desk.no_volunteers"))]
    lines = [
        f"{v['user_id']}  {volunteers.label(v)} {'、'.join(v['districts'])}".rstrip() for v in rows
    ]
    return [_plain(t, "\n".join(lines))]


def _revoke(t: Turn, rest: str) -> list[Reply]:
    if not rest or not volunteers.revoke(t.db, t.user_id, rest.split()[0]):
        return [_plain(t, t.t("desk.revoke_unknown"))]
    return [_plain(t, t.t("desk.revoked", who=rest.split()[0]))]


# -- the volunteer's side -------------------------------------------------------------------


def _claimed_by(t: Turn, me: dict) -> list[dict]:
    return [
        r
        for r in help_requests.waiting(t.db)
        if r["status"] == "claimed" and r["volunteer_id"] == me["user_id"]
    ]


def summary(t: Turn, r: dict, now: datetime | None = None) -> str:
    """One request as a volunteer sees it: number, waiting time, district, language and what
    the user was doing."""
    from store import users

    now = now or t.now
    created = datetime.fromisoformat(r["created_at"])
    minutes = max(0, int((now - created).total_seconds() // 60))
    user = users.get(t.db, r["user_id"]) or {}
    return describe(r, user, minutes, t.lang)


def _open_list(t: Turn, me: dict, rest: str) -> list[Reply]:
    waiting = help_requests.waiting(t.db)
    if not waiting:
        return [_plain(t, t.t("desk.none_open"))]
    buttons = [
        Button(t.t("desk.btn_claim", id=r["id"]), f"/claim {r['id']}")
        for r in waiting
        if r["status"] == "open"
    ][:6]
    parts = []
    for r in waiting[:10]:
        line = summary(t, r)
        if r["status"] == "claimed":
            line += "\n" + t.t("desk.taken_by", who=_name_of(t, r["volunteer_id"]))
        parts.append(line)
    return [t.reply("\n\n".join(parts), buttons)]


def _name_of(t: Turn, user_id: str | None) -> str:
    v = volunteers.get(t.db, user_id or "", include_revoked=True)
    return v["name"] if v else "?"


def _request_arg(t: Turn, me: dict, rest: str) -> tuple[dict | None, str]:
    """The request a command names ("12 …"), or the volunteer's only claimed one."""
    first, _, tail = rest.partition(" ")
    if first.lstrip("#").isdigit():
        return help_requests.get(t.db, int(first.lstrip("#"))), tail.strip()
    mine = _claimed_by(t, me)
    return (mine[-1] if len(mine) == 1 else None), rest


def _claim(t: Turn, me: dict, rest: str) -> list[Reply]:
    r, _ = _request_arg(t, me, rest)
    if r is None:
        return [_plain(t, t.t("desk.which"))]
    if not help_requests.claim(t.db, r["id"], me["user_id"]):
        fresh = help_requests.get(t.db, r["id"]) or {}
        key = "desk.already_taken" if fresh.get("status") == "claimed" else "desk.gone"
        return [_plain(t, t.t(key, id=r["id"], who=_name_of(t, fresh.get("volunteer_id"))))]
    audit.record(t.db, me["user_id"], "help.claim", {"request": r["id"]})
    _tell_user(
        t,
        r,
        "claimed",
        "desk.user_claimed",
        ("desk.btn_enough", END_PAYLOAD),
        name=me["name"],
        org=me["org"],
    )
    return [
        t.reply(
            t.t("desk.claimed", id=r["id"]) + "\n\n" + summary(t, r),
            [Button(t.t("desk.btn_close", id=r["id"]), f"/close {r['id']}")],
        )
    ]


def _reply(t: Turn, me: dict, rest: str) -> list[Reply]:
    r, words = _request_arg(t, me, rest)
    if r is None or not words:
        return [_plain(t, t.t("desk.reply_how"))]
    if r["status"] != "claimed" or r["volunteer_id"] != me["user_id"]:
        return [_plain(t, t.t("desk.not_yours", id=r["id"]))]
    return _relay_to_user(t, me, r, words)


def _relay_to_user(t: Turn, me: dict, r: dict, words: str) -> list[Reply]:
    _tell_user(
        t,
        r,
        "relay",
        "desk.from_volunteer",
        ("desk.btn_enough", END_PAYLOAD),
        then=words[:MAX_RELAY],
        name=me["name"],
    )
    return [
        t.reply(
            t.t("desk.relayed_to_user", id=r["id"]),
            [Button(t.t("desk.btn_close", id=r["id"]), f"/close {r['id']}")],
        )
    ]


def _close(t: Turn, me: dict, rest: str) -> list[Reply]:
    r, _ = _request_arg(t, me, rest)
    if r is None:
        return [_plain(t, t.t("desk.which"))]
    if r["volunteer_id"] not in (None, me["user_id"]) and r["status"] == "claimed":
        return [_plain(t, t.t("desk.not_yours", id=r["id"]))]
    if not help_requests.end(t.db, r["id"], me["user_id"]):
        return [_plain(t, t.t("desk.gone", id=r["id"], who=""))]
    audit.record(t.db, me["user_id"], "help.close", {"request": r["id"]})
    _tell_user(
        t, r, "closed", "desk.user_closed", ("desk.btn_again", "/human_help"), name=me["name"]
    )
    return [_plain(t, t.t("desk.closed", id=r["id"]))]


# -- a new request -------------------------------------------------------------------------


def announce_new(t: Turn, request_id: int) -> str:
    """Tell the on-duty volunteers about a new request (those of the user's district when there
    are any, else all) and return what the user is told — only what will really happen."""
    cfg = config(t)
    if not cfg.is_open(t.now):
        key = "desk.created_closed_today" if cfg.opens_today(t.now) else "desk.created_closed"
        return t.t(key, id=request_id, start=cfg.hours[0], end=cfg.hours[1])
    everyone = volunteers.all_volunteers(t.db)
    district = t.user.get("home_district")
    nearby = [v for v in everyone if district and district in v["districts"]]
    recipients = nearby or everyone
    if not recipients:
        return t.t("desk.created_nobody", id=request_id)
    r = help_requests.get(t.db, request_id)
    text = "🙋 " + describe(r, t.user, 0)
    for v in recipients:
        if v["user_id"] == t.user_id:
            continue
        desk_outbox.add(
            t.db,
            v["user_id"],
            "notice",
            text,
            [(f"接手 #{request_id}", f"/claim {request_id}")],
            request_id=request_id,
        )
    return t.t("desk.created", id=request_id, n=len(recipients), minutes=REANNOUNCE_AFTER_MINUTES)


# -- the user's side ------------------------------------------------------------------------


def _user_side(t: Turn, text: str, command: str) -> list[Reply] | None:
    if command and text != END_PAYLOAD:
        return None
    r = help_requests.active_for_user(t.db, t.user_id)
    if r is None:
        return [_plain(t, t.t("desk.nothing_to_end"))] if text == END_PAYLOAD else None
    if text == END_PAYLOAD or _ENOUGH.match(text):
        help_requests.end(t.db, r["id"], t.user_id)
        audit.record(t.db, t.user_id, "help.end", {"request": r["id"]})
        if r["status"] == "claimed" and r["volunteer_id"]:
            desk_outbox.add(
                t.db,
                r["volunteer_id"],
                "ended",
                t.t("desk.vol_user_ended", id=r["id"]),
                request_id=r["id"],
            )
        return [t.reply(t.t("desk.user_ended"), t.menu_buttons())]
    if r["status"] != "claimed" or t.intent in SAFETY_INTENTS or t.parse.tapped:
        return None  # still waiting: the assistant answers as usual
    desk_outbox.add(
        t.db,
        r["volunteer_id"],
        "relay",
        t.t("desk.vol_from_user", id=r["id"]) + text[:MAX_RELAY],
        [(f"结束 #{r['id']}", f"/close {r['id']}")],
        request_id=r["id"],
    )
    name = _name_of(t, r["volunteer_id"])
    return [
        t.reply(
            t.t("desk.relayed_to_volunteer", name=name),
            [Button(t.t("desk.btn_enough"), END_PAYLOAD)],
        )
    ]


def _tell_user(
    t: Turn, r: dict, kind: str, key: str, button: tuple[str, str], then: str = "", **fields
) -> None:
    """Queue for the asker of request `r`, in the asker's language, the text `key` (followed by
    `then`, e.g. the volunteer's words) with one button (its text key, its payload)."""
    lang = (r.get("context") or {}).get("lang") or "zh"
    desk_outbox.add(
        t.db,
        r["user_id"],
        kind,
        _user_text(t, lang, key, **fields) + then,
        [(_user_text(t, lang, button[0]), button[1])],
        request_id=r["id"],
    )


def _user_text(t: Turn, lang: str, key: str, **fields) -> str:
    """A template in the other person's language (not the speaker's)."""
    return t.texts.get(lang if lang in ("zh", "en") else "zh", key, t.state.turn, **fields)


def _plain(t: Turn, text: str) -> Reply:
    return t.reply(text, [t.home_button()])
