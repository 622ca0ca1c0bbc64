"""`hotline worker`'s tick on SQLite and PostgreSQL: the outbox delivered once, with retries,
against a real HTTP gateway on loopback; the call-back timer (R-DEFAULT-SATISFIED)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from console.bootstrap import open_store
from console.services.access import audit
from console.services.delivery.outbox import LEASE, WORKER_ACTOR, Backoff, Worker, deliver_due
from console.services.delivery.sinks import FileSink, HttpSink, Message
from console.services.tickets.commands import TicketService
from console.services.values import Kind, Role, Satisfaction, Special, State
from console.services.views import Actor
from console.store.models import OutboxRow, TicketRow
from tests.store.conftest import Platform, intake

REPORT_CHANNELS = {"sms", "phone", "duty_office", "emergency"}


# ---------------------------------------------------------------- a gateway on loopback
class Gateway:
    """A message gateway on 127.0.0.1: records each call, answers 503 to the first
    ``fail_first`` calls (or ``status`` to every call), 409 to a key it already has."""

    def __init__(self, fail_first: int = 0, status: int | None = None) -> None:
        self.fail_first = fail_first
        self.status = status
        self.calls: list[tuple[str, dict[str, Any], int]] = []  # header key, body, answer
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key", "")
                with gateway.lock:
                    accepted = {k for k, _, code in gateway.calls if code == 200}
                    if gateway.status is not None:
                        code = gateway.status
                    elif len(gateway.calls) < gateway.fail_first:
                        code = 503
                    else:
                        code = 409 if key in accepted else 200
                    gateway.calls.append((key, body, code))
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def accepted(self) -> Counter[str]:
        """How many times each key was taken in (200)."""
        with self.lock:
            return Counter(k for k, _, code in self.calls if code == 200)

    def keys(self) -> list[str]:
        with self.lock:
            return [k for k, _, _ in self.calls]


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    g = Gateway()
    g.thread.start()
    try:
        yield g
    finally:
        g.server.shutdown()
        g.server.server_close()


def worker(p: Platform, sink: Any, **kw: Any) -> Worker:
    tickets = TicketService(p.store, p.clock, p.operator.calendar, p.operator.rules, WORKER_ACTOR)
    return Worker(p.store, sink, p.clock, tickets.settle_callbacks, origin="worker:test", **kw)


def special(p: Platform, text: str = "全镇停水两天") -> str:
    return p.operator.accept(intake(Kind.HELP, text=text), "hn-zjt", special=Special.URGENT)


def rows(p: Platform) -> list[OutboxRow]:
    with p.store.read() as s:
        return list(s.execute(select(OutboxRow).order_by(OutboxRow.id)).scalars())


def to_caller(p: Platform) -> list[OutboxRow]:
    """The messages to the caller (13812341234), not the units' notices."""
    return [r for r in rows(p) if r.target == "13812341234"]


# ---------------------------------------------------------------- delivered once
def test_r_special_report_four_messages_delivered_once(
    platform: Platform, gateway: Gateway
) -> None:
    p = platform
    number = special(p)
    sink = HttpSink(gateway.url)
    try:
        first = worker(p, sink).tick()
        again = worker(p, sink).tick()
    finally:
        sink.close()
    keys = [r.idempotency_key for r in rows(p)]
    assert len(keys) == 4 and set(first.delivery.delivered) == set(keys)
    assert again.delivery.delivered == () and len(gateway.calls) == 4
    assert gateway.accepted() == Counter(keys)
    bodies = [b for _, b, _ in gateway.calls]
    assert {b["channel"] for b in bodies} == REPORT_CHANNELS
    assert all(b["ticket"] == number for b in bodies)
    assert all(k == b["key"] for k, b, _ in gateway.calls)  # header and body agree
    sms = next(b for b in bodies if b["channel"] == "sms")
    assert sms["target"] == "hn-zjt" and sms["payload"]["unit"] == "省住房城乡建设厅"
    assert sms["payload"]["message"].startswith("【12345】特殊紧急事项工单" + number)
    for r in rows(p):
        assert r.delivered_at == p.clock.now() and r.attempts == 1 and r.gave_up_at is None
    marks = audit.entries(p.store, action="outbox_delivered")
    assert len(marks) == 4 and {m.target for m in marks} == {number}
    assert {m.seat for m in marks} == {"worker"} and {m.origin for m in marks} == {"worker:test"}
    assert audit.verify(p.store).ok


