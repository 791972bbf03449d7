"""The few sentences the Telegram channel says itself (everything else comes from the
assistant's templates), and the command menu registered with `set_my_commands`."""

from __future__ import annotations

from nlu import intents

COMMANDS = {
    "zh": [
        ("start", "开始 / 回首页"),
        ("help", "我能帮您做什么"),
        ("centers", "找附近的学习点"),
        ("lectures", "家庭教育讲座"),
        ("lessons", "学用手机的课"),
        ("guide", "一步一步学用手机"),
        ("mysubs", "我的提醒"),
        ("voice", "用语音回答我"),
        ("text", "用文字回答我"),
        ("lang", "换语言 中文/English"),
        ("mydata", "查看我的数据"),
        ("forget", "删除我的数据"),
        ("cancel", "不做了,回首页"),
    ],
    "en": [
        ("start", "Start / home"),
        ("help", "What I can do"),
        ("centers", "Find a learning center nearby"),
        ("lectures", "Family-education lectures"),
        ("lessons", "Smartphone classes"),
        ("guide", "Learn a phone task step by step"),
        ("mysubs", "My reminders"),
        ("voice", "Answer me by voice"),
        ("text", "Answer me in text"),
        ("lang", "Change language 中文/English"),
        ("mydata", "See my data"),
        ("forget", "Delete my data"),
        ("cancel", "Stop and go home"),
    ],
}

# The commands handed to the assistant in any chat (groups too): the slash commands of the
# intent registry (nlu/intents.yml) and those of the menu, some of which name their intent
# directly (/help, /cancel). /mydata and /forget have handlers of their own, registered first.
ENGINE_COMMANDS = sorted(set(intents.commands()) | {c for c, _ in COMMANDS["zh"]})

TEXTS = {
    "zh": {
        "voice_unavailable": "对不起，我现在还听不懂语音。请打字告诉我，好吗？",
        "voice_unheard": "对不起，我没听清。请再说一遍，或者打字告诉我。",
        "contact": "谢谢您。我不需要电话号码。想找学习点，可以发送您的位置。",
        "unsupported": "这个我还看不懂。我能看懂文字和位置，请打字告诉我您想做什么。",
        "unsupported_voice": "这个我还看不懂。我能听懂语音，也能看懂文字和位置，请告诉我您想做什么。",
        "error": "对不起，我这边出了点问题。请再试一次，或者点“回首页”。",
        "home": "回首页",
        "private_only": "这件事请私聊我办理。",
        "mydata": "这是乐龄伴学保存的您的全部数据。",
    },
    "en": {
        "voice_unavailable": "Sorry, I can't understand voice messages yet. Please type it.",
        "voice_unheard": "Sorry, I didn't catch that. Please say it again, or type it.",
        "contact": "Thank you. I don't need a phone number. To find a center, send your location.",
        "unsupported": "I can't read this yet. I understand text and locations; please type what "
        "you need.",
        "unsupported_voice": "I can't read this yet. I understand voice, text and locations; "
        "please tell me what you need.",
        "error": "Sorry, something went wrong on my side. Please try again, or tap “Home”.",
        "home": "Home",
        "private_only": "Please ask me this in a private chat.",
        "mydata": "Here is everything Leling stores about you.",
    },
}


def text(lang: str, key: str) -> str:
    """The sentence `key` in `lang` (Mandarin when the language is unknown)."""
    return TEXTS.get(lang, TEXTS["zh"]).get(key) or TEXTS["zh"][key]
