"""Names people read in the report: intents, channels and the headline figures, in zh and en."""

from __future__ import annotations

INTENTS = {
    "greet": ("打招呼", "greeting"),
    "goodbye": ("道别", "goodbye"),
    "thanks": ("道谢", "thanks"),
    "affirm": ("好的/是", "yes"),
    "deny": ("不是", "no"),
    "help": ("看看能做什么", "what can you do"),
    "cancel": ("取消/回首页", "cancel"),
    "find_center": ("找学习点", "find a learning center"),
    "center_info": ("问学习点情况", "about a center"),
    "list_lectures": ("看讲座", "lectures"),
    "list_lessons": ("找手机课", "phone classes"),
    "start_guide": ("学用手机", "start a phone guide"),
    "guide_next": ("指南下一步", "guide: next step"),
    "guide_back": ("指南上一步", "guide: back"),
    "guide_repeat": ("指南再说一遍", "guide: repeat"),
    "guide_stuck": ("指南卡住了", "guide: stuck"),
    "resume_guide": ("继续上次的指南", "resume a guide"),
    "subscribe": ("订阅提醒", "subscribe"),
    "unsubscribe": ("取消提醒", "unsubscribe"),
    "my_subscriptions": ("看我的提醒", "my reminders"),
    "human_help": ("找人帮忙", "ask a person"),
    "prefer_voice": ("要语音回复", "voice replies"),
    "prefer_text": ("只要文字", "text only"),
    "out_of_scope": ("没听懂/不在范围", "not understood"),
    "scam_alert": ("防诈骗", "scam alert"),
    "emergency": ("紧急情况", "emergency"),
    "health_question": ("健康问题", "health question"),
    "my_data": ("查看我的数据", "my data"),
    "mydata": ("查看我的数据", "my data"),
    "forget_me": ("删除我的数据", "erase my data"),
    "forget": ("删除我的数据", "erase my data"),
    "about": ("关于乐龄伴学", "about Leling"),
    "more": ("更多", "more"),
    "share_location": ("发送位置", "shared a location"),
    "set_lang": ("切换语言", "language"),
    "call": ("拨打电话", "call a number"),
    "inform": ("补充信息", "answering a question"),
    "news_off": ("不要通知", "announcements off"),
    "news_on": ("恢复通知", "announcements on"),
}

CHANNELS = {
    "telegram": ("Telegram", "Telegram"),
    "wechat": ("微信公众号", "WeChat"),
    "web": ("网页聊天", "web chat"),
    "terminal": ("终端", "terminal"),
}


def intent(name: str) -> str:
    """ "找学习点 find a learning center" (odd-input intents: "其他输入 other input")."""
    if name.startswith("_"):
        return "其他输入 other input"
    zh, en = INTENTS.get(name, (name, ""))
    return f"{zh} {en}".strip()


def channel(name: str) -> str:
    """ "微信公众号 WeChat"."""
    zh, en = CHANNELS.get(name, (name, ""))
    return zh if zh == en else f"{zh} {en}".strip()
