"""A senior in trouble: a scam in progress, an emergency, a question about health.

The policy checks these first (after odd input), before any pending question, clarification
or guide in progress. Each answer is short and plain, says the safe thing first (hang up, call
120), offers tap-to-call buttons, then the family or a volunteer. It never opens a help request
by itself and never promises that somebody will call back.
"""

from __future__ import annotations

import re

from dialogues.context import Turn
from dialogues.models import Button, Reply

# The numbers a call button may dial; a tapped /call with any other number is refused.
HOTLINES = {
    "120": "safety.name_120",
    "119": "safety.name_119",
    "110": "safety.name_110",
    "96110": "safety.name_96110",
}
ANTI_FRAUD_GUIDE = "anti_fraud_app"
HOSPITAL_GUIDE = "hospital_appointment"

# Which emergency number comes first. The NLU says "emergency"; these words say which kind.
_FIRE = re.compile(r"火|烟|煤气|燃气|漏气|\bfire\b|smoke|\bgas\b", re.IGNORECASE)
_POLICE = re.compile(
    r"走丢|走失|找不到|找不着|没回来|迷路|闯进|小偷|偷|抢|\blost\b|missing|wander|"
    r"broke into|break.?in|robbed|stole|burglar|never came back|hasn'?t come back",
    re.IGNORECASE,
)
# A scam about money already gone, or an "investment" rather than a phone call.
_PAID = re.compile(
    r"已经转|转了|汇了|打了钱|给了他|交了|被骗了|上当了|sent (him |her |them )?money|"
    r"transferred|already paid|i paid|was tricked|been scammed",
    re.IGNORECASE,
)
_INVEST = re.compile(r"理财|投资|收益|回报|翻倍|保本|养老项目|invest|returns|double my money", re.I)
# Health questions that need a doctor now, not an appointment next week.
_URGENT = re.compile(
    r"厉害|剧烈|受不了|很疼|特别疼|胸|喘|晕倒|昏|高烧|三十九|39|四十度|出血|吐血|便血|心慌|"
    r"severe|badly|unbearable|chest|breath|faint|high fever|bleeding",
    re.IGNORECASE,
)


def call_button(t: Turn, number: str) -> Button:
    """A tap-to-call button: channels that can dial render `call` as a tel: link; others send
    the payload, which Leling answers with the number in words."""
    return Button(t.t("btn.call", number=number), f'/call{{"number":"{number}"}}', call=number)


def _people(t: Turn) -> list[Button]:
    # The family first (they can come); a volunteer request is only recorded (handoff says so).
    return [
        t.button(t.t("btn.family"), "human_help", who="family"),
        Button(t.t("btn.volunteer"), "/human_help"),
    ]


def _pause_guide(t: Turn) -> None:
    # The guide waits ("继续上次的" resumes it); "好了" after a scam warning must not turn a page.
    t.state.end_loop("guide")


def _guide_button(t: Turn, guide_id: str) -> list[Button]:
    guide = t.cat.guides.get(guide_id)
    if guide is None:
        return []
    return [
        t.button(t.t("btn.safety_guide", title=t.title(guide.title)), "start_guide", guide=guide.id)
    ]


def scam_alert(t: Turn) -> list[Reply]:
    """ "有人让我把验证码念给他": it is a scam; hang up, call 96110 or 110, then the family."""
    _pause_guide(t)
    if _PAID.search(t.text):
        lead = t.t("safety.scam_paid")
        buttons = [call_button(t, "110"), call_button(t, "96110")]
    elif _INVEST.search(t.text):
        lead = t.t("safety.scam_invest")
        buttons = [call_button(t, "96110"), call_button(t, "110")]
    else:
        lead = t.t("safety.scam")
        buttons = [call_button(t, "96110"), call_button(t, "110")]
    buttons += _guide_button(t, ANTI_FRAUD_GUIDE) + _people(t)
    return [t.reply(lead + "\n" + t.t("safety.then_family"), buttons)]


def emergency_number(text: str) -> str:
    """119 for fire or gas, 110 for a lost person or a break-in, otherwise 120."""
    if _FIRE.search(text):
        return "119"
    if _POLICE.search(text):
        return "110"
    return "120"


def emergency(t: Turn) -> list[Reply]:
    """ "我老伴摔倒了起不来": call 120 (119 fire, 110 police) now; what to say; then family."""
    _pause_guide(t)
    number = emergency_number(t.text)
    second = "110" if number != "110" else "120"
    text = t.t(f"safety.emergency_{number}") + "\n" + t.t("safety.emergency_then")
    buttons = [call_button(t, number), call_button(t, second), *_people(t)]
    return [t.reply(text, buttons)]


def health_question(t: Turn) -> list[Reply]:
    """ "血压高吃什么药": no medical advice; 120 when it sounds urgent; how to see a doctor."""
    _pause_guide(t)
    urgent = bool(_URGENT.search(t.text))
    parts = [t.t("safety.health")]
    parts.insert(0 if urgent else 1, t.t("safety.health_urgent" if urgent else "safety.health_120"))
    buttons = [call_button(t, "120"), *_guide_button(t, HOSPITAL_GUIDE), *_people(t)]
    return [t.reply("\n".join(parts), buttons)]


def call(t: Turn) -> list[Reply]:
    """A tapped call button on a channel that cannot dial: the number, in words, to dial."""
    number = str(t.entity("number") or "")
    if number not in HOTLINES:
        return [t.reply(t.t("safety.call_unknown"))]
    return [t.reply(t.t("safety.dial", number=number, name=t.t(HOTLINES[number])))]
