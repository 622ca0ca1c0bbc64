"""Benchmark: a quarter's unit KPIs for every unit over N tickets (PostgreSQL).

Budget (issue 11): ≤ 2 s at 1 000 000 tickets, every unit, all five indicators.

The database is ``gen_tickets.bench_url()`` with ``_kpi`` appended (its own, so the other
benchmarks' databases stay as they are), generated first when it does not hold N tickets.
The generator keeps events only for open tickets and without details; the KPIs read the
event history, so this benchmark first writes the history a closed ticket would have had,
in SQL, from the generated clocks: 派单 (with the unit), 签收, 申请办结, 审核通过办结 and the
回访 with its result (5 % 不满意, a share of the dissatisfied redone or closed), then VACUUM
ANALYZE: a store in use is vacuumed by autovacuum, which sets the visibility map the KPIs'
index-only scans rely on; a bulk load left unvacuumed would make every one of them read the
table's pages as well. A database generated before the newest migration is upgraded first
(the KPI indexes of a later revision).

Reported: the wall time of ``kpi.unit_kpis`` for the quarter (best and median of R runs; it
runs the indicators' statements side by side on one snapshot, ``Store.read_together``), the
time of each indicator's aggregate statement alone (with the work_mem ``unit_kpis`` gives it),
a baseline measured in the same run (one ``count(*)`` of the quarter's events, the least any
event-based KPI must read) with the ratio, and the EXPLAIN (ANALYZE, BUFFERS) plan of the
slowest statement.

Run: ``python benchmarks/bench_kpi.py [--tickets N] [--repeat R] [--period 2026Q3] [--drop]``
(default N = 20 000). Exit status 1 when the quarter misses the 2 s budget.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gen_tickets  # noqa: E402

from console.bootstrap import open_store  # noqa: E402
from console.services.analytics import kpi  # noqa: E402

BUDGET_S = 2.0

HISTORY = """
DELETE FROM events WHERE action IN ('dispatch', 'sign', 'request_completion');
INSERT INTO events (ticket_id, at, actor, role, unit_id, action, reason, details)
SELECT c.ticket_id, c.started_at, 'bench', 'operator', NULL, 'dispatch', '',
       json_build_object('unit_id', t.unit_id)
FROM clocks c JOIN tickets t ON t.id = c.ticket_id
WHERE c.key = 'sign' AND t.unit_id IS NOT NULL;
INSERT INTO events (ticket_id, at, actor, role, unit_id, action, reason, details)
SELECT c.ticket_id, c.met_at, 'bench', 'unit_clerk', t.unit_id, 'sign', '', '{}'
FROM clocks c JOIN tickets t ON t.id = c.ticket_id
WHERE c.key = 'sign' AND c.met_at IS NOT NULL;
INSERT INTO events (ticket_id, at, actor, role, unit_id, action, reason, details)
SELECT c.ticket_id, c.met_at, 'bench', 'unit_clerk', t.unit_id, 'request_completion', '', '{}'
FROM clocks c JOIN tickets t ON t.id = c.ticket_id
WHERE c.key = 'limit' AND c.met_at IS NOT NULL;
INSERT INTO events (ticket_id, at, actor, role, unit_id, action, reason, details)
SELECT c.ticket_id, c.started_at, 'bench', 'manager', NULL, 'completion_approved', '', '{}'
FROM clocks c WHERE c.key = 'callback_auto';
INSERT INTO events (ticket_id, at, actor, role, unit_id, action, reason, details)
SELECT c.ticket_id, c.met_at, 'bench', 'operator', NULL, 'callback', '',
       json_build_object('method', 'manual', 'result',
           CASE WHEN mod(c.ticket_id, 20) = 0 THEN 'dissatisfied'
                WHEN mod(c.ticket_id, 5) = 1 THEN 'basic' ELSE 'satisfied' END)
FROM clocks c WHERE c.key = 'callback_manual' AND c.met_at IS NOT NULL;
INSERT INTO events (ticket_id, at, actor, role, unit_id, action, reason, details)
SELECT c.ticket_id, c.met_at + interval '1 day', 'bench', 'manager', NULL,
       CASE WHEN mod(c.ticket_id, 40) = 0 THEN 'redo' ELSE 'close' END, '', '{}'
