"""The CLI imports only what the command being run needs (issue #16)."""

from __future__ import annotations

import argparse

from bot import cli

HEAVY = ("numpy", "sqlite_utils", "content.catalogue", "dialogues", "nlu", "sklearn", "yaml")


def test_help_imports_no_command_module_nor_heavy_library(cli_imports):
    modules = cli_imports(["--help"])
    assert not [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]
    assert not [m for m in modules if m.startswith("bot.commands.")]


def test_a_command_imports_only_its_own_module(cli_imports):
    modules = cli_imports(["nlu", "--help"])
    assert "bot.commands.nlu" in modules
    assert not {"bot.commands.chat", "bot.commands.content", "bot.commands.run"} & modules


def test_the_help_table_matches_what_each_module_registers():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    registered = {c.dest: c.help for c in sub._choices_actions}
    assert registered == {name: text for name, text in cli.COMMANDS.items() if name in registered}
    assert list(registered) == [name for name in cli.COMMANDS if name in registered]


def test_help_lists_every_command(capsys):
    try:
        cli.main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    for name, text in cli.COMMANDS.items():
        assert name in out and text in out


def test_every_command_module_is_in_the_table():
    """A new module under bot/commands/ needs a line in cli.COMMANDS to be reachable."""
    import importlib
    import pkgutil

    import bot.commands

    modules = {
        info.name
        for info in pkgutil.iter_modules(bot.commands.__path__)
        if hasattr(importlib.import_module(f"bot.commands.{info.name}"), "register")
    }
    assert modules <= set(cli.COMMANDS), sorted(modules - set(cli.COMMANDS))
