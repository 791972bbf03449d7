"""The /desk announcement composer over real HTTP: recipient count, kind refusals of bad input,
the preview exactly as recipients read it, confirm once (a double tap makes one), delivery by
the announcement courier into the web inbox with the progress shown, cancel of a scheduled one
(its sender or an admin only)."""

from __future__ import annotations

import re

from staffkit import ADMIN, ChatUser, Staff, announce_tick

from store import announcements as ann
from store import audit, users, volunteers


def _volunteer(live, name: str) -> tuple[Staff, str]:
    c = Staff(live.url)
    c.login_code(volunteers.invite(live.db, ADMIN, org="朝阳区乐龄学习中心"), name)
    uid = next(v["user_id"] for v in volunteers.all_volunteers(live.db) if v["name"] == name)
    return c, uid


def _people(live, n: int, district: str) -> list[ChatUser]:
    out = []
    for _ in range(n):
        person = ChatUser(live.url)
        person.say("你好")
        uid = live.db.execute("SELECT id FROM users ORDER BY rowid DESC LIMIT 1").fetchone()[0]
        users.update(live.db, uid, home_district=district)
        out.append(person)
    return out


FORM = {"text": "周六上午9点社区有义诊，欢迎来。", "audience": "district", "district": "朝阳区"}


def test_compose_preview_confirm_and_watch_it_reach_the_inbox(live):
    wang, uid = _volunteer(live, "小王")
    chaoyang = _people(live, 2, "朝阳区")
    _people(live, 1, "东城区")

    page = wang.http.get("/desk/announce")
    assert page.status_code == 200 and 'id="composer"' in page.text
    assert "/staff/static/announce.js" in page.text and "<script>" not in page.text
    count = wang.http.get(
        "/desk/api/announce/count", params={"audience": "district", "district": "朝阳区"}
    ).json()
    assert count["count"] == 2 and "2 位用户" in count["words"]
    everyone = wang.http.get("/desk/api/announce/count", params={"audience": "all"}).json()
    assert everyone["count"] == 3

    # kind refusals, the draft kept
    empty = wang.post("/desk/announce/preview", **{**FORM, "text": " "})
    assert empty.status_code == 400 and "请写通知内容" in empty.text
    long = wang.post("/desk/announce/preview", **{**FORM, "text": "长" * 1001})
    assert long.status_code == 400 and "最多 1000 个字" in long.text
    nowhere = wang.post("/desk/announce/preview", **{**FORM, "district": "火星区"})
    assert nowhere.status_code == 400 and "请填写要发给的对象" in nowhere.text
    assert "周六上午9点社区有义诊" in nowhere.text  # what was typed is still there
    past = wang.post("/desk/announce/preview", **FORM, when="later", at="2026-12-01T09:00")
    assert past.status_code == 400 and "已经过去" in past.text
    nobody = wang.post("/desk/announce/preview", **{**FORM, "district": "延庆区"})
    assert nobody.status_code == 400 and "不会有人收到" in nobody.text

    shown = wang.post("/desk/announce/preview", **FORM)
    assert shown.status_code == 200
    exact = ann.preview(live.db, uid, FORM["text"], "zh")
    assert exact.startswith("【朝阳区乐龄学习中心 · 志愿者小王】")
    zh = re.search(
        r'<div class="preview" id="preview-zh" lang="zh-CN">(.*?)</div>', shown.text, re.S
    )
    assert zh.group(1) == exact  # exactly as recipients read it (no markup in it)
    assert "共 2 位用户" in shown.text and "朝阳区的用户" in shown.text
    assert ann.list_recent(live.db) == []  # nothing is created by a preview

    fields = dict(
        re.findall(
            r'name="(\w+)" value="([^"]*)"',
            shown.text.split("/desk/announce/confirm")[1].split("</form>")[0],
        )
    )
    fields.pop("csrf")
    first = wang.post("/desk/announce/confirm", **fields)
    again = wang.post("/desk/announce/confirm", **fields)  # a double tap
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    [a] = ann.list_recent(live.db)
    assert first.headers["location"] == f"/desk/announcements/{a['id']}?done=created"
    assert a["audience"] == {"district": "朝阳区"} and a["author"] == uid
    status = wang.http.get(first.headers["location"]).text
    assert "已安排好" in status and f'data-poll="/desk/api/announcements/{a["id"]}"' in status

    announce_tick(live)
    progress = wang.http.get(f"/desk/api/announcements/{a['id']}").json()
    assert progress["state"] == "done"
    assert "已发出</dt><dd>2</dd>" in progress["html"] and 'value="2"' in progress["html"]
    for person in chaoyang:
        assert any(m.startswith("【朝阳区乐龄学习中心 · 志愿者小王】") for m in person.inbox())
    listing = wang.http.get("/desk/announcements").text
    assert f"通知 #{a['id']}" in listing and "已发完" in listing
    assert [e["actor"] for e in audit.entries(live.db, "announcement.create")] == [uid]
    wang.close()


def test_a_scheduled_announcement_is_cancelled_by_its_sender_only(live):
    wang, uid = _volunteer(live, "小王")
    li, _ = _volunteer(live, "小李")
    _people(live, 1, "朝阳区")
    shown = wang.post("/desk/announce/preview", **FORM, when="later", at="2026-12-05T09:30")
    assert shown.status_code == 200 and "2026-12-05 09:30" in shown.text
    nonce = re.search(r'name="nonce" value="([^"]+)"', shown.text).group(1)
    made = wang.post(
        "/desk/announce/confirm", **FORM, when="later", at="2026-12-05T09:30", nonce=nonce
    )
    aid = int(re.search(r"/desk/announcements/(\d+)", made.headers["location"]).group(1))
    assert ann.status(live.db, aid)["state"] == "scheduled"
    assert ann.get(live.db, aid)["send_at"].startswith("2026-12-05T09:30")

    refused = li.post(f"/desk/announcements/{aid}/cancel")
    assert "done=not_yours" in refused.headers["location"]
    assert ann.status(live.db, aid)["state"] == "scheduled"
    done = wang.post(f"/desk/announcements/{aid}/cancel")
    assert "done=cancelled" in done.headers["location"]
    assert ann.status(live.db, aid)["state"] == "cancelled"
    assert "已取消" in wang.http.get(done.headers["location"]).text
    late = wang.post(f"/desk/announcements/{aid}/cancel")
    assert "done=too_late" in late.headers["location"]
    assert [e["actor"] for e in audit.entries(live.db, "announcement.cancel")] == [uid]
    assert wang.http.get("/desk/announcements/999").status_code == 404
    wang.close()
    li.close()
