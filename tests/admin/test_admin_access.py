"""Only admins reach /admin, over real HTTP: nobody signed in is sent to sign in, a volunteer is
refused, a forged cookie is nobody; every POST needs the CSRF token; no page has inline script."""

from __future__ import annotations

import re

import pytest
from adminkit import Browser, admin, volunteer

from bot.staffweb import auth
from store.catalogue import catalogue_version

PAGES = [
    "/admin",
    "/admin/catalogue",
    "/admin/catalogue/download",
    "/admin/catalogue/review?s=x",
    "/admin/usage",
    "/admin/not-understood",
]
POSTS = [
    "/admin/catalogue/upload",
    "/admin/catalogue/publish",
    "/admin/catalogue/discard",
    "/admin/not-understood/assign",
    "/admin/not-understood/retrain",
]


def test_nobody_signed_in_is_sent_to_sign_in(live):
    b = Browser(live.url)
    for path in PAGES:
        r = b.http.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"] == "/staff/login?next=" + path.split("?")[0]
    for path in POSTS:
        r = b.http.post(path, data={"csrf": "x", "s": "x", "key": "x", "intent": "greet"})
        assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")
    b.http.cookies.set(auth.COOKIE, auth.sign(b"not-the-secret", "telegram:1", 2_000_000_000))
    assert b.http.get("/admin").status_code == 303  # a forged cookie is nobody
    b.close()


def test_a_volunteer_is_refused_and_changes_nothing(live):
    before = catalogue_version(live.db)
    v = volunteer(live)
    assert v.http.get("/desk").status_code == 200  # a real volunteer …
    for path in PAGES:
        r = v.http.get(path)
        assert r.status_code == 403, path  # … but not an admin
        assert "只有管理员" in r.text
    token = v.csrf("/desk")
    for path in POSTS:
        r = v.http.post(path, data={"csrf": token, "s": "x", "key": "x", "intent": "greet"})
        assert r.status_code == 403, path
    assert catalogue_version(live.db) == before
    v.close()


def test_an_admin_reaches_every_page_with_no_inline_script(live):
    a = admin(live)
    for path in ("/admin", "/admin/catalogue", "/admin/usage", "/admin/not-understood"):
        r = a.http.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        assert r.headers["cache-control"] == "no-store"
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)", r.text)  # no inline script
        assert " style=" not in r.text and "<style" not in r.text  # no inline style
        assert 'name="viewport"' in r.text and "/admin/static/admin.css" in r.text
        assert "http://" not in r.text and "https://" not in r.text  # nothing from elsewhere
    css = a.http.get("/admin/static/admin.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    a.close()


@pytest.mark.parametrize("path", POSTS)
def test_every_post_needs_the_csrf_token(live, path):
    a = admin(live)
    before = catalogue_version(live.db)
    r = a.http.post(path, data={"s": "x", "key": "x", "intent": "greet"})
    assert r.status_code == 403, (path, r.status_code)
    r = a.http.post(path, data={"csrf": "wrong", "s": "x", "key": "x", "intent": "greet"})
    assert r.status_code == 403, (path, r.status_code)
    assert catalogue_version(live.db) == before
    a.close()
