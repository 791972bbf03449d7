"""Time expressions: the table in time_cases.yaml, plus the API details the engine relies on."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from nlu.normalize import normalize
from nlu.timeparse import TZ, TimeSpan, first_interval, parse_times

CASES = yaml.safe_load((Path(__file__).parent / "time_cases.yaml").read_text(encoding="utf-8"))
WED = datetime(2026, 12, 2, 10, 0, tzinfo=TZ)


def _as_datetime(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _found(text: str, now: datetime) -> list[dict[str, str]]:
    """What the engine would report: spans against the original text, ISO intervals."""
    norm = normalize(text)
    found = []
    for span in parse_times(norm.text, now):
        start, end = norm.original_span(span.start, span.end)
        found.append({"text": text[start:end], **span.as_value()})
    return found


def test_enough_cases() -> None:
    assert len(CASES) >= 90
    assert sum(1 for c in CASES if not c["expect"]) >= 10


@pytest.mark.parametrize("case", CASES, ids=[f"{c['text']}@{c['now']}" for c in CASES])
def test_case(case: dict) -> None:
    expected = [
        {"text": e["text"], "from": str(e["from"]), "to": str(e["to"])} for e in case["expect"]
    ]
    assert _found(case["text"], _as_datetime(case["now"])) == expected


def test_span_fields_and_value() -> None:
    text = normalize("下周三晚上七点半的讲座").text
    [span] = parse_times(text, WED)
    assert isinstance(span, TimeSpan)
    assert text[span.start : span.end] == span.text == "下周三晚上7点半"
    assert span.from_.tzinfo is TZ and span.to.tzinfo is TZ
    assert span.as_value() == {
        "from": "2026-12-09T19:30:00+08:00",
        "to": "2026-12-09T20:30:00+08:00",
    }


def test_offsets_map_back_through_normalisation() -> None:
    original = "請問\u200b明天下午 三點 有課嗎？😀"
    norm = normalize(original)
    [span] = parse_times(norm.text, WED)
    start, end = norm.original_span(span.start, span.end)
    assert original[start:end] == "明天下午 三點"


def test_several_spans_are_left_to_right_and_disjoint() -> None:
    spans = parse_times(normalize("今天上午, 明天下午三点, 还有下周六").text, WED)
    assert [s.text for s in spans] == ["今天上午", "明天下午3点", "下周六"]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_now_in_another_timezone_is_converted() -> None:
    now = datetime(2026, 12, 2, 17, 30, tzinfo=UTC)  # 01:30 on Dec 3 in Beijing
    assert first_interval("今天", now) == {
        "from": "2026-12-03T00:00:00+08:00",
        "to": "2026-12-04T00:00:00+08:00",
    }


def test_naive_now_is_beijing_time() -> None:
    assert first_interval("明天", datetime(2026, 12, 2, 10)) == first_interval("明天", WED)


def test_first_interval() -> None:
    assert first_interval("没有时间", WED) is None
    assert first_interval("后天或者大后天", WED) == {
        "from": "2026-12-04T00:00:00+08:00",
        "to": "2026-12-05T00:00:00+08:00",
    }


def test_empty_and_long_text() -> None:
    assert parse_times("", WED) == []
    long = normalize("明天下午三点。" * 500).text
    assert len(parse_times(long, WED)) == 500


@pytest.mark.parametrize(
    "text",
    [
        "9999年",
        "0000年1月1号",
        "未来99999999天",
        "9999天后",
        "in 9999 days",
        "dec 31, 9999",
        "2027年13月5号",
        "25点",
        "24:30",
        "0号",
        "1" * 5000 + "天后",
    ],
)
def test_out_of_range_values_give_nothing(text: str) -> None:
    assert parse_times(text, WED) == []


def test_midnight_words() -> None:
    assert first_interval("晚上0点", WED) == first_interval("晚上12点", WED)
    assert first_interval("24点", WED) == {
        "from": "2026-12-03T00:00:00+08:00",
        "to": "2026-12-03T01:00:00+08:00",
    }


_PIECES = [
    "今天", "明天", "后天", "下周", "周", "星期", "礼拜", "一", "三", "六", "日", "天", "末",
    "这", "下", "上", "个", "月", "号", "年", "底", "初", "点", "半", "刻", "分", "钟", "上午",
    "下午", "晚上", "中午", "凌晨", "到", "的", "最近", "未来", "内", "后", "前", "过", "每",
    "0", "1", "2", "3", "7", "12", "15", "24", "31", "2026", ":", "-", " ", ",", "am", "pm",
    "at ", "on ", "next ", "this ", "in ", "the ", "monday", "sat", "weekend", "week", "month",
    "dec", "10th", "of ", "days", "hours", "tomorrow", "tonight", "morning", "to ", "o'clock",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(300))
def test_random_time_words_never_crash(seed: int) -> None:
    rng = random.Random(seed)
    text = normalize("".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))).text
    now = datetime(2026, 1, 1, tzinfo=TZ) + timedelta(hours=rng.randint(0, 24 * 400))
    spans = parse_times(text, now)
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text
        assert span.from_ < span.to
        assert span.from_.utcoffset() == timedelta(hours=8)
