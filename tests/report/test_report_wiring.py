"""How the report and the queue are wired into the program: the CLI stays light, the running
service purges the queue."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.maintenance import prune_daily
from store import not_understood

TZ = ZoneInfo("Asia/Shanghai")


def test_report_help_imports_neither_matplotlib_nor_the_report(cli_imports):
    for argv in (["--help"], ["report", "--help"]):
        modules = cli_imports(argv)
        assert not {m for m in modules if m.split(".")[0] == "matplotlib"}
        assert not {m for m in modules if m.startswith("bot.report")}


async def test_the_running_service_purges_the_queue_daily(db, monkeypatch):
    monkeypatch.setenv("LELING_RETAIN_NOT_UNDERSTOOD_DAYS", "7")
    just_before_four = datetime(2026, 12, 20, 3, 59, 59, 950000, tzinfo=TZ)
    old = just_before_four - timedelta(days=10)
    not_understood.record(db, "十天前的问题", "zh", None, 0.1, at=old)
    not_understood.record(
        db, "昨天的问题", "zh", None, 0.1, at=just_before_four - timedelta(days=1)
    )

    async def run(fn, *args):
        return fn(*args)

    services = SimpleNamespace(settings=Settings.from_env(), db=db, run=run)
    stop = asyncio.Event()
    task = asyncio.create_task(prune_daily(services, stop, clock=lambda: just_before_four))
    try:
        for _ in range(200):
            if not_understood.count(db) == 1:
                break
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task
    assert [g["example"] for g in not_understood.groups(db)] == ["昨天的问题"]
    assert json.dumps(not_understood.groups(db), ensure_ascii=False).count("十天前") == 0
