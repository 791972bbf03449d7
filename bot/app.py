"""Assembling Leling's parts from the settings: database, catalogue, understanding, conversation.

Every command and channel gets its pieces from here, so start-up behaves the same everywhere:
`open_database` → `open_catalogue` → `open_parser` (the NLU for the names of that catalogue).
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

import sqlite_utils

from bot.config import ConfigError, Settings
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


def catalogue_gazetteer(catalogue: Catalogue) -> dict:
    """The NLU's name lists for the loaded catalogue (streets, landmarks, guides, vocabularies)."""
    from content.gazetteer import from_catalogue

    return from_catalogue(catalogue.data)


def open_parser(
    settings: Settings,
    catalogue: Catalogue,
    *,
    data_dir: Path | None = None,
    model_dir: Path | None = None,
):
    """The NLU parser for `catalogue` — the one way every command and the service get theirs.

    The model is loaded from the model folder when one matches the fingerprint of (training
    data, this catalogue's gazetteer, NLU code), else trained first (a few seconds) — so after
    `leling content import DIR` the new names are recognised. With LELING_NLU_URL set, a Rasa
    server answers and this model is the fallback.
    """
    import nlu

    return nlu.load_parser(catalogue_gazetteer(catalogue), data_dir, model_dir, settings.nlu_url)


def parse_now(value: str | None, settings: Settings) -> datetime:
    """`--now ISO` (naive times are Beijing time) or the current time, aware, in LELING_TZ;
    ConfigError (one plain line from `leling`, exit 2) for anything else."""
    if not value:
        return datetime.now(settings.zone)
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"--now wants an ISO time like 2026-12-04T15:00, not {value[:40]!r}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=settings.zone)
    return when.astimezone(settings.zone)
