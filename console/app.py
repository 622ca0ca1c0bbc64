"""The Textual App: one screen per job, global keys, the command palette, connection state.

The App only wires: screens do the work and talk to ``self.app.backend`` (a Backend) from
worker threads. Screens are imported lazily, when their mode is first shown, so a seat starts
fast. Modes (one screen stack each):

    intake     live intake (接听受理)      — operators, sub-centre operators (default)
    knowledge  knowledge base (知识库)     — expert seats not on the expert roster (default)
    expert_queue  consultations handed to experts (专家队列, F1) — rostered expert seats
    queues     ticket queues (工单队列)    — unit clerks, the manager, supervisors (default)
    board      special incidents (特殊事项看板) — shift leads (default)

The ticket view (TicketScreen) is pushed on top of whichever mode is showing.
"""

from __future__ import annotations

import re
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.align import Align
from rich.console import Console
from rich.text import Text
from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import NoScreen
from textual.driver import Driver
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from console import private
from console.config import Settings
from console.editing_keys import install as install_editing_keys
from console.errors import HotlineError, Unavailable
from console.line_breaks import install as install_line_breaks
from console.screen_resume import install as install_screen_resume
from console.screens.field_labels import told
from console.screens.reach import REACH
from console.services.values import Role
from console.services.views import Actor, ArticleHit, CallPop, CallPops, LiveChanges
from console.terminal import install as install_terminal_parser
from console.wide_chars import install as install_wide_char_fix

if TYPE_CHECKING:
    from console.feeds import FeedWatch
    from console.services.backend import Backend

TICKET_NUMBER = re.compile(r"^\s*(HN\d{6,})\s*$", re.IGNORECASE)
PHONE = re.compile(r"^\s*\+?[\d\- ]{5,20}\s*$")

INTAKE_ROLES = frozenset({Role.OPERATOR, Role.SUBCENTRE_OPERATOR, Role.EXPERT, Role.SHIFT_LEAD})
EXPERT_QUEUE_ROLES = frozenset({Role.EXPERT, Role.SHIFT_LEAD, Role.MANAGER})
CONNECTING = "正在连接数据库，请稍候…"
"""Who reads the queue of consultations handed to experts (R-EXPERT)."""
DESK_ROLES = frozenset({Role.ENTERPRISE_DESK, Role.MANAGER})
"""Who opens the 政企通 desk (R-ENTERPRISE): its policy specialists and the manager."""


class PlatformLike(Protocol):
    def backend(self, actor: Actor) -> Backend: ...


class EarlySearchLike(Protocol):
    """Knowledge answers before the platform is open (services/knowledge/early.py)."""

    def search_kb(
        self, query: str, unit: str | None = None, domain: str | None = None, limit: int = 10
    ) -> Sequence[ArticleHit]: ...


def default_mode(role: Role) -> str:
    """The screen a seat lands on."""
    if role in (Role.OPERATOR, Role.SUBCENTRE_OPERATOR):
        return "intake"
    if role is Role.EXPERT:
        return "knowledge"
    if role is Role.SHIFT_LEAD:
        return "board"
    if role is Role.ENTERPRISE_DESK:
        return "desk"
    return "queues"


def mark_focused_pane(widget: Widget) -> None:
    """Light the border of the pane (``.pane``) that holds the focus: ``-has-focus``.

    A class set when the focus enters another pane, rather than ``:focus-within``, which makes
    Textual restyle the whole pane at every focus move inside it (each Tab in the intake form).
    """
    try:
        screen = widget.screen
    except NoScreen:  # focused as its dialog closed (a focus event can trail the removal)
        return
    pane = next((w for w in widget.ancestors_with_self if w.has_class("pane")), None)
    for other in screen.query(".pane.-has-focus"):
        if other is not pane:
            other.remove_class("-has-focus")
    if pane is not None and not pane.has_class("-has-focus"):
        pane.add_class("-has-focus")


def _intake_screen() -> Screen[Any]:
    from console.screens.intake import IntakeScreen

    return IntakeScreen()


