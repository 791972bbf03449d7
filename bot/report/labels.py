"""Names people read in the report: intents, channels and the headline figures, in zh and en.
The headline figures and channels are named in labels.yml beside this file, intents by their
`label` in the intent registry (nlu/intents.yml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from nlu import intents

_DATA = yaml.safe_load(Path(__file__).with_name("labels.yml").read_text(encoding="utf-8"))
HEADLINE_NAMES: dict[str, tuple[str, str]] = {k: tuple(v) for k, v in _DATA["headlines"].items()}
CHANNELS: dict[str, tuple[str, str]] = {k: tuple(v) for k, v in _DATA["channels"].items()}


def intent(name: str) -> str:
    """ "找学习点 find a learning center" (odd-input intents: "其他输入 other input")."""
    if name.startswith("_"):
        return "其他输入 other input"
    zh, en = names(name)
    return zh if zh == en else f"{zh} {en}"


def names(name: str) -> tuple[str, str]:
    """An intent's (Mandarin, English) label; its own name twice when it has none."""
    known = intents.registry().get(name)
    return known.label if known is not None and known.label else (name, name)


def channel(name: str) -> str:
    """ "微信公众号 WeChat"."""
    zh, en = CHANNELS.get(name, (name, ""))
    return zh if zh == en else f"{zh} {en}".strip()
