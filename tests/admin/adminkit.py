"""Helpers for the /admin tests: a browser-like HTTP client that signs in the way an operator
does (a one-time link from `leling volunteers login-link`), and catalogue zips to upload."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import httpx

from store import staff_tokens, volunteers

ADMIN = "telegram:1"  # LELING_ADMINS of the test server
SAMPLE = Path(__file__).resolve().parents[2] / "content" / "data"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_STAGE = re.compile(r'name="s" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return _CSRF.search(html).group(1)


def stage_of(html: str) -> str:
    """The staged upload's signed id on a review page."""
    return _STAGE.search(html).group(1)


class Browser:
    """One person's browser: keeps cookies, follows no redirect by itself."""

    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=120, headers={"Accept-Language": "zh-CN"})

    def login_link(self, token: str) -> httpx.Response:
        page = self.http.get("/staff/login", params={"t": token})
        assert page.status_code == 200, page.text
        return self.http.post("/staff/login", data={"csrf": csrf_of(page.text), "t": token})

    def csrf(self, path: str = "/admin/catalogue") -> str:
        page = self.http.get(path)
        assert page.status_code == 200, (page.status_code, page.text[:300])
        return csrf_of(page.text)

    def post(self, path: str, csrf: str | None = None, **fields) -> httpx.Response:
        """A form POST carrying the CSRF token a console page gives (or `csrf`)."""
        token = self.csrf() if csrf is None else csrf
        return self.http.post(path, data={"csrf": token, **fields})

    def upload(self, files: list[tuple[str, str, bytes]], csrf: str | None = None):
        """POST the upload form: (field, file name, bytes) parts; follows to the review."""
        token = self.csrf() if csrf is None else csrf
        parts = [(field, (name, body, "application/octet-stream")) for field, name, body in files]
        r = self.http.post("/admin/catalogue/upload", data={"csrf": token}, files=parts)
        if r.status_code == 303:
            return self.http.get(r.headers["location"])
        return r

    def close(self) -> None:
        self.http.close()


def admin(live) -> Browser:
    """An admin signed in with a one-time link."""
    b = Browser(live.url)
    r = b.login_link(staff_tokens.issue(live.db, ADMIN))
    assert r.status_code == 303, r.text
    return b


def volunteer(live) -> Browser:
    """A volunteer (not an admin) signed in with an invite code."""
    b = Browser(live.url)
    code = volunteers.invite(live.db, ADMIN, org="东城区乐龄学习中心", name="小王")
    page = b.http.get("/staff/login")
    r = b.http.post("/staff/login", data={"csrf": csrf_of(page.text), "code": code})
    assert r.status_code == 303, r.text
    return b


def catalogue_copy(dest: Path) -> Path:
    """A writable copy of the sample catalogue."""
    shutil.copytree(SAMPLE, dest)
    return dest


def zipped(folder: Path, extra: dict[str, bytes] | None = None) -> bytes:
    """The folder as a zip (its files under their relative paths), plus `extra` entries."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, str(p.relative_to(folder)))
        for name, body in (extra or {}).items():
            z.writestr(name, body)
    return buf.getvalue()