def _knowledge_screen() -> Screen[Any]:
    from console.screens.knowledge import KnowledgeScreen

    return KnowledgeScreen()


def _expert_queue_screen() -> Screen[Any]:
    from console.screens.expert_queue import ExpertQueueScreen

    return ExpertQueueScreen()


def _queues_screen() -> Screen[Any]:
    from console.screens.queues import QueuesScreen

    return QueuesScreen()


def _board_screen() -> Screen[Any]:
    from console.screens.board import BoardScreen

    return BoardScreen()


def _desk_screen() -> Screen[Any]:
    from console.screens.desk import DeskScreen

    return DeskScreen()


MODE_LABELS = {
    "intake": "接听/受理",
    "knowledge": "知识库",
    "queues": "工单队列",
    "board": "特殊事项看板",
    "desk": "政企通专席",
}


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


class HotlinePalette(CommandPalette):
    """Textual's command palette, speaking Chinese."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+end, shift+end", "command_list('last')", "到末尾", show=False),
        Binding("ctrl+home, shift+home", "command_list('first')", "到开头", show=False),
        Binding("down", "cursor_down", "下一条", show=False),
        Binding("escape", "escape", "关闭命令面板"),
        Binding("pagedown", "command_list('page_down')", "下一页", show=False),
        Binding("pageup", "command_list('page_up')", "上一页", show=False),
        Binding("up", "command_list('cursor_up')", "上一条", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(placeholder="搜索命令，或输入工单号…", id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text("没有匹配的命令", style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class HotlineCommands(Provider):
    """Command palette: every action of the app and of the current screen, and any ticket number."""

    def _commands(self) -> Iterable[tuple[str, str, Callable[[], Any]]]:
        app = self.app
        assert isinstance(app, HotlineApp)
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.system or binding.action == "command_palette":
                continue
            if not active.enabled or not _has_chinese(binding.description):
                continue  # a widget's own English binding (Cursor up …) is not a command here
            label = f"{binding.description}（{app.get_key_display(binding)}）"
            if label in seen:
                continue
            seen.add(label)
            yield (
                label,
                binding.tooltip or binding.description,
                partial(app.run_action, binding.action, active.node),
            )
        for mode, label in MODE_LABELS.items():
            name = f"切换到：{label}"
            if name not in seen and app.mode_allowed(mode):
                yield name, f"打开「{label}」界面", partial(app.show_mode, mode)
        yield (
            "打开工单（工单号或来电电话）",
            "按工单号打开，或按来电人电话查找",
            app.action_open_ticket,
        )
        if app.backend is not None and "专家名册" not in " ".join(seen):
            yield (
                "专家名册（专家座席）",
                "各单位专家的擅长领域与值班，在班的在前",
                app.action_experts,
            )
        if app.backend is not None and app.backend.actor.role in EXPERT_QUEUE_ROLES:
            yield (
                "专家队列（转来的咨询）",
                "转给本专家及其领域的咨询，按答复时限",
                app.action_expert_queue,
            )
        shown = " ".join(seen)
        role = app.backend.actor.role if app.backend is not None else None
        for action, reach in REACH.items():
            if role in reach.roles and reach.name.partition("（")[0] not in shown:
                yield reach.name, reach.tooltip, getattr(app, f"action_{action}")
        yield "退出控制台", "草稿已自动保存", app.action_quit

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, HotlineApp)
        found = TICKET_NUMBER.match(query)
        if found:
            number = found.group(1).upper()
            yield Hit(
                1.0,
                Content(f"打开工单 {number}"),
                partial(app.open_ticket, number),
                text=f"打开工单 {number}",
                help="打开这张工单",
            )
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)


class HotlineApp(App[None]):
    """The operator console. ``backend`` may be None when ``opener`` connects in the background."""

    TITLE = "12345 热线坐席控制台"
    CSS_PATH = "app.tcss"
    COMMANDS = {HotlineCommands}
    COMMAND_PALETTE_DISPLAY = "Ctrl+P"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    MODES = {
        "intake": _intake_screen,
        "knowledge": _knowledge_screen,
        "queues": _queues_screen,
        "board": _board_screen,
        "desk": _desk_screen,
        "expert_queue": _expert_queue_screen,
    }
    BINDINGS = [
        Binding(
            "f1",
            "expert_queue",
            "专家队列",
            id="app.expert_queue",
            tooltip="转给本专家及其领域的咨询，按答复时限",
            priority=True,
            show=False,  # on the navigation bar of expert seats (widgets/nav.py)
        ),
        Binding(
            "f2",
            "intake",
            "受理",
            id="app.intake",
            tooltip="来电受理界面",
            priority=True,
            show=False,  # the screen keys are on the navigation bar (widgets/nav.py)
        ),
        Binding(
            "f3",
            "knowledge",
            "知识库",
            id="app.knowledge",
            tooltip="检索知识库",
            priority=True,
            show=False,
        ),
        Binding(
            "f4",
            "queues",
            "工单队列",
            id="app.queues",
            tooltip="我的工单队列",
            priority=True,
            show=False,
        ),
        Binding(
            "f5",
            "board",
            "特殊事项",
            id="app.board",
            tooltip="特殊事项看板",
            priority=True,
            show=False,
        ),
        Binding(
            "ctrl+o",
            "open_ticket",
            "打开工单",
            id="app.open_ticket",
            tooltip="按工单号打开工单",
            priority=True,
            show=False,
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "命令",
            id="app.command_palette",
            show=False,
            tooltip="命令面板：查找任何操作或工单号",
        ),
        Binding(
            "ctrl+q", "quit", "退出", id="app.quit", tooltip="退出（草稿自动保存）", priority=True
        ),
        # Tab moves focus before the keys after it are handed on: a field's text and the Tab
        # after it often arrive in one read (a paste, a fast typist, a terminal under load),
        # and without priority the next field's first characters land in the field just left.
        Binding("tab", "focus_next", show=False, priority=True, id="app.focus_next"),
        Binding("shift+tab", "focus_previous", show=False, priority=True, id="app.focus_prev"),
    ]

    drill_text: reactive[str] = reactive("")
    connection_ok: reactive[bool] = reactive(True)
    ready: reactive[bool] = reactive(False)

    def __init__(
        self,
        backend: Backend | None,
        settings: Settings,
        *,
        opener: Callable[[], PlatformLike] | None = None,
        early_search: Callable[[], EarlySearchLike | None] | None = None,
        actor: Actor | None = None,
        cursor_blink: bool = True,
        retry_interval: float = 2.0,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.backend: Backend | None = backend
        self.actor: Actor | None = backend.actor if backend is not None else actor
        self.platform: PlatformLike | None = None
        self._opener = opener
        self._early_opener = early_search
        # answers from the saved search index while the platform is still opening
        self.early_search: EarlySearchLike | None = None
        # the caller's words carried from intake to the knowledge search (F3)
        self.carried_query = ""
        self.cursor_blink = cursor_blink
        self.retry_interval = retry_interval
        # Textual's crash report prints local variables (caller words, phone numbers) to stderr:
        # nothing Textual prints on a crash reaches the terminal; see _handle_exception.
        self.error_console = Console(file=StringIO(), markup=False, highlight=False)
        self.crashed = False
        self.call_watch: FeedWatch[CallPops] | None = None
        self.live_watch: FeedWatch[LiveChanges] | None = None
        # screens showing tickets that reload when the live feed says they changed
        # (``on_live_changes``), and screens showing articles (``on_article_changes``)
        self.live_listeners: weakref.WeakSet[Any] = weakref.WeakSet()
        self.article_listeners: weakref.WeakSet[Any] = weakref.WeakSet()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(HotlinePalette())

    # ------------------------------------------------------------------ start-up
    def get_driver_class(self) -> type[Driver]:
        # Alt+digit as ESC+digit (tmux, screen, PuTTY …) and pastes carrying ESC read right
        install_terminal_parser()
        # Chinese in a toast or list over a pane's border keeps every character
        install_wide_char_fix()
        # Chinese wraps as it is read: in the text areas and every text Textual lays out
        install_line_breaks()
        # a screen shown for the first time is not styled whole twice more
        install_screen_resume()
        # Backspace, ← or Ctrl+U among characters read at once acts where it was typed
        install_editing_keys()
        return super().get_driver_class()

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        if self.backend is not None:
            self._backend_ready()
            self.show_mode(default_mode(self.backend.actor.role))
            self.land_expert()
            return
        if self.actor is not None and default_mode(self.actor.role) == "intake":
            # The intake form is usable at once; answers start once the platform is open.
            self.show_mode("intake")
        else:
            from console.screens.seat import SeatScreen

            self.push_screen(SeatScreen(self.actor), self._seat_chosen)
        self.open_platform()

    def _seat_chosen(self, actor: Actor | None) -> None:
        if actor is None:
            self.exit()
            return
        self.actor = actor
        self._connect_actor()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_platform(self) -> None:
        """Open (create, migrate, seed on first start) the platform, retrying while it is down."""
        assert self._opener is not None
        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                if self._early_opener is not None:
                    early, self._early_opener = self._early_opener(), None
                    if early is not None:
                        self.call_from_thread(self._early_search_opened, early)
                platform = self._opener()
            except HotlineError as err:
                self.call_from_thread(self._open_failed, told(err))
            except Exception as err:  # noqa: BLE001 — e.g. the database server is down
                self.call_from_thread(self._open_failed, f"无法打开数据库（{type(err).__name__}）")
            else:
                self.call_from_thread(self._platform_opened, platform)
                return
            time.sleep(self.retry_interval)

    def _open_failed(self, message: str) -> None:
        self.connection_ok = False
        for screen in self.screen_stack:
            if hasattr(screen, "show_status"):
                screen.show_status(message)

    def _early_search_opened(self, early: EarlySearchLike) -> None:
        if self.backend is not None:
            return
        self.early_search = early
        for screen in self.screen_stack:
            if hasattr(screen, "early_search_ready"):
                screen.early_search_ready()

    def _platform_opened(self, platform: PlatformLike) -> None:
        self.platform = platform
        self.connection_ok = True
        for screen in self.screen_stack:
            if hasattr(screen, "platform_ready"):
                screen.platform_ready(platform)
        if self.actor is not None:
            self._connect_actor()

    def _connect_actor(self) -> None:
        if self.platform is None or self.actor is None or self.backend is not None:
            return
        self.backend = self.platform.backend(self.actor)
        self._backend_ready()
        self.warm_up()
        target = default_mode(self.actor.role)
        if self.current_mode != target:
            self.show_mode(target)
        self.land_expert()

    @work(thread=True, exclusive=True, group="landing", exit_on_error=False)
    def land_expert(self) -> None:
        """An expert seat on the expert roster starts on its queue (R-EXPERT); one that is
        not (yet) on it stays on the knowledge base."""
        backend = self.backend
        if backend is None or backend.actor.role is not Role.EXPERT:
            return
        try:
            entries = backend.experts()
        except HotlineError:
            return  # the knowledge base it is on serves; the queue is a key away
        if any(e.serves(backend.actor) for e in entries):
            self.call_from_thread(self._land_on_queue)

    def _land_on_queue(self) -> None:
        # only while the seat is still where it started (no dialog, no other screen yet)
        if self.current_mode == default_mode(Role.EXPERT) and len(self.screen_stack) == 1:
            self.show_mode("expert_queue")

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def warm_up(self) -> None:
        """Build the search index now, not at the operator's first keystroke."""
        if self.backend is not None:
            try:
                self.backend.search_kb("12345", limit=1)
            except HotlineError:
                pass

    def _backend_ready(self) -> None:
        assert self.backend is not None
        from console.widgets.banner import drill_text

        self.early_search = None  # the platform's own search from now on
        self.actor = self.backend.actor
        self.sub_title = self.backend.actor.label
        self.drill_text = (
            drill_text(self.backend.now(), running=self.settings.clock_running)
            if self.backend.drill
            else ""
        )
        self.ready = True
        self._follow_feeds()

    # ------------------------------------------------------------------ feeds (CTI, live)
    def _follow_feeds(self) -> None:
        """Follow the ticket changes (live updates) and, with HOTLINE_PHONE_SEAT, the calls
        answered at this seat's telephony seat (screen-pop)."""
        backend = self.backend
        if backend is None:
            return
        from console.feeds import LOCAL_WAIT, REMOTE_WAIT, FeedWatch

        common: dict[str, Any] = {
            "lost": partial(self._from_feed, self.connection_lost),
            "failed": partial(self._from_feed, self._feed_failed),
            "wait": REMOTE_WAIT if self.settings.api_url else LOCAL_WAIT,
            "retry": self.retry_interval,
        }
        if self.live_watch is None:
            self.live_watch = FeedWatch(
                "live", lambda: self.backend,
                lambda b, last, wait: (b.live_feed(None, None, wait) if last is None
                                       else b.live_feed(last.cursor, last.kb_cursor, wait)),
                lambda live: live.news, partial(self._from_feed, self.live_changed),
                **common,
            ).start()  # fmt: skip
        seat = self.settings.phone_seat
        if seat and self.call_watch is None and backend.actor.role in INTAKE_ROLES:
            self.call_watch = FeedWatch(
                "screen-pop", lambda: self.backend,
                lambda b, last, wait: (b.call_pops(seat, None if last is None else last.cursor, wait),),
                lambda pops: bool(pops.calls), partial(self._from_feed, self._calls_answered),
                **common,
            )  # fmt: skip
            self.sub_title = f"{backend.actor.label} · 话务坐席 {seat}"  # the nav bar shows it
            self.call_watch.start()

    def _from_feed(self, method: Callable[..., None], *args: Any) -> None:
        if self.is_running:
            try:
                self.call_from_thread(method, *args)
                return
            except RuntimeError:  # closed meanwhile
                pass
        for watch in (self.call_watch, self.live_watch):  # the console has closed
            if watch is not None:
                watch.stop()

    def _feed_failed(self, err: HotlineError) -> None:
        self.notify(f"实时推送已停止：{err}", title="推送", severity="error", markup=False)

    def _calls_answered(self, pops: CallPops) -> None:
        for call in pops.calls:
            self.screen_pop(call)

    def screen_pop(self, call: CallPop) -> None:
        """A call was answered at this seat: intake, with the caller's number, line and history."""
        from console.screens.intake import IntakeScreen

        self.show_mode("intake")
        for screen in self.screen_stack:
            if isinstance(screen, IntakeScreen):
                screen.receive_call(call)
                return

    def live_changed(self, live: LiveChanges) -> None:
        """Tickets or articles changed: each screen that follows them decides whether to reload."""
        if live.changes:
            for listener in list(self.live_listeners):
                listener.on_live_changes(live.changes)
        if live.articles:
            for listener in list(self.article_listeners):
                listener.on_article_changes(live.articles)

    def on_unmount(self) -> None:
        for watch in (self.call_watch, self.live_watch):
            if watch is not None:
                watch.stop()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False
        mark_focused_pane(event.widget)

    # ------------------------------------------------------------------ errors and connection
    def report_error(self, err: BaseException) -> None:
        """One place that turns a failed backend call into what the seat sees (never a traceback)."""
        if isinstance(err, Unavailable):
            self.connection_lost()
        elif isinstance(err, HotlineError):
            self.notify(told(err), title="未完成", severity="error", markup=False)
        else:
            self.notify(
                f"内部错误（{type(err).__name__}），请重试或联系值班技术人员",
                severity="error",
                markup=False,
            )

    def connection_lost(self) -> None:
        if self.connection_ok:
            self.connection_ok = False
            self.probe_connection()

    @work(thread=True, exclusive=True, group="probe", exit_on_error=False)
    def probe_connection(self) -> None:
        """Retry a cheap read until the platform answers again."""
        worker = get_current_worker()
        while not worker.is_cancelled:
            time.sleep(self.retry_interval)
            backend = self.backend
            if backend is None:
                continue
            try:
                backend.grounds()
            except Unavailable:
                continue
            except Exception:  # noqa: BLE001 — any other answer means the store is reachable
                pass
            self.call_from_thread(setattr, self, "connection_ok", True)
            return

    def _handle_exception(self, error: Exception) -> None:
        # Textual offers no public switch for its crash report, which renders every frame's local
        # variables — a caller's words, phone or ID number — to stderr. The report still goes to
        # self.error_console (a discarded buffer, set in __init__); here a crash log gets the
        # exception type and the frames only: no message, no locals.
        self.crashed = True
        write_crash_log(self.settings.data_dir, error)
        super()._handle_exception(error)

    # ------------------------------------------------------------------ navigation
    def mode_allowed(self, mode: str) -> bool:
        if self.actor is None:
            return False
        if mode == "intake":
            return self.actor.role in INTAKE_ROLES
        if mode == "desk" and self.actor.role not in DESK_ROLES:
            return False
        if mode == "expert_queue" and self.actor.role not in EXPERT_QUEUE_ROLES:
            return False
        return self.backend is not None

    def show_mode(self, mode: str) -> None:
        if not self.mode_allowed(mode):
            if self.backend is None:
                self.notify(CONNECTING, markup=False)
            return
        if self.current_mode == mode:
            # back to the mode's own screen when a ticket view is on top of it
            while len(self.screen_stack) > 1 and isinstance(self.screen, _popable()):
                self.pop_screen()
            return
        self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MODE_LABELS:
            if self.actor is None:
                return False
            if action == "intake" and self.actor.role not in INTAKE_ROLES:
                return False
            if action == "desk" and self.actor.role not in DESK_ROLES:
                return False
            return True if self.mode_allowed(action) else None
        if action == "expert_queue":
            # the key is the expert seat's (nav bar); shift leads and the manager open the
            # queue from the command palette
            if self.actor is None or self.actor.role is not Role.EXPERT:
                return False
            return True if self.mode_allowed(action) else None
        if action == "open_ticket":
            return self.backend is not None
        if action in REACH:
            return self.actor is not None and self.actor.role in REACH[action].roles
        return True

    def action_intake(self) -> None:
        self.show_mode("intake")

    def action_knowledge(self) -> None:
        carry = getattr(self.screen, "carried_query", None)
        if callable(carry):
            # F3 from intake: the caller's words go with the seat to the knowledge search
            self.carried_query = carry()
        self.show_mode("knowledge")

    def action_queues(self) -> None:
        self.show_mode("queues")

    def action_board(self) -> None:
        self.show_mode("board")

    def action_desk(self) -> None:
        """The 政企通 desk (R-ENTERPRISE): enterprise requests and their policy specialists."""
        self.show_mode("desk")

    def action_experts(self) -> None:
        """The expert roster (R-EXPERT), over whatever screen is showing."""
        from console.screens.experts import ExpertRosterScreen

        if self.backend is not None and not isinstance(self.screen, ExpertRosterScreen):
            self.push_screen(ExpertRosterScreen())

    def action_upkeep(self) -> None:
        """Knowledge upkeep (R-KB): error reports and articles due for review."""
        from console.screens.upkeep import UpkeepScreen

        self._push_once(UpkeepScreen)

    def action_prefiling(self) -> None:
        """报备 (R-PREFILING): the units file and withdraw, the manager reviews."""
        from console.screens.prefiling import PrefilingScreen

        self._push_once(PrefilingScreen)

    def action_dashboard(self) -> None:
        """The evaluation dashboard (R-UNIT-KPI, R-GRADES, R-ANALYTICS)."""
        from console.screens.dashboard import DashboardScreen

        self._push_once(DashboardScreen)

    def _push_once(self, kind: type[Screen[Any]]) -> None:
        """Open a screen of ``kind`` over the current one, unless it is the current one."""
        if self.backend is None or self.actor is None:
            self.notify(CONNECTING, markup=False)
            return
        if not isinstance(self.screen, kind):
            self.push_screen(kind())

    def action_expert_queue(self) -> None:
        """The consultations handed to this expert seat (R-EXPERT): a screen of its own."""
        self.show_mode("expert_queue")

    def action_open_ticket(self) -> None:
        if self.backend is None:
            self.notify(CONNECTING, markup=False)
            return
        from console.widgets.dialogs import PromptDialog

        def opened(entered: str | None) -> None:
            if not entered:
                return
            if PHONE.match(entered) and not TICKET_NUMBER.match(entered):
                self.find_by_phone(entered.strip())
            else:
                self.open_ticket(entered)

        self.push_screen(
            PromptDialog("打开工单", placeholder="工单号（如 HN261125000001）或来电人电话"), opened
        )

    @work(thread=True, exclusive=True, group="find-by-phone", exit_on_error=False)
    def find_by_phone(self, phone: str) -> None:
        """Ctrl+O with a phone number: that caller's tickets, masked, to pick one from."""
        backend = self.backend
        if backend is None:
            return
        try:
            page = backend.tickets_by_phone(phone)
        except HotlineError as err:
            self.call_from_thread(self.notify, told(err), severity="error", markup=False)
            return
        self.call_from_thread(self._phone_results, page)

    def _phone_results(self, page: Any) -> None:
        from console.widgets.deadline import SHANGHAI
        from console.widgets.dialogs import ChoiceDialog
        from console.widgets.safe import literal

        if not page.rows:
            self.notify("没有该号码的工单（或无权查看）", severity="warning", markup=False)
            return
        rows = []
        for r in page.rows:
            line = Text.assemble((r.number, "bold"), "  ", (r.caller, "dim"), "  ")
            line.append(f"{r.created_at.astimezone(SHANGHAI):%Y-%m-%d} {r.state_label}  ")
            line.append_text(literal(r.title))
            rows.append((r.number, line))
        more = f"（共 {page.total} 张，列出最近 {len(rows)} 张）" if page.total > len(rows) else ""
        body = Text(f"该来电号码的工单{more}：", style="bold")

        def picked(result: tuple[str, str] | None) -> None:
            if result is not None:
                self.open_ticket(result[0])

        self.push_screen(ChoiceDialog("按来电电话查找工单", body, rows, highlighted=0), picked)

    def open_ticket(self, number: str) -> None:
        """Show a ticket by its number (the ticket view says so when there is no such ticket)."""
        found = TICKET_NUMBER.match(number)
        if not found:
            self.notify(f"工单号格式不对：{number.strip()[:30]}", severity="warning", markup=False)
            return
        from console.screens.ticket import TicketScreen

        self.push_screen(TicketScreen(found.group(1).upper()))


def _popable() -> tuple[type, ...]:
    from console.screens.dashboard import DashboardScreen
    from console.screens.expert_queue import ConsultationScreen, ExpertQueueScreen
    from console.screens.experts import ExpertRosterScreen
    from console.screens.prefiling import PrefilingScreen
    from console.screens.ticket import TicketScreen
    from console.screens.upkeep import UpkeepScreen

    return (
        TicketScreen,
        UpkeepScreen,
        PrefilingScreen,
        DashboardScreen,
        ExpertRosterScreen,
        ExpertQueueScreen,
        ConsultationScreen,
    )


def write_crash_log(folder: Path, error: BaseException) -> Path | None:
    """Append the exception type and its frames (file, line, function) — never values."""
    try:
        path = folder / "crash.log"
        frames = traceback.extract_tb(error.__traceback__)
        lines = [
            f"{time.strftime('%Y-%m-%d %H:%M:%S')} {type(error).__module__}.{type(error).__name__}\n"
        ]
        lines += [f"  {f.filename}:{f.lineno} in {f.name}\n" for f in frames]
        private.append_text(path, "".join(lines))  # 0600 in a 0700 folder (R-SECURITY)
        return path
    except OSError:
        return None
