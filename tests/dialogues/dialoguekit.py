"""Helpers for the dialogue tests: parse dicts, a scripted parser, a recording planner."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dialogues import Assistant, Incoming, Reply
from dialogues.context import HOME_PAYLOADS, HUMAN_PAYLOADS
from dialogues.payload import MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "content" / "data"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)  # a Friday afternoon
TRANSCRIPTS = Path(__file__).resolve().parent / "transcripts"


def parse(
    intent: str,
    text: str = "",
    lang: str = "zh",
    confidence: float = 0.95,
    ranking: list[tuple[str, float]] | None = None,
    **entities,
) -> dict:
    """A Rasa-shaped parse dict, as the NLU would return it."""
    ents = []
    for name, value in entities.items():
        for v in value if isinstance(value, list) else [value]:
            ents.append(
                {
                    "entity": name,
                    "value": v,
                    "start": 0,
                    "end": 0,
                    "confidence": 1.0,
                    "extractor": "test",
                }
            )
    ranking = ranking or [(intent, confidence)]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": ents,
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "lang": lang,
    }


class ScriptedParser:
    """Returns, for each text, the parse dict registered with `add` (out_of_scope otherwise)."""

    def __init__(self):
        self.table: dict[str, dict] = {}
        self.calls: list[str] = []

    def add(self, text: str, intent: str, **kw) -> None:
        self.table[text] = parse(intent, text, **kw)

    def add_unsure(self, text: str, ranking: list[tuple[str, float]], **entities) -> None:
        """What the NLU gives when no intent is sure enough (nlu.Parser): out_of_scope with
        confidence 1 - the top intent's, and the ranking the bot can offer guesses from."""
        unsure = round(1 - ranking[0][1], 4)
        self.add(text, "out_of_scope", confidence=unsure, ranking=ranking, **entities)

    def parse(self, text: str, now=None) -> dict:
        self.calls.append(text)
        found = self.table.get(text)
        if found is None:
            lang = "en" if text.isascii() else "zh"
            return parse(
                "out_of_scope", text, lang=lang, confidence=0.99, ranking=[("out_of_scope", 0.99)]
            )
        return dict(found, text=text)


class RecordingPlanner:
    """Stands in for scheduler.planning: records what the conversation asked it to do."""

    def __init__(self):
        self.planned: list[dict] = []
        self.dropped: list[int] = []

    def plan_for_subscription(self, db, catalogue, subscription, now) -> int:
        self.planned.append(subscription)
        return 2

    def drop_for_subscription(self, db, subscription_id) -> int:
        self.dropped.append(subscription_id)
        return 0


def make_assistant(db, cat, parser, now: datetime = NOW, planner=None) -> Assistant:
    """An Assistant with a fixed clock and (by default) a recording planner."""
    return Assistant(
        db,
        cat,
        parser,
        clock=lambda: now,
        planner=planner if planner is not None else RecordingPlanner(),
    )


def say(bot: Assistant, text: str = "", user: str = "test:1", **kw) -> list[Reply]:
    """One user message; the replies."""
    return bot.handle(Incoming(user, text, **kw))


def texts(replies: list[Reply]) -> str:
    """All reply texts, joined."""
    return "\n".join(r.text for r in replies)


def payloads(replies: list[Reply]) -> list[str]:
    """All button payloads, in order."""
    return [b.payload for r in replies for b in r.buttons]


def check_reply_rules(replies: list[Reply]) -> None:
    """The rules every reply obeys: payloads fit 64 bytes; a way home and to a person unless it
    is a plain confirmation; at most four other choices."""
    for r in replies:
        assert r.text.strip(), "empty reply text"
        for b in r.buttons:
            assert len(b.payload.encode("utf-8")) <= MAX_BYTES, b.payload
            assert b.payload.startswith("/"), b.payload
            assert b.title.strip(), b
        if r.plain:
            continue
        ps = [b.payload for b in r.buttons]
        home = any(p.startswith(HOME_PAYLOADS) for p in ps)
        human = any(p.startswith(HUMAN_PAYLOADS) for p in ps)
        is_menu = {"/find_center", "/list_lectures", "/start_guide"} <= set(ps)
        assert human, f"no way to a person: {r.text[:60]!r} {ps}"
        assert home or is_menu, f"no way home: {r.text[:60]!r} {ps}"
        others = [p for p in ps if not p.startswith(HOME_PAYLOADS + HUMAN_PAYLOADS)]
        assert len(others) <= 4, f"too many choices ({len(others)}): {ps}"
