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
        "pick": "点一下就能选，也可以回复数字：",
        "link_guide": '这一步有图片：<a href="{url}">打开网页版看图</a>（链接15分钟内有效，只能打开一次）',
        "link_voice": '想听我读出来：<a href="{url}">打开网页版</a>，点“听”（链接15分钟内有效，只能打开一次）',
        "link_asked": '<a href="{url}">点这里打开网页版</a>。还是我们这个对话，您订的提醒也都在。链接15分钟内有效，只能打开一次；过期了再发“打开网页版”就行。',
        "link_none": "这里还没有网页版。您就在这里跟我说吧，回复“首页”看我能做什么。",
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
        "pick": "Tap one, or reply with its number:",
        "link_guide": 'This step has pictures: <a href="{url}">open the web version</a> (the link opens once, within 15 minutes)',
        "link_voice": 'To hear me read it: <a href="{url}">open the web version</a> and tap "Listen" (the link opens once, within 15 minutes)',
        "link_asked": '<a href="{url}">Tap here for the web version</a>. It is this same conversation, with your reminders. The link opens once, within 15 minutes; send "open web version" again for a new one.',
        "link_none": "There is no web version here yet. Just talk to me here; reply 'home' to see what I can do.",
    },
}


def text(lang: str, key: str, **fields) -> str:
    """One sentence in `lang` (Chinese when unknown)."""
    table = TEXTS["en" if lang == "en" else "zh"]
    return table[key].format(**fields) if fields else table[key]
