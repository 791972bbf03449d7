"""`leling announce`: create (with --as and --at), list, status --json, cancel, stop, errors."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from annkit import TZ, VOL, Clock, make_users, make_volunteer, recorder, tick

from store import announcements as ann
from store.db import open_db


@pytest.mark.slow  # real `leling` processes
def test_announce_from_the_command_line(run_leling, tmp_path):
    path = tmp_path / "cli.db"
    env = {"LELING_DB": str(path)}
    db = open_db(path)
    make_volunteer(db)
    ids = make_users(db, 3)
    make_users(db, 2, district="东城区", start=5000)

    made = run_leling(
        "announce",
        "--audience",
        "district=朝阳区",
        "--text",
        "周六上午有义诊",
        "--at",
        "2026-12-04T15:00",
        "--as",
        "王",
        **env,
    )
    out = made.stdout.decode()
    assert made.returncode == 0, made.stderr
    assert "【东城区乐龄学习中心 · 志愿者王】\n周六上午有义诊" in out
    assert (
        "3 recipient(s)" in out and "Announcement #1 scheduled for 2026-12-04T15:00:00+08:00" in out
    )

    later = run_leling(
        "announce", "--audience", "all", "--text", "下周见", "--at", "2026-12-10T09:00", **env
    )
    assert later.returncode == 0, later.stderr
    listed = run_leling("announce", "list", **env).stdout.decode().splitlines()
    assert listed[0].startswith("#2") and "scheduled" in listed[0]
    assert listed[1].startswith("#1")

    clock = Clock(datetime(2026, 12, 4, 15, 0, tzinfo=TZ))
    sender = recorder()
    tick(path, sender, clock)
    assert sorted(u for u, _ in sender.sent) == sorted(ids)
    st = json.loads(run_leling("announce", "status", "1", "--json", **env).stdout)
    assert (st["state"], st["sent"], st["total"], st["author"]) == ("done", 3, 3, VOL)
    human = run_leling("announce", "status", "1", **env).stdout.decode()
    assert "sent 3/3" in human and "pending 0, deferred 0" in human

    assert run_leling("announce", "cancel", "2", **env).returncode == 0
    again = run_leling("announce", "cancel", "2", **env)
    assert again.returncode == 2 and "only a scheduled one" in again.stderr.decode()
    assert ann.status(db, 2)["state"] == "cancelled"
    stop = run_leling("announce", "stop", "1", **env)
    assert stop.returncode == 2 and "only a running one" in stop.stderr.decode()
    db.conn.close()


@pytest.mark.slow  # real `leling` processes
def test_bad_input_gets_a_plain_message(run_leling, tmp_path):
    env = {"LELING_DB": str(tmp_path / "cli.db")}
    cases = [
        (["--audience", "planet=mars", "--text", "x"], "unknown audience"),
        (["--audience", "all"], "Give both --audience and --text"),
        (["--audience", "all", "--text", "x", "--at", "tomorrow"], "write the time like"),
        (["--audience", "all", "--text", "x", "--as", "nobody"], "no active volunteer"),
        (["--audience", "all", "--text", "   "], "no text"),
        (["status", "42"], "There is no announcement #42"),
    ]
    for args, message in cases:
        done = run_leling("announce", *args, **env)
        assert done.returncode == 2, args
        assert message in done.stderr.decode(), (args, done.stderr)


def test_rate_and_cap_come_from_the_environment():
    import pytest

    from bot.config import ConfigError, Settings

    s = Settings.from_env({})
    assert (s.announce_rate, s.announce_cap) == (25.0, (2, 7))
    s = Settings.from_env({"LELING_ANNOUNCE_RATE": "20", "LELING_ANNOUNCE_CAP": "3/14"})
    assert (s.announce_rate, s.announce_cap) == (20.0, (3, 14))
    assert Settings.from_env({"LELING_ANNOUNCE_CAP": "0"}).announce_cap == (0, 7)
    for name, value in (
        ("LELING_ANNOUNCE_RATE", "50"),
        ("LELING_ANNOUNCE_RATE", "fast"),
        ("LELING_ANNOUNCE_CAP", "2 per week"),
        ("LELING_ANNOUNCE_CAP", "2/0"),
    ):
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: value})
