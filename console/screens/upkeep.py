"""Knowledge upkeep (知识维护) for a unit clerk and the manager (R-KB).

The reports operators filed against the articles the seat keeps (its unit's; every unit's for
the manager), oldest first, and the articles whose review is past or near. The clerk answers
a report — corrected (已更正) or checked and not wrong (经核实无误), always with a reason — and
verifies an article as current, setting its next review date. A report left open more than
7 days lowers the unit's 知识库维护率; an answered one no longer does.

E opens the selected article's edit form (article_edit.py); a saved edit waits in the third
list (待核实修改) until someone other than its editor verifies it there with V (交叉核验): only
then do operators read the new text, and the article's open reports close with it.

Opened from the work queues (K), where a clerk starts the day; Esc goes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.errors import HotlineError
from console.screens.on_backend import ListedScreen
from console.services.clock import SHANGHAI
from console.services.views import (
    ArticleChange,
    ArticleDraftView,
    ArticleFlagView,
    ReviewDueView,
)
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.dialogs import PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.safe import clean, literal, one_line

FLAG_GRACE_DAYS = 7
"""Days a report may stay open before it lowers the upkeep rate (as in knowledge/upkeep)."""
NEXT_REVIEW_DAYS = 365
"""The next review date offered when an article is verified (the seat may change it)."""
OUTCOME_LABELS = {"fixed": "已更正", "not_wrong": "经核实无误"}


class UpkeepScreen(ListedScreen, Screen[None]):
    """Open error reports on the seat's articles and the articles due for review."""

    BANNER = "upkeep-banner"

    CSS_PATH = "upkeep.tcss"
    TITLE = "知识维护"
    BINDINGS = [
        Binding("escape", "back", "返回", id="upkeep.back"),
        Binding("r", "reload", "刷新", id="upkeep.reload"),
        Binding(
            "x",
            "resolve('fixed')",
            "已更正",
            id="upkeep.fixed",
            tooltip="所选纠错报告：知识已更正（须写处理说明）",
        ),
        Binding(
            "n",
            "resolve('not_wrong')",
            "核实无误",
            id="upkeep.not_wrong",
            tooltip="所选纠错报告：经核实知识无误（须写理由）",
        ),
        Binding(
            "v",
            "verify",
            "核实通过",
            id="upkeep.verify",
            tooltip="所选待复核知识或待核实修改：确认有效（修改须由他人核实），并定下次复核日期",
        ),
        Binding(
            "e",
            "edit",
            "修改",
            id="upkeep.edit",
            tooltip="修改所选知识；保存为待核实修改稿，由他人核实后生效",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.flags: list[ArticleFlagView] = []
        self.due: list[ReviewDueView] = []
        self.drafts: list[ArticleDraftView] = []
        self.today: dt.date = dt.date.min  # set from the platform's clock with each load

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static("", id="upkeep-banner", markup=False)
        with Container(id="upkeep-body"):
            with Vertical(id="upkeep-flags-pane", classes="pane") as flags_pane:
                flags_pane.border_title = "纠错报告（X 已更正 · N 核实无误）"
                flags: DataTable[Text] = DataTable(
                    id="upkeep-flags", cursor_type="row", zebra_stripes=True
                )
                flags.add_columns("知识", "问题", "报告", "已过")
                yield flags
                yield Static("", id="upkeep-flag-note", markup=False)
            with Vertical(id="upkeep-side"):
                with Vertical(id="upkeep-review-pane", classes="pane") as review_pane:
                    review_pane.border_title = "待复核知识（V 核实通过 · E 修改）"
                    review: DataTable[Text] = DataTable(
                        id="upkeep-review", cursor_type="row", zebra_stripes=True
                    )
                    review.add_columns("知识", "问题", "复核日期", "状态")
                    yield review
                with Vertical(id="upkeep-drafts-pane", classes="pane") as drafts_pane:
                    drafts_pane.border_title = "待核实修改（V 交叉核验）"
                    drafts: DataTable[Text] = DataTable(
                        id="upkeep-drafts", cursor_type="row", zebra_stripes=True
                    )
                    drafts.add_columns("知识", "修改后标题", "修改人", "保存于")
                    yield drafts
        yield Static(Text("载入中…", style="dim"), id="upkeep-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#upkeep-banner").display = False
        self.query_one("#upkeep-flags", DataTable).focus()
        self.load()
        if hasattr(self.app, "connection_ok"):
            self.watch(self.app, "connection_ok", self._connection_changed, init=False)
        if hasattr(self.app, "article_listeners"):
            self.app.article_listeners.add(self)

    def on_article_changes(self, articles: Sequence[ArticleChange]) -> None:
        """Pushed: a draft was saved, an article verified or a report answered — the lists again."""
        if articles:
            self.load()

    def _connection_changed(self, ok: bool) -> None:
        if ok:
            self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="upkeep-load", exit_on_error=False)
    def load(self) -> None:
        backend = self.backend
        try:
            flags = list(backend.article_flags())
            due = list(backend.articles_due_review())
            drafts = list(backend.article_drafts())
            now = backend.now().astimezone(SHANGHAI)
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.deliver(self._show, flags, due, now, drafts)

    def _show(
        self,
        flags: list[ArticleFlagView],
        due: list[ReviewDueView],
        now: dt.datetime,
        drafts: list[ArticleDraftView] | None = None,
    ) -> None:
        if not self.is_mounted:
            return
        self.query_one("#upkeep-banner").display = False
        self.flags, self.due, self.today = flags, due, now.date()
        self.drafts = drafts or []
        self._show_drafts()
        table = self.query_one("#upkeep-flags", DataTable)
        row = table.cursor_row
        table.clear()
        for f in flags:
            late = f.age_days > FLAG_GRACE_DAYS
            table.add_row(
                Text(f.article_id),
                literal(one_line(f.question, 28)),
                Text(f.problem_label, style="bold" if f.problem == "wrong" else ""),
                Text(f"{f.age_days} 天", style="bold red" if late else ""),
                key=str(f.id),
            )
        if flags:
            table.move_cursor(row=min(row, len(flags) - 1))
        review = self.query_one("#upkeep-review", DataTable)
        row = review.cursor_row
        review.clear()
        for d in due:
            when = d.review_by.isoformat()
            if d.days_overdue > 0:
                label = Text(f"{when} 已过 {d.days_overdue} 天", style="bold red")
            else:
                label = Text(f"{when} 还有 {-d.days_overdue} 天")
            status = "已核实" if d.status == "verified" else "草稿"
            review.add_row(
                Text(d.article_id),
                literal(one_line(d.question, 28)),
                label,
                Text(status),
                key=d.article_id,
            )
        if due:
            review.move_cursor(row=min(row, len(due) - 1))
        self._show_note()
        stale = sum(1 for f in flags if f.age_days > FLAG_GRACE_DAYS)
        summary = Text(f"纠错报告 {len(flags)} 件", style="bold")
        if stale:
            summary.append(
                f"（{stale} 件超过 {FLAG_GRACE_DAYS} 天，影响知识库维护率）", style="red"
            )
        summary.append(f"  待复核知识 {len(due)} 条", style="bold")
        if self.drafts:
            summary.append(f"  待核实修改 {len(self.drafts)} 条", style="bold yellow")
        summary.append(f"  更新于 {now:%H:%M:%S}", style="dim")
        self.query_one("#upkeep-status", Static).update(summary)
        self.refresh_bindings()

    def _show_drafts(self) -> None:
        table = self.query_one("#upkeep-drafts", DataTable)
        row = table.cursor_row
        table.clear()
        for d in self.drafts:
            table.add_row(
                Text(d.article_id),
                literal(one_line(d.question, 24)),
                literal(one_line(d.edited_by, 10)),
                Text(f"{d.edited_at.astimezone(SHANGHAI):%m-%d %H:%M}"),
                key=d.article_id,
            )
        if self.drafts:
            table.move_cursor(row=min(row, len(self.drafts) - 1))

    @on(DataTable.RowHighlighted, "#upkeep-flags")
    def _show_note(self) -> None:
        note = self.query_one("#upkeep-flag-note", Static)
        flag = self.selected_flag
        if flag is None:
            note.update(Text("没有待处理的纠错报告", style="dim"))
            return
        text = Text.assemble((f"{flag.problem_label}：", "bold"))
        text.append_text(literal(flag.note or "（未写说明）"))
        when = flag.at.astimezone(SHANGHAI)
        text.append(f"\n{clean(flag.flagged_by)} 报告于 {when:%Y-%m-%d %H:%M}", style="dim")
        note.update(text)

    # ------------------------------------------------------------------ selection
    @property
    def selected_flag(self) -> ArticleFlagView | None:
        if not self.flags:
            return None
        table = self.query_one("#upkeep-flags", DataTable)
        if table.row_count == 0:
            return None
        return self.flags[min(table.cursor_row, len(self.flags) - 1)]

    @property
    def selected_article(self) -> ReviewDueView | None:
        if not self.due:
            return None
        table = self.query_one("#upkeep-review", DataTable)
        if table.row_count == 0:
            return None
        return self.due[min(table.cursor_row, len(self.due) - 1)]

    @property
    def selected_draft(self) -> ArticleDraftView | None:
        if not self.drafts:
            return None
        table = self.query_one("#upkeep-drafts", DataTable)
        if table.row_count == 0:
            return None
        return self.drafts[min(table.cursor_row, len(self.drafts) - 1)]

    def _focused_table(self) -> str:
        focused = self.focused
        return focused.id or "" if isinstance(focused, DataTable) else ""

    def selected_article_id(self) -> str | None:
        """The article of the row selected in the focused list (for E)."""
        table = self._focused_table()
        if table == "upkeep-flags" and self.selected_flag is not None:
            return self.selected_flag.article_id
        if table == "upkeep-drafts" and self.selected_draft is not None:
            return self.selected_draft.article_id
        if table == "upkeep-review" and self.selected_article is not None:
            return self.selected_article.article_id
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resolve":
            return True if self.selected_flag is not None else None
        if action == "verify":
            if self._focused_table() == "upkeep-drafts":
                return True if self.selected_draft is not None else None
            return True if self.selected_article is not None else None
        if action == "edit":
            return True if self.selected_article_id() is not None else None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_resolve(self, outcome: str) -> None:
        flag = self.selected_flag
        if flag is None:
            return
        label = OUTCOME_LABELS.get(outcome, outcome)
        note = Text.assemble((f"{flag.article_id}：", "bold"))
        note.append_text(literal(one_line(flag.question, 60)))
        note.append(f"\n{flag.problem_label}：", style="dim")
        note.append_text(literal(one_line(flag.note, 80), style="dim"))
        note.append("\n处理后报告关闭，不再影响知识库维护率（R-KB）", style="dim")
        placeholder = "写明改了什么" if outcome == "fixed" else "写明为何内容无误"

        def entered(value: str | None) -> None:
            if value is not None:
                self.resolve_flag(flag.id, outcome, value, label)

        self.app.push_screen(
            PromptDialog(f"纠错报告：{label}", placeholder=placeholder, note=note), entered
        )

    def action_edit(self) -> None:
        article_id = self.selected_article_id()
        if article_id is None:
            return
        from console.screens.article_edit import ArticleEditScreen

        def closed(saved: bool | None) -> None:
            self.load()

        self.app.push_screen(ArticleEditScreen(article_id), closed)

    def action_verify(self) -> None:
        if self._focused_table() == "upkeep-drafts":
            self.verify_draft()
            return
        article = self.selected_article
        if article is None:
            return
        offered = self.today + dt.timedelta(days=NEXT_REVIEW_DAYS)
        note = Text.assemble((f"{article.article_id}：", "bold"))
        note.append_text(literal(one_line(article.question, 60)))
        note.append("\n确认内容仍然有效；其未处理的纠错报告一并关闭（R-KB）", style="dim")

        def entered(value: str | None) -> None:
            if value is None:
                return
            try:
                review_by = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.notify(
                    "下次复核日期应写成 2027-11-25 这样的日期", severity="error", markup=False
                )
                return
            self.verify_article(article.article_id, review_by)

        self.app.push_screen(
            PromptDialog(
                "核实知识并定下次复核日期",
                placeholder="YYYY-MM-DD",
                value=offered.isoformat(),
                note=note,
            ),
            entered,
        )

    def verify_draft(self) -> None:
        """Cross-check (交叉核验) the selected edit: it becomes what operators read (R-KB)."""
        draft = self.selected_draft
        if draft is None:
            return
        note = Text.assemble((f"{draft.article_id}：", "bold"))
        note.append_text(literal(one_line(draft.question, 60)))
        note.append("\n修改人：")
        note.append_text(literal(one_line(draft.edited_by, 20)))
        note.append(
            "\n核实后坐席即看到修改后的内容，未处理的纠错报告一并关闭；"
            "修改人本人不能核实（R-KB 交叉核验）",
            style="dim",
        )

        def entered(value: str | None) -> None:
            if value is None:
                return
            try:
                review_by = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.notify(
                    "下次复核日期应写成 2027-11-25 这样的日期", severity="error", markup=False
                )
                return
            self.verify_article(draft.article_id, review_by, draft.version)

        self.app.push_screen(
            PromptDialog(
                "核实修改（交叉核验）并定下次复核日期",
                placeholder="YYYY-MM-DD",
                value=draft.review_by.isoformat(),
                note=note,
            ),
            entered,
        )

    # ------------------------------------------------------------------ commands
    @work(thread=True, exclusive=True, group="upkeep-command", exit_on_error=False)
    def resolve_flag(self, flag_id: int, outcome: str, note: str, label: str) -> None:
        try:
            self.backend.resolve_article_flag(flag_id, outcome, note)
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self.notify, f"纠错报告已处理：{label}", markup=False)
        self.app.call_from_thread(self.load)

    @work(thread=True, exclusive=True, group="upkeep-command", exit_on_error=False)
    def verify_article(
        self, article_id: str, review_by: dt.date | None, version: int | None = None
    ) -> None:
        try:
            closed = self.backend.verify_article(article_id, review_by, version)
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        message = f"{article_id} 已核实"
        if review_by is not None:
            message += f"，下次复核 {review_by.isoformat()}"
        if closed:
            message += f"；关闭纠错报告 {closed} 件"
        self.app.call_from_thread(self.notify, message, markup=False)
        self.app.call_from_thread(self.load)

    # ------------------------------------------------------------------ failures
    def has_rows(self) -> bool:
        return bool(self.flags or self.due or self.drafts)
