"""The console in English for a volunteer whose language is English, and addresses naming no
request or announcement (a huge number included) answered 404 kindly."""

from __future__ import annotations

from staffkit import ADMIN, ChatUser, Staff

from store import help_requests, users, volunteers


def test_an_english_speaking_volunteer_gets_the_console_in_english(live):
    c = Staff(live.url)
    c.login_code(volunteers.invite(live.db, ADMIN, org="Dongcheng Center"), "Wang")
    uid = volunteers.all_volunteers(live.db)[0]["user_id"]
    users.update(live.db, uid, lang="en")
    senior = ChatUser(live.url)
    senior.say("找人帮忙")
    [r] = help_requests.open_requests(live.db)

    page = c.http.get("/desk").text
    assert '<html lang="en">' in page and "People waiting for help" in page
    assert f"Take #{r['id']}" in page and "waiting 0 min" in page and "Sign out" in page
    taken = c.post(f"/desk/request/{r['id']}/claim")
    shown = c.http.get(taken.headers["location"]).text
    assert "You took request" in shown and "Reply (at most 1000 characters)" in shown
    compose = c.http.get("/desk/announce").text
    assert "Who gets it" in compose and "Users in one district" in compose
    refused = c.post("/desk/announce/preview", text="", audience="all")
    assert refused.status_code == 400 and "Please write the announcement." in refused.text
    preview = c.post("/desk/announce/preview", text="Free check-ups on Saturday", audience="all")
    assert "Preview: what recipients will read" in preview.text
    assert "【Dongcheng Center · Volunteer Wang】" in preview.text
    c.close()
    senior.close()


def test_unknown_numbers_are_a_kind_404(live):
    c = Staff(live.url)
    c.login_code(volunteers.invite(live.db, ADMIN), "小王")
    for path in ("/desk/request/7", "/desk/request/99999999999999999999999", "/desk/announcements/7",
                 "/desk/announcements/99999999999999999999999"):  # fmt: skip
        r = c.http.get(path)
        assert r.status_code == 404 and "没有" in r.text, path
    assert c.http.get("/desk/api/request/99999999999999999999999").status_code == 404
    assert c.post("/desk/request/99999999999999999999999/claim").status_code == 404
    c.close()
