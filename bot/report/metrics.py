"""The usage figures of the monthly report and the /admin usage pages, from the events table
(store/events.py) — counts, ids and times only, never what anyone wrote.

- `month_metrics(db, "2026-12", district=None)`: one month's figures with the month before's
  beside them (`"previous"`) and the change in per cent (`"change"`).
- `daily_series(db, start, end, district=None)`: per day (and per ISO week) conversations,
  active users and turns, in total and per channel, from `start` to `end` inclusive.

A conversation is a run of one person's messages with no gap longer than 30 minutes; an active
user is a person (their pseudonymous key) who wrote at least once. Days and months are Beijing
days and months. Every number is computed from the same rows the report's JSON holds.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta

import sqlite_utils

from store import events as event_log
from store.events import TZ, stamp

GAP_MINUTES = 30
TOP_INTENTS = 10
CHANNELS = ("telegram", "wechat", "web", "terminal")


def month_range(month: str) -> tuple[date, date]:
    """("2026-12") → (2026-12-01, 2027-01-01); ValueError for anything but YYYY-MM."""
    try:
        year, mon = (int(p) for p in month.split("-"))
        first = date(year, mon, 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"month {month!r}: expected YYYY-MM, e.g. 2026-12") from exc
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return first, nxt


def previous_month(month: str) -> str:
    """ "2026-12" → "2026-11"; "2027-01" → "2026-12"."""
    first, _ = month_range(month)
    prev = first - timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


def _bound(day: date) -> str:
    return stamp(datetime(day.year, day.month, day.day, tzinfo=TZ))


def _turn_rows(db, start: date, end: date, district: str | None):
    """(day, channel, district, user_key, starts a conversation) per turn in [start, end)."""
    return event_log.turns_between(db, _bound(start), _bound(end), GAP_MINUTES, district)


def _counts(rows, key) -> dict:
    """conversations, active users and turns per `key(row)`."""
    conv: dict = {}
    users: dict = {}
    turns: dict = {}
    for row in rows:
        k = key(row)
        turns[k] = turns.get(k, 0) + 1
        conv[k] = conv.get(k, 0) + int(row[4])
        if row[3]:
            users.setdefault(k, set()).add(row[3])
    keys = sorted(turns, key=lambda k: (k is None, str(k)))
    return {
        k: {"conversations": conv[k], "active_users": len(users.get(k, ())), "turns": turns[k]}
        for k in keys
    }


def _summary(db: sqlite_utils.Database, start: date, end: date, district: str | None) -> dict:
    rows = _turn_rows(db, start, end, district)
    users = {r[3] for r in rows if r[3]}
    found = event_log.between(
        db,
        _bound(start),
        _bound(end),
        kinds=[
            "guide_started",
            "guide_finished",
            "guide_abandoned",
            "subscribed",
            "reminder_sent",
            "reminder_failed",
            "help_created",
            "help_claimed",
            "help_closed",
            "announcement_sent",
            "not_understood",
        ],
        district=district,
    )
    intents = event_log.intents_between(db, _bound(start), _bound(end), district)
    return {
        "conversations": sum(int(r[4]) for r in rows),
        "active_users": len(users),
        "turns": len(rows),
        "by_channel": _counts(rows, lambda r: r[1] or "?"),
        "by_district": _counts(rows, lambda r: r[2] or "未知 unknown"),
        "weeks": _weeks(rows),
        "top_intents": [
            {"intent": k, "count": v}
            for k, v in sorted(intents.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_INTENTS]
        ],
        "guides": _guides(found),
        "subscriptions": _subscriptions(found),
        "reminders": _reminders(found),
        "help_requests": _help(found),
        "announcements": _announcements(found),
        "not_understood": sum(1 for e in found if e["kind"] == "not_understood"),
    }


def _weeks(rows) -> list[dict]:
    weeks: dict[str, dict] = {}
    for day, _channel, _district, key, starts in rows:
        d = date.fromisoformat(day)
        iso = d.isocalendar()
        name = f"{iso[0]}-W{iso[1]:02d}"
        w = weeks.setdefault(
            name,
            {
                "week": name,
                "start": (d - timedelta(days=d.weekday())).isoformat(),
                "conversations": 0,
                "users": set(),
                "turns": 0,
            },
        )
        w["conversations"] += int(starts)
        w["turns"] += 1
        if key:
            w["users"].add(key)
    out = []
    for name in sorted(weeks):
        w = weeks[name]
        out.append(
            {
                "week": name,
                "start": w["start"],
                "conversations": w["conversations"],
                "active_users": len(w["users"]),
                "turns": w["turns"],
            }
        )
    return out


def _guides(events: list[dict]) -> dict:
    per: dict[str, dict] = {}
    steps: dict[str, int] = {}
    for e in events:
        if not e["kind"].startswith("guide_"):
            continue
        gid = str(e["detail"].get("guide", "?"))
        g = per.setdefault(
            gid, {"guide": gid, "started": 0, "finished": 0, "abandoned": 0, "abandoned_at": {}}
        )
        what = e["kind"][len("guide_") :]
        g[what] += 1
        if what == "abandoned":
            step = str(e["detail"].get("step", "?"))
            g["abandoned_at"][step] = g["abandoned_at"].get(step, 0) + 1
            steps[step] = steps.get(step, 0) + 1
    started = sum(g["started"] for g in per.values())
    finished = sum(g["finished"] for g in per.values())
    for g in per.values():
        g["abandoned_at"] = dict(sorted(g["abandoned_at"].items(), key=lambda kv: _num(kv[0])))
        g["give_up_step"] = _mode(g["abandoned_at"])
    return {
        "started": started,
        "finished": finished,
        "abandoned": sum(g["abandoned"] for g in per.values()),
        "completion": round(finished / started, 3) if started else None,
        "abandoned_at": dict(sorted(steps.items(), key=lambda kv: _num(kv[0]))),
        "by_guide": sorted(per.values(), key=lambda g: (-g["started"], g["guide"])),
    }


def _num(text: str) -> tuple:
    return (0, int(text)) if text.isdigit() else (1, text)


def _mode(counts: dict) -> int | None:
    if not counts:
        return None
    step = max(counts.items(), key=lambda kv: (kv[1], -_num(kv[0])[0]))[0]
    return int(step) if step.isdigit() else None


def _subscriptions(events: list[dict]) -> dict:
    out = {"total": 0, "lecture": 0, "lesson": 0, "filter": 0, "subscribers": 0}
    people = set()
    for e in events:
        if e["kind"] == "subscribed":
            out["total"] += 1
            kind = e["detail"].get("kind")
            if kind in out:
                out[kind] += 1
            if e["user_key"]:
                people.add(e["user_key"])
    out["subscribers"] = len(people)
    return out


def _reminders(events: list[dict]) -> dict:
    sent = [e for e in events if e["kind"] == "reminder_sent"]
    failed = sum(1 for e in events if e["kind"] == "reminder_failed")
    late = sum(1 for e in sent if e["detail"].get("late"))
    attempted = len(sent) + failed
    return {
        "sent": len(sent),
        "late": late,
        "failed": failed,
        "on_time_rate": round((len(sent) - late) / attempted, 3) if attempted else None,
    }


def _seconds(values: list[float]) -> dict:
    if not values:
        return {"median": None, "mean": None, "max": None}
    return {
        "median": round(statistics.median(values)),
        "mean": round(statistics.fmean(values)),
        "max": round(max(values)),
    }


def _help(events: list[dict]) -> dict:
    waits = [
        float(e["detail"]["wait_s"])
        for e in events
        if e["kind"] == "help_claimed" and e["detail"].get("wait_s") is not None
    ]
    opens = [
        float(e["detail"]["open_s"])
        for e in events
        if e["kind"] == "help_closed" and e["detail"].get("open_s") is not None
    ]
    return {
        "created": sum(1 for e in events if e["kind"] == "help_created"),
        "claimed": sum(1 for e in events if e["kind"] == "help_claimed"),
        "closed": sum(1 for e in events if e["kind"] == "help_closed"),
        "time_to_claim_s": _seconds(waits),
        "time_to_close_s": _seconds(opens),
    }


def _announcements(events: list[dict]) -> dict:
    out = {"announcements": 0, "sent": 0, "failed": 0, "blocked": 0, "opted_out": 0}
    for e in events:
        if e["kind"] == "announcement_sent":
            out["announcements"] += 1
            for key in ("sent", "failed", "blocked", "opted_out"):
                out[key] += int(e["detail"].get(key) or 0)
    return out


# The figures compared month on month (path into the summary).
HEADLINES = (
    ("conversations",),
    ("active_users",),
    ("turns",),
    ("guides", "started"),
    ("guides", "finished"),
    ("subscriptions", "total"),
    ("reminders", "sent"),
    ("reminders", "late"),
    ("reminders", "failed"),
    ("help_requests", "created"),
    ("help_requests", "closed"),
    ("announcements", "sent"),
    ("not_understood",),
)


def _get(summary: dict, path: tuple) -> float | None:
    value = summary
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def change(now: float | None, before: float | None) -> float | None:
    """The change from `before` to `now` in per cent (None when there was nothing before)."""
    if now is None or not before:
        return None
    return round((now - before) / before * 100, 1)


def month_metrics(db: sqlite_utils.Database, month: str = "2026-12", district=None) -> dict:
    """One month's figures (Beijing time), the month before's (`previous`) and the change in
    per cent of the headline figures (`change`, keyed "conversations", "guides.started", …).
    Also `daily`: `daily_series` for the month."""
    start, end = month_range(month)
    prev = previous_month(month)
    pstart, pend = month_range(prev)
    current = _summary(db, start, end, district)
    before = _summary(db, pstart, pend, district)
    return {
        "month": month,
        "previous_month": prev,
        "district": district,
        "start": start.isoformat(),
        "end": (end - timedelta(days=1)).isoformat(),
        **current,
        "previous": before,
        "change": {
            ".".join(path): change(_get(current, path), _get(before, path)) for path in HEADLINES
        },
        "daily": daily_series(db, start, end - timedelta(days=1), district),
    }


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(TZ).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def daily_series(db: sqlite_utils.Database, start, end, district=None) -> dict:
    """Per day from `start` to `end` inclusive (dates, datetimes or "YYYY-MM-DD"): lists
    `days`, `conversations`, `active_users`, `turns`, and `by_channel` {channel:
    {"conversations": [...], "active_users": [...]}}; plus `weeks` (ISO weeks touched)."""
    first, last = _as_date(start), _as_date(end)
    if last < first:
        raise ValueError("the end comes before the start")
    rows = _turn_rows(db, first, last + timedelta(days=1), district)
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    per_day = _counts(rows, lambda r: r[0])
    per_day_channel = _counts(rows, lambda r: (r[0], r[1] or "?"))
    channels = sorted({r[1] or "?" for r in rows}, key=lambda c: (c not in CHANNELS, c))

    def series(table: dict, key, field: str) -> list[int]:
        return [table.get(key(d), {}).get(field, 0) for d in days]

    return {
        "days": days,
        "conversations": series(per_day, lambda d: d, "conversations"),
        "active_users": series(per_day, lambda d: d, "active_users"),
        "turns": series(per_day, lambda d: d, "turns"),
        "by_channel": {
            c: {
                "conversations": series(per_day_channel, lambda d, c=c: (d, c), "conversations"),
                "active_users": series(per_day_channel, lambda d, c=c: (d, c), "active_users"),
            }
            for c in channels
        },
        "weeks": _weeks(rows),
    }
