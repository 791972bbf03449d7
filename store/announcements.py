"""Announcements: a volunteer's (or an operator's) message pushed to an audience.

    audience = parse_audience("district=朝阳区")          # {"district": "朝阳区"}
    count_recipients(db, audience)                        # 312
    preview(db, "telegram:7", "周六上午有义诊", "zh")       # exactly what recipients read
    aid = create(db, "telegram:7", audience, "周六上午有义诊", at=None)
    status(db, aid)   # {"state": "scheduled", "total": 312, "sent": 0, …}
    cancel(db, aid, "telegram:7") / stop(db, aid, "telegram:7")

An announcement is `scheduled` until its time, `running` while the scheduler delivers it
(scheduler/announce.py: one `deliveries` row per recipient, written in one transaction when it
starts), then `done`; `cancelled` (before it started) and `stopped` (while running) are final.
Callers check who may announce (`can_announce`); every create, cancel and stop is audited
(without the text). Recipients are active users of a channel that can be pushed to (Telegram,
the web inbox, WeChat); users who said "不要再发通知了" (`users.news_off`) are counted, and
their delivery row says `opted_out`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from content.schedule import TZ
from store import audit, volunteers
from store.db import fetch_one, transaction

# The columns naming a user are registered in store/users.py (USER_COLUMNS, DETACH_COLUMNS).
AUDIENCE_KEYS = ("all", "district", "topic", "center", "lesson", "lecture")
PUSH_CHANNELS = ("telegram", "web", "wechat")
MAX_TEXT = 1000  # a Telegram photo caption is at most 1024 characters, with the label
MAX_VALUE = 60
ORG = {"zh": "乐龄伴学", "en": "Leling"}
FOOTER = {
    "zh": "（不想再收到这类通知，回复“不要再发通知了”）",
    "en": '(To stop these notices, reply "stop sending news")',
}
# Delivery row states, and what `status` reports them as.
DELIVERY_STATES = (
    "pending",
    "sending",
    "sent",
    "failed",
    "blocked",
    "opted_out",
    "capped",
    "unknown",
    "stopped",
)


class AudienceError(ValueError):
    """An audience that cannot be understood (the message says why, in plain words)."""


def _now() -> datetime:
    return datetime.now(TZ)


def iso(when: datetime) -> str:
    """The stored form of a time: Asia/Shanghai, whole seconds, with +08:00."""
    return when.astimezone(TZ).replace(microsecond=0).isoformat()


def parse_audience(text: str) -> dict:
    """The CLI form of an audience: "all", "district=朝阳区", "topic=…", "center=ID",
    "lesson=ID", "lecture=ID". Raises AudienceError with a plain explanation."""
    text = (text or "").strip()
    if text in ("all", "全部", "所有人"):
        return {"all": True}
    key, sep, value = text.partition("=")
    return validate_audience({key.strip(): value.strip()} if sep else {text: ""})


def validate_audience(audience) -> dict:
    """`audience` checked and normalised (exactly one known key with a short non-empty value)."""
    if not isinstance(audience, dict) or len(audience) != 1:
        raise AudienceError("choose one audience: all, district, topic, center, lesson or lecture")
    ((key, value),) = audience.items()
    if key not in AUDIENCE_KEYS:
        raise AudienceError(
            f"unknown audience {key!r}: use all, district=…, topic=…, center=…, lesson=… or lecture=…"
        )
    if key == "all":
        if value not in (True, "", "1", "true", 1):
            raise AudienceError("all takes no value")
        return {"all": True}
    value = " ".join(str(value or "").split())
    if not value or len(value) > MAX_VALUE:
        raise AudienceError(f"{key} needs a value, e.g. {key}=…")
    return {key: value}


def describe_audience(audience: dict, lang: str = "zh") -> str:
    """The audience in words ("朝阳区的用户", "subscribers of lesson les-1")."""
    ((key, value),) = validate_audience(audience).items()
    zh = {
        "all": "所有用户",
        "district": f"{value}的用户",
        "topic": f"关注「{value}」的用户",
        "center": f"{value} 活动的订阅者",
        "lesson": f"课程 {value} 的订阅者",
        "lecture": f"讲座 {value} 的订阅者",
    }
    en = {
        "all": "all users",
        "district": f"users in {value}",
        "topic": f"users following “{value}”",
        "center": f"subscribers of events at {value}",
        "lesson": f"subscribers of lesson {value}",
        "lecture": f"subscribers of lecture {value}",
    }
    return (en if lang == "en" else zh)[key]


_CATALOGUE_TOPIC = (
    "EXISTS (SELECT 1 FROM {table} c, json_each(json_extract(c.record, '$.topics')) t"
    " WHERE c.id = s.target_id AND t.value = :value)"
)


def _audience_where(audience: dict) -> tuple[str, dict]:
    """SQL over `users u` selecting the audience's recipients, with its arguments."""
    ((key, value),) = validate_audience(audience).items()
    marks = ", ".join(f"'{c}'" for c in PUSH_CHANNELS)
    where = f"u.active = 1 AND u.channel IN ({marks})"
    args: dict = {"value": value}
    subscribed = "u.id IN (SELECT s.user_id FROM subscriptions s WHERE s.active = 1 AND ({}))"
    if key == "district":
        where += " AND u.home_district = :value"
    elif key in ("lesson", "lecture"):
        args["kind"] = key
        where += " AND " + subscribed.format("s.kind = :kind AND s.target_id = :value")
    elif key == "center":
        where += " AND " + subscribed.format(
            "(s.kind = 'lecture' AND s.target_id IN (SELECT id FROM lectures WHERE center = :value))"
            " OR (s.kind = 'lesson' AND s.target_id IN (SELECT id FROM lessons WHERE center = :value))"
            " OR (s.kind = 'filter' AND json_extract(s.filter, '$.center') = :value)"
        )
    elif key == "topic":
        where += " AND " + subscribed.format(
            "(s.kind = 'lecture' AND " + _CATALOGUE_TOPIC.format(table="lectures") + ")"
            " OR (s.kind = 'lesson' AND " + _CATALOGUE_TOPIC.format(table="lessons") + ")"
            " OR (s.kind = 'filter' AND json_extract(s.filter, '$.topic') = :value)"
        )
    return where, args


