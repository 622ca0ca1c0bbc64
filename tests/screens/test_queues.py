"""Work queues: tabs per role with counts, a paged window over a long queue, live refresh
that keeps the cursor on its ticket, Enter opens the ticket."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import Tab, Tabs

from console.app import HotlineApp
from console.bootstrap import open_store
from console.config import Settings
from console.screens.queues import QueuesScreen, queues_for
from console.screens.ticket import TicketScreen
from console.services.clock import DrillClock
from console.services.knowledge.seeding import apply_seed
from console.services.local import LocalBackend
from console.services.values import CallerType, Domain, Kind, Role, Source
from console.services.views import Intake
from console.store.migrate import upgrade
from console.widgets.ticket_table import TicketTable
from tests.screens.conftest import NOW, SCREEN_SEED, ScreenPlatform, actor_for, screen_text

pytestmark = pytest.mark.anyio
LONG_QUEUE = 1000


def intake(
    text: str = "公司拖欠工资三个月，请求协调。", kind: Kind = Kind.COMPLAINT, **kw: object
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


async def settle(pilot, app: HotlineApp) -> None:  # type: ignore[no-untyped-def]
    """Let every worker finish and its result reach the screen."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def shown(widget: Widget) -> str:
    """What a widget shows on the screen, line by line (what the seat reads)."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def queues_screen(app: HotlineApp) -> QueuesScreen:
    screen = app.screen
    assert isinstance(screen, QueuesScreen), screen
    return screen


# ---------------------------------------------------------------------- a 1 000-ticket queue
@pytest.fixture(scope="module")
def long_queue_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose hn-rst clerk has 1 000 tickets awaiting signature (built once, copied per test)."""
    folder = tmp_path_factory.mktemp("long-queue")
    store = open_store(f"sqlite:///{folder / 'hotline.db'}")
    upgrade(store)
    clock = DrillClock(NOW)
    apply_seed(store, SCREEN_SEED, clock.now())
    operator = LocalBackend(store, clock, actor_for(Role.OPERATOR))
    for i in range(LONG_QUEUE):
        operator.accept(intake(f"第{i:04d}号诉求：工资拖欠"), unit_id="hn-rst")
    store.dispose()
    return folder / "hotline.db"


@dataclass
class LongQueue:
    platform: ScreenPlatform
    make: Callable[[Role], HotlineApp]


@pytest.fixture
def long_queue(long_queue_db: Path, tmp_path: Path) -> Iterator[LongQueue]:
    shutil.copy(long_queue_db, tmp_path / "hotline.db")
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    store = open_store(url)
    data = tmp_path / "data"
    data.mkdir()
    platform = ScreenPlatform(
        store, DrillClock(NOW), Settings(db_url=url, now="2026-11-25 09:00", data_dir=data)
    )

    def make(role: Role) -> HotlineApp:
        return HotlineApp(platform.backend(role), platform.settings, cursor_blink=False)

    try:
        yield LongQueue(platform, make)
    finally:
        store.dispose()


async def test_paging_through_a_thousand_tickets_fetches_windows_not_the_table(
    long_queue: LongQueue,
) -> None:
    app = long_queue.make(Role.UNIT_CLERK)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(TicketTable)
        assert table.total == LONG_QUEUE
        assert table.row_count == table.window < LONG_QUEUE  # a window, never the whole queue
        assert table.selected is not None and table.selected.number.endswith("000001")

        await pilot.press("end")
        await settle(pilot, app)
        assert table.position == LONG_QUEUE - 1
        assert table.window_offset == LONG_QUEUE - table.window
        assert table.selected is not None and table.selected.number.endswith("001000")

        await pilot.press("home")
        await settle(pilot, app)
        assert (table.position, table.window_offset) == (0, 0)

        # page down within the window, then arrow past its edge: the next window is fetched
        # and the cursor goes on from where it was
        while table.position < table.window - 40:
            await pilot.press("pagedown")
            await settle(pilot, app)
        assert table.window_offset == 0
        for _ in range(table.window + 5 - table.position):
            await pilot.press("down")
        await settle(pilot, app)
        assert table.position == table.window + 5
        assert table.window_offset > 0
        assert table.selected is not None and table.selected.number.endswith(
            f"{table.window + 6:06d}"
        )

        await pilot.press("pagedown")
        await settle(pilot, app)
        assert table.position > table.window + 5
        page_end = table.position
        await pilot.press("pageup")
        await settle(pilot, app)
        assert table.position == table.window + 5 and page_end > table.position

        status = shown(app.screen.query_one("#queues-status"))
        assert f"第 {table.window + 6} / {LONG_QUEUE} 条" in status


