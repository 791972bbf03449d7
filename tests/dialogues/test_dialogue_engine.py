"""The engine over parse dicts: state, context, persistence, and the reply rules."""

from __future__ import annotations

import json

import pytest
from dialoguekit import (
    RecordingPlanner,
    check_reply_rules,
    make_assistant,
    payloads,
    say,
    texts,
)

from dialogues import Incoming, policy
from dialogues import state as states
from store import help_requests, subscriptions, users

U = "test:1"


def items(replies):
    return [i.id for r in replies for i in r.items]


def test_greeting_is_the_home_menu_with_a_way_to_a_person(bot, scripted):
    scripted.add("你好", "greet")
    replies = say(bot, "你好")
    check_reply_rules(replies)
    assert payloads(replies) == [
        "/find_center",
        "/list_lectures",
        "/start_guide",
        "/my_subscriptions",
        "/human_help",
    ]
    assert "1. 找学习点" in texts(replies)


def test_a_number_picks_from_the_menu(bot, scripted):
    scripted.add("你好", "greet")
    say(bot, "你好")
    replies = say(bot, "3")
    assert "想学手机上的哪件事" in texts(replies)
    assert "3" not in scripted.calls  # resolved without the NLU


def test_missing_place_is_asked_with_location_and_district_buttons(bot, scripted):
    scripted.add("找老年大学", "find_center", kind="elder_university")
    replies = say(bot, "找老年大学")
    check_reply_rules(replies)
    assert "/share_location" in payloads(replies)
    assert any(p.startswith('/inform{"district"') for p in payloads(replies))
    replies = say(bot, '/inform{"district":"海淀区"}')
    assert items(replies) == ["bjou-haidian"]  # the kind filter was kept


def test_a_shared_location_is_used_but_never_stored(bot):
    replies = bot.handle(Incoming(U, location=(39.88, 116.41)))
    assert items(replies) == ["lc-dongcheng-2", "fe-fengtai", "lc-chaoyang-2"]
    assert replies[0].items[0].distance_m == pytest.approx(1000, abs=100)
    saved = bot.db.execute("SELECT state FROM sessions").fetchone()[0]
    assert "39.88" not in saved and "116.41" not in saved
    assert "39.88" not in json.dumps(users.export(bot.db, U), ensure_ascii=False)
    # Paging uses the location kept in memory ...
    assert items(say(bot, "更多")) == ["fe-dongcheng", "lc-fengtai-1", "fe-xicheng"]


def test_after_a_restart_paging_asks_for_the_location_again(dbase, cat, scripted):
    make_assistant(dbase, cat, scripted).handle(Incoming(U, location=(39.88, 116.41)))
    replies = say(make_assistant(dbase, cat, scripted), "更多")
    assert "没有保存您的位置" in texts(replies)
    assert "/share_location" in payloads(replies)


def test_location_outside_beijing(bot):
    replies = bot.handle(Incoming(U, location=(31.23, 121.47)))
    assert "不在北京" in texts(replies)


