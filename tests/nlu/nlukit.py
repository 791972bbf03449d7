"""Paths, the fixed clock and the phrase tables (cases.yml) shared by the NLU tests."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "content" / "data"
DATA = ROOT / "nlu" / "data"
HELD_OUT = ROOT / "tests" / "nlu"
CASES = HELD_OUT / "cases.yml"
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday


@cache
def _tables() -> dict[str, list]:
    return yaml.safe_load(CASES.read_text(encoding="utf-8"))


def cases(section: str) -> list:
    """The rows of one section of cases.yml as pytest parameters: a row [a, b, c] gives the test
    a, b and c; a lone value gives it that value. The ids are the values, as pytest makes them."""
    return [
        pytest.param(*row) if isinstance(row, list) else pytest.param(row)
        for row in _tables()[section]
    ]
