"""What the /desk announcement pages show: the composer form, the preview exactly as
recipients read it (store/announcements.py `preview`), and an announcement's progress. Pure
rendering and checks; desk_announce.py has the handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.staffweb.announce_texts import text
from bot.staffweb.auth import Staff, csrf_field
from bot.staffweb.layout import esc
from content.districts import DISTRICTS
from content.schedule import TZ
from store import announcements as ann

AUDIENCES = ann.AUDIENCE_KEYS  # all, district, topic, center, lesson, lecture
MAX_AHEAD_DAYS = 60
COUNTS = ("sent", "pending", "deferred", "failed", "blocked", "opted_out", "capped", "stopped")


@dataclass
class Draft:
    """The composer's fields as typed, and what they mean once checked."""

    text: str = ""
    audience: str = "all"
    district: str = ""
    value: str = ""
    when: str = "now"
    at: str = ""
    errors: list[str] = field(default_factory=list)
    target: dict | None = None  # the audience, checked
    at_time: datetime | None = None  # None: now

    @classmethod
    def from_form(cls, form: dict) -> Draft:
        """The fields of a composer form (bounded: the form itself is capped)."""
        return cls(
            text=form.get("text", "").replace("\r\n", "\n").strip(),
            audience=form.get("audience", "all"),
            district=form.get("district", ""),
            value=" ".join(form.get("value", "").split()),
            when="later" if form.get("when") == "later" else "now",
            at=form.get("at", "").strip()[:20],
        )

    def check(self, lang: str, now: datetime) -> Draft:
        """Fill `errors` (kind sentences) or `target` and `at_time`."""
        self.errors = []
        if not self.text:
            self.errors.append(text(lang, "err_text_empty"))
        elif len(self.text) > ann.MAX_TEXT:
            self.errors.append(text(lang, "err_text_long", n=len(self.text), max=ann.MAX_TEXT))
        key = self.audience if self.audience in AUDIENCES else "all"
        problem = text(lang, "err_value")
        if key == "all":
            self.target = {"all": True}
        elif key == "district":
            names = {d.name for d in DISTRICTS}
            self.target = {"district": self.district} if self.district in names else None
        elif len(self.value) > ann.MAX_VALUE:
            self.target, problem = None, text(lang, "err_value_long", n=ann.MAX_VALUE)
        else:
            self.target = {key: self.value} if self.value else None
        if self.target is None:
            self.errors.append(problem)
        self.at_time = None
        if self.when == "later":
            try:
                at = datetime.fromisoformat(self.at.replace(" ", "T")).replace(tzinfo=TZ)
            except ValueError:
                self.errors.append(text(lang, "err_at"))
            else:
                if at <= now:
                    self.errors.append(text(lang, "err_at_past"))
                elif at > now + timedelta(days=MAX_AHEAD_DAYS):
                    self.errors.append(text(lang, "err_at_far", n=MAX_AHEAD_DAYS))
                else:
                    self.at_time = at
        return self

    def hidden(self) -> str:
        """The draft as hidden fields (the preview's confirm and edit forms)."""
        names = ("text", "audience", "district", "value", "when", "at")
        return "".join(
            f'<input type="hidden" name="{n}" value="{esc(getattr(self, n))}">' for n in names
        )


def _radio(name: str, value: str, label: str, checked: bool) -> str:
    mark = " checked" if checked else ""
    ident = f"{name}-{value}"
    return (
        f'<div class="staff-choice"><input type="radio" id="{ident}" name="{name}" '
        f'value="{value}"{mark}><label for="{ident}">{esc(label)}</label></div>'
    )


