"""The web channel's own sentences (the conversation's are in dialogues/templates/)."""

from __future__ import annotations

TEXTS = {
    "zh": {
        "too_long": "您的话有点长，我一次最多看{n}个字。请分成几句短话，一句一句发给我。",
        "too_big": "这条消息太大了，我收不下。请发一句短话给我。",
        "too_fast": "您发得有点快，请歇一会儿，过一分钟再发。我一直在这儿等您。",
        "bad_request": "这条消息我没看懂。您可以直接打字问我，或者点“回首页”。",
        "stale_page": "这个页面需要刷新一下。请点浏览器的刷新按钮，然后再发一次。",
        "error": "抱歉，我这边出了点问题。请再试一次，或者点“找人帮忙”。",
        "web_reminders": (
            "温馨提示：网页关掉以后，我没办法叫您。到时候的提醒会放在这个页面最上面，"
            "您打开页面就能看到；页面开着的时候，提醒一到就会显示。"
            "想按时收到，可以请家人也订一份同样的提醒，到时候给您打个电话。"
        ),
        "home": "回首页",
        "human": "找人帮忙",
    },
    "en": {
        "too_long": "That is a bit long for me: I read up to {n} characters at a time. "
        "Please send it as a few short messages.",
        "too_big": "That message is too big for me. Please send a short one.",
        "too_fast": "That was a lot of messages at once. Please wait a minute and send again. "
        "I am still here.",
        "bad_request": "I could not read that message. Please type your question, or tap “Home”.",
        "stale_page": "This page needs a refresh. Please reload it and send again.",
        "error": "Sorry, something went wrong on my side. Please try again, or tap “Get help”.",
        "web_reminders": (
            "Please note: once this page is closed I cannot call you. Your reminders wait at the "
            "top of this page and show as soon as you open it; while the page is open they "
            "appear on time. To be told on time, ask a family member to set the same reminder "
            "and give you a call."
        ),
        "home": "Home",
        "human": "Get help",
    },
}


def text(lang: str, key: str, **fields) -> str:
    """One of the web channel's sentences in `lang` (Mandarin when unknown)."""
    table = TEXTS.get(lang, TEXTS["zh"])
    return table[key].format(**fields)


def kind_reply(lang: str, key: str, **fields) -> dict:
    """A reply dict (the engine's JSON shape) saying `key`, with 回首页 / 找人帮忙."""
    return {
        "text": text(lang, key, **fields),
        "buttons": [
            {"title": text(lang, "home"), "payload": "/help"},
            {"title": text(lang, "human"), "payload": "/human_help"},
        ],
        "items": [],
        "voice": False,
    }
