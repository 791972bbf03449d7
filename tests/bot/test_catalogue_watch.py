"""A running service picks up a catalogue imported by another process (issue #12 item 8)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import yaml

from bot.catalogue_watch import watch_catalogue
from bot.service import Services
from content.load import import_dir, load_catalogue
from store.db import open_db


class _Dispatcher:
    def __init__(self):
        self.replans = 0

    async def replan(self):
        self.replans += 1


async def test_an_import_by_another_process_is_loaded_and_replanned(tmp_path, sample_dir):
    path = tmp_path / "leling.db"
    db = open_db(path)
    assert import_dir(db, sample_dir).ok
    cat = load_catalogue(db)
    services = Services(
        settings=None, db=db, catalogue=cat, assistant=SimpleNamespace(catalogue=cat, parser=None)
    )
    dispatcher, stop = _Dispatcher(), asyncio.Event()
    parsers = []

    def make_parser(_services):
        def open_parser(catalogue):  # the real one builds the gazetteer and (re)trains
            parsers.append(("parser for", catalogue))
            return parsers[-1]

        return open_parser

    watcher = asyncio.create_task(
        watch_catalogue(services, dispatcher, stop, every=0.02, make_parser=make_parser)
    )
    try:
        await asyncio.sleep(0.1)
        assert services.catalogue is cat and dispatcher.replans == 0  # nothing changed yet

        lectures = sample_dir / "lectures.yaml"
        items = yaml.safe_load(lectures.read_text(encoding="utf-8"))
        gone = items.pop()
        lectures.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
        other = open_db(path)  # another process's connection: `leling content import`
        assert import_dir(other, sample_dir).ok
        other.conn.close()

        for _ in range(200):
            if services.catalogue is not cat:
                break
            await asyncio.sleep(0.01)
        new = services.catalogue
        assert new is not cat and services.assistant.catalogue is new
        assert services.assistant.parser == ("parser for", new)  # new names are understood
        assert gone["id"] in cat.lectures and gone["id"] not in new.lectures
        for _ in range(200):
            if dispatcher.replans:
                break
            await asyncio.sleep(0.01)
        assert dispatcher.replans == 1
        await asyncio.sleep(0.1)
        assert services.catalogue is new and dispatcher.replans == 1  # once per import
    finally:
        stop.set()
        await watcher
        services.close()


async def test_a_failing_reload_keeps_the_catalogue_in_use(tmp_path, sample_dir, monkeypatch):
    db = open_db(tmp_path / "leling.db")
    assert import_dir(db, sample_dir).ok
    cat = load_catalogue(db)
    services = Services(
        settings=None, db=db, catalogue=cat, assistant=SimpleNamespace(catalogue=cat)
    )
    from bot import catalogue_watch

    def broken(_db):
        raise ValueError("a record the model rejects")

    monkeypatch.setattr(catalogue_watch, "load_catalogue", broken)
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_catalogue(services, None, stop, every=0.02))
    await asyncio.sleep(0.05)

    def touch():  # on the database thread, like every other use of this connection
        with db.conn:
            db.conn.execute("UPDATE catalogue_meta SET value = 'x' WHERE key = 'digest'")

    await services.run(touch)
    await asyncio.sleep(0.1)
    stop.set()
    await watcher
    assert services.catalogue is cat
    services.close()
