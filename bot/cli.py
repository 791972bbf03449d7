"""The `leling` command line.

Each command group lives in its own module under `bot/commands/` and registers itself with
`register(subparsers)`; its handler takes the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from bot.config import ConfigError

# Command groups, in the order `leling --help` lists them.
COMMAND_MODULES = ("run", "chat", "content", "nlu", "reminders", "voice")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every command group that is installed."""
    parser = argparse.ArgumentParser(
        prog="leling",
        description="Leling (乐龄伴学): a chat-and-voice assistant for older adults and families.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `leling` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"leling: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
