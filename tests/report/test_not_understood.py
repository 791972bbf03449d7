"""The not-understood queue: masking before storage, no sender kept, grouping, retention."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from store import events, not_understood, users
from store.masking import mask
from store.retention import RetentionPolicy, prune

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 20, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("我的电话是13812345678", "我的电话是〔电话〕"),
        ("打 138 1234 5678 找我", "打 〔电话〕 找我"),
        ("+86 138-1234-5678", "〔电话〕"),
        ("家里座机010-65123456", "家里座机〔电话〕"),
        ("幺三八一二三四五六七八", "〔电话〕"),
        ("身份证11010519491231002X能用吗", "身份证〔身份证号〕能用吗"),
        ("身份证号110105194912310021", "身份证号〔身份证号〕"),
        ("卡号6222 0212 3456 7890 123", "卡号〔银行卡号〕"),
        ("卡号6222021234567890", "卡号〔银行卡号〕"),
        ("我住望京花园3号楼2单元401室", "我住望京花园〔地址〕"),
        ("我家在5号院", "我家在〔地址〕"),
        ("甲1号楼三层", "〔地址〕"),
        ("朝阳路12号附近有课吗", "朝阳路〔地址〕附近有课吗"),
        ("送到3-2-401", "送到〔地址〕"),
        ("Room 401, Building 3", "〔地址〕, 〔地址〕"),
        ("写信到 laowang@example.com", "写信到 〔邮箱〕"),
        ("１３８１２３４５６７８", "〔电话〕"),  # full-width digits
    ],
)
def test_masking(said, kept):
    assert mask(said) == kept


@pytest.mark.parametrize(
    "said",
    ["明天3号有课吗", "12月3号下午两点", "2026-12-03的讲座", "第一排", "我今年78岁", "下午3点"],
)
def test_masking_leaves_dates_and_everyday_numbers(said):
    assert mask(said) == said


def test_the_engine_stores_masked_text_without_its_sender(world):
    db, _, happened = world
    assert happened["weather"].nlu["intent"]["name"] == "out_of_scope"
    rows = db.execute("SELECT * FROM not_understood ORDER BY id").fetchall()
    cols = [c[1] for c in db.execute("PRAGMA table_info(not_understood)").fetchall()]
    texts = [dict(zip(cols, r, strict=True))["text"] for r in rows]
    assert texts == ["今天天气怎么样", "我的手机号〔电话〕,今天天气怎么样"]
    flat = json.dumps(rows, ensure_ascii=False)
    assert "13812345678" not in flat and "telegram:1" not in flat
    assert not any("user" in c for c in cols)
    # A tapped button or a slash command is never "not understood" text.
    assert not any(t.startswith("/") for t in texts)


def test_groups_by_similarity_with_counts(db):
    said = [
        "今天天气怎么样",
        "明天天气怎么样",
        "今天天气好吗",
        "帮我买菜",
        "帮我买点菜",
        "怎么给孙子发红包",
        "怎么发红包给孙子",
        "附近有没有菜市场",
    ]
    for i, text in enumerate(said):
        not_understood.record(db, text, "zh", "out_of_scope", 0.3, at=NOW + timedelta(minutes=i))
    not_understood.record(db, "what is the weather today", "en", "out_of_scope", 0.2, at=NOW)
    found = not_understood.groups(db)
    assert [(g["count"], sorted(g["examples"])) for g in found if g["lang"] == "zh"] == [
        (3, sorted(said[:3])),
        (2, sorted(said[5:7])),
        (2, sorted(said[3:5])),
        (1, [said[7]]),
    ]
    first = found[0]
    assert first["example"] == "今天天气怎么样" and first["intent"] == "out_of_scope"
    assert first["key"] == not_understood.groups(db)[0]["key"]  # stable
    assert [g["lang"] for g in not_understood.groups(db, lang="en")] == ["en"]
    assert len(not_understood.groups(db, limit=2)) == 2


def test_retention_purges_after_30_days_by_default(db):
    not_understood.record(db, "很久以前的问题", "zh", None, 0.1, at=NOW - timedelta(days=31))
    not_understood.record(db, "最近的问题", "zh", None, 0.1, at=NOW - timedelta(days=29))
    counted = prune(db, NOW, RetentionPolicy(), dry_run=True)
    assert counted["not_understood"] == 1
    assert prune(db, NOW, RetentionPolicy())["not_understood"] == 1
    assert [g["example"] for g in not_understood.groups(db)] == ["最近的问题"]
    assert not_understood.purge_older(db, 7, now=NOW) == 1
    assert not_understood.count(db) == 0


def test_maintenance_prune_honours_the_setting(tmp_path, run_leling):
    from store.db import open_db

    path = tmp_path / "prune.db"
    db = open_db(path)
    not_understood.record(db, "十天前的问题", "zh", None, 0.1, at=NOW - timedelta(days=10))
    db.conn.close()
    env = {"LELING_DB": str(path)}
    kept = run_leling("maintenance", "prune", "--now", "2026-12-20T10:00", "--json", **env)
    assert json.loads(kept.stdout)["deleted"]["not_understood"] == 0
    gone = run_leling(
        "maintenance",
        "prune",
        "--now",
        "2026-12-20T10:00",
        "--json",
        LELING_RETAIN_NOT_UNDERSTOOD_DAYS="7",
        **env,
    )
    assert json.loads(gone.stdout)["deleted"]["not_understood"] == 1
    bad = run_leling("maintenance", "prune", LELING_RETAIN_NOT_UNDERSTOOD_DAYS="soon", **env)
    assert bad.returncode == 2 and b"LELING_RETAIN_NOT_UNDERSTOOD_DAYS" in bad.stderr


def test_after_erasure_the_events_pseudonym_links_to_no_one(db):
    users.get_or_create(db, "telegram:7")
    users.get_or_create(db, "telegram:8")
    events.record(db, "turn", user_id="telegram:7", intent="greet", at=NOW)
    events.record(db, "turn", user_id="telegram:8", intent="greet", at=NOW)
    old, other = [e["user_key"] for e in events.between(db, "2026-12-01", "2027-01-01")]
    assert old == events.user_key(db, "telegram:7") != other
    users.forget(db, "telegram:7")
    # The user row (part of the hash) is gone: the same id, back later, is someone new.
    db.execute("UPDATE audit_key SET value = value")  # the key itself stays
    users.get_or_create(db, "telegram:7")
    db.execute("UPDATE users SET created_at = '2027-01-05T00:00:00+00:00' WHERE id = 'telegram:7'")
    assert events.user_key(db, "telegram:7") != old
    assert events.user_key(db, "telegram:8") == other
