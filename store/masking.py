"""Masking personal details out of a message before it is stored (the not-understood queue).

`mask(text)` replaces ID card numbers (18 characters, the last may be X), bank card numbers
(16–19 digits, grouped or not), phone numbers (mobile, landline, with or without +86 and
separators; also spelled in Chinese numerals), e-mail addresses and addresses down to the door
("3号楼2单元401室", "5号院", "朝阳路12号", "3-2-401", "Room 401") by fixed tokens such as
〔电话〕. Anything that still holds a run of 7 or more digits is masked as a number. Full-width
digits and letters count (the text is NFKC-normalised first).
"""

from __future__ import annotations

import re
import unicodedata

PHONE, ID, CARD, ADDRESS, EMAIL, NUMBER = (
    "〔电话〕",
    "〔身份证号〕",
    "〔银行卡号〕",
    "〔地址〕",
    "〔邮箱〕",
    "〔号码〕",
)
TOKENS = (PHONE, ID, CARD, ADDRESS, EMAIL, NUMBER)

_CN_DIGIT = "零〇一二三四五六七八九幺两"
_NUM = rf"(?:[甲乙丙丁东西南北]?\d+|[{_CN_DIGIT}十百]+|(?<![A-Za-z])[A-Za-z]\d*)"
_SEP = r"[ \-‐–—.]?"

_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), EMAIL),
    # 18-character resident ID: 6 area digits, birth date, 3 digits, a check digit or X.
    (
        re.compile(r"(?<![\dA-Za-z])\d{6}(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![\dA-Za-z])"),
        ID,
    ),
    (re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"), ID),
    # Bank cards: 16–19 digits, maybe in groups of four.
    (re.compile(r"(?<!\d)(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?!\d)"), CARD),
    # Mobile numbers, maybe +86 / 0086 and separators: 138 1234 5678, 138-1234-5678.
    (
        re.compile(rf"(?<![\d+])(?:(?:\+|00)86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)"),
        PHONE,
    ),
    # Landlines: 010-12345678, (010) 1234 5678, 6512 3456.
    (re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[ -]?)?\d{4}[ -]?\d{4}(?!\d)"), PHONE),
    # A phone number in Chinese numerals: 幺三八一二三四五六七八.
    (re.compile(rf"[{_CN_DIGIT}]{{7,}}"), PHONE),
    # Door numbers: 3号楼2单元401室, 5号院, 2栋3层, 甲1号楼, 3-2-401, 12-3-301.
    (
        re.compile(
            rf"(?:{_NUM}\s*(?:号楼|号院|号门|栋|幢|座|单元|门洞|室|层|楼|户|弄|号房))"
            rf"(?:\s*{_NUM}?\s*(?:号楼|号院|号门|栋|幢|座|单元|门洞|室|层|楼|户|弄|号房|号))*"
        ),
        ADDRESS,
    ),
    (re.compile(r"(?<![\d:])\d{1,3}-\d{1,3}-\d{2,4}(?![\d:])"), ADDRESS),
    # A street number after a road's name: 朝阳路12号, 东四十条3号, 胡同5号.
    (re.compile(rf"(?<=[路街道巷条里村弄同])\s*{_NUM}\s*号(?![楼院])"), ADDRESS),
    (
        re.compile(
            r"\b(?:room|rm|building|bldg|block|unit|apt|apartment|flat|floor|no)\.?\s*#?\d+\w*",
            re.IGNORECASE,
        ),
        ADDRESS,
    ),
)


def mask(text: str) -> str:
    """`text` with phone, ID and bank card numbers, e-mail addresses and door addresses
    replaced by tokens (see the module docstring)."""
    out = unicodedata.normalize("NFKC", text or "")
    for pattern, token in _RULES:
        out = pattern.sub(token, out)
    # What is left of a long number after the rules above (7+ digits in a row): a number.
    return re.sub(r"\d{7,}", NUMBER, out)
