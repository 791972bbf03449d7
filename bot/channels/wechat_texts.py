"""The WeChat channel's own sentences (the conversation's are in dialogues/templates/)."""

from __future__ import annotations

TEXTS = {
    "zh": {
        "reply_n": "回复{n}：{title}",
        "reply_number": "回复数字就能选。",
        "share_location": "发位置：点输入框旁的＋，选「位置」发送",
        "map": "地图：{url}",
        "voice_type": "这段语音我没听清。请打字告诉我，比如「朝阳区的老年大学」。",
        "image": "收到图片了，谢谢！我还看不懂图片，请打字告诉我您想找什么。",
        "other": "这个我还看不懂。请打字告诉我您想找什么，或回复「首页」。",
        "reminders_cs": "提醒会在这里发给您。如果您两天没和我说话，提醒可能改用模板消息，或放在网页版的收件箱里。",
        "reminders_template": "提醒会在这里发给您（两天没说话时用服务通知）。",
        "error": "抱歉，我这里出了点问题，请稍后再试。",
    },
    "en": {
        "reply_n": "Reply {n}: {title}",
        "reply_number": "Reply with a number to choose.",
        "share_location": "Send your location: tap + next to the input box, then Location",
        "map": "Map: {url}",
        "voice_type": "I could not make out that voice message. Please type it, e.g. 'senior university in Chaoyang'.",
        "image": "Thanks for the picture! I cannot read pictures yet; please type what you are looking for.",
        "other": "I cannot read this yet. Please type what you are looking for, or reply 'home'.",
        "reminders_cs": "Reminders will come here. If we have not talked for two days, they may come as a template message or wait in the web chat's inbox.",
        "reminders_template": "Reminders will come here (as a service notice after two quiet days).",
        "error": "Sorry, something went wrong on my side. Please try again in a moment.",
    },
}


def text(lang: str, key: str, **fields) -> str:
    """One sentence in `lang` (Chinese when unknown)."""
    table = TEXTS["en" if lang == "en" else "zh"]
    return table[key].format(**fields) if fields else table[key]
