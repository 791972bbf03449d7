"""No dead ends (issue #11, item 6): when a search finds nothing, widen it in steps — the next
two weeks, online or on site, any center, all of Beijing, any audience — and say how in one line.
What was asked about (the topic, the app) is never dropped: unrelated classes are no answer.

Each step loosens one more filter than the one before; the first step that finds something is
shown. Only when every step finds nothing is the empty answer given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from dialogues import window
from dialogues.context import Turn

# (filter, the template saying how the search was widened), in the order they are loosened.
LECTURE_STEPS = ("from", "mode", "district", "audience")
LESSON_STEPS = ("from", "center", "kind", "district")


def _loosen(t: Turn, query: dict, key: str) -> dict | None:
    if not query.get(key):
        return None
    q = dict(query)
    if key == "from":  # a day or a weekend: the next two weeks from then
        start, _end, _ = window.of_query(query, t.now)
        q["to"] = (start + timedelta(days=window.DEFAULT_DAYS)).isoformat()
        return q
    q.pop(key)
    return q


def widened(
    t: Turn, query: dict, steps: tuple[str, ...], finds: Callable[[dict], bool]
) -> tuple[dict, str] | None:
    """The first widened query that finds something, and one line saying how it was widened."""
    q, hows = dict(query), []
    for key in steps:
        looser = _loosen(t, q, key)
        if looser is None:
            continue
        q = looser
        hows.append(t.t(f"widen.{key}"))
        if finds(q):
            return q, t.t("widen.lead", how=t.t("widen.sep").join(hows))
    return None
