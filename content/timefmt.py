"""Dates, times and distances in the words seniors use.

    >>> when(datetime(2026, 12, 5, 9, 30, tzinfo=TZ), now=datetime(2026, 12, 4, 15, 0, tzinfo=TZ))
    '明天(周六)上午9:30'

Mandarin: 今天 / 明天(周六) / 后天(周日) / 这周五 / 下周二 / 12月20日(周日), then 上午9:30,
中午12:00, 下午2:30, 晚上7:30. English: today / tomorrow (Saturday) / this Friday / next Tuesday /
Sunday 20 December, then "at 9:30 am".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from content.schedule import TZ  # Beijing time, the one zone of the whole catalogue

ZH_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_RRULE_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


def _local(dt: datetime) -> datetime:
    return dt.astimezone(TZ) if dt.tzinfo else dt.replace(tzinfo=TZ)


@dataclass(frozen=True)
class _DayWords:
    """How one language names a day; `day()` tries the fields in this order."""

    near: dict[int, str]  # a day by its offset from today
    this: str  # later this week
    next: str  # next week
    date: str  # any other day
    year: str  # a date in another year
    weekdays: tuple[str, ...]


_DAY_WORDS = {
    "zh": _DayWords(
        near={0: "今天", 1: "明天({name})", 2: "后天({name})", -1: "昨天({name})"},
        this="这{name}",
        next="下{name}",
        date="{month}月{day}日({name})",
        year="{year}年{text}",
        weekdays=ZH_WEEKDAYS,
    ),
    "en": _DayWords(
        near={0: "today", 1: "tomorrow ({name})", -1: "yesterday ({name})"},
        this="this {name}",
        next="next {name}",
        date="{name} {day} {month_name}",
        year="{text} {year}",
        weekdays=EN_WEEKDAYS,
    ),
}


def day(d: date, today: date, lang: str = "zh") -> str:
    """A calendar day relative to `today`: 明天(周六), 下周二, 12月20日(周日) / tomorrow (Saturday)."""
    words = _DAY_WORDS["en" if lang == "en" else "zh"]
    delta = (d - today).days
    name = words.weekdays[d.weekday()]
    if delta in words.near:
        return words.near[delta].format(name=name)
    if d.isocalendar()[:2] == today.isocalendar()[:2] and delta > 0:
        return words.this.format(name=name)
    if (d.toordinal() - d.weekday()) - (today.toordinal() - today.weekday()) == 7:
        return words.next.format(name=name)
    text = words.date.format(name=name, day=d.day, month=d.month, month_name=EN_MONTHS[d.month - 1])
    return text if d.year == today.year else words.year.format(text=text, year=d.year)


def clock(dt: datetime, lang: str = "zh") -> str:
    """The time of day: 上午9:30, 中午12:00, 下午2:30, 晚上7:30 / 9:30 am, 7:30 pm."""
    dt = _local(dt)
    h, m = dt.hour, dt.minute
    twelve = h % 12 or 12
    if lang == "en":
        return f"{twelve}:{m:02d} {'am' if h < 12 else 'pm'}"
    return f"{zh_period(h)}{twelve}:{m:02d}"


ZH_PERIODS = ("凌晨", "早上", "上午", "中午", "下午", "晚上")


def zh_period(hour: int) -> str:
    """The part of the day Mandarin names before a 12-hour clock time (0–23 → 凌晨 … 晚上)."""
    if hour < 5:
        return "凌晨"
    if hour < 8:
        return "早上"
    if hour < 12:
        return "上午"
    if hour < 13:
        return "中午"
    if hour < 18:
        return "下午"
    return "晚上"


def when(dt: datetime, now: datetime, lang: str = "zh") -> str:
    """A moment relative to `now`: 明天(周六)上午9:30 / tomorrow (Saturday) at 9:30 am."""
    dt, now = _local(dt), _local(now)
    d = day(dt.date(), now.date(), lang)
    if lang == "en":
        return f"{d} at {clock(dt, lang)}"
    return f"{d}{clock(dt, lang)}"


def weekly(rrule: str, at: str, lang: str = "zh") -> str:
    """A weekly schedule in words: 每周二、周四下午2:00 / every Tuesday and Thursday at 2:00 pm.

    Returns "" for rules that are not simply weekly (monthly, every other week, …).
    """
    parts = dict(p.split("=", 1) for p in rrule.upper().split(";") if "=" in p)
    if parts.get("FREQ") != "WEEKLY" or parts.get("INTERVAL", "1") != "1" or "BYDAY" not in parts:
        return ""
    try:
        days = [_RRULE_DAYS[x] for x in parts["BYDAY"].split(",")]
        hh, mm = (int(x) for x in at.split(":"))
    except (KeyError, ValueError):
        return ""
    t = clock(datetime(2026, 1, 1, hh, mm, tzinfo=TZ), lang)
    if lang == "en":
        names = [EN_WEEKDAYS[d] for d in days]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"every {joined} at {t}"
    return "每" + "、".join(ZH_WEEKDAYS[d] for d in days) + t


def distance(metres: float, lang: str = "zh") -> str:
    """约800米 / 约1.2公里 / about 800 m / about 1.2 km (rounded the way people say it)."""
    if metres < 1000:
        m = max(50, int(round(metres / 50.0)) * 50) if metres >= 25 else 0
        if m >= 1000:
            return "约1公里" if lang != "en" else "about 1 km"
        if m == 0:
            return "就在附近" if lang != "en" else "very close"
        return f"约{m}米" if lang != "en" else f"about {m} m"
    km = metres / 1000.0
    text = f"{km:.1f}".rstrip("0").rstrip(".") if km < 10 else f"{round(km)}"
    return f"约{text}公里" if lang != "en" else f"about {text} km"


def minutes(n: int, lang: str = "zh") -> str:
    """A duration: 90分钟 / 1个半小时 / 2小时; 90 minutes / 2 hours."""
    if lang == "en":
        if n % 60 == 0:
            h = n // 60
            return f"{h} hour" if h == 1 else f"{h} hours"
        return f"{n} minutes"
    if n == 90:
        return "一个半小时"
    if n % 60 == 0:
        return f"{n // 60}小时"
    return f"{n}分钟"
