"""Screen-pop: the console follows its telephony seat and opens intake for each answered call.

With ``HOTLINE_PHONE_SEAT`` set (the agent id or extension the telephony reports as the call's
``seat``), an intake seat keeps one question open to the platform: "calls answered at my seat
after cursor N?" (``Backend.call_pops``; over HTTP the server holds it until a call comes, so
a call shows at once and an idle seat costs one request per ``REMOTE_WAIT`` seconds). The
cursor only moves forward: after a lost connection the watch asks again from where it was
and misses no call. Without the setting nothing here runs and the console works as before.

The watch is a daemon thread, not a Textual worker: a worker's thread is joined when the
process ends, and a question held by the server would hold the seat's exit for its wait.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from console.errors import HotlineError, Unavailable
from console.services.backend import Backend
from console.services.views import CallPop

LOCAL_WAIT = 2.0
"""Seconds one question waits in embedded mode (the store is read every 0.1 s meanwhile)."""
REMOTE_WAIT = 20.0
"""Seconds the server holds one question before it answers "nothing yet"."""


class CallWatch:
    """Asks for the calls answered at ``seat`` for as long as the console runs.

    ``deliver`` gets each call, ``lost`` is told when the platform does not answer (the watch
    tries again every ``retry`` seconds from its cursor), ``failed`` when the platform refuses
    the question (the watch stops). All three are called from the watch's thread.
    """

    def __init__(
        self,
        backend: Callable[[], Backend | None],
        seat: str,
        deliver: Callable[[CallPop], None],
        lost: Callable[[], None],
        failed: Callable[[HotlineError], None],
        *,
        wait: float = LOCAL_WAIT,
        retry: float = 2.0,
    ) -> None:
        self._backend = backend
        self.seat = seat
        self._deliver, self._lost, self._failed = deliver, lost, failed
        self.wait, self.retry = wait, retry
        self.cursor: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hotline-screen-pop", daemon=True)

    def start(self) -> CallWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.is_set():
            backend = self._backend()
            if backend is None:
                self._stop.wait(self.retry)
                continue
            try:
                found = backend.call_pops(self.seat, self.cursor, self.wait)
            except Unavailable:
                self._lost()
                self._stop.wait(self.retry)
                continue
            except HotlineError as err:
                self._failed(err)
                return
            except Exception as exc:  # noqa: BLE001 — said on screen; the seat takes calls by hand
                self._failed(HotlineError(f"内部错误（{type(exc).__name__}）"))
                return
            self.cursor = found.cursor
            for call in found.calls:
                if self._stop.is_set():
                    return
                self._deliver(call)
