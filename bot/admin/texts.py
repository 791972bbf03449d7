"""The /admin console's own words, Mandarin first and English second, kept as data in texts.yml.

One look-up per page: `t` (shared words and the catalogue pages), `u` (usage), `n` (not understood),
each `(lang, key, **fields)`. A key missing in English falls back to Mandarin; a key missing in both
raises, except on the usage page, where an unknown channel shows its own name."""

from __future__ import annotations

from pathlib import Path

import yaml

from nlu.intents import Intent

_ALL = yaml.safe_load((Path(__file__).with_name("texts.yml")).read_text(encoding="utf-8"))

TEXTS: dict[str, dict[str, str]] = _ALL["console"]
USAGE: dict[str, dict[str, str]] = _ALL["usage"]
NLU: dict[str, dict[str, str]] = _ALL["not_understood"]


def fill(texts: dict[str, dict[str, str]], lang: str, key: str, fields: dict) -> str | None:
    """The text `key` of `texts` in `lang` ("zh" or "en"; Mandarin where English lacks it),
    with `fields` filled in; None when there is no such text."""
    template = texts["en"].get(key) if lang == "en" else None
    template = template or texts["zh"].get(key)
    if template is None:
        return None
    return template.format(**fields) if fields else template


def _required(texts: dict[str, dict[str, str]], lang: str, key: str, fields: dict) -> str:
    text = fill(texts, lang, key, fields)
    if text is None:
        raise KeyError(key)
    return text


def t(lang: str, key: str, **fields) -> str:
    """A console text (shared words, catalogue pages) in `lang`, with `fields` filled in."""
    return _required(TEXTS, lang, key, fields)


def n(lang: str, key: str, **fields) -> str:
    """A not-understood page text in `lang`."""
    return _required(NLU, lang, key, fields)


def u(lang: str, key: str, **fields) -> str:
    """A usage-page text in `lang`; unknown channel keys fall back to the key itself."""
    text = fill(USAGE, lang, key, fields)
    return key.removeprefix("ch_") if text is None else text


def intent_label(lang: str, intent: Intent) -> str:
    """An intent as an operator reads it: its plain words (the registry's `description_zh` in
    Mandarin, `description` in English or where Mandarin words are missing) and its name."""
    words = intent.description_zh if lang == "zh" else None
    return f"{words or intent.description} ({intent.name})"
