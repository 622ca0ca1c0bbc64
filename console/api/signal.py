"""Held questions (long poll) and what wakes them: a write that lands in the store.

A console asks "what after cursor N?" with ``wait`` seconds (screen-pop, live updates); the
server looks at the store, and when there is nothing new it waits on :class:`WriteSignal`,
which is set

- after every successful write request this process answers (``RequestGuard``): at once;
- by :func:`watch_store` when the newest ticket event or call event in the store is newer
  than at its last look (every ``WATCH_S``): writes answered by another server process
  (``hotline serve --workers N``, or another host behind the load balancer) and writes made
  on the store directly (an embedded seat, ``hotline cti replay`` without ``--url``).

A waiter also looks again every ``RECHECK_S`` whatever happens (a safety net).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

RECHECK_S = 5.0
WATCH_S = 0.2
MAX_WAIT = 25.0
T = TypeVar("T")


class WriteSignal:
    """Set once per successful write request; waiters take the event BEFORE they look at the
    store, so a write between the look and the wait still wakes them."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def next(self) -> asyncio.Event:
        return self._event


def writes(request: Request) -> WriteSignal:
    signal: WriteSignal = request.app.state.writes
    return signal


async def held(
    request: Request,
    ask: Callable[[int | None], T],
    found: Callable[[T], bool],
    cursor: Callable[[T], int],
    after: int | None,
    wait: float,
) -> T:
    """``ask(after)`` in the thread pool until ``found`` says it has something, ``wait``
    seconds pass, or the client goes away; a first question (``after=None``) at once."""
    signal = writes(request)
    deadline = time.monotonic() + wait
    while True:
        woken = signal.next()
        answer = await run_in_threadpool(ask, after)
        left = deadline - time.monotonic()
        if found(answer) or after is None or left <= 0 or await request.is_disconnected():
            return answer
        after = cursor(answer)
        await _until(woken, min(left, RECHECK_S))


async def _until(event: asyncio.Event, timeout: float) -> None:
    waiting: Awaitable[object] = event.wait()
    try:
        await asyncio.wait_for(waiting, timeout)
    except TimeoutError:
        pass


async def watch_store(newest: Callable[[], tuple[int, int]], signal: WriteSignal) -> None:
    """Set ``signal`` whenever ``newest()`` (the newest event ids) moves on; runs for the life
    of the server process. One small read per ``WATCH_S`` per process, whatever the number of
    waiting seats."""
    last: tuple[int, int] | None = None
    while True:
        now: tuple[int, int] | None
        try:
            now = await run_in_threadpool(newest)
        except Exception:  # noqa: BLE001 — the store is away: the requests say so; look again
            now = last
        if last is not None and now is not None and now != last:
            signal.notify()
        last = now
        await asyncio.sleep(WATCH_S)
