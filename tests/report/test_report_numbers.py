"""The report's numbers against a month of scripted use (reportkit.build_world: the real engine,
NLU and dispatcher, an injected clock), and the `leling report` command that prints them."""

from __future__ import annotations

import json
import re

from bot.report.metrics import daily_series, month_metrics
from store import events


def test_conversations_and_active_users_per_channel_and_district(world):
    db, _, _ = world
    m = month_metrics(db, "2026-12")
    # telegram:1 has two conversations (09:00–09:07 and 15:00–15:01, hours apart); web:2,
    # wechat:3 and web:5 one each.
    assert (m["conversations"], m["active_users"], m["turns"]) == (5, 4, 17)
    assert m["by_channel"] == {
        "telegram": {"conversations": 2, "active_users": 1, "turns": 6},
        "wechat": {"conversations": 1, "active_users": 1, "turns": 2},
        "web": {"conversations": 2, "active_users": 2, "turns": 9},
    }
    assert m["by_district"]["朝阳区"] == {"conversations": 2, "active_users": 1, "turns": 6}
    assert m["weeks"] == [
        {
            "week": "2026-W49",
            "start": "2026-11-30",
            "conversations": 5,
            "active_users": 4,
            "turns": 17,
        }
    ]
    # Month on month: November had one conversation with one person.
    prev = m["previous"]
    assert (m["previous_month"], prev["conversations"], prev["active_users"]) == ("2026-11", 1, 1)
    assert m["change"]["conversations"] == 400.0
    assert m["change"]["guides.started"] is None  # nothing to compare with


def test_top_intents_guides_subscriptions_reminders_help(world):
    db, _, happened = world
    m = month_metrics(db, "2026-12")
    top = {i["intent"]: i["count"] for i in m["top_intents"]}
    assert top["guide_next"] == 8 and top["start_guide"] == 2 and top["subscribe"] == 2
    assert top["out_of_scope"] == 2 and top["greet"] == 1
    g = m["guides"]
    assert (g["started"], g["finished"], g["abandoned"], g["completion"]) == (2, 1, 1, 0.5)
    assert g["abandoned_at"] == {"2": 1}
    assert g["by_guide"] == [
        {
            "guide": "enlarge_font",
            "started": 2,
            "finished": 1,
            "abandoned": 1,
            "abandoned_at": {"2": 1},
            "give_up_step": 2,
        }
    ]
    assert m["subscriptions"] == {
        "total": 2,
        "lecture": 2,
        "lesson": 0,
        "filter": 0,
        "subscribers": 2,
    }
    # The dispatcher really sent two reminders to wechat:3 (the second 10 minutes late) and
    # failed the one to web:5, who blocked the bot.
    assert [uid for uid, _ in happened["sent"]] == ["wechat:3", "wechat:3", "telegram:1"]
    assert m["reminders"] == {"sent": 2, "late": 1, "failed": 1, "on_time_rate": 0.333}
    h = m["help_requests"]
    assert (h["created"], h["claimed"], h["closed"]) == (1, 1, 1)
    assert h["time_to_claim_s"]["median"] == 600 and h["time_to_close_s"]["median"] == 2400
    assert m["not_understood"] == 2
    assert m["announcements"] == {
        "announcements": 1,
        "sent": 1,
        "failed": 0,
        "blocked": 0,
        "opted_out": 0,
    }


def test_one_district(world):
    db, _, _ = world
    m = month_metrics(db, "2026-12", district="朝阳区")
    assert (m["conversations"], m["active_users"], m["turns"]) == (2, 1, 6)
    assert (m["guides"]["started"], m["guides"]["abandoned"]) == (1, 1)
    # The lecture is in 朝阳区, so its subscriptions and reminders count there.
    assert m["subscriptions"]["total"] == 2
    assert (m["reminders"]["sent"], m["reminders"]["failed"]) == (2, 1)
    assert m["help_requests"]["created"] == 0  # wechat:3 gave no district
    assert m["announcements"]["sent"] == 1
    assert month_metrics(db, "2026-12", district="海淀区")["conversations"] == 0


def test_daily_series(world):
    db, _, _ = world
    d = daily_series(db, "2026-12-01", "2026-12-04")
    assert d["days"] == ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    assert d["conversations"] == [2, 1, 2, 0]
    assert d["active_users"] == [1, 1, 2, 0]
    assert d["by_channel"]["telegram"]["conversations"] == [2, 0, 0, 0]
    assert d["by_channel"]["web"]["active_users"] == [0, 1, 1, 0]


def test_no_user_text_in_events(world):
    db, _, _ = world
    rows = db.execute("SELECT * FROM events").fetchall()
    flat = json.dumps(rows, ensure_ascii=False)
    for said in ("天气", "13812345678", "你好", "telegram:1", "wechat:3"):
        assert said not in flat
    keys = {e["user_key"] for e in events.between(db, "2026-12-01", "2027-01-01")}
    assert all(k is None or re.fullmatch(r"user:[0-9a-f]{24}", k) for k in keys)


def test_cli_json_is_the_same_numbers(world, run_leling):
    db, path, _ = world
    out = run_leling("report", "--month", "2026-12", "--json", LELING_DB=str(path))
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout) == json.loads(json.dumps(month_metrics(db, "2026-12")))
    chaoyang = run_leling(
        "report", "--month", "2026-12", "--district", "Chaoyang", "--json", LELING_DB=str(path)
    )
    assert json.loads(chaoyang.stdout)["district"] == "朝阳区"


def test_cli_html_is_self_contained(world, run_leling, tmp_path):
    _, path, _ = world
    out_file = tmp_path / "report.html"
    out = run_leling("report", "--month", "2026-12", "--out", str(out_file), LELING_DB=str(path))
    assert out.returncode == 0, out.stderr.decode()
    page = out_file.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.count("<svg") >= 6
    # Nothing is fetched from anywhere: no URL, no external reference, no script (the charts'
    # clip paths point inside the page: url(#…)).
    external = r"https?:|//[a-z]|<script|<link|<img|<iframe|@import|url\((?!#)|href=\"(?!#)"
    assert not re.search(external, page, re.I)
    assert "@media print" in page and "@page" in page
    # The plain-language summary and the figures.
    assert "2026年12月，全市共有 4 位用户和乐龄伴学进行了 5 次对话，比上月多 400%。" in page
    assert "「把手机上的字调大」最多人停在第 2 步" in page
    assert "In 2026-12, 4 people in the whole city had 5 conversations" in page


def test_cli_kind_errors(run_leling):
    bad_month = run_leling("report", "--month", "December")
    assert bad_month.returncode == 2 and b"YYYY-MM" in bad_month.stderr
    bad_district = run_leling("report", "--month", "2026-12", "--district", "Gotham")
    assert bad_district.returncode == 2 and "朝阳区".encode() in bad_district.stderr
