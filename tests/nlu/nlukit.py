"""Paths and the fixed clock shared by the NLU tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "content" / "data"
DATA = ROOT / "nlu" / "data"
HELD_OUT = ROOT / "tests" / "nlu"
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday
