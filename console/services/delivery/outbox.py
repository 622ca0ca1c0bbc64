"""Delivering the outbox, and the timers: what `hotline worker` does on each tick.

Every special or urgent dispatch, extension approval and supervision writes its messages
(SMS, phone notice, duty-office and emergency report, supervision-platform upload) as
``outbox`` rows in the same transaction as its event. :func:`deliver_due` sends the rows that
are due through a :class:`~console.services.delivery.sinks.Sink`:

1. **Claim** (one short write transaction): the due rows — not delivered, not given up,
   ``next_attempt_at`` unset or past — oldest first, at most ``batch``. On PostgreSQL they are
   locked with ``SELECT … FOR UPDATE SKIP LOCKED`` so workers claiming at the same moment
   take different rows without waiting; SQLite's ``BEGIN IMMEDIATE`` serialises claims. The
   claim is a lease: ``next_attempt_at`` moves :data:`LEASE` ahead, so no other worker takes
   the row while this one sends it. No transaction is open while a message is on the wire.
2. **Send** each row with its idempotency key.
3. **Mark** each row in its own write transaction right after its send: delivered, or one
   failed attempt more (``last_error`` is the status or exception class, never the message),
   next try after an exponential, capped :class:`Backoff`, given up after ``max_attempts``
   or at once when the receiver refuses the message for good.

The notices of a special or urgent matter (R-SPECIAL-REPORT: the unit's SMS and phone notice,
the duty-office and emergency reports) are never given up by the worker: they are tried
every :data:`URGENT_BACKOFF` cap at most until delivered or a person cancels them (`hotline
outbox cancel`), and each failure from the :data:`ALARM_AFTER`-th on, or a refusal, raises an
alarm in the tick's report (``hotline worker`` prints it on stderr).

A crash loses nothing and sends nothing twice: rows are written with their event, so none is
lost; a worker that dies between "sent" and "marked" leaves the row claimed, and once the
lease runs out the row is sent again **with the same idempotency key** — the gateway (or
whoever reads the file sink) de-duplicates on it. Rows claimed but not yet sent when the
worker is asked to stop are handed back at once.

Each mark is audited as the system seat :data:`WORKER_ACTOR` (ticket number, key, channel,
attempt, error class — no message content).
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update

from console.services.access import audit
from console.services.clock import Clock, local
from console.services.delivery.sinks import DeliveryError, Message, Sink
from console.services.values import Role
from console.services.views import Actor
from console.store.engine import Store
from console.store.models import OutboxRow, TicketRow

log = logging.getLogger(__name__)

WORKER_ACTOR = Actor(seat="worker", name="系统", role=Role.SYSTEM)
"""The system seat the worker acts as: outbox marks and timers (R-DEFAULT-SATISFIED)."""

LEASE = dt.timedelta(minutes=5)
"""How long a claimed row stays with the worker that claimed it before another may take it."""

DEFAULT_BATCH = 50
DEFAULT_MAX_ATTEMPTS = 8
MAX_ERROR = 200
ALARM_AFTER = 3
"""An urgent notice that failed this many times (or was refused) raises an alarm."""


def worker_origin() -> str:
    """The audit origin of this worker process: ``worker:<host>``."""
    return f"worker:{socket.gethostname()}"[:100]


@dataclass(frozen=True)
class Backoff:
    """Wait ``first`` after the first failure, twice as long after each next one, at most ``cap``."""

    first: dt.timedelta = dt.timedelta(seconds=30)
    cap: dt.timedelta = dt.timedelta(hours=1)

    def after(self, attempts: int) -> dt.timedelta:
        """The wait before the next try, after ``attempts`` failed tries (1 or more)."""
        wait = self.first * (2 ** min(max(attempts - 1, 0), 30))
        return min(wait, self.cap)


URGENT_CHANNELS = frozenset({"sms", "phone", "duty_office", "emergency", "government"})
"""The channels of a special matter's notices (R-SPECIAL-REPORT)."""
URGENT_BACKOFF = dt.timedelta(minutes=5)
"""The longest wait between two tries of an urgent notice (minutes, not hours)."""


