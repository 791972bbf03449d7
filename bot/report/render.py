"""The monthly report as one self-contained HTML page: inline CSS and SVG charts, no scripts,
no fonts, images or anything else fetched from anywhere; prints to PDF on A4 (print CSS).

Every chart has its table beside it (the numbers, for people and screen readers).
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.report import charts, labels
from bot.report.metrics import HEADLINES, _get
from bot.report.summary import sentences

CSS = """
:root { --ink: #1b1b1b; --muted: #555; --line: #d6d6d6; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
  sans-serif; color: var(--ink); margin: 0; font-size: 18px; line-height: 1.6; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 30px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 23px; margin: 36px 0 12px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 19px; margin: 20px 0 8px; }
.en { color: var(--muted); font-size: 0.85em; font-weight: normal; }
.meta { color: var(--muted); margin: 0; }
.summary li { margin-bottom: 10px; }
.pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 20px;
  align-items: start; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 16px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
.up { color: #1d7a3e; } .down { color: #b03a2e; }
footer { margin-top: 40px; color: var(--muted); font-size: 15px; }
@media (max-width: 760px) { .pair { grid-template-columns: 1fr; } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 12pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; margin-top: 18pt; }
  section, .pair, table, figure { break-inside: avoid; }
  .pair { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
}
"""


def _n(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return f"{value:,}"


def _pct(value) -> str:
    if value is None:
        return "—"
    cls = "up" if value > 0 else "down" if value < 0 else ""
    return f'<span class="{cls}">{value:+.1f}%</span>'


def _table(caption: str, head: list[str], rows: list[list], numeric_from: int = 1) -> str:
    out = [f"<table><caption>{caption}</caption><thead><tr>"]
    for i, h in enumerate(head):
        out.append(f'<th scope="col"{" class=n" if i >= numeric_from else ""}>{h}</th>')
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            tag = "th scope=row" if i == 0 else "td"
            cls = ' class="n"' if i >= numeric_from else ""
            out.append(f"<{tag}{cls}>{cell}</{tag.split()[0]}>")
        out.append("</tr>")
    if not rows:
        out.append(
            f'<tr><td colspan="{len(head)}">暂无数据 <span class="en">no data</span></td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


def _section(title_zh: str, title_en: str, body: str) -> str:
    return (
        f'<section><h2>{title_zh} <span class="en" lang="en">{title_en}</span></h2>{body}</section>'
    )


def _pair(svg: str, table: str) -> str:
    return f'<div class="pair"><figure>{svg}</figure><div>{table}</div></div>'


def _name(zh: str, en: str) -> str:
    return f'{zh} <span class="en" lang="en">{en}</span>'


def render(
    m: dict, guide_names: dict[str, str] | None = None, generated: datetime | None = None
) -> str:
    """The report page for `month_metrics` output `m`."""
    guide_names = guide_names or {}
    prev = m["previous"]
    where = escape(m["district"]) if m.get("district") else "全市 whole city"
    parts = [
        "<header>",
        '<h1>乐龄伴学 月度监测报告 <span class="en" lang="en">Leling monthly monitoring '
        "report</span></h1>",
        f'<p class="meta">{escape(m["month"])} · {where} · 对比 compared with '
        f"{escape(m['previous_month'])}"
        + (f" · 生成于 generated {generated:%Y-%m-%d %H:%M}" if generated else "")
        + "</p></header>",
    ]
    items = "".join(
        f'<li>{escape(zh)}<br><span class="en" lang="en">{escape(en)}</span></li>'
        for zh, en in sentences(m, guide_names)
    )
    parts.append(_section("摘要", "Summary", f'<ul class="summary">{items}</ul>'))

    rows = []
    for path in HEADLINES:
        key = ".".join(path)
        zh, en = labels.HEADLINE_NAMES[key]
        rows.append(
            [_name(zh, en), _n(_get(m, path)), _n(_get(prev, path)), _pct(m["change"][key])]
        )
    parts.append(
        _section(
            "主要数字",
            "Key figures",
            _table(
                "本月与上月 This month and the month before",
                ["", escape(m["month"]), escape(m["previous_month"]), "变化 change"],
                rows,
            ),
        )
    )

    daily = m["daily"]
    svg = charts.line_svg(
        daily["days"],
        {
            "对话 conversations": daily["conversations"],
            "活跃用户 active users": daily["active_users"],
        },
        "每日对话与活跃用户 Conversations and active users per day",
    )
    weeks = [[escape(w["week"]), _n(w["conversations"]), _n(w["active_users"])] for w in m["weeks"]]
    parts.append(
        _section(
            "每天和每周",
            "Per day and per week",
            _pair(svg, _table("每周 Per week", ["周 week", "对话 conv.", "用户 users"], weeks)),
        )
    )

    parts.append(_breakdown(m, "by_channel", "渠道", "By channel", labels.channel))
    parts.append(_breakdown(m, "by_district", "区", "By district", str))

    top = m["top_intents"]
    svg = charts.bar_svg(
        [labels.intent(i["intent"]).split(" ")[0] for i in top],
        [i["count"] for i in top],
        "最常问的事 Top intents",
        horizontal=True,
    )
    rows = [[escape(labels.intent(i["intent"])), _n(i["count"])] for i in top]
    parts.append(
        _section(
            "大家问什么", "Top intents", _pair(svg, _table("", ["意图 intent", "次数 count"], rows))
        )
    )
    parts.append(_guides(m, guide_names))
    parts.append(_reminders(m))
    parts.append(_help(m))
    parts.append(
        "<footer><p>对话：同一个人前后两条消息相隔不超过 30 分钟算一次对话；活跃用户：本月至少发过一条"
        "消息的人（只按不可逆的化名统计，不保存聊天内容）。"
        '<br><span lang="en">A conversation is one person\'s messages with no gap over 30 '
        "minutes; an active user wrote at least once this month (counted by a one-way pseudonym; "
        "no message text is kept for these figures).</span></p></footer>"
    )
    body = "".join(parts)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>乐龄伴学 月度监测报告 {escape(m['month'])}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _breakdown(m: dict, key: str, zh: str, en: str, name) -> str:
    now, before = m[key], m["previous"][key]
    names = list(now) or list(before)
    svg = charts.bar_svg(
        [name(k).split(" ")[0] for k in names],
        {
            f"{m['previous_month']}": [before.get(k, {}).get("conversations", 0) for k in names],
            f"{m['month']}": [now.get(k, {}).get("conversations", 0) for k in names],
        },
        f"各{zh}对话 Conversations {en.lower()}",
    )
    rows = [
        [
            escape(name(k)),
            _n(now.get(k, {}).get("conversations", 0)),
            _n(now.get(k, {}).get("active_users", 0)),
            _n(before.get(k, {}).get("conversations", 0)),
        ]
        for k in names
    ]
    head = ["", "对话 conv.", "用户 users", f"上月对话 {escape(m['previous_month'])}"]
    return _section(f"按{zh}", en, _pair(svg, _table("", head, rows)))


def _guides(m: dict, guide_names: dict[str, str]) -> str:
    g = m["guides"]
    rows = [
        [
            escape(guide_names.get(x["guide"], x["guide"])),
            _n(x["started"]),
            _n(x["finished"]),
            _n(x["abandoned"]),
            _n(x.get("give_up_step")),
        ]
        for x in g["by_guide"]
    ]
    steps = g["abandoned_at"]
    svg = charts.bar_svg(
        [f"第{s}步" for s in steps],
        list(steps.values()),
        "停在哪一步 Step where people left a guide",
    )
    head = ["指南 guide", "开始 started", "学完 finished", "中途停下 left", "最常停在 step"]
    return _section(
        "手机学习指南",
        "Phone guides",
        _pair(
            svg,
            _table(
                "", ["步骤 step", "人次 times"], [[f"第 {s} 步", _n(n)] for s, n in steps.items()]
            ),
        )
        + _table("各指南 Per guide", head, rows),
    )


def _reminders(m: dict) -> str:
    s, r = m["subscriptions"], m["reminders"]
    ps, pr = m["previous"]["subscriptions"], m["previous"]["reminders"]
    names = [("sent", "发出", "sent"), ("late", "迟到", "late"), ("failed", "未送达", "failed")]
    svg = charts.bar_svg(
        [zh for _, zh, _ in names],
        {
            m["previous_month"]: [pr[k] for k, _, _ in names],
            m["month"]: [r[k] for k, _, _ in names],
        },
        "提醒 Reminders",
    )
    rows = [
        [_name("订阅 讲座", "subscribed: lectures"), _n(s["lecture"]), _n(ps["lecture"])],
        [_name("订阅 手机课", "subscribed: classes"), _n(s["lesson"]), _n(ps["lesson"])],
        [_name("订阅 按条件", "subscribed: by topic/district"), _n(s["filter"]), _n(ps["filter"])],
    ]
    rows += [[_name(f"提醒{zh}", f"reminders {en}"), _n(r[k]), _n(pr[k])] for k, zh, en in names]
    head = ["", escape(m["month"]), escape(m["previous_month"])]
    return _section("订阅与提醒", "Subscriptions and reminders", _pair(svg, _table("", head, rows)))


def _help(m: dict) -> str:
    h, ph = m["help_requests"], m["previous"]["help_requests"]
    a, pa = m["announcements"], m["previous"]["announcements"]

    def minutes(v):
        return "—" if v is None else f"{v / 60:.1f}"

    rows = [
        [_name("求助", "requests"), _n(h["created"]), _n(ph["created"])],
        [_name("志愿者接手", "taken by a volunteer"), _n(h["claimed"]), _n(ph["claimed"])],
        [_name("已结束", "closed"), _n(h["closed"]), _n(ph["closed"])],
        [
            _name("接手用时中位数（分钟）", "median minutes to take"),
            minutes(h["time_to_claim_s"]["median"]),
            minutes(ph["time_to_claim_s"]["median"]),
        ],
        [
            _name("结束用时中位数（分钟）", "median minutes to close"),
            minutes(h["time_to_close_s"]["median"]),
            minutes(ph["time_to_close_s"]["median"]),
        ],
        [_name("通知", "announcements"), _n(a["announcements"]), _n(pa["announcements"])],
        [_name("通知送达", "delivered"), _n(a["sent"]), _n(pa["sent"])],
        [_name("通知未送达", "failed"), _n(a["failed"]), _n(pa["failed"])],
    ]
    head = ["", escape(m["month"]), escape(m["previous_month"])]
    return _section("求助与通知", "Help requests and announcements", _table("", head, rows))
