"""Deadline badges: how long is left before a clock of the regulation runs out.

Two forms: a coarse badge for queues ("剩 3时05分", "超期 1天2时") and a to-the-second
countdown for the special-incident board ("03:59:12"). Both colour by urgency:
green while there is time, yellow near the mark (or when due today), red once breached.
Times are shown in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from rich.text import Text

from console.services.clock import SHANGHAI

QUEUE_WARN = dt.timedelta(hours=4)


class Urgency(Enum):
    """How close a deadline is: the badge's colour."""

    NONE = "none"  # no running deadline
    OK = "ok"
    WARN = "warn"
    LATE = "late"


STYLES = {
    Urgency.NONE: "dim",
    Urgency.OK: "green",
    Urgency.WARN: "bold black on yellow",
    Urgency.LATE: "bold white on red",
}


def urgency(
    due: dt.datetime | None,
    now: dt.datetime,
    warn: dt.timedelta = QUEUE_WARN,
    due_today_warns: bool = True,
) -> Urgency:
    """Classify a deadline.

    Args:
        due: the due moment, or None when no clock runs.
        now: the current moment.
        warn: yellow once less than this is left.
        due_today_warns: also yellow when the deadline falls on today's date (Shanghai).
    """
    if due is None:
        return Urgency.NONE
    left = due - now
    if left < dt.timedelta(0):
        return Urgency.LATE
    if left < warn:
        return Urgency.WARN
    if due_today_warns and due.astimezone(SHANGHAI).date() == now.astimezone(SHANGHAI).date():
        return Urgency.WARN
    return Urgency.OK


def span(delta: dt.timedelta) -> str:
    """A coarse duration in Chinese: 2天3时, 3时05分, 12分, 不足1分."""
    seconds = int(abs(delta).total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days}天{hours}时" if hours else f"{days}天"
    if hours:
        return f"{hours}时{minutes:02d}分"
    if minutes:
        return f"{minutes}分"
    return "不足1分"


def remaining_text(
    due: dt.datetime | None, now: dt.datetime, warn: dt.timedelta = QUEUE_WARN
) -> Text:
    """The queue badge: time left (or overdue by), coloured by urgency."""
    level = urgency(due, now, warn)
    if due is None:
        return Text("—", style=STYLES[level])
    left = due - now
    label = f"超期{span(left)}" if left < dt.timedelta(0) else f"剩{span(left)}"
    return Text(label, style=STYLES[level])


def clock_face(delta: dt.timedelta) -> str:
    """HH:MM:SS for countdowns, with whole days in front from 24 hours on (2天03:15:00)."""
    seconds = int(abs(delta).total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    face = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{days}天{face}" if days else face


def countdown_text(due: dt.datetime, now: dt.datetime, warn: dt.timedelta) -> Text:
    """The board's countdown: "剩 03:59:12" (green/yellow) or "超时 00:12:05" (red)."""
    left = due - now
    level = urgency(due, now, warn, due_today_warns=False)
    prefix = "超时 " if left < dt.timedelta(0) else "剩 "
    return Text(prefix + clock_face(left), style=STYLES[level])


def due_label(value: dt.datetime) -> str:
    """A due moment as the regulation counts it: end of day shows as 24:00."""
    local_value = value.astimezone(SHANGHAI)
    if (local_value.hour, local_value.minute, local_value.second) == (23, 59, 59):
        return local_value.strftime("%Y-%m-%d") + " 24:00"
    return local_value.strftime("%Y-%m-%d %H:%M")
