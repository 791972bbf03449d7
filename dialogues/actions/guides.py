"""Step-by-step smartphone guides: one action per message, "第2步/共7步", and big buttons.

The guide and step live in the session state (`GuideProgress`); while the guide is being learnt
the guide loop is active (dialogues/loops.py). A restart, or a week away, resumes where the user
left off: "继续上次的".
"""

from __future__ import annotations

from rapidfuzz import fuzz

from content import timefmt
from content.schema import Guide
from dialogues import labels
from dialogues.actions import handoff, smalltalk
from dialogues.actions.lessons import GENERIC_APPS
from dialogues.context import Turn
from dialogues.models import Button, GuideStep, Item, Reply
from dialogues.state import GuideProgress, Listing

PAGE = 3
POPULAR = ("wechat_video_call", "enlarge_font", "scan_to_pay")


def _guide_from(t: Turn) -> Guide | None:
    key = t.entity("guide")
    if key:
        return t.cat.guides.get(key) or t.cat.guide(key)
    return None


def _ordered_guides(t: Turn) -> list[Guide]:
    first = [t.cat.guides[g] for g in POPULAR if g in t.cat.guides]
    return first + [g for g in t.cat.guides.values() if g.id not in POPULAR]


def _guess(t: Turn, candidates: list[Guide]) -> Guide | None:
    """The guide whose title or aliases the message matches best (topic words count too)."""
    words = [t.text.lower()]
    for topic in t.entity_values("topic"):
        if topic != "智能手机":
            words += [topic, labels.tag(topic, "en").lower()]
    best, best_score, second = None, 0.0, 0.0
    for g in candidates:
        names = [g.title.zh, g.title.en, *g.aliases.zh, *g.aliases.en]
        score = max(fuzz.partial_ratio(n.lower(), w) for n in names for w in words if n and w)
        if score > best_score:
            best, best_score, second = g, score, best_score
        elif score > second:
            second = score
    return best if best_score >= 85 and best_score - second >= 5 else None


def start_guide(t: Turn) -> list[Reply]:
    """Start the guide named (by task, alias or app), or offer a few to choose from."""
    guide = _guide_from(t)
    app = t.entity("app")
    if guide is None and app:
        matches = t.cat.guides_for_app(app)
        guide = matches[0] if len(matches) == 1 else _guess(t, matches)
        if guide is None and matches:
            return [_menu(t, matches, 0, t.t("guide.pick_for_app", app=labels.tag(app, t.lang)))]
    if guide is None and t.entity("topic") and not t.text.startswith("/"):
        guide = _guess(t, list(t.cat.guides.values()))
    if guide is None:
        return [_menu(t, _ordered_guides(t), 0, t.t("guide.pick"))]
    current = t.state.guide
    if current and current.id == guide.id and current.step > 1 and t.entity("step") is None:
        buttons = [
            Button(t.t("btn.resume"), "/resume_guide"),
            t.button(t.t("btn.restart"), "start_guide", guide=guide.id, step=1),
        ]
        t.set_choices(buttons)
        return [
            t.reply(
                t.t("guide.resume_or_restart", title=t.title(guide.title), step=current.step),
                buttons,
            )
        ]
    from dialogues.actions import learn

    if learn.says_learn(t):  # "学X", "learn to …": the guide now, the nearest class offered
        return learn.guide_and_lesson(t, guide)
    t.state.guide = GuideProgress(guide.id)
    t.state.start_loop("guide")
    intro = t.t("guide.intro", title=t.title(guide.title), total=len(guide.steps))
    return [step_reply(t, guide, 1, intro)]


def _menu(t: Turn, guides: list[Guide], offset: int, intro: str) -> Reply:
    page = guides[offset : offset + PAGE]
    if not page:
        return t.reply(t.t("guide.no_more"))
    listing = "\n".join(f"{offset + i}. {t.title(g.title)}" for i, g in enumerate(page, 1))
    buttons = [t.button(t.title(g.title), "start_guide", guide=g.id) for g in page]
    t.set_choices(buttons, offset)
    if len(guides) > offset + PAGE:
        buttons.append(Button(t.t("btn.more_guides"), "/more"))
    t.state.shown = Listing("guide", {"ids": [g.id for g in guides]}, offset, [g.id for g in page])
    return t.reply(f"{intro}\n{listing}\n{t.t('guide.pick_tail')}", buttons)


