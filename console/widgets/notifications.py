"""Who was notified of a ticket and when: the outbox rows of a ticket, one entry each.

Channel, target (a unit's name, a fixed office, or the caller's phone already masked by the
services), when the notification was raised, and where its delivery stands — delivered (with
the time), waiting, retrying (which try, next attempt, last error) or given up. Targets and
errors are data: rendered as ``rich.text.Text`` with markup off, control characters made
visible (console.widgets.safe).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from console.services.clock import SHANGHAI
from console.services.views import NotificationStatus, NotificationView
from console.widgets.safe import one_line

STATUS_STYLES = {
    NotificationStatus.DELIVERED: "green",
    NotificationStatus.PENDING: "yellow",
    NotificationStatus.RETRYING: "bold yellow",
    NotificationStatus.GIVEN_UP: "bold white on red",
}
ERROR_WIDTH = 60
"""A delivery error is clipped to this many characters (it is one line, as stored)."""


def when(moment: dt.datetime, now: dt.datetime | None) -> str:
    """HH:MM on the day of ``now`` (Beijing time), MM-DD HH:MM on another day."""
    local = moment.astimezone(SHANGHAI)
    if now is not None and local.date() == now.astimezone(SHANGHAI).date():
        return f"{local:%H:%M}"
    return f"{local:%m-%d %H:%M}"


def delivered_count(notes: Sequence[NotificationView]) -> int:
    return sum(n.status is NotificationStatus.DELIVERED for n in notes)


def marker(notes: Sequence[NotificationView]) -> Text:
    """A compact cell: delivered/all ("2/4"), red with "!" when one was given up."""
    if not notes:
        return Text("—", style="dim")
    text = f"{delivered_count(notes)}/{len(notes)}"
    if any(n.status is NotificationStatus.GIVEN_UP for n in notes):
        return Text(text + "!", style="bold white on red")
    if all(n.status is NotificationStatus.DELIVERED for n in notes):
        return Text(text, style="green")
    return Text(text, style="yellow")


def status_text(note: NotificationView, now: dt.datetime | None) -> Text:
    """Where one notification stands, with its delivery (or giving-up) time."""
    style = STATUS_STYLES.get(note.status, "")
    out = Text(note.status_label, style=style)
    if note.status is NotificationStatus.DELIVERED and note.delivered_at is not None:
        out.append(f" {when(note.delivered_at, now)}", style=style)
    elif note.status is NotificationStatus.GIVEN_UP and note.gave_up_at is not None:
        out.append(f" {when(note.gave_up_at, now)}", style=style)
    return out


def notifications_text(
    notes: Sequence[NotificationView],
    now: dt.datetime | None = None,
    *,
    end: str = "",
) -> Text:
    """A count by status, then every notification of a ticket in the order raised: two lines
    each (channel and target; raised, status), a third for the next try and the last error.

    ``end`` is "\\n" inside a rich ``Group`` (the last line is otherwise not counted).
    """
    out = Text(end=end)
    if not notes:
        out.append("（无通知记录）", style="dim")
        return out
    counts: dict[str, int] = {}
    for n in notes:
        key = n.status_label if n.status is not NotificationStatus.RETRYING else "重试中"
        counts[key] = counts.get(key, 0) + 1
    out.append(f"共 {len(notes)} 条：", style="dim")
    out.append(" · ".join(f"{label} {k}" for label, k in counts.items()), style="dim")
    out.append("\n")
    for i, n in enumerate(notes):
        if i:
            out.append("\n")
        out.append(n.channel_label, style="bold")
        out.append("  ")
        out.append(one_line(n.target_label))
        out.append(f"\n  {when(n.created_at, now)} 发起 · ", style="dim")
        out.append_text(status_text(n, now))
        if n.status is NotificationStatus.DELIVERED:
            continue
        extra = []
        if n.status is NotificationStatus.RETRYING and n.next_attempt_at is not None:
            extra.append(f"下次 {when(n.next_attempt_at, now)}")
        if n.last_error:
            extra.append(f"原因：{one_line(n.last_error, ERROR_WIDTH)}")
        if extra:
            out.append("\n  " + " · ".join(extra), style="dim")
    return out


class NotificationList(Static):
    """The 「通知」 section of the ticket view: hidden while the ticket has no notification."""

    DEFAULT_CSS = """
    NotificationList {
        height: auto;
        padding: 0 1;
        border-top: solid $surface-lighten-2;
        border-title-color: $accent;
        border-title-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.border_title = "通知"
        self.notes: tuple[NotificationView, ...] = ()

    def show(self, notes: Sequence[NotificationView], now: dt.datetime | None) -> None:
        """Show these notifications (``now`` picks HH:MM for today's times)."""
        self.notes = tuple(notes)
        self.update(notifications_text(self.notes, now))
        self.display = bool(self.notes)