def test_gateway_503_retried_with_backoff_then_delivered_once(
    platform: Platform, gateway: Gateway
) -> None:
    p = platform
    special(p)
    gateway.fail_first = 5  # the first round (4 calls) and the next call fail
    sink = HttpSink(gateway.url)
    w = worker(p, sink, backoff=Backoff(dt.timedelta(seconds=30), dt.timedelta(minutes=10)))
    try:
        one = w.tick()
        assert len(one.delivery.retried) == 4 and one.delivery.delivered == ()
        for r in rows(p):
            assert r.attempts == 1 and r.last_error == "HTTP 503"
            assert r.next_attempt_at == p.clock.now() + dt.timedelta(seconds=30)
        assert w.tick().delivery == type(one.delivery)()  # nothing due before the backoff
        assert len(gateway.calls) == 4
        p.advance(seconds=30)
        two = w.tick()
        assert len(two.delivery.delivered) == 3 and len(two.delivery.retried) == 1
        late = next(r for r in rows(p) if r.delivered_at is None)
        assert late.attempts == 2 and late.next_attempt_at == p.clock.now() + dt.timedelta(
            seconds=60
        )  # twice the first wait
        p.advance(seconds=60)
        three = w.tick()
    finally:
        sink.close()
    assert three.delivery.delivered == (late.idempotency_key,)
    assert gateway.accepted() == Counter(r.idempotency_key for r in rows(p))  # each once
    assert all(r.delivered_at is not None for r in rows(p))


def test_gateway_400_given_up_at_once_with_the_status_only(
    platform: Platform, gateway: Gateway
) -> None:
    p = platform
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)
    p.rst.request_extension(number, 5, "需现场勘查，延期办理。")
    p.manager.review_extension(number, True, "同意延期")
    [row] = to_caller(p)
    assert row.channel == "sms" and row.target == "13812341234"  # the caller's number
    gateway.status = 400
    sink = HttpSink(gateway.url)
    try:
        report = worker(p, sink).tick()
        calls = len(gateway.calls)
        p.advance(hours=2)
        later = worker(p, sink).tick()
    finally:
        sink.close()
    assert row.idempotency_key in report.delivery.given_up
    assert later.delivery == type(report.delivery)() and len(gateway.calls) == calls
    [row] = to_caller(p)
    assert row.gave_up_at == p.clock.now() - dt.timedelta(hours=2) and row.delivered_at is None
    assert row.last_error == "HTTP 400" and row.attempts == 1
    [mark] = [
        e
        for e in audit.entries(p.store, action="outbox_gave_up")
        if e.detail["key"] == row.idempotency_key
    ]
    assert mark.detail["error"] == "HTTP 400"
    assert "13812341234" not in json.dumps(mark.detail, ensure_ascii=False)


def ordinary(p: Platform) -> str:
    """A ticket whose completion was approved: the automatic call-back SMS (R-CALLBACK) is an
    ordinary message, not a special matter's notice."""
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    p.manager.review_completion(number, True)
    return number


def test_gave_up_after_max_attempts(platform: Platform, gateway: Gateway) -> None:
    p = platform
    ordinary(p)
    assert len(rows(p)) >= 1
    gateway.status = 502
    sink = HttpSink(gateway.url)
    w = worker(p, sink, max_attempts=2, backoff=Backoff(dt.timedelta(seconds=10)))
    try:
        assert w.tick().delivery.retried
        p.advance(seconds=10)
        assert w.tick().delivery.given_up
        p.advance(days=1)
        assert w.tick().delivery.given_up == ()
    finally:
        sink.close()
    assert all(r.gave_up_at is not None and r.attempts == 2 for r in rows(p))


def test_r_special_report_notices_are_never_given_up_and_raise_an_alarm(
    platform: Platform, gateway: Gateway
) -> None:
    """A gateway in maintenance (503) for two hours — twice the old give-up time: the four
    notices of an urgent matter are tried at most five minutes apart, an alarm is raised from
    the third failure on, and all four go out once the gateway is back."""
    from console.services.delivery.outbox import URGENT_BACKOFF

    p = platform
    number = special(p)
    gateway.status = 503
    sink = HttpSink(gateway.url)
    w = worker(p, sink, max_attempts=8, backoff=Backoff(dt.timedelta(seconds=30)))
    alarms: list[str] = []
    try:
        for _ in range(24):  # two hours, a tick every five minutes
            report = w.tick()
            assert report.delivery.given_up == ()
            alarms += report.delivery.alarms
            p.advance(seconds=URGENT_BACKOFF.total_seconds())
        assert all(r.gave_up_at is None and r.attempts >= 20 for r in rows(p))
        assert alarms and all(number in a and "503" in a for a in alarms)
        assert {k for k, _, _ in gateway.calls} == {r.idempotency_key for r in rows(p)}
        gateway.status = None
        assert len(w.tick().delivery.delivered) == 4
    finally:
        sink.close()
    assert all(r.delivered_at is not None for r in rows(p))
    assert Counter(gateway.accepted().values()) == Counter({1: 4})