@dataclass(frozen=True)
class Delivery:
    """What one :func:`deliver_due` did, by idempotency key."""

    delivered: tuple[str, ...] = ()
    retried: tuple[str, ...] = ()  # failed, tried again later
    given_up: tuple[str, ...] = ()
    released: tuple[str, ...] = ()  # claimed, not sent (asked to stop): due again at once
    alarms: tuple[str, ...] = ()  # urgent notices failing again and again, or refused


@dataclass(frozen=True)
class _Claimed:
    id: int
    key: str
    channel: str
    target: str
    payload: dict[str, Any]
    attempts: int
    ticket: str
    urgent: bool = False  # a notice of a special or urgent matter: never given up

    def message(self) -> Message:
        return Message(
            key=self.key,
            channel=self.channel,
            target=self.target,
            ticket=self.ticket,
            payload=dict(self.payload or {}),
            attempt=self.attempts + 1,
        )


def deliver_due(
    store: Store,
    sink: Sink,
    clock: Clock,
    *,
    batch: int = DEFAULT_BATCH,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff: Backoff = Backoff(),
    lease: dt.timedelta = LEASE,
    should_stop: Callable[[], bool] | None = None,
) -> Delivery:
    """Claim up to ``batch`` due outbox rows, send each through ``sink``, mark each.

    Args:
        should_stop: asked before each send; when it answers True the rows not yet sent are
            handed back (due at once) and the call returns.

    Returns:
        The keys delivered, to be retried, given up and handed back. A database failure while
        marking propagates (the row stays claimed and is sent again, same key, after ``lease``).
    """
    if batch < 1 or max_attempts < 1:
        raise ValueError("batch and max_attempts must be at least 1")
    rows = _claim(store, clock.now(), batch, lease)
    delivered: list[str] = []
    retried: list[str] = []
    given_up: list[str] = []
    alarms: list[str] = []
    started = time.monotonic()
    budget = lease.total_seconds() / 2  # leave half the lease as margin for the last send
    for i, row in enumerate(rows):
        if (should_stop is not None and should_stop()) or time.monotonic() - started > budget:
            rest = rows[i:]
            _release(store, rest)
            return Delivery(
                tuple(delivered),
                tuple(retried),
                tuple(given_up),
                tuple(r.key for r in rest),
                tuple(alarms),
            )
        reason = ""
        try:
            sink.send(row.message())
        except DeliveryError as exc:
            reason = exc.reason
            outcome = _failed(store, clock, row, exc.reason, exc.permanent, max_attempts, backoff)
        except Exception as exc:  # noqa: BLE001 — any sink failure is one failed attempt
            reason = type(exc).__name__
            outcome = _failed(store, clock, row, reason, False, max_attempts, backoff)
        else:
            _delivered(store, clock, row)
            outcome = "delivered"
        if outcome == "alarm":
            outcome = "retried"
            alarms.append(
                f"{row.ticket} 特殊事项通知 {row.key} 已失败 {row.attempts + 1} 次（{reason}），"
                "仍在重试；请检查网关设置，必要时电话通知（hotline outbox list）"
            )
        {"delivered": delivered, "retried": retried, "given_up": given_up}[outcome].append(row.key)
    return Delivery(tuple(delivered), tuple(retried), tuple(given_up), (), tuple(alarms))


def _claim(store: Store, now: dt.datetime, batch: int, lease: dt.timedelta) -> list[_Claimed]:
    stmt = (
        select(
            OutboxRow.id,
            OutboxRow.idempotency_key,
            OutboxRow.channel,
            OutboxRow.target,
            OutboxRow.payload,
            OutboxRow.attempts,
            TicketRow.number,
            TicketRow.special,
        )
        .outerjoin(TicketRow, TicketRow.id == OutboxRow.ticket_id)  # a policy push: no ticket
        .where(
            OutboxRow.delivered_at.is_(None),
            OutboxRow.gave_up_at.is_(None),
            or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now),
        )
        .order_by(OutboxRow.id)
        .limit(batch)
    )
    with store.write() as s:
        if store.dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=OutboxRow)
        rows = [
            _Claimed(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4] or {},
                r[5] or 0,
                r[6] or "",
                urgent=r[2] in URGENT_CHANNELS and (r[7] or "none") != "none",
            )
            for r in s.execute(stmt).all()
        ]
        if rows:
            s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_([r.id for r in rows]))
                .values(next_attempt_at=now + lease)
                .execution_options(synchronize_session=False)
            )
    return rows


