"""Response texts: one YAML file per language under `dialogues/templates/`.

Each key maps to a string or to a list of variations; `{name}` fields are filled with
`str.format`. Variations are picked by the caller's turn counter, so a conversation reads
naturally yet replays identically in tests.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
LANGS = ("zh", "en")


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        log.warning("template field {%s} was not given", key)
        return ""


class Texts:
    """All response templates, by language and key."""

    def __init__(self, folder: Path = TEMPLATE_DIR):
        self.by_lang: dict[str, dict[str, list[str]]] = {}
        for lang in LANGS:
            text = (folder / f"{lang}.yml").read_text(encoding="utf-8")
            # libyaml's loader when present: a tenth of `leling chat`'s start-up otherwise.
            raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
            self.by_lang[lang] = {
                str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)]
                for k, v in raw.items()
            }

    def keys(self, lang: str) -> set[str]:
        """Every template key of one language."""
        return set(self.by_lang[lang])

    def variations(self, lang: str, key: str) -> list[str]:
        """The raw variations of one key (falling back to Mandarin, then to the key itself)."""
        table = self.by_lang.get(lang) or self.by_lang["zh"]
        found = table.get(key) or self.by_lang["zh"].get(key)
        if not found:
            log.error("missing template %s/%s", lang, key)
            return [key]
        return found

    def get(self, lang: str, key: str, pick: int = 0, /, **fields) -> str:
        """The text for `key` in `lang`, variation `pick` (modulo their number), fields filled."""
        options = self.variations(lang, key)
        return options[pick % len(options)].format_map(_Blank(fields))
