"""The YAML conversation transcripts: all in-process, a subset through `leling chat --json`."""

from __future__ import annotations

from collections import Counter

import pytest
from transcriptkit import check_conversation, load_all, run_in_process, run_subprocess

from store.db import open_db

CONVERSATIONS = load_all()
SUBPROCESS = [c for c in CONVERSATIONS if c.get("subprocess")]


def test_there_are_enough_conversations_in_both_languages():
    langs = Counter(c.get("lang") or "zh" for c in CONVERSATIONS)
    assert len(CONVERSATIONS) >= 60, len(CONVERSATIONS)
    assert langs["zh"] >= 30 and langs["en"] >= 15, langs
    assert len(SUBPROCESS) >= 8


@pytest.mark.parametrize("conv", CONVERSATIONS, ids=[c["id"] for c in CONVERSATIONS])
def test_transcript(conv, real_parser, cat, tmp_path):
    db = open_db(tmp_path / "leling.db")
    try:
        check_conversation(conv, run_in_process(conv, real_parser, cat, db))
    finally:
        db.conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("conv", SUBPROCESS, ids=[c["id"] for c in SUBPROCESS])
def test_transcript_through_leling_chat(conv, real_parser, nlu_model_dir, tmp_path):
    check_conversation(conv, run_subprocess(conv, tmp_path / "leling.db", nlu_model_dir))