def test_r_special_report_a_refused_notice_is_kept_and_alarms(
    platform: Platform, gateway: Gateway
) -> None:
    """400 (the gateway refuses the message) gives an ordinary message up at once; a special
    matter's notice is kept for a person to decide, with an alarm at once."""
    p = platform
    special(p)
    gateway.status = 400
    sink = HttpSink(gateway.url)
    w = worker(p, sink)
    try:
        report = w.tick()
    finally:
        sink.close()
    assert report.delivery.given_up == () and len(report.delivery.alarms) == 4
    assert all(r.gave_up_at is None for r in rows(p))


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_wrong_gateway_setting_is_retried_not_given_up(
    platform: Platform, gateway: Gateway, status: int
) -> None:
    """401/403/404 say the worker's URL or credentials are wrong, not the message: once the
    setting is fixed every message of the meantime still goes out."""
    p = platform
    special(p)
    gateway.status = status
    sink = HttpSink(gateway.url)
    w = worker(p, sink, backoff=Backoff(dt.timedelta(seconds=10)))
    try:
        report = w.tick()
        assert len(report.delivery.retried) == 4 and report.delivery.given_up == ()
        gateway.status = None
        p.advance(seconds=10)
        assert len(w.tick().delivery.delivered) == 4
    finally:
        sink.close()
    assert all(r.delivered_at is not None and r.gave_up_at is None for r in rows(p))


def test_unreachable_gateway_is_retried(platform: Platform, gateway: Gateway) -> None:
    p = platform
    special(p)
    gateway.server.shutdown()
    gateway.server.server_close()  # nothing listens on that port any more
    sink = HttpSink(gateway.url, timeout=2)
    try:
        report = worker(p, sink).tick()
    finally:
        sink.close()
    assert len(report.delivery.retried) == 4
    assert {r.last_error for r in rows(p)} == {"ConnectError"}


# ---------------------------------------------------------------- a crash
class Crash(BaseException):
    """The worker process dies (kill -9, power cut) — nothing after this runs."""


class CrashAfterFirstSend:
    def __init__(self, inner: HttpSink) -> None:
        self.inner = inner
        self.timeout = inner.timeout
        self.crashed = False

    def send(self, message: Message) -> None:
        self.inner.send(message)  # the gateway has it …
        if not self.crashed:
            self.crashed = True
            raise Crash  # … and the worker dies before marking it

    def close(self) -> None:
        self.inner.close()


def test_crash_between_send_and_mark_resends_with_the_same_key(
    platform: Platform, gateway: Gateway
) -> None:
    p = platform
    special(p)
    sink = CrashAfterFirstSend(HttpSink(gateway.url))
    try:
        with pytest.raises(Crash):
            worker(p, sink).tick()
        first_key = gateway.keys()[0]
        assert all(r.delivered_at is None for r in rows(p))  # the mark never happened
        assert worker(p, sink).tick().delivery.delivered == ()  # claimed by the dead worker
        p.clock.advance(LEASE)
        report = worker(p, sink).tick()
    finally:
        sink.close()
    keys = {r.idempotency_key for r in rows(p)}
    assert set(report.delivery.delivered) == keys
    assert gateway.keys().count(first_key) == 2  # sent again, with the same key
    assert [code for k, _, code in gateway.calls if k == first_key] == [200, 409]
    assert gateway.accepted() == Counter(keys)  # the gateway took each key once


