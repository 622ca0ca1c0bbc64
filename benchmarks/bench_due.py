"""Benchmark: working-day deadlines by precomputed ordinals vs chinese-calendar day by day.

Quality bar (design.md): due-date computation is at least 100× faster than calling
``chinese_calendar.is_workday`` day by day, with the same answers.

Run: ``python benchmarks/bench_due.py [N]`` (default 20 000). Exits non-zero when an answer
differs or the ratio is below the bar. ``run(n)`` returns the figures for ``hotline bench``.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date, datetime, timedelta

import chinese_calendar

from console.services.calendar.workdays import WorkCalendar
from console.services.tickets.deadlines import SHANGHAI, wd_due

BAR = 100.0
"""Required speed-up of the ordinal calendar over the day-by-day baseline."""

# The WD limits of the rule table, so the mix resembles real use.
LIMITS = (1, 2, 2, 3, 5, 5, 5, 10, 10, 20, 30)
FIRST = date(2004, 1, 1)
LAST = date(2026, 10, 31)  # stay where chinese-calendar has data even after 30 WD


def _cases(n: int, seed: int) -> list[tuple[date, int]]:
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    return [(FIRST + timedelta(days=rng.randrange(span + 1)), rng.choice(LIMITS)) for _ in range(n)]


def baseline_add(start: date, n: int) -> date:
    """The Nth working day after ``start``, asking chinese-calendar about each day."""
    day, left = start, n
    one = timedelta(days=1)
    while left:
        day += one
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


def run(n: int = 20_000, seed: int = 12345) -> dict[str, object]:
    """Time ``n`` random WD deadlines both ways in one run and compare the answers.

    Returns:
        A dict with ``n``, per-call times in microseconds (``ordinal_us``, ``baseline_us``,
        ``wd_due_us`` for the full deadline with its explanation), ``ratio`` (baseline /
        ordinal), ``mismatches`` (count), ``bar`` and ``ok``.
    """
    cases = _cases(n, seed)
    cal = WorkCalendar()
    build_t0 = time.perf_counter()
    cal.add_working_days(FIRST, 1)  # the lazy one-off build, reported on its own
    build_s = time.perf_counter() - build_t0

    t0 = time.perf_counter()
    fast = [cal.add_working_days(s, k) for s, k in cases]
    fast_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    slow = [baseline_add(s, k) for s, k in cases]
    slow_s = time.perf_counter() - t0

    starts = [
        (datetime.combine(s, datetime.min.time(), SHANGHAI).replace(hour=10), k) for s, k in cases
    ]
    t0 = time.perf_counter()
    full = [wd_due(cal, s, k).due.date() for s, k in starts]
    full_s = time.perf_counter() - t0

    mismatches = sum(a != b for a, b in zip(fast, slow, strict=True))
    mismatches += sum(a != b for a, b in zip(full, slow, strict=True))
    ratio = slow_s / fast_s if fast_s else float("inf")
    return {
        "n": n,
        "build_ms": round(build_s * 1e3, 2),
        "ordinal_us": round(fast_s / n * 1e6, 3),
        "baseline_us": round(slow_s / n * 1e6, 3),
        "wd_due_us": round(full_s / n * 1e6, 3),
        "ratio": round(ratio, 1),
        "ratio_wd_due": round(slow_s / full_s, 1) if full_s else float("inf"),
        "mismatches": mismatches,
        "bar": BAR,
        "ok": mismatches == 0 and ratio >= BAR,
    }


def main(argv: list[str]) -> int:
    """Print the figures; exit 1 on a mismatch or a ratio below the bar."""
    n = int(argv[1]) if len(argv) > 1 else 20_000
    r = run(n)
    print(f"due-date benchmark, {r['n']} random WD deadlines 2004–2026")
    print(f"  one-off ordinal build        {r['build_ms']:>10} ms")
    print(f"  ordinal add_working_days     {r['ordinal_us']:>10} µs/call")
    print(f"  wd_due (with explanation)    {r['wd_due_us']:>10} µs/call")
    print(f"  chinese_calendar day by day  {r['baseline_us']:>10} µs/call")
    print(f"  ratio                        {r['ratio']:>10}×  (bar ≥ {BAR:.0f}×)")
    print(f"  ratio, wd_due                {r['ratio_wd_due']:>10}×")
    print(f"  mismatches                   {r['mismatches']:>10}")
    print(json.dumps(r, ensure_ascii=False))
    if r["mismatches"]:
        print("FAIL: answers differ", file=sys.stderr)
        return 1
    if not r["ok"]:
        print(f"FAIL: ratio below {BAR:.0f}×", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
