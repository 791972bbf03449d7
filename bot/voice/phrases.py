"""What every channel says about a recording it could not use, and while it listens."""

from __future__ import annotations

PHRASES = {
    "zh": {
        "listening": "我在听…",
        "unavailable": "对不起，我现在还听不懂语音。请打字告诉我，好吗？",
        "empty": "对不起，我没听到声音。请按住说话按钮，对着手机说，或者打字告诉我。",
        "corrupt": "对不起，这段录音我打不开。请再录一次，或者打字告诉我。",
        "too_long": "这段录音太长了，我一次只能听一分钟以内的。请分几次说，或者打字告诉我。",
        "too_big": "这个文件太大了，我听不了。请录一段一分钟以内的语音，或者打字告诉我。",
        "busy": "我这会儿有点忙，请过几秒再说一次，或者打字告诉我。",
        "unheard": "对不起，我没听清。请再说一遍，或者打字告诉我。",
        "no_language": "对不起，我现在还听不懂普通话语音，只能听懂英文。请打字告诉我，好吗？",
    },
    "en": {
        "listening": "Listening…",
        "unavailable": "Sorry, I can't understand voice messages yet. Please type it.",
        "empty": "Sorry, I heard no sound. Hold the talk button and speak into the phone, or "
        "type it.",
        "corrupt": "Sorry, I can't open this recording. Please record it again, or type it.",
        "too_long": "This recording is too long; I can listen to up to one minute at a time. "
        "Please say it in parts, or type it.",
        "too_big": "This file is too big for me to listen to. Please send a voice message of "
        "under a minute, or type it.",
        "busy": "I'm a little busy right now. Please say it again in a few seconds, or type it.",
        "unheard": "Sorry, I didn't catch that. Please say it again, or type it.",
        "no_language": "Sorry, I can't understand voice messages in English yet. Please type it.",
    },
}


def phrase(lang: str, key: str) -> str:
    """The sentence `key` in `lang` (Mandarin when the language is unknown)."""
    return PHRASES.get(lang, PHRASES["zh"]).get(key) or PHRASES["zh"][key]