def recipients_sql(audience: dict) -> tuple[str, dict]:
    """`SELECT u.id, u.news_off FROM users u WHERE …` for the audience (scheduler/announce.py
    turns it into delivery rows)."""
    where, args = _audience_where(audience)
    return f"SELECT u.id, u.news_off FROM users u WHERE {where}", args


def count_recipients(db: sqlite_utils.Database, audience: dict) -> int:
    """How many users the audience reaches now (those who opted out included: they are
    reported as `opted_out`)."""
    where, args = _audience_where(audience)
    return db.execute(f"SELECT count(*) FROM users u WHERE {where}", args).fetchone()[0]


def sender_labels(db: sqlite_utils.Database, sender_user_id: str) -> dict[str, str]:
    """How recipients see the sender, per language: "【东城区乐龄学习中心 · 志愿者王】"."""
    v = volunteers.get(db, sender_user_id, include_revoked=True)
    if v is None:
        return {lang: f"【{org}】" for lang, org in ORG.items()}
    name = v["name"]
    zh = name if name.startswith("志愿者") else f"志愿者{name}"
    return {"zh": f"【{v['org']} · {zh}】", "en": f"【{v['org']} · Volunteer {name}】"}


def render(labels: dict[str, str], text: str, lang: str) -> str:
    """The message a recipient reads: label, text, and how to stop such notices."""
    lang = "en" if lang == "en" else "zh"
    return f"{labels.get(lang) or labels.get('zh')}\n{text.strip()}\n{FOOTER[lang]}"


def preview(db: sqlite_utils.Database, sender_user_id: str, text: str, lang: str = "zh") -> str:
    """Exactly what a recipient with language `lang` will read."""
    return render(sender_labels(db, sender_user_id), clean_text(text), lang)


def clean_text(text: str) -> str:
    """The announcement's text, checked: not empty, at most MAX_TEXT characters."""
    text = (text or "").strip()
    if not text:
        raise ValueError("the announcement has no text")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the announcement is too long ({len(text)} > {MAX_TEXT} characters)")
    return text


def can_announce(db: sqlite_utils.Database, user_id: str, admins=()) -> bool:
    """True for an active volunteer or an admin (listed in LELING_ADMINS)."""
    return user_id in tuple(admins) or volunteers.get(db, user_id) is not None


def create(
    db: sqlite_utils.Database,
    sender: str,
    audience: dict,
    text: str,
    at: datetime | None = None,
    photo: str | None = None,
) -> int:
    """Schedule an announcement from `sender` (a user id, or "operator") at `at` (aware; None or
    a time already past = now); return its id. The caller has checked that `sender` may announce."""
    audience = validate_audience(audience)
    text = clean_text(text)
    if at is not None and at.tzinfo is None:
        raise ValueError("the time needs a time zone")
    when = at or _now()  # a time already past means "now"
    total = count_recipients(db, audience)
    labels = sender_labels(db, sender)
    with transaction(db):
        cursor = db.execute(
            "INSERT INTO announcements (author, audience, text, send_at, status, created_at,"
            " label, photo, total) VALUES (?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)",
            [
                sender,
                json.dumps(audience, ensure_ascii=False),
                text,
                iso(when),
                datetime.now(UTC).isoformat(timespec="seconds"),
                json.dumps(labels, ensure_ascii=False),
                photo or None,
                total,
            ],
        )
        aid = cursor.lastrowid
    audit.record(
        db,
        sender,
        "announcement.create",
        {"id": aid, "audience": audience, "at": iso(when), "recipients": total, "chars": len(text)},
    )
    return aid


