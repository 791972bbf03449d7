"""The report names intents by the registry's labels (nlu/intents.yml): one place to name an
intent, checked for every intent, and a malformed label is refused when the registry loads."""

from __future__ import annotations

import pytest

from bot.report import labels
from nlu import intents


def test_every_intent_but_odd_input_has_a_report_label():
    missing = [name for name, i in intents.registry().items() if not i.odd_input and not i.label]
    assert missing == []


def test_intents_and_channels_read_in_both_languages():
    assert labels.intent("find_center") == "找学习点 find a learning center"
    assert labels.intent("_empty") == "其他输入 other input"
    assert labels.intent("gone_intent") == "gone_intent"  # a name from older events
    assert labels.names("scam_alert") == ("防诈骗", "scam alert")
    assert labels.channel("wechat") == "微信公众号 WeChat"
    assert labels.channel("telegram") == "Telegram"


@pytest.mark.parametrize("label", ["找学习点", "[找学习点]", "[1, 2]", "[a, b, c]"])
def test_a_label_that_is_not_mandarin_and_english_is_refused(tmp_path, label):
    path = tmp_path / "intents.yml"
    path.write_text(f"intents:\n  greet:\n    description: hello\n    label: {label}\n")
    with pytest.raises(ValueError, match="greet: label"):
        intents.load(path)
