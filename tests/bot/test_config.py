"""Settings from the environment: defaults, values, and a clear message for a bad one."""

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import SHIPPED_CONTENT, ConfigError, Settings


def test_unset_or_empty_variables_keep_the_defaults():
    s = Settings.from_env({"LELING_PORT": " ", "LELING_TZ": ""})
    assert (s.content, s.tz, s.host, s.port, s.telegram_token) == (
        SHIPPED_CONTENT,
        "Asia/Shanghai",
        "127.0.0.1",
        8080,
        None,
    )


def test_values_are_read():
    s = Settings.from_env(
        {"LELING_DB": "/srv/leling/x.db", "LELING_PORT": "9000", "LELING_TZ": "PRC"}
    )
    assert (s.db, s.port, s.zone.key) == (Path("/srv/leling/x.db"), 9000, "PRC")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LELING_PORT": "abc"}, "LELING_PORT=abc"),
        ({"LELING_PORT": "70000"}, "LELING_PORT=70000"),
        ({"LELING_TZ": "Europe/Berlin"}, "LELING_TZ=Europe/Berlin"),
        ({"LELING_TZ": "Mars/Olympus"}, "LELING_TZ=Mars/Olympus"),
    ],
)
def test_a_bad_value_names_the_variable(env, named):
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)


def test_the_command_line_says_so_in_one_line_and_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("LELING_TZ", "Europe/Berlin")
    assert main(["reminders", "list"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("leling: LELING_TZ=Europe/Berlin") and "Asia/Shanghai" in err
    assert "Traceback" not in err