async def test_refresh_keeps_the_cursor_on_its_ticket(long_queue: LongQueue) -> None:
    app = long_queue.make(Role.UNIT_CLERK)
    clerk = long_queue.platform.backend(Role.UNIT_CLERK)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(TicketTable)
        for _ in range(3):
            await pilot.press("pagedown")
        await settle(pilot, app)
        chosen = table.selected
        assert chosen is not None
        before = table.position
        # another seat signs the ten tickets at the head of the queue: once signed, their
        # nearest deadline is the handling limit, so they sort after the chosen ticket
        head = clerk.queue("mine", 0, 10).rows
        for row in head:
            clerk.sign(row.number)
        await pilot.press("r")
        await settle(pilot, app)
        assert table.selected is not None and table.selected.number == chosen.number
        assert table.position == before - 10
        # the counts in the tab titles follow
        tab = app.screen.query_one("#q-awaiting_sign", Tab)
        assert tab.label.plain == f"待签收 {LONG_QUEUE - 10}"


async def test_enter_opens_the_ticket_under_the_cursor(long_queue: LongQueue) -> None:
    app = long_queue.make(Role.UNIT_CLERK)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down")
        await settle(pilot, app)
        chosen = app.screen.query_one(TicketTable).selected
        assert chosen is not None
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.number == chosen.number
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, QueuesScreen)


# ---------------------------------------------------------------------- tabs per role
def test_each_role_works_its_own_queues() -> None:
    assert queues_for(Role.UNIT_CLERK)[:4] == ("mine", "due_soon", "overdue", "awaiting_sign")
    manager = queues_for(Role.MANAGER)
    assert {
        "returns",
        "completions",
        "extensions",
        "terminations",
        "overdue",
        "supervision",
    } <= set(manager)
    assert queues_for(Role.SHIFT_LEAD)[0] == "special"


async def test_tabs_show_counts_and_switch_with_keys(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    operator = screen_platform.backend(Role.OPERATOR)
    clerk = screen_platform.backend(Role.UNIT_CLERK)
    numbers = [operator.accept(intake(f"诉求{i}"), unit_id="hn-rst") for i in range(3)]
    clerk.return_ticket(numbers[0], "不属于本厅职责", "三定方案")
    app = make_app(Role.MANAGER)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = queues_screen(app)
        labels = {tab.id: tab.label.plain for tab in screen.query(Tab)}
        assert labels["q-returns"] == "退回待审核 1"
        assert labels["q-completions"] == "办结待审核 0"
        await pilot.press("2")  # the second queue of a manager: returns
        await settle(pilot, app)
        assert screen.query_one(Tabs).active == "q-returns"
        table = screen.query_one(TicketTable)
        assert [r.number for r in table.rows_shown] == [numbers[0]]
        await pilot.press("right_square_bracket")
        await settle(pilot, app)
        assert screen.query_one(Tabs).active == "q-completions"
        assert table.total == 0
        assert "队列为空" in shown(screen.query_one("#queues-status"))


async def test_queue_rows_show_deadline_kind_state_unit_caller_title(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    operator = screen_platform.backend(Role.OPERATOR)
    number = operator.accept(intake("小区物业乱收费"), unit_id="hn-rst")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(TicketTable)
        row = [cell.plain for cell in table.get_row(number)]
        assert row == [
            "剩1天14时",
            number,
            "投诉",
            "已派单待签收",
            "省人力资源社会保障厅",
            "138****1234",
            "小区物业乱收费",
        ]
        due = table.get_row(number)[0]
        assert "green" in str(due.style)


async def test_r_dispatch_a_city_office_queue_shows_each_tickets_bureau(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """Every row of a city 优化办's queue is the office: the unit column says the bureau the
    office forwards each ticket to (事项清单), and the office's own matters say the office."""
    operator = screen_platform.backend(Role.OPERATOR)
    lamps = operator.accept(intake("芙蓉南路路灯不亮一周了", matter_type="路灯"), unit_id="cs-yhb")
    estate = operator.accept(intake("小区物业不作为", matter_type="物业服务"), unit_id="cs-yhb")
    own = operator.accept(intake("办事窗口推诿"), unit_id="cs-yhb")
    app = make_app("长沙经办:unit_clerk:cs-yhb")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(TicketTable)
        units = {n: table.get_row(n)[4].plain for n in (lamps, estate, own)}
        assert units == {
            lamps: "长沙→城市管理和综合执法局",
            estate: "长沙→住房和城乡建设局",
            own: "长沙市优化办",
        }
        shown = screen_text(app)
        assert "长沙→城市管理" in shown and "长沙→住房和城" in shown  # cut, the bureau first
