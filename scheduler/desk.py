"""The help desk's courier: sends the desk's outbox (store/desk_outbox.py) through the users'
channels, and announces a request nobody took within 10 minutes to every volunteer (once).

    courier = DeskCourier(db_path, sender, hours=("08:00", "20:00"), pace=dispatcher.pace)
    await courier.start() … await courier.stop()

`pace` is the reminder dispatcher's send-slot limiter, so desk messages and reminders share one
rate under Telegram's limit. Rows are claimed (pending → sending) just before the request goes
out; a row left `sending` by a killed process is marked `unknown` at the next start and never
sent again. A transient failure is retried (up to 5 attempts); a permanent one (the user blocked
the bot) fails the row.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from content.schedule import TZ
from scheduler.sender import OutboundMessage, PermanentSendError, Sender
from scheduler.worker import TickingWorker
from store import desk_outbox, help_requests, volunteers

log = logging.getLogger(__name__)

REANNOUNCE_AFTER = timedelta(minutes=10)
FAMILY_PAYLOAD = '/human_help{"who":"family"}'
_TEXTS = {
    "zh": {
        "unclaimed": "对不起，您的求助（编号 {id}）10 分钟了还没有志愿者接手。我已经再发给了所有"
        "志愿者，请再等一等；也可以先请家人帮忙。",
        "opened": "志愿者上班了，您的求助（编号 {id}）已经发给了所有志愿者，请留意这里的消息。",
        "nobody": "对不起，您的求助（编号 {id}）还没有志愿者接手，现在也没有志愿者在线。"
        "建议先请家人帮忙。",
        "family": "请家人帮忙",
        "enough": "不用了，谢谢",
    },
    "en": {
        "unclaimed": "Sorry, no volunteer has taken your request (number {id}) in 10 minutes. "
        "I have sent it to every volunteer again; please wait a little, or ask your family.",
        "opened": "The volunteers are on duty now and your request (number {id}) has gone to "
        "all of them; watch for a message here.",
        "nobody": "Sorry, no volunteer has taken your request (number {id}) and none is "
        "online now. Please ask your family first.",
        "family": "Ask my family",
        "enough": "No thanks",
    },
}


def describe(r: dict, user: dict, minutes: int, lang: str = "zh") -> str:
    """The text of a request for volunteers (also used by the courier's notices)."""
    ctx = r.get("context") or {}
    district = user.get("home_district") or ("区不详" if lang == "zh" else "district unknown")
    language = {"zh": "中文", "en": "English"}.get(ctx.get("lang") or user.get("lang"), "中文")
    head = f"#{r['id']} · {district} · {language} · " + (
        f"等了{minutes}分钟" if lang == "zh" else f"waiting {minutes} min"
    )
    lines = [head]
    guide = ctx.get("guide")
    if guide:
        lines.append(
            f"在学「{guide['title']}」第{guide['step']}/{guide['total']}步：{guide['step_text']}"
        )
    asked = [a for a in ctx.get("asked") or [] if a and not a.startswith("/")]
    if asked:
        lines.append(("最近说的：" if lang == "zh" else "Last said: ") + " / ".join(asked[-3:]))
    return "\n".join(lines)


class DeskCourier(TickingWorker):
    """Sends desk messages and re-announces unclaimed requests, every `tick_seconds`."""

    def __init__(
        self,
        db_path: str | Path,
        sender: Sender,
        *,
        hours: tuple[str, str] = ("08:00", "20:00"),
        clock: Callable[[], datetime] = lambda: datetime.now(TZ),
        pace: Callable[[], Awaitable[None]] | None = None,
        tick_seconds: float = 1.0,
    ):
        self._init_worker(db_path, tick_seconds, "desk")
        self.sender = sender
        self.hours = hours
        self.clock = clock
        self.pace = pace

    async def start(self) -> None:
        """Recover rows a killed process left `sending`, then tick in the background."""
        lost = await self._run(desk_outbox.recover)
        if lost:
            log.warning("desk: %d message(s) may or may not have arrived before a crash", lost)
        self._start_loop()

    async def stop(self) -> None:
        """Stop ticking (the message in hand finishes) and close the connection."""
        await self._stop_loop()

    async def tick(self) -> int:
        """Re-announce what waited too long, then send what is pending; return messages sent."""
        await self._run(reannounce_due, self.clock(), self.hours)
        sent = 0
        for row in await self._run(desk_outbox.pending, 50):
            if self.pace is not None:
                await self.pace()
            wait_ready = getattr(self.sender, "wait_ready", None)
            if wait_ready is not None:
                await wait_ready(row["user_id"])
            if not await self._run(desk_outbox.claim, row["id"]):
                continue
            message = OutboundMessage(
                text=row["text"],
                buttons=tuple((t, p) for t, p in row["buttons"]),
                key=f"desk:{row['id']}",
            )
            try:
                await self.sender.send(row["user_id"], message)
            except PermanentSendError as exc:
                await self._run(desk_outbox.finish, row["id"], "failed", str(exc))
            except Exception as exc:  # transient: try again on a later tick, a few times
                status = "failed" if row["attempts"] + 1 >= desk_outbox.MAX_ATTEMPTS else "pending"
                await self._run(desk_outbox.finish, row["id"], status, type(exc).__name__)
            else:
                await self._run(desk_outbox.finish, row["id"], "sent")
                sent += 1
        return sent


def in_hours(now: datetime, hours: tuple[str, str]) -> bool:
    """True while volunteers are on duty (`now` aware, compared in Beijing time)."""
    hm = now.astimezone(TZ).strftime("%H:%M")
    return hours[0] <= hm < hours[1]


def reannounce_due(db, now: datetime, hours: tuple[str, str]) -> int:
    """Announce once more, to every volunteer, each request still unclaimed 10 minutes after it
    was made, and tell its user honestly; return how many. Only while the desk is open (a
    request made at night is announced when the desk opens)."""
    if not in_hours(now, hours):
        return 0
    before = (now - REANNOUNCE_AFTER).astimezone(UTC).isoformat(timespec="seconds")
    done = 0
    from store import users

    everyone = volunteers.all_volunteers(db)
    for r in help_requests.unclaimed_since(db, before):
        if not help_requests.mark_reannounced(db, r["id"]):
            continue
        created = datetime.fromisoformat(r["created_at"])
        minutes = int((now - created).total_seconds() // 60)
        user = users.get(db, r["user_id"]) or {}
        notice = "⏰ " + describe(r, user, minutes)
        for v in everyone:
            if v["user_id"] != r["user_id"]:
                desk_outbox.add(
                    db,
                    v["user_id"],
                    "notice",
                    notice,
                    [(f"接手 #{r['id']}", f"/claim {r['id']}")],
                    request_id=r["id"],
                )
        lang = (r["context"] or {}).get("lang") or "zh"
        words = _TEXTS.get(lang, _TEXTS["zh"])
        if not everyone:
            key = "nobody"
        elif in_hours(created, hours):
            key = "unclaimed"
        else:
            key = "opened"
        desk_outbox.add(
            db,
            r["user_id"],
            "reannounced",
            words[key].format(id=r["id"]),
            [(words["family"], FAMILY_PAYLOAD), (words["enough"], "/desk_end")],
            request_id=r["id"],
        )
        done += 1
    return done
