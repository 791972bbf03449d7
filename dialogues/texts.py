"""Response texts: one YAML file per language under `dialogues/templates/`.

Each key maps to a string or to a list of variations; `{name}` fields are filled with
`str.format`. Variations are picked by the caller's turn counter, so a conversation reads
naturally yet replays identically in tests.

How a person picks a button differs by channel: Telegram and the web chat show buttons under
the message ("点下面的按钮"), WeChat shows numbered lines and its menu ("回复数字"), the
terminal (`leling chat`) takes a typed number or button title. The templates say the first;
`templates/channels.yml` — the one place for the rest — gives a channel's own wording of those
keys (`channel → lang → key`), used when the turn's `Incoming.channel` names that channel.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
LANGS = ("zh", "en")
CHANNELS_FILE = "channels.yml"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        log.warning("template field {%s} was not given", key)
        return ""


@dataclass
class ChannelWording:
    """A channel's own wording in one language: whole templates, and rewrites of the rest."""

    keys: dict[str, list[str]] = field(default_factory=dict)
    rewrites: list[tuple[re.Pattern, str]] = field(default_factory=list)

    @classmethod
    def from_yaml(cls, table: dict) -> ChannelWording:
        """From channels.yml's `keys` and `rewrite` of one channel and language."""
        keys = {
            str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)]
            for k, v in (table.get("keys") or {}).items()
        }
        rewrites = [(re.compile(p), str(r)) for p, r in (table.get("rewrite") or [])]
        return cls(keys, rewrites)

    def rewritten(self, text: str) -> str:
        """`text` with the channel's rewrites applied."""
        for pattern, replacement in self.rewrites:
            text = pattern.sub(replacement, text)
        return text


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
        # channel → lang → its own wording: whole keys, and rewrites of the rest
        self.by_channel: dict[str, dict[str, ChannelWording]] = {}
        path = folder / CHANNELS_FILE
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        for channel, langs in (raw or {}).items():
            self.by_channel[str(channel)] = {
                str(lang): ChannelWording.from_yaml(table or {})
                for lang, table in (langs or {}).items()
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

    def get(
        self, lang: str, key: str, pick: int = 0, channel: str | None = None, /, **fields
    ) -> str:
        """The text for `key` in `lang`, variation `pick` (modulo their number), fields filled;
        in `channel`'s own wording when channels.yml has one."""
        own = self.by_channel.get(channel or "", {}).get(lang if lang in LANGS else "zh")
        if own is None:
            options = self.variations(lang, key)
            return options[pick % len(options)].format_map(_Blank(fields))
        options = own.keys.get(key) or self.variations(lang, key)
        return own.rewritten(options[pick % len(options)]).format_map(_Blank(fields))
