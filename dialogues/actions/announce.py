"""Announcements, the recipient's side: "不要再发通知了" / `/stop_news` turns volunteers'
announcements off (reminders of what the user subscribed to go on), "恢复通知" / `/news_on`
turns them back on (store/announcements.py `set_news`)."""

from __future__ import annotations

from dialogues.context import Turn
from dialogues.models import Button, Reply
from store import announcements, subscriptions


def news_off(t: Turn) -> list[Reply]:
    """No more announcements; say that reminders continue and how to come back."""
    announcements.set_news(t.db, t.user_id, False)
    buttons = [Button(t.t("intent.news_on"), "/news_on")]
    # "别发了" may have meant the reminders too: one tap away, never done unasked.
    if subscriptions.count_active(t.db, t.user_id):
        buttons.append(Button(t.t("intent.unsubscribe"), "/unsubscribe"))
    return [t.reply(t.t("news.off"), buttons)]


def news_on(t: Turn) -> list[Reply]:
    """Announcements again."""
    announcements.set_news(t.db, t.user_id, True)
    return [t.reply(t.t("news.on"), [Button(t.t("intent.news_off"), "/news_off")])]