def _release(store: Store, rows: Sequence[_Claimed]) -> None:
    if not rows:
        return
    with store.write() as s:
        s.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_([r.id for r in rows]), OutboxRow.delivered_at.is_(None))
            .values(next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )


def _delivered(store: Store, clock: Clock, row: _Claimed) -> None:
    now = clock.now()
    with store.write() as s:
        s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row.id, OutboxRow.delivered_at.is_(None))
            .values(delivered_at=now, attempts=OutboxRow.attempts + 1, next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
        _audit(s, "outbox_delivered", row)
    log.info("outbox: %s delivered (attempt %d)", row.key, row.attempts + 1)


def _failed(
    store: Store,
    clock: Clock,
    row: _Claimed,
    reason: str,
    permanent: bool,
    max_attempts: int,
    backoff: Backoff,
) -> str:
    now = clock.now()
    attempts = row.attempts + 1
    give_up = not row.urgent and (permanent or attempts >= max_attempts)
    wait = backoff.after(attempts)
    if row.urgent:
        wait = min(wait, URGENT_BACKOFF)
    reason = (reason or "error")[:MAX_ERROR]
    with store.write() as s:
        s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row.id, OutboxRow.delivered_at.is_(None))
            .values(
                attempts=OutboxRow.attempts + 1,
                last_error=reason,
                next_attempt_at=None if give_up else now + wait,
                gave_up_at=now if give_up else None,
            )
            .execution_options(synchronize_session=False)
        )
        _audit(s, "outbox_gave_up" if give_up else "outbox_retry", row, error=reason)
    if give_up:
        log.warning("outbox: %s given up after %d attempt(s): %s", row.key, attempts, reason)
        return "given_up"
    log.info("outbox: %s failed (attempt %d): %s; tried again later", row.key, attempts, reason)
    if row.urgent and (permanent or attempts >= ALARM_AFTER):
        return "alarm"
    return "retried"


def _audit(s: Any, action: str, row: _Claimed, error: str = "") -> None:
    detail: dict[str, Any] = {
        "key": row.key[:80],
        "channel": row.channel,
        "attempt": row.attempts + 1,
    }
    if error:
        detail["error"] = error[:60]
    # a policy push belongs to no ticket: its key names it
    audit.record(s, action, row.ticket or row.key[:80], detail, WORKER_ACTOR)


# ---------------------------------------------------------------------- the tick
@dataclass(frozen=True)
class TickReport:
    """What one tick of the worker did."""

    delivery: Delivery = field(default_factory=Delivery)
    settled: tuple[str, ...] = ()  # tickets closed as basically satisfied (R-DEFAULT-SATISFIED)
    reminded: tuple[str, ...] = ()  # deadline reminders written for the units (红黄灯)

    def as_json(self) -> dict[str, list[str]]:
        return {
            "delivered": list(self.delivery.delivered),
            "retried": list(self.delivery.retried),
            "given_up": list(self.delivery.given_up),
            "released": list(self.delivery.released),
            "alarms": list(self.delivery.alarms),
            "settled": list(self.settled),
            "reminded": list(self.reminded),
        }

    @property
    def idle(self) -> bool:
        return not any(self.as_json().values())


class Worker:
    """One tick = write the deadline reminders, deliver the due outbox rows, then settle.

    The reminders (``remind`` — ``TicketService.remind_deadlines``): one message to a unit for
    each of its clocks that turned yellow or red since the last tick (tickets/reminders.py),
    written first so that they go out in the same tick. The settling: call-backs with no rating 72 hours after an automatic call-back are closed as
    basically satisfied (``settle`` — ``TicketService.settle_callbacks`` acting as
    :data:`WORKER_ACTOR`, R-DEFAULT-SATISFIED). Everything runs as that seat from ``origin``.
    """

    def __init__(
        self,
        store: Store,
        sink: Sink,
        clock: Clock,
        settle: Callable[[], Sequence[str]],
        *,
        remind: Callable[[], Sequence[str]] | None = None,
        batch: int = DEFAULT_BATCH,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff: Backoff = Backoff(),
        lease: dt.timedelta = LEASE,
        origin: str | None = None,
    ) -> None:
        self.store = store
        self.sink = sink
        self.clock = clock
        self.settle = settle
        self.remind = remind
        self.batch = batch
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.lease = lease
        self.origin = origin or worker_origin()

    def tick(self, should_stop: Callable[[], bool] | None = None) -> TickReport:
        with audit.audit_context(WORKER_ACTOR, self.origin):
            reminded = tuple(self.remind()) if self.remind is not None else ()
            delivery = deliver_due(
                self.store,
                self.sink,
                self.clock,
                batch=self.batch,
                max_attempts=self.max_attempts,
                backoff=self.backoff,
                lease=self.lease,
                should_stop=should_stop,
            )
            if should_stop is not None and should_stop():
                return TickReport(delivery, reminded=reminded)
            settled = tuple(self.settle())
        return TickReport(delivery, settled, reminded)


