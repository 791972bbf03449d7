"""The WeChat account's custom menu: read from `wechat_menu.yaml` in the catalogue folder,
checked against WeChat's rules, turned into the JSON of WeChat's menu/create call.

    menu = load_menu(settings.content)     # MenuError with a readable message when wrong
    await api.create_menu(menu)

A tap on a `key` button reaches Leling as a CLICK event whose key is a conversation payload
(bot/channels/wechat.py runs it); a `url` button opens a page.
"""

from __future__ import annotations

from pathlib import Path

import yaml

FILE = "wechat_menu.yaml"
MAX_TOP, MAX_SUB = 3, 5
TOP_NAME_BYTES, SUB_NAME_BYTES = 16, 60
KEY_BYTES = 128


class MenuError(ValueError):
    """The menu file is missing or breaks one of WeChat's rules (the message says which)."""


def load_menu(folder: str | Path) -> dict:
    """The menu/create body from `<folder>/wechat_menu.yaml`."""
    path = Path(folder) / FILE
    if not path.is_file():
        raise MenuError(f"{path}: no menu file (see docs/wechat.md, 'The menu')")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MenuError(f"{path}: not valid YAML ({exc})") from exc
    buttons = raw.get("button") if isinstance(raw, dict) else None
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_TOP:
        raise MenuError(f"{FILE}: `button` must list 1 to {MAX_TOP} buttons")
    return {"button": [_button(b, f"button {i + 1}", True) for i, b in enumerate(buttons)]}


def _button(raw, where: str, top: bool) -> dict:
    if not isinstance(raw, dict):
        raise MenuError(f"{FILE} {where}: must be a mapping with name and key, url or sub_button")
    name = str(raw.get("name") or "").strip()
    limit = TOP_NAME_BYTES if top else SUB_NAME_BYTES
    if not name or len(name.encode()) > limit:
        raise MenuError(f"{FILE} {where}: name must be 1 to {limit} bytes ({name!r})")
    subs = raw.get("sub_button")
    if subs is not None:
        if not top:
            raise MenuError(f"{FILE} {where}: a sub-button cannot have sub-buttons")
        if not isinstance(subs, list) or not 1 <= len(subs) <= MAX_SUB:
            raise MenuError(f"{FILE} {where}: sub_button must list 1 to {MAX_SUB} buttons")
        return {
            "name": name,
            "sub_button": [_button(s, f"{where}.{j + 1}", False) for j, s in enumerate(subs)],
        }
    key, url = raw.get("key"), raw.get("url")
    if key is not None:
        key = str(key).strip()
        if not key.startswith("/") or len(key.encode()) > KEY_BYTES:
            raise MenuError(f"{FILE} {where}: key must be a payload such as /find_center")
        return {"type": "click", "name": name, "key": key}
    if url is not None:
        url = str(url).strip()
        if not url.startswith(("https://", "http://")) or len(url) > 1024:
            raise MenuError(f"{FILE} {where}: url must be an http(s) address")
        return {"type": "view", "name": name, "url": url}
    raise MenuError(f"{FILE} {where}: needs a key, a url or sub_button")
