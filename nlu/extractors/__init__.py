"""Entity extraction: exact lookup, regexes and times first, then pinyin, then fuzzy matches.

Each stage only looks at the text the earlier stages left free, so a typo-tolerant guess never
overrides an exact name. All offsets here are against the normalised, case-folded text; the
parser maps them back to the original message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import datetime

from .base import Match, absorb, overlaps, select
from .fuzzy import FuzzyMatcher
from .lookup import AliasTable
from .phonetic import PinyinMatcher

log = logging.getLogger(__name__)

__all__ = ["EntityExtractor", "Match"]

TIME_EXTRACTOR = "TimeExtractor"
REGEX_EXTRACTOR = "RegexEntityExtractor"


class EntityExtractor:
    """All entity matchers for one gazetteer, built once at training time and pickled."""

    def __init__(self, fold: Callable[[str], str]) -> None:
        self.table = AliasTable()
        self.pinyin = PinyinMatcher()
        self.fuzzy = FuzzyMatcher()
        self.regexes: list[tuple[str, re.Pattern]] = []
        self._fold = fold

    def add_alias(self, entity: str, value: str, alias: str) -> None:
        """Register one name of `entity=value` with every matcher."""
        key = self._fold(alias)
        if not key.strip():
            return
        self.table.add(key, entity, value)
        self.pinyin.add(key, entity, value)
        self.fuzzy.add(key, entity, value)

    def add_regex(self, entity: str, pattern: str) -> None:
        """Register a Rasa regex whose name is an entity: its matches become that entity."""
        try:
            self.regexes.append((entity, re.compile(pattern, re.IGNORECASE)))
        except re.error as exc:
            log.warning("regex for %s ignored (%s): %s", entity, exc, pattern)

    def freeze(self) -> None:
        """Finish building (indexes); call once after the last alias."""
        self.table.freeze()
        self.pinyin.freeze()
        self.fuzzy.freeze()

    def resolve(self, entity: str, text: str) -> list[str]:
        """Canonical values of `entity` that `text` names exactly (used for validation)."""
        return self.table.values_for(self._fold(text), entity)

    def extract(
        self,
        text: str,
        folded: str,
        now: datetime | None,
        parse_times: Callable | None,
        word_freq: Callable[[str], int],
        exclude: frozenset[str] = frozenset(),
        boundaries: set[int] | None = None,
    ) -> list[Match]:
        """Entities in one normalised message (`folded` is its case-folded twin).

        Entities named in `exclude` are not considered at all (so they cannot hide others);
        `boundaries` are the word boundaries of `folded` (for the pinyin matcher).
        """
        first = self.table.find(folded)
        first.extend(self._regex_matches(folded))
        if now is not None and parse_times is not None:
            first.extend(_time_matches(text, now, parse_times))
        chosen = select([m for m in first if m.entity not in exclude])

        def grows(start: int, end: int) -> bool:  # free, or strictly around chosen matches
            inside = [m for m in chosen if m.start < end and start < m.end]
            return all(start <= m.start and m.end <= end and m.length < end - start for m in inside)

        found = self.pinyin.find(folded, grows, word_freq, boundaries)
        chosen = absorb(chosen, [m for m in found if m.entity not in exclude])
        taken = [(m.start, m.end) for m in chosen]
        found = self.fuzzy.find(folded, lambda s, e: not overlaps((s, e), taken))
        chosen += select([m for m in found if m.entity not in exclude], taken)
        return sorted(chosen, key=lambda m: (m.start, m.end, m.entity))

    def _regex_matches(self, folded: str) -> Iterable[Match]:
        for entity, pattern in self.regexes:
            for m in pattern.finditer(folded):
                if m.end() > m.start():
                    values = self.table.values_for(m.group(), entity)
                    value = values[0] if values else m.group()
                    yield Match(entity, value, m.start(), m.end(), 1.0, REGEX_EXTRACTOR)


def _time_matches(text: str, now: datetime, parse_times: Callable) -> list[Match]:
    try:
        spans = parse_times(text, now)
    except Exception as exc:  # a time-parser bug must not take the whole parse down
        # The length only: what the user wrote never goes into a log.
        log.error("time parsing failed (%d chars): %s", len(text), type(exc).__name__)
        return []
    return [Match("time", s.as_value(), s.start, s.end, 1.0, TIME_EXTRACTOR) for s in spans]
