"""Names people read in the report: intents, channels and the headline figures, in zh and en.
Intents are named by their `label` in the intent registry (nlu/intents.yml)."""

from __future__ import annotations

from nlu import intents

HEADLINE_NAMES = {
    "conversations": ("对话", "conversations"),
    "active_users": ("活跃用户", "active users"),
    "turns": ("消息", "messages answered"),
    "guides.started": ("开始学习指南", "guides started"),
    "guides.finished": ("学完指南", "guides finished"),
    "subscriptions.total": ("新订阅提醒", "new subscriptions"),
    "reminders.sent": ("发出提醒", "reminders sent"),
    "reminders.late": ("迟到提醒", "reminders late"),
    "reminders.failed": ("未送达提醒", "reminders failed"),
    "help_requests.created": ("求助", "help requests"),
    "help_requests.closed": ("求助已结束", "help requests closed"),
    "announcements.sent": ("通知送达", "announcement deliveries"),
    "not_understood": ("没听懂的消息", "messages not understood"),
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
    zh, en = names(name)
    return zh if zh == en else f"{zh} {en}"


def names(name: str) -> tuple[str, str]:
    """An intent's (Mandarin, English) label; its own name twice when it has none."""
    known = intents.registry().get(name)
    return known.label if known is not None and known.label else (name, name)


def channel(name: str) -> str:
    """ "微信公众号 WeChat"."""
    zh, en = CHANNELS.get(name, (name, ""))
    return zh if zh == en else f"{zh} {en}".strip()
