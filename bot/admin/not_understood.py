"""/admin/not-understood: the messages Leling did not understand, grouped with counts; an
operator says what a group means (or that it is out of scope) and retrains.

    GET  /admin/not-understood            the groups, the pending examples, the last training
    POST /admin/not-understood/assign     key=…, intent=… | out_of_scope → store/not_understood.assign
    POST /admin/not-understood/retrain    gated training in the background (bot/admin/retrain.py)

The texts are already masked when stored (store/masking.py); they are shown escaped.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin.common import admin, admin_page, esc, local_time, notices
from bot.admin.retrain import retrainer
from bot.admin.texts import intent_label
from bot.admin.texts import n as tx
from bot.staffweb import Staff, check_csrf, csrf_field, read_form
from store import audit, not_understood

OOS = "out_of_scope"
NOTES = ("assigned", "gone", "pick", "started", "already")


def _intents(lang: str) -> list[tuple[str, str]]:
    from nlu import intents

    registry = intents.registry()
    names = sorted(i for i in intents.nlu_intents() if i != OOS)
    return [(name, intent_label(lang, registry[name])) for name in names]


def _group_card(staff: Staff, g: dict, choices: list[tuple[str, str]]) -> str:
    lang = staff.lang
    fid = f"i-{g['key']}"
    opts = f'<option value="">{esc(tx(lang, "choose"))}</option>'
    opts += f'<option value="{OOS}">{esc(tx(lang, "oos"))}</option>'
    opts += "".join(f'<option value="{esc(v)}">{esc(label)}</option>' for v, label in choices)
    lang_name = tx(lang, "lang_" + g["lang"]) if g["lang"] in ("zh", "en") else g["lang"]
    count = tx(lang, "count", n=g["count"], language=lang_name, last=local_time(g["last_at"]))
    others = [e for e in g.get("examples", []) if e != g["example"]]
    parts = [
        '<li class="staff-card">',
        f'<p class="nu-example" lang="{"en" if g["lang"] == "en" else "zh-CN"}">'
        f"{esc(g['example'])}</p>",
        f'<p class="nu-count">{esc(count)}</p>',
    ]
    if g.get("intent"):
        conf = "" if g.get("confidence") is None else f"{g['confidence']:.2f}"
        parts.append(
            f'<p class="staff-hint">{esc(tx(lang, "guess", intent=g["intent"], conf=conf))}</p>'
        )
    if others:
        items = "".join(f"<li>{esc(e)}</li>" for e in others)
        parts.append(f'<p class="staff-hint">{esc(tx(lang, "others"))}</p><ul>{items}</ul>')
    parts.append(
        '<form class="staff-form stack" method="post" action="/admin/not-understood/assign">'
        f'{csrf_field(staff)}<input type="hidden" name="key" value="{esc(g["key"])}">'
        f'<label for="{fid}">{esc(tx(lang, "means"))}</label>'
        f'<select id="{fid}" name="intent" required>{opts}</select>'
        f'<button type="submit" class="btn btn-main btn-primary">{esc(tx(lang, "assign"))}</button>'
        "</form></li>"
    )
    return "".join(parts)


def _training(staff: Staff, state: dict, pending: int) -> str:
    from nlu import MACRO_F1_GATES

    lang = staff.lang
    parts = [
        f'<section aria-labelledby="retrain-title"><h2 id="retrain-title">{esc(tx(lang, "retrain"))}</h2>'
    ]
    parts.append(f"<p>{esc(tx(lang, 'pending', n=pending))}</p>")
    gates = {k: f"{v:.2f}" for k, v in MACRO_F1_GATES.items()}
    parts.append(f'<p class="staff-hint">{esc(tx(lang, "retrain_intro", **gates))}</p>')
    what = state.get("state")
    when = local_time(state.get("finished"))
    if what == "running":
        parts.append(
            f'<p class="staff-note" role="status">{esc(tx(lang, "running", since=local_time(state.get("since"))))}</p>'
        )
    elif what == "passed":
        scores = ", ".join(f"{k} {v:.3f}" for k, v in (state.get("scores") or {}).items())
        msg = tx(lang, "passed", when=when, scores=scores, promoted=state.get("promoted", 0))
        parts.append(f'<p class="staff-ok" role="status">{esc(msg)}</p>')
    elif what == "failed":
        msg = tx(lang, "failed", when=when, reasons="; ".join(state.get("reasons") or []))
        parts.append(f'<p class="staff-error" role="status">{esc(msg)}</p>')
    elif what == "error":
        msg = tx(lang, "error", when=when, why=state.get("why", ""))
        parts.append(f'<p class="staff-error" role="status">{esc(msg)}</p>')
    disabled = " disabled" if what == "running" else ""
    parts.append(
        '<form method="post" action="/admin/not-understood/retrain">'
        f"{csrf_field(staff)}"
        f'<button type="submit" class="btn btn-main btn-primary"{disabled}>'
        f"{esc(tx(lang, 'retrain'))}</button></form></section>"
    )
    return "".join(parts)


def _load(db, data_dir):
    from nlu.review import pending_examples

    groups = not_understood.groups(db, limit=50)
    pending = sum(
        len(texts)
        for by_intent in pending_examples(data_dir).values()
        for texts in by_intent.values()
    )
    return groups, pending, _last_training(db)


def _last_training(db) -> dict:
    """The last retraining from the audit log (this process may have restarted since)."""
    found = audit.latest(db, "nlu.retrain")
    if not found or not found[0]["detail"]:
        return {"state": "idle"}
    return {**found[0]["detail"], "finished": found[0]["at"]}


async def page_(request: Request) -> Response:
    """GET /admin/not-understood."""
    staff = await admin(request)
    lang = staff.lang
    services = request.app.state.services
    data_dir = getattr(request.app.state, "nlu_data", None)
    groups, pending, last = await services.run(_load, services.db, data_dir)
    q = request.query_params
    parts = [f"<h1>{esc(tx(lang, 'title'))}</h1>"]
    note = q.get("note")
    if note in NOTES:  # what the last action did, its numbers from the redirect's address
        said = tx(lang, note, **{k: q.get(k, "")[:60] for k in ("n", "intent", "added")})
        failed = note in ("gone", "pick", "already")
        parts += notices("" if failed else said, said if failed else "")
    parts.append(f"<p>{esc(tx(lang, 'intro'))}</p>")
    state = retrainer(request.app).snapshot()
    parts.append(_training(staff, last if state["state"] == "idle" else state, pending))
    parts.append(f"<h2>{esc(tx(lang, 'title'))}</h2>")
    if groups:
        choices = _intents(lang)
        cards = "".join(_group_card(staff, g, choices) for g in groups)
        parts.append(f'<ul class="staff-list">{cards}</ul>')
    else:
        parts.append(f'<p class="staff-note">{esc(tx(lang, "none"))}</p>')
    return admin_page(tx(lang, "title"), "".join(parts), staff, "nlu")


def _back(note: str, **fields) -> RedirectResponse:
    query = urlencode({"note": note, **fields})
    return RedirectResponse(f"/admin/not-understood?{query}", status_code=303)


async def assign(request: Request) -> Response:
    """POST /admin/not-understood/assign."""
    staff = await admin(request)
    form = await read_form(request)
    check_csrf(request, staff, form)
    intent = form.get("intent", "")
    if not intent:
        return _back("pick")
    services = request.app.state.services
    data_dir = getattr(request.app.state, "nlu_data", None)
    try:
        done = await services.run(
            not_understood.assign,
            services.db,
            form.get("key", ""),
            None if intent == OOS else intent,
            staff.user_id,
            data_dir,
        )
    except KeyError:
        return _back("gone")
    except ValueError as exc:
        lang = staff.lang
        body = (
            f'<h1>{esc(tx(lang, "title"))}</h1><p class="staff-error" role="alert">'
            + esc(tx(lang, "bad_intent", why=str(exc)[:200]))
            + '</p><p><a class="btn btn-main btn-primary" href="/admin/not-understood">OK</a></p>'
        )
        return admin_page(tx(lang, "title"), body, staff, "nlu", 400)
    return _back("assigned", n=str(done["count"]), intent=done["intent"], added=str(done["added"]))


async def retrain(request: Request) -> Response:
    """POST /admin/not-understood/retrain: start a gated training in the background."""
    staff = await admin(request)
    form = await read_form(request)
    check_csrf(request, staff, form)
    started = retrainer(request.app).start(staff.user_id)
    return _back("started" if started else "already")
