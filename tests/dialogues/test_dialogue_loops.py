"""Multi-step flows (dialogues/loops.py): the guide, and the mechanism a new flow reuses."""

from __future__ import annotations

from dialoguekit import say, texts

from dialogues import loops
from dialogues import state as states
from dialogues.context import Turn

U = "test:1"


class ComposerLoop(loops.Loop):
    """A stand-in for the announcement composer: every message is the draft until "cancel"."""

    name = "composer"

    def route(self, t: Turn, intent: str):
        if intent == "cancel":
            t.state.end_loop(self.name)
            return [t.reply("discarded")]
        t.state.loop.data["draft"] = t.text
        return [t.reply(f"draft: {t.text}")]


def test_a_new_flow_plugs_in_and_keeps_its_slots(bot, scripted, monkeypatch):
    monkeypatch.setitem(loops.LOOPS, "composer", ComposerLoop())
    scripted.add("算了", "cancel")
    state = states.load(bot.db, U)
    state.start_loop("composer")
    states.save(bot.db, U, state)

    assert "draft: 周六上午社区有讲座" in texts(say(bot, "周六上午社区有讲座"))
    saved = states.load(bot.db, U)
    assert saved.loop.name == "composer" and saved.loop.data == {"draft": "周六上午社区有讲座"}
    assert "discarded" in texts(say(bot, "算了"))
    assert states.load(bot.db, U).loop is None


def test_a_flow_from_a_newer_version_is_dropped(bot, scripted):
    scripted.add("你好", "greet")
    state = states.load(bot.db, U)
    state.start_loop("something_new")
    states.save(bot.db, U, state)
    assert say(bot, "你好")
    assert states.load(bot.db, U).loop is None


def test_the_guide_loop_pauses_on_another_question_and_resumes(bot, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    scripted.add("好了", "affirm")
    scripted.add("朝阳区有什么讲座", "list_lectures", district="朝阳区")
    scripted.add("用语音回复我", "prefer_voice")
    say(bot, "教我用微信视频")
    assert say(bot, "好了")[0].guide.step == 2  # "好了" is "next step" inside the guide
    voice = say(bot, "用语音回复我")  # keeps_loop: answered, and the step is said again
    assert voice[-1].guide.step == 2 and states.load(bot.db, U).in_loop("guide")
    say(bot, "朝阳区有什么讲座")  # another question: the guide pauses, its step is kept
    paused = states.load(bot.db, U)
    assert not paused.in_loop() and paused.guide.step == 2
    assert say(bot, "继续上次的")[0].guide.step == 2
    assert states.load(bot.db, U).in_loop("guide")
