"""Exact alias lookup: every alias of every entity value, longest match first."""

from __future__ import annotations

from collections import defaultdict

from .base import Match, boundary_ok

EXTRACTOR = "LookupEntityExtractor"


class AliasTable:
    """A map from folded, normalised alias text to the (entity, value) pairs it names.

    Lookup is by first character, then by the alias lengths that start with that character,
    so a 20-character message costs a few dozen dictionary probes.
    """

    def __init__(self) -> None:
        self.aliases: dict[str, list[tuple[str, str]]] = {}
        self._lengths: dict[str, list[int]] = {}

    def add(self, key: str, entity: str, value: str) -> None:
        """Register `key` (already normalised and case-folded) as a name of `entity=value`."""
        key = key.strip()
        if not key:
            return
        pairs = self.aliases.setdefault(key, [])
        if (entity, value) not in pairs:
            pairs.append((entity, value))

    def freeze(self) -> None:
        """Build the first-character index; call once after the last `add`."""
        lengths: dict[str, set[int]] = defaultdict(set)
        for key in self.aliases:
            lengths[key[0]].add(len(key))
        self._lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}

    def values_for(self, key: str, entity: str) -> list[str]:
        """The values of `entity` that the alias `key` names (empty when none)."""
        return [v for e, v in self.aliases.get(key, ()) if e == entity]

    def find(self, text: str) -> list[Match]:
        """Every alias occurrence in `text` (overlapping; `base.select` picks among them)."""
        found: list[Match] = []
        n = len(text)
        for i, ch in enumerate(text):
            for length in self._lengths.get(ch, ()):
                j = i + length
                if j > n:
                    continue
                pairs = self.aliases.get(text[i:j])
                if pairs is None or not boundary_ok(text, i, j):
                    continue
                found.extend(Match(e, v, i, j, 1.0, EXTRACTOR) for e, v in pairs)
        return found
