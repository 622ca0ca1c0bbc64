"""Benchmark: the work-queue queries on 1 000 000 tickets (PostgreSQL).

Quality bar (design.md): queue queries ≤ 50 ms p95 at 1 M tickets.

The real queries of ``console.services.tickets.queries`` run as a seat runs them — ``Queries.page``
(first window of 50, with its total, as the console's queue screen asks) and ``Queries.count``
(the badge counts) — each in a fresh read session, many times each, for due_soon, overdue,
awaiting_sign, returns, completions (as the manager) and a big unit's clerk's "mine". Reported:
p50/p95 per query, the same queries without the queue indexes of migration 0003 (dropped
inside a transaction that is rolled back, so the baseline is the schema before them), the
ratio, and the EXPLAIN (ANALYZE, BUFFERS) plan of every statement the page and count ran.

The database is ``gen_tickets.bench_url()`` (``hotline_bench``); it is generated first when it
does not hold the wanted number of tickets. Run: ``python benchmarks/bench_queues.py
[--tickets N] [--repeat R] [--no-plans] [--drop]`` (``--drop`` removes the database at the
end). ``run(...)`` returns the figures; exit status 1 when a query misses the bar.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gen_tickets  # noqa: E402

from console.bootstrap import open_store  # noqa: E402
from console.services.calendar.workdays import WorkCalendar  # noqa: E402
from console.services.tickets.queries import Queries  # noqa: E402
from console.services.values import Role  # noqa: E402
from console.services.views import Actor  # noqa: E402

BAR_MS = 50.0
QUEUE_INDEX_PREFIX = "ix_queue_"
"""Migration 0003's indexes (the baseline runs without them)."""
MANAGER = Actor("bench-mgr", "优化办", Role.MANAGER)
BIG_UNIT = "hn-rst"
CLERK = Actor("bench-rst", "人社厅经办人", Role.UNIT_CLERK, BIG_UNIT)
CASES: tuple[tuple[str, str, Actor], ...] = (
    ("due_soon", "due_soon", MANAGER),
    ("overdue", "overdue", MANAGER),
    ("awaiting_sign", "awaiting_sign", MANAGER),
    ("returns", "returns", MANAGER),
    ("completions", "completions", MANAGER),
    ("extensions", "extensions", MANAGER),
    ("callbacks", "callbacks", MANAGER),
    ("mine (manager)", "mine", MANAGER),
    (f"mine ({BIG_UNIT})", "mine", CLERK),
    (f"overdue ({BIG_UNIT})", "overdue", CLERK),
)


def machine() -> str:
    """CPUs and the load average while measuring (other work on the machine skews p95)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} 核，测量时 1 分钟平均负载 {load:.2f}"


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def _queries(actor: Actor) -> Queries:
    calendar = WorkCalendar()
    return Queries(lambda: None, lambda: calendar, actor)


def _time(fn: Callable[[], Any], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


@contextmanager
def _without_queue_indexes(conn: Connection) -> Iterator[list[str]]:
    """Inside a transaction: migration 0003's indexes dropped; rolled back afterwards."""
    trans = conn.begin()
    names = list(
        conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE indexname LIKE :p ORDER BY 1"),
            {"p": QUEUE_INDEX_PREFIX + "%"},
        ).scalars()
    )
    try:
        for name in names:
            conn.execute(text(f'DROP INDEX "{name}"'))
        yield names
    finally:
        trans.rollback()


def _capture(engine: Any) -> tuple[list[tuple[str, Any]], Callable[[], None]]:
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(engine, "before_cursor_execute", before)


def _explain(engine: Any, statements: list[tuple[str, Any]]) -> list[str]:
    plans = []
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for statement, params in statements:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            plan = "\n".join(r[0] for r in cur.fetchall())
            plans.append(f"-- {' '.join(statement.split())[:160]} …\n{plan}")
        raw.rollback()
    finally:
        raw.close()
    return plans


