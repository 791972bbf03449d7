"""Signing in to the staff pages over real HTTP: an invite code, a one-time link (from the
CLI), reused and expired links, revocation taking effect at once, strangers and forged cookies
refused, CSRF on every POST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from staffkit import ADMIN, ChatUser, Staff, csrf_of

from bot.staffweb import auth
from store import audit, staff_tokens, volunteers


def _signed_in(client: Staff) -> str:
    page = client.http.get("/desk")
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    return page.text


def test_an_invite_code_makes_a_web_volunteer_and_signs_them_in(live):
    code = volunteers.invite(live.db, ADMIN, org="东城区乐龄学习中心", district="东城区")
    c = Staff(live.url)
    first = c.http.get("/desk")
    assert first.status_code == 303 and first.headers["location"] == "/staff/login?next=/desk"
    login = c.http.get("/staff/login")
    assert "邀请码" in login.text and login.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in login.headers["content-security-policy"]

    wrong = c.login_code("AAAA2222")
    assert wrong.status_code == 403 and "邀请码不对" in wrong.text
    assert c.login_code("").status_code == 400

    ok = c.login_code(code.lower(), name="小王")  # typed in lower case: still the code
    assert ok.status_code == 303 and ok.headers["location"] == "/desk"
    cookie = ok.headers["set-cookie"]
    assert cookie.startswith(auth.COOKIE + "=") and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    page = _signed_in(c)
    assert "小王（志愿者 · 东城区乐龄学习中心）" in page
    me = [v for v in volunteers.all_volunteers(live.db) if v["name"] == "小王"]
    assert me and me[0]["user_id"].startswith("web:") and me[0]["districts"] == ["东城区"]
    assert audit.entries(live.db, "staff.login")[-1]["actor"] == me[0]["user_id"]
    # the web chat on this browser is the volunteer's too (the desk's notices wait in its inbox)
    secret = live.services.settings.web_secret.encode()
    chat_cookie = c.http.cookies[auth.security.COOKIE]
    assert auth.security.verify_user(secret, chat_cookie) == me[0]["user_id"]
    # the code was single use
    other = Staff(live.url)
    assert other.login_code(code).status_code == 403
    # signed in: the sign-in page sends you on
    assert c.http.get("/staff/login").status_code == 303
    c.close()
    other.close()


def test_the_chat_user_on_this_browser_becomes_the_volunteer(live):
    chat = ChatUser(live.url)
    chat_id = auth.security.verify_user(
        live.services.settings.web_secret.encode(), chat.http.cookies[auth.security.COOKIE]
    )
    code = volunteers.invite(live.db, ADMIN, name="老李")
    page = chat.http.get("/staff/login")
    r = chat.http.post("/staff/login", data={"csrf": csrf_of(page.text), "code": code})
    assert r.status_code == 303
    assert volunteers.get(live.db, chat_id)["name"] == "老李"
    chat.close()


def test_a_one_time_link_signs_in_once_and_expires(live, run_leling):
    volunteers.redeem(live.db, "telegram:7", volunteers.invite(live.db, ADMIN, name="小张"))
    done = run_leling(
        "volunteers",
        "login-link",
        "telegram:7",
        LELING_DB=str(live.settings.db),
        LELING_PUBLIC_URL="https://leling.example.org/",
    )
    assert done.returncode == 0, done.stderr
    url = done.stdout.decode().split()[0]
    assert url.startswith("https://leling.example.org/staff/login?t=")
    token = url.rsplit("t=", 1)[1]
    # only a hash is stored
    assert (
        live.db.execute(
            "SELECT count(*) FROM staff_tokens WHERE token_hash = ?", [token]
        ).fetchone()[0]
        == 0
    )

    c = Staff(live.url)
    shown = c.http.get("/staff/login", params={"t": token})
    assert shown.status_code == 200 and "登录" in shown.text
    c.http.get("/staff/login", params={"t": token})  # looking (a link preview) spends nothing
    r = c.login_link(token)
    assert r.status_code == 303 and r.headers["location"] == "/desk"
    assert "小张" in _signed_in(c)

    again = Staff(live.url)
    reused = again.login_link(token)
    assert reused.status_code == 403 and "用过或者过期" in reused.text
    assert again.http.get("/desk").status_code == 303

    old = staff_tokens.issue(live.db, "telegram:7", now=datetime.now(UTC) - timedelta(minutes=11))
    expired = again.login_link(old)
    assert expired.status_code == 403 and "过期" in expired.text
    assert staff_tokens.redeem(live.db, "x" * 500) is None

    stranger = run_leling(
        "volunteers", "login-link", "telegram:99", LELING_DB=str(live.settings.db)
    )
    assert stranger.returncode == 1 and b"neither" in stranger.stdout
    assert audit.entries(live.db, "staff.login_link")[0]["actor"] == "operator"
    c.close()
    again.close()


def test_a_revoked_volunteer_loses_access_at_once(live):
    c = Staff(live.url)
    c.login_code(volunteers.invite(live.db, ADMIN, name="小赵"))
    uid = volunteers.all_volunteers(live.db)[0]["user_id"]
    _signed_in(c)
    token = c.csrf()
    assert volunteers.revoke(live.db, ADMIN, uid)
    page = c.http.get("/desk")
    assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
    api = c.http.get("/desk/api/requests")
    assert api.status_code == 403 and api.json()["error"] == "not_signed_in"
    assert c.http.post("/desk/request/1/claim", data={"csrf": token}).status_code == 303
    c.close()


def test_strangers_and_forged_cookies_are_refused(live):
    chat = ChatUser(live.url)  # a person of the web chat is not staff
    assert chat.http.get("/desk").status_code == 303
    assert chat.http.get("/desk/api/requests").status_code == 403
    chat.close()
    forged = httpx.Client(
        base_url=live.url, cookies={auth.COOKIE: f"{ADMIN}|{int(datetime.now().timestamp())}.bad"}
    )
    assert forged.get("/desk").status_code == 303
    forged.close()
    # a properly signed cookie of someone who is not staff is refused too
    secret = live.services.settings.web_secret.encode()
    nobody = httpx.Client(
        base_url=live.url,
        cookies={auth.COOKIE: auth.sign(secret, "telegram:55", int(datetime.now().timestamp()))},
    )
    assert nobody.get("/desk").status_code == 303
    # … and an old one of an admin
    stale = auth.sign(secret, ADMIN, int(datetime.now().timestamp()) - auth.MAX_AGE - 5)
    nobody.cookies.set(auth.COOKIE, stale)
    assert nobody.get("/desk").status_code == 303
    nobody.close()
    # a link made for someone who is not staff signs nobody in
    c = Staff(live.url)
    r = c.login_link(staff_tokens.issue(live.db, "telegram:55"))
    assert r.status_code == 403 and "不是志愿者" in r.text
    c.close()


def test_an_admin_signs_in_with_a_link_and_sees_the_admin_link(live):
    c = Staff(live.url)
    assert c.login_link(staff_tokens.issue(live.db, ADMIN)).status_code == 303
    page = _signed_in(c)
    assert "管理员" in page and 'href="/admin"' in page
    assert "成为志愿者" in page  # an admin who is not a volunteer reads, and is told how to act
    c.close()


def test_every_post_needs_the_csrf_token(live):
    c = Staff(live.url)
    c.login_code(volunteers.invite(live.db, ADMIN, name="小钱"))
    for data in ({}, {"csrf": "forged"}):
        for path in ("/desk/request/1/claim", "/desk/request/1/reply", "/staff/logout"):
            r = c.http.post(path, data=data)
            assert r.status_code == 403, path
            assert "页面已经过期" in r.text
    api = c.http.post("/desk/request/1/claim", headers={"Accept": "application/json"})
    assert api.status_code == 403 and api.json()["error"] == "stale_page"
    # the sign-in form has its own token
    fresh = Staff(live.url)
    r = fresh.http.post("/staff/login", data={"code": "AAAA2222"})
    assert r.status_code == 403 and "页面已经过期" in r.text
    fresh.close()
    # signing out with the token works, and the cookie is gone
    out = c.post("/staff/logout")
    assert out.status_code == 200 and "已退出" in out.text
    assert c.http.get("/desk").status_code == 303
    assert audit.entries(live.db, "staff.logout")
    c.close()


def test_admin_only_pages_admit_admins_only(live):
    """`require_staff(request, role="admin")`, as /admin uses it: a volunteer gets a 403 page (or
    403 JSON on an /api/ path), an admin the page, nobody a redirect to sign in."""
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from bot.staffweb import require_staff

    async def probe(request):
        staff = await require_staff(request, role="admin")
        return PlainTextResponse(f"admin {staff.user_id} {staff.role}")

    routes = live.server.config.app.router.routes
    routes.insert(0, Route("/admin/probe", probe))
    routes.insert(0, Route("/admin/api/probe", probe))

    nobody = Staff(live.url)
    r = nobody.http.get("/admin/probe")
    assert r.status_code == 303 and r.headers["location"] == "/staff/login?next=/admin/probe"
    assert nobody.http.get("/admin/api/probe").status_code == 403
    volunteer = Staff(live.url)
    volunteer.login_code(volunteers.invite(live.db, ADMIN, name="小孙"))
    page = volunteer.http.get("/admin/probe")
    assert page.status_code == 403 and "只有管理员能打开" in page.text
    api = volunteer.http.get("/admin/api/probe")
    assert api.status_code == 403 and api.json()["error"] == "admins_only"
    admin = Staff(live.url)
    signed = admin.login_link(staff_tokens.issue(live.db, ADMIN))
    assert signed.status_code == 303
    # signing in from /admin's redirect comes back to it
    nxt = admin.http.get("/staff/login", params={"next": "/admin/probe"})
    assert nxt.status_code == 303 and nxt.headers["location"] == "/admin/probe"
    assert admin.http.get("/admin/probe").text == f"admin {ADMIN} admin"
    for c in (nobody, volunteer, admin):
        c.close()
