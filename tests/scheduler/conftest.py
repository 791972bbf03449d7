"""Fixtures for the scheduler tests (helpers live in schedkit.py)."""

from __future__ import annotations

import pytest
from schedkit import Clock

from store import subscriptions, users


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "leling.db"


@pytest.fixture
def subscribe(db):
    """subscribe(user, kind, target=None, filter=None, offsets=None, lang="zh") → subscription."""

    def _subscribe(
        user_id="telegram:1",
        kind="lecture",
        target="lec-teen",
        filter=None,
        offsets=None,
        lang="zh",
        **user_fields,
    ):
        users.get_or_create(db, user_id, lang=lang)
        if user_fields:
            users.update(db, user_id, **user_fields)
        sub, _ = subscriptions.add(
            db,
            user_id,
            kind,
            target_id=None if kind == "filter" else target,
            filter=filter,
            offsets=offsets,
        )
        return sub

    return _subscribe
