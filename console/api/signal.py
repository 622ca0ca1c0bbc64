"""Held questions (long poll) and what wakes them: what lands in the store.

A console asks "what after cursor N?" with ``wait`` seconds (screen-pop, live updates); the
server looks at the store, and when there is nothing new for it the question waits.

One :class:`StoreWatch` per server process looks at what landed in the store — the new ticket
events (and their tickets' units), the new call events (and the telephony seats they
name) and the new audit records (whether an article changed) — once for all the questions it holds: after every successful write request this
process answers (``RequestGuard``: at once), on PostgreSQL whenever the store NOTIFYs that an
event was committed (``console.store.notify``: writes answered by another server process,
``hotline serve --workers N`` or another host, and writes made on the store directly — an
embedded seat, ``hotline cti replay`` without ``--url``), and every ``WATCH_S`` (SQLite, or
PostgreSQL while its notifications are not heard; ``WATCH_NOTIFIED_S`` while they are). A held question looks at
the store again only when something that may concern it landed — a call answered at its seat,
a change of its unit's tickets — so a hundred seats waiting cost one look per write, not a
hundred. A waiter also looks again every ``RECHECK_S`` whatever happens (a safety net: a
co-unit's ticket, say, is not in the brief).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from console.services.tickets.live import Landed

RECHECK_S = 5.0
WATCH_S = 0.2
WATCH_NOTIFIED_S = 2.0
MAX_WAIT = 25.0
KEPT = 256
"""Briefs kept for waiters that fell behind (older: the waiter simply looks at the store)."""
T = TypeVar("T")


class StoreWatch:
    """What landed in the store since the process started, in briefs, and an event set at
    each new one (waiters take the event BEFORE they look at the store, so nothing that lands
    between their look and their wait is missed)."""

    def __init__(self, look: Callable[[int, int, int], Landed]) -> None:
        self._look = look
        self._event = asyncio.Event()
        self._lock = asyncio.Lock()
        self._briefs: deque[Landed] = deque(maxlen=KEPT)
        self.generation = 0
        self.last: tuple[int, int, int] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def next(self) -> asyncio.Event:
        return self._event

    def since(self, generation: int) -> list[Landed] | None:
        """The briefs after ``generation`` (None: some are no longer kept)."""
        behind = self.generation - generation
        if behind > len(self._briefs):
            return None
        return list(self._briefs)[len(self._briefs) - behind :] if behind else []

    async def look(self) -> None:
        """Look at what landed since the last look; wake the waiters when something did."""
        async with self._lock:
            first = self.last is None
            since = self.last or (-1, -1, -1)
            try:
                landed = await run_in_threadpool(self._look, *since)
            except Exception:  # noqa: BLE001 — the store is away: the requests say so; look again
                return
            self.last = landed.marks
            if first or landed.marks == since:
                return
            self._briefs.append(landed)
            self.generation += 1
            self._event.set()
            self._event = asyncio.Event()

    def written(self) -> None:
        """A write request succeeded in this process: look now (from the request's task)."""
        task = asyncio.get_running_loop().create_task(self.look())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def poke(self) -> None:
        """The store said something landed (PostgreSQL NOTIFY): look now (on the loop)."""
        task = asyncio.get_running_loop().create_task(self.look())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run(self, every: Callable[[], float] = lambda: WATCH_S) -> None:
        """Look every ``every()`` seconds for the life of the server process (``WATCH_S``;
        a safety net of ``WATCH_NOTIFIED_S`` while the store's notifications are heard)."""
        while True:
            await self.look()
            await asyncio.sleep(every())


def store_watch(request: Request) -> StoreWatch:
    watch: StoreWatch = request.app.state.store_watch
    return watch


async def held(
    request: Request,
    ask: Callable[[int | None], T],
    found: Callable[[T], bool],
    cursor: Callable[[T], int],
    after: int | None,
    wait: float,
    concerns: Callable[[Landed], bool],
) -> T:
    """``ask(after)`` in the thread pool until ``found`` says it has something, ``wait``
    seconds pass, or the client goes away; a first question (``after=None``) at once. While
    waiting, the store is looked at again only when a brief ``concerns`` the question."""
    watch = store_watch(request)
    deadline = time.monotonic() + wait
    while True:
        woken, seen = watch.next(), watch.generation
        answer = await run_in_threadpool(ask, after)
        if found(answer) or after is None:
            return answer
        after = cursor(answer)
        rechecked = time.monotonic() + RECHECK_S
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or await request.is_disconnected():
                return answer
            await _until(woken, min(left, max(0.0, rechecked - time.monotonic())))
            briefs = watch.since(seen)
            woken, seen = watch.next(), watch.generation
            if briefs is None or any(concerns(b) for b in briefs) or time.monotonic() >= rechecked:
                break


async def _until(event: asyncio.Event, timeout: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout)
