"""What the screens that work on the backend share: the seat's backend, a worker's failure
shown to the seat, and an unexpected error handed to the app's report.

``OnBackend`` is a mixin for a ``Screen`` or a ``ModalScreen`` (forms use only ``backend``),
``ReportsWorkerErrors`` hands a worker's unexpected error to the app; ``ListedScreen`` adds, for the list screens (roster, desk, expert queue, upkeep, pre-filing),
the handling every one of them had written out: a lost connection goes to the app (its banner
and reconnect), another refusal is told in a toast and, while the list is still empty, in the
screen's banner; a worker that raised something else is reported by the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.errors import HotlineError, Unavailable
from console.screens.field_labels import told
from console.widgets.safe import clean

if TYPE_CHECKING:
    from textual.app import App

    from console.services.backend import Backend


class OnBackend:
    """The seat's backend (the app's: embedded, or the API client)."""

    app: App[Any]

    @property
    def backend(self) -> Backend:
        return self.app.backend  # type: ignore[attr-defined, no-any-return]

    def deliver(self, show: Callable[..., None], *args: Any) -> None:
        """From a load worker's thread: ``show(*args)`` on the app's thread, unless a newer
        load of the same exclusive group has started since (it cancelled this one). A thread
        cannot be stopped mid-call: without this, a slow load finishing after a newer one put
        its older rows back (a roster emptied again just after an expert was added)."""
        worker = get_current_worker()

        def latest() -> None:
            if not worker.is_cancelled:
                show(*args)

        self.app.call_from_thread(latest)

    def lost_connection(self, err: HotlineError) -> bool:
        """An outage goes to the app (its banner, its reconnect): True when it was one."""
        if not isinstance(err, Unavailable):
            return False
        lost: Any = getattr(self.app, "connection_lost", None)
        if callable(lost):
            lost()
        return True


class ReportsWorkerErrors:
    """A worker that raised something other than the service's refusals is reported by the
    app (the seat sees a one-line message, the log keeps the traceback)."""

    app: App[Any]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)  # type: ignore[attr-defined]


class ListedScreen(OnBackend, ReportsWorkerErrors):
    """A list screen's failures (mixed into a ``Screen``: ``query_one`` and ``notify`` are
    the screen's)."""

    BANNER = ""
    """The id of the screen's banner (a ``Static``), shown when a load fails on an empty list."""

    def has_rows(self) -> bool:
        """Whether the list shows something (a failed reload then leaves it and only tells)."""
        return True

    STATUS = ""
    """Or the id of the screen's status line (a ``Static``): a failure is told there, in red."""

    def _failed(self, err: HotlineError) -> None:
        if self.lost_connection(err):
            return
        if self.STATUS:
            status = self.query_one(f"#{self.STATUS}", Static)  # type: ignore[attr-defined]
            status.update(Text(told(err), style="bold red"))
            return
        if self.BANNER and not self.has_rows():
            banner = self.query_one(f"#{self.BANNER}", Static)  # type: ignore[attr-defined]
            banner.update(Text(clean(told(err))))
            banner.display = True
        self.notify(told(err), title="未完成", severity="error", markup=False)  # type: ignore[attr-defined]
