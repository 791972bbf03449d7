"""`leling report`: the monthly monitoring report (docs/operators.md, "Monthly report").

leling report --month 2026-12 --out report.html          # self-contained HTML, prints to PDF
leling report --month 2026-12 --district 朝阳区 --out chaoyang.html
leling report --month 2026-12 --json                     # the same numbers as JSON

Nothing heavy is imported until the command runs (`leling --help` stays fast); matplotlib only
for the HTML.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

HELP = "the monthly monitoring report (HTML or JSON)"


def register(sub: argparse._SubParsersAction) -> None:
    """Add `report` to the `leling` parser."""
    p = sub.add_parser("report", help=HELP, description=HELP)
    p.add_argument("--month", metavar="YYYY-MM", help="the month (default: the month before this)")
    p.add_argument("--district", metavar="D", help="one district only, e.g. 朝阳区 or Chaoyang")
    p.add_argument("--out", metavar="FILE", type=Path, help="write here (default: standard output)")
    p.add_argument("--json", action="store_true", help="the figures as JSON instead of HTML")
    p.set_defaults(handler=cmd_report)


def _last_month(settings) -> str:
    first = datetime.now(settings.zone).date().replace(day=1)
    prev = first - timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


def _guide_names(db) -> dict[str, str]:
    """Guide id → its Chinese title, from the catalogue in the database."""
    from store.catalogue import read_catalogue

    try:
        data = read_catalogue(db, skip=("centers", "lectures", "lessons", "landmarks"))
    except Exception:  # no catalogue yet: the ids will do
        return {}
    names = {}
    for g in data.get("guides", []):
        title = g.get("title")
        names[str(g.get("id"))] = title.get("zh") if isinstance(title, dict) else str(title or "")
    return {k: v for k, v in names.items() if v}


def cmd_report(args: argparse.Namespace) -> int:
    """Compute the month's figures and write the report (HTML, or JSON with --json)."""
    from bot.app import open_database
    from bot.config import Settings
    from bot.report.metrics import month_metrics, month_range

    settings = Settings.from_env()
    month = args.month or _last_month(settings)
    try:
        month_range(month)
    except ValueError:
        print(
            f"leling report: --month {month}: give a month as YYYY-MM, e.g. 2026-12.",
            file=sys.stderr,
        )
        return 2
    district = None
    if args.district:
        from content.districts import DISTRICTS
        from content.districts import district as find_district

        found = find_district(args.district)
        if found is None:
            names = "、".join(d.name for d in DISTRICTS)
            print(
                f"leling report: --district {args.district}: not a Beijing district. One of: {names}",
                file=sys.stderr,
            )
            return 2
        district = found.name
    if not args.json:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print(
                "leling report: the HTML report draws its charts with matplotlib, which is not "
                "installed. Install it with: pip install 'leling[report]' (or use --json).",
                file=sys.stderr,
            )
            return 1
    db = open_database(settings)
    try:
        figures = month_metrics(db, month, district)
        if args.json:
            text = json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
        else:
            from bot.report.render import render

            text = render(figures, _guide_names(db), datetime.now(settings.zone))
    finally:
        db.conn.close()
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"leling report: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    what = "figures" if args.json else "report"
    print(f"{month} {what} written to {args.out}", file=sys.stderr)
    return 0
