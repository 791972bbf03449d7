"""The usage and not-understood pages over real HTTP: the metrics as charts (SVG images, nothing
external) with their tables, by day and week, channel and district; not-understood groups with
counts, masked; assigning one puts its texts in the reviewed training data; retraining runs in
the background and the new model is used only when the held-out gates pass."""

from __future__ import annotations

import base64
import html
import re
from datetime import datetime, timedelta

import pytest
from adminkit import ADMIN, admin
from webkit import TZ

from nlu.review import pending_examples, read
from store import audit, events, not_understood

DAY = datetime(2026, 12, 2, 10, 0, tzinfo=TZ)


def _turns(live) -> None:
    """Three web users in 朝阳区 on 12-02, one Telegram user in 东城区 on 12-02 and 12-03."""
    for i in range(3):
        for k in range(2):  # two messages a minute apart: one conversation
            events.record(
                live.db,
                "turn",
                user_id=f"web:{i:032x}",
                channel="web",
                district="朝阳区",
                intent="find_center",
                at=DAY + timedelta(minutes=i * 60 + k),
            )
    for day in (0, 1):
        events.record(
            live.db,
            "turn",
            user_id="telegram:77",
            channel="telegram",
            district="东城区",
            intent="list_lectures",
            at=DAY + timedelta(days=day),
        )
    events.record(
        live.db,
        "guide_abandoned",
        user_id="web:0",
        channel="web",
        detail={"guide": "send_photo", "step": 3},
        at=DAY,
    )


