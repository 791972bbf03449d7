"""`/announce`: a volunteer (or an admin) composes an announcement in the conversation.

    /announce                → "请发来通知的内容"
    周六上午九点在中心有免费义诊  → the audience, as buttons with recipient counts
    [朝阳区（312人）]          → "什么时候发？"  [现在发]  or a time in words ("明天上午9点")
    [现在发]                  → the preview, exactly as recipients will read it
                                 "【东城区乐龄学习中心 · 志愿者王】…"  [确认发送] [取消]
    [确认发送]                → scheduled (store/announcements.py); the scheduler sends it and
                                 tells the volunteer how it went
    /announce list | status N | cancel N | stop N

`respond(t)` runs before the rest of the policy and returns None when the message is not the
composer's. Every step checks the role again (a volunteer revoked mid-way is refused), and the
composer's buttons (`/ann_…`) are payloads from outside: they are accepted only from someone who
may announce, for a draft that exists, with values that pass the same checks as typed ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from content.schedule import TZ
from dialogues.actions import desk
from dialogues.context import Turn
from dialogues.models import Button, Reply
from store import announcements as ann
from store import volunteers

LOOP = "announce"
MAX_AHEAD = timedelta(days=60)
_QUIT = {"取消", "算了", "不发了", "cancel", "quit"}
_TYPED = {"话题": "topic", "中心": "center", "课程": "lesson", "讲座": "lecture", "区": "district"}
TEXTS = {
    "zh": {
        "refused": "对不起，发通知是给志愿者和管理员用的。需要帮忙可以说“找人帮忙”。",
        "ask_text": "请发来通知的内容（一条文字，最多{max}个字；也可以发一张带说明文字的图片）。"
        "随时说“取消”就不发了。",
        "bad_text": "这条通知{why}，请重新发一下内容。",
        "empty": "没有文字",
        "caption": "请把图片再发一次，并在图片下面写上说明文字（图片说明就是通知的内容）。",
        "with_photo": "（附图片）",
        "too_long": "太长了（{n}个字，最多{max}个字）",
        "ask_audience": "发给谁？点一个按钮，或者直接打：某个区（如“朝阳区”）、“话题 亲子沟通”、"
        "“中心 中心编号”、“课程 课程编号”、“讲座 讲座编号”。",
        "all": "所有用户",
        "bad_audience": "没听懂发给谁。{hint}",
        "nobody": "{who}现在一个人也没有，请换一个。",
        "ask_when": "{who}，共 {n} 人。什么时候发？点“现在发”，或者告诉我时间，比如“明天上午9点”。",
        "now": "现在发",
        "bad_when": "没听懂时间，请说比如“明天上午9点”“12月5日下午3点”，或者点“现在发”。",
        "past": "这个时间已经过去了，请换一个时间。",
        "too_far": "最多提前 60 天安排，请换一个近一点的时间。",
        "preview": "预览（收件人看到的就是下面这样）：\n\n{preview}\n\n发给：{who}，共 {n} 人\n时间：{when}\n"
        "晚上9点到早上7点不打扰（推迟到早上7点）；每人每周最多收到两条通知。",
        "when_now": "现在",
        "confirm": "确认发送",
        "cancel": "取消",
        "cancelled": "好的，这条通知不发了。",
        "no_draft": "现在没有正在写的通知。发 /announce 开始写一条。",
        "done": "已安排：通知 #{id}，{when}发给 {n} 人。发完会告诉您结果。",
        "status": "进度",
        "stop": "停止 #{id}",
        "cancel_id": "取消 #{id}",
        "list_empty": "还没有通知。发 /announce 写一条。",
        "line": "#{id} {state} · {when} · {who} · 已送达 {sent}/{total}",
        "not_yours": "通知 #{id} 不存在，或者不是您发的。",
        "cancel_ok": "通知 #{id} 已取消，不会发出。",
        "cancel_no": "通知 #{id} 已经开始发送或已结束，不能取消了（正在发送的可以停止）。",
        "stop_ok": "通知 #{id} 已停止，还没发出的不会再发。",
        "stop_no": "通知 #{id} 没有在发送中。",
        "progress": "通知 #{id}：{state}。共 {total} 人：已送达 {sent}，待发 {pending}，推迟 {deferred}，"
        "失败 {failed}，已屏蔽 {blocked}，已退订 {opted_out}，超过每周上限 {capped}。",
        "states": {
            "scheduled": "待发送",
            "running": "发送中",
            "done": "已完成",
            "cancelled": "已取消",
            "stopped": "已停止",
        },
    },
    "en": {
        "refused": "Sorry, announcements are for volunteers and admins. If you need help, say "
        '"find someone to help".',
        "ask_text": "Please send the announcement's text (one message, at most {max} "
        'characters; or a photo with a caption). Say "cancel" at any time to drop it.',
        "bad_text": "This announcement {why}; please send the text again.",
        "empty": "has no text",
        "caption": "Please send the photo again with a caption: the caption is the "
        "announcement's text.",
        "with_photo": "(with the photo)",
        "too_long": "is too long ({n} characters, at most {max})",
        "ask_audience": 'Who should get it? Tap a button, or type a district ("朝阳区"), '
        '"topic …", "center ID", "lesson ID" or "lecture ID".',
        "all": "all users",
        "bad_audience": "I did not understand who should get it. {hint}",
        "nobody": "Nobody is in {who} right now; please choose another audience.",
        "ask_when": '{who}: {n} people. When should it go out? Tap "Now", or tell me a time such '
        'as "tomorrow 9 am".',
        "now": "Now",
        "bad_when": 'I did not understand the time; say e.g. "tomorrow 9 am", or tap "Now".',
        "past": "That time has passed; please choose another.",
        "too_far": "At most 60 days ahead; please choose an earlier time.",
        "preview": "Preview (exactly what recipients will read):\n\n{preview}\n\nTo: {who}, {n} "
        "people\nWhen: {when}\nNot between 9 pm and 7 am (it waits until 7 am); at most two "
        "announcements per person a week.",
        "when_now": "now",
        "confirm": "Send it",
        "cancel": "Cancel",
        "cancelled": "OK, this announcement will not be sent.",
        "no_draft": "There is no announcement being written. Send /announce to start one.",
        "done": "Scheduled: announcement #{id}, {when}, to {n} people. I will tell you how it went.",
        "status": "Progress",
        "stop": "Stop #{id}",
        "cancel_id": "Cancel #{id}",
        "list_empty": "No announcements yet. Send /announce to write one.",
        "line": "#{id} {state} · {when} · {who} · delivered {sent}/{total}",
        "not_yours": "Announcement #{id} does not exist or is not yours.",
        "cancel_ok": "Announcement #{id} is cancelled; it will not be sent.",
        "cancel_no": "Announcement #{id} has started or finished; it can no longer be cancelled "
        "(a running one can be stopped).",
        "stop_ok": "Announcement #{id} is stopped; what has not gone out will not.",
        "stop_no": "Announcement #{id} is not being sent.",
        "progress": "Announcement #{id}: {state}. {total} people: {sent} delivered, {pending} "
        "waiting, {deferred} deferred, {failed} failed, {blocked} blocked, {opted_out} opted "
        "out, {capped} over the weekly limit.",
        "states": {
            "scheduled": "scheduled",
            "running": "sending",
            "done": "done",
            "cancelled": "cancelled",
            "stopped": "stopped",
        },
    },
}


def _w(t: Turn, key: str, **fields) -> str:
    words = TEXTS["en" if t.lang == "en" else "zh"][key]
    return words.format(**fields) if fields else words


def _plain(t: Turn, text: str, buttons: list[Button] | None = None) -> Reply:
    return t.reply(text, buttons, plain=True) if buttons is None else t.reply(text, buttons)


def allowed(t: Turn) -> bool:
    """True for an active volunteer or an admin (checked again at every step)."""
    return ann.can_announce(t.db, t.user_id, desk.config(t).admins)


def is_admin(t: Turn) -> bool:
    return t.user_id in desk.config(t).admins


def respond(t: Turn) -> list[Reply] | None:
    """The composer's answer to this message, or None when it is not the composer's."""
    text = t.text.strip()
    head, _, rest = text.partition(" ")
    command = head.lower().split("@", 1)[0] if head.startswith("/") else ""
    composing = t.state.in_loop(LOOP)
    if command == "/announce" or command.startswith("/ann_"):
        if not allowed(t):
            if composing:
                t.state.loop = None
            return [_plain(t, _w(t, "refused"))]
        if command == "/announce":
            return _command(t, rest.strip())
        if not composing:
            return [_plain(t, _w(t, "no_draft"))]
        return _button(t, command, rest.strip())
    if not composing:
        return None
    if command:  # another command ends the draft; the command is answered as usual
        t.state.loop = None
        return None
    if not allowed(t):
        t.state.loop = None
        return [_plain(t, _w(t, "refused"))]
    if text.lower() in _QUIT:
        t.state.loop = None
        return [_plain(t, _w(t, "cancelled"))]
    step = t.state.loop.data.get("step")
    if step == "text" and t.photo:  # a captioned picture: the picture and its text
        if not text:
            return [_plain(t, _w(t, "caption"))]
        _draft(t)["photo"] = t.photo
        t.photo_taken = True
        return _got_text(t, text)
    if step == "text":
        return _got_text(t, text)
    if step == "audience":
        return _got_audience(t, _typed_audience(text))
    if step == "when":
        return _got_when(t, text)
    return [_preview(t)]  # at the preview: show it again (confirm or cancel)


# -- the steps --------------------------------------------------------------------------------


def _draft(t: Turn) -> dict:
    return t.state.loop.data


def _command(t: Turn, rest: str) -> list[Reply]:
    sub, _, arg = rest.partition(" ")
    sub = sub.lower()
    if sub in ("list", "列表"):
        return _list(t)
    if sub in ("status", "cancel", "stop"):
        return _act(t, sub, arg.strip())
    t.state.start_loop(LOOP, step="text")
    return [
        _plain(
            t,
            _w(t, "ask_text", max=ann.MAX_TEXT),
            [Button(_w(t, "cancel"), "/ann_no")],
        )
    ]


def _got_text(t: Turn, text: str) -> list[Reply]:
    try:
        _draft(t)["text"] = ann.clean_text(text)
    except ValueError:
        why = _w(t, "too_long", n=len(text), max=ann.MAX_TEXT) if text else _w(t, "empty")
        return [_plain(t, _w(t, "bad_text", why=why))]
    _draft(t)["step"] = "audience"
    return [_ask_audience(t)]


def _ask_audience(t: Turn) -> Reply:
    options = [{"all": True}]
    me = volunteers.get(t.db, t.user_id) or {}
    options += [{"district": d} for d in me.get("districts") or []]
    focus = t.state.focus
    if focus is not None and focus.type in ("lecture", "lesson"):
        options.append({focus.type: focus.id})
    buttons = []
    for audience in options:
        n = ann.count_recipients(t.db, audience)
        name = _w(t, "all") if "all" in audience else ann.describe_audience(audience, t.lang)
        count = f"（{n}人）" if t.lang != "en" else f" ({n})"
        key, value = next(iter(audience.items()))
        payload = "/ann_aud all" if key == "all" else f"/ann_aud {key}={value}"
        buttons.append(Button(name + count, payload))
    buttons.append(Button(_w(t, "cancel"), "/ann_no"))
    return _plain(t, _w(t, "ask_audience"), buttons)


def _typed_audience(text: str) -> dict | None:
    """What a volunteer typed as the audience ("朝阳区", "话题 亲子沟通", "lesson=les-1")."""
    text = " ".join(text.split())
    try:
        return ann.parse_audience(text)
    except ann.AudienceError:
        pass
    word, _, value = text.partition(" ")
    key = _TYPED.get(word) or (word.lower() if word.lower() in ann.AUDIENCE_KEYS else None)
    if key and value:
        try:
            return ann.validate_audience({key: value})
        except ann.AudienceError:
            return None
    if text.endswith("区") and 2 <= len(text) <= 8 and " " not in text:
        return {"district": text}
    return None


def _got_audience(t: Turn, audience: dict | None) -> list[Reply]:
    if audience is None:
        hint = _w(t, "ask_audience")
        return [_plain(t, _w(t, "bad_audience", hint=hint)), _ask_audience(t)]
    n = ann.count_recipients(t.db, audience)
    who = _who(t, audience)
    if n == 0:
        return [_plain(t, _w(t, "nobody", who=who)), _ask_audience(t)]
    _draft(t).update(step="when", audience=audience)
    buttons = [Button(_w(t, "now"), "/ann_when now"), Button(_w(t, "cancel"), "/ann_no")]
    return [_plain(t, _w(t, "ask_when", who=who, n=n), buttons)]


def _when_of(t: Turn, text: str) -> datetime | None:
    window = t.parse.time()
    if window is None:
        try:
            when = datetime.fromisoformat(text.strip())
        except ValueError:
            return None
        return when if when.tzinfo else when.replace(tzinfo=TZ)
    start, end = window
    if end - start >= timedelta(hours=3) and start.astimezone(TZ).hour == 0:
        start = start.astimezone(TZ).replace(hour=9, minute=0)  # "明天": in the morning
    return start


def _got_when(t: Turn, text: str, now: bool = False) -> list[Reply]:
    if now:
        at = None
    else:
        at = _when_of(t, text)
        if at is None:
            return [_plain(t, _w(t, "bad_when"), [Button(_w(t, "now"), "/ann_when now")])]
        if at < t.now - timedelta(minutes=1):
            return [_plain(t, _w(t, "past"), [Button(_w(t, "now"), "/ann_when now")])]
        if at > t.now + MAX_AHEAD:
            return [_plain(t, _w(t, "too_far"))]
    _draft(t).update(step="preview", at=at.isoformat() if at else None)
    return [_preview(t)]


def _preview(t: Turn) -> Reply:
    d = _draft(t)
    audience = d["audience"]
    when = _when_words(t, d.get("at"))
    text = _w(
        t,
        "preview",
        preview=(_w(t, "with_photo") + "\n" if d.get("photo") else "")
        + ann.preview(t.db, t.user_id, d["text"], t.lang),
        who=_who(t, audience),
        n=ann.count_recipients(t.db, audience),
        when=when,
    )
    buttons = [Button(_w(t, "confirm"), "/ann_ok"), Button(_w(t, "cancel"), "/ann_no")]
    return _plain(t, text, buttons)


def _button(t: Turn, command: str, arg: str) -> list[Reply]:
    step = _draft(t).get("step")
    if command == "/ann_no":
        t.state.loop = None
        return [_plain(t, _w(t, "cancelled"))]
    if command == "/ann_aud" and step == "audience":
        try:
            audience = ann.parse_audience(arg)
        except ann.AudienceError:
            audience = None
        return _got_audience(t, audience)
    if command == "/ann_when" and step == "when" and arg == "now":
        return _got_when(t, "", now=True)
    if command == "/ann_ok" and step == "preview":
        return _confirm(t)
    return [_plain(t, _w(t, "no_draft"))]  # a stale or forged button


def _confirm(t: Turn) -> list[Reply]:
    d = _draft(t)
    t.state.loop = None
    at = datetime.fromisoformat(d["at"]) if d.get("at") else None
    aid = ann.create(t.db, t.user_id, d["audience"], d["text"], at=at, photo=d.get("photo"))
    st = ann.status(t.db, aid, t.now)
    buttons = [Button(_w(t, "status"), f"/announce status {aid}")]
    if at is not None and at > t.now:
        buttons.append(Button(_w(t, "cancel_id", id=aid), f"/announce cancel {aid}"))
    text = _w(t, "done", id=aid, when=_when_words(t, d.get("at")), n=st["total"])
    return [_plain(t, text, buttons)]


# -- list, status, cancel, stop ---------------------------------------------------------------


def _list(t: Turn) -> list[Reply]:
    rows = [st for st in ann.list_recent(t.db, 50) if is_admin(t) or st["author"] == t.user_id][:10]
    if not rows:
        return [_plain(t, _w(t, "list_empty"))]
    lines, buttons = [], []
    for st in rows:
        lines.append(_line(t, st))
        if st["state"] == "scheduled":
            buttons.append(Button(_w(t, "cancel_id", id=st["id"]), f"/announce cancel {st['id']}"))
        elif st["state"] == "running":
            buttons.append(Button(_w(t, "stop", id=st["id"]), f"/announce stop {st['id']}"))
    return [_plain(t, "\n".join(lines), buttons)]


def _act(t: Turn, verb: str, arg: str) -> list[Reply]:
    aid = int(arg) if arg.isascii() and arg.isdigit() and len(arg) <= 12 else None
    row = ann.get(t.db, aid) if aid is not None else None
    if row is None or not (is_admin(t) or row["author"] == t.user_id):
        return [_plain(t, _w(t, "not_yours", id=arg[:12]))]
    if verb == "status":
        st = ann.status(t.db, aid, t.now)
        state = TEXTS["en" if t.lang == "en" else "zh"]["states"].get(st["state"], st["state"])
        return [_plain(t, _w(t, "progress", **{**st, "state": state}))]
    ok = getattr(ann, verb)(t.db, aid, t.user_id)
    return [_plain(t, _w(t, f"{verb}_{'ok' if ok else 'no'}", id=aid))]


# -- words ------------------------------------------------------------------------------------


def _who(t: Turn, audience: dict) -> str:
    return _w(t, "all") if "all" in audience else ann.describe_audience(audience, t.lang)


def _when_words(t: Turn, at: str | None) -> str:
    if not at:
        return _w(t, "when_now")
    when = datetime.fromisoformat(at).astimezone(TZ)
    return when.strftime("%Y-%m-%d %H:%M")


def _line(t: Turn, st: dict) -> str:
    state = TEXTS["en" if t.lang == "en" else "zh"]["states"].get(st["state"], st["state"])
    when = datetime.fromisoformat(st["send_at"]).astimezone(TZ).strftime("%m-%d %H:%M")
    return _w(
        t,
        "line",
        id=st["id"],
        state=state,
        when=when,
        who=_who(t, st["audience"]),
        sent=st["sent"],
        total=st["total"],
    )
