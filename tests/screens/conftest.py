"""Screen tests: the whole App over a seeded SQLite platform in tmp_path, its clock pinned.

Use ``make_app`` (a callable ``(actor) -> HotlineApp``) in Pilot tests and snapshots::

    async def test_something(make_app, screen_platform):
        app = make_app(Role.OPERATOR)              # or an Actor, or "name:role[:unit]"
        async with app.run_test(size=(120, 40)) as pilot:
            ...
        ticket = screen_platform.backend(Role.MANAGER).ticket(number)

    def test_snapshot(make_app, snap_compare):
        assert snap_compare(make_app(Role.OPERATOR), terminal_size=(120, 40))

The seed is small and fixed here (not read from knowledge_seed/) so snapshots do not change
when the shipped knowledge is edited. The clock is a DrillClock at Wednesday 2026-11-25 09:00
(Asia/Shanghai), so the drill banner shows and every due date is stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from console.bootstrap import open_store
from console.config import Settings
from console.services.clock import DrillClock
from console.services.knowledge.seed import (
    ArticleRecord,
    BureauRecord,
    GroundRecord,
    MatterRecord,
    PrefilingRecord,
    Seed,
    UnitRecord,
)
from console.services.knowledge.seeding import apply_seed
from console.services.local import LocalBackend
from console.services.values import Domain, Role
from console.services.views import Actor
from console.store.engine import Store
from console.store.migrate import upgrade
from tests.conftest import at

D = Domain


def _unit(
    uid: str,
    name: str,
    domains: tuple[Domain, ...],
    duties: tuple[str, ...],
    keywords: tuple[str, ...],
    category: str = "provincial",
    city: str = "",
    subcentre: bool = False,
    hotline: str = "",
) -> UnitRecord:
    return UnitRecord(
        id=uid,
        name=name,
        full_name="湖南" + name.removeprefix("省"),
        category=category,
        city=city,
        subcentre=subcentre,
        hotline=hotline,
        contact_role="12345工作专班",
        domains=domains,
        duties=duties,
        keywords=keywords,
    )


UNITS: tuple[UnitRecord, ...] = (
    _unit(
        "hn-rst",
        "省人力资源社会保障厅",
        (D.PUBLIC_SERVICE, D.SOCIAL_MANAGEMENT),
        (
            "社会保险参保、缴费、待遇政策",
            "劳动关系、欠薪投诉与劳动保障监察",
            "职业技能培训与职称评审",
        ),
        ("社保", "养老保险", "失业金", "欠薪", "工资", "劳动合同", "职称"),
        subcentre=True,
        hotline="12333",
    ),
    _unit(
        "hn-gjj",
        "省住房公积金管理中心",
        (D.PUBLIC_SERVICE,),
        ("住房公积金缴存、提取、贷款",),
        ("公积金", "提取", "住房贷款"),
    ),
    _unit(
        "hn-zjt",
        "省住房城乡建设厅",
        (D.SOCIAL_MANAGEMENT, D.PUBLIC_SERVICE),
        ("商品房质量与物业服务监管", "建筑工地施工噪声与扬尘", "燃气、供水行业监管"),
        ("物业", "房屋质量", "工地", "噪声", "燃气", "供水"),
    ),
    _unit(
        "hn-scjgj",
        "省市场监管局",
        (D.MARKET_REGULATION, D.BUSINESS_ENVIRONMENT),
        ("企业登记注册与营业执照", "食品安全与消费者权益保护", "价格违法行为查处"),
        ("营业执照", "食品安全", "消费", "退款", "价格", "过期食品"),
    ),
    _unit(
        "hn-tax",
        "国家税务总局湖南省税务局",
        (D.ECONOMIC_REGULATION, D.BUSINESS_ENVIRONMENT),
        ("税费政策咨询与办税服务", "发票管理"),
        ("个税", "发票", "退税", "增值税"),
        category="vertical",
        hotline="12366",
    ),
    _unit(
        "hn-sgcc",
        "国网湖南省电力有限公司",
        (D.PUBLIC_SERVICE,),
        ("供电服务、停电抢修与电费",),
        ("停电", "电费", "电表", "供电"),
        category="enterprise",
        hotline="95598",
    ),
    _unit(
        "hn-sthjt",
        "省生态环境厅",
        (D.ECOLOGY,),
        ("大气、水、噪声污染投诉查处",),
        ("污染", "排污", "异味", "黑臭水体"),
    ),
    _unit(
        "cs-yhb",
        "长沙市优化办",
        (D.BUSINESS_ENVIRONMENT, D.OTHER),
        ("长沙市营商环境问题与市级事项转办",),
        ("长沙",),
        category="city",
        city="长沙市",
    ),
)


def _article(
    aid: str,
    unit_id: str,
    question: str,
    answer: str,
    basis: str,
    domain: Domain,
    alt: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    status: str = "verified",
    review_by: dt.date = dt.date(2027, 6, 30),
    enterprise: bool = False,
) -> ArticleRecord:
    return ArticleRecord(
        id=aid,
        unit_id=unit_id,
        question=question,
        alt_questions=alt,
        answer=answer,
        basis=basis,
        domain=domain,
        tags=tags,
        enterprise=enterprise,
        effective=dt.date(2024, 1, 1),
        review_by=review_by,
        status=status,
    )


ARTICLES: tuple[ArticleRecord, ...] = (
    _article(
        "hn-rst-001",
        "hn-rst",
        "养老保险交满多少年才能领退休金？",
        "按照社会保险法，参加基本养老保险的个人，达到法定退休年龄时累计缴费满十五年的，按月领取基本养老金。"
        "具体待遇请以当地社保经办机构核定为准。",
        "《中华人民共和国社会保险法》第十六条",
        D.PUBLIC_SERVICE,
        alt=("社保交够几年能拿养老金", "养老金最低缴费年限"),
        tags=("养老保险", "退休"),
    ),
    _article(
        "hn-rst-002",
        "hn-rst",
        "公司拖欠工资怎么办？",
        "可以先与用人单位协商；协商不成的，可向用人单位所在地劳动保障监察机构投诉，或申请劳动争议仲裁。"
        "请保留劳动合同、工资条、考勤记录等证据。",
        "《保障农民工工资支付条例》；《劳动保障监察条例》",
        D.SOCIAL_MANAGEMENT,
        alt=("欠薪投诉", "老板不发工资"),
        tags=("欠薪", "工资"),
    ),
    _article(
        "hn-rst-003",
        "hn-rst",
        "失业保险金怎么申领？",
        "非因本人意愿中断就业、已办理失业登记并有求职要求、失业前缴纳失业保险满一年的，"
        "可以通过湖南智慧人社或到参保地公共就业服务机构申领失业保险金。",
        "《失业保险条例》第十四条",
        D.PUBLIC_SERVICE,
        alt=("失业金领取条件",),
        tags=("失业金",),
        status="draft",
    ),
    _article(
        "hn-gjj-001",
        "hn-gjj",
        "住房公积金怎么提取？",
        "购房、建房、租房、偿还住房贷款本息、离退休等情形可以申请提取住房公积金。"
        "可在公积金中心网上服务大厅或柜台办理，具体材料请咨询缴存地公积金中心。",
        "《住房公积金管理条例》第二十四条",
        D.PUBLIC_SERVICE,
        alt=("公积金提取条件", "租房提取公积金"),
        tags=("公积金", "提取"),
        review_by=dt.date(2026, 10, 31),
    ),
    _article(
        "hn-scjgj-001",
        "hn-scjgj",
        "个体工商户营业执照怎么办理？",
        "可通过湖南省市场主体登记全程电子化平台网上申请，或到经营场所所在地市场监管部门窗口办理，"
        "一般需提供经营者身份证明和经营场所证明。",
        "《促进个体工商户发展条例》；《市场主体登记管理条例》",
        D.MARKET_REGULATION,
        alt=("办营业执照需要什么材料",),
        tags=("营业执照",),
        enterprise=True,
    ),
    _article(
        "hn-scjgj-002",
        "hn-scjgj",
        "买到过期食品如何投诉？",
        "请保留购物凭证和商品，可向经营者所在地市场监管部门投诉举报，也可拨打12315。"
        "经营明知是不符合食品安全标准的食品，消费者可要求赔偿。",
        "《中华人民共和国食品安全法》第一百四十八条",
        D.MARKET_REGULATION,
        alt=("超市卖过期食品", "食品安全投诉"),
        tags=("食品安全", "过期食品"),
    ),
    _article(
        "hn-tax-001",
        "hn-tax",
        "个人所得税综合所得汇算怎么办理？",
        "每年3月1日至6月30日，可通过个人所得税APP或自然人电子税务局办理上一年度综合所得汇算清缴。",
        "《中华人民共和国个人所得税法》第十一条",
        D.ECONOMIC_REGULATION,
        alt=("个税汇算", "个税退税"),
        tags=("个税", "退税"),
    ),
    _article(
        "hn-sgcc-001",
        "hn-sgcc",
        "家里停电了找谁？",
        "可拨打国网95598供电服务热线报修，或通过网上国网APP查询停电信息并报修。",
        "《供电营业规则》",
        D.PUBLIC_SERVICE,
        alt=("停电报修", "突然停电"),
        tags=("停电",),
    ),
)

GROUND_TITLES = (
    "涉及国家秘密、商业秘密、个人隐私",
    "应当通过诉讼、仲裁、纪检监察、行政复议、政府信息公开等途径解决",
    "已经或者依法应当通过信访途径受理、办理或办结",
    "同一诉求人同一事项已受理、正在办理或依法办结且无新情况新理由",
    "属于110、119、120、122等紧急热线受理范围",
    "违反法律法规、公序良俗",
    "属于党委、人大、政协工作事项",
    "涉及军队、武警事项",
    "骚扰电话",
    "法律法规规定的其他情形",
)
GROUND_SCRIPTS = {
    5: "您反映的情况属于紧急事项，请您立即拨打110（火警119、急救120、交通事故122），"
    "12345热线不受理紧急警情，感谢您的理解。",
}
GROUNDS: tuple[GroundRecord, ...] = tuple(
    GroundRecord(
        n,
        title,
        GROUND_SCRIPTS.get(n, f"您反映的事项{title}，根据有关规定，12345热线不予受理。"),
        f"《湖南省省级12345热线运行管理办法（试行）》第九条第（{n}）项",
        (),
    )
    for n, title in enumerate(GROUND_TITLES, start=1)
)

PREFILING: tuple[PrefilingRecord, ...] = (
    PrefilingRecord(
        "pf-ice-2026",
        "hn-sgcc",
        "force_majeure",
        "岳阳冰灾线路抢修停电",
        ("停电", "冰灾"),
        "岳阳市",
        at("2026-11-20 00:00"),
        at("2026-12-10 23:59"),
        "因持续冰冻天气线路受损，国网岳阳供电公司正在全力抢修，预计12月10日前恢复供电。",
    ),
)

SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("社保", "社会保险"),
    ("公积金", "住房公积金"),
    ("欠薪", "拖欠工资"),
)

# a little of the matter catalogue: two city matters the 长沙 office forwards to two bureaus
BUREAUS = (
    BureauRecord("yhb", "市优化办", ("营商环境投诉",)),
    BureauRecord("cgj", "市城市管理和综合执法局", ("路灯、井盖等市政设施维护",)),
    BureauRecord("zjj", "市住房和城乡建设局", ("物业服务、房地产开发",)),
)
MATTERS = (
    MatterRecord("street-light", "路灯", D.PUBLIC_SERVICE, "city:cgj", (), "《城市道路管理条例》",
                 "路灯不亮、损坏", ("路灯", "灯不亮")),
    MatterRecord("property-mgmt", "物业服务", D.SOCIAL_MANAGEMENT, "city:zjj", (), "《物业管理条例》",
                 "物业不作为、物业收费", ("物业", "物业费", "小区")),
)  # fmt: skip

SCREEN_SEED = Seed(
    units=UNITS,
    articles=ARTICLES,
    grounds=GROUNDS,
    prefiling=PREFILING,
    synonyms=SYNONYMS,
    bureaus=BUREAUS,
    matters=MATTERS,
)
NOW = at("2026-11-25 09:00")

ActorSpec = Actor | Role | str | None


def actor_for(spec: ActorSpec) -> Actor:
    """An Actor from an Actor, a Role (a default seat of that role) or "name:role[:unit]"."""
    if isinstance(spec, Actor):
        return spec
    if spec is None:
        spec = Role.OPERATOR
    if isinstance(spec, str) and ":" in spec:
        from console.launch import parse_seat

        parsed = parse_seat(spec)
        assert parsed is not None
        return parsed
    role = Role(spec)
    defaults = {
        Role.OPERATOR: Actor("seat-01", "话务员甲", role),
        Role.SUBCENTRE_OPERATOR: Actor("sub-01", "分中心话务员乙", role),
        Role.EXPERT: Actor("exp-01", "专家丙", role),
        Role.SHIFT_LEAD: Actor("lead-01", "班长丁", role),
        Role.UNIT_CLERK: Actor("clerk-rst", "人社厅经办戊", role, "hn-rst"),
        Role.MANAGER: Actor("mgr-01", "优化办己", role),
        Role.SUPERVISOR: Actor("sup-01", "督办庚", role),
    }
    return defaults.get(role, Actor(f"{role.value}-01", role.label, role))


@dataclass
class ScreenPlatform:
    """The seeded platform behind the screens: act and read as any seat (tests assert on it)."""

    store: Store
    clock: DrillClock
    settings: Settings

    def backend(self, actor: ActorSpec = None) -> LocalBackend:
        return LocalBackend(self.store, self.clock, actor_for(actor))


@pytest.fixture
def screen_platform(tmp_path: Path) -> Iterator[ScreenPlatform]:
    """A migrated SQLite platform with the small screen seed and a drill clock."""
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    store = open_store(url)
    upgrade(store)
    clock = DrillClock(NOW)
    apply_seed(store, SCREEN_SEED, clock.now())
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    settings = Settings(db_url=url, now="2026-11-25 09:00", data_dir=data_dir)
    try:
        yield ScreenPlatform(store, clock, settings)
    finally:
        store.dispose()


@pytest.fixture
def make_app(screen_platform: ScreenPlatform) -> Callable[..., object]:
    """``make_app(actor=None, **kwargs) -> HotlineApp`` over the screen platform, cursor blink off.

    ``actor`` is an Actor, a Role or "name:role[:unit]" (default: an operator). Keyword arguments
    go to HotlineApp (e.g. ``backend=`` to wrap the backend in a fault-injecting proxy).
    """
    from console.app import HotlineApp

    def factory(actor: ActorSpec = None, **kwargs: object) -> HotlineApp:
        backend = kwargs.pop("backend", None) or screen_platform.backend(actor)
        kwargs.setdefault("cursor_blink", False)
        return HotlineApp(backend, screen_platform.settings, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests are ``async def`` marked ``pytest.mark.anyio`` (anyio's plugin, no extra package)."""
    return "asyncio"


