"""Greeting, the home menu, thanks and goodbye, preferences, and kind answers to odd input."""

from __future__ import annotations

from dialogues.context import Turn
from dialogues.models import Button, Reply
from dialogues.state import Pending
from nlu import intents
from store import users

# Intents offered when the NLU is unsure (`clarify: true` in nlu/intents.yml); others are
# never offered as a guess.
CLARIFIABLE = intents.flagged("clarify")


def _paused_guide(t: Turn):
    g = t.state.guide
    if g and not t.state.in_loop("guide"):
        return t.cat.guides.get(g.id)
    return None


def home(t: Turn, opening: str | None = "menu.intro", intro: str | None = None) -> Reply:
    """The home screen: a short line and the four big choices ("continue" first when learning).

    `intro` replaces the opening template (and then says itself where the guide stopped).
    """
    buttons = t.menu_buttons()
    lead = intro if intro is not None else t.t(opening or "menu.intro")
    guide = _paused_guide(t)
    if guide is not None:
        if intro is None:
            lead += "\n" + t.t("menu.resume", title=t.title(guide.title), step=t.state.guide.step)
        buttons = [Button(t.t("btn.resume"), "/resume_guide"), *buttons[:3]]
    options = "\n".join(f"{i}. {b.title}" for i, b in enumerate(buttons, 1))
    t.set_choices(buttons)
    return t.reply(f"{lead}\n{options}\n{t.t('menu.tail')}", buttons)


def greet(t: Turn) -> list[Reply]:
    """Hello: a warm line and the menu."""
    return [home(t, "greet")]


def help_(t: Turn) -> list[Reply]:
    """What Leling can do (the home screen)."""
    return [home(t, "menu.intro")]


def thanks(t: Turn) -> list[Reply]:
    """You're welcome."""
    return [t.reply(t.t("thanks"))]


def goodbye(t: Turn) -> list[Reply]:
    """Goodbye (a plain confirmation)."""
    return [t.reply(t.t("goodbye"), plain=True)]


def affirm(t: Turn) -> list[Reply]:
    """ "好的" with nothing waiting on it (e.g. "收到" under a reminder): acknowledged, with the
    way home and to a person, since an unsure user may say it just to keep going."""
    return [t.reply(t.t("affirm"))]


def deny(t: Turn) -> list[Reply]:
    """ "不是" / "都不是": sorry, say it another way, or pick from the menu."""
    buttons = t.menu_buttons()[:3]
    t.set_choices(buttons)
    return [t.reply(t.t("deny"), buttons)]


def cancel(t: Turn) -> list[Reply]:
    """ "算了" outside a guide: drop whatever was pending and go home."""
    return [home(t, "cancel")]


def out_of_scope(t: Turn) -> list[Reply]:
    """A kind "I can't do that yet", what Leling can do, and the menu."""
    t.unclear = True
    return [home(t, "oos")]


def clarify(t: Turn, ranking: list[tuple[str, float]]) -> list[Reply]:
    """Ask back with the top two guesses (of `ranking`, (intent, confidence) best first) as
    buttons, plus "都不是"."""
    t.unclear = True
    in_guide = t.state.in_loop("guide")
    guesses = [
        name
        for name, _ in ranking
        if name in CLARIFIABLE and (in_guide or not name.startswith("guide_"))
    ][:2]
    if not guesses:
        return out_of_scope(t)
    keep = {}
    for e in t.parse.entities:
        if isinstance(e.value, str) and e.entity not in keep:  # not a resolved time
            keep[e.entity] = e.value
    buttons = [t.button(t.t(f"intent.{name}"), name, **keep) for name in guesses]
    buttons.append(Button(t.t("btn.none"), "/deny"))
    options = "\n".join(f"{i}. {b.title}" for i, b in enumerate(buttons[:-1], 1))
    t.set_choices(buttons)
    t.state.pending = Pending("clarify")
    return [t.reply(t.t("clarify", options=options), buttons)]


def prefer_voice(t: Turn) -> list[Reply]:
    """Turn spoken replies on."""
    t.user = users.update(t.db, t.user_id, prefer_voice=1)
    return [t.reply(t.t("prefer_voice"), plain=True)]


def prefer_text(t: Turn) -> list[Reply]:
    """Turn spoken replies off."""
    t.user = users.update(t.db, t.user_id, prefer_voice=0)
    return [t.reply(t.t("prefer_text"), plain=True)]


def set_lang(t: Turn) -> list[Reply]:
    """Switch the conversation language ("说中文" / "English please" / /lang)."""
    wanted = t.entity("lang")
    if wanted not in ("zh", "en"):
        wanted = "en" if t.lang == "zh" else "zh"
    t.lang = wanted
    t.state.lang = wanted
    users.update(t.db, t.user_id, lang=wanted)
    from dialogues.actions import guides  # guides imports this module

    # Mid-guide, the language changes and the lesson goes on: the same step, in the new words.
    step = guides.step_again(t, t.t("lang_set_guide"))
    return [step] if step else [home(t, "lang_set")]


def no_such_choice(t: Turn) -> list[Reply]:
    """A number that is not on the last list: say which numbers are, and keep that list (the
    user may answer with a right number next)."""
    choices, base = t.offered, t.offered_base
    t.state.choices, t.state.choice_base = list(choices), base
    if len(choices) == 1:
        return [t.reply(t.t("choice.only_one", first=base + 1))]
    return [t.reply(t.t("choice.out_of_range", first=base + 1, last=base + len(choices)))]


def kind(t: Turn, intent: str) -> list[Reply]:
    """Kind answers to input that is not a question: `_empty`, `_too_long`, `_symbols`,
    `_puzzled` ("？？？"), `_bad_location`, `_unknown_command`, `_bad_payload` (a button
    payload that failed its checks), `_photo` (a picture without words)."""
    key = {
        "_empty": "odd.empty",
        "_too_long": "odd.too_long",
        "_symbols": "odd.symbols",
        "_puzzled": "odd.puzzled",
        "_bad_location": "odd.bad_location",
        "_unknown_command": "odd.unknown_command",
        "_bad_payload": "odd.bad_payload",
        "_photo": "odd.photo",
    }.get(intent, "odd.empty")
    if intent == "_bad_location":
        buttons = [Button(t.t("btn.share_location"), "/share_location")]
        return [t.reply(t.t(key), buttons)]
    buttons = t.menu_buttons()[:3]
    t.set_choices(buttons)
    return [t.reply(t.t(key), buttons)]


def odd_input(t: Turn) -> list[Reply]:
    """The kind answer to this turn's odd-input intent (see `kind`)."""
    return kind(t, t.intent)


def error(t: Turn) -> list[Reply]:
    """Something broke inside: apologise and keep the conversation going."""
    return [t.reply(t.t("error"))]
