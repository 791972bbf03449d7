"""`Problem`: one thing wrong with a catalogue, in one line an operator can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue, precise enough to find and fix."""

    file: str
    message: str
    row: int | None = None  # CSV row (header = 1) or YAML line (or a file's line)
    item: int | None = None  # YAML list position, 1-based
    id: str | None = None
    field: str | None = None
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file
        if self.item is not None:
            where += f" item {self.item}"
            if self.row is not None:
                where += f" (line {self.row})"
        elif self.row is not None:
            yaml_file = self.file.endswith((".yaml", ".yml"))
            where += f" {'line' if yaml_file else 'row'} {self.row}"
        if self.id:
            where += f" [id {self.id}]"
        what = f"field '{self.field}': " if self.field else ""
        prefix = "warning: " if self.level == "warning" else ""
        return f"{prefix}{where}: {what}{self.message}"
