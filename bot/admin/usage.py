"""GET /admin/usage?month=2026-12&view=day|week&district=朝阳区 — how Leling is used.

The figures are bot/report/metrics.py's (the same as `leling report`): conversations and active
users per day or per week, by channel and by district, top intents, guides started and finished
(and the step people give up on), subscriptions, reminders sent / late / failed, help requests
with their time to claim and to close, announcements. Each chart (bot/admin/charts.py) has its
table beside it; a phone shows the table under the chart.
"""

from __future__ import annotations

import asyncio
from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from bot.admin.charts import bar_image, line_image
from bot.admin.common import admin, admin_page, esc, now_of, table
from bot.admin.texts import u
from content.districts import BY_NAME


def _months(today: date, n: int = 12) -> list[str]:
    out, y, m = [], today.year, today.month
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out


def _until(daily: dict, last: str) -> dict:
    """The daily series without the days after `last` (the rest of the current month)."""
    keep = sum(1 for d in daily["days"] if d <= last)
    out = dict(daily)
    for key in ("days", "conversations", "active_users", "turns"):
        out[key] = daily[key][:keep]
    out["by_channel"] = {
        c: {k: v[:keep] for k, v in series.items()} for c, series in daily["by_channel"].items()
    }
    return out


def _choice(value: str | None, allowed, default: str) -> str:
    return value if value in allowed else default


def _select(name: str, label: str, options: list[tuple[str, str]], chosen: str) -> str:
    opts = "".join(
        f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(text)}</option>'
        for v, text in options
    )
    return (
        f'<div><label for="{name}">{esc(label)}</label>'
        f'<select id="{name}" name="{name}">{opts}</select></div>'
    )


def _filters(lang: str, months: list[str], month: str, view: str, district: str) -> str:
    views = [("day", u(lang, "by_day")), ("week", u(lang, "by_week"))]
    districts = [("", u(lang, "all_districts"))] + [(d, d) for d in BY_NAME]
    return (
        '<form class="staff-form filters" method="get" action="/admin/usage">'
        + _select("month", u(lang, "month"), [(m, m) for m in months], month)
        + _select("view", u(lang, "view"), views, view)
        + _select("district", u(lang, "district"), districts, district)
        + f'<div><button type="submit" class="btn btn-main btn-primary">{esc(u(lang, "show"))}'
        "</button></div></form>"
    )


def figure(fid: str, title: str, chart: str, heads: list[str], rows: list[list]) -> str:
    """One section: a heading, the chart and its table side by side."""
    if not rows:
        return ""
    return (
        f'<section aria-labelledby="{fid}"><h2 id="{fid}">{esc(title)}</h2>'
        f'<div class="figure"><div class="chart">{chart}</div>'
        f"{table(heads, rows, cls='numbers')}</div></section>"
    )


def _time_figures(lang: str, m: dict, view: str) -> list[str]:
    out = []
    conv, users = u(lang, "conversations"), u(lang, "active_users")
    daily = m["daily"]
    if view == "week":
        weeks = m.get("weeks") or []
        labels = [w["week"] for w in weeks]
        values = {
            conv: [w["conversations"] for w in weeks],
            users: [w["active_users"] for w in weeks],
        }
        title = u(lang, "per_week")
        rows = [[w["week"], w["start"], w["conversations"], w["active_users"]] for w in weeks]
        heads = [u(lang, "week"), u(lang, "week_start"), conv, users]
        chart = bar_image(labels, values, title) if weeks else ""
        out.append(figure("fig-time", title, chart, heads, rows))
    else:
        title = u(lang, "per_day")
        series = {conv: daily["conversations"], users: daily["active_users"]}
        rows = [
            [d, c, a]
            for d, c, a in zip(
                daily["days"], daily["conversations"], daily["active_users"], strict=True
            )
            if c or a
        ]
        chart = line_image(daily["days"], series, title)
        out.append(figure("fig-time", title, chart, [u(lang, "day"), conv, users], rows))
    channels = daily.get("by_channel") or {}
    if channels and view == "day":
        title = u(lang, "per_day_channel")
        series = {u(lang, "ch_" + c): v["conversations"] for c, v in channels.items()}
        chart = line_image(daily["days"], series, title)
    else:
        chart = ""
    by_channel = m.get("by_channel") or {}
    if by_channel:
        title = u(lang, "by_channel")
        labels = [u(lang, "ch_" + c) for c in by_channel]
        if not chart:
            chart = bar_image(labels, [v["conversations"] for v in by_channel.values()], title)
        rows = [
            [u(lang, "ch_" + c), v["conversations"], v["active_users"], v["turns"]]
            for c, v in by_channel.items()
        ]
        heads = [u(lang, "channel"), conv, users, u(lang, "turns")]
        out.append(figure("fig-channel", title, chart, heads, rows))
    by_district = m.get("by_district") or {}
    if by_district:
        title = u(lang, "by_district")
        labels = list(by_district)
        chart = bar_image(labels, [v["conversations"] for v in by_district.values()], title, True)
        rows = [
            [d, v["conversations"], v["active_users"], v["turns"]] for d, v in by_district.items()
        ]
        heads = [u(lang, "district"), conv, users, u(lang, "turns")]
        out.append(figure("fig-district", title, chart, heads, rows))
    return out