def cancel(db: sqlite_utils.Database, id: int, by: str) -> bool:  # noqa: A002 - agreed interface
    """Cancel a scheduled announcement that has not started; False otherwise."""
    cursor = db.conn.execute(
        "UPDATE announcements SET status = 'cancelled', cancelled_by = ?, finished_at = ?"
        " WHERE id = ? AND status = 'scheduled'",
        [by, iso(_now()), id],
    )
    db.conn.commit()
    if cursor.rowcount != 1:
        return False
    audit.record(db, by, "announcement.cancel", {"id": id})
    return True


def stop(db: sqlite_utils.Database, id: int, by: str) -> bool:  # noqa: A002 - agreed interface
    """Stop a running announcement: what has not gone out yet never will; False when it was not
    running."""
    with transaction(db):
        cursor = db.execute(
            "UPDATE announcements SET status = 'stopped', stopped_by = ?, finished_at = ?"
            " WHERE id = ? AND status = 'running'",
            [by, iso(_now()), id],
        )
        if cursor.rowcount != 1:
            return False
        db.execute(
            "UPDATE deliveries SET status = 'stopped', claimed_at = coalesce(claimed_at, due_at)"
            " WHERE announcement_id = ? AND status = 'pending'",
            [id],
        )
    audit.record(db, by, "announcement.stop", {"id": id})
    return True


def get(db: sqlite_utils.Database, id: int) -> dict | None:  # noqa: A002 - like cancel/stop
    """The announcement's row (audience and labels decoded), or None."""
    out = fetch_one(db, "SELECT * FROM announcements WHERE id = ?", [id])
    if out is None:
        return None
    out["audience"] = json.loads(out["audience"] or "{}")
    out["label"] = json.loads(out["label"]) if out.get("label") else sender_labels(db, "")
    return out


def status(db: sqlite_utils.Database, id: int, now: datetime | None = None) -> dict:  # noqa: A002
    """Progress: {"id", "state", "total", "sent", "failed", "blocked", "opted_out", "capped",
    "unknown", "stopped", "pending", "deferred", "audience", "send_at", "author", …}.
    `pending` counts rows due now (and in flight); `deferred` rows waiting for the end of the
    recipient's quiet hours. Raises LookupError for an unknown id."""
    a = get(db, id)
    if a is None:
        raise LookupError(f"no announcement {id}")
    counts = dict.fromkeys(DELIVERY_STATES, 0)
    counts["deferred"] = 0
    stamp = iso(now or _now())
    for state, later, n in db.execute(
        "SELECT status, coalesce(due_at > ?, 0), count(*) FROM deliveries"
        " WHERE announcement_id = ? GROUP BY 1, 2",
        [stamp, id],
    ).fetchall():
        key = "deferred" if state == "pending" and later else state
        counts[key] = counts.get(key, 0) + n
    started = a["status"] not in ("scheduled", "cancelled") and sum(counts.values()) > 0
    total = sum(counts.values()) if started else a["total"] or 0
    pending = counts.pop("pending") + counts.pop("sending")
    if a["status"] == "scheduled":
        pending = total
    return {
        "id": a["id"],
        "state": a["status"],
        "total": total,
        "pending": pending,
        **counts,
        "audience": a["audience"],
        "send_at": a["send_at"],
        "author": a["author"],
        "label": a["label"],
        "text": a["text"],
        "photo": a.get("photo"),
        "created_at": a["created_at"],
        "started_at": a.get("started_at"),
        "finished_at": a.get("finished_at"),
    }


def list_recent(db: sqlite_utils.Database, limit: int = 20) -> list[dict]:
    """The latest announcements, newest first, each as `status` gives it."""
    ids = [
        r[0]
        for r in db.execute(
            "SELECT id FROM announcements ORDER BY id DESC LIMIT ?", [int(limit)]
        ).fetchall()
    ]
    return [status(db, i) for i in ids]


def set_news(db: sqlite_utils.Database, user_id: str, on: bool) -> bool:
    """Opt in to (True) or out of (False) announcements; reminders are not affected. Returns
    whether anything changed."""
    cursor = db.conn.execute(
        "UPDATE users SET news_off = ? WHERE id = ? AND news_off IS NOT ?",
        [int(not on), user_id, int(not on)],
    )
    db.conn.commit()
    if cursor.rowcount:
        audit.record(db, user_id, "news.on" if on else "news.off", {})
    return bool(cursor.rowcount)