def composer(staff: Staff, d: Draft) -> str:
    """The composer form (POSTs to the preview)."""
    lang = staff.lang
    alerts = "".join(f'<p class="staff-error" role="alert">{esc(e)}</p>' for e in d.errors)
    audiences = "".join(
        _radio("audience", key, text(lang, f"aud_{key}"), d.audience == key) for key in AUDIENCES
    )
    options = "".join(
        f'<option value="{esc(x.name)}"{" selected" if x.name == d.district else ""}>'
        f"{esc(x.name if lang == 'zh' else x.en)}</option>"
        for x in DISTRICTS
    )
    return (
        f"<h1>{esc(text(lang, 'compose_title'))}</h1>{alerts}"
        f"<p>{esc(text(lang, 'compose_intro'))}</p>"
        '<form method="post" action="/desk/announce/preview" class="stack staff-form" '
        'id="composer" data-count="/desk/api/announce/count">'
        f"{csrf_field(staff)}"
        f'<label for="ann-text">{esc(text(lang, "ann_text", n=ann.MAX_TEXT))}</label>'
        f'<textarea id="ann-text" name="text" maxlength="{ann.MAX_TEXT}" required>'
        f"{esc(d.text)}</textarea>"
        f"<fieldset><legend>{esc(text(lang, 'ann_audience'))}</legend>{audiences}"
        f'<label for="ann-district">{esc(text(lang, "ann_district"))}</label>'
        f'<select id="ann-district" name="district"><option value=""></option>{options}</select>'
        f'<label for="ann-value">{esc(text(lang, "ann_value"))}</label>'
        f'<input id="ann-value" name="value" maxlength="{ann.MAX_VALUE}" '
        f'value="{esc(d.value)}" aria-describedby="ann-value-hint">'
        f'<p class="staff-hint" id="ann-value-hint">{esc(text(lang, "ann_value_hint"))}</p>'
        '<p id="ann-count" class="staff-note" aria-live="polite"></p></fieldset>'
        f"<fieldset><legend>{esc(text(lang, 'ann_when'))}</legend>"
        f"{_radio('when', 'now', text(lang, 'when_now'), d.when != 'later')}"
        f"{_radio('when', 'later', text(lang, 'when_later'), d.when == 'later')}"
        f'<label for="ann-at">{esc(text(lang, "ann_at"))}</label>'
        f'<input id="ann-at" name="at" type="datetime-local" value="{esc(d.at)}"></fieldset>'
        f'<button type="submit" class="btn btn-main btn-primary">'
        f"{esc(text(lang, 'preview_button'))}</button></form>"
    )


def preview_page(staff: Staff, d: Draft, previews: dict[str, str], count: int, nonce: str) -> str:
    """The preview: exactly what recipients read, who and when, confirm or change."""
    lang = staff.lang
    who = ann.describe_audience(d.target, lang)
    when = (
        text(lang, "preview_when_at", at=d.at_time.strftime("%Y-%m-%d %H:%M"))
        if d.at_time
        else text(lang, "preview_when_now")
    )
    return (
        f"<h1>{esc(text(lang, 'preview_title'))}</h1>"
        f'<div class="preview" id="preview-zh" lang="zh-CN">{esc(previews["zh"])}</div>'
        f"<h2>{esc(text(lang, 'preview_en'))}</h2>"
        f'<div class="preview" id="preview-en" lang="en">{esc(previews["en"])}</div>'
        f'<p class="staff-note">{esc(text(lang, "preview_who", who=who, n=count))}<br>'
        f"{esc(when)}</p>"
        '<div class="actions row">'
        f'<form method="post" action="/desk/announce/confirm">{csrf_field(staff)}{d.hidden()}'
        f'<input type="hidden" name="nonce" value="{esc(nonce)}">'
        f'<button type="submit" class="btn btn-main btn-primary">{esc(text(lang, "confirm"))}'
        "</button></form>"
        f'<form method="post" action="/desk/announce">{csrf_field(staff)}{d.hidden()}'
        f'<button type="submit" class="btn btn-main btn-quiet">{esc(text(lang, "edit"))}'
        "</button></form></div>"
    )


def progress(staff: Staff, s: dict, author: str) -> str:
    """One announcement's state and counts, with cancel or stop when allowed."""
    lang = staff.lang
    total = s["total"] or 0
    done = total - s["pending"] - s["deferred"]
    counts = "".join(
        f"<div><dt>{esc(text(lang, 'count_' + k))}</dt><dd>{int(s.get(k) or 0)}</dd></div>"
        for k in ("total", *COUNTS)
        if k == "total" or s.get(k)
    )
    label = text(lang, "progress", done=done, total=total)
    actions = ""
    mine = staff.is_admin or s["author"] == staff.user_id
    for state, action in (("scheduled", "cancel"), ("running", "stop")):
        if s["state"] == state and mine:
            actions = (
                f'<form method="post" action="/desk/announcements/{s["id"]}/{action}">'
                f'{csrf_field(staff)}<button type="submit" class="btn btn-main btn-help">'
                f"{esc(text(lang, action))}</button></form>"
            )
    return (
        f'<p><span class="staff-tag staff-tag-mine">{esc(text(lang, "state_" + s["state"]))}'
        f"</span> {esc(text(lang, 'ann_at_label', at=s['send_at'][:16].replace('T', ' ')))}"
        f" · {esc(text(lang, 'ann_by', who=author))}</p>"
        f'<div class="progress-line"><label for="progress-{s["id"]}">{esc(label)}</label></div>'
        f'<progress id="progress-{s["id"]}" max="{max(total, 1)}" value="{max(done, 0)}">'
        f"{esc(label)}</progress>"
        f'<dl class="counts">{counts}</dl><div class="actions">{actions}</div>'
    )
