"""`leling wechat menu [--apply] [--json]`: check the account's custom menu from the catalogue
folder (LELING_CONTENT/wechat_menu.yaml) and, with --apply, create it on the account
(LELING_WECHAT_APPID and LELING_WECHAT_SECRET needed). See docs/wechat.md."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from bot.commands import group
from bot.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    ws = group(sub, "wechat", "the WeChat Official Account: its custom menu")
    m = ws.add_parser("menu", help="check the menu file; --apply creates it on the account")
    m.add_argument("--apply", action="store_true", help="create the menu on the account")
    m.add_argument("--json", action="store_true", help="print the menu/create body")
    m.set_defaults(handler=cmd_menu)


def cmd_menu(args) -> int:
    from bot.channels.wechat_api import DEFAULT_BASE, WeChatAPI, WeChatError
    from bot.channels.wechat_menu import MenuError, load_menu

    settings = Settings.from_env()
    try:
        menu = load_menu(settings.content)
    except MenuError as exc:
        print(f"leling: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(menu, ensure_ascii=False, indent=2))
    else:
        for b in menu["button"]:
            subs = b.get("sub_button")
            print(f"{b['name']}" + ("" if subs else f"  → {b.get('key') or b.get('url')}"))
            for s in subs or []:
                print(f"  {s['name']}  → {s.get('key') or s.get('url')}")
    if not args.apply:
        return 0
    if not (settings.wechat_appid and settings.wechat_secret):
        print("leling: set LELING_WECHAT_APPID and LELING_WECHAT_SECRET first", file=sys.stderr)
        return 2

    async def apply() -> None:
        api = WeChatAPI(
            settings.wechat_appid,
            settings.wechat_secret,
            base_url=settings.wechat_api_base_url or DEFAULT_BASE,
        )
        try:
            await api.create_menu(menu)
        finally:
            await api.aclose()

    try:
        asyncio.run(apply())
    except WeChatError as exc:
        print(f"leling: WeChat refused the menu: {exc}", file=sys.stderr)
        return 1
    print("The menu is created; WeChat shows it to followers within a few minutes.")
    return 0
