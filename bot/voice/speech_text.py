"""A reply's text made fit to be spoken (before any text-to-speech engine sees it).

- web addresses and emoji are not read (a URL is replaced by "see the text");
- lines that are only commands ("/help") are not read (buttons are never in the text);
- phone numbers are read digit by digit, in groups ("零幺零，六六零二，五四六六");
- dates and clock times are read as words ("十二月三日", "下午两点半"; "December 3", "2:30 PM");
- in Mandarin every other number becomes Chinese numerals, so both voices read it the same way.
"""

from __future__ import annotations

import re
import unicodedata

from content.timefmt import EN_MONTHS as MONTHS  # one table of month and day-part names
from content.timefmt import ZH_PERIODS, zh_period

_URL = re.compile(r"(?:https?://|www\.)[^\s，。；、）)]+", re.IGNORECASE)
_COMMAND_LINE = re.compile(r"^\s*/\w+\S*\s*$", re.MULTILINE)
_PHONE = re.compile(
    r"(?<!\d)(?:0\d{2,3}-\d{7,8}|1[3-9]\d{9}|400-?\d{3}-?\d{4}|\d{3,4}-\d{4}-\d{4})(?!\d)"
)
_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_ZH_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_CLOCK = r"(?<![\d:])([01]?\d|2[0-3])[:：]([0-5]\d)(?![\d:])"
# A clock time as Leling writes it (content.timefmt): "下午2:30" / "2:30 pm" (12-hour, the part of
# the day said), or "14:30" (24-hour).
_ZH_TIME = re.compile(f"({'|'.join(ZH_PERIODS)})?{_CLOCK}")
_EN_TIME = re.compile(_CLOCK + r"(?:\s*([ap])\.?m\.?(?![a-z]))?", re.IGNORECASE)
_RANGE = re.compile(r"(?<=[点分半M])\s*[-–~～—]\s*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

ZH_DIGITS = "零一二三四五六七八九"
PHONE_DIGITS = "零幺二三四五六七八九"  # 1 is 幺 in a phone number, as Beijing says it

SEE_TEXT = {"zh": "（链接见文字消息）", "en": "(the link is in the text)"}


def _is_emoji(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat == "So" or cat == "Sk" or ch in "\u200d\ufe0f\ufe0e" or 0x1F000 <= ord(ch) <= 0x1FAFF


def _zh_int(n: int) -> str:
    """An integer in Chinese numerals, as it is read: 12 十二, 105 一百零五, 20000 二万."""
    if n < 0:
        return "负" + _zh_int(-n)
    if n < 10:
        return ZH_DIGITS[n]
    if n >= 10**8:
        return "".join(ZH_DIGITS[int(d)] for d in str(n))  # read out digit by digit
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        rest = "" if low == 0 else ("零" if low < 1000 else "") + _zh_int(low)
        return _zh_int(high) + "万" + rest
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += ZH_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out[1:] if out.startswith("一十") else out


def _zh_number(text: str) -> str:
    whole, _, fraction = text.partition(".")
    spoken = _zh_int(int(whole))
    return spoken + ("点" + "".join(ZH_DIGITS[int(d)] for d in fraction) if fraction else "")


def _phone(m: re.Match, lang: str) -> str:
    groups = re.split(r"-", m.group(0))
    if len(groups) == 1 and len(groups[0]) == 11:  # mobile: 3-4-4
        g = groups[0]
        groups = [g[:3], g[3:7], g[7:]]
    if lang == "en":
        return ", ".join(" ".join(g) for g in groups)
    return "，".join("".join(PHONE_DIGITS[int(d)] for d in g) for g in groups)


def _zh_time(period: str | None, hour: int, minute: int) -> str:
    """下午两点半: `period` as written before a 12-hour time, or None for a 24-hour one."""
    if period is None:
        period = zh_period(hour)
    h12 = hour if hour <= 12 else hour - 12
    spoken_hour = "两" if h12 == 2 else _zh_int(h12)
    if minute == 0:
        return f"{period}{spoken_hour}点"
    if minute == 30:
        return f"{period}{spoken_hour}点半"
    tail = ("零" + ZH_DIGITS[minute]) if minute < 10 else _zh_int(minute)
    return f"{period}{spoken_hour}点{tail}分"


def _en_time(hour: int, minute: int, am_pm: str | None) -> str:
    """2:30 PM: `am_pm` ("a"/"p") as written after a 12-hour time, or None for a 24-hour one."""
    if am_pm:
        suffix = "AM" if am_pm.lower() == "a" else "PM"
    else:
        suffix = "AM" if hour < 12 else "PM"
    h12 = hour % 12 or 12
    return f"{h12} {suffix}" if minute == 0 else f"{h12}:{minute:02d} {suffix}"


def _zh_year(year: str) -> str:
    return "".join(ZH_DIGITS[int(d)] for d in year) + "年"


def prepare(text: str, lang: str = "zh") -> str:
    """What a voice should say for `text` ("" when nothing is worth saying)."""
    en = lang == "en"
    s = _URL.sub(SEE_TEXT["en" if en else "zh"], text or "")
    s = _COMMAND_LINE.sub("", s)
    s = "".join(ch for ch in s if not _is_emoji(ch))
    s = _PHONE.sub(lambda m: _phone(m, lang), s)
    if en:
        s = _DATE.sub(lambda m: f"{MONTHS[int(m[2]) - 1]} {int(m[3])}, {m[1]}", s)
        s = _EN_TIME.sub(lambda m: _en_time(int(m[1]), int(m[2]), m[3]), s)
        s = _RANGE.sub(" to ", s)
    else:
        s = _DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", s)
        s = _ZH_DATE.sub(
            lambda m: (
                (_zh_year(m[1]) if m[1] else "") + f"{_zh_int(int(m[2]))}月{_zh_int(int(m[3]))}日"
            ),
            s,
        )
        s = _ZH_TIME.sub(lambda m: _zh_time(m[1], int(m[2]), int(m[3])), s)
        s = _RANGE.sub("到", s)
        s = _NUMBER.sub(lambda m: _zh_number(m.group(0)), s)
    s = _SPACES.sub(" ", s)
    s = _BLANK_LINES.sub("\n", s)
    return s.strip()
