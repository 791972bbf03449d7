"""Picking up a catalogue that another process imported while the service runs.

`leling content import` writes the new catalogue into the database in one transaction; a running
`leling run` keeps its in-memory `Catalogue` until it notices. `watch_catalogue` polls the
catalogue's version (digest and import time in `catalogue_meta`, one tiny query) every
`POLL_SECONDS`; when it changed, it loads the new catalogue from one consistent snapshot, opens
the NLU parser for it (its gazetteer knows the new names; training, when the model is not cached
yet, runs on a worker thread while the old parser keeps answering), swaps both in on the
database thread (between two turns: a turn reads them once, so no turn ever sees half of each),
and re-plans the reminders (idempotent: the importing command usually re-planned already).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from content.load import load_catalogue
from store.catalogue import catalogue_version

log = logging.getLogger(__name__)

POLL_SECONDS = 15.0


def _swap(services, catalogue, parser) -> None:
    services.catalogue = catalogue
    services.assistant.catalogue = catalogue
    if parser is not None:
        services.assistant.parser = parser


def _parser_for(services):
    """How to open the parser for a new catalogue (None: keep the one in use)."""
    if services.settings is None:
        return None
    from bot.app import open_parser

    return lambda catalogue: open_parser(services.settings, catalogue)


async def watch_catalogue(
    services,
    dispatcher,
    stop: asyncio.Event,
    every: float = POLL_SECONDS,
    make_parser=_parser_for,
):
    """Until `stop` is set: reload the catalogue (and its parser, `make_parser(services)(cat)`)
    when another process imported a new one, then re-plan through `dispatcher` (when there is
    one). Errors are logged; the old catalogue stays."""
    open_parser = make_parser(services)
    current = await services.run(catalogue_version, services.db)
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        if stop.is_set():
            return
        try:
            seen = await services.run(catalogue_version, services.db)
            if seen == current:
                continue
            catalogue = await services.run(load_catalogue, services.db)
            parser = None
            if open_parser is not None:
                try:
                    parser = await asyncio.to_thread(open_parser, catalogue)
                except Exception:
                    log.exception("the NLU for the new catalogue failed; keeping the old one")
            await services.run(_swap, services, catalogue, parser)
            current = seen
            log.info(
                "catalogue %s (imported %s) loaded: %d centers, %d lectures, %d lessons",
                seen[0],
                seen[1],
                len(catalogue.centers),
                len(catalogue.lectures),
                len(catalogue.lessons),
            )
            if dispatcher is not None:
                await dispatcher.replan()
        except Exception:
            log.exception("reloading the catalogue failed; keeping the one in use")
