"""Load test: 20 seats working at once through the HTTP API on one PostgreSQL.

Quality bar (design.md): 20 seats on one PostgreSQL — no lost update, no double claim,
throughput reported.

What runs: ``python -m console serve`` on a free loopback port over the benchmark database
(``gen_tickets.bench_url()``, the 1 M-ticket ``hotline_bench``; generated first if missing),
and 20 seats made with ``console.services.access.seats.add_seat``, each a thread with its own
``RemoteBackend`` (its own HTTP client and token):

- 8 operators take calls: accept (half of them dispatched in the same step, half dispatched
  by a second call), now and then a glance at a queue count;
- 6 unit clerks (2 for each of 3 units) claim the next ticket awaiting signature and sign it,
  and race each other with extension requests on their unit's freshly signed tickets (both
  read the ticket's version and ask; one wins, the other gets a conflict or a rule refusal);
- 4 managers claim pending extensions and approve them;
- 2 call-back operators claim completed tickets and record the caller's satisfaction.

Each seat runs a fixed number of operations (``--ops``, default 100) and stops at a deadline
(``--seconds``, default 300) whatever is left; traffic goes to 127.0.0.1 only. Afterwards:
throughput (operations/s), latency p50/p95 per operation, lost updates (each successful
command must have exactly its events in the store, and each ticket's extension days the sum
of its approvals), double claims (a ticket claimed by two seats from one queue while the
claim was live), and the audit chain is verified. The seats are revoked at the end.

Run: ``python benchmarks/load_test.py [--ops N] [--seconds S] [--tickets N]``. ``run(...)``
returns the figures; exit status 1 on a lost update, a double claim or a broken chain.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_queues  # noqa: E402
import gen_tickets  # noqa: E402

from console.bootstrap import open_store  # noqa: E402
from console.errors import Conflict, HotlineError, RuleError  # noqa: E402
from console.services.access import audit, seats  # noqa: E402
from console.services.remote import API_PREFIX, RemoteBackend  # noqa: E402
from console.services.values import CallerType, Domain, Kind, Role, Satisfaction  # noqa: E402
from console.services.views import Intake  # noqa: E402
from console.store.engine import Store  # noqa: E402
from console.store.models import AuditRow, EventRow, TicketRow  # noqa: E402

UNITS = ("hn-rst", "hn-zjt", "hn-scjgj")
READY_SECONDS = 60
TEXTS = (
    "公司拖欠工资两个月，请求协调",
    "小区楼道积水，物业不处理",
    "社保转移接续办理不成功",
    "道路施工夜间噪音扰民",
    "办理营业执照多次被退回",
)


@dataclass
class Tally:
    """What the seats did, as the client saw it (guarded by one lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ok: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    claims: list[tuple[str, str, str]] = field(default_factory=list)  # (queue, number, seat)
    signed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def record(self, op: str, ms: float, outcome: str) -> None:
        with self.lock:
            self.latency[op].append(ms)
            if outcome == "ok":
                self.ok[op] += 1
            elif outcome == "refused":
                self.refused[op] += 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _intake(rng: random.Random) -> Intake:
    return Intake(
        kind=rng.choice((Kind.COMPLAINT, Kind.HELP, Kind.REPORT)),
        domain=Domain.SOCIAL_MANAGEMENT,
        text=rng.choice(TEXTS),
        caller_phone=f"139{rng.randrange(10**8):08d}",
        caller_name="压测来电人",
        caller_type=CallerType.PERSON,
        place="长沙市",
    )


class Seat(threading.Thread):
    """One working seat: a thread with its own RemoteBackend, a fixed number of operations."""

    def __init__(
        self,
        name: str,
        role: Role,
        unit: str | None,
        backend: RemoteBackend,
        ops: int,
        deadline: float,
        tally: Tally,
        seed: int,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.seat_name, self.role, self.unit = name, role, unit
        self.backend, self.ops, self.deadline, self.tally = backend, ops, deadline, tally
        self.rng = random.Random(seed)
        self.accepted: list[str] = []  # an operator's tickets still to dispatch

    def timed(self, op: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            result = fn()
        except (Conflict, RuleError) as exc:  # a lost race: expected, counted
            self.tally.record(op, (time.perf_counter() - t0) * 1000, "refused")
            return exc
        except HotlineError as exc:
            self.tally.record(op, (time.perf_counter() - t0) * 1000, "error")
            with self.tally.lock:
                self.tally.errors.append(f"{self.seat_name} {op}: {exc}")
            return exc
        self.tally.record(op, (time.perf_counter() - t0) * 1000, "ok")
        return result

    def run(self) -> None:
        try:
            for i in range(self.ops):
                if time.monotonic() > self.deadline:
                    return
                {
                    Role.OPERATOR: self.operator,
                    Role.UNIT_CLERK: self.clerk,
                    Role.MANAGER: self.manager,
                    Role.SHIFT_LEAD: self.callbacks,
                }[self.role](i)
        except Exception as exc:  # noqa: BLE001 — a crashed seat is reported, not hidden
            with self.tally.lock:
                self.tally.errors.append(f"{self.seat_name} crashed: {type(exc).__name__}: {exc}")
        finally:
            self.backend.close()

    # ---- the roles
    def operator(self, i: int) -> None:
        b = self.backend
        if self.accepted:
            number = self.accepted.pop()
            self.timed("dispatch", lambda: b.dispatch(number, self.rng.choice(UNITS)))
        elif i % 10 == 9:
            self.timed("queue_counts", lambda: b.queue_counts(["mine", "due_soon"]))
        elif self.rng.random() < 0.5:
            unit = self.rng.choice(UNITS)
            self.timed("accept+dispatch", lambda: b.accept(_intake(self.rng), unit_id=unit))
        else:
            number = self.timed("accept", lambda: b.accept(_intake(self.rng)))
            if isinstance(number, str):
                self.accepted.append(number)

    def clerk(self, i: int) -> None:
        b = self.backend
        assert self.unit is not None
        if i % 3 == 2:
            with self.tally.lock:
                shared = list(self.tally.signed[self.unit][-3:])
            if shared:  # race the other clerk of this unit on a shared ticket
                number = self.rng.choice(shared)
                view = self.timed("ticket", lambda: b.ticket(number))
                if not isinstance(view, HotlineError) and not view.pending:
                    self.timed(
                        "request_extension",
                        lambda: b.request_extension(number, 1, "需要协调", version=view.version),
                    )
                return
        if i % 7 == 6:
            self.timed("queue mine", lambda: b.queue("mine"))
            return
        number = self.timed("claim awaiting_sign", lambda: b.claim_next("awaiting_sign"))
        if isinstance(number, str):
            with self.tally.lock:
                self.tally.claims.append(("awaiting_sign", number, self.seat_name))
            if self.timed("sign", lambda: b.sign(number)) is None:
                with self.tally.lock:
                    self.tally.signed[self.unit].append(number)

    def manager(self, i: int) -> None:
        b = self.backend
        if i % 5 == 4:
            self.timed("queue_counts", lambda: b.queue_counts(["extensions", "overdue"]))
            return
        number = self.timed("claim extensions", lambda: b.claim_next("extensions"))
        if isinstance(number, str):
            with self.tally.lock:
                self.tally.claims.append(("extensions", number, self.seat_name))
            self.timed("review_extension", lambda: b.review_extension(number, True, "同意"))

    def callbacks(self, i: int) -> None:
        b = self.backend
        number = self.timed("claim callbacks", lambda: b.claim_next("callbacks"))
        if isinstance(number, str):
            with self.tally.lock:
                self.tally.claims.append(("callbacks", number, self.seat_name))
            result = Satisfaction.SATISFIED if self.rng.random() < 0.8 else Satisfaction.BASIC
            self.timed("record_callback", lambda: b.record_callback(number, result))


SEAT_PLAN: tuple[tuple[str, Role, str | None, int], ...] = (
    ("话务员", Role.OPERATOR, None, 8),
    *(("经办人", Role.UNIT_CLERK, unit, 2) for unit in UNITS),
    ("审核员", Role.MANAGER, None, 4),
    ("回访员", Role.SHIFT_LEAD, None, 2),
)


def _start_server(url: str, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HOTLINE_DB": url,
        "HOTLINE_DATA_DIR": str(workdir / "data"),
        "HOTLINE_CONFIG": str(workdir / "absent.toml"),
    }
    env.pop("HOTLINE_NOW", None)
    log = (workdir / "serve.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "console", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_ready(base: str, token: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise SystemExit(f"hotline serve exited with {proc.returncode}:\n{tail}")
        try:
            r = httpx.get(
                f"{base}{API_PREFIX}/me", headers={"Authorization": f"Bearer {token}"}, timeout=2
            )
            if r.status_code == 200:
                return
            last = f"HTTP {r.status_code} {r.text[:200]}"
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.2)
    raise SystemExit(f"hotline serve did not become ready ({last})")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _check_store(
    store: Store, names: list[str], seat_ids: list[str], since_event: int, since_audit: int,
    tally: Tally,
) -> dict[str, Any]:  # fmt: skip
    """Compare what the clients saw succeed with what the store holds."""
    with store.read() as s:
        events = Counter(
            dict(
                s.execute(
                    select(EventRow.action, func.count())
                    .where(EventRow.id > since_event, EventRow.actor.in_(names))
                    .group_by(EventRow.action)
                ).all()
            )
        )
        claim_records = Counter(
            s.execute(
                select(AuditRow.target).where(
                    AuditRow.id > since_audit,
                    AuditRow.action == "claim",
                    AuditRow.seat.in_(seat_ids),
                )
            ).scalars()
        )
        approvals = s.execute(
            select(EventRow.ticket_id, EventRow.details).where(
                EventRow.id > since_event, EventRow.action == "extension_approved"
            )
        ).all()
        days: Counter[int] = Counter()
        for ticket_id, details in approvals:
            days[ticket_id] += int(details.get("days", 0))
        counters = dict(
            s.execute(
                select(TicketRow.id, TicketRow.extension_wd).where(TicketRow.id.in_(list(days)))
            ).all()
        ) if days else {}  # fmt: skip
    ok = tally.ok
    expected = {
        "accept": ok["accept"] + ok["accept+dispatch"],
        "dispatch": ok["dispatch"] + ok["accept+dispatch"],
        "sign": ok["sign"],
        "request_extension": ok["request_extension"],
        "extension_approved": ok["review_extension"],
        "callback": ok["record_callback"],
    }
    mismatches = {
        action: {"succeeded": want, "events": events.get(action, 0)}
        for action, want in expected.items()
        if events.get(action, 0) != want
    }
    counter_drift = {
        tid: {"approved_days": want, "extension_wd": counters.get(tid)}
        for tid, want in days.items()
        # generated tickets started at 0; the run's own ones too
        if counters.get(tid) != want
    }
    client_claims = Counter((q, n) for q, n, _ in tally.claims)
    double_client = sum(c - 1 for c in client_claims.values() if c > 1)
    double_audit = sum(c - 1 for c in claim_records.values() if c > 1)
    return {
        "events": dict(events),
        "expected": expected,
        "lost_updates": len(mismatches) + len(counter_drift),
        "mismatches": mismatches,
        "counter_drift": dict(list(counter_drift.items())[:5]),
        "double_claims": max(double_client, double_audit),
        "claims": len(tally.claims),
        "claim_records": sum(claim_records.values()),
    }


def run(ops: int = 100, seconds: float = 300, tickets: int = 1_000_000) -> dict[str, Any]:
    """Run the load; returns throughput, latencies, lost updates and double claims."""
    url = gen_tickets.bench_url()
    gen_tickets.ensure_database(url, fresh=False)
    store = open_store(url)
    gen_tickets.migrate(store)
    if gen_tickets.ticket_count(url) != tickets:
        store.dispose()
        print(f"生成 {tickets:,} 张工单 …", flush=True)
        gen_tickets.run(tickets, url, fresh=True, quiet=True)
        store = open_store(url)
    run_id = uuid.uuid4().hex[:6]
    now = dt.datetime.now(dt.UTC)
    plan: list[tuple[str, Role, str | None, str, str]] = []  # name, role, unit, seat id, token
    with audit.audit_context(origin="load_test"):
        for label, role, unit, count in SEAT_PLAN:
            for k in range(count):
                name = f"压测{label}{unit or ''}{k + 1}-{run_id}"
                info, token = seats.add_seat(store, name, role, unit, now=now)
                plan.append((name, role, unit, info.id, token))
    with store.read() as s:
        since_event = s.execute(select(func.max(EventRow.id))).scalar_one() or 0
        since_audit = s.execute(select(func.max(AuditRow.id))).scalar_one() or 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="hotline-load-") as tmp:
        proc = _start_server(url, port, Path(tmp))
        try:
            wait_ready(base, plan[0][4], proc, Path(tmp) / "serve.log")
            deadline = time.monotonic() + seconds
            threads = [
                Seat(name, role, unit, RemoteBackend(base, token, timeout=30), ops, deadline,
                     tally, seed=i)
                for i, (name, role, unit, _, token) in enumerate(plan)
            ]  # fmt: skip
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=seconds + 60)
            wall = time.perf_counter() - t0
            hung = [t.name for t in threads if t.is_alive()]
        finally:
            stop_server(proc)
            server_log = (Path(tmp) / "serve.log").read_text(encoding="utf-8", errors="replace")
    try:
        checks = _check_store(
            store, [p[0] for p in plan], [p[3] for p in plan], since_event, since_audit, tally
        )
        chain = audit.verify(store)
        with audit.audit_context(origin="load_test"):
            for *_, seat_id, _token in plan:
                seats.revoke_seat(store, seat_id, dt.datetime.now(dt.UTC))
    finally:
        store.dispose()
    all_ms = [ms for values in tally.latency.values() for ms in values]
    total_ops = len(all_ms)
    result: dict[str, Any] = {
        "seats": len(plan),
        "ops_per_seat": ops,
        "operations": total_ops,
        "seconds": round(wall, 2),
        "throughput_ops_s": round(total_ops / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(all_ms), 1) if all_ms else None,
        "p95_ms": round(_pct(all_ms, 0.95), 1) if all_ms else None,
        "per_op": {
            op: {
                "n": len(v),
                "ok": tally.ok[op],
                "refused": tally.refused[op],
                "p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(_pct(v, 0.95), 1),
            }
            for op, v in sorted(tally.latency.items())
        },
        "errors": tally.errors[:10],
        "error_count": len(tally.errors),
        "hung_seats": hung,
        "machine": bench_queues.machine(),
        "audit_chain": chain.message,
        "audit_ok": chain.ok,
        **checks,
    }
    result["ok"] = (
        result["lost_updates"] == 0
        and result["double_claims"] == 0
        and chain.ok
        and not hung
        and not tally.errors
    )
    _print(result)
    if not result["ok"] and server_log.strip():
        print("--- hotline serve (last lines) ---")
        print("\n".join(server_log.splitlines()[-20:]))
    return result


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))]


