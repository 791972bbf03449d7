"""/admin/catalogue: upload a catalogue, see the validation report and what would change, then
publish it (confirming removals and cancellations); the import history; the download.

    GET  /admin/catalogue               the catalogue now, the upload form, the history
    POST /admin/catalogue/upload        multipart: files=… guides=… | zip=… → staged, checked
    GET  /admin/catalogue/review?s=ID   the report and the diff of one staged upload
    POST /admin/catalogue/publish       s=ID [confirm=yes] → imported (or refused)
    POST /admin/catalogue/discard       s=ID → the staged upload is deleted
    GET  /admin/catalogue/download      the catalogue in the database, as a zip

The checking and the import are `leling content import`'s own (bot/admin/catalogue_ops.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import catalogue_ops as ops
from bot.admin.common import admin, admin_page, esc, local_time, notices, now_of, table
from bot.admin.review import render_review, review_of
from bot.admin.staging import MAX_ENTRIES, MAX_UPLOAD, Stage, Staging, UploadError
from bot.admin.texts import t
from bot.staffweb import Staff, check_csrf, csrf_field, read_form
from store import volunteers
from store.catalogue import catalogue_meta
from store.catalogue import counts as catalogue_counts

STAGING_DIR = "admin-uploads"  # next to the database


def staging(request: Request) -> Staging:
    """The staged uploads of this service (beside its database), signed with the web secret."""
    settings = request.app.state.services.settings
    return Staging(Path(settings.db).parent / STAGING_DIR, request.app.state.webchat.secret)


def _summary(db) -> dict:
    meta = catalogue_meta(db)
    return {"meta": meta, "counts": catalogue_counts(db), "history": ops.history(db)}


def _who(db, actor: str) -> str:
    volunteer = volunteers.get(db, actor, include_revoked=True)
    return f"{volunteer['name']} ({actor})" if volunteer and volunteer["name"] else actor


def _history_rows(db, lang: str, history: list[dict]) -> list[list[str]]:
    rows = []
    for h in history:
        counts = ", ".join(f"{n} {t(lang, 't_' + tb)}" for tb, n in h["counts"].items())
        rows.append([local_time(h["at"]), _who(db, h["actor"]), h["source"], h["changes"], counts])
    return rows


async def catalogue_page(request: Request, note: str = "", error: str = "", status: int = 200):
    """GET /admin/catalogue."""
    staff = await admin(request)
    services = request.app.state.services
    if not note and request.query_params.get("published"):
        note = await services.run(_published_note, services.db, staff)
    elif not note and request.query_params.get("discarded"):
        note = t(staff.lang, "discarded")
    info = await services.run(_summary, services.db)
    lang = staff.lang
    rows = await services.run(_history_rows, services.db, lang, info["history"])
    meta, counts = info["meta"], info["counts"]
    parts = [f"<h1>{esc(t(lang, 'cat_title'))}</h1>", *notices(note, error)]
    parts.append(f"<section><h2>{esc(t(lang, 'cat_now'))}</h2>")
    if meta:
        parts.append(f"<p>{esc(t(lang, 'cat_counts', **counts))}</p>")
        when = local_time(meta.get("imported_at"))
        parts.append(
            f'<p class="staff-hint">{esc(t(lang, "cat_imported", when=when, source=meta.get("source", "")))}</p>'
        )
        parts.append(
            '<p><a class="btn btn-main btn-quiet" href="/admin/catalogue/download" download>'
            f"{esc(t(lang, 'cat_download'))}</a></p>"
        )
    else:
        parts.append(f"<p>{esc(t(lang, 'cat_none'))}</p>")
    parts.append("</section>")
    parts.append(_upload_form(staff))
    parts.append(f"<section><h2>{esc(t(lang, 'cat_history'))}</h2>")
    if rows:
        heads = [t(lang, k) for k in ("h_when", "h_who", "h_source", "h_changes", "h_counts")]
        parts.append(table(heads, rows, cls="history"))
    else:
        parts.append(f"<p>{esc(t(lang, 'cat_history_none'))}</p>")
    parts.append("</section>")
    return admin_page(t(lang, "cat_title"), "".join(parts), staff, "catalogue", status)


def _upload_form(staff: Staff) -> str:
    lang = staff.lang
    mb = MAX_UPLOAD // (1024 * 1024)
    return (
        f'<section><h2 id="upload-title">{esc(t(lang, "cat_upload_title"))}</h2>'
        f"<p>{esc(t(lang, 'cat_upload_intro'))}</p>"
        '<form class="staff-form stack" method="post" action="/admin/catalogue/upload" '
        'enctype="multipart/form-data" aria-labelledby="upload-title">'
        f"{csrf_field(staff)}"
        f'<label for="files">{esc(t(lang, "cat_files"))}</label>'
        '<input id="files" name="files" type="file" multiple accept=".csv,.yaml,.yml">'
        f'<label for="guides">{esc(t(lang, "cat_guides"))}</label>'
        '<input id="guides" name="guides" type="file" multiple accept=".yaml,.yml">'
        f'<label for="zip">{esc(t(lang, "cat_zip"))}</label>'
        '<input id="zip" name="zip" type="file" accept=".zip,application/zip">'
        f'<p class="staff-hint">{esc(t(lang, "cat_upload_hint", mb=mb))}</p>'
        '<button type="submit" class="btn btn-main btn-primary">'
        f"{esc(t(lang, 'cat_check'))}</button></form></section>"
    )


async def _files(form, name: str) -> list[tuple[str, bytes]]:
    out = []
    for item in form.getlist(name):
        filename = getattr(item, "filename", None)
        if not filename:  # an empty file input still sends a nameless part
            continue
        out.append((filename, await item.read()))
    return out


async def upload(request: Request) -> Response:
    """POST /admin/catalogue/upload: stage the files or the zip, check them, show the review."""
    staff = await admin(request)
    lang = staff.lang
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        check_csrf(request, staff, {})  # a token in the header, or refused before anything
        return await catalogue_page(request, error=t(lang, "upload.not_form"), status=400)
    try:
        form = await request.form(max_files=MAX_ENTRIES + 1, max_fields=8, max_part_size=8192)
    except HTTPException:
        return await catalogue_page(request, error=t(lang, "upload.not_form"), status=400)
    try:
        check_csrf(request, staff, {"csrf": form.get("csrf") or ""})
        files = await _files(form, "files") + await _files(form, "guides")
        archive = await _files(form, "zip")
    finally:
        await form.close()
    area = staging(request)
    try:
        if files and archive:
            raise UploadError("upload.both")
        if archive:
            stage = await asyncio.to_thread(area.from_zip, archive[0][1], staff.user_id)
        else:
            stage = await asyncio.to_thread(area.from_files, files, staff.user_id)
    except UploadError as exc:
        return await catalogue_page(request, error=t(lang, exc.key, **exc.fields), status=400)
    await _check(request, area, stage)
    return RedirectResponse(f"/admin/catalogue/review?s={stage.token}", status_code=303)


async def _check(request: Request, area: Staging, stage: Stage) -> None:
    """Run the dry run for a stage and keep its report with it."""
    db_path = request.app.state.services.settings.db
    version = await asyncio.to_thread(ops.version, db_path)
    preview = await asyncio.to_thread(ops.preview, db_path, stage.folder, now_of(request))
    await asyncio.to_thread(area.update, stage, version=version, review=review_of(preview))


def _gone(staff: Staff) -> Response:
    lang = staff.lang
    body = (
        f"<h1>{esc(t(lang, 'rev_title'))}</h1>"
        f'<p class="staff-error" role="alert">{esc(t(lang, "rev_gone"))}</p>'
        f'<p><a class="btn btn-main btn-primary" href="/admin/catalogue">'
        f"{esc(t(lang, 'back_catalogue'))}</a></p>"
    )
    return admin_page(t(lang, "rev_title"), body, staff, "catalogue", 404)


async def review(request: Request) -> Response:
    """GET /admin/catalogue/review?s=ID."""
    staff = await admin(request)
    stage = staging(request).open(request.query_params.get("s", ""), staff.user_id)
    if stage is None or "review" not in stage.meta:
        return _gone(staff)
    note = t(staff.lang, "rev_stale") if request.query_params.get("stale") else ""
    body = render_review(staff, stage, note=note)
    return admin_page(t(staff.lang, "rev_title"), body, staff, "catalogue")


async def publish(request: Request) -> Response:
    """POST /admin/catalogue/publish: import the staged upload for real."""
    staff = await admin(request)
    form = await read_form(request)
    check_csrf(request, staff, form)
    lang = staff.lang
    area = staging(request)
    stage = area.open(form.get("s", ""), staff.user_id)
    if stage is None or "review" not in stage.meta:
        return _gone(staff)
    rev = stage.meta["review"]
    if not rev["ok"]:
        body = render_review(staff, stage)
        return admin_page(t(lang, "rev_title"), body, staff, "catalogue", 400)
    db_path = request.app.state.services.settings.db
    if await asyncio.to_thread(ops.version, db_path) != stage.meta.get("version"):
        await _check(request, area, stage)  # someone published meanwhile: look again
        return RedirectResponse(f"/admin/catalogue/review?s={stage.token}&stale=1", 303)
    confirmed = form.get("confirm") == "yes"
    if rev["needs_confirm"] and not confirmed:
        body = render_review(staff, stage, error=t(lang, "rev_need_confirm"))
        return admin_page(t(lang, "rev_title"), body, staff, "catalogue", 400)
    result, plan = await asyncio.to_thread(
        ops.publish,
        db_path,
        stage.folder,
        now_of(request),
        actor=staff.user_id,
        source="/admin upload",
        allow=confirmed,
    )
    if not result.ok:
        why = "; ".join(result.refused) or "; ".join(str(p) for p in result.problems[:3])
        body = render_review(staff, stage, error=t(lang, "pub_failed", why=why))
        return admin_page(t(lang, "rev_title"), body, staff, "catalogue", 409)
    services = request.app.state.services
    detail = {
        "files": stage.files,
        "changes": result.diff.summary(),
        "confirmed": confirmed,
        "notices": plan.notices if plan is not None else 0,
    }
    await services.run(ops.record_publish, services.db, staff.user_id, detail)
    await asyncio.to_thread(area.discard, stage)
    # Post/redirect/get: a reload of the result page does not post again.
    return RedirectResponse("/admin/catalogue?published=1", status_code=303)


def _published_note(db, staff: Staff) -> str:
    """What this admin's latest publish did, for the page after it."""
    last = ops.last_publish(db, staff.user_id)
    if last is None:
        return ""
    note = t(staff.lang, "pub_done", summary=last.get("changes", ""))
    if last.get("notices"):
        note += " " + t(staff.lang, "pub_notices", n=last["notices"])
    return note


async def discard(request: Request) -> Response:
    """POST /admin/catalogue/discard: drop a staged upload."""
    staff = await admin(request)
    form = await read_form(request)
    check_csrf(request, staff, form)
    area = staging(request)
    stage = area.open(form.get("s", ""), staff.user_id)
    if stage is not None:
        await asyncio.to_thread(area.discard, stage)
    return RedirectResponse("/admin/catalogue?discarded=1", status_code=303)


async def download(request: Request) -> Response:
    """GET /admin/catalogue/download: the catalogue in the database as a zip."""
    await admin(request)
    services = request.app.state.services
    body = await services.run(ops.export_zip, services.db)
    name = f"leling-catalogue-{now_of(request).strftime('%Y%m%d-%H%M')}.zip"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    }
    return Response(body, media_type="application/zip", headers=headers)
