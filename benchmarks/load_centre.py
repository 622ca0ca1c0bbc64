"""Load that looks like a centre: N remote seats taking calls over HTTP, with think times.

Budgets (issue): 200 simulated seats on this 2-core machine — keystroke search over HTTP
≤ 50 ms p95, writes ≤ 250 ms p95, push delay ≤ 1 s p95, 0 lost updates, 0 double claims,
0 errors other than designed conflicts.

What runs, for each N of ``--seats`` and each W of ``--workers``: a fresh PostgreSQL database
(``hotline_centre``: migrated, the shipped knowledge seed), ``hotline serve --workers W`` on a
loopback port with a CTI keys file, and in this process (the load generator):

- N operator seats, each a thread with its own RemoteBackend and telephony seat, plus a
  screen-pop thread holding its ``/cti/pops`` question, as a console does. A call every
  ``--call-every`` seconds on average (exponential think time): the telephony sends the ringing
  and answered events (signed, as the ACD does); the seat types a real-looking request, one
  knowledge search per 150–300 ms of typing on what is typed so far, then asks for units and
  duplicates, accepts and dispatches (one call in ten a special incident), and the call ends;
- N/10 unit clerks claiming the next ticket awaiting signature and signing it (two per unit
  race for the same queue: a claim held by two seats is a double claim);
- 4 shift-lead boards, each reading the ``/live/stream`` push (Server-Sent Events) as a
  console does: for every special incident, the time from the accept's answer to the board's
  learning of it (push delay);
- afterwards: every accept and signature the clients saw succeed must be an event in the store
  (else a lost update); errors are every failure other than a designed conflict.

CPU: the server processes' (parent and workers, from /proc) and this generator's, over the run.

    python benchmarks/load_centre.py [--seats 50 100 200] [--workers 1 2] [--seconds 60]
                                     [--call-every 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gen_tickets  # noqa: E402
from load_test import free_port, stop_server, wait_ready  # noqa: E402

from console.bootstrap import open_store  # noqa: E402
from console.errors import Conflict, HotlineError, RuleError  # noqa: E402
from console.services.access import seats  # noqa: E402
from console.services.remote import RemoteBackend  # noqa: E402
from console.services.telephony.signing import signed_headers  # noqa: E402
from console.services.values import CallerType, Domain, Kind, Role, Special  # noqa: E402
from console.services.views import Intake  # noqa: E402
from console.store.models import EventRow  # noqa: E402

URL = os.environ.get(
    "HOTLINE_CENTRE_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/hotline_centre"
)
SOURCE, SECRET = "centre-acd", "c" * 48
BUDGET = {"search_p95": 50.0, "write_p95": 250.0, "push_p95": 1000.0}
UNITS = ("hn-rst", "hn-zjt", "hn-scjgj", "hn-sgcc", "hn-gjj")
REQUESTS = (
    "我们小区的路灯坏了一个多月了，晚上出行很不安全，希望尽快维修",
    "公司拖欠我们三个月工资了，老板一直不接电话，请帮忙讨要",
    "楼下餐馆油烟直排，家里窗户都不敢开，反映多次没人管",
    "社保关系从外省转回湖南怎么办理，需要准备哪些材料",
    "办理营业执照变更提交了三次都被退回，也没说清楚原因",
    "小区物业擅自提高物业费，也不公示收支情况",
    "公积金提取申请已经一个月了还没有到账",
    "家门口的公交站取消了，老人出行很不方便，建议恢复",
)


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ok: Counter[str] = field(default_factory=Counter)
    conflicts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    claims: list[tuple[str, str]] = field(default_factory=list)
    answered_at: dict[str, float] = field(default_factory=dict)  # call id → sent
    pop_ms: list[float] = field(default_factory=list)
    special_at: dict[str, float] = field(default_factory=dict)  # ticket → accept answered
    push_ms: list[float] = field(default_factory=list)
    pushed: set[tuple[int, str]] = field(default_factory=set)

    def timed(self, op: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        except (Conflict, RuleError) as exc:
            with self.lock:
                self.conflicts[op] += 1
            return exc
        except HotlineError as exc:
            with self.lock:
                self.errors.append(f"{op}: {exc}")
            return exc
        with self.lock:
            self.ms[op].append((time.perf_counter() - t0) * 1000)
            self.ok[op] += 1
        return result


def _p(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)


class Telephony:
    """The ACD: signed call events over HTTP."""

    def __init__(self, base: str) -> None:
        # the ACD posts each seat's events as they happen, over a pool of connections (one
        # connection would queue a centre's events behind each other and the screen-pop
        # figure would measure that queue)
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
        self.client = httpx.Client(base_url=base, timeout=30, limits=limits)

    def send(self, raw: dict[str, str]) -> None:
        body = json.dumps(raw, ensure_ascii=False).encode("utf-8")
        headers = signed_headers(SOURCE, SECRET, body, time.time())
        r = self.client.post("/api/v1/cti/events", content=body, headers=headers)
        r.raise_for_status()


def _operator(i: int, base: str, token: str, acd: Telephony, tally: Tally, stop: float,
              call_every: float) -> None:  # fmt: skip
    rng = random.Random(i)
    seat = f"8{i:03d}"
    backend = RemoteBackend(base, token, timeout=30)
    watcher = RemoteBackend(base, token, timeout=30)
    done = threading.Event()

    def pops() -> None:  # the console's screen-pop question, held by the server
        cursor = None
        while not done.is_set():
            try:
                found = watcher.call_pops(seat, cursor, wait=5)
            except HotlineError as exc:
                if done.is_set():
                    return  # the seat went home while its question was held: not an error
                with tally.lock:
                    tally.errors.append(f"pops: {exc}")
                time.sleep(1)
                continue
            cursor = found.cursor
            now = time.monotonic()
            with tally.lock:
                for call in found.calls:
                    sent = tally.answered_at.pop(call.call_id, None)
                    if sent is not None:
                        tally.pop_ms.append((now - sent) * 1000)

    popper = threading.Thread(target=pops, daemon=True)
    popper.start()
    time.sleep(rng.uniform(0, call_every))  # the seats do not all start at once
    n = 0
    try:
        while time.monotonic() < stop:
            n += 1
            call = f"c{i}-{n}-{time.time_ns()}"
            phone = f"139{rng.randrange(10**8):08d}"
            at = dt.datetime.now(dt.UTC).isoformat()
            acd.send({"event_id": f"{call}-r", "call_id": call, "kind": "ringing", "at": at,
                      "caller": phone, "line": "长沙12345"})  # fmt: skip
            with tally.lock:
                tally.answered_at[call] = time.monotonic()
            acd.send({"event_id": f"{call}-a", "call_id": call, "kind": "answered", "at": at,
                      "seat": seat})  # fmt: skip
            text = rng.choice(REQUESTS)
            typed = 0
            while typed < len(text):  # 4–7 characters per 150–300 ms
                time.sleep(rng.uniform(0.15, 0.3))
                typed = min(len(text), typed + rng.randint(4, 7))
                tally.timed("search", backend.search_kb, text[:typed], limit=10)
            tally.timed("routing", backend.suggest_units, text, k=3)
            tally.timed("duplicates", backend.find_duplicates, text, caller_phone=phone, k=5)
            special = Special.SPECIAL if rng.random() < 0.1 else Special.NONE
            intake = Intake(kind=Kind.COMPLAINT, domain=Domain.SOCIAL_MANAGEMENT, text=text,
                            caller_phone=phone, caller_type=CallerType.PERSON,
                            source_line="长沙12345", place="长沙市",
                            call_source=SOURCE, call_id=call)  # fmt: skip
            number = tally.timed("accept", backend.accept, intake, unit_id=rng.choice(UNITS),
                                 special=special)  # fmt: skip
            if isinstance(number, str) and special is not Special.NONE:
                with tally.lock:
                    tally.special_at[number] = time.monotonic()
            acd.send({"event_id": f"{call}-e", "call_id": call, "kind": "ended",
                      "at": dt.datetime.now(dt.UTC).isoformat(), "recording_id": f"rec-{call}"})  # fmt: skip
            time.sleep(min(rng.expovariate(1 / call_every), max(0.0, stop - time.monotonic())))
    except Exception as exc:  # noqa: BLE001 — a crashed seat is reported
        with tally.lock:
            tally.errors.append(f"operator {i} crashed: {type(exc).__name__}: {exc}")
    finally:
        done.set()
        popper.join(timeout=10)
        backend.close()
        watcher.close()


def _clerk(i: int, base: str, token: str, tally: Tally, stop: float) -> None:
    rng = random.Random(1000 + i)
    backend = RemoteBackend(base, token, timeout=30)
    try:
        while time.monotonic() < stop:
            number = tally.timed("claim", backend.claim_next, "awaiting_sign")
            if isinstance(number, str):
                with tally.lock:
                    tally.claims.append(("awaiting_sign", number))
                tally.timed("sign", backend.sign, number)
            time.sleep(rng.uniform(1, 3))
    except Exception as exc:  # noqa: BLE001
        with tally.lock:
            tally.errors.append(f"clerk {i} crashed: {type(exc).__name__}: {exc}")
    finally:
        backend.close()


def _board(i: int, base: str, token: str, tally: Tally, stop: float) -> None:
    backend = RemoteBackend(base, token, timeout=30)
    last = None
    try:
        while time.monotonic() < stop + 5:  # the stream, as a console reads it (SSE)
            at = (None, None) if last is None else (last.cursor, last.kb_cursor)
            feed = backend.live_feed(*at)
            for live in feed:
                last, now = live, time.monotonic()
                with tally.lock:
                    for change in live.changes:
                        sent = tally.special_at.get(change.number)
                        if sent is not None and (i, change.number) not in tally.pushed:
                            tally.pushed.add((i, change.number))
                            tally.push_ms.append((now - sent) * 1000)
                if now >= stop + 5:
                    break
    except Exception as exc:  # noqa: BLE001
        with tally.lock:
            tally.errors.append(f"board {i} crashed: {type(exc).__name__}: {exc}")
    finally:
        backend.close()


def _cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) of these processes so far, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return total


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _prepare(folder: Path) -> dict[str, str]:
    gen_tickets.ensure_database(URL, fresh=True)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")},
           "HOTLINE_DB": URL, "HOTLINE_DATA_DIR": str(folder / "data"),
           "HOTLINE_CONFIG": str(folder / "absent.toml"),
           "HOTLINE_AUDIT_KEY_FILE": str(folder / "audit.key"),
           "HOTLINE_CTI_KEYS": str(folder / "cti.toml")}  # fmt: skip
    (folder / "cti.toml").write_text(f'[sources.{SOURCE}]\nsecret = "{SECRET}"\n', encoding="utf-8")
    (folder / "cti.toml").chmod(0o600)
    for verb in (["db", "upgrade"], ["seed"]):
        subprocess.run([sys.executable, "-m", "console", *verb], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
    return env


def one_run(n: int, workers: int, seconds: float, call_every: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hotline-centre-") as tmp:
        folder = Path(tmp)
        env = _prepare(folder)
        os.environ["HOTLINE_AUDIT_KEY_FILE"] = env["HOTLINE_AUDIT_KEY_FILE"]
        store = open_store(URL)
        now = dt.datetime.now(dt.UTC)
        ops = [
            seats.add_seat(store, f"话务员{i}", Role.OPERATOR, None, now=now)[1] for i in range(n)
        ]
        clerks = [seats.add_seat(store, f"经办人{i}", Role.UNIT_CLERK, UNITS[i % len(UNITS)],
                                 now=now)[1] for i in range(max(2 * len(UNITS), n // 10))]  # fmt: skip
        leads = [
            seats.add_seat(store, f"班长{i}", Role.SHIFT_LEAD, None, now=now)[1] for i in range(4)
        ]
        with store.read() as s:
            since = int(s.execute(select(func.max(EventRow.id))).scalar_one() or 0)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (folder / "serve.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "console", "serve", "--port", str(port),
                                 "--workers", str(workers), "--log-level", "warning"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            wait_ready(base, ops[0], proc, folder / "serve.log")
            time.sleep(2 + 2 * workers)  # the workers build their indexes (warm-up)
            for probe in ("", "x"):  # every process answers a search once before the clock starts
                for _ in range(2 * workers):
                    with RemoteBackend(base, ops[0]) as b:
                        b.connect().search_kb("社保转移" + probe, limit=3)
            server_pids = [proc.pid, *_children(proc.pid)]
            tally = Tally()
            acd = Telephony(base)
            cpu_server0 = _cpu_of(server_pids)
            cpu_self0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
            stop = time.monotonic() + seconds
            threads = [threading.Thread(target=_operator, args=(i, base, t, acd, tally, stop, call_every),
                                        daemon=True) for i, t in enumerate(ops)]  # fmt: skip
            threads += [threading.Thread(target=_clerk, args=(i, base, t, tally, stop), daemon=True)
                        for i, t in enumerate(clerks)]  # fmt: skip
            threads += [threading.Thread(target=_board, args=(i, base, t, tally, stop), daemon=True)
                        for i, t in enumerate(leads)]  # fmt: skip
            started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=seconds + 90)
            wall = time.monotonic() - started
            cpu_server = _cpu_of(server_pids) - cpu_server0
            cpu_self = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - cpu_self0
            hung = sum(t.is_alive() for t in threads)
        finally:
            stop_server(proc)
        with store.read() as s:
            events = Counter(dict(s.execute(
                select(EventRow.action, func.count()).where(EventRow.id > since).group_by(EventRow.action)
            ).all()))  # fmt: skip
        store.dispose()
    claims = Counter(tally.claims)
    writes = tally.ms["accept"] + tally.ms["sign"] + tally.ms["claim"]
    lost = abs(events.get("accept", 0) - tally.ok["accept"]) + abs(
        events.get("sign", 0) - tally.ok["sign"]
    )
    return {
        "seats": n, "workers": workers, "seconds": round(wall, 1),
        "calls": tally.ok["accept"], "searches": len(tally.ms["search"]),
        "search_p50": _p(tally.ms["search"], 0.5), "search_p95": _p(tally.ms["search"], 0.95),
        "routing_p95": _p(tally.ms["routing"], 0.95), "duplicates_p95": _p(tally.ms["duplicates"], 0.95),
        "write_p50": _p(writes, 0.5), "write_p95": _p(writes, 0.95),
        "pop_p95": _p(tally.pop_ms, 0.95), "push_p50": _p(tally.push_ms, 0.5),
        "push_p95": _p(tally.push_ms, 0.95), "pushes": len(tally.push_ms),
        "errors": len(tally.errors), "error_samples": tally.errors[:5],
        "conflicts": sum(tally.conflicts.values()), "lost_updates": lost,
        "double_claims": sum(c - 1 for c in claims.values() if c > 1), "hung_threads": hung,
        "cpu_server_s": round(cpu_server, 1), "cpu_generator_s": round(cpu_self, 1),
    }  # fmt: skip


def _print(r: dict[str, Any]) -> None:
    within = all(r[k] is not None and r[k] <= v for k, v in BUDGET.items())
    clean = r["errors"] == 0 and r["lost_updates"] == 0 and r["double_claims"] == 0
    print(f"N={r['seats']:>3} W={r['workers']}  {r['calls']:>4} calls {r['searches']:>5} searches  "
          f"search p50/p95 {r['search_p50']}/{r['search_p95']} ms  write p50/p95 "
          f"{r['write_p50']}/{r['write_p95']} ms  routing p95 {r['routing_p95']}  dups p95 "
          f"{r['duplicates_p95']}  pop p95 {r['pop_p95']}  push p50/p95 {r['push_p50']}/"
          f"{r['push_p95']} ms ({r['pushes']})  errors {r['errors']} conflicts {r['conflicts']} "
          f"lost {r['lost_updates']} double {r['double_claims']}  CPU server {r['cpu_server_s']} s "
          f"/ generator {r['cpu_generator_s']} s  {'within budget' if within and clean else 'OVER'}",
          flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seats", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--call-every", type=float, default=30)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    results = []
    for n in args.seats:
        for w in args.workers:
            r = one_run(n, w, args.seconds, args.call_every)
            _print(r)
            results.append(r)
    gen_tickets.drop_database(URL)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
