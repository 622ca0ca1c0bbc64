"""Fill a PostgreSQL benchmark database with a hotline's worth of tickets (default 1 000 000).

The database (default ``hotline_bench`` on the local server; ``HOTLINE_BENCH_PG`` names
another) is created, migrated with ``console.store.migrate.upgrade`` and given the real unit
catalogue of ``knowledge_seed/``; then tickets, their clocks, the co-units of complex matters
and the events of open tickets are streamed in with COPY — never through the ORM.

What the tickets look like (seeded, reproducible):
- kinds: complaints the most, then help requests, reports, suggestions; consultations few
  (most consultations are answered on the spot at the city lines);
- units from the real catalogue, skewed (a few departments get most of the work);
- created over the two years before ``NOW``; each ticket walks its life (dispatch → sign →
  handling → completion review → call-back → closed) with realistic durations, so most are
  closed, a few % are open with running clocks, and some of those are overdue;
- clocks for every phase a ticket went through (met, stopped or still running), with the
  working-day deadlines computed by the real work calendar;
- events only for open tickets (their timelines are what seats open); closed ones have none.

Secondary indexes are dropped during the load and rebuilt after it (much faster than
maintaining them row by row), and foreign-key triggers are off for the load's session only
(``session_replication_role = replica``): the generator writes consistent keys itself.

Run: ``python benchmarks/gen_tickets.py [N] [--keep]`` (``--keep`` reuses an existing
database that already has N tickets). ``run(n, url)`` returns the timings.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.bootstrap import open_store  # noqa: E402
from console.services.calendar.workdays import WorkCalendar  # noqa: E402
from console.services.clock import SHANGHAI  # noqa: E402
from console.services.knowledge.seed import Seed, load_seed  # noqa: E402
from console.services.knowledge.seeding import apply_seed  # noqa: E402
from console.store.migrate import (  # noqa: E402
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hotline_bench"
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
"""The moment the generated platform stands at (the benchmark's "now")."""
SPAN_DAYS = 730
CHUNK = 20_000

KINDS = (  # (kind, weight, limit in WD)
    ("complaint", 46, 10),
    ("help", 24, 5),
    ("report", 11, 10),
    ("suggestion", 9, 5),
    ("consultation", 10, 5),
)
DOMAINS = (
    ("social_management", 22),
    ("public_service", 20),
    ("market_regulation", 14),
    ("business_environment", 10),
    ("natural_resources", 7),
    ("ecology", 7),
    ("economic_regulation", 6),
    ("communications", 5),
    ("work_safety", 4),
    ("other", 5),
)
SOURCES = (("city_transfer", 70), ("online", 20), ("subcentre", 8), ("assigned", 2))
# The departments that carry most of a provincial hotline's load, heaviest first.
HEAVY = ("hn-rst", "hn-zjt", "hn-scjgj", "hn-sgcc", "hn-jyt", "hn-wjw", "hn-ybj", "hn-gat")
CITIES = ("长沙市", "株洲市", "湘潭市", "衡阳市", "邵阳市", "岳阳市", "常德市", "张家界市",
          "益阳市", "郴州市", "永州市", "怀化市", "娄底市", "湘西州")  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
MATTERS = (
    "公司拖欠工资{n}个月，多次讨要无果，请求协调",
    "小区{n}栋楼道积水严重，物业不作为",
    "购买的商品存在质量问题，商家拒绝退换，已{n}天",
    "社保转移接续办理{n}次未成功，请求帮助",
    "道路施工夜间噪音扰民，持续{n}天",
    "企业办理开办手续跑了{n}趟仍未办结",
    "停电{n}小时未恢复，家中有老人",
    "学校违规收取费用{n}元",
    "反映某工地扬尘污染，已持续{n}周",
    "医保报销比例有疑问，等待{n}天没有答复",
    "建议在小区附近增设{n}路公交站点",
    "举报某商户无证经营{n}个月",
)


def bench_url() -> str:
    """The benchmark database's URL (``HOTLINE_BENCH_PG`` or the local ``hotline_bench``)."""
    return os.environ.get("HOTLINE_BENCH_PG") or DEFAULT_URL


def libpq(url: str) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_database(url: str, fresh: bool) -> bool:
    """Create the database (dropping it first when ``fresh``). Returns True if created."""
    parsed = make_url(url)
    name = parsed.database
    if not name or name in ("postgres", "test", "template0", "template1"):
        raise SystemExit(f"refusing to use database {name!r} for the benchmark")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if exists and fresh:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                exists = None
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                return True
            return False
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def migrate(store: Any) -> None:
    """``console.store.migrate.upgrade``, then any revision its quick version check missed."""
    upgrade(store)
    if current_revision(store) != head_revision():
        from alembic import command

        cfg = alembic_config()
        with store.write_engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def ticket_count(url: str) -> int:
    """How many generated tickets the database holds (tickets seats made later not counted)."""
    with psycopg.connect(libpq(url)) as conn:
        row = conn.execute("SELECT count(*) FROM tickets WHERE created_by = 'bench'").fetchone()
        return int(row[0]) if row else 0


# ---------------------------------------------------------------------- generation
def _weighted(rng: random.Random, pairs: Any, k: int) -> list[Any]:
    values = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(values, weights, k=k)


def _unit_weights(unit_ids: list[str]) -> list[float]:
    """Zipf-like: the heavy departments first, the rest in catalogue order."""
    order = [u for u in HEAVY if u in unit_ids] + [u for u in unit_ids if u not in HEAVY]
    rank = {u: i for i, u in enumerate(order)}
    return [1.0 / (rank[u] + 1) ** 1.1 for u in unit_ids]


class _Clock:
    """Fast "due at 24:00 of the Nth working day" from the real work calendar."""

    def __init__(self) -> None:
        self.cal = WorkCalendar()
        self.cache: dict[tuple[int, int], dt.datetime] = {}

    def wd(self, start_utc: dt.datetime, n: int) -> dt.datetime:
        local_day = (start_utc + dt.timedelta(hours=8)).date()
        key = (local_day.toordinal(), n)
        due = self.cache.get(key)
        if due is None:
            day = self.cache_day(local_day, n)
            # 24:00 Shanghai of that day = 16:00 UTC of the same date
            due = dt.datetime(day.year, day.month, day.day, 16, 0)
            self.cache[key] = due
        return due

    def cache_day(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_working_days(day, n)


Clock = tuple[str, str, str, dt.datetime, dt.datetime, int, str, bool, dt.datetime | None]
"""key, rule, name, started, due, amount, unit, running, met_at."""


def _ts(moment: dt.datetime | None) -> str:
    return "\\N" if moment is None else moment.isoformat(sep=" ")


class Generator:
    """Produces the COPY text of tickets, clocks, co-units and events, chunk by chunk."""

    def __init__(self, n: int, unit_ids: list[str], seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.units = unit_ids
        self.unit_w = _unit_weights(unit_ids)
        self.clock = _Clock()
        self.now = NOW.astimezone(dt.UTC).replace(tzinfo=None)
        self.clock_id = 0
        self.event_id = 0
        self.stats: dict[str, int] = {}

    def _bump(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1

    def chunk(self, first: int, count: int) -> tuple[str, str, str, str]:
        rng = self.rng
        kinds = _weighted(rng, [(k, w) for k, w, _ in KINDS], count)
        limits = {k: lim for k, _, lim in KINDS}
        domains = _weighted(rng, DOMAINS, count)
        sources = _weighted(rng, SOURCES, count)
        units = rng.choices(self.units, self.unit_w, k=count)
        t_lines: list[str] = []
        c_lines: list[str] = []
        u_lines: list[str] = []
        e_lines: list[str] = []
        now = self.now
        for j in range(count):
            tid = first + j
            kind = kinds[j]
            # the line grows: recent tickets are more frequent than old ones (age ~ span * u^1.3)
            age = dt.timedelta(days=SPAN_DAYS * rng.random() ** 1.3)
            created = now - age
            local = created + dt.timedelta(hours=8)
            number = f"HN{local:%y%m%d}{tid:07d}"
            state, unit, special, complex_ = "closed", units[j], "none", False
            pending, pending_data, satisfaction = "", "{}", ""
            first_received, refusal, returns = None, None, 0
            clocks: list[Clock] = []
            events: list[tuple[dt.datetime, str, bool]] = []  # at, action, by the unit
            r = rng.random()
            if r < 0.03:  # refused on one of the ten grounds: no clock
                state, unit, refusal = "refused", None, rng.randint(1, 10)
            elif kind == "consultation":
                unit = None
                if rng.random() < 0.15:  # promised a call-back within 24 h
                    due = created + dt.timedelta(hours=24)
                    answered = created + dt.timedelta(hours=rng.uniform(1, 26))
                    waiting = answered > now
                    consult = ("consult", "R-CONSULT", "咨询答复时限", created, due, 24, "hours")
                    clocks.append((*consult, waiting, None if waiting else answered))
                    if waiting:
                        state = "callback_promised"
                        events.append((created, "promise_callback", False))
            else:
                state, first_received, special, complex_, returns = self._life(
                    kind, limits[kind], created, now, clocks, events, rng
                )
                if state == "handling" and rng.random() < 0.03:
                    pending, pending_data = "extension", '{"days": 5, "reason": "需要协调"}'
                if state in ("closed",) and rng.random() < 0.08:
                    satisfaction = "dissatisfied" if rng.random() < 0.3 else "basic"
                elif state == "closed":
                    satisfaction = "satisfied"
                elif state == "dissatisfied":
                    satisfaction = "dissatisfied"
                if state == "closed" and rng.random() < 0.004:
                    state = "terminated"
                if complex_:
                    co = rng.choice(self.units)
                    if co != unit:
                        u_lines.append(f"{tid}\t{co}\n")
            self._bump(state)
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
            id_number = f"43{rng.randrange(10**15):015d}X" if rng.random() < 0.3 else ""
            name = rng.choice(SURNAMES) + ("先生" if rng.random() < 0.5 else "女士")
            words = rng.choice(MATTERS).format(n=rng.randint(2, 9))
            place = rng.choice(CITIES)
            confidential = "t" if rng.random() < 0.02 else "f"
            updated = max([created] + [c[8] for c in clocks if c[8] is not None])
            t_lines.append(
                "\t".join(
                    (
                        str(tid),
                        number,
                        kind,
                        domains[j],
                        "",
                        sources[j],
                        f"{place[:2]}12345" if sources[j] == "city_transfer" else "",
                        "person",
                        name,
                        phone,
                        id_number,
                        "",
                        confidential,
                        place,
                        f"{place}{words}。",
                        state,
                        special,
                        "t" if complex_ else "f",
                        str(returns),
                        "0",
                        "f",
                        "f",
                        unit or "\\N",
                        _ts(first_received),
                        pending,
                        pending_data,
                        "0",
                        str(refusal) if refusal else "\\N",
                        "\\N",
                        "\\N",
                        "\\N",
                        satisfaction,
                        "0",
                        "\\N",
                        "\\N",
                        _ts(created),
                        "bench",
                        _ts(updated),
                        "bench",
                        "1",
                    )
                )  # fmt: skip
                + "\n"
            )
            for key, rule, cname, start, due, amount, unit_kind, running, met in clocks:
                self.clock_id += 1
                c_lines.append(
                    f"{self.clock_id}\t{tid}\t{key}\t{rule}\t{cname}\t{_ts(start)}\t{_ts(due)}\t"
                    f"{amount}\t{unit_kind}\t0\tf\t{'t' if running else 'f'}\t{_ts(met)}\t\\N\n"
                )
            for at, action, by_unit in events:
                self.event_id += 1
                role, actor_unit = ("unit_clerk", unit) if by_unit else ("operator", None)
                e_lines.append(
                    f"{self.event_id}\t{tid}\t{_ts(at)}\tbench\t{role}\t"
                    f"{actor_unit or chr(92) + 'N'}\t{action}\t\t{{}}\n"
                )
            if state not in ("closed", "refused", "terminated") and not events:
                self.event_id += 1
                e_lines.append(
                    f"{self.event_id}\t{tid}\t{_ts(created)}\tbench\toperator\t\\N\taccept\t\t{{}}\n"
                )
        return "".join(t_lines), "".join(c_lines), "".join(u_lines), "".join(e_lines)

    def _life(
        self,
        kind: str,
        limit_wd: int,
        created: dt.datetime,
        now: dt.datetime,
        clocks: list[Any],
        events: list[Any],
        rng: random.Random,
    ) -> tuple[str, dt.datetime, str, bool, int]:
        """Walk a dispatched ticket's life up to ``now``; returns its state and facts."""
        wd = self.clock.wd
        h = dt.timedelta(hours=1)
        special = "none"
        s = rng.random()
        if s < 0.01:
            special = "special"
        elif s < 0.012:
            special = "urgent"
        complex_ = rng.random() < 0.01
        returns = 0
        signed = created + h * min(rng.expovariate(1 / 5), 30)
        # most units finish within the limit; some overrun, a few get stuck for months
        limit_due = wd(created, limit_wd)
        budget = (limit_due - created).total_seconds() / 3600
        o = rng.random()
        if o < 0.02:
            done_h = budget + rng.uniform(24, 24 * 90)
        elif o < 0.10:
            done_h = budget + rng.uniform(1, 24 * 7)
        else:
            done_h = budget * rng.uniform(0.2, 0.95)
        completion = created + h * done_h
        review = completion + h * rng.expovariate(1 / 16)
        called = review + h * rng.uniform(2, 80)
        dissatisfied = rng.random() < 0.05
        decided = called + h * rng.uniform(4, 60)

        def clock(
            key: str,
            rule: str,
            name: str,
            start: dt.datetime,
            due: dt.datetime,
            amount: int,
            unit: str,
            met: dt.datetime | None,
            obligation: bool = True,
        ) -> None:
            running = met is None or met > now
            clocks.append((key, rule, name, start, due, amount, unit, running,
                           None if running else (met if obligation else None)))  # fmt: skip

        clock("sign", "R-SIGN", "签收时限", created, wd(created, 1), 1, "wd", signed)
        if not complex_:
            clock("return", "R-RETURN", "退回时限", created, wd(created, 2), 2, "wd", signed, False)
        clock("limit", "R-LIMIT", "办理时限", created, limit_due, limit_wd, "wd", completion)
        if special != "none":
            rule = "R-SPECIAL" if special == "special" else "R-SPECIAL-URGENT"
            hours = 4 if special == "special" else 2
            clock("first_response", rule, "初步响应时限", created, created + h * hours, hours,
                  "hours", signed)  # fmt: skip
            clock("progress", rule, "进度反馈时限", created, wd(created, 3), 3, "wd",
                  signed + h * 30)  # fmt: skip
        if review <= now:
            clock("callback_auto", "R-CALLBACK", "自动回访时限", review, review + h * 24, 24,
                  "hours", called)  # fmt: skip
            clock("callback_manual", "R-CALLBACK", "人工回访时限", review, review + h * 72, 72,
                  "hours", called)  # fmt: skip
        if now < signed:
            state = "dispatched"
        elif now < completion:
            state = "handling"
            if rng.random() < 0.02:
                state, returns = "return_requested", 1
                clocks[:] = [c[:7] + (False, None) if c[0] == "limit" else c for c in clocks]
        elif now < review:
            state = "completion_requested"
        elif now < called:
            state = "completed"
        elif dissatisfied and now < decided:
            state = "dissatisfied"
        else:
            state = "closed"
        if state != "closed":
            events.append((created, "accept", False))
            events.append((created, "dispatch", False))
            if now >= signed:
                events.append((signed, "sign", True))
            if now >= completion:
                events.append((completion, "request_completion", True))
        return state, created, special, complex_, returns


TICKET_COLUMNS = (
    "id, number, kind, domain, matter_type, source, source_line, caller_type, caller_name, "
    "caller_phone, caller_id_number, enterprise_name, confidential, place, text, state, special, "
    "complex, return_count, completion_rejections, late_reply, late_return, unit_id, "
    "first_received_at, pending, pending_data, extension_wd, refusal_ground, article_id, "
    "prefiling_id, repeat_of, satisfaction, callback_attempts, claimed_by, claimed_at, "
    "created_at, created_by, updated_at, updated_by, version"
)
CLOCK_COLUMNS = (
    "id, ticket_id, key, rule, name, started_at, due_at, amount, unit, extension_wd, "
    "provisional, running, met_at, supervision_id"
)
EVENT_COLUMNS = "id, ticket_id, at, actor, role, unit_id, action, reason, details"
LOADED = ("tickets", "clocks", "ticket_co_units", "events")


def _secondary_indexes(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """(name, definition) of the loaded tables' indexes that back no constraint."""
    rows = conn.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        """,
        (list(LOADED),),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def run(
    n: int = 1_000_000,
    url: str | None = None,
    fresh: bool = True,
    seed: int = 2026,
    quiet: bool = False,
) -> dict[str, Any]:
    """Create, migrate and fill the benchmark database; returns counts and timings (s)."""
    url = url or bench_url()
    say = (lambda *_: None) if quiet else print
    t0 = time.perf_counter()
    ensure_database(url, fresh)
    store = open_store(url)
    try:
        migrate(store)
        units = load_seed(ROOT / "knowledge_seed").units
        apply_seed(store, Seed(units=units), NOW)
    finally:
        store.dispose()
    unit_ids = sorted(u.id for u in units)
    t_schema = time.perf_counter() - t0
    gen = Generator(n, unit_ids, seed)
    t_gen = t_copy = 0.0
    with psycopg.connect(libpq(url)) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers for this load
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        existing = conn.execute("SELECT count(*) FROM tickets").fetchone()
        if existing and existing[0]:
            raise SystemExit("the benchmark database already has tickets (drop it or use fresh)")
        indexes = _secondary_indexes(conn)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
        with conn.cursor() as cur:
            first = 1
            while first <= n:
                count = min(CHUNK, n - first + 1)
                g0 = time.perf_counter()
                tickets, clocks, co_units, events = gen.chunk(first, count)
                g1 = time.perf_counter()
                with cur.copy(f"COPY tickets ({TICKET_COLUMNS}) FROM STDIN") as cp:
                    cp.write(tickets)
                with cur.copy(f"COPY clocks ({CLOCK_COLUMNS}) FROM STDIN") as cp:
                    cp.write(clocks)
                if co_units:
                    with cur.copy("COPY ticket_co_units (ticket_id, unit_id) FROM STDIN") as cp:
                        cp.write(co_units)
                if events:
                    with cur.copy(f"COPY events ({EVENT_COLUMNS}) FROM STDIN") as cp:
                        cp.write(events)
                t_gen += g1 - g0
                t_copy += time.perf_counter() - g1
                first += count
                if not quiet and (first - 1) % 200_000 == 0:
                    say(f"  {first - 1:>9,} 张工单 …", flush=True)
        conn.commit()
        i0 = time.perf_counter()
        for _, definition in indexes:
            conn.execute(definition)
        for table, column in (("tickets", "id"), ("clocks", "id"), ("events", "id")):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT coalesce(max({column}), 1) FROM {table}))"
            )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE tickets, clocks, ticket_co_units, events")
        t_index = time.perf_counter() - i0
        running = conn.execute("SELECT count(*) FROM clocks WHERE running").fetchone()
    total = time.perf_counter() - t0
    result = {
        "tickets": n,
        "clocks": gen.clock_id,
        "events": gen.event_id,
        "running_clocks": int(running[0]) if running else 0,
        "states": dict(sorted(gen.stats.items(), key=lambda kv: -kv[1])),
        "schema_s": round(t_schema, 1),
        "generate_s": round(t_gen, 1),
        "copy_s": round(t_copy, 1),
        "index_analyze_s": round(t_index, 1),
        "total_s": round(total, 1),
        "rows_per_s": round((n + gen.clock_id + gen.event_id) / max(t_gen + t_copy, 1e-9)),
        "url": make_url(url).render_as_string(hide_password=True),
    }
    if not quiet:
        open_share = 1 - sum(gen.stats.get(s, 0) for s in ("closed", "refused", "terminated")) / n
        say(
            f"{n:,} 张工单、{gen.clock_id:,} 个时钟（运行中 {result['running_clocks']:,}）、"
            f"{gen.event_id:,} 条事件；未结 {open_share:.1%}"
        )
        say("状态分布：" + "，".join(f"{k} {v:,}" for k, v in result["states"].items()))
        say(
            f"用时 {total:.1f} s（建库迁移 {t_schema:.1f} s，生成 {t_gen:.1f} s，COPY {t_copy:.1f} s，"
            f"建索引+ANALYZE {t_index:.1f} s）；{result['rows_per_s']:,} 行/秒"
        )
    return result


def main(argv: list[str]) -> int:
    n = 1_000_000
    fresh = True
    for arg in argv:
        if arg == "--keep":
            fresh = False
        elif arg.replace("_", "").isdigit():
            n = int(arg.replace("_", ""))
        else:
            print(
                f"gen_tickets: 未知参数 {arg!r}（用法：gen_tickets.py [N] [--keep]）",
                file=sys.stderr,
            )
            return 2
    url = bench_url()
    if not fresh:
        ensure_database(url, fresh=False)
        store = open_store(url)
        try:
            migrate(store)
        finally:
            store.dispose()
        have = ticket_count(url)
        if have == n:
            print(f"{make_url(url).database} 已有 {have:,} 张工单，沿用")
            return 0
    run(n, url, fresh=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
