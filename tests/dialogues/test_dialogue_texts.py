"""The response templates: both languages have the same keys and the same fields."""

from __future__ import annotations

import re
import string

from dialogues.texts import Texts

FIELD = string.Formatter()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in FIELD.parse(text) if name}


def test_both_languages_have_the_same_keys():
    texts = Texts()
    assert texts.keys("zh") == texts.keys("en")


def test_variations_share_their_fields_across_languages():
    texts = Texts()
    for key in texts.keys("zh"):
        zh = set().union(*(_fields(v) for v in texts.variations("zh", key)))
        en = set().union(*(_fields(v) for v in texts.variations("en", key)))
        assert zh == en, key


def test_every_key_used_in_code_exists():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "dialogues"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r'\bt\.t\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    missing = used - Texts().keys("zh")
    assert not missing, missing


def test_mandarin_texts_use_chinese_quotes():
    for key, options in Texts().by_lang["zh"].items():
        for text in options:
            assert '"' not in text, key


def test_a_missing_field_renders_blank_not_an_error():
    assert Texts().get("zh", "sub.name") == "「」"
