"""`hotline worker`: deliver the outbox (SMS, phone notices, reports) and run the timers.

The messages go to the gateway named by HOTLINE_OUTBOX_URL, or are appended to the JSON
Lines file HOTLINE_OUTBOX_FILE. The worker ticks every ``--interval`` seconds until SIGTERM or
Ctrl-C (then it hands back what it claimed and exits 0); ``--once`` runs one tick and says
what it did. Any number of workers may run against one PostgreSQL: each row is sent by one.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from console.cli import UsageError
from console.errors import HotlineError, InputError

if TYPE_CHECKING:
    from console.config import Settings
    from console.services.clock import Clock
    from console.services.delivery.outbox import TickReport, Worker
    from console.services.delivery.sinks import Sink
    from console.store.engine import Store

log = logging.getLogger("console.worker")

DEFAULT_INTERVAL = 5.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "worker",
        help="后台任务：发送待发消息（短信、电话通知、值班室报告），运行定时任务（回访默认满意）",
    )
    p.add_argument("--once", action="store_true", help="只运行一轮，报告发送与处理结果后退出")
    p.add_argument(
        "--interval",
        default=str(DEFAULT_INTERVAL),
        help=f"两轮之间的秒数（默认 {DEFAULT_INTERVAL:g}）",
    )
    p.add_argument("--batch", default="50", help="每轮最多发送的消息数（默认 50）")
    p.add_argument("--json", action="store_true", help="每轮输出一行 JSON")
    p.set_defaults(handler=_worker)


def _number(name: str, text: str, low: float, high: float, integer: bool) -> float:
    try:
        value = float(int(text)) if integer else float(text)
    except ValueError:
        kind = "整数" if integer else "数"
        raise UsageError(f"{name}: 应为 {low:g}–{high:g} 的{kind}，收到 {text!r}") from None
    if not low <= value <= high:
        raise UsageError(f"{name}: 应在 {low:g}–{high:g} 之间，收到 {text}")
    return value


def make_sink(settings: Settings) -> Sink:
    """The sink the settings name; InputError naming the setting when none or both are set."""
    from console.services.delivery.sinks import FileSink, HttpSink

    url, path = settings.outbox_url, settings.outbox_file
    if url and path is not None:
        raise InputError("HOTLINE_OUTBOX_URL", "与 HOTLINE_OUTBOX_FILE 只能设置一个（网关或文件）")
    if url:
        if not url.startswith(("http://", "https://")):
            raise InputError("HOTLINE_OUTBOX_URL", "应为 http:// 或 https:// 开头的网关地址")
        return HttpSink(url)
    if path is not None:
        if not path.parent.is_dir():
            raise InputError("HOTLINE_OUTBOX_FILE", f"目录 {path.parent} 不存在")
        if path.is_dir():
            raise InputError("HOTLINE_OUTBOX_FILE", f"{path} 是目录，应为文件")
        return FileSink(path)
    raise InputError(
        "HOTLINE_OUTBOX_URL",
        "未设置消息网关：设置 HOTLINE_OUTBOX_URL（网关地址）或 HOTLINE_OUTBOX_FILE（JSON Lines 文件）",
    )


def _worker(args: argparse.Namespace) -> int:
    interval = _number("interval", args.interval, 0.1, 3600, integer=False)
    batch = int(_number("batch", args.batch, 1, 10_000, integer=True))
    from console.config import load_settings

    settings = load_settings()
    sink = make_sink(settings)  # before touching the database: a missing setting says so first
    try:
        from console.bootstrap import open_platform
        from console.services.access.audit import set_default_origin
        from console.services.delivery.outbox import WORKER_ACTOR, Worker, worker_origin
        from console.services.tickets.commands import TicketService

        set_default_origin(worker_origin())
        p = open_platform(settings)
        try:
            tickets = TicketService(p.store, p.clock, p.calendar, p.rules, WORKER_ACTOR)
            worker = Worker(
                p.store,
                sink,
                p.clock,
                tickets.settle_callbacks,
                remind=tickets.remind_deadlines,
                batch=batch,
            )
            if args.once:
                _print(worker.tick(), args.json)
                audit_checkpoint(p.store)
                return 0
            _start_trainer(p.store, p.clock)
            _loop(worker, interval, args.json, lambda: audit_checkpoint(p.store))
            return 0
        finally:
            p.store.dispose()
    finally:
        sink.close()


RETRAIN_CHECK_SECONDS = 600.0
"""How often the worker asks whether the routing model is due for retraining."""


def _start_trainer(store: Store, clock: Clock) -> None:
    """Retrain the routing model in the background once enough tickets were dispatched since
    the last version (knowledge/training.py): deliveries never wait for it."""
    from console.services.knowledge.training import retrain_if_due

    def run() -> None:
        while True:
            time.sleep(RETRAIN_CHECK_SECONDS)
            try:
                report = retrain_if_due(store, clock.now())
            except Exception as exc:  # noqa: BLE001 — try again at the next check
                log.warning("routing model not retrained: %s", type(exc).__name__)
                continue
            if report is not None:
                log.info(
                    "routing model v%d trained on %d examples (%d tickets) in %.1fs",
                    report.version, report.examples, report.history, report.seconds,
                )  # fmt: skip

    threading.Thread(target=run, name="model-trainer", daemon=True).start()


CHECKPOINT_SECONDS = 300.0
"""How often the worker signs a checkpoint of the audit trail (when it grew)."""


def audit_checkpoint(store: Store) -> bool:
    """Sign a checkpoint of the audit trail into the checkpoint file (R-SECURITY) after
    checking that the trail extends the last one; an alarm line per problem otherwise.
    Returns False when the trail does not extend the last checkpoint."""
    from console.services.access.verification import checkpoint

    try:
        done = checkpoint(store)
    except HotlineError as exc:
        print(f"hotline worker: 审计检查点未写入：{exc}", file=sys.stderr, flush=True)
        return True
    except Exception as exc:  # noqa: BLE001 — deliveries go on; class only
        log.error("audit checkpoint failed: %s", type(exc).__name__)
        return True
    for problem in done.problems:
        print(f"hotline worker: 审计告警：{problem}", file=sys.stderr, flush=True)
    if done.problems:
        print(
            "hotline worker: 审计告警：审计记录与上一检查点不符，未写入检查点；"
            "请运行 hotline audit verify",
            file=sys.stderr,
            flush=True,
        )
        return False
    if done.written is not None:
        log.info("audit checkpoint: head #%d", done.written.head)
    return True


def _loop(
    worker: Worker,
    interval: float,
    as_json: bool,
    checkpoint: Callable[[], object] | None = None,
) -> None:
    stop = threading.Event()
    last_checkpoint: float | None = None
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    with _stop_on_signals(stop):
        log.info("worker started: every %gs, batch %d", interval, worker.batch)
        while not stop.is_set():
            now = time.monotonic()
            if checkpoint is not None and (
                last_checkpoint is None or now - last_checkpoint >= CHECKPOINT_SECONDS
            ):
                last_checkpoint = now
                checkpoint()
            try:
                report = worker.tick(should_stop=stop.is_set)
            except HotlineError as exc:  # the database away for a moment: try next tick
                log.warning("tick failed: %s", exc)
            except Exception as exc:  # noqa: BLE001 — a worker keeps running; class only
                log.error("tick failed: %s", type(exc).__name__)
            else:
                if not report.idle:
                    _print(report, as_json)
                d = report.delivery
                if len(d.delivered) + len(d.retried) + len(d.given_up) >= worker.batch:
                    continue  # a full batch: more may be due, no pause
            stop.wait(interval)
        if checkpoint is not None:
            checkpoint()
        log.info("worker stopped")


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _print(report: TickReport, as_json: bool) -> None:
    for alarm in report.delivery.alarms:  # on stderr as well, where a supervisor's log looks
        print(f"hotline worker: 告警：{alarm}", file=sys.stderr, flush=True)
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False), flush=True)
        return
    d = report.delivery
    print(
        f"已发送 {len(d.delivered)} 条，待重试 {len(d.retried)} 条，已放弃 {len(d.given_up)} 条；"
        f"回访视为基本满意 {len(report.settled)} 件；时限提醒 {len(report.reminded)} 条",
        flush=True,
    )
    for label, keys in (
        ("已发送", d.delivered),
        ("待重试", d.retried),
        ("已放弃", d.given_up),
        ("已交回", d.released),
        ("视为基本满意", report.settled),
        ("时限提醒", report.reminded),
    ):
        for key in keys:
            print(f"  {label} {key}", flush=True)
