"""The review of a staged catalogue: the validation report (file, row, id, field, problem), the
diff (added, changed, removed, cancelled), the notices that would go out, and the publish form
(with the explicit confirmation removals and cancellations need).

`review_of(preview)` turns the dry run into JSON kept with the stage; `render_review` shows it.
"""

from __future__ import annotations

import dataclasses

from bot.admin.common import esc, notices, table
from bot.admin.staging import Stage
from bot.admin.texts import t
from bot.staffweb import Staff, csrf_field
from content.diff import TABLES
from content.problems import Problem

SHOWN_IDS = 30  # ids listed per table and kind of change; the rest are counted


def _problem(p: Problem) -> dict:
    """A validation problem's fields (file, row, item, id, field, level, message) and its line."""
    return {**dataclasses.asdict(p), "text": str(p)}


def review_of(preview) -> dict:
    """The dry run (`ImportPreview`) as JSON: ok, problems, diff, refused, notices, and whether
    publishing needs an explicit confirmation."""
    result = preview.result
    problems = [_problem(p) for p in result.problems]
    ok = not any(p["level"] == "error" for p in problems)
    diff = result.diff.as_dict() if ok and result.diff else None
    removed = sum(len(v) for v in (diff or {}).get("removed", {}).values())
    cancelled = len((diff or {}).get("cancelled", []))
    people = sum(n.get("people") or 0 for n in preview.notices)
    return {
        "ok": ok,
        "problems": problems,
        "diff": diff,
        "summary": result.diff.summary() if ok and result.diff else "",
        "refused": preview.refused,
        "notices": preview.notices,
        "removed": removed,
        "cancelled": cancelled,
        "people": people,
        "needs_confirm": bool(removed or cancelled or preview.refused),
    }


def _where(p: dict, lang: str) -> str:
    if p["item"] is not None:
        item = f"第 {p['item']} 项" if lang == "zh" else f"item {p['item']}"
        if p["row"] is not None:
            item += f"（第 {p['row']} 行）" if lang == "zh" else f" (line {p['row']})"
        return item
    if p["row"] is not None:
        return f"第 {p['row']} 行" if lang == "zh" else f"row {p['row']}"
    return ""


def _problems_table(problems: list[dict], lang: str, caption: str) -> str:
    heads = [t(lang, k) for k in ("h_file", "h_row", "h_id", "h_field", "h_problem")]
    rows = [
        [p["file"], _where(p, lang), p["id"] or "", p["field"] or "", p["message"]]
        for p in problems
    ]
    return table(heads, rows, caption=caption, cls="problems")


def _ids(ids: list[str], lang: str) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    if len(ids) > SHOWN_IDS:
        shown += " " + t(lang, "rev_more", n=len(ids) - SHOWN_IDS)
    return shown


def _diff_html(rev: dict, lang: str) -> str:
    diff = rev["diff"] or {}
    parts = [f"<h2>{esc(t(lang, 'rev_diff'))}</h2>"]
    rows = []
    for kind in ("added", "changed", "removed"):
        for table_name in TABLES:
            ids = diff.get(kind, {}).get(table_name) or []
            if ids:
                label = f"{t(lang, 'd_' + kind)} · {t(lang, 't_' + table_name)} ({len(ids)})"
                rows.append((kind, label, _ids(ids, lang)))
    if diff.get("cancelled"):
        label = f"{t(lang, 'd_cancelled')} ({len(diff['cancelled'])})"
        rows.append(("cancelled", label, _ids(diff["cancelled"], lang)))
    if not rows:
        parts.append(f'<p class="staff-note">{esc(t(lang, "rev_no_changes"))}</p>')
    else:
        parts.append('<dl class="diff">')
        for kind, label, ids in rows:
            parts.append(f'<div class="diff-{kind}"><dt>{esc(label)}</dt><dd>{esc(ids)}</dd></div>')
        parts.append("</dl>")
    parts.append(f"<h2>{esc(t(lang, 'rev_notices'))}</h2>")
    if rev["notices"]:
        items = []
        for n in rev["notices"]:
            title = n.get("title")
            if isinstance(title, dict):
                title = title.get(lang) or title.get("zh")
            change = t(lang, "change_" + n["change"]) if n.get("change") else ""
            line = t(
                lang,
                "rev_notice_line",
                title=title or n["event_id"],
                id=n["event_id"],
                change=change,
                people=n["people"],
            )
            items.append(f"<li>{esc(line)}</li>")
        parts.append(f'<ul class="notices">{"".join(items)}</ul>')
    else:
        parts.append(f"<p>{esc(t(lang, 'rev_notices_none'))}</p>")
    return "".join(parts)


