"""`leling content …`: check and load a catalogue, and query it as the assistant does."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time, timedelta

from bot.app import open_catalogue, open_database, parse_now
from bot.commands import group
from bot.commands.content_import import cmd_import, cmd_validate
from bot.config import Settings
from content.districts import district as find_district


def register(sub: argparse._SubParsersAction) -> None:
    cs = group(sub, "content", "check, load and query the catalogue")

    v = cs.add_parser("validate", help="check a catalogue folder; print every problem")
    v.add_argument("dir")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=cmd_validate)

    i = cs.add_parser("import", help="replace the catalogue in the database with DIR's")
    i.add_argument("dir")
    i.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would change (and the notices that would go out); change nothing",
    )
    i.add_argument(
        "--allow-removals",
        action="store_true",
        help="import even if it removes or cancels more than 30%% of a file or of upcoming events",
    )
    i.add_argument("--now", metavar="ISO", help="the time for 'upcoming' and re-planning")
    i.add_argument("--json", action="store_true")
    i.set_defaults(handler=cmd_import)

    c = cs.add_parser("centers", help="nearest centers to a point, landmark, district or street")
    where = c.add_mutually_exclusive_group()
    where.add_argument("--near", metavar="LAT,LON")
    where.add_argument("--landmark", metavar="NAME")
    where.add_argument("--district", metavar="NAME")
    c.add_argument("--street", metavar="NAME")
    c.add_argument("--kind")
    c.add_argument("--service")
    c.add_argument("--open-now", action="store_true", help="only centers open at --now")
    c.add_argument("--now", metavar="ISO")
    c.add_argument("--limit", type=int, default=5)
    c.add_argument("--offset", type=int, default=0)
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=cmd_centers)

    lm = cs.add_parser("landmark", help="turn a place name into coordinates")
    lm.add_argument("key", metavar="name")
    lm.add_argument("--json", action="store_true")
    lm.set_defaults(handler=cmd_lookup)

    lec = cs.add_parser("lectures", help="lectures in a time window")
    lec.add_argument("--from", dest="start", metavar="ISO", help="default: now")
    lec.add_argument("--to", dest="end", metavar="ISO", help="default: 14 days after --from")
    lec.add_argument("--now", metavar="ISO")
    lec.add_argument("--topic")
    lec.add_argument("--audience")
    lec.add_argument("--district")
    mode = lec.add_mutually_exclusive_group()
    mode.add_argument("--online", action="store_true")
    mode.add_argument("--offline", action="store_true")
    lec.add_argument("--json", action="store_true")
    lec.set_defaults(handler=cmd_lectures)

    les = cs.add_parser("lessons", help="digital-skills lessons by app, topic, district, date")
    les.add_argument("--app")
    les.add_argument("--topic")
    les.add_argument("--district")
    les.add_argument("--date", metavar="YYYY-MM-DD", help="only sessions on this day")
    les.add_argument("--now", metavar="ISO")
    les.add_argument("--json", action="store_true")
    les.set_defaults(handler=cmd_lessons)

    g = cs.add_parser("guide", help="a guide by id or alias")
    g.add_argument("key")
    g.add_argument("--json", action="store_true")
    g.set_defaults(handler=cmd_lookup)


def _out(obj, as_json: bool, text: str) -> None:
    if as_json:
        print(json.dumps(obj, ensure_ascii=False, indent=None))
    else:
        print(text)


def _fail(message: str) -> int:
    print(f"leling: {message}", file=sys.stderr)
    return 1


def _center_json(hit, cat, now) -> dict:
    c = hit.center
    return {
        "id": c.id,
        "name": c.name,
        "name_en": c.name_en,
        "kind": c.kind,
        "district": c.district,
        "street": c.street,
        "address": c.address,
        "phone": c.phone,
        "distance_m": round(hit.distance_m),
        "hours_today": [f"{a}-{b}" for a, b in cat.hours_today(c, now)],
        "open_now": cat.is_open(c, now),
        "services": c.services,
        "accessible": c.accessible,
    }


def _catalogue():
    """(settings, the loaded catalogue) for a query command."""
    settings = Settings.from_env()
    return settings, open_catalogue(settings, open_database(settings))


def _district_name(value: str | None) -> str | None:
    """The full name of the district `value` names (朝阳 → 朝阳区), else `value` as given."""
    found = find_district(value) if value else None
    return found.name if found else value


def cmd_centers(args) -> int:
    settings, cat = _catalogue()
    now = parse_now(args.now, settings)
    filters = {
        "kind": args.kind,
        "service": args.service,
        "street": args.street,
        "open_at": now if args.open_now else None,
        "offset": args.offset,
    }
    if args.near:
        try:
            lat, lon = (float(x) for x in args.near.split(","))
        except ValueError:
            return _fail(f"--near wants LAT,LON like 39.88,116.41, not {args.near!r}")
        hits = cat.nearest_centers(lat, lon, args.limit, **filters)
    elif args.landmark:
        lm = cat.find_landmark(args.landmark)
        if lm is None:
            return _fail(f"no landmark called {args.landmark!r}")
        hits = cat.nearest_centers(lm.lat, lm.lon, args.limit, **filters)
    elif args.district:
        d = find_district(args.district)
        if d is None:
            return _fail(f"no district called {args.district!r}")
        hits = cat.centers_in(d.name, args.limit, **filters)
    else:
        return _fail("say where: --near LAT,LON, --landmark NAME or --district NAME")
    rows = [_center_json(h, cat, now) for h in hits]
    text = (
        "\n".join(
            f"{r['distance_m']:>7} m  {r['id']:<16} {r['name']}  {r['phone']}  "
            f"{' '.join(r['hours_today']) or 'closed today'}"
            for r in rows
        )
        or "no centers match"
    )
    _out(rows, args.json, text)
    return 0


# `leling content landmark|guide KEY`: how to find one record, and how to print it as text.
LOOKUPS = {
    "landmark": (
        lambda cat, key: cat.find_landmark(key),
        lambda lm: f"{lm.name} ({lm.district}) {lm.lat},{lm.lon}",
    ),
    "guide": (
        lambda cat, key: cat.guide(key),
        lambda g: (
            f"{g.title.zh} / {g.title.en}\n"
            + "\n".join(f"{i}. {s.text.zh}" for i, s in enumerate(g.steps, 1))
        ),
    ),
}


def cmd_lookup(args) -> int:
    """One landmark or guide as JSON or text; exit 1 when there is none by that name."""
    find, text = LOOKUPS[args.content_command]
    _, cat = _catalogue()
    item = find(cat, args.key)
    if item is None:
        _out(None, args.json, f"no {args.content_command} called {args.key!r}")
        return 1
    _out(item.model_dump(mode="json"), args.json, text(item))
    return 0


def cmd_lectures(args) -> int:
    settings, cat = _catalogue()
    start = parse_now(args.start or args.now, settings)
    end = parse_now(args.end, settings) if args.end else start + timedelta(days=14)
    online = True if args.online else False if args.offline else None
    district = _district_name(args.district)
    occ = cat.lectures_between(
        start, end, topic=args.topic, audience=args.audience, district=district, online=online
    )
    rows = [
        {
            "id": o.id,
            "title": o.item.title.zh,
            "title_en": o.item.title.en,
            "starts_at": o.starts_at.isoformat(),
            "ends_at": o.ends_at.isoformat(),
            "district": o.item.district,
            "center": o.item.center,
            "online_url": o.item.online_url,
            "topics": o.item.topics,
            "audience": o.item.audience,
            "cancelled": o.cancelled,
        }
        for o in occ
    ]
    text = "\n".join(
        f"{r['starts_at'][:16]}  {r['id']:<36} {r['title']}"
        + ("  [已取消 cancelled]" if r["cancelled"] else "")
        for r in rows
    )
    _out(rows, args.json, text or "no lectures in that window")
    return 0


def cmd_lessons(args) -> int:
    settings, cat = _catalogue()
    now = parse_now(args.now, settings)
    district = _district_name(args.district)
    filters = {"app": args.app, "topic": args.topic, "district": district}
    if args.date:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            return _fail(f"--date wants YYYY-MM-DD, not {args.date!r}")
        rows = [
            {
                "id": o.id,
                "title": o.item.title.zh,
                "center": o.item.center,
                "starts_at": o.starts_at.isoformat(),
            }
            for o in cat.sessions_on(day, **filters)
        ]
    else:
        rows = []
        for les in cat.lessons_matching(**filters):
            nxt = cat.next_lesson_session(les, now)
            rows.append(
                {
                    "id": les.id,
                    "title": les.title.zh,
                    "center": les.center,
                    "apps": les.apps,
                    "level": les.level,
                    "next_session": nxt.isoformat() if nxt else None,
                }
            )
        rows.sort(key=lambda r: r["next_session"] or "9999")
    text = "\n".join(
        f"{(r.get('starts_at') or r.get('next_session') or '-')[:16]}  {r['id']:<32} {r['title']}"
        for r in rows
    )
    _out(rows, args.json, text or "no lessons match")
    return 0


# Unused names kept out of the module namespace for linters.
del datetime, time