def _rows(page: str) -> list[list[str]]:
    return [
        [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", page)
    ]


def _charts(page: str) -> list[str]:
    return [
        base64.b64decode(b).decode("utf-8")
        for b in re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    ]


def test_usage_shows_each_chart_beside_its_table(live):
    _turns(live)
    a = admin(live)
    page = a.http.get("/admin/usage").text
    rows = _rows(page)
    assert ["对话次数", "5", "0", ""] in rows  # this month (2026-12) and the one before
    assert ["2026-12-02", "4", "4"] in rows and ["2026-12-03", "1", "1"] in rows
    assert ["网页", "3", "3", "6"] in rows and ["Telegram", "2", "1", "2"] in rows
    assert ["朝阳区", "3", "3", "6"] in rows and ["东城区", "2", "1", "2"] in rows
    assert ["find_center", "6"] in rows and ["3", "1"] in rows  # intents; the step given up on
    charts = _charts(page)
    assert len(charts) >= 5
    for svg in charts:
        assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
        assert "<script" not in svg and "<image" not in svg and "<foreignObject" not in svg
        assert all(ref.startswith("#") for ref in re.findall(r'href="([^"]*)"', svg))
    assert 'alt="每天的对话次数和使用人数"' in page

    week = a.http.get("/admin/usage", params={"view": "week"}).text
    assert ["2026-W49", "2026-11-30", "5", "4"] in _rows(week)
    chaoyang = a.http.get("/admin/usage", params={"district": "朝阳区"}).text
    assert ["对话次数", "3", "0", ""] in _rows(chaoyang) and "东城区</td>" not in chaoyang
    odd = a.http.get("/admin/usage", params={"month": "1999-01", "district": "<x>", "view": "?"})
    assert odd.status_code == 200 and "2026-12" in odd.text  # unknown choices fall back
    november = a.http.get("/admin/usage", params={"month": "2026-11"}).text
    assert "这个月还没有使用记录" in html.unescape(november)
    a.close()


def _messages(live) -> None:
    for text in ("我想学跳广场舞", "想学广场舞", "哪里能学跳广场舞"):
        not_understood.record(live.db, text, "zh", "out_of_scope", 0.2, at=DAY)
    not_understood.record(
        live.db, "我的电话是13812345678，帮我报名", "zh", "subscribe", 0.3, at=DAY
    )


def _group_key(page: str, example: str) -> str:
    card = page[: page.index(html.escape(example))]
    card = page[page.rindex('<li class="staff-card">', 0, len(card)) :]
    return re.search(r'name="key" value="([^"]+)"', card).group(1)


def test_groups_are_shown_with_counts_and_masked(live):
    _messages(live)
    a = admin(live)
    page = html.unescape(a.http.get("/admin/not-understood").text)
    assert "我想学跳广场舞" in page and "3 次" in page
    assert "〔电话〕" in page and "13812345678" not in page
    assert '<option value="list_lessons">手机课程 (list_lessons)</option>' in page
    assert '<option value="out_of_scope">' in page and 'value="_empty"' not in page
    a.close()


def test_assigning_a_group_adds_it_to_the_reviewed_data(live):
    _messages(live)
    a = admin(live)
    page = a.http.get("/admin/not-understood").text
    key = _group_key(page, "我想学跳广场舞")
    r = a.post("/admin/not-understood/assign", csrf=None, key=key, intent="list_lessons")
    assert r.status_code == 303 and "note=assigned" in r.headers["location"]
    after = html.unescape(a.http.get(r.headers["location"]).text)
    assert "已保存：3 条话记为“list_lessons”" in after
    assert "我想学跳广场舞" not in after  # it left the queue
    reviewed = read(live.nlu_data / "reviewed_zh.yml")
    assert {"我想学跳广场舞", "想学广场舞", "哪里能学跳广场舞"} <= set(reviewed["list_lessons"])
    assert audit.entries(live.db, "not_understood.assign")[-1]["actor"] == ADMIN
    assert "等待训练的例句：3 条" in after

    masked = "我的电话是〔电话〕,帮我报名"  # store/masking.py
    key = _group_key(after, masked)
    r = a.post("/admin/not-understood/assign", key=key, intent="out_of_scope")
    assert r.status_code == 303
    assert read(live.nlu_data / "reviewed_zh.yml")["out_of_scope"] == [masked]
    # an unknown group, no choice, an intent Leling does not have
    gone = a.post("/admin/not-understood/assign", key=key, intent="greet")
    assert "note=gone" in gone.headers["location"]
    pick = a.post("/admin/not-understood/assign", key=key, intent="")
    assert "note=pick" in pick.headers["location"]
    not_understood.record(live.db, "随便说说", "zh", None, 0.1, at=DAY)
    key = _group_key(a.http.get("/admin/not-understood").text, "随便说说")
    bad = a.post("/admin/not-understood/assign", key=key, intent="_empty")
    assert bad.status_code == 400 and "不认识" in html.unescape(bad.text)
    a.close()


@pytest.mark.slow
def test_retraining_uses_the_new_model_only_after_the_gates_pass(live):
    _messages(live)
    a = admin(live)
    key = _group_key(a.http.get("/admin/not-understood").text, "我想学跳广场舞")
    a.post("/admin/not-understood/assign", key=key, intent="list_lessons")
    old_parser = live.services.assistant.parser
    r = a.post("/admin/not-understood/retrain", csrf=None)
    assert r.status_code == 303 and "note=started" in r.headers["location"]
    again = a.post("/admin/not-understood/retrain")
    running = live.app.state.retrainer.snapshot()["state"] == "running"
    assert ("note=already" in again.headers["location"]) == running
    state = live.app.state.retrainer.wait(600)
    assert state["state"] == "passed", state
    assert live.services.assistant.parser is not old_parser  # the new model is in use
    page = html.unescape(a.http.get("/admin/not-understood").text)
    assert "通过了测试" in page and "新模型已经在使用" in page and "等待训练的例句：0 条" in page
    assert pending_examples(live.nlu_data) == {}
    assert "我想学跳广场舞" in read(live.nlu_data / "zh" / "reviewed.yml")["list_lessons"]
    assert audit.entries(live.db, "nlu.retrain")[-1]["actor"] == ADMIN
    live.app.state.retrainer = None  # as after a restart: the outcome comes from the audit log
    page = html.unescape(a.http.get("/admin/not-understood").text)
    assert "通过了测试" in page and "新模型已经在使用" in page
    parsed = live.services.assistant.parser.parse("哪里能学跳广场舞")
    assert parsed["intent"]["name"] == "list_lessons"
    a.close()