def _publish_form(staff: Staff, stage: Stage, rev: dict) -> str:
    lang = staff.lang
    confirm = ""
    if rev["needs_confirm"]:
        label = t(
            lang,
            "rev_confirm",
            removed=rev["removed"],
            cancelled=rev["cancelled"],
            people=rev["people"],
        )
        confirm = (
            '<div class="staff-choice">'
            '<input type="checkbox" id="confirm" name="confirm" value="yes" required>'
            f'<label for="confirm">{esc(label)}</label></div>'
        )
    token = f'<input type="hidden" name="s" value="{esc(stage.token)}">'
    return (
        '<div class="row actions">'
        '<form class="staff-form stack" method="post" action="/admin/catalogue/publish">'
        f"{csrf_field(staff)}{token}{confirm}"
        f'<button type="submit" class="btn btn-main btn-primary">{esc(t(lang, "rev_publish"))}'
        "</button></form>"
        '<form method="post" action="/admin/catalogue/discard">'
        f"{csrf_field(staff)}{token}"
        f'<button type="submit" class="btn btn-main btn-quiet">{esc(t(lang, "rev_discard"))}'
        "</button></form></div>"
    )


def render_review(staff: Staff, stage: Stage, note: str = "", error: str = "") -> str:
    """The review page's body."""
    lang = staff.lang
    rev = stage.meta["review"]
    parts = [f"<h1>{esc(t(lang, 'rev_title'))}</h1>", *notices(note, error, "staff-note")]
    parts.append(f"<p>{esc(t(lang, 'rev_files', files=', '.join(stage.files)))}</p>")
    if stage.skipped:
        skipped = ", ".join(stage.skipped[:20])
        parts.append(f'<p class="staff-hint">{esc(t(lang, "rev_skipped", files=skipped))}</p>')
    errors = [p for p in rev["problems"] if p["level"] == "error"]
    warnings = [p for p in rev["problems"] if p["level"] != "error"]
    if errors:
        parts.append(
            f'<p class="staff-error" role="alert">{esc(t(lang, "rev_errors", n=len(errors)))}</p>'
        )
        parts.append(_problems_table(errors, lang, t(lang, "rev_title")))
    else:
        parts.append(f'<p class="staff-ok" role="status">{esc(t(lang, "rev_ok"))}</p>')
    if warnings:
        summary = esc(t(lang, "rev_warnings", n=len(warnings)))
        parts.append(
            f"<details><summary>{summary}</summary>"
            f"{_problems_table(warnings, lang, t(lang, 'rev_warnings', n=len(warnings)))}"
            "</details>"
        )
    if errors:
        parts.append(
            '<p><a class="btn btn-main btn-primary" href="/admin/catalogue#upload-title">'
            f"{esc(t(lang, 'back_catalogue'))}</a></p>"
        )
        return "".join(parts)
    parts.append(_diff_html(rev, lang))
    if rev["refused"]:
        why = "; ".join(rev["refused"])
        parts.append(f'<p class="staff-error">{esc(t(lang, "rev_refused", why=why))}</p>')
    parts.append(_publish_form(staff, stage, rev))
    return "".join(parts)
