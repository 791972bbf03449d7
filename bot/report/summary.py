"""The report's short plain-language summary: a few sentences in Mandarin, each with English."""

from __future__ import annotations

from bot.report import labels


def _month_zh(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(year)}年{int(mon)}月"


def _trend(now: float, before: float | None) -> tuple[str, str]:
    """("比上月多 12%", "up 12% on last month") — or "持平" / "no data for last month"."""
    if not before:
        return ("上月没有数据", "no figures for the month before")
    pct = (now - before) / before * 100
    if abs(pct) < 0.5:
        return ("与上月持平", "the same as the month before")
    if pct > 0:
        return (f"比上月多 {pct:.0f}%", f"up {pct:.0f}% on the month before")
    return (f"比上月少 {-pct:.0f}%", f"down {-pct:.0f}% on the month before")


_UNITS = {"zh": ("秒", "分钟", "小时"), "en": ("s", "min", "h")}


def _minutes(seconds: float | None, lang: str = "zh") -> str:
    """A wait in words: "40 秒", "12 分钟", "2.5 小时" (en: "40 s", "12 min", "2.5 h")."""
    if seconds is None:
        return "—"
    s, m, h = _UNITS[lang]
    if seconds < 90:
        return f"{seconds:.0f} {s}"
    if seconds < 5400:
        return f"{seconds / 60:.0f} {m}"
    return f"{seconds / 3600:.1f} {h}"


def sentences(m: dict, guide_names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The summary of `month_metrics` output, as (zh, en) sentences."""
    guide_names = guide_names or {}
    prev = m.get("previous") or {}
    where = f"{m['district']}" if m.get("district") else "全市"
    where_en = m["district"] if m.get("district") else "the whole city"
    out = []
    zh_trend, en_trend = _trend(m["conversations"], prev.get("conversations"))
    out.append(
        (
            f"{_month_zh(m['month'])}，{where}共有 {m['active_users']} 位用户和乐龄伴学进行了 "
            f"{m['conversations']} 次对话，{zh_trend}。",
            f"In {m['month']}, {m['active_users']} people in {where_en} had "
            f"{m['conversations']} conversations with Leling, {en_trend}.",
        )
    )
    if m["by_channel"]:
        top = max(m["by_channel"].items(), key=lambda kv: kv[1]["conversations"])
        out.append(
            (
                f"用得最多的渠道是{labels.CHANNELS.get(top[0], (top[0],))[0]}"
                f"（{top[1]['conversations']} 次对话）。",
                f"Most conversations came through {labels.channel(top[0]).split()[-1]} "
                f"({top[1]['conversations']}).",
            )
        )
    # What people came for: not the steps inside a guide, the odd inputs or "not understood".
    skip = ("guide_next", "guide_back", "guide_repeat", "out_of_scope", "affirm", "deny")
    intents = [
        i for i in m["top_intents"] if not i["intent"].startswith("_") and i["intent"] not in skip
    ]
    if intents:
        names = [labels.names(i["intent"]) for i in intents[:3]]
        out.append(
            (
                "大家最常问的是：" + "、".join(f"「{n[0]}」" for n in names) + "。",
                "What people asked for most: " + ", ".join(n[1] for n in names) + ".",
            )
        )
    g = m["guides"]
    if g["started"]:
        sentence_zh = (
            f"手机学习指南开始了 {g['started']} 次，学完 {g['finished']} 次"
            f"（完成率 {g['completion'] * 100:.0f}%）"
        )
        sentence_en = (
            f"Phone guides were started {g['started']} times and finished {g['finished']} "
            f"times ({g['completion'] * 100:.0f}%)"
        )
        worst = max(g["by_guide"], key=lambda x: x["abandoned"]) if g["by_guide"] else None
        if worst and worst["abandoned"] and worst.get("give_up_step"):
            name = guide_names.get(worst["guide"], worst["guide"])
            sentence_zh += f"；「{name}」最多人停在第 {worst['give_up_step']} 步"
            sentence_en += f"; most people left “{name}” at step {worst['give_up_step']}"
        out.append((sentence_zh + "。", sentence_en + "."))
    s = m["subscriptions"]
    r = m["reminders"]
    if s["total"] or r["sent"] or r["failed"]:
        out.append(
            (
                f"新订阅提醒 {s['total']} 个（讲座 {s['lecture']}，手机课 {s['lesson']}）；"
                f"发出提醒 {r['sent']} 条，其中晚于预定时间 {r['late']} 条，"
                f"没能送达 {r['failed']} 条。",
                f"{s['total']} new reminder subscriptions ({s['lecture']} lectures, "
                f"{s['lesson']} classes); {r['sent']} reminders sent, {r['late']} of them late, "
                f"{r['failed']} could not be delivered.",
            )
        )
    h = m["help_requests"]
    if h["created"]:
        claim = h["time_to_claim_s"]["median"]
        within = f"（一般 {_minutes(claim)} 内）" if claim is not None else ""
        within_en = f" (typically within {_minutes(claim, 'en')})" if claim is not None else ""
        out.append(
            (
                f"有 {h['created']} 次求助，{h['claimed']} 次由志愿者接手{within}，"
                f"{h['closed']} 次已结束。",
                f"{h['created']} requests for help; volunteers took {h['claimed']}{within_en}, "
                f"{h['closed']} were closed.",
            )
        )
    a = m["announcements"]
    if a["announcements"]:
        out.append(
            (
                f"志愿者发了 {a['announcements']} 条通知，送达 {a['sent']} 人次。",
                f"Volunteers sent {a['announcements']} announcements, delivered {a['sent']} times.",
            )
        )
    if m["not_understood"]:
        out.append(
            (
                f"有 {m['not_understood']} 条消息乐龄伴学没听懂，"
                "运营人员可以在管理后台把它们教给乐龄伴学。",
                f"Leling did not understand {m['not_understood']} messages; operators can teach "
                "it what they meant in the admin console.",
            )
        )
    if not m["conversations"] and not m["turns"]:
        out = [
            (
                f"{_month_zh(m['month'])}{where}还没有使用记录。",
                f"No use of Leling was recorded in {where_en} in {m['month']}.",
            )
        ]
    return out
