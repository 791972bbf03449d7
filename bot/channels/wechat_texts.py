"""The WeChat channel's own sentences (the conversation's are in dialogues/templates/)."""

from __future__ import annotations

TEXTS = {
    "zh": {
        "reply_n": "回复{n}：{title}",
        "reply_number": "回复数字就能选。",
        "share_location": "发位置：点输入框旁的＋，选「位置」发送",
        "map": '<a href="{url}">📍 {name}：看地图</a>',
        "voice_type": "这段语音我没听清。请打字告诉我，比如「朝阳区的老年大学」。",
        "image": "收到图片了，谢谢！我还看不懂图片，请打字告诉我您想找什么。",
        "other": "这个我还看不懂。请打字告诉我您想找什么，或回复「首页」。",
        "reminders_cs": "您订的提醒会在这里发给您。超过两天没和我说话时，微信不让我主动发消息，提醒会等您下次说话时一起给您。",
        "reminders_template": "您订的提醒会在这里发给您；超过两天没和我说话时，会以服务通知发给您。",
        "waiting": "这期间给您的提醒：",
        "error": "抱歉，我这里出了点问题，请稍后再试。",
    },
    "en": {
        "reply_n": "Reply {n}: {title}",
        "reply_number": "Reply with a number to choose.",
        "share_location": "Send your location: tap + next to the input box, then Location",
        "map": '<a href="{url}">📍 {name}: map</a>',
        "voice_type": "I could not make out that voice message. Please type it, e.g. 'senior university in Chaoyang'.",
        "image": "Thanks for the picture! I cannot read pictures yet; please type what you are looking for.",
        "other": "I cannot read this yet. Please type what you are looking for, or reply 'home'.",
        "reminders_cs": "Your reminders will come here. After two quiet days WeChat does not let me write first, so they wait until you next write to me.",
        "reminders_template": "Your reminders will come here; after two quiet days, as a service notice.",
        "waiting": "Reminders for you meanwhile:",
        "error": "Sorry, something went wrong on my side. Please try again in a moment.",
    },
}


def text(lang: str, key: str, **fields) -> str:
    """One sentence in `lang` (Chinese when unknown)."""
    table = TEXTS["en" if lang == "en" else "zh"]
    return table[key].format(**fields) if fields else table[key]
