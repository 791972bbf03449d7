"""Fixtures for the help-desk tests: an assistant with desk settings and a scripted parser."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogues"))

from deskkit import ADMIN, TZ, Clock  # noqa: E402
from dialoguekit import RecordingPlanner, ScriptedParser  # noqa: E402

from dialogues import Assistant  # noqa: E402
from dialogues.actions.desk import DeskConfig  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 4, 15, 0, tzinfo=TZ))  # a Friday afternoon, desk open


@pytest.fixture
def scripted() -> ScriptedParser:
    parser = ScriptedParser()
    parser.add("找人帮忙", "human_help")
    parser.add("我卡住了", "human_help")
    return parser


@pytest.fixture
def bot(db, catalogue, scripted, clock) -> Assistant:
    return Assistant(
        db,
        catalogue,
        scripted,
        clock=clock,
        planner=RecordingPlanner(),
        desk=DeskConfig(admins=frozenset({ADMIN}), hours=("08:00", "20:00")),
    )