# ---------------------------------------------------------------- two workers
def test_two_workers_send_every_message_exactly_once(platform: Platform, gateway: Gateway) -> None:
    p = platform
    if p.store.dialect != "postgresql":
        pytest.skip("concurrent workers run on PostgreSQL (SQLite serialises their claims)")
    number = p.operator.accept(intake(), unit_id="hn-rst")
    with p.store.write() as s:
        tid = s.execute(select(TicketRow.id).where(TicketRow.number == number)).scalar_one()
        for i in range(50):
            s.add(
                OutboxRow(
                    ticket_id=tid,
                    channel="sms",
                    target="hn-rst",
                    payload={"n": i},
                    idempotency_key=f"{number}:drill:{i}",
                    created_at=p.clock.now(),
                )
            )
    expected = {r.idempotency_key for r in rows(p)}  # the 50 and the dispatch notice
    assert len(expected) == 51
    stores = [open_store(p.store.url) for _ in range(2)]
    sinks = [HttpSink(gateway.url) for _ in range(2)]
    tickets = TicketService(p.store, p.clock, p.operator.calendar, p.operator.rules, WORKER_ACTOR)
    workers = [
        Worker(stores[i], sinks[i], p.clock, tickets.settle_callbacks, batch=3, origin=f"w{i}")
        for i in range(2)
    ]
    sent: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(2)
    deadline = time.monotonic() + 120

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(60):  # bounded: 51 rows in batches of 3
                if time.monotonic() > deadline:
                    raise TimeoutError("the workers took too long")
                report = workers[i].tick()
                with lock:
                    sent.extend((i, k) for k in report.delivery.delivered)
                if not report.delivery.delivered:
                    return
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=150)
    finally:
        for sink in sinks:
            sink.close()
        for st in stores:
            st.dispose()
    assert not errors, errors
    assert Counter(gateway.keys()) == Counter(expected)  # every key sent exactly once
    assert Counter(k for _, k in sent) == Counter(expected)
    assert {i for i, _ in sent} == {0, 1}  # both workers took part
    assert all(r.delivered_at is not None and r.attempts == 1 for r in rows(p))
    assert audit.verify(p.store).ok


# ---------------------------------------------------------------- the file sink
def test_file_sink_writes_one_line_per_message(platform: Platform, tmp_path: Path) -> None:
    p = platform
    number = special(p)
    path = tmp_path / "outbox.jsonl"
    report = worker(p, FileSink(path)).tick()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    keys = [r.idempotency_key for r in rows(p)]
    assert [line["key"] for line in lines] == keys == list(report.delivery.delivered)
    assert {line["channel"] for line in lines} == REPORT_CHANNELS
    assert all(line["ticket"] == number and line["attempt"] == 1 for line in lines)
    worker(p, FileSink(path)).tick()
    assert len(path.read_text(encoding="utf-8").splitlines()) == 4  # nothing written twice


def test_file_sink_in_a_missing_folder_is_retried(platform: Platform, tmp_path: Path) -> None:
    p = platform
    special(p)
    report = worker(p, FileSink(tmp_path / "absent" / "outbox.jsonl")).tick()
    assert len(report.delivery.retried) == 4
    assert {r.last_error for r in rows(p)} == {"FileNotFoundError"}


def test_asked_to_stop_hands_the_claimed_rows_back(platform: Platform, tmp_path: Path) -> None:
    p = platform
    special(p)
    path = tmp_path / "outbox.jsonl"
    report = deliver_due(p.store, FileSink(path), p.clock, should_stop=path.exists)  # after one
    assert len(report.delivered) == 1 and len(report.released) == 3
    assert sum(r.delivered_at is None and r.next_attempt_at is None for r in rows(p)) == 3
    again = deliver_due(p.store, FileSink(path), p.clock)  # due again at once
    assert set(again.delivered) == set(report.released)


# ---------------------------------------------------------------- the timers
def test_r_default_satisfied_settled_by_the_worker_tick(platform: Platform, tmp_path: Path) -> None:
    p = platform
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    p.manager.review_completion(number, True)
    robot = p.operator.as_actor(Actor("robot", "系统", Role.SYSTEM))
    robot.record_callback(number, None, "auto")
    w = worker(p, FileSink(tmp_path / "outbox.jsonl"))
    p.advance(hours=71)
    assert w.tick().settled == ()
    p.advance(hours=2)
    report = w.tick()
    assert report.settled == (number,)
    view = p.operator.ticket(number)
    assert view.state == State.CLOSED and view.satisfaction == Satisfaction.BASIC.value
    [record] = audit.entries(p.store, action="default_satisfied")
    assert record.target == number and record.seat == "worker" and record.origin == "worker:test"
    assert w.tick().settled == ()


def test_a_delivered_message_is_not_sent_again_and_says_when_in_shanghai_time(
    platform: Platform, tmp_path: Path
) -> None:
    """Delivered at the drill clock's 2026-11-25 09:00 (Shanghai; 01:00 UTC): a person asking to
    send it again is told so, with the time as the seat reads it."""
    from console.errors import InputError
    from console.services.delivery.outbox import retry_now

    p = platform
    special(p)
    worker(p, FileSink(tmp_path / "outbox.jsonl")).tick()
    key = rows(p)[0].idempotency_key
    with pytest.raises(InputError) as e:
        retry_now(p.store, p.clock, key, p.operator.actor)
    assert f"已于 {p.clock.now():%Y-%m-%d %H:%M} 送达" in str(e.value)
    assert e.value.field == "key"
