"""Text normalisation for the NLU: one canonical form for features, offsets back to the input.

    >>> n = normalize("明天下午三點，ＯＫ？")
    >>> n.text
    '明天下午3点,ok?'
    >>> n.original_span(4, 6)          # "3点" in the normalised text
    (4, 6)

Steps (see ``normalize``): width/space/control clean-up, traditional → simplified, Chinese
numerals → Arabic digits where they are numbers, lowercase, symbols/emoji → a space.
Every output character remembers the span of input characters it came from, so an entity
found in ``text`` can be reported against what the user actually typed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Normalized", "is_blank", "normalize"]


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, where it came from in the input.

    ``offsets[i]`` is the index in the original string where ``text[i]`` starts;
    ``offsets[len(text)]`` is ``len(original)``. ``ends[i]`` (same length as ``text``) is where
    ``text[i]``'s source ends; it makes ``original_span`` exact when characters were dropped
    or several input characters became one (e.g. "二十" → "20", "   " → " ").
    """

    text: str
    offsets: tuple[int, ...]
    ends: tuple[int, ...] = field(default=(), repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` to ``(start, end)`` in the original string."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span ({start}, {end}) outside 0..{len(self.text)}")
        begin = self.offsets[start]
        if start == end:
            return begin, begin
        if self.ends:
            return begin, self.ends[end - 1]
        return begin, self.offsets[end]


def normalize(text: str) -> Normalized:
    """Normalise user text for the NLU; see the module docstring for the steps.

    Order: width/zero-width/control/emoji/lowercase (one per-character table), whitespace
    collapse and strip, traditional → simplified (OpenCC t2s), Chinese numerals → digits.
    The per-character steps touch disjoint character classes, so folding them into one pass
    gives the same result as running them in the documented order.
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_space = -1  # start of a whitespace run not yet emitted
    space_end = 0
    char_map = _CHAR_MAP
    for i, ch in enumerate(text):
        out = char_map.get(ch)
        if out is None:
            out = _map_char(ch)
        for c in out:
            if c == " ":
                if pending_space < 0:
                    pending_space = i
                space_end = i + 1
                continue
            if pending_space >= 0:
                if chars:  # leading whitespace is stripped
                    chars.append(" ")
                    starts.append(pending_space)
                    ends.append(space_end)
                pending_space = -1
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
    s = "".join(chars)
    if s and not s.isascii():
        s, starts, ends = _to_simplified(s, starts, ends)
        if _NUMERAL_RUN.search(s):
            s, starts, ends = _convert_numerals(s, starts, ends)
    return Normalized(s, (*starts, len(text)), tuple(ends))


def is_blank(text: str) -> bool:
    """True when nothing but whitespace, symbols, emoji or control characters is left."""
    return not normalize(text).text


# --- step 1, 4, 5: one table per character ---------------------------------------------------

_DROP = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width, soft hyphen
    "\ufe0e\ufe0f\u20e3"  # variation selectors and the keycap that follow emoji
)
# NFKC leaves these CJK marks alone; ASCII keeps regexes and features simple.
_PUNCT = {"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "【": "[", "】": "]"}
_KEEP_SYMBOLS = frozenset("°")


def _map_char(ch: str) -> str:
    """What one input character becomes: '' (dropped), ' ' (a separator) or text."""
    if ch in _DROP:
        out = ""
    elif ch.isspace():
        out = " "
    else:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf"):
            out = ""
        elif cat in ("Cs", "Co", "Cn"):
            # Lone surrogates, private use and code points newer than this Python's Unicode
            # data are almost always emoji: treat them as symbols.
            out = " "
        elif 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF:
            out = ""
        else:
            parts = []
            for c in unicodedata.normalize("NFKC", _PUNCT.get(ch, ch)):
                if c.isspace():
                    parts.append(" ")
                elif ord(c) >= 0x80 and unicodedata.category(c) in ("So", "Sk"):
                    parts.append(c if c in _KEEP_SYMBOLS else " ")
                else:
                    low = c.lower()
                    parts.append(low if len(low) == 1 else c)
            out = "".join(parts)
            if out.strip() == "":
                out = " " if out else ""
    if len(_CHAR_MAP) < 50_000:  # bounded: hostile input must not grow memory forever
        _CHAR_MAP[ch] = out
    return out


_CHAR_MAP: dict[str, str] = {}
for _code in range(0x20, 0x7F):
    _CHAR_MAP[chr(_code)] = chr(_code).lower()
_CHAR_MAP[" "] = " "


# --- step 2: traditional → simplified ---------------------------------------------------------


def _to_simplified(s: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    t2s, tw2sp = _converters()
    if t2s.convert(s) == s:  # no traditional characters: leave simplified wording alone
        return s, starts, ends
    # Traditional script: OpenCC's tw2sp also turns Taiwan wording into mainland wording
    # (電腦軟體 → 电脑软件, 主機板 → 主板), which the training data speaks.
    converted = tw2sp.convert(s)
    if len(converted) == len(s):
        return converted, starts, ends
    return align(s, converted, starts, ends)


def align(
    s: str, converted: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    """`converted` with the input spans of `s` carried over, for a conversion that changed a
    phrase's length: each changed run of output characters spans the whole input run it
    replaced."""
    new_starts: list[int] = []
    new_ends: list[int] = []
    matcher = difflib.SequenceMatcher(None, s, converted, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            new_starts.extend(starts[i1:i2])
            new_ends.extend(ends[i1:i2])
        elif j2 > j1:  # replace or insert
            first = starts[i1] if i1 < len(starts) else (ends[-1] if ends else 0)
            last = ends[i2 - 1] if i2 > i1 else first
            new_starts.extend([first] * (j2 - j1))
            new_ends.extend([last] * (j2 - j1))
    return converted, new_starts, new_ends


_CONVERTERS = None


def _converters():
    """OpenCC's t2s (detects traditional script) and tw2sp converters, built once (~5 ms)."""
    global _CONVERTERS
    if _CONVERTERS is None:
        import opencc

        _CONVERTERS = (opencc.OpenCC("t2s"), opencc.OpenCC("tw2sp"))
    return _CONVERTERS


# --- step 3: Chinese numerals → Arabic digits --------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_NUMERAL_RUN = re.compile("[零〇一二三四五六七八九两十百千万亿]+")
_PLAIN_DIGITS = frozenset("零〇一二三四五六七八九")

# Measure words and units after which a numeral run is a number. Deliberately short: a numeral
# before anything else is usually part of a word (一起, 一下, 三里屯, 东四十条, 三元桥, 五道口).
_UNIT_AFTER = re.compile(
    "小时|分钟|钟头|星期|礼拜|周岁|周年|年级|[个位名次遍天日号月年岁周分刻秒点步楼层节期多来几余]"
)
# 一点 is "a little" unless time words surround it.
_ONE_OCLOCK_BEFORE = re.compile(
    "(?:凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|今天|明天|后天|今晚|明晚|号|日|"
    "(?:周|星期|礼拜)[一二三四五六日天1-7])$"
)
_ONE_OCLOCK_AFTER = re.compile("点(?:钟|半|整|[0-9零〇一二三四五六七八九十]|[1-3]刻)")
_COUNT_AFTER_WEEKDAY = re.compile("[一二三四五六][次遍回]")
_APPROX_PAIRS = frozenset(
    ["一两", "两三", "三四", "四五", "五六", "六七", "七八", "八九", "一二", "二三"]
)


def cn_int(run: str) -> int | None:
    """Value of a positional Chinese numeral (十二, 两千五, 一百零五, 三万), else None."""
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 0  # the unit just before the pending digit, for 一百五 = 150
    after_zero = False
    for ch in run:
        if ch in _DIGITS:
            if digit is not None:
                return None  # 三四: two digits in a row is a range, not a number
            value = _DIGITS[ch]
            if value == 0:
                after_zero = True
                continue
            digit = value
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if digit is None:
                # 十二 = 12 and 一千零十 = 1010, but 百度 and 千万 are words, not numbers.
                if (unit != 10 or section or total) and not (unit == 10 and after_zero):
                    return None
                digit = 1
            if last_unit and unit >= last_unit and section:
                return None
            section += digit * unit
            last_unit, digit, after_zero = unit, None, False
        else:
            big = _BIG_UNITS[ch]
            section += digit or 0
            if not section:
                return None  # 万一
            total += section * big
            section, digit, last_unit, after_zero = 0, None, big, False
    if digit is not None:
        if last_unit >= 100 and not after_zero:
            digit *= last_unit // 10  # colloquial: 一百五 = 150, 两千五 = 2500, 三万五 = 35000
        section += digit
    return total + section


def _convert_numerals(
    s: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    copied = 0
    hour_end = -1  # index just after an hour written as digits + 点, for the minutes that follow
    for m in _NUMERAL_RUN.finditer(s):
        i, j = m.start(), m.end()
        # 周一/星期三 stay words (the time parser reads them); 两周三次 and 每周一次 are counts.
        if (
            _after_weekday_prefix(s, i)
            and not _is_measure(s, i - 1)
            and not _COUNT_AFTER_WEEKDAY.match(s, i)
        ):
            i += 1
            if i >= j:
                continue
        replacement = _numeral_replacement(s, i, j, hour_end)
        if replacement is None:
            continue
        out.append(s[copied:i])
        new_starts.extend(starts[copied:i])
        new_ends.extend(ends[copied:i])
        out.append(replacement)
        new_starts.extend([starts[i]] * len(replacement))
        new_ends.extend([ends[j - 1]] * len(replacement))
        copied = j
        if s.startswith("点", j):
            hour_end = j + 1
    # Minutes written after an hour that was already in digits (3点四十) are handled too.
    out.append(s[copied:])
    new_starts.extend(starts[copied:])
    new_ends.extend(ends[copied:])
    return "".join(out), new_starts, new_ends


def _is_measure(s: str, weekday_prefix_end: int) -> bool:
    """True when 周/星期/礼拜 ending at this index follows a number (两周, 3个星期)."""
    k = weekday_prefix_end
    while k >= 0 and s[k] in "周星期礼拜":
        k -= 1
    return k >= 0 and (s[k].isdigit() or s[k] in _DIGITS or s[k] in "十百千万")


def _after_weekday_prefix(s: str, i: int) -> bool:
    return s[i - 1 : i] == "周" or s[max(0, i - 2) : i] in ("星期", "礼拜")


def _numeral_replacement(s: str, i: int, j: int, hour_end: int) -> str | None:
    """The digits to write for ``s[i:j]``, or None to leave the run as words."""
    run = s[i:j]
    minute_context = i == hour_end or (i >= 2 and s[i - 1] == "点" and s[i - 2].isdigit())
    if minute_context:
        if len(run) == 2 and run[0] in "零〇" and run[1] in _PLAIN_DIGITS:
            return "0" + str(_DIGITS[run[1]])
        value = cn_int(run)
        return str(value) if value is not None and value < 60 else None
    if i and s[i - 1] == "第":
        value = cn_int(run)
        return None if value is None else str(value)
    if all(c in _PLAIN_DIGITS for c in run) and len(run) > 1:
        # 二零二六年, phone and room numbers are read digit by digit; 三四天 is "3 or 4 days".
        if len(run) >= 3 or (s.startswith("年", j) and run not in _APPROX_PAIRS):
            return "".join(str(_DIGITS[c]) for c in run)
        return None
    unit = _UNIT_AFTER.match(s, j)
    if unit is None:
        return None
    value = cn_int(run)
    if value is None:
        return None
    word = unit.group()
    if word == "点" and run == "一":
        if not (_ONE_OCLOCK_AFTER.match(s, j) or _ONE_OCLOCK_BEFORE.search(s[max(0, i - 4) : i])):
            return None  # 快一点, 一点儿, 一点点
        if s.startswith(("点儿", "点点", "点一点"), j):
            return None
    elif word == "分" and run == "十" and not s.startswith("分钟", j):
        return None  # 十分 = "very"
    elif word in "多来几余" and value < 10:
        return None  # 一来…二来, 一多半
    return str(value)
