"""Counters a scheduler run reports: one base for the planner's and the dispatcher's reports."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Self


@dataclass
class Counts:
    """A dataclass whose int fields are counters; other fields (details) are left out of both."""

    def as_dict(self) -> dict[str, int]:
        """The counters by name, in field order (for logs and `--json`)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if isinstance(getattr(self, f.name), int)
        }

    def add(self, other: Self) -> None:
        """Add another report's counters to this one."""
        for name, value in other.as_dict().items():
            setattr(self, name, getattr(self, name) + value)