def test_guide_steps_and_buttons(bot, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    scripted.add("好的", "affirm")
    first = say(bot, "教我用微信视频")
    assert first[0].guide.step == 1 and first[0].guide.total == 7
    assert "第1步/共7步" in first[0].text
    assert payloads(first) == ["/guide_next", "/guide_repeat", "/guide_stuck", "/cancel"]
    check_reply_rules(first)
    second = say(bot, "好的")  # "好的" in a guide means next
    assert second[0].guide.step == 2
    assert "/guide_back" in payloads(second)


def test_the_guide_survives_a_restart_and_resumes(dbase, cat, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    scripted.add("下一步", "guide_next")
    bot = make_assistant(dbase, cat, scripted)
    say(bot, "教我用微信视频")
    say(bot, "下一步")
    say(bot, "下一步")
    again = make_assistant(dbase, cat, scripted)
    replies = say(again, "继续上次的")
    assert replies[0].guide.step == 3
    assert "接着学" in replies[0].text


def test_another_question_pauses_the_guide(bot, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    scripted.add("最近有什么讲座", "list_lectures")
    scripted.add("好的", "affirm")
    scripted.add("你好", "greet")
    say(bot, "教我用微信视频")
    say(bot, "最近有什么讲座")
    assert say(bot, "好的")[0].guide is None  # a plain "ok", not the next step
    menu = say(bot, "你好")
    assert payloads(menu)[0] == "/resume_guide"
    check_reply_rules(menu)


def test_finishing_a_guide_praises_and_offers_more(bot, scripted, cat):
    scripted.add("教我把字调大", "start_guide", guide="enlarge_font")
    say(bot, "教我把字调大")
    for _ in range(len(cat.guides["enlarge_font"].steps) - 1):
        say(bot, "/guide_next")
    replies = say(bot, "/guide_next")
    assert "太棒了" in texts(replies) or "了不起" in texts(replies)
    assert any(p.startswith('/start_guide{"guide"') for p in payloads(replies))
    assert any(p.startswith('/list_lessons{"lesson"') for p in payloads(replies))
    assert states.load(bot.db, U).guide is None


def test_stuck_gives_the_hint_then_offers_people(bot, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    say(bot, "教我用微信视频")
    first = say(bot, "/guide_stuck")
    assert "小对话框" in first[0].text  # the step's simpler hint
    assert "/human_help" in payloads(first)
    assert '/human_help{"who":"family"}' in payloads(first)
    second = say(bot, "/guide_stuck")
    assert "很多人" in second[0].text and "小对话框" not in second[0].text


def test_handoff_opens_one_request_with_context(bot, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    scripted.add("转人工", "human_help")
    bot.handle(Incoming(U, location=(39.9, 116.4)))
    say(bot, "教我用微信视频")
    say(bot, "/guide_next")
    replies = say(bot, "转人工")
    assert "志愿者" in texts(replies)
    [req] = help_requests.open_requests(bot.db)
    ctx = req["context"]
    assert ctx["guide"]["id"] == "wechat_video_call" and ctx["guide"]["step"] == 2
    assert "转人工" in ctx["asked"]
    assert "39.9" not in json.dumps(ctx)
    assert "已经记下" in texts(say(bot, "转人工"))
    assert len(help_requests.open_requests(bot.db)) == 1


def test_family_handoff_writes_a_message_to_forward(bot, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    say(bot, "教我用微信视频")
    replies = say(bot, '/human_help{"who":"family"}')
    assert "第1步" in texts(replies) and "转发给家人" in texts(replies)
    assert help_requests.open_requests(bot.db) == []


def test_subscribe_to_the_lecture_shown_plans_its_reminders(dbase, cat, scripted):
    planner = RecordingPlanner()
    bot = make_assistant(dbase, cat, scripted, planner=planner)
    say(bot, '/list_lectures{"lecture":"lec-capital-series"}')
    scripted.add("提醒我", "subscribe")
    replies = say(bot, "提醒我")
    assert "活动前一天18:00" in texts(replies)
    [sub] = subscriptions.active_for(dbase, U)
    assert (sub["kind"], sub["target_id"]) == ("lecture", "lec-capital-series")
    assert planner.planned[0]["id"] == sub["id"]


def test_remind_me_after_a_list_asks_which(bot, scripted):
    scripted.add("讲座", "list_lectures")
    scripted.add("提醒我", "subscribe")
    say(bot, "讲座")
    replies = say(bot, "提醒我")
    assert "要提醒哪一个" in texts(replies)
    say(bot, "2")
    [sub] = subscriptions.active_for(bot.db, U)
    assert sub["target_id"] == "lec-dongcheng-teen-silence-1205"


def test_filter_subscription(bot, scripted):
    scripted.add("订阅朝阳区的亲子沟通讲座", "subscribe", district="朝阳区", topic="亲子沟通")
    replies = say(bot, "订阅朝阳区的亲子沟通讲座")
    assert "朝阳区·亲子沟通" in texts(replies)
    [sub] = subscriptions.active_for(bot.db, U)
    assert sub["filter"] == {"event": "lecture", "district": "朝阳区", "topic": "亲子沟通"}


def test_family_education_is_the_umbrella_not_a_topic_filter(bot, scripted):
    scripted.add("订阅朝阳区的家庭教育讲座", "subscribe", district="朝阳区", topic="家庭教育")
    say(bot, "订阅朝阳区的家庭教育讲座")
    [sub] = subscriptions.active_for(bot.db, U)
    assert sub["filter"] == {"event": "lecture", "district": "朝阳区"}


def test_offsets_from_the_message(bot, scripted):
    say(bot, '/list_lectures{"lecture":"lec-capital-series"}')
    scripted.add("提前两小时提醒我", "subscribe", offset="-120m")
    replies = say(bot, "提前两小时提醒我")
    [sub] = subscriptions.active_for(bot.db, U)
    assert sub["offsets"] == ["-120m"]
    assert "2小时" in texts(replies)


def test_the_reminder_unsubscribe_button_cancels_exactly_that_one(dbase, cat, scripted):
    planner = RecordingPlanner()
    bot = make_assistant(dbase, cat, scripted, planner=planner)
    a, _ = subscriptions.add(dbase, U, "lecture", target_id="lec-capital-series")
    b, _ = subscriptions.add(dbase, U, "lesson", target_id="les-chaoyang-wechat-1")
    replies = say(bot, f'/unsubscribe{{"subscription_id":"{a["id"]}"}}')
    assert replies[0].plain and "已经取消" in replies[0].text
    assert replies[0].text.count("。") == 1
    assert [s["id"] for s in subscriptions.active_for(dbase, U)] == [b["id"]]
    assert planner.dropped == [a["id"]]


def test_nobody_can_cancel_someone_elses_reminder(bot):
    other, _ = subscriptions.add(bot.db, "test:2", "lecture", target_id="lec-capital-series")
    replies = say(bot, f'/unsubscribe{{"subscription_id":"{other["id"]}"}}')
    assert "没找到这个提醒" in texts(replies)
    assert subscriptions.get(bot.db, other["id"])["active"] == 1


def test_cancel_all_asks_first(bot, scripted):
    for target in ("lec-capital-series", "lec-chaoyang-parent-school"):
        subscriptions.add(bot.db, U, "lecture", target_id=target)
    replies = say(bot, '/unsubscribe{"all":"1"}')
    assert "全部取消吗" in texts(replies)
    say(bot, "/deny")
    assert len(subscriptions.active_for(bot.db, U)) == 2
    say(bot, '/unsubscribe{"all":"1"}')
    say(bot, "/affirm")
    assert subscriptions.active_for(bot.db, U) == []


def test_subscribing_works_without_the_scheduler(dbase, cat, scripted):
    bot = make_assistant(dbase, cat, scripted, planner=None)
    bot.planner = None
    replies = say(bot, '/subscribe{"lecture":"lec-capital-series"}')
    assert "活动前一天18:00" in texts(replies)


def test_a_failing_planner_does_not_break_the_conversation(dbase, cat, scripted):
    class Broken(RecordingPlanner):
        def plan_for_subscription(self, *a):
            raise RuntimeError("boom")

    bot = make_assistant(dbase, cat, scripted, planner=Broken())
    replies = say(bot, '/subscribe{"lecture":"lec-capital-series"}')
    assert "好了" in texts(replies)
    assert len(subscriptions.active_for(dbase, U)) == 1


def test_voice_preference_sets_the_reply_flag(bot, scripted):
    scripted.add("用语音回复我", "prefer_voice")
    scripted.add("你好", "greet")
    scripted.add("只要文字", "prefer_text")
    assert say(bot, "你好")[0].voice is False
    assert say(bot, "用语音回复我")[0].voice is True
    assert say(bot, "你好")[0].voice is True
    assert users.get(bot.db, U)["prefer_voice"] == 1
    say(bot, "只要文字")
    assert say(bot, "你好")[0].voice is False


def test_unclear_input_asks_back_with_two_guesses(bot, scripted):
    scripted.add_unsure(
        "嗯那个", [("find_center", 0.3), ("list_lectures", 0.2), ("greet", 0.1)], district="朝阳区"
    )
    replies = say(bot, "嗯那个")
    assert payloads(replies)[:3] == [
        '/find_center{"district":"朝阳区"}',
        '/list_lectures{"district":"朝阳区"}',
        "/deny",
    ]
    check_reply_rules(replies)
    assert "没听明白" in texts(say(bot, "都不是"))


def test_out_of_scope_is_kind_and_offers_the_menu(bot):
    replies = say(bot, "今天天气怎么样")
    assert "还不会" in texts(replies) or "回答不了" in texts(replies)
    assert "/find_center" in payloads(replies)


def test_the_reply_language_follows_the_user(bot, scripted):
    scripted.add("hello there", "greet", lang="en")
    scripted.add("ok", "affirm", lang="en")
    scripted.add("你好", "greet")
    assert "Hello" in texts(say(bot, "hello there", user="test:en"))
    assert users.get(bot.db, "test:en")["lang"] == "en"
    assert "好的" not in texts(say(bot, "ok", user="test:en"))
    say(bot, "你好", user="test:zh")
    assert "好的" in texts(say(bot, "ok", user="test:zh"))  # one English word: stay in Mandarin
    assert "您好" in texts(say(bot, "你好", user="test:en"))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("\x00\x01\x1b", "没看到文字"),
        ("字" * 5000, "有点长"),
        ("😀😀🎉", "表情"),
        ("/location 北京", "没看明白"),
        ("/location 200,500", "没看明白"),
    ],
)
def test_odd_input_gets_a_kind_reply(bot, scripted, text, fragment):
    replies = say(bot, text)
    assert fragment in texts(replies)
    check_reply_rules(replies)
    assert scripted.calls == []  # none of it reached the NLU


@pytest.mark.parametrize(
    "text",
    [
        "delete my reminder from the list",
        "select the nearest center from my home",
        "<script>alert(1)</script>",
        "'; DROP TABLE users;--",
    ],
)
def test_text_that_looks_like_code_is_read_like_any_other(bot, scripted, text):
    scripted.add("delete my reminder from the list", "unsubscribe", lang="en")
    replies = say(bot, text)
    assert scripted.calls == [text]  # it reached the NLU like any sentence
    assert "code" not in texts(replies) and "代码" not in texts(replies)
    check_reply_rules(replies)


def test_a_thumbs_up_is_an_ok(bot, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    say(bot, "教我用微信视频")
    assert say(bot, "👍")[0].guide.step == 2


def test_an_internal_error_still_answers(bot, scripted, monkeypatch):
    scripted.add("你好", "greet")

    def boom(t):
        raise RuntimeError("boom")

    monkeypatch.setitem(policy.HANDLERS, "greet", boom)
    replies = say(bot, "你好")
    assert "出了点小问题" in texts(replies)
    assert "/human_help" in payloads(replies)


def test_an_nlu_failure_still_answers(dbase, cat):
    class Broken:
        def parse(self, text, now=None):
            raise RuntimeError("model file missing")

    bot = make_assistant(dbase, cat, Broken())
    assert "/find_center" in payloads(say(bot, "随便说点什么"))


def test_a_corrupt_or_newer_state_is_tolerated(bot, scripted):
    from store import sessions

    scripted.add("你好", "greet")
    sessions.save(bot.db, U, {"turn": 3, "from_the_future": True, "guide": None})
    assert say(bot, "你好")
    bot.db.execute("UPDATE sessions SET state = '{not json' WHERE user_id = ?", [U])
    assert say(bot, "你好")


def test_forget_deletes_everything_after_confirming(bot, scripted):
    subscriptions.add(bot.db, U, "lecture", target_id="lec-capital-series")
    assert "订阅的提醒：1个" in texts(say(bot, "/mydata"))
    say(bot, "/forget")
    replies = say(bot, "/affirm")
    assert "全部删除" in texts(replies)
    assert users.get(bot.db, U) is None
    assert bot.db.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 0


def test_set_language_command(bot):
    replies = say(bot, "/lang en")
    assert "English" in texts(replies)
    assert users.get(bot.db, U)["lang"] == "en"
    assert "Find a center" in texts(say(bot, "/help"))


def test_deep_links(bot):
    assert items(say(bot, "/start guide_wechat_video_call")) == []
    assert states.load(bot.db, U).guide.id == "wechat_video_call"
    assert items(say(bot, "/start center_bjou")) == ["bjou"]


def test_two_near_tied_readings_are_asked_back(bot, scripted):
    scripted.add(
        "有课吗",
        "list_lectures",
        confidence=0.29,
        ranking=[("list_lectures", 0.29), ("list_lessons", 0.27)],
    )
    replies = say(bot, "有课吗")
    assert payloads(replies)[:3] == ["/list_lectures", "/list_lessons", "/deny"]
    assert "您是想" in texts(replies)


def test_guide_guesses_are_not_offered_outside_a_guide(bot, scripted):
    scripted.add_unsure("嗯", [("guide_back", 0.1), ("find_center", 0.08), ("list_lessons", 0.07)])
    assert payloads(say(bot, "嗯"))[:2] == ["/find_center", "/list_lessons"]


def test_a_voice_message_says_what_was_heard(bot, scripted):
    scripted.add("你好", "greet")
    replies = bot.handle(Incoming(U, "你好", voice=True))
    assert replies[0].text.startswith("我听到的是：“你好”")
    assert not say(bot, "你好")[0].text.startswith("我听到的是")


def test_a_voice_message_is_answered_by_voice(bot, scripted):
    scripted.add("你好", "greet")
    replies = bot.handle(Incoming(U, "你好", voice=True))
    assert replies and all(r.voice for r in replies)


def test_an_unsure_transcript_never_subscribes(bot, scripted):
    say(bot, '/list_lectures{"lecture":"lec-capital-series"}')
    scripted.add("提醒我", "subscribe")
    replies = bot.handle(Incoming(U, "提醒我", voice=True, unsure=True))
    assert texts(replies).startswith("我听到的可能是：“提醒我”")
    assert "再说一遍" in texts(replies) and "打字" in texts(replies)
    assert subscriptions.active_for(bot.db, U) == []
    replies = bot.handle(Incoming(U, "提醒我", voice=True))  # said again, clearly
    assert len(subscriptions.active_for(bot.db, U)) == 1


def test_an_unsure_yes_does_not_confirm_a_deletion(bot, scripted):
    say(bot, "/mydata")
    say(bot, "/forget")
    scripted.add("好的", "affirm")
    replies = bot.handle(Incoming(U, "好的", voice=True, unsure=True))
    assert "我听到的可能是" in texts(replies)
    assert users.get(bot.db, U) is not None
    assert "全部删除" in texts(say(bot, "/affirm"))  # the question still stood
    assert users.get(bot.db, U) is None


def test_an_unsure_emergency_is_still_answered_first(bot, scripted):
    scripted.add("我胸口疼", "emergency")
    typed = texts(say(bot, "我胸口疼"))
    replies = bot.handle(Incoming(U, "我胸口疼", voice=True, unsure=True))
    assert replies[0].text.startswith("我听到的是：“我胸口疼”")
    assert typed.split("\n")[0] in texts(replies)  # the same safety answer as typed


def test_an_unsure_harmless_question_is_answered_with_what_was_heard(bot, scripted):
    scripted.add("你好", "greet")
    replies = bot.handle(Incoming(U, "你好", voice=True, unsure=True))
    assert replies[0].text.startswith("我听到的是：“你好”")


def test_reminder_buttons_mid_guide_leave_the_guide_alone(bot, scripted):
    scripted.add("教我用微信视频", "start_guide", guide="wechat_video_call")
    scripted.add("好了", "guide_next")
    sub, _ = subscriptions.add(bot.db, U, "lecture", target_id="lec-capital-series")
    say(bot, "教我用微信视频")
    assert say(bot, "/affirm")[0].guide is None  # "收到": just OK
    say(bot, f'/unsubscribe{{"subscription_id":"{sub["id"]}"}}')
    assert say(bot, "好了")[0].guide.step == 2  # still in the guide, at the next step
