"""`/announce` in the conversation (real NLU for the times): text → audience with counts → when
→ preview with the label → confirm; refusals for a non-volunteer, a revoked volunteer and forged
buttons; list, status, cancel and stop."""

from __future__ import annotations

from datetime import datetime

import pytest
from annkit import ADMIN, TZ, VOL, make_users, make_volunteer

from dialogues import Assistant, Incoming
from dialogues.actions.desk import DeskConfig
from store import announcements as ann
from store import volunteers

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)  # a Friday afternoon
STRANGER = "telegram:55"


@pytest.fixture
def bot(db, catalogue, real_parser):
    make_volunteer(db, VOL)
    db.execute("UPDATE volunteers SET districts = '[\"朝阳区\"]' WHERE user_id = ?", [VOL])
    db.conn.commit()
    make_users(db, 12)
    make_users(db, 3, district="东城区", start=5000)
    return Assistant(
        db,
        catalogue,
        real_parser,
        clock=lambda: NOW,
        desk=DeskConfig(admins=frozenset({ADMIN}), hours=("08:00", "20:00")),
    )


def say(bot, user, text):
    replies = bot.handle(Incoming(user, text))
    return "\n".join(r.text for r in replies), [b.payload for r in replies for b in r.buttons]


def test_compose_now_and_the_preview_is_what_recipients_get(bot, db):
    text, buttons = say(bot, VOL, "/announce")
    assert "通知的内容" in text and "/ann_no" in buttons
    text, buttons = say(bot, VOL, "周六上午九点在中心有免费义诊，欢迎来")
    assert "发给谁" in text
    assert "/ann_aud all" in buttons and "/ann_aud district=朝阳区" in buttons
    titles = [b.title for r in bot.handle(Incoming(VOL, "朝阳区")) for b in r.buttons]
    assert "现在发" in titles  # typed district works too
    text, buttons = say(bot, VOL, "/ann_when now")
    preview = ann.preview(db, VOL, "周六上午九点在中心有免费义诊，欢迎来", "zh")
    assert preview in text and "【东城区乐龄学习中心 · 志愿者王】" in text
    assert "朝阳区的用户，共 12 人" in text
    assert buttons[:2] == ["/ann_ok", "/ann_no"]
    text, buttons = say(bot, VOL, "/ann_ok")
    assert "已安排：通知 #1" in text and "12 人" in text
    st = ann.status(db, 1, NOW)
    assert (st["state"], st["total"], st["author"]) == ("scheduled", 12, VOL)
    assert st["audience"] == {"district": "朝阳区"}
    # the draft is gone: the confirm button cannot be pressed twice
    assert "没有正在写的通知" in say(bot, VOL, "/ann_ok")[0]
    assert len(ann.list_recent(db)) == 1


def test_audience_buttons_show_counts_and_time_in_words(bot, db):
    say(bot, VOL, "/announce")
    replies = bot.handle(Incoming(VOL, "下周的讲座改到三楼"))
    titles = [b.title for r in replies for b in r.buttons]
    assert "所有用户（16人）" in titles and "朝阳区的用户（12人）" in titles
    text, _ = say(bot, VOL, "/ann_aud all")
    assert "共 16 人" in text and "什么时候发" in text
    text, _ = say(bot, VOL, "明天上午9点")
    assert "时间：2026-12-05 09:00" in text
    say(bot, VOL, "/ann_ok")
    st = ann.status(db, 1, NOW)
    assert st["send_at"] == "2026-12-05T09:00:00+08:00" and st["state"] == "scheduled"
    # list, status, cancel
    text, buttons = say(bot, VOL, "/announce list")
    assert "#1 待发送" in text and "/announce cancel 1" in buttons
    assert "共 16 人" in say(bot, VOL, "/announce status 1")[0]
    assert "已取消" in say(bot, VOL, "/announce cancel 1")[0]
    assert ann.status(db, 1, NOW)["state"] == "cancelled"
    assert "不能取消" in say(bot, VOL, "/announce cancel 1")[0]


