"""Feeds the console follows: the calls answered at its telephony seat (screen-pop) and the
ticket and article changes it may see (live updates).

A feed is a question "what after cursor N?" asked for as long as the console runs. The live
updates are pushed: ``Backend.live_feed`` is, over HTTP, the server's Server-Sent Events stream
(each change as it lands) and, embedded, the store looked at every 0.05–0.25 s (at once on a
PostgreSQL NOTIFY). The screen-pop is one question kept open at a time (``Backend.call_pops``;
over HTTP the server holds it until a call comes, at most ``REMOTE_WAIT`` seconds). The
cursor only moves forward: after a lost connection or a server restart the watch asks again
from where it was and misses nothing.

A watch is a daemon thread, not a Textual worker: a worker's thread is joined when the process
ends, and a question held by the server would hold the seat's exit for its wait.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

from console.errors import HotlineError, Unavailable
from console.services.backend import Backend

LOCAL_WAIT = 2.0
"""Seconds one question waits in embedded mode (the store is read every 0.05–0.25 s meanwhile)."""
REMOTE_WAIT = 20.0
"""Seconds the server holds one question before it answers "nothing new"."""


class _Answer(Protocol):
    @property
    def cursor(self) -> int: ...


A = TypeVar("A", bound=_Answer)


class FeedWatch(Generic[A]):
    """Follows ``ask(backend, last, wait)`` for as long as the console runs: the answers it
    yields (one, or a stream of them), asked again from the last answer when it ends.

    ``deliver`` gets each answer that ``news`` says has something, ``lost`` is told when the
    platform does not answer (the watch tries again every ``retry`` seconds from its last
    answer), ``failed`` when the platform refuses the question (the watch stops). All three
    are called from the watch's thread.
    """

    def __init__(
        self,
        name: str,
        backend: Callable[[], Backend | None],
        ask: Callable[[Backend, A | None, float], Iterable[A]],
        news: Callable[[A], bool],
        deliver: Callable[[A], None],
        lost: Callable[[], None],
        failed: Callable[[HotlineError], None],
        *,
        wait: float = LOCAL_WAIT,
        retry: float = 2.0,
    ) -> None:
        self._backend, self._ask = backend, ask
        self._news, self._deliver = news, deliver
        self._lost, self._failed = lost, failed
        self.wait, self.retry = wait, retry
        self.last: A | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"hotline-{name}", daemon=True)

    def start(self) -> FeedWatch[A]:
        self._thread.start()
        return self

    @property
    def cursor(self) -> int | None:
        """Where the feed stands (None: not asked yet)."""
        return None if self.last is None else self.last.cursor

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            backend = self._backend()
            if backend is None:
                self._stop.wait(self.retry)
                continue
            try:
                for answer in self._ask(backend, self.last, self.wait):
                    self.last = answer
                    if self._stop.is_set():
                        return
                    if self._news(answer):
                        self._deliver(answer)
            except Unavailable:
                self._lost()
                self._stop.wait(self.retry)
                continue
            except HotlineError as err:
                self._failed(err)
                return
            except Exception as exc:  # noqa: BLE001 — said on screen; the seat works on by hand
                self._failed(HotlineError(f"内部错误（{type(exc).__name__}）"))
                return
