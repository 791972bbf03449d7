"""Command groups of the `leling` CLI, one module each."""

from __future__ import annotations

import argparse


def group(sub: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    """Register the command group `leling NAME SUBCOMMAND …` (a subcommand is required); the
    group's subparsers, to add its subcommands to. `args.<name>_command` names the one given."""
    p = sub.add_parser(name, help=help)
    return p.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND", required=True)
