"""Assembling Leling's parts from the settings: database, catalogue, understanding, conversation.

Every command and channel gets its pieces from here, so start-up behaves the same everywhere.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime

import sqlite_utils

from bot.config import Settings
from content.catalogue import Catalogue
from content.load import ensure_catalogue
from store.db import open_db

log = logging.getLogger(__name__)


def open_database(settings: Settings) -> sqlite_utils.Database:
    """The configured SQLite database, migrated."""
    return open_db(settings.db)


def open_catalogue(settings: Settings, db: sqlite_utils.Database) -> Catalogue:
    """The catalogue, importing LELING_CONTENT first when the database needs it."""
    return ensure_catalogue(db, settings.content, explicit=bool(os.environ.get("LELING_CONTENT")))


def parse_now(value: str | None, settings: Settings) -> datetime:
    """`--now ISO` (naive times are Beijing time) or the current time, aware, in LELING_TZ."""
    if not value:
        return datetime.now(settings.zone)
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=settings.zone)
    return when.astimezone(settings.zone)
