"""The contract suite's worlds: one small platform, reached through three backends.

- ``local-sqlite``: LocalBackend over an embedded SQLite file;
- ``local-pg``: LocalBackend over the PostgreSQL test database (HOTLINE_TEST_PG);
- ``remote``: RemoteBackend against a real ``python -m console serve`` subprocess on
  127.0.0.1 (a free port), whose HOTLINE_DB is the PostgreSQL test database when
  HOTLINE_TEST_PG is set and an SQLite file otherwise, and whose clock is pinned with
  HOTLINE_NOW. Its seats are made with ``seats.add_seat`` in the server's own store.

Every world's clock stands at Wednesday 2026-11-25 09:00 (Beijing) and does not move, so the
same tests give the same results on all three.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from console.bootstrap import open_store
from console.services.access import seats
from console.services.backend import Backend
from console.services.clock import DrillClock
from console.services.knowledge.seed import (
    ArticleRecord,
    DutyOfficeRecord,
    GroundRecord,
    MatterRecord,
    PrefilingRecord,
    Seed,
    UnitRecord,
)
from console.services.knowledge.seeding import apply_seed
from console.services.local import LocalBackend
from console.services.remote import RemoteBackend
from console.services.values import CallerType, Domain, Kind, Role, Source
from console.services.views import Actor, Intake
from console.store.engine import Store
from console.store.migrate import upgrade
from console.store.models import Base
from tests.conftest import at

REPO = Path(__file__).resolve().parents[2]
PINNED = "2026-11-25 09:00"
NOW = at(PINNED)
SERVER_START_SECONDS = 40.0


def _unit(uid: str, name: str, keywords: tuple[str, ...], domain: Domain) -> UnitRecord:
    return UnitRecord(
        id=uid,
        name=name,
        full_name=name,
        category="provincial",
        city="",
        subcentre=False,
        hotline="",
        contact_role="办公室",
        domains=(domain,),
        duties=(f"{name}职责：" + "、".join(keywords),),
        keywords=keywords,
    )


def _article(
    aid: str, unit: str, question: str, answer: str, tags: tuple[str, ...]
) -> ArticleRecord:
    return ArticleRecord(
        id=aid,
        unit_id=unit,
        question=question,
        alt_questions=(),
        answer=answer,
        basis="测试依据",
        domain=Domain.SOCIAL_MANAGEMENT,
        tags=tags,
        enterprise=False,
        effective=dt.date(2026, 1, 1),
        review_by=dt.date(2027, 6, 30),
        status="verified",
    )


SEED = Seed(
    units=(
        _unit("hn-rst", "省人力资源社会保障厅", ("欠薪", "工资", "社保"), Domain.SOCIAL_MANAGEMENT),
        _unit("hn-zjt", "省住房城乡建设厅", ("物业", "住房", "房屋"), Domain.PUBLIC_SERVICE),
        _unit("hn-scjgj", "省市场监管局", ("食品", "价格", "商品"), Domain.MARKET_REGULATION),
        _unit("hn-sgcc", "国网湖南省电力有限公司", ("停电", "电费", "供电"), Domain.PUBLIC_SERVICE),
    ),
    articles=(
        _article(
            "kb-rst-001",
            "hn-rst",
            "被拖欠工资怎么办？",
            "可向用人单位所在地人力资源社会保障部门劳动保障监察机构投诉，或申请劳动仲裁。",
            ("欠薪", "工资"),
        ),
        _article(
            "kb-rst-002",
            "hn-rst",
            "社保关系怎么转移？",
            "通过国家社会保险公共服务平台申请转移接续。",
            ("社保", "转移"),
        ),
        _article(
            "kb-sgcc-001",
            "hn-sgcc",
            "电费可以在哪里缴纳？",
            "可在营业厅或网上国网App缴纳。",
            ("电费",),
        ),
        _article(
            "kb-zjt-001",
            "hn-zjt",
            "物业费收费标准在哪里查？",
            "普通住宅前期物业服务收费实行政府指导价，可向当地住建部门查询。",
            ("物业",),
        ),
    ),
    grounds=tuple(
        GroundRecord(n, f"情形{n}", f"话术{n}", f"运行管理办法第九条第（{n}）项", ())
        for n in range(1, 11)
    ),
    prefiling=(
        PrefilingRecord(
            "pf-1",
            "hn-sgcc",
            "force_majeure",
            "冰灾停电",
            ("停电",),
            "岳阳市",
            at("2026-11-20 00:00"),
            at("2026-12-10 23:59"),
            "因冰灾线路受损，正在抢修。",
        ),
    ),
    matters=(
        MatterRecord(
            "power",
            "供电",
            Domain.PUBLIC_SERVICE,
            "hn-sgcc",
            (),
            "《电力供应与使用条例》",
            "停电、电费、供电质量",
            ("停电", "供电", "电费"),
        ),
        MatterRecord(
            "wages",
            "劳动保障监察",
            Domain.SOCIAL_MANAGEMENT,
            "hn-rst",
            (),
            "《劳动保障监察条例》",
            "拖欠工资",
            ("拖欠工资", "欠薪", "工资"),
        ),
        MatterRecord(
            "property",
            "物业服务",
            Domain.SOCIAL_MANAGEMENT,
            "hn-zjt",
            (),
            "《物业管理条例》",
            "物业服务与收费",
            ("物业", "物业费"),
        ),
    ),  # fmt: skip
    # the local government a special incident in 长沙市 may be reported to (Art. 18)
    duty_offices=(DutyOfficeRecord("cs-zf", "长沙市人民政府", "长沙市", duty_sms="13900000009"),),
)

SEATS: dict[str, tuple[str, Role, str | None]] = {
    "operator": ("话务员甲", Role.OPERATOR, None),
    "manager": ("优化办乙", Role.MANAGER, None),
    "rst": ("人社厅丙", Role.UNIT_CLERK, "hn-rst"),
    "zjt": ("住建厅丁", Role.UNIT_CLERK, "hn-zjt"),
    "scj": ("市监局戊", Role.UNIT_CLERK, "hn-scjgj"),
    "sgcc": ("电力庚", Role.UNIT_CLERK, "hn-sgcc"),
    "supervisor": ("督办己", Role.SUPERVISOR, None),
}


def intake(
    kind: Kind = Kind.COMPLAINT, text: str = "公司拖欠工资三个月，请求协调。", **kw: object
) -> Intake:
    base: dict[str, object] = dict(
        kind=kind,
        domain=Domain.SOCIAL_MANAGEMENT,
        text=text,
        caller_phone="13812341234",
        caller_name="张先生",
        caller_type=CallerType.PERSON,
        source=Source.CITY_TRANSFER,
        source_line="长沙12345",
        place="长沙市",
    )
    base.update(kw)
    return Intake(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------- stores
def prepare_store(url: str) -> Store:
    """Open ``url``, migrate it, empty it and write the contract seed."""
    store = open_store(url)
    upgrade(store)
    with store.write() as s:
        if store.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            s.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                s.execute(table.delete())
    apply_seed(store, SEED, NOW)
    return store


# ---------------------------------------------------------------- the server
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A real ``python -m console serve`` on 127.0.0.1; stopped by :meth:`stop`."""

    db_url: str
    workdir: Path
    env_extra: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()  # more options of `hotline serve`
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "serve.log"

    def start(self, keep_port: bool = False) -> Server:
        """Start the server (``keep_port``: again on the port it had, as a restart does)."""
        env = {
            k: v
            for k, v in os.environ.items()
            # the audit key too: the server and the test's own store key one trail alike
            if not k.startswith("HOTLINE_") or k in ("HOTLINE_TEST_PG", "HOTLINE_AUDIT_KEY_FILE")
        }
        env.update(
            HOTLINE_DB=self.db_url,
            HOTLINE_NOW=PINNED,
            HOTLINE_DATA_DIR=str(self.workdir),
            HOTLINE_CONFIG=str(self.workdir / "no-config.toml"),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.env_extra)
        for _ in range(3):  # a free port may be taken between the look and the bind
            if not keep_port or not self.port:
                self.port = free_port()
            log = self.log_path.open("ab")
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "console",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    *self.args,
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            log.close()
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError(
            f"hotline serve did not start:\n{self.log_path.read_text(errors='replace')[-3000:]}"
        )

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + SERVER_START_SECONDS
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def log(self, until: str = "", timeout: float = 5.0) -> str:
        """The server's log; with ``until``, once that text is in it or ``timeout`` seconds
        have passed (the access line of a request is written after its response is sent)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
            if not until or until in text or time.monotonic() >= deadline:
                return text
            time.sleep(0.05)


# ---------------------------------------------------------------- worlds
@dataclass
class World:
    """One platform and a backend per seat of :data:`SEATS`."""

    kind: str
    store: Store
    seat: Callable[[str, Role, str | None], Backend]
    backends: dict[str, Backend] = field(default_factory=dict)
    server: Server | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    extra: list[Backend] = field(default_factory=list)
    earlier: str = ""
    """A ticket made before any index was built (the duplicate test looks for it)."""

    def __getattr__(self, name: str) -> Backend:
        try:
            return self.__dict__["backends"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def remote(self) -> bool:
        return self.server is not None

    def close(self) -> None:
        """Close the HTTP clients of remote seats."""
        for backend in [*self.backends.values(), *self.extra]:
            if isinstance(backend, RemoteBackend):
                backend.close()


def local_world(kind: str, store: Store) -> World:
    clock = DrillClock(NOW)
    base = LocalBackend(store, clock, Actor("seat-0", "种子", Role.OPERATOR))

    def seat(name: str, role: Role, unit: str | None) -> Backend:
        return base.as_actor(Actor(f"seat-{name}", name, role, unit))

    world = World(kind, store, seat)
    world.backends = {key: seat(*spec) for key, spec in SEATS.items()}
    return world


def remote_world(store: Store, server: Server) -> World:
    def seat(name: str, role: Role, unit: str | None) -> Backend:
        _, token = seats.add_seat(store, name, role, unit, now=dt.datetime.now(dt.UTC))
        backend = RemoteBackend(server.url, token)
        world.extra.append(backend)
        world.tokens[name] = token
        return backend

    world = World("remote", store, seat, server=server)
    world.backends = {key: seat(*spec) for key, spec in SEATS.items()}
    return world


EARLIER_TEXT = "小区电梯坏了一个多月一直没人来修"
EARLIER_PHONE = "13955556666"


def make_earlier(store: Store) -> str:
    """The ticket a world starts with, written before any server or index is up."""
    name, role, unit = SEATS["operator"]
    operator = LocalBackend(store, DrillClock(NOW), Actor(f"seat-{name}", name, role, unit))
    return operator.accept(intake(text=EARLIER_TEXT, caller_phone=EARLIER_PHONE), unit_id="hn-zjt")


def twin(world: World, backend: Backend) -> LocalBackend:
    """A LocalBackend on the world's store acting as ``backend``'s seat, at the pinned time."""
    return LocalBackend(world.store, DrillClock(NOW), backend.actor)
