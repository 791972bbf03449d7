"""Quiet hours: a per-user window (default 21:00–07:00) in which Leling sends nothing.

A planned reminder that would fall inside moves EARLIER, to the last minute before the window
begins (20:59 for the default) — never later, because later could be after the event started.
A window may wrap midnight (21:00–07:00) or not (12:00–14:00, a nap); equal ends mean none.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from content.schedule import TZ

DEFAULT_START = "21:00"
DEFAULT_END = "07:00"


def _clock(text: str | None, default: str) -> time:
    value = (text or "").strip() or default
    try:
        h, m = value.split(":")
        return time(int(h), int(m))
    except ValueError:
        h, m = default.split(":")
        return time(int(h), int(m))


class QuietHours:
    """One user's quiet window, from the `users.quiet_start` / `quiet_end` columns ("HH:MM")."""

    __slots__ = ("start", "end")

    def __init__(self, start: str | None = None, end: str | None = None):
        self.start = _clock(start, DEFAULT_START)
        self.end = _clock(end, DEFAULT_END)

    def __repr__(self) -> str:
        return f"QuietHours({self.start:%H:%M}–{self.end:%H:%M})"

    def _window_start(self, when: datetime) -> datetime | None:
        """The start of the quiet window containing `when`, or None when `when` is not quiet."""
        local = when.astimezone(TZ)
        t, day = local.time(), local.date()
        if self.start == self.end:
            return None
        if self.start < self.end:  # same-day window, e.g. 12:00–14:00
            inside = self.start <= t < self.end
        else:  # wraps midnight, e.g. 21:00–07:00
            inside = t >= self.start or t < self.end
            if inside and t < self.end:
                day -= timedelta(days=1)
        return datetime.combine(day, self.start, tzinfo=TZ) if inside else None

    def contains(self, when: datetime) -> bool:
        """True when `when` falls inside the quiet window."""
        return self._window_start(when) is not None

    def shift_earlier(self, when: datetime) -> datetime:
        """`when` itself, or — inside the window — the last minute before the window began."""
        begun = self._window_start(when)
        return when if begun is None else begun - timedelta(minutes=1)

    def end_after(self, when: datetime) -> datetime:
        """The moment the quiet window containing `when` ends (`when` itself if not quiet)."""
        begun = self._window_start(when)
        if begun is None:
            return when
        end = datetime.combine(begun.date(), self.end, tzinfo=TZ)
        if end <= begun:
            end += timedelta(days=1)
        return end
