"""What every entity extractor returns, and how overlapping matches are resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class Match:
    """One entity found in the normalised text (offsets are against the normalised text)."""

    entity: str
    value: object
    start: int
    end: int
    confidence: float = 1.0
    extractor: str = "LookupEntityExtractor"
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def length(self) -> int:
        """Number of characters matched."""
        return self.end - self.start


def boundary_ok(text: str, start: int, end: int) -> bool:
    """A Latin or digit edge of a match must not run on into more Latin letters or digits.

    "chaoyang" matches in "in chaoyang," but not inside "chaoyangmen"; Chinese edges need no
    boundary ("朝阳区的" is fine).
    """
    if ASCII_ALNUM.match(text[start]) and start > 0 and ASCII_ALNUM.match(text[start - 1]):
        return False
    return not (
        ASCII_ALNUM.match(text[end - 1]) and end < len(text) and ASCII_ALNUM.match(text[end])
    )


def overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """True when `span` shares at least one character with any span in `taken`."""
    s, e = span
    return any(s < te and ts < e for ts, te in taken)


def select(matches: list[Match], taken: list[tuple[int, int]] | None = None) -> list[Match]:
    """Longest matches first, no overlaps; several entities on the very same span are all kept.

    An alias like 视频通话 is both a topic and a guide alias: both entities come back, on the
    same span, and the dialogue engine uses the one it needs.
    """
    taken = list(taken or [])
    chosen: list[Match] = []
    ordered = sorted(matches, key=lambda m: (-m.length, -m.confidence, m.start))
    for m in ordered:
        span = (m.start, m.end)
        same = [c for c in chosen if (c.start, c.end) == span]
        if same:
            if all((c.entity, c.value) != (m.entity, m.value) for c in same) and all(
                c.entity != m.entity for c in same
            ):
                chosen.append(m)
            continue
        if overlaps(span, taken):
            continue
        chosen.append(m)
        taken.append(span)
    return chosen


def absorb(chosen: list[Match], candidates: list[Match]) -> list[Match]:
    """Add later-stage candidates to `chosen` (a new list).

    A candidate may replace chosen matches only when it strictly contains them and names the
    same entity and value: 海定 (an exact alias) grows into 海定区 (a pinyin match).
    """
    result = list(chosen)
    for cand in select(candidates):
        inside = [m for m in result if m.start < cand.end and cand.start < m.end]
        if all(
            cand.start <= m.start
            and m.end <= cand.end
            and m.length < cand.length
            and (m.entity, m.value) == (cand.entity, cand.value)
            for m in inside
        ):
            result = [m for m in result if m not in inside]
            result.append(cand)
    return result