def more(t: Turn) -> list[Reply]:
    """The next few guides of the last guide menu."""
    last = t.state.shown or Listing("guide")
    ids = last.query.get("ids") or []
    guides = [t.cat.guides[g] for g in ids if g in t.cat.guides]
    return [_menu(t, guides, last.offset + PAGE, t.t("guide.pick_more"))]


def step_reply(t: Turn, guide: Guide, n: int, intro: str = "") -> Reply:
    """Step `n` of `guide`: "第n步/共m步", the action, its tip, and the guide buttons."""
    step = guide.steps[n - 1]
    total = len(guide.steps)
    parts = [intro] if intro else []
    parts.append(t.t("guide.step_of", n=n, total=total))
    parts.append(t.title(step.text))
    if step.tip is not None:
        parts.append(t.t("guide.tip", tip=t.title(step.tip)))
    buttons = [Button(t.t("btn.done" if n == total else "btn.next"), "/guide_next")]
    if n > 1:
        buttons.append(Button(t.t("btn.back"), "/guide_back"))
    buttons += [
        Button(t.t("btn.repeat"), "/guide_repeat"),
        Button(t.t("btn.stuck"), "/guide_stuck"),
        Button(t.t("btn.stop"), "/cancel"),
    ]
    return t.reply("\n".join(parts), buttons, guide=GuideStep(guide.id, n, total))


def _current(t: Turn) -> tuple[GuideProgress, Guide] | None:
    g = t.state.guide
    guide = t.cat.guides.get(g.id) if g else None
    if g and guide is None:  # the operator removed the guide from the catalogue
        t.state.guide = None
        t.state.end_loop("guide")
    if guide is None:
        return None
    g.step = max(1, min(g.step, len(guide.steps)))
    return g, guide


def _no_guide(t: Turn) -> list[Reply]:
    return [_menu(t, _ordered_guides(t), 0, t.t("guide.none_active"))]


def next_step(t: Turn) -> list[Reply]:
    """ "下一步" / "好了" / "然后呢": the next step, or the praise at the end."""
    return _move(t, 1)


def back(t: Turn) -> list[Reply]:
    """ "上一步"."""
    return _move(t, -1)


def _move(t: Turn, delta: int) -> list[Reply]:
    """One step forward (+1) or back (-1); the edges differ: past the last step is the end,
    before the first is the first again. Forward outside the loop resumes instead."""
    cur = _current(t)
    if cur is None:
        return _no_guide(t)
    g, guide = cur
    if delta > 0:
        if not t.state.in_loop("guide"):
            return resume(t)
        if g.step >= len(guide.steps):
            return finish(t, guide)
    else:
        t.state.start_loop("guide")
        if g.step <= 1:
            return [step_reply(t, guide, 1, t.t("guide.first_already"))]
    g.step += delta
    g.stuck = 0
    return [step_reply(t, guide, g.step)]


def repeat(t: Turn) -> list[Reply]:
    """ "再说一遍": the same step again."""
    cur = _current(t)
    if cur is None:
        return _no_guide(t)
    g, guide = cur
    t.state.start_loop("guide")
    return [step_reply(t, guide, g.step, t.t("guide.again"))]


def still_on(t: Turn) -> list[Reply]:
    """The current step again when a guide is in progress (after "读出来吧", so it is heard)."""
    step = step_again(t)
    return [step] if step else []


def step_again(t: Turn, intro: str = "") -> Reply | None:
    """The current step (after `intro`) when a guide is in progress, else None."""
    cur = _current(t)
    if cur is None or not t.state.in_loop("guide"):
        return None
    g, guide = cur
    return step_reply(t, guide, g.step, intro)


