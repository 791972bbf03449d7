"""`leling nlu …`: train the NLU, parse messages, test against the held-out set.

leling nlu train
leling nlu parse "明天下午朝阳区有讲座吗"
leling nlu parse --file messages.txt --now 2025-03-12T10:00:00+08:00
leling nlu test --out reports/nlu
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

DEFAULT_REPORT_DIR = Path("reports/nlu")


def register(subparsers) -> None:
    """Add the `nlu` command group to the `leling` parser."""
    nlu = subparsers.add_parser("nlu", help="train, try and test the language understanding")
    sub = nlu.add_subparsers(dest="nlu_command", metavar="SUBCOMMAND")
    nlu.set_defaults(handler=lambda args: _usage(nlu))

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, help="training data folder (default nlu/data)")
    common.add_argument(
        "--model-dir",
        type=Path,
        help="model folder (default $LELING_NLU_MODEL_DIR or the user cache)",
    )

    train = sub.add_parser("train", parents=[common], help="train and store the model")
    train.add_argument(
        "--if-stale",
        action="store_true",
        help="only when no stored model matches the data, catalogue and code (make install)",
    )
    train.set_defaults(handler=cmd_train)

    queue = sub.add_parser(
        "queue", help="messages Leling did not understand, grouped (masked; docs/operators.md)"
    )
    queue.add_argument("--limit", type=int, default=20, help="at most this many groups")
    queue.add_argument("--json", action="store_true")
    queue.set_defaults(handler=cmd_queue)

    assign = sub.add_parser(
        "assign",
        parents=[common],
        help="teach a group of not-understood messages: an intent, or out_of_scope",
    )
    assign.add_argument("group", help="the group's key (from `leling nlu queue`)")
    assign.add_argument("intent", help="the intent they meant, or out_of_scope")
    assign.add_argument("--by", default="cli", help="who decided (for the audit log)")
    assign.set_defaults(handler=cmd_assign)

    parse = sub.add_parser("parse", parents=[common], help="print the Rasa-shaped parse JSON")
    parse.add_argument("text", nargs="?", help="the message to parse")
    parse.add_argument("--file", type=Path, help="one message per line ('-' for stdin)")
    parse.add_argument("--now", help="ISO time that relative times resolve against")
    parse.set_defaults(handler=cmd_parse)

    test = sub.add_parser("test", parents=[common], help="evaluate on tests/nlu, write a report")
    test.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_REPORT_DIR,
        help=f"report folder (default {DEFAULT_REPORT_DIR})",
    )
    test.add_argument("--tests", type=Path, help="held-out folder (default tests/nlu)")
    test.add_argument(
        "--no-ledger",
        action="store_true",
        help="score the known failures too (ignore _test_failures.yaml)",
    )
    test.set_defaults(handler=cmd_test)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _catalogue():
    """The catalogue in the database (importing LELING_CONTENT first when needed)."""
    from bot.app import open_catalogue, open_database
    from bot.config import Settings

    settings = Settings.from_env()
    db = open_database(settings)
    try:
        return settings, open_catalogue(settings, db)
    finally:
        db.conn.close()


def cmd_train(args: argparse.Namespace) -> int:
    """Train from the data folder and store the model (with --if-stale, only when needed).
    Reviewed examples waiting from the not-understood queue are taken in only when the new
    model passes the held-out gates (nlu/review.py); otherwise the old model stays."""
    import nlu
    from bot.app import catalogue_gazetteer
    from nlu import review
    from nlu.model import load_or_train

    _, catalogue = _catalogue()
    gazetteer = catalogue_gazetteer(catalogue)
    started = time.perf_counter()
    if review.pending_examples(args.data):
        return _train_gated(gazetteer, args, started)
    if args.if_stale:
        model, path, retrained = load_or_train(gazetteer, args.data, args.model_dir)
        if not retrained:
            print(f"model is current: {path}")
            return 0
    else:
        model, path = nlu.train(gazetteer, args.data, args.model_dir)
    examples = ", ".join(f"{lang} {n}" for lang, n in model.info["examples"].items())
    print(f"trained in {time.perf_counter() - started:.1f} s ({examples} examples)")
    print(f"model: {path}")
    return 0


def _train_gated(gazetteer: dict, args: argparse.Namespace, started: float) -> int:
    from nlu import review

    outcome = review.train_gated(gazetteer, args.data, args.model_dir)
    scores = ", ".join(
        f"{lang} macro-F1 {score:.3f} (gate {outcome.gates[lang]:.2f})"
        for lang, score in outcome.scores.items()
    )
    took = time.perf_counter() - started
    if not outcome.passed:
        print(
            f"leling nlu train: the new model did not pass the held-out gates ({scores or 'no scores'})"
            f"; the old model stays in use and the reviewed examples stay waiting in "
            f"{review.pending_path('zh', args.data).parent}/reviewed_<lang>.yml.",
            file=sys.stderr,
        )
        for reason in outcome.reasons:
            print(f"  {reason}", file=sys.stderr)
        return 1
    print(f"trained and checked in {took:.1f} s: {scores}")
    print(f"{outcome.promoted} reviewed example(s) added to the training data")
    print(f"model: {outcome.model_path}")
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    """List the not-understood groups (masked texts, counts, the NLU's guess)."""
    from bot.app import open_database
    from bot.config import Settings
    from store import not_understood

    db = open_database(Settings.from_env())
    try:
        found = not_understood.groups(db, args.limit)
    finally:
        db.conn.close()
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("nothing waiting: every message was understood (or the queue was reviewed)")
        return 0
    for g in found:
        guess = f"{g['intent']} {g['confidence']:.2f}" if g["intent"] else "-"
        print(f"{g['key']}  {g['count']:>4}×  {g['lang']}  guess {guess}  {g['example']}")
    print("teach one: leling nlu assign KEY INTENT (or out_of_scope), then: leling nlu train")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    """Add a group's messages to the reviewed training data (taken in by the next gated
    `leling nlu train`)."""
    from bot.app import open_database
    from bot.config import Settings
    from store import not_understood

    intent = None if args.intent in ("out_of_scope", "none", "-") else args.intent
    db = open_database(Settings.from_env())
    try:
        done = not_understood.assign(db, args.group, intent, args.by, args.data)
    except KeyError:
        print(f"leling nlu assign: no group {args.group!r} (see leling nlu queue)", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"leling nlu assign: {exc}", file=sys.stderr)
        return 2
    finally:
        db.conn.close()
    print(
        f"{done['count']} message(s) → {done['intent']}: {done['added']} new example(s) in "
        f"{done['file']}; run `leling nlu train` to retrain (kept only if the gates pass)"
    )
    return 0


def _parser(args: argparse.Namespace):
    from bot.app import open_parser

    settings, catalogue = _catalogue()
    return open_parser(settings, catalogue, data_dir=args.data, model_dir=args.model_dir)


def _now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise SystemExit(f"leling nlu parse: --now {value!r} is not an ISO date-time") from exc


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse one message, or every line of a file, printing one JSON object per message."""
    if (args.text is None) == (args.file is None):
        print("leling nlu parse: give either TEXT or --file F", file=sys.stderr)
        return 2
    now = _now(args.now)
    if args.file is not None:
        if str(args.file) == "-":
            lines = sys.stdin.read().splitlines()
        else:
            try:
                lines = args.file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                print(f"leling nlu parse: cannot read {args.file}: {exc}", file=sys.stderr)
                return 2
        messages = [line for line in lines if line.strip()]
    else:
        messages = [args.text]
    parser = _parser(args)
    for message in messages:
        print(json.dumps(parser.parse(message, now), ensure_ascii=False), flush=True)
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    """Evaluate on the held-out set and write the report; 1 when a gate fails."""
    import nlu
    from nlu.report import summary_lines, write_report

    parser = _parser(args)
    parser = getattr(parser, "fallback", parser)  # always test our own model
    results = nlu.evaluate(parser, args.tests, use_ledger=not args.no_ledger)
    if not results:
        print("leling nlu test: no held-out data found", file=sys.stderr)
        return 1
    write_report(results, args.out)
    for line in summary_lines(results):
        print(line)
    print(f"report: {args.out}/")
    return 0 if all(r.passed for r in results.values()) else 1
