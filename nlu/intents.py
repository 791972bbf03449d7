"""The intent registry (`nlu/intents.yml`): every intent declared once.

The NLU trains on the intents that are not `internal`; the dialogue engine reads which action
answers each intent, which may be offered as a guess, which keep a multi-step flow going, and
which slash commands name them. See the YAML file's header for the fields and docs/nlu.md for
the steps to add an intent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

REGISTRY_FILE = Path(__file__).resolve().parent / "intents.yml"
_FIELDS = {
    "description",
    "description_zh",
    "label",
    "internal",
    "action",
    "clarify",
    "keeps_loop",
    "commands",
}


@dataclass(frozen=True)
class Intent:
    """One registered intent (see `nlu/intents.yml` for what each field means)."""

    name: str
    description: str
    internal: bool = False
    action: str | None = None
    clarify: bool = False
    keeps_loop: bool = False
    commands: tuple[str, ...] = ()
    description_zh: str | None = None
    label: tuple[str, str] | None = None  # (Mandarin, English)

    @property
    def odd_input(self) -> bool:
        """Input that is not a question at all (`_empty`, `_code` …): never a payload."""
        return self.name.startswith("_")


def load(path: Path | None = None) -> dict[str, Intent]:
    """The registry in file order; raises ValueError on an unknown field, a missing description or
    a label that is not [Mandarin, English]."""
    doc = yaml.safe_load(Path(path or REGISTRY_FILE).read_text(encoding="utf-8")) or {}
    out: dict[str, Intent] = {}
    for name, spec in (doc.get("intents") or {}).items():
        spec = spec or {}
        unknown = set(spec) - _FIELDS
        if unknown:
            raise ValueError(f"intent {name}: unknown field(s) {sorted(unknown)}")
        if not spec.get("description"):
            raise ValueError(f"intent {name}: a description is required")
        label = spec.get("label")
        if label is not None and not (
            isinstance(label, list) and len(label) == 2 and all(isinstance(x, str) for x in label)
        ):
            raise ValueError(f"intent {name}: label must be [Mandarin, English]")
        out[str(name)] = Intent(
            name=str(name),
            description=str(spec["description"]),
            internal=bool(spec.get("internal", False)),
            action=spec.get("action"),
            clarify=bool(spec.get("clarify", False)),
            keeps_loop=bool(spec.get("keeps_loop", False)),
            commands=tuple(str(c) for c in spec.get("commands") or ()),
            description_zh=spec.get("description_zh"),
            label=(label[0], label[1]) if label else None,
        )
    return out


@cache
def registry() -> dict[str, Intent]:
    """The shipped registry (read once per process)."""
    return load()


def nlu_intents() -> frozenset[str]:
    """The intents the NLU is trained on (and the training data must name exactly)."""
    return frozenset(n for n, i in registry().items() if not i.internal)


def payload_intents() -> frozenset[str]:
    """The intents a button payload or slash command may name (every one but odd input)."""
    return frozenset(n for n, i in registry().items() if not i.odd_input)


def commands() -> dict[str, str]:
    """Slash command (without "/") → intent."""
    return {c: i.name for i in registry().values() for c in i.commands}


@cache
def flagged(flag: str) -> frozenset[str]:
    """The intents with a true boolean field (`clarify`, `keeps_loop`)."""
    return frozenset(n for n, i in registry().items() if getattr(i, flag))
