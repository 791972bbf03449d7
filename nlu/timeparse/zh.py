"""Chinese time expressions: word tables and grains (registered into ``ZH_GRAINS``)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .core import (
    _MAX_COUNT,
    AM,
    ANY,
    NIGHT,
    NOON,
    PM,
    Grain,
    _add_months,
    _alt,
    _Atom,
    _atom,
    _clock_atom,
    _Ctx,
    _day_atom,
    _day_of_month,
    _days,
    _dead,
    _month,
    _month_day,
    _offset_atom,
    _Part,
    _registrar,
    _safe_date,
    _span_atom,
    _week_handlers,
    _weekday_atom,
    _whole_month,
    _window,
    _year,
)

_ZH_DAYS = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨儿": -1, "昨日": -1,
    "今天": 0, "今儿": 0, "今日": 0, "明天": 1, "明儿": 1, "明日": 1, "后天": 2, "大后天": 3,
}  # fmt: skip
_ZH_PARTS = {
    "凌晨": _Part(0, 6, AM), "清晨": _Part(6, 9, AM), "早上": _Part(6, 9, AM),
    "早晨": _Part(6, 9, AM), "上午": _Part(8, 12, AM), "中午": _Part(11, 13, NOON),
    "下午": _Part(12, 18, PM), "傍晚": _Part(17, 19, PM), "晚上": _Part(18, 22, NIGHT),
    "晚间": _Part(18, 22, NIGHT), "夜里": _Part(18, 22, NIGHT), "夜间": _Part(18, 22, NIGHT),
    "白天": _Part(6, 18, ANY),
}  # fmt: skip
_ZH_DAY_PARTS = {  # one word for a day and a part of it
    "今早": (0, "早上"), "今晚": (0, "晚上"), "今夜": (0, "晚上"),
    "明早": (1, "早上"), "明晚": (1, "晚上"), "昨晚": (-1, "晚上"), "昨夜": (-1, "晚上"),
}  # fmt: skip
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
                "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}  # fmt: skip
# Which week a prefix means; None = the next such day on or after today.
_ZH_WEEK_PREFIX = {"": None, "这": 0, "这个": 0, "本": 0, "下": 1, "下个": 1,
                   "下下": 2, "下下个": 2, "上": -1, "上个": -1}  # fmt: skip
_ZH_MONTH_PREFIX = {"这个": 0, "这": 0, "本": 0, "下个": 1, "下": 1, "上个": -1, "上": -1}
_ZH_YEARS = {"去年": -1, "今年": 0, "明年": 1}
_ZH_UNITS = {"天": "day", "日": "day", "周": "week", "星期": "week", "礼拜": "week",
             "月": "month", "小时": "hour", "钟头": "hour", "分钟": "minute"}  # fmt: skip

ZH_GRAINS: list[Grain] = []
_grain = _registrar(ZH_GRAINS)


@_grain(rf"(?:{_alt(_ZH_DAYS)})(?:个)?(?!头条)")
def _zh_day(m: re.Match[str], ctx: _Ctx) -> _Atom:
    word = m.group().removesuffix("个")
    return _atom(m, day=ctx.today + timedelta(days=_ZH_DAYS[word]))


@_grain(_alt(_ZH_DAY_PARTS))
def _zh_day_part(m: re.Match[str], ctx: _Ctx) -> _Atom:
    offset, part = _ZH_DAY_PARTS[m.group()]
    return _atom(m, day=ctx.today + timedelta(days=offset), part=_ZH_PARTS[part])


@_grain(rf"(?:{_alt(_ZH_PARTS)})(?!好)")  # 早上好 and 晚上好 are greetings
def _zh_part(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, part=_ZH_PARTS[m.group()])


@_grain(
    rf"(?<![\d一二三四五六七八九十两每])(?P<pre>{_alt(_ZH_WEEK_PREFIX)})(?:周|星期|礼拜)"
    r"(?P<wd>[一二三四五六日天]|[1-7](?!\d))(?![次遍回])"
)
def _zh_weekday(m: re.Match[str], ctx: _Ctx) -> _Atom:
    week = _ZH_WEEK_PREFIX[m["pre"]]
    wd = _ZH_WEEKDAYS[m["wd"]]
    return _weekday_atom(m, ctx, wd, week)


@_grain(r"(?<![\d一二三四五六七八九十两])每(?:周|星期|礼拜)[一二三四五六日天1-7](?![次遍回\d])")
def _zh_every_weekday(m: re.Match[str], ctx: _Ctx) -> _Atom:
    # 每周三: the next one is what a listing or reminder needs.
    wd = _ZH_WEEKDAYS[m.group()[-1]]
    return _weekday_atom(m, ctx, wd, None)


_zh_week, _zh_weekend = _week_handlers(_ZH_WEEK_PREFIX)
_grain(rf"(?P<pre>{_alt(k for k in _ZH_WEEK_PREFIX if k)})(?:周|星期|礼拜)(?!末)")(_zh_week)
_grain(rf"(?P<pre>{_alt(k for k in _ZH_WEEK_PREFIX if k)})?(?:周末|礼拜六日|星期六日)")(_zh_weekend)


@_grain(
    rf"(?P<pre>{_alt(_ZH_MONTH_PREFIX)})?月(?P<edge>初|底)"
    rf"|(?P<pre2>{_alt(_ZH_MONTH_PREFIX)})月(?:份)?(?P<edge2>中|上旬|中旬|下旬)?"
)
def _zh_month(m: re.Match[str], ctx: _Ctx) -> _Atom:
    months = _ZH_MONTH_PREFIX.get(m["pre"] or m["pre2"] or "", 0)
    return _atom(m, span=_month(ctx, months, m["edge"] or m["edge2"] or ""))


@_grain(rf"(?:{_alt(_ZH_YEARS)})(?!\d{{1,2}}月)")
def _zh_year(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, span=_year(ctx, _ZH_YEARS[m.group()]))


@_grain(r"(?<!\d)(?P<y>\d{4})年(?!\d{1,2}月)")
def _zh_whole_year(m: re.Match[str], ctx: _Ctx) -> _Atom:
    first = _safe_date(int(m["y"]), 1, 1)
    if first is None:
        return _dead(m)
    return _atom(m, span=_days(first, date(first.year + 1, 1, 1)))


@_grain(
    rf"(?:(?P<y>(?<!\d)\d{{4}})年|(?P<yrel>{_alt(_ZH_YEARS)}))?"
    r"(?<!\d)(?P<mo>\d{1,2})月(?:(?P<d>\d{1,2})[号日](?![线楼院门口室])|份)?"
)
def _zh_date(m: re.Match[str], ctx: _Ctx) -> _Atom:
    year = int(m["y"]) if m["y"] else None
    if m["yrel"]:
        year = ctx.today.year + _ZH_YEARS[m["yrel"]]
    month = int(m["mo"])
    if m["d"] is None:
        whole = _whole_month(ctx, month, year)
        return _span_atom(m, whole)
    found = _month_day(ctx, month, int(m["d"]), year)
    return _day_atom(m, found)


@_grain(rf"(?P<pre>{_alt(_ZH_MONTH_PREFIX)})月(?P<d>\d{{1,2}})[号日](?![线楼院门口室])")
def _zh_relative_month_day(m: re.Match[str], ctx: _Ctx) -> _Atom:
    first = _add_months(ctx.today.replace(day=1), _ZH_MONTH_PREFIX[m["pre"]])
    found = _safe_date(first.year, first.month, int(m["d"]))
    return _day_atom(m, found)


@_grain(r"(?<![\d月])(?P<d>\d{1,2})[号日](?![线楼院门口室])")
def _zh_day_of_month(m: re.Match[str], ctx: _Ctx) -> _Atom:
    found = _day_of_month(ctx, int(m["d"]))
    return _day_atom(m, found)


@_grain(
    r"(?<![\d第.:])(?P<h>\d{1,2})(?:点|时)钟?"
    r"(?:(?P<half>半)|(?P<q>[1-3])刻钟?|(?P<m>[0-5]\d)(?!\d)分?|(?P<m1>\d)分(?!钟)|整|多)?"
)
def _zh_clock(m: re.Match[str], ctx: _Ctx) -> _Atom:
    minute = 30 if m["half"] else 15 * int(m["q"]) if m["q"] else int(m["m"] or m["m1"] or 0)
    return _clock_atom(m, int(m["h"]), minute, "bare")


@_grain(
    r"(?<!\d)(?P<n>\d{1,4}|半)(?:(?P<half>个半)|个)?(?P<u>天|日|周|星期|礼拜|小时|钟头|分钟|(?<=个)月)"
    r"(?P<dir>以后|之后|后|以前|之前|前)"
)
def _zh_offset(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    unit = _ZH_UNITS[m["u"]]
    sign = -1 if "前" in m["dir"] else 1
    if m["n"] == "半" or m["half"]:
        if unit != "hour" or (m["n"] != "半" and int(m["n"]) > _MAX_COUNT):
            return None
        minutes = 30 + (0 if m["n"] == "半" else 60 * int(m["n"]))
        return _atom(m, point=ctx.now + sign * timedelta(minutes=minutes))
    return _offset_atom(m, ctx, sign * int(m["n"]), unit)


@_grain(r"过(?P<n>\d{1,4})(?:个)?(?P<u>天|周|星期|礼拜|(?<=个)月)(?!后|以后|之后)")
def _zh_after(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _offset_atom(m, ctx, int(m["n"]), _ZH_UNITS[m["u"]])


@_grain(
    r"(?:未来|接下来|今后|往后|最近)的?(?P<n>\d{1,4})(?:个)?(?P<u>天|周|星期|礼拜|月|小时)"
    r"(?:以内|之内|内|里)?"
    r"|(?<!\d)(?P<n2>\d{1,4})(?:个)?(?P<u2>天|日|周|星期|礼拜|(?<=个)月|小时)(?:以内|之内|内)"
)
def _zh_window(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    window = _window(ctx, int(m["n"] or m["n2"]), _ZH_UNITS[m["u"] or m["u2"]])
    return _atom(m, span=window) if window else None


_NEAREST = {"的", "点", "处"}


@_grain(r"最近|近期|这几天|近几天|这些天|这段时间|这阵子")
def _zh_recent(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    text = m.string
    # 离我最近的老年大学: 最近 is "nearest", not "recently".
    if m.group() == "最近" and (
        "离" in text[max(0, m.start() - 8) : m.start()] or text[m.end() : m.end() + 1] in _NEAREST
    ):
        return None
    return _atom(m, span=(ctx.now, ctx.now + timedelta(days=7)))