FROM clocks c WHERE c.key = 'callback_manual' AND c.met_at IS NOT NULL AND mod(c.ticket_id, 20) = 0;
"""


def kpi_url() -> str:
    url = make_url(gen_tickets.bench_url())
    return url.set(database=f"{url.database}_kpi").render_as_string(hide_password=False)


def prepare(n: int) -> dict[str, Any]:
    url = kpi_url()
    have = 0
    if not gen_tickets.ensure_database(url, fresh=False):
        have = gen_tickets.ticket_count(url)
    marked = False
    if have == n:
        store = open_store(url)
        try:
            gen_tickets.migrate(store)
            with store.read() as s:
                marked = bool(
                    s.execute(
                        text("SELECT 1 FROM events WHERE action = 'callback' LIMIT 1")
                    ).first()
                )
        finally:
            store.dispose()
    info: dict[str, Any] = {"generated": False}
    if have != n:
        t0 = time.perf_counter()
        gen_tickets.run(n, url, fresh=True, quiet=True)
        info.update(generated=True, generate_s=time.perf_counter() - t0)
    if not marked:
        t0 = time.perf_counter()
        store = open_store(url)
        try:
            with store.write_engine.begin() as conn:
                # a million tickets' history is one long load, not a seat's statement
                conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
                conn.exec_driver_sql(HISTORY)
            with store.write_engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("SET statement_timeout = 0")
                conn.exec_driver_sql("VACUUM ANALYZE events")
        finally:
            store.dispose()
        info["history_s"] = time.perf_counter() - t0
    return info


def run(n: int = 20_000, repeat: int = 5, period_text: str = "2026Q3") -> dict[str, Any]:
    info = prepare(n)
    period = kpi.parse_period(period_text)
    store = open_store(kpi_url())
    try:
        with store.read() as s:
            events = s.execute(text("SELECT count(*) FROM events")).scalar_one()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            report = kpi.unit_kpis(store, period)
            times.append(time.perf_counter() - t0)
        statements: dict[str, tuple[float, str]] = {}
        for ind in kpi.INDICATORS:
            if ind.items is None:
                continue
            items = ind.items(period).subquery()
            q = select(items.c.unit_id, func.sum(items.c.ok), func.count()).group_by(
                items.c.unit_id
            )
            sql = str(
                q.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            )
            with store.read() as s:
                s.execute(text(f"SET LOCAL work_mem = '{kpi.PG_WORK_MEM}'"))
                s.execute(q).all()  # warm
                t0 = time.perf_counter()
                s.execute(q).all()
                statements[ind.id] = (time.perf_counter() - t0, sql)
        baseline_sql = "SELECT count(*) FROM events WHERE at >= :a AND at < :b"
        with store.read() as s:
            params = {
                "a": period.start_at.astimezone().replace(tzinfo=None),
                "b": period.end_at.astimezone().replace(tzinfo=None),
            }
            s.execute(text(baseline_sql), params).scalar_one()
            t0 = time.perf_counter()
            in_period = s.execute(text(baseline_sql), params).scalar_one()
            baseline = time.perf_counter() - t0
        slowest = max(statements, key=lambda k: statements[k][0])
        with store.read() as s:
            s.execute(text(f"SET LOCAL work_mem = '{kpi.PG_WORK_MEM}'"))
            plan = "\n".join(
                r[0]
                for r in s.execute(
                    text("EXPLAIN (ANALYZE, BUFFERS) " + statements[slowest][1])
                ).all()
            )
    finally:
        store.dispose()
    rated = sum(1 for u in report.units if u.figure("on_time_rate").denominator)
    return {
        **info,
        "tickets": n,
        "events": events,
        "events_in_period": in_period,
        "units": len(report.units),
        "units_rated_on_time": rated,
        "best_s": min(times),
        "median_s": statistics.median(times),
        "statements": {k: v[0] for k, v in statements.items()},
        "baseline_s": baseline,
        "slowest": slowest,
        "plan": plan,
    }


def main(argv: list[str]) -> int:
    n, repeat, period, drop = 20_000, 5, "2026Q3", False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--tickets" and args:
            n = int(args.pop(0).replace("_", ""))
        elif arg == "--repeat" and args:
            repeat = int(args.pop(0))
        elif arg == "--period" and args:
            period = args.pop(0)
        elif arg == "--drop":
            drop = True
        else:
            print(f"bench_kpi: 未知参数 {arg!r}", file=sys.stderr)
            return 2
    r = run(n, repeat, period)
    if r["generated"]:
        print(f"generated {n:,} tickets in {r['generate_s']:.0f} s")
    if "history_s" in r:
        print(f"wrote the KPI event history in {r['history_s']:.1f} s")
    print(f"{n:,} tickets, {r['events']:,} events ({r['events_in_period']:,} in {period}), "
          f"{r['units']} units ({r['units_rated_on_time']} with completions)")  # fmt: skip
    print(f"unit_kpis {period}: best {r['best_s'] * 1000:.0f} ms, median "
          f"{r['median_s'] * 1000:.0f} ms (budget {BUDGET_S * 1000:.0f} ms)")  # fmt: skip
    print(f"baseline count(*) of the period's events: {r['baseline_s'] * 1000:.1f} ms; "
          f"unit_kpis / baseline = {r['median_s'] / r['baseline_s']:.1f}×")  # fmt: skip
    for k, s in sorted(r["statements"].items(), key=lambda kv: -kv[1]):
        print(f"  {k:<18} {s * 1000:8.1f} ms  ({s / r['baseline_s']:.1f}× baseline)")
    print(f"\nEXPLAIN ANALYZE of the slowest statement ({r['slowest']}):\n{r['plan']}")
    if drop:
        gen_tickets.drop_database(kpi_url())
    return 0 if r["median_s"] <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