# ---------------------------------------------------------------------- a person decides
@dataclass(frozen=True)
class OutboxEntry:
    """One outbox message as the `hotline outbox` verbs show it (no message content)."""

    id: int
    key: str
    ticket: str
    channel: str
    target: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    gave_up_at: dt.datetime | None
    urgent: bool

    @property
    def status(self) -> str:
        if self.delivered_at is not None:
            return "已送达"
        if self.gave_up_at is not None:
            return "已放弃"
        return "失败重试中" if self.attempts else "待发送"


def list_outbox(store: Store, which: str = "open", limit: int = 200) -> list[OutboxEntry]:
    """Messages not delivered (``open``: waiting or failing; ``given_up``) or ``all``, newest
    last."""
    stmt = select(OutboxRow, TicketRow.number, TicketRow.special).outerjoin(
        TicketRow, TicketRow.id == OutboxRow.ticket_id
    )
    if which == "open":
        stmt = stmt.where(OutboxRow.delivered_at.is_(None), OutboxRow.gave_up_at.is_(None))
    elif which == "given_up":
        stmt = stmt.where(OutboxRow.gave_up_at.is_not(None), OutboxRow.delivered_at.is_(None))
    with store.read() as s:
        got = s.execute(stmt.order_by(OutboxRow.id.desc()).limit(limit)).all()
    return [
        OutboxEntry(
            r.id, r.idempotency_key, number or "", r.channel, r.target, r.attempts or 0,
            r.last_error or "", r.created_at, r.next_attempt_at, r.delivered_at, r.gave_up_at,
            r.channel in URGENT_CHANNELS and (special or "none") != "none",
        )
        for r, number, special in reversed(got)
    ]  # fmt: skip


def _one(s: Any, key: str) -> tuple[OutboxRow, str]:
    from console.errors import InputError

    found = s.execute(
        select(OutboxRow, TicketRow.number)
        .outerjoin(TicketRow, TicketRow.id == OutboxRow.ticket_id)
        .where(OutboxRow.idempotency_key == key)
    ).first()
    if found is None:
        raise InputError("key", f"没有这条待发消息：{key[:80]}（hotline outbox list 查看）")
    row, number = found
    if row.delivered_at is not None:
        raise InputError(
            "key", f"{key[:80]} 已于 {local(row.delivered_at):%Y-%m-%d %H:%M} 送达，无需处理"
        )
    return row, number or ""


def retry_now(store: Store, clock: Clock, key: str, actor: Actor) -> None:
    """A person sends a message again: due at once, given-up mark cleared; audited. The
    idempotency key stays, so a gateway that already has it does not send it twice."""
    with store.write() as s:
        row, number = _one(s, key)
        row.gave_up_at = None
        row.next_attempt_at = None
        audit.record(s, "outbox_retry_now", number, {"key": key[:80], "channel": row.channel},
                     actor)  # fmt: skip


def cancel(store: Store, clock: Clock, key: str, reason: str, actor: Actor) -> None:
    """A person decides a message will not be sent (it was phoned through, or is void): it is
    marked given up with the reason; audited."""
    from console.errors import InputError

    reason = " ".join(reason.split())
    if not reason:
        raise InputError("reason", "取消须说明原因（如：已电话通知值班室）")
    with store.write() as s:
        row, number = _one(s, key)
        row.gave_up_at = clock.now()
        row.next_attempt_at = None
        row.last_error = f"人工取消：{reason}"[:MAX_ERROR]
        audit.record(s, "outbox_cancelled", number,
                     {"key": key[:80], "channel": row.channel, "reason": reason[:200]},
                     actor)  # fmt: skip