def run(
    tickets: int = 1_000_000,
    repeat: int = 40,
    baseline_repeat: int = 5,
    plans: bool = True,
    drop: bool = False,
) -> dict[str, Any]:
    """Time every queue query with and without the queue indexes; returns the figures."""
    url = gen_tickets.bench_url()
    gen_tickets.ensure_database(url, fresh=False)
    store = open_store(url)
    try:
        gen_tickets.migrate(store)  # brings an existing benchmark database to the newest indexes
    finally:
        store.dispose()
    generated: dict[str, Any] | None = None
    have = gen_tickets.ticket_count(url)
    if have != tickets:
        print(f"生成 {tickets:,} 张工单（现有 {have:,}）…", flush=True)
        generated = gen_tickets.run(tickets, url, fresh=True)
    store = open_store(url)
    now = gen_tickets.NOW
    results: dict[str, Any] = {"tickets": tickets, "bar_ms": BAR_MS, "queries": {}}
    all_plans: list[str] = []
    try:
        engine = store.read_engine
        for label, queue, actor in CASES:
            q = _queries(actor)

            def page(q: Queries = q, queue: str = queue) -> Any:
                with store.read() as s:
                    return q.page(s, queue, now, 0, 50)

            def count(q: Queries = q, queue: str = queue) -> int:
                with store.read() as s:
                    return q.count(s, queue, now)

            total = count()
            page_ms = _time(page, repeat)
            count_ms = _time(count, repeat)
            with engine.connect() as conn:
                with _without_queue_indexes(conn) as dropped:
                    s = Session(bind=conn)

                    def base_page(q: Queries = q, queue: str = queue, s: Session = s) -> Any:
                        s.expunge_all()
                        return q.page(s, queue, now, 0, 50)

                    def base_count(q: Queries = q, queue: str = queue, s: Session = s) -> int:
                        return q.count(s, queue, now)

                    base_page_ms = _time(base_page, baseline_repeat, warmup=1)
                    base_count_ms = _time(base_count, baseline_repeat, warmup=1)
                    s.close()
            if plans:
                seen, stop = _capture(engine)
                try:
                    page()
                    count()
                finally:
                    stop()
                all_plans.append(f"==== {label} ====")
                all_plans.extend(_explain(engine, seen))
            entry = {
                "rows": total,
                "page_p50_ms": round(statistics.median(page_ms), 2),
                "page_p95_ms": round(_pct(page_ms, 0.95), 2),
                "count_p50_ms": round(statistics.median(count_ms), 2),
                "count_p95_ms": round(_pct(count_ms, 0.95), 2),
                "baseline_page_p50_ms": round(statistics.median(base_page_ms), 2),
                "baseline_page_p95_ms": round(_pct(base_page_ms, 0.95), 2),
                "baseline_count_p50_ms": round(statistics.median(base_count_ms), 2),
            }
            entry["ratio_page_p50"] = round(
                entry["baseline_page_p50_ms"] / max(entry["page_p50_ms"], 1e-6), 1
            )
            entry["ok"] = max(entry["page_p95_ms"], entry["count_p95_ms"]) <= BAR_MS
            results["queries"][label] = entry
            results["dropped_for_baseline"] = dropped
    finally:
        store.dispose()
        if drop:
            gen_tickets.drop_database(url)
    results["ok"] = all(e["ok"] for e in results["queries"].values())
    results["machine"] = machine()
    if generated:
        results["generated"] = generated
    _print(results, all_plans, url)
    return results


def _print(results: dict[str, Any], plans: list[str], url: str) -> None:
    for plan in plans:
        print(plan)
    print()
    print(
        f"队列查询 — {results['tickets']:,} 张工单（{make_url(url).database}），"
        f"每项 Queries.page（首页50条+总数）与 Queries.count；基线 = 去掉 0003 队列索引"
        f"（{', '.join(results.get('dropped_for_baseline', [])) or '无'}）"
    )
    head = (
        f"{'队列':<22}{'条数':>9}{'page p50':>10}{'p95':>8}{'count p50':>11}{'p95':>8}"
        f"{'基线page p50':>14}{'基线count p50':>15}{'倍数':>7}  达标"
    )
    print(head)
    for label, e in results["queries"].items():
        print(
            f"{label:<22}{e['rows']:>9,}{e['page_p50_ms']:>10.1f}{e['page_p95_ms']:>8.1f}"
            f"{e['count_p50_ms']:>11.1f}{e['count_p95_ms']:>8.1f}"
            f"{e['baseline_page_p50_ms']:>14.1f}{e['baseline_count_p50_ms']:>15.1f}"
            f"{e['ratio_page_p50']:>6.1f}×  {'是' if e['ok'] else '否'}"
        )
    verdict = "全部达标" if results["ok"] else "未达标"
    print(f"门槛：p95 ≤ {BAR_MS:.0f} ms — {verdict}（{results['machine']}）")


def main(argv: list[str]) -> int:
    kwargs: dict[str, Any] = {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--no-plans":
            kwargs["plans"] = False
        elif arg == "--drop":
            kwargs["drop"] = True
        elif arg in ("--tickets", "--repeat") and args:
            value = args.pop(0).replace("_", "")
            if not value.isdigit() or int(value) < 1:
                print(f"bench_queues: {arg} 应为正整数", file=sys.stderr)
                return 2
            kwargs[arg[2:]] = int(value)
        else:
            print(
                "用法：bench_queues.py [--tickets N] [--repeat R] [--no-plans] [--drop]",
                file=sys.stderr,
            )
            return 2
    return 0 if run(**kwargs)["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
