"""Follow-ups change one detail (issue #11, item 4): after any list, a short message naming one
slot keeps the search and the kind of list, and replaces that slot. Table-driven: every slot
that a list kind has × zh and en."""

from __future__ import annotations

import pytest
from dialoguekit import make_assistant, say

from dialogues import state as states

U = "test:follow"
# list kind → how to get such a list (zh, en)
LISTS = {
    "lecture": ("最近有什么讲座", "any lectures coming up"),
    "lesson": ("有什么手机课", "what phone classes are there"),
    "center": ("海淀区的学习点", "learning centers in haidian"),
}
# (list kind, slot, zh follow-up, en follow-up, the query value expected (None: just present))
CASES = [
    ("lecture", "district", "换成朝阳的", "what about chaoyang", "朝阳区"),
    ("lecture", "district", "那西城的呢", "and in xicheng", "西城区"),
    ("lecture", "time", "明天下午的有吗", "what about tomorrow afternoon", None),
    ("lecture", "time", "周末呢", "what about the weekend", None),
    ("lecture", "mode", "线上的呢", "online ones instead", "online"),
    ("lecture", "audience", "那给爷爷奶奶的呢", "what about for grandparents", None),
    ("lecture", "topic", "那讲防诈骗的呢", "what about scams", "防诈骗"),
    ("lesson", "district", "海淀的呢", "what about haidian", "海淀区"),
    ("lesson", "time", "下周的呢", "what about next week", None),
    ("lesson", "topic", "那防诈骗的呢", "what about scams", "防诈骗"),
    ("center", "district", "换成朝阳的", "what about chaoyang", "朝阳区"),
    ("center", "kind", "那老年大学呢", "what about senior universities", "elder_university"),
    ("center", "service", "那教书法的呢", "what about calligraphy", "书法"),
]
TIME_KEYS = ("from", "to")


def _query_key(slot: str) -> str:
    return "from" if slot == "time" else slot


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "kind,slot,zh,en,value", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_a_follow_up_keeps_the_list_and_changes_one_slot(
    real_parser, cat, db, kind, slot, zh, en, value, lang
):
    bot = make_assistant(db, cat, real_parser)
    bot.set_language(U, lang)
    say(bot, LISTS[kind][lang == "en"], user=U)
    before = states.load(db, U).shown
    assert before is not None and before.type == kind
    say(bot, en if lang == "en" else zh, user=U)
    after = states.load(db, U).shown
    assert after is not None and after.type == kind, (after, before)
    key = _query_key(slot)
    assert key in after.query, after.query
    if value is not None:
        assert after.query[key] == value, after.query
    # the rest of the search is kept
    for k, v in before.query.items():
        if k != key and not (slot == "time" and k in TIME_KEYS):
            assert after.query.get(k) == v, (k, before.query, after.query)
