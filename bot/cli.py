"""The `leling` command line.

Each command group lives in its own module under `bot/commands/` and registers itself with
`register(subparsers)`; its handler takes the parsed arguments and returns an exit code.

Only the module of the command being run is imported (issue #16: `leling --help` used to import
the catalogue, numpy, sqlite-utils and the conversation before parsing its arguments). The other
groups are listed with the one-line help in `COMMANDS`, which a test keeps equal to the help each
module registers.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys

from bot import logsafe  # light: logging and re only

# Command groups, in the order `leling --help` lists them, with their one-line help.
COMMANDS = {
    "run": "the service: the web chat, reminders and Telegram",
    "chat": "talk to Leling in the terminal, one message per line",
    "content": "check, load and query the catalogue",
    "nlu": "train, try and test the language understanding",
    "reminders": "planned reminders; send what is due",
    "maintenance": "prune old data (the retention policy)",
    "volunteers": "invite, list and revoke help-desk volunteers",
    "announce": "send an announcement; list, status, cancel, stop",
    "voice": "text to speech, speech to text, voice check-up",
    "wechat": "the WeChat Official Account: its custom menu",
    "report": "the monthly monitoring report (HTML or JSON)",
}
COMMAND_MODULES = tuple(COMMANDS)
ALL = object()  # build_parser(only=ALL): import and register every group


def build_parser(only: str | object | None = ALL) -> argparse.ArgumentParser:
    """The argument parser. Groups are imported and registered in full when `only` is ALL or
    names them; the others appear by name and help only (enough for `leling --help`)."""
    parser = argparse.ArgumentParser(
        prog="leling",
        description="Leling (乐龄伴学): a chat-and-voice assistant for older adults and families.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if only is not ALL and only != name:
            if importlib.util.find_spec(f"bot.commands.{name}") is not None:
                sub.add_parser(name, help=help_text)
            continue
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def _command(argv: list[str]) -> str | None:
    """The command group named on the command line (the first word that is not an option)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `leling` console script."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(only=_command(argv))
    args = parser.parse_args(argv)
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format=fmt, stream=sys.stderr
    )
    logsafe.install(fmt)  # no bot token in any line, even from the libraries at DEBUG
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    from bot.config import ConfigError

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