def _activity_figures(lang: str, m: dict) -> list[str]:
    out = []
    intents = m.get("top_intents") or []
    if intents:
        title = u(lang, "top_intents")
        chart = bar_image(
            [i["intent"] for i in intents], [i["count"] for i in intents], title, True
        )
        rows = [[i["intent"], i["count"]] for i in intents]
        out.append(figure("fig-intents", title, chart, [u(lang, "intent"), u(lang, "count")], rows))
    guides = (m.get("guides") or {}).get("by_guide") or []
    if guides:
        title = u(lang, "guides")
        names = [g["guide"] for g in guides]
        values = {
            u(lang, "started"): [g["started"] for g in guides],
            u(lang, "finished"): [g["finished"] for g in guides],
        }
        chart = bar_image(names, values, title, True)
        rows = [
            [g["guide"], g["started"], g["finished"], g["abandoned"], g.get("give_up_step") or ""]
            for g in guides
        ]
        heads = [
            u(lang, "guide"),
            u(lang, "started"),
            u(lang, "finished"),
            u(lang, "abandoned"),
            u(lang, "give_up_step"),
        ]
        out.append(figure("fig-guides", title, chart, heads, rows))
    steps = (m.get("guides") or {}).get("abandoned_at") or {}
    if steps:
        title = u(lang, "give_up")
        chart = bar_image([str(s) for s in steps], list(steps.values()), title)
        rows = [[s, n] for s, n in steps.items()]
        out.append(figure("fig-steps", title, chart, [u(lang, "step"), u(lang, "count")], rows))
    return out


def _count_figure(fid: str, lang: str, title: str, pairs: list[tuple[str, object]]) -> str:
    shown = [(k, v) for k, v in pairs if v is not None]
    if not any(isinstance(v, int | float) and v for _, v in shown):
        return ""
    numeric = [(k, v) for k, v in shown if isinstance(v, int)]
    chart = bar_image([k for k, _ in numeric], [v for _, v in numeric], title, True)
    return figure(fid, title, chart, [u(lang, "what"), u(lang, "count")], [list(p) for p in shown])


def _service_figures(lang: str, m: dict) -> list[str]:
    s, r = m.get("subscriptions") or {}, m.get("reminders") or {}
    h, a = m.get("help_requests") or {}, m.get("announcements") or {}

    def minutes(v):
        return None if v is None else round(v / 60, 1)

    return [
        _count_figure(
            "fig-subs",
            lang,
            u(lang, "subscriptions"),
            [
                (u(lang, "sub_" + k), s.get(k))
                for k in ("lecture", "lesson", "filter", "subscribers")
            ],
        ),
        _count_figure(
            "fig-reminders",
            lang,
            u(lang, "reminders"),
            [(u(lang, "rem_" + k), r.get(k)) for k in ("sent", "late", "failed")],
        ),
        _count_figure(
            "fig-help",
            lang,
            u(lang, "help"),
            [(u(lang, "help_" + k), h.get(k)) for k in ("created", "claimed", "closed")]
            + [
                (u(lang, "claim_min"), minutes((h.get("time_to_claim_s") or {}).get("median"))),
                (u(lang, "close_min"), minutes((h.get("time_to_close_s") or {}).get("median"))),
            ],
        ),
        _count_figure(
            "fig-announce",
            lang,
            u(lang, "announcements"),
            [
                (u(lang, "ann_" + k), a.get(k))
                for k in ("announcements", "sent", "failed", "blocked", "opted_out")
            ],
        ),
    ]


def _headline(lang: str, m: dict) -> str:
    rows = []
    for key in ("conversations", "active_users", "turns", "not_understood"):
        now, before = m.get(key), (m.get("previous") or {}).get(key)
        ch = (m.get("change") or {}).get(key)
        rows.append([u(lang, key), now, before, "" if ch is None else f"{ch:+.1f}%"])
    heads = [u(lang, "what"), m["month"], m.get("previous_month", ""), u(lang, "change")]
    return table(heads, rows, caption=u(lang, "headline"), cls="numbers")


def render(lang: str, m: dict, view: str) -> str:
    """The figures' HTML (charts drawn here: call on a worker thread)."""
    parts = [_headline(lang, m)]
    parts += _time_figures(lang, m, view)
    parts += _activity_figures(lang, m)
    parts += _service_figures(lang, m)
    body = "".join(p for p in parts if p)
    if not m.get("turns"):
        body += f'<p class="staff-note">{esc(u(lang, "no_data"))}</p>'
    return body


async def usage(request: Request) -> Response:
    """GET /admin/usage."""
    from bot.report.metrics import month_metrics

    staff = await admin(request)
    lang = staff.lang
    today = now_of(request).date()
    months = _months(today)
    q = request.query_params
    month = _choice(q.get("month"), months, months[0])
    view = _choice(q.get("view"), ("day", "week"), "day")
    district = _choice(q.get("district"), BY_NAME, "")
    services = request.app.state.services
    m = await services.run(month_metrics, services.db, month, district or None)
    if month == months[0]:
        m["daily"] = _until(m["daily"], today.isoformat())
    figures = await asyncio.to_thread(render, lang, m, view)
    title = u(lang, "title")
    where = district or u(lang, "all_districts")
    body = (
        f"<h1>{esc(title)}</h1>"
        f"{_filters(lang, months, month, view, district)}"
        f'<p class="staff-hint">{esc(u(lang, "showing", month=month, where=where))}</p>'
        f"{figures}"
    )
    return admin_page(title, body, staff, "usage")