def test_bad_steps_are_answered_kindly(bot, db):
    say(bot, VOL, "/announce")
    assert "太长了" in say(bot, VOL, "长" * (ann.MAX_TEXT + 1))[0]
    say(bot, VOL, "通知内容")
    assert "没听懂发给谁" in say(bot, VOL, "火星人")[0]
    assert "一个人也没有" in say(bot, VOL, "海淀区")[0]
    say(bot, VOL, "all")
    assert "没听懂时间" in say(bot, VOL, "等一会儿吧")[0]
    assert "已经过去了" in say(bot, VOL, "昨天上午9点")[0]
    assert "不发了" in say(bot, VOL, "取消")[0]
    assert ann.list_recent(db) == []


def test_others_are_refused_politely(bot, db):
    for text in ("/announce", "/announce list", "/ann_ok", "/ann_aud all", "/announce cancel 1"):
        reply, _ = say(bot, STRANGER, text)
        assert "发通知是给志愿者和管理员用的" in reply, text
    assert ann.list_recent(db) == []


def test_an_admin_may_announce_without_being_a_volunteer(bot, db):
    say(bot, ADMIN, "/announce")
    say(bot, ADMIN, "管理员的通知")
    text, buttons = say(bot, ADMIN, "/ann_aud all")
    say(bot, ADMIN, "/ann_when now")
    assert "已安排" in say(bot, ADMIN, "/ann_ok")[0]
    assert ann.status(db, 1, NOW)["label"]["zh"] == "【乐龄伴学】"


def test_a_volunteer_revoked_mid_draft_is_refused_at_confirm(bot, db):
    say(bot, VOL, "/announce")
    say(bot, VOL, "通知")
    say(bot, VOL, "/ann_aud all")
    say(bot, VOL, "/ann_when now")
    volunteers.revoke(db, ADMIN, VOL)
    assert "发通知是给志愿者和管理员用的" in say(bot, VOL, "/ann_ok")[0]
    assert ann.list_recent(db) == []


def test_forged_buttons_change_nothing(bot, db):
    # a button without a draft, a step out of order, a forged audience, someone else's id
    assert "没有正在写的通知" in say(bot, VOL, "/ann_ok")[0]
    say(bot, VOL, "/announce")
    assert "没有正在写的通知" in say(bot, VOL, "/ann_ok")[0]  # no text yet
    say(bot, VOL, "通知")
    text, _ = say(bot, VOL, "/ann_aud district=" + "区" * 500)
    assert "没听懂发给谁" in text
    text, _ = say(bot, VOL, "/ann_aud planet=mars")
    assert "没听懂发给谁" in text
    assert ann.list_recent(db) == []
    other = ann.create(db, "telegram:777", {"all": True}, "别人的")
    for verb in ("cancel", "stop", "status"):
        assert "不是您发的" in say(bot, VOL, f"/announce {verb} {other}")[0]
    assert "不是您发的" in say(bot, VOL, "/announce cancel 99999999999999999999")[0]
    assert ann.status(db, other, NOW)["state"] == "scheduled"
    # an admin may cancel anyone's
    assert "已取消" in say(bot, ADMIN, f"/announce cancel {other}")[0]


def test_a_captioned_photo_is_the_announcements_picture_and_needs_words(bot, db):
    photo = "AgACphotoLARGE01"
    say(bot, VOL, "/announce")
    replies = bot.handle(Incoming(VOL, "", photo=photo))
    assert "说明文字" in replies[0].text  # a picture alone: the caption is the text
    text, buttons = say(bot, VOL, "/ann_photo AgACforged0001 假的")  # no longer a command
    assert "/ann_aud all" not in buttons
    say(bot, VOL, "/announce")
    replies = bot.handle(Incoming(VOL, "义诊的地点在这张图上", photo=photo))
    assert "发给谁" in replies[0].text
    say(bot, VOL, "/ann_aud all")
    text, _ = say(bot, VOL, "/ann_when now")
    assert "（附图片）" in text and "义诊的地点在这张图上" in text
    say(bot, VOL, "/ann_ok")
    assert db.execute("SELECT photo FROM announcements").fetchall() == [(photo,)]
