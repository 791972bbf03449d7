"""Roles: admins from configuration, one-time invite codes, revoking, the audit log, and a
polite refusal for everyone else."""

from __future__ import annotations

import pytest
from deskkit import ADMIN, say, text_of

from bot.config import ConfigError, Settings
from store import audit, volunteers


def test_admins_and_desk_hours_come_from_the_environment():
    s = Settings.from_env({"LELING_ADMINS": "telegram:42, web:abc"})
    assert s.admins == ("telegram:42", "web:abc")
    with pytest.raises(ConfigError, match="LELING_ADMINS"):
        Settings.from_env({"LELING_ADMINS": "42"})
    with pytest.raises(ConfigError, match="LELING_DESK_HOURS"):
        Settings.from_env({"LELING_DESK_HOURS": "20:00-08:00"})
    assert Settings.from_env({"LELING_DESK_HOURS": "09:00-18:30"}).desk_hours == (
        "09:00",
        "18:30",
    )


def test_an_admin_invites_and_the_code_works_once(bot, db):
    reply = text_of(say(bot, ADMIN, "/invite 东城区"))
    code = reply.split("：", 1)[1][:8]
    assert "/volunteer " + code in reply
    joined = text_of(say(bot, "telegram:7", f"/volunteer {code.lower()} 小王"))
    assert "志愿者" in joined and "小王" in joined
    me = volunteers.get(db, "telegram:7")
    assert me["name"] == "小王" and me["districts"] == ["东城区"]
    assert "用过" in text_of(say(bot, "telegram:8", f"/volunteer {code}"))
    assert volunteers.get(db, "telegram:8") is None
    actions = [e["action"] for e in audit.entries(db)]
    assert "volunteer.invite" in actions and "volunteer.join" in actions


def test_others_get_a_polite_refusal(bot, db):
    for command in ("/invite", "/volunteers", "/revoke telegram:7"):
        assert "只有管理员" in text_of(say(bot, "telegram:9", command))
    for command in ("/desk", "/claim 1", "/close 1", "/reply 1 hello"):
        replies = say(bot, "telegram:9", command)
        assert "给志愿者用的" in text_of(replies)
        assert replies[0].buttons  # never a dead end
    assert "不对" in text_of(say(bot, "telegram:10", "/volunteer NOPE1234"))


def test_a_revoked_volunteer_is_refused(bot, db):
    code = volunteers.invite(db, ADMIN, org="朝阳区乐龄学习中心")
    volunteers.redeem(db, "telegram:7", code, name="小李")
    assert "小李" in text_of(say(bot, ADMIN, "/volunteers"))
    assert "已取消" in text_of(say(bot, ADMIN, "/revoke telegram:7"))
    assert "给志愿者用的" in text_of(say(bot, "telegram:7", "/desk"))
    assert volunteers.get(db, "telegram:7") is None
    assert [e["actor"] for e in audit.entries(db, "volunteer.revoke")] == [ADMIN]


def test_the_cli_invites_lists_and_revokes(run_leling, tmp_path):
    env = {"LELING_DB": str(tmp_path / "cli.db")}
    made = run_leling(
        "volunteers", "invite", "--org", "东城区乐龄学习中心", "--name", "小王", **env
    )
    assert made.returncode == 0, made.stderr
    code = made.stdout.decode().split("Invite code: ", 1)[1][:8]
    from store.db import open_db

    db = open_db(tmp_path / "cli.db")
    volunteers.redeem(db, "web:abc", code)
    db.conn.close()
    listed = run_leling("volunteers", "list", **env).stdout.decode()
    assert "web:abc" in listed and "【东城区乐龄学习中心 · 小王】" in listed
    assert run_leling("volunteers", "revoke", "web:abc", **env).returncode == 0
    assert run_leling("volunteers", "revoke", "web:abc", **env).returncode == 1


def test_forget_removes_a_volunteer_and_their_desk_messages(bot, db):
    from store import desk_outbox, help_requests, users

    code = volunteers.invite(db, ADMIN)
    volunteers.redeem(db, "telegram:7", code, name="小王")
    rid = help_requests.create(db, "telegram:100", "human_help", {})
    help_requests.claim(db, rid, "telegram:7")
    desk_outbox.add(db, "telegram:7", "notice", "#1")
    assert users.export(db, "telegram:7")["volunteers"]
    users.forget(db, "telegram:7")
    assert volunteers.get(db, "telegram:7", include_revoked=True) is None
    assert not desk_outbox.rows_for(db, "telegram:7")
    assert help_requests.get(db, rid)["volunteer_id"] is None
    assert not db.execute(
        "SELECT count(*) FROM volunteer_invites WHERE used_by IS NOT NULL"
    ).fetchone()[0]
