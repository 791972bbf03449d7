"""Helpers shared by the catalogue tests."""

from __future__ import annotations

import csv
from pathlib import Path


def rewrite_csv(path: Path, row_index: int, **changes: str) -> dict:
    """Change fields of one data row of a catalogue CSV in place; the changed row."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[row_index].update(changes)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return rows[row_index]
