"""Help in the middle of a guide, from the guide itself.

"点错了" goes back a step; "它让我输密码 输啥密码啊" is answered with the guide's own safety tip
(wherever it is in the guide); "不对 我要学的是发语音" switches to that guide. The policy asks
`route` first whenever a guide is in progress.
"""

from __future__ import annotations

import re

from content.schema import Guide
from dialogues.actions import guides
from dialogues.context import Turn
from dialogues.models import Button, GuideStep, Reply

# "I tapped the wrong thing": back one step, not "stop the guide" (the NLU reads it as deny,
# or as "stuck"); "返回" alone means back too, unless it is the stuck "返回键没反应".
_WRONG = re.compile(
    r"点错|按错|摁错|错点|点岔|wrong button|pressed the wrong|tapped the wrong|clicked the wrong|"
    r"wrong one|oops",
    re.IGNORECASE,
)
_BACK = re.compile(r"^\s*(返回|退回|回去|go back)", re.IGNORECASE)
# The secrets a step may ask for, each with the words that name it.
_SECRETS = {
    "password": re.compile(r"密码|password|\bpin\b|passcode", re.IGNORECASE),
    "code": re.compile(r"验证码|短信码|\bcode\b", re.IGNORECASE),
    "pay": re.compile(r"付款|支付|付钱|交钱|扣钱|转账|\bpay|payment|money", re.IGNORECASE),
}
# Words that put a third person in the story: that is a scam call, not a step of the guide.
_SOMEONE = re.compile(
    r"有人|别人|他|她|对方|客服|电话|陌生|someone|somebody|\bhe\b|\bshe\b|\bthey\b|caller|stranger",
    re.IGNORECASE,
)
# Intents a password question or a mistap may be read as.
_SECRET_INTENTS = {"scam_alert", "guide_stuck", "out_of_scope", "guide_repeat", "help"}
_WRONG_INTENTS = {"deny", "cancel", "guide_back", "guide_stuck", "out_of_scope"}
_BACK_INTENTS = {"deny", "cancel", "out_of_scope"}


def _kinds(text: str) -> set[str]:
    return {kind for kind, words in _SECRETS.items() if words.search(text)}


def secret_question(t: Turn) -> bool:
    """ "它让我输密码" in a guide: a question about the guide's own password, code or payment
    (no third person asking for it)."""
    return bool(_kinds(t.text)) and not _SOMEONE.search(t.text)


def _tip_about(guide: Guide, kinds: set[str], lang: str, current: int) -> tuple[int, str] | None:
    """The guide's tip (or hint) about these secrets nearest to the current step."""
    found = []
    for n, step in enumerate(guide.steps, 1):
        for rank, note in ((0, step.tip), (1, step.hint)):
            if note is None:
                continue
            zh_en = f"{note.zh} {note.en or ''}"
            hits = _kinds(zh_en) & kinds
            if hits:
                found.append((-len(hits), rank, abs(n - current), n, note.get(lang)))
    if not found:
        return None
    best = min(found)
    return best[3], best[4]


def secret_tip(t: Turn) -> list[Reply]:
    """The guide's own safety tip about a password, code or payment, and the step buttons."""
    g = t.state.guide
    guide = t.cat.guides[g.id]
    current = max(1, min(g.step, len(guide.steps)))
    found = _tip_about(guide, _kinds(t.text), t.lang, current)
    if found is None:
        text = t.t("guide.secret_generic")
    else:
        n, tip = found
        step_text = t.title(guide.steps[n - 1].text)
        text = t.t("guide.secret_tip", tip=tip, n=n, step=step_text)
    buttons = [
        Button(t.t("btn.next"), "/guide_next"),
        Button(t.t("btn.repeat"), "/guide_repeat"),
        Button(t.t("btn.stuck"), "/guide_stuck"),
        Button(t.t("btn.stop"), "/cancel"),
    ]
    return [t.reply(text, buttons, guide=GuideStep(guide.id, current, len(guide.steps)))]


def route(t: Turn, intent: str) -> list[Reply] | None:
    """The answer for a message in the middle of an active guide, or None to go on as usual."""
    g = t.state.guide
    if not t.state.in_loop("guide") or g is None or g.id not in t.cat.guides or t.parse.tapped:
        return None
    other = t.entity("guide")
    switch = isinstance(other, str) and other != g.id and other in t.cat.guides
    if switch and intent not in ("guide_next", "affirm", "thanks"):
        return guides.start_guide(t)  # "不对 我要学的是发语音"
    if intent in _SECRET_INTENTS and secret_question(t):
        return secret_tip(t)
    wrong = intent in _WRONG_INTENTS and _WRONG.search(t.text)
    if wrong or (intent in _BACK_INTENTS and _BACK.search(t.text)):
        return guides.back(t)
    return None