async def wait_for(
    pilot: object, predicate: Callable[[], object], timeout: float = 10.0, what: str = "condition"
) -> None:
    """Pause the Pilot until ``predicate()`` is true (workers run in threads, so poll)."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out waiting for {what}; the terminal shows:\n{_shown(pilot)}"
            )
        await pilot.pause(0.02)  # type: ignore[attr-defined]


def _shown(pilot: object) -> str:
    """The terminal's text for a timed-out wait's message (what the seat would have seen)."""
    try:
        app = pilot.app  # type: ignore[attr-defined]
        lines = [line.rstrip() for line in screen_text(app).splitlines() if line.strip()]
        return f"[screen {type(app.screen).__name__}]\n" + "\n".join(lines[-60:])
    except Exception as exc:  # noqa: BLE001 - a failing dump must not hide the timeout
        return f"(no screenshot: {exc!r})"


def screen_text(app: object) -> str:
    """Everything the terminal shows right now, as plain text (for "is it shown literally")."""
    import re

    svg = app.export_screenshot()  # type: ignore[attr-defined]
    text = re.sub(r"<[^>]+>", "", svg)
    import html

    return html.unescape(text).replace("\xa0", " ")


class Toasts:
    """Every toast and bell of an app, recorded (the seat hears the bell, reads the toast)."""

    def __init__(self, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.said: list[tuple[str, str]] = []
        self.bells = 0
        monkeypatch.setattr(app, "notify", self._notify)
        monkeypatch.setattr(app, "bell", self._ring)

    def _notify(self, message: str, *, title: str = "", **_: Any) -> None:
        self.said.append((title, str(message)))

    def _ring(self) -> None:
        self.bells += 1

    def text(self) -> str:
        return "\n".join(f"{t} {m}" for t, m in self.said)
