"""The catalogue's record types, as pydantic models (formats in docs/contracts.md, "Catalogue formats").

Models check one record at a time. Checks that need the whole catalogue (unique ids, a lesson's
center exists) live in `content.validate`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache
from typing import Literal

import opening_hours
from dateutil.rrule import rrulestr
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from content.districts import BEIJING_BBOX, BY_NAME
from content.tags import APPS, AUDIENCES, KINDS, LEVELS, SERVICES, TOPICS, canonical

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# A catalogue plans the next few years at most; a date outside this range is a typo (9999, 2062
# for 2026) that would make every query expand a useless future.
EARLIEST_YEAR = 2000
YEARS_AHEAD = 5
# Classes and lectures repeat at most daily; a finer RRULE (FREQ=SECONDLY) would expand into
# millions of sessions, and BYHOUR/BYMINUTE/BYSECOND multiply a day's sessions (the time of day
# goes in `time`).
_FINE_FREQ = re.compile(r"(^|;)\s*FREQ\s*=\s*(SECONDLY|MINUTELY|HOURLY)\b", re.I)
_FINE_BY = re.compile(r"(^|;)\s*(BYHOUR|BYMINUTE|BYSECOND)\s*=", re.I)


def _reading_files(info: ValidationInfo | None) -> bool:
    """Whether a catalogue folder is being checked (`content.validate` passes a context), as
    opposed to records loaded back from the database: the range checks below apply to new files
    only, so a catalogue imported by an earlier release still loads."""
    return info is not None and info.context is not None


def _check_date(
    v: date | datetime | None, info: ValidationInfo | None = None
) -> date | datetime | None:
    """A date within EARLIEST_YEAR … today + YEARS_AHEAD (when reading files)."""
    if v is None or not _reading_files(info):
        return v
    day = v.date() if isinstance(v, datetime) else v
    latest = date.today().year + YEARS_AHEAD
    if not EARLIEST_YEAR <= day.year <= latest:
        raise ValueError(
            f"{day.isoformat()} is not within {EARLIEST_YEAR}–{latest}; is the year a typo?"
        )
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(_Model):
    """A text in Mandarin and English; `zh` is required, `en` falls back to `zh`."""

    zh: str = Field(min_length=1)
    en: str = Field(default="", validate_default=True)

    @field_validator("en")
    @classmethod
    def _en_default(cls, v: str, info) -> str:
        return v or info.data.get("zh", "")

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def _check_tags(values: list[str], vocab: dict, what: str) -> list[str]:
    unknown = [v for v in values if v not in vocab]
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)} (known: {', '.join(vocab)})")
    return values


@lru_cache(maxsize=4096)
def _hours_problem(v: str) -> str | None:
    """What is wrong with an opening_hours string, or None. Cached: a national catalogue
    repeats a few hundred patterns across 100,000 centers, and parsing each row's took a tenth
    of an import (issue #16)."""
    try:
        opening_hours.OpeningHours(v)
    except (SyntaxError, ValueError, opening_hours.ParserError) as exc:
        first = str(exc).strip().splitlines()[-1].strip(" =")
        return f"{v!r} is not OSM opening_hours syntax ({first})"
    return None


def _tags(values: list[str], vocab: dict, info: ValidationInfo) -> list[str]:
    """Tags with synonyms mapped to listed tags (the folder's `synonyms` from the validation
    context first), duplicates dropped; unknown tags are kept (the validator warns)."""
    extra = (info.context or {}).get("synonyms") if info is not None else None
    out: list[str] = []
    for v in values:
        tag = canonical(v, vocab, extra)
        if tag not in out:
            out.append(tag)
    return out


def _semicolons(v: object) -> object:
    """A CSV cell "a; b" as the list ["a", "b"]; a YAML list passes as it is."""
    if isinstance(v, str):
        return [s.strip() for s in v.split(";") if s.strip()]
    return v


def _check_district(v: str | None) -> str | None:
    if v is not None and v not in BY_NAME:
        raise ValueError(f"unknown district {v!r} (use the full name with 区, e.g. 朝阳区)")
    return v


def _check_lat(v: float) -> float:
    lo, hi = BEIJING_BBOX[0], BEIJING_BBOX[2]
    if not lo <= v <= hi:
        raise ValueError(f"{v} is outside Beijing ({lo}–{hi} N, WGS-84); are lat and lon swapped?")
    return v


def _check_lon(v: float) -> float:
    lo, hi = BEIJING_BBOX[1], BEIJING_BBOX[3]
    if not lo <= v <= hi:
        raise ValueError(f"{v} is outside Beijing ({lo}–{hi} E, WGS-84); are lat and lon swapped?")
    return v


class Center(_Model):
    """One row of centers.csv."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    name_en: str = ""
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    district: str
    street: str = ""
    address: str = Field(min_length=1)
    lat: float
    lon: float
    phone: str = ""
    hours: str = ""
    services: list[str] = []
    accessible: bool = False
    url: str = ""

    _split_services = field_validator("services", mode="before")(lambda cls, v: _semicolons(v))

    @field_validator("services")
    @classmethod
    def _known_services(cls, v: list[str], info: ValidationInfo) -> list[str]:
        return _tags(v, SERVICES, info)

    @field_validator("accessible", mode="before")
    @classmethod
    def _yes_no(cls, v):
        if isinstance(v, str):
            low = v.strip().lower()
            if low in ("yes", "no", ""):
                return low == "yes"
            raise ValueError(f"{v!r} must be yes or no")
        return v

    @field_validator("district")
    @classmethod
    def _district(cls, v: str) -> str:
        return _check_district(v)

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        if v:
            problem = _hours_problem(v)
            if problem:
                raise ValueError(problem)
        return v

    _lat = field_validator("lat")(lambda cls, v: _check_lat(v))
    _lon = field_validator("lon")(lambda cls, v: _check_lon(v))


class Schedule(_Model):
    """A recurring event: an RFC 5545 RRULE, a local start time and a date range."""

    rrule: str
    time: str
    duration_minutes: int = Field(gt=0, le=24 * 60)
    start: date
    until: date | None = None
    exdates: list[date] = []

    @field_validator("rrule")
    @classmethod
    def _rrule(cls, v: str, info: ValidationInfo) -> str:
        fine = _FINE_FREQ.search(v) if _reading_files(info) else None
        if fine:
            raise ValueError(
                f"FREQ={fine[2].upper()} repeats more often than daily; classes and lectures "
                "repeat DAILY, WEEKLY, MONTHLY or YEARLY"
            )
        by = _FINE_BY.search(v) if _reading_files(info) else None
        if by:
            raise ValueError(f"{by[2].upper()} is not allowed; the time of day goes in `time`")
        try:
            rrulestr(v, dtstart=datetime(2026, 1, 1))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{v!r} is not a valid RRULE ({exc})") from None
        if "DTSTART" in v.upper() or "UNTIL" in v.upper():
            raise ValueError("put the dates in `start` / `until`, not inside the RRULE")
        return v

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        if not _TIME.match(v):
            raise ValueError(f"{v!r} must be HH:MM (24-hour), e.g. 09:30")
        return v

    @property
    def start_time(self) -> time:
        h, m = self.time.split(":")
        return time(int(h), int(m))

    @field_validator("start", "until")
    @classmethod
    def _dates(cls, v: date | None, info: ValidationInfo) -> date | None:
        return _check_date(v, info)

    @field_validator("exdates")
    @classmethod
    def _exdates(cls, v: list[date], info: ValidationInfo) -> list[date]:
        for d in v:
            _check_date(d, info)
        return v

    @model_validator(mode="after")
    def _range(self) -> Schedule:
        if self.until is not None and self.until < self.start:
            raise ValueError(f"until: {self.until} is before start {self.start}")
        return self


class Lecture(_Model):
    """One family-education lecture (one-off with `starts_at`, or a series with `schedule`)."""

    id: str = Field(pattern=ID_PATTERN)
    title: Text
    speaker: str = ""
    starts_at: datetime | None = None
    duration_minutes: int | None = Field(default=None, gt=0, le=24 * 60)
    schedule: Schedule | None = None
    topics: list[str] = []
    audience: list[str] = []
    center: str | None = None
    online_url: str | None = None
    district: str | None = None
    status: Literal["scheduled", "cancelled"] = "scheduled"

    _topics = field_validator("topics")(lambda cls, v, info: _tags(v, TOPICS, info))
    _audience = field_validator("audience")(lambda cls, v, info: _tags(v, AUDIENCES, info))
    _district = field_validator("district")(lambda cls, v: _check_district(v))

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, v: datetime | None, info: ValidationInfo) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-12-12T14:00:00+08:00")
        return _check_date(v, info)

    @field_validator("online_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v and not v.startswith(("https://", "http://")):
            raise ValueError(f"{v!r} must start with https://")
        return v or None

    @model_validator(mode="after")
    def _when(self) -> Lecture:
        if (self.starts_at is None) == (self.schedule is None):
            raise ValueError(
                "starts_at: give exactly one of starts_at (one-off) or schedule (a series)"
            )
        if self.starts_at is not None and self.duration_minutes is None:
            raise ValueError("duration_minutes: a one-off lecture needs duration_minutes")
        if self.center is None and not self.online_url:
            raise ValueError(
                "center: needs a center (in person) or an online_url (online), or both"
            )
        return self

    @property
    def duration(self) -> int:
        return self.schedule.duration_minutes if self.schedule else int(self.duration_minutes or 0)


class Lesson(_Model):
    """A weekly digital-skills class at a center."""

    id: str = Field(pattern=ID_PATTERN)
    title: Text
    apps: list[str] = []
    topics: list[str] = []
    center: str
    district: str | None = None
    schedule: Schedule
    level: Literal[LEVELS] = "入门"  # type: ignore[valid-type]
    status: Literal["scheduled", "cancelled"] = "scheduled"
    skip_holidays: bool = True

    _apps = field_validator("apps")(lambda cls, v: _check_tags(v, APPS, "app"))
    _topics = field_validator("topics")(lambda cls, v, info: _tags(v, TOPICS, info))
    _district = field_validator("district")(lambda cls, v: _check_district(v))


class Step(_Model):
    """One step of a guide: one action, with an optional tip and a simpler hint."""

    text: Text
    tip: Text | None = None
    hint: Text | None = None
    image: str | None = None


class Aliases(_Model):
    zh: list[str] = []
    en: list[str] = []


class Guide(_Model):
    """A step-by-step smartphone guide (guides/<id>.yaml)."""

    id: str = Field(pattern=ID_PATTERN)
    title: Text
    aliases: Aliases = Aliases()
    apps: list[str] = []
    topics: list[str] = []  # the class topics it teaches: links "学X" to classes and "X课" back
    related: list[str] = []
    steps: list[Step] = Field(min_length=1, max_length=20)

    _apps = field_validator("apps")(lambda cls, v: _check_tags(v, APPS, "app"))
    _topics = field_validator("topics")(lambda cls, v, info: _tags(v, TOPICS, info))


class Landmark(_Model):
    """A place people navigate by (landmarks.csv)."""

    name: str = Field(min_length=1)
    aliases: list[str] = []
    district: str
    lat: float
    lon: float

    _split = field_validator("aliases", mode="before")(lambda cls, v: _semicolons(v))

    _district = field_validator("district")(lambda cls, v: _check_district(v))

    _lat = field_validator("lat")(lambda cls, v: _check_lat(v))
    _lon = field_validator("lon")(lambda cls, v: _check_lon(v))