def _print(r: dict[str, Any]) -> None:
    print(
        f"{r['seats']} 个席位 × {r['ops_per_seat']} 次操作，经 HTTP API（127.0.0.1）访问同一 PostgreSQL"
    )
    print(f"{'操作':<22}{'次数':>6}{'成功':>6}{'竞争落败':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for op, e in r["per_op"].items():
        print(
            f"{op:<22}{e['n']:>6}{e['ok']:>6}{e['refused']:>9}{e['p50_ms']:>9.1f}{e['p95_ms']:>9.1f}"
        )
    print(
        f"共 {r['operations']} 次操作，用时 {r['seconds']:.1f} s，吞吐 {r['throughput_ops_s']:.1f} 次/秒，"
        f"延迟 p50 {r['p50_ms']} ms、p95 {r['p95_ms']} ms"
    )
    print(
        f"丢失更新 {r['lost_updates']}（成功命令与库中事件逐项相符：{r['expected']}），"
        f"重复认领 {r['double_claims']}（认领 {r['claims']} 次，审计记录 {r['claim_records']} 条）"
    )
    if r["mismatches"] or r["counter_drift"]:
        print(f"不符：{r['mismatches']} {r['counter_drift']}")
    print(
        f"审计链：{r['audit_chain']}；错误 {r['error_count']}；未结束席位 {r['hung_seats'] or '无'}"
    )
    for line in r["errors"]:
        print(f"  错误：{line}")
    print("结论：" + ("达标" if r["ok"] else "未达标") + f"（{r['machine']}）")


def main(argv: list[str]) -> int:
    kwargs: dict[str, Any] = {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("--ops", "--seconds", "--tickets") and args:
            value = args.pop(0).replace("_", "")
            if not value.isdigit() or int(value) < 1:
                print(f"load_test: {arg} 应为正整数", file=sys.stderr)
                return 2
            kwargs[arg[2:]] = int(value)
        else:
            print("用法：load_test.py [--ops N] [--seconds S] [--tickets N]", file=sys.stderr)
            return 2
    return 0 if run(**kwargs)["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
