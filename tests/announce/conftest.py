"""Fixtures for the announcement tests (helpers in annkit.py)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "telegram"))  # the fake Bot API server and `leling run`
