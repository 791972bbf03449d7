"""The Telegram command lists agree with the intent registry (nlu/intents.yml)."""

from __future__ import annotations

from bot.channels.telegram_texts import COMMANDS, ENGINE_COMMANDS
from nlu import intents


def test_every_registry_command_reaches_the_assistant():
    assert set(intents.commands()) <= set(ENGINE_COMMANDS)


def test_every_menu_command_names_an_intent():
    known = intents.payload_intents()
    for lang, menu in COMMANDS.items():
        for command, _ in menu:
            assert intents.commands().get(command, command) in known, (lang, command)
        assert [c for c, _ in menu] == [c for c, _ in COMMANDS["zh"]], lang
