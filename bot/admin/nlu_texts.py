"""The not-understood page's words, and the public intents in plain words, zh and en."""

from __future__ import annotations

from bot.admin.texts import fill

NLU: dict[str, dict[str, str]] = {
    "zh": {
        "title": "乐龄没听懂的话",
        "intro": "这些是乐龄没听懂、或者不太确定的话（电话号码、身份证号、地址已经遮住，"
        "也不知道是谁说的，保存 30 天）。相似的话放在一组。请告诉乐龄每一组是什么意思，"
        "或者标记为“不属于乐龄的范围”。然后点“重新训练”。",
        "none": "现在没有等待处理的话。",
        "count": "{n} 次 · {language} · 最近：{last}",
        "guess": "乐龄当时的猜测：{intent}（把握 {conf}）",
        "others": "同组的其他说法：",
        "means": "这组话的意思是",
        "choose": "（请选择）",
        "oos": "不属于乐龄的范围（out_of_scope）",
        "assign": "保存",
        "assigned": "已保存：{n} 条话记为“{intent}”，{added} 条新的训练例句等待下次训练。",
        "gone": "这一组已经处理过了（可能是别人刚处理的）。",
        "pick": "请先选择这组话的意思。",
        "bad_intent": "这个意思乐龄不认识：{why}",
        "pending": "等待训练的例句：{n} 条",
        "retrain": "重新训练",
        "retrain_intro": "用新的例句训练一个新模型。只有在测试集上的成绩达到标准（中文 {zh}、"
        "英文 {en}）时才会换上新模型；否则继续用现在的模型，例句也留着。训练要几十秒到几分钟。",
        "running": "正在训练（{since} 开始）。这个页面刷新后会显示结果。",
        "started": "已开始训练。过一会儿刷新这个页面看结果。",
        "already": "已经在训练了，请等它完成。",
        "passed": "上次训练（{when}）：通过了测试（{scores}），新模型已经在使用。"
        "{promoted} 条例句加入了训练数据。",
        "failed": "上次训练（{when}）：没有达到标准（{reasons}），继续使用原来的模型。",
        "error": "上次训练（{when}）出错了，继续使用原来的模型：{why}",
        "lang_zh": "中文",
        "lang_en": "英文",
    },
    "en": {
        "title": "What Leling did not understand",
        "intro": "Messages Leling did not understand or was unsure about (phone numbers, ID "
        "numbers and addresses masked; nobody's identity kept; kept 30 days), similar ones "
        "grouped. Tell Leling what each group means, or mark it out of scope. Then retrain.",
        "none": "Nothing is waiting.",
        "count": "{n} time(s) · {language} · last {last}",
        "guess": "Leling's guess then: {intent} (confidence {conf})",
        "others": "Other ways it was said:",
        "means": "This group means",
        "choose": "(choose)",
        "oos": "Not something Leling does (out_of_scope)",
        "assign": "Save",
        "assigned": "Saved: {n} message(s) as “{intent}”; {added} new training example(s) wait "
        "for the next training.",
        "gone": "This group was already handled (perhaps by someone else just now).",
        "pick": "Choose what the group means first.",
        "bad_intent": "Leling does not know that intent: {why}",
        "pending": "Examples waiting for training: {n}",
        "retrain": "Retrain",
        "retrain_intro": "Train a new model with the new examples. It replaces the current one "
        "only when it reaches the held-out gates (Mandarin {zh}, English {en}); otherwise the "
        "current model stays and the examples keep waiting. Training takes from tens of seconds "
        "to a few minutes.",
        "running": "Training (started {since}). Reload this page for the result.",
        "started": "Training started. Reload this page in a while for the result.",
        "already": "Training is already running; please wait for it.",
        "passed": "Last training ({when}): passed the held-out gates ({scores}); the new model is "
        "in use. {promoted} example(s) joined the training data.",
        "failed": "Last training ({when}): below the gates ({reasons}); the previous model stays "
        "in use.",
        "error": "Last training ({when}) failed; the previous model stays in use: {why}",
        "lang_zh": "Mandarin",
        "lang_en": "English",
    },
}

INTENT_ZH = {
    "about": "问乐龄本身（收费吗、谁办的、安全吗）",
    "affirm": "是 / 好的 / 做好了",
    "cancel": "停下 / 算了",
    "center_info": "问某个学习点的地址、电话、开放时间",
    "deny": "不是 / 都不要",
    "emergency": "紧急情况（摔倒、胸痛、着火、走失）",
    "find_center": "找附近的学习点",
    "forget_me": "删除我的数据",
    "goodbye": "再见",
    "greet": "打招呼",
    "guide_back": "指南：上一步",
    "guide_next": "指南：下一步",
    "guide_repeat": "指南：再说一遍",
    "guide_stuck": "指南：我卡住了",
    "health_question": "问身体不舒服、吃药（不给医疗建议）",
    "help": "你能做什么 / 回首页",
    "human_help": "找真人帮忙",
    "list_lectures": "家庭教育讲座",
    "list_lessons": "手机课程",
    "my_data": "乐龄存了我什么",
    "my_subscriptions": "我订了哪些提醒",
    "news_off": "不要再发通知了（提醒照常）",
    "news_on": "恢复接收通知",
    "prefer_text": "只要文字",
    "prefer_voice": "读出来",
    "scam_alert": "正在被骗（假警察、安全账户、验证码）",
    "start_guide": "教我用手机做某件事",
    "subscribe": "提醒我（讲座、课程）",
    "thanks": "谢谢",
    "unsubscribe": "不要提醒了",
}


def n(lang: str, key: str, **fields) -> str:
    """A not-understood page text in `lang`."""
    text = fill(NLU, lang, key, fields)
    if text is None:
        raise KeyError(key)
    return text


def intent_label(lang: str, name: str, description: str) -> str:
    """An intent as an operator reads it: its plain words and its name."""
    words = INTENT_ZH.get(name) if lang == "zh" else None
    return f"{words or description} ({name})"
