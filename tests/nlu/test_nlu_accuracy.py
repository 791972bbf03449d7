"""The accuracy gate: macro-F1 on the held-out set, with the known-failures ledger."""

from __future__ import annotations

import pytest
from nlukit import HELD_OUT

from nlu.evaluation import MACRO_F1_GATES, evaluate_language


@pytest.mark.parametrize("lang", sorted(MACRO_F1_GATES))
def test_macro_f1_reaches_the_gate(parser, lang):
    result = evaluate_language(parser, lang, HELD_OUT)
    assert result.fixed == [], (
        "these ledger entries pass now; remove them from "
        f"tests/nlu/{lang}/_test_failures.yaml: {[e['text'] for e in result.fixed]}"
    )
    errors = "\n".join(
        f"  {e['intent']} -> {e['intent_prediction']['name']}: {e['text']}" for e in result.errors
    )
    assert result.macro_f1 >= MACRO_F1_GATES[lang], (
        f"{lang} macro-F1 {result.macro_f1:.4f} < {MACRO_F1_GATES[lang]}; errors:\n{errors}"
    )
