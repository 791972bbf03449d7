"""The operators' console, /admin (admins only): the catalogue (upload, check, see what would
change, publish; history; download), usage figures with charts, and the messages Leling did not
understand (assign them to an intent, retrain). docs/operators.md describes it.

    The URLs: the `/admin` part of bot/urls.py (every URL the app serves, in one table).

Every page calls `require_staff(request, role="admin")` (bot/staffweb): nobody signed in is sent
to /staff/login, a volunteer gets a 403 page. Every POST carries the staff CSRF token. Pages are
plain HTML forms with the chat page's styles (no script at all), so they work on a phone and in
any browser; charts are SVG drawn on the server.
"""

from __future__ import annotations

from bot.admin.staging import MAX_UPLOAD

UPLOAD_PATH = "/admin/catalogue/upload"
# Request bodies larger than the app's 1 MB cap, by path (bot/web.py hands this to BodyLimit).
LARGER_BODIES = {UPLOAD_PATH: MAX_UPLOAD}

__all__ = ["LARGER_BODIES", "UPLOAD_PATH"]
