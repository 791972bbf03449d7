"""`leling volunteers invite|list|revoke`: the admin's side of the help desk on the command line.

    leling volunteers invite --org 东城区乐龄学习中心 --district 东城区 --name 小王
    leling volunteers list [--all] [--json]
    leling volunteers revoke telegram:42
    leling volunteers login-link telegram:42     # a one-time link to the web console

The operator at the terminal acts as "operator" in the audit log.
"""

from __future__ import annotations

import argparse
import json

from bot.app import open_database
from bot.commands import group
from bot.config import Settings

ACTOR = "operator"


def register(sub: argparse._SubParsersAction) -> None:
    vs = group(sub, "volunteers", "invite, list and revoke help-desk volunteers")
    inv = vs.add_parser("invite", help="make a one-time invite code")
    inv.add_argument("--org", help="the organisation shown with the volunteer's name")
    inv.add_argument("--district", help="the district the volunteer serves, e.g. 东城区")
    inv.add_argument("--name", help="the volunteer's display name, e.g. 小王")
    inv.set_defaults(handler=cmd_invite)
    ls = vs.add_parser("list", help="the volunteers")
    ls.add_argument("--all", action="store_true", help="include revoked volunteers")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    rv = vs.add_parser("revoke", help="take the role away from a volunteer")
    rv.add_argument("user", help="the volunteer's user id, e.g. telegram:42")
    rv.set_defaults(handler=cmd_revoke)
    ll = vs.add_parser(
        "login-link", help="print a one-time sign-in link to the web console (/desk, /admin)"
    )
    ll.add_argument("user", help="a volunteer's or admin's user id, e.g. telegram:42")
    ll.set_defaults(handler=cmd_login_link)


def cmd_invite(args) -> int:
    from store import volunteers

    db = open_database(Settings.from_env())
    code = volunteers.invite(db, ACTOR, org=args.org, district=args.district, name=args.name)
    print(f"Invite code: {code} (single use). On Telegram: /volunteer {code}")
    return 0


def cmd_list(args) -> int:
    from store import volunteers

    db = open_database(Settings.from_env())
    rows = volunteers.all_volunteers(db, include_revoked=args.all)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print("No volunteers yet: `leling volunteers invite` makes an invite code.")
    for v in rows:
        state = "" if v["active"] else "  (revoked)"
        districts = "、".join(v["districts"]) or "-"
        print(f"{v['user_id']}  {volunteers.label(v)}  {districts}{state}")
    return 0


def cmd_revoke(args) -> int:
    from store import volunteers

    db = open_database(Settings.from_env())
    if not volunteers.revoke(db, ACTOR, args.user):
        print(f"{args.user} is not an active volunteer (see `leling volunteers list`).")
        return 1
    print(f"{args.user} is no longer a volunteer.")
    return 0


def cmd_login_link(args) -> int:
    from bot.staffweb.links import TTL_MINUTES, login_link

    settings = Settings.from_env()
    db = open_database(settings)
    url = login_link(db, settings, args.user, actor=ACTOR)
    if url is None:
        print(
            f"{args.user} is neither an active volunteer nor in LELING_ADMINS "
            "(see `leling volunteers list`)."
        )
        return 1
    print(f"{url}\n(valid {TTL_MINUTES} minutes, once; send it to {args.user} privately)")
    return 0
