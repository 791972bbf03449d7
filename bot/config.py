"""Configuration read from the environment (see README, "Configuration")."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs

SHIPPED_CONTENT = Path(__file__).resolve().parent.parent / "content" / "data"
# Leling is Beijing time throughout (docs/architecture.md): the catalogue's schedules, the stored
# reminder times (+08:00) and every reply's wording. LELING_TZ may name that zone only.
BEIJING_ZONES = frozenset(
    {"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"}
)


class ConfigError(ValueError):
    """A setting Leling cannot use; the message names the variable and says what it takes."""


def _default_db() -> Path:
    return Path(platformdirs.user_data_dir("leling", appauthor=False)) / "leling.db"


@dataclass(frozen=True)
class Settings:
    """Everything Leling reads from the environment, with the embedded defaults."""

    db: Path = field(default_factory=_default_db)
    content: Path = SHIPPED_CONTENT
    tz: str = "Asia/Shanghai"
    host: str = "127.0.0.1"
    port: int = 8080
    telegram_token: str | None = None
    telegram_api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    nlu_url: str | None = None
    web_secret: str | None = None  # signs the web chat's cookies; generated and kept when unset
    public_url: str | None = None  # the address people open (behind nginx), for the QR code
    retain_finished_days: int = 90  # finished reminders, deliveries, … (docs/privacy.md)
    retain_inactive_days: int = 365  # sessions and users who stopped writing
    retain_not_understood_days: int = 30  # the masked not-understood queue (docs/privacy.md)
    retain_events_days: int = 400  # usage events (no text): 13 months of month on month
    wechat_token: str | None = None  # the WeChat Official Account (docs/wechat.md)
    wechat_appid: str | None = None
    wechat_secret: str | None = None
    wechat_aes_key: str | None = None  # safe mode's EncodingAESKey
    wechat_api_base_url: str | None = None  # tests point it at a fake server
    wechat_template_id: str | None = None  # the reminder template (outside the 48-hour window)
    wechat_template_fields: str | None = None  # "field=source,…" (docs/wechat.md)
    admins: tuple[str, ...] = ()  # user ids who may invite and revoke volunteers
    desk_hours: tuple[str, str] = ("08:00", "20:00")  # when volunteers answer help requests
    announce_rate: float = 25.0  # announcements per second (shared with reminders' limiter)
    announce_cap: tuple[int, int] = (2, 7)  # at most N announcements per user in D days

    def __post_init__(self) -> None:
        if self.tz not in BEIJING_ZONES:
            raise ConfigError(
                f"LELING_TZ={self.tz}: Leling's lectures, classes and reminders are all in "
                "Beijing time, so LELING_TZ can only be Asia/Shanghai (or left unset)."
            )
        if not 1 <= self.port <= 65535:
            raise ConfigError(f"LELING_PORT={self.port}: a port is a number from 1 to 65535.")

    @property
    def zone(self) -> ZoneInfo:
        """LELING_TZ as a time zone (Beijing time)."""
        return ZoneInfo(self.tz)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read LELING_* and TELEGRAM_* variables; unset or empty ones keep their defaults."""
        env = dict(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        kwargs: dict = {}
        if get("LELING_DB"):
            kwargs["db"] = Path(get("LELING_DB")).expanduser()
        if get("LELING_CONTENT"):
            kwargs["content"] = Path(get("LELING_CONTENT")).expanduser()
        if get("LELING_TZ"):
            kwargs["tz"] = get("LELING_TZ")
        if get("LELING_HOST"):
            kwargs["host"] = get("LELING_HOST")
        if get("LELING_PORT"):
            if not get("LELING_PORT").isdigit():
                raise ConfigError(
                    f"LELING_PORT={get('LELING_PORT')}: a port is a number from 1 to 65535."
                )
            kwargs["port"] = int(get("LELING_PORT"))
        kwargs["telegram_token"] = get("TELEGRAM_BOT_TOKEN")
        kwargs["telegram_api_base_url"] = get("TELEGRAM_API_BASE_URL")
        kwargs["webhook_url"] = get("LELING_WEBHOOK_URL")
        kwargs["webhook_secret"] = get("LELING_WEBHOOK_SECRET")
        kwargs["nlu_url"] = get("LELING_NLU_URL")
        kwargs["web_secret"] = get("LELING_WEB_SECRET")
        kwargs["public_url"] = get("LELING_PUBLIC_URL")
        for name in ("token", "appid", "secret", "aes_key", "api_base_url", "template_id"):
            kwargs[f"wechat_{name}"] = get(f"LELING_WECHAT_{name.upper()}")
        kwargs["wechat_template_fields"] = get("LELING_WECHAT_TEMPLATE_FIELDS")
        if kwargs["wechat_aes_key"] and len(kwargs["wechat_aes_key"]) != 43:
            raise ConfigError(
                "LELING_WECHAT_AES_KEY: the EncodingAESKey is the 43 letters and digits shown "
                "on the WeChat admin page (基本配置 → 服务器配置)."
            )
        for name, key in (
            ("LELING_RETAIN_FINISHED_DAYS", "retain_finished_days"),
            ("LELING_RETAIN_INACTIVE_DAYS", "retain_inactive_days"),
            ("LELING_RETAIN_NOT_UNDERSTOOD_DAYS", "retain_not_understood_days"),
            ("LELING_RETAIN_EVENTS_DAYS", "retain_events_days"),
        ):
            if get(name):
                if not get(name).isdigit() or int(get(name)) < 1:
                    raise ConfigError(f"{name}={get(name)}: a number of days, at least 1.")
                kwargs[key] = int(get(name))
        if get("LELING_ADMINS"):
            kwargs["admins"] = parse_admins(get("LELING_ADMINS"))
        if get("LELING_DESK_HOURS"):
            kwargs["desk_hours"] = parse_hours(get("LELING_DESK_HOURS"))
        if get("LELING_ANNOUNCE_RATE"):
            try:
                kwargs["announce_rate"] = float(get("LELING_ANNOUNCE_RATE"))
            except ValueError:
                kwargs["announce_rate"] = -1.0
            if not 0 < kwargs["announce_rate"] <= 30:
                raise ConfigError(
                    f"LELING_ANNOUNCE_RATE={get('LELING_ANNOUNCE_RATE')}: messages a second, "
                    "more than 0 and at most 30 (Telegram's limit)."
                )
        if get("LELING_ANNOUNCE_CAP"):
            kwargs["announce_cap"] = parse_cap(get("LELING_ANNOUNCE_CAP"))
        return cls(**kwargs)


def parse_cap(value: str) -> tuple[int, int]:
    """LELING_ANNOUNCE_CAP "2/7": at most 2 announcements per user in 7 days ("0" = no cap)."""
    count, _, days = value.strip().partition("/")
    if count.strip() == "0" and not days:
        return (0, 7)
    if not (count.strip().isdigit() and days.strip().isdigit() and int(days) >= 1):
        raise ConfigError(
            f"LELING_ANNOUNCE_CAP={value}: write it as COUNT/DAYS, e.g. 2/7 (at most 2 "
            "announcements per person in 7 days), or 0 for no limit."
        )
    return (int(count), int(days))


_ADMIN = re.compile(r"^(telegram|web|terminal|wechat):[A-Za-z0-9_-]{1,64}$")
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def parse_admins(value: str) -> tuple[str, ...]:
    """LELING_ADMINS: comma-separated user ids ("telegram:42,web:abc")."""
    ids = tuple(part.strip() for part in value.split(",") if part.strip())
    bad = [i for i in ids if not _ADMIN.match(i)]
    if bad:
        raise ConfigError(
            f"LELING_ADMINS={value}: comma-separated user ids such as telegram:42 or web:abc "
            f"(not {bad[0]!r})."
        )
    return ids


def parse_hours(value: str) -> tuple[str, str]:
    """LELING_DESK_HOURS: "08:00-20:00" (Beijing time; the start before the end)."""
    m = _HOURS.match(value.replace(" ", ""))
    if not m or m.group(1) + m.group(2) >= m.group(3) + m.group(4):
        raise ConfigError(
            f"LELING_DESK_HOURS={value}: opening hours such as 08:00-20:00, start before end."
        )
    return f"{m.group(1)}:{m.group(2)}", f"{m.group(3)}:{m.group(4)}"
