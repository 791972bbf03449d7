"""Announcements end to end on Telegram: `leling run` against the fake Bot API server. An admin
composes with `/announce` and the buttons; delivery meets an injected 429 (retried after the
flood-wait) and 403 (the user is marked inactive); every other user gets it exactly once, and
the admin gets the report."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter

import pytest
from annkit import make_users
from fake_bot_api import FakeBotApi
from test_telegram_e2e import Leling, ask, payloads

from store.db import open_db

pytestmark = pytest.mark.slow

ADMIN, STRANGER = 801, 802
SENIORS = list(range(1001, 1011))
LIMITED, BLOCKED = SENIORS[0], SENIORS[1]
TEXT = "本周六上午九点，中心有免费义诊"


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    fake = FakeBotApi().start()
    tmp = tmp_path_factory.mktemp("announce")
    db = open_db(tmp / "polling.db")
    make_users(db, len(SENIORS), start=SENIORS[0])
    # no quiet hours for them: the test must not depend on the hour it runs at
    db.execute("UPDATE users SET quiet_start = '00:00', quiet_end = '00:00'")
    db.conn.commit()
    db.conn.close()
    saved = dict(os.environ)
    os.environ.update(LELING_ADMINS=f"telegram:{ADMIN}", LELING_DESK_HOURS="00:00-23:59")
    try:
        proc = Leling(fake, tmp, "polling")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        proc.wait_ready()
        yield fake, proc
    finally:
        code = proc.stop()
        fake.stop()
    assert code == 0, proc.log.read_text()


def _press(fake, chat_id, data):
    mark = fake.mark()
    fake.press(chat_id, data)
    return fake.wait_for("sendMessage", chat_id=chat_id, after=mark, timeout=15)


def test_compose_on_telegram_then_delivery_through_429_and_403(running):
    fake, proc = running
    assert "志愿者和管理员" in ask(fake, STRANGER, "/announce").params["text"]

    first = ask(fake, ADMIN, "/announce")
    assert "通知的内容" in first.params["text"]
    audience = ask(fake, ADMIN, TEXT)
    assert "/ann_aud all" in payloads(audience)
    when = _press(fake, ADMIN, "/ann_aud all")
    assert "共 12 人" in when.params["text"]  # the seniors, the admin and the stranger
    preview = _press(fake, ADMIN, "/ann_when now")
    assert "【乐龄伴学】\n" + TEXT in preview.params["text"]
    assert payloads(preview)[:2] == ["/ann_ok", "/ann_no"]

    conn = sqlite3.connect(proc.db)  # the admin and the stranger: no quiet hours either
    with conn:
        conn.execute("UPDATE users SET quiet_start = '00:00', quiet_end = '00:00'")
    conn.close()
    fake.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=LIMITED
    )
    fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=BLOCKED)
    mark = fake.mark()
    done = _press(fake, ADMIN, "/ann_ok")
    assert "已安排：通知 #1" in done.params["text"]

    for chat in SENIORS:
        if chat != BLOCKED:
            fake.wait_for(
                "sendMessage",
                chat_id=chat,
                after=mark,
                where=lambda c: TEXT in c.params["text"],
                timeout=30,
            )
    report = fake.wait_for(
        "sendMessage",
        chat_id=ADMIN,
        after=mark,
        where=lambda c: "发送完毕" in c.params["text"],
        timeout=30,
    )
    got = Counter(
        c.chat_id
        for c in fake.calls[mark:]
        if c.method == "sendMessage" and c.status == 200 and TEXT in c.params.get("text", "")
    )
    assert got == Counter({c: 1 for c in [*SENIORS, ADMIN, STRANGER] if c != BLOCKED})
    assert "对方已屏蔽 1 人" in report.params["text"]
    # the 429 was answered, and the same message went out after it (once)
    limited = [c for c in fake.calls[mark:] if c.method == "sendMessage" and c.chat_id == LIMITED]
    assert [c.status for c in limited] == [429, 200]
    conn = sqlite3.connect(proc.db)
    try:
        active = conn.execute(
            "SELECT active FROM users WHERE id = ?", [f"telegram:{BLOCKED}"]
        ).fetchone()[0]
        rows = dict(conn.execute("SELECT user_id, status FROM deliveries").fetchall())
    finally:
        conn.close()
    assert active == 0
    assert rows[f"telegram:{BLOCKED}"] == "blocked"
    assert Counter(rows.values()) == Counter({"sent": 11, "blocked": 1})


def test_a_photo_with_a_caption_reaches_telegram_users_as_a_photo(running):
    fake, proc = running
    photo = [{"file_id": "AgACphotoSMALL", "file_unique_id": "s1", "width": 90, "height": 90}]
    photo.append(
        {"file_id": "AgACphotoLARGE01", "file_unique_id": "l1", "width": 800, "height": 600}
    )
    # a photo outside the composer is answered as before, not taken as an announcement
    mark = fake.mark()
    fake.push("message", fake.message(STRANGER, photo=photo, caption="看看这个"))
    first = fake.wait_for("sendMessage", chat_id=STRANGER, after=mark, timeout=15)
    assert "通知" not in first.params["text"]

    assert "图片" in ask(fake, ADMIN, "/announce").params["text"]
    mark = fake.mark()
    fake.push("message", fake.message(ADMIN, photo=photo, caption="义诊的地点在这张图上"))
    audience = fake.wait_for("sendMessage", chat_id=ADMIN, after=mark, timeout=15)
    assert "/ann_aud all" in payloads(audience)
    _press(fake, ADMIN, "/ann_aud all")
    preview = _press(fake, ADMIN, "/ann_when now")
    assert "（附图片）\n【乐龄伴学】\n义诊的地点在这张图上" in preview.params["text"]
    mark = fake.mark()
    assert "已安排：通知 #2" in _press(fake, ADMIN, "/ann_ok").params["text"]
    for chat in SENIORS[2:]:
        call = fake.wait_for("sendPhoto", chat_id=chat, after=mark, timeout=30)
        assert call.params["photo"] == "AgACphotoLARGE01"
        assert call.params["caption"].startswith("【乐龄伴学】\n义诊的地点在这张图上")