def stuck(t: Turn) -> list[Reply]:
    """ "我卡住了": a simpler hint when the step has one, and a volunteer or a family member."""
    cur = _current(t)
    if cur is None or not t.state.in_loop("guide"):
        return handoff.human_help(t, reason="stuck")
    g, guide = cur
    step = guide.steps[g.step - 1]
    g.stuck += 1
    buttons = [
        Button(t.t("btn.done_next"), "/guide_next"),
        Button(t.t("btn.volunteer"), "/human_help"),
        t.button(t.t("btn.family"), "human_help", who="family"),
        Button(t.t("btn.stop"), "/cancel"),
    ]
    t.set_choices(buttons)
    if step.hint is not None and g.stuck == 1:
        text = t.t("guide.hint", hint=t.title(step.hint))
    else:
        text = t.t("guide.stuck_offer", step=t.title(step.text))
    return [t.reply(text, buttons, guide=GuideStep(guide.id, g.step, len(guide.steps)))]


def stop(t: Turn) -> list[Reply]:
    """ "不学了": pause the guide (it can be resumed) and go home."""
    cur = _current(t)
    if cur is None:
        return smalltalk.cancel(t)
    g, guide = cur
    t.state.end_loop("guide")
    text = t.t("guide.stopped", title=t.title(guide.title), step=g.step)
    return [smalltalk.home(t, opening=None, intro=text)]


def resume(t: Turn) -> list[Reply]:
    """ "继续上次的": back to the step where the user left off."""
    cur = _current(t)
    if cur is None:
        return [_menu(t, _ordered_guides(t), 0, t.t("guide.nothing_to_resume"))]
    g, guide = cur
    t.state.start_loop("guide")
    intro = t.t("guide.resume", title=t.title(guide.title), step=g.step)
    return [step_reply(t, guide, g.step, intro)]


def finish(t: Turn, guide: Guide) -> list[Reply]:
    """Praise, related guides, and a class that teaches the same app."""
    t.state.guide = None
    t.state.end_loop("guide")
    related = [t.cat.guides[r] for r in guide.related if r in t.cat.guides][:2]
    buttons = [t.button(t.title(g.title), "start_guide", guide=g.id) for g in related]
    text = t.t("guide.finished", title=t.title(guide.title))
    items = []
    lesson = _lesson_for(t, guide)
    if lesson is not None:
        when, les = lesson
        text += "\n" + t.t(
            "guide.finished_lesson",
            title=t.title(les.title),
            when=timefmt.when(when, t.now, t.lang),
        )
        buttons.append(t.button(t.t("btn.lesson_details"), "list_lessons", lesson=les.id))
        items.append(Item("lesson", les.id))
    if related:
        text += "\n" + t.t("guide.finished_related")
    t.set_choices(buttons)
    return [t.reply(text, buttons, items=items)]


def _lesson_for(t: Turn, guide: Guide):
    """The class nearest in time that teaches the guide's task, in the user's district when
    known: a class on one of the guide's `topics` (its words in the class title first); for a
    guide without topics, a class teaching its own app, or a generic app with its words in the
    title ("把手机字体调大")."""
    district = (t.state.place.district if t.state.place else None) or t.user.get("home_district")
    words = [w for w in (guide.title.zh, *guide.aliases.zh) if len(w) >= 2]
    topics = set(guide.topics) - {"智能手机"}
    own_apps = set(guide.apps) - GENERIC_APPS
    best = None
    for les in t.cat.lessons.values():
        if les.status == "cancelled":
            continue
        same_task = any(w in les.title.zh for w in words)
        if topics:
            if not topics & set(les.topics):
                continue
        elif not (own_apps & set(les.apps) or (same_task and set(guide.apps) & set(les.apps))):
            continue
        when = t.cat.next_lesson_session(les, t.now)
        if when is None:
            continue
        les_district = les.district or getattr(t.cat.centers.get(les.center), "district", None)
        rank = (les_district != district, not same_task, when, les.id)
        if best is None or rank < best[0]:
            best = (rank, when, les)
    return (best[1], best[2]) if best else None
