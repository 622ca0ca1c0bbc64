"""The evaluation dashboard (考核评价看板) for the manager, supervisors, the shift lead and a
unit clerk (its own unit only: the backend scopes every read).

One line per handling unit: its five KPIs of the period (R-UNIT-KPI), the trend of the last
four quarters, and the score and grade of the period's evaluation (R-GRADES) where the seat may
read it. The side pane says why: the selected unit's figures with their numerators and
denominators, and (Enter) the tickets that cost it its points. The hottest matters and the
sudden and emerging ones (R-ANALYTICS) sit below it.

Keys: [ and ] change the quarter, Y shows the whole year; the manager computes the draft (C),
publishes it (P) and writes the workbook the units and the manager's office exchange (X).
Opened from the work queues (D) or the special-incident board (D); Esc goes back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Static

from console.errors import HotlineError, Unavailable
from console.screens.field_labels import told
from console.screens.on_backend import OnBackend
from console.services.clock import SHANGHAI, quarter_of
from console.services.values import HOT_READERS, Role
from console.services.views import (
    CountedTicket,
    EvaluationView,
    HotAlertView,
    HotGroupView,
    KpiReport,
    UnitKpis,
)
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.dialogs import ConfirmDialog, PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.safe import literal, one_line

GRADE_READERS = frozenset({Role.MANAGER, Role.SUPERVISOR, Role.AUDITOR, Role.UNIT_CLERK})
"""Seats that read grades (R-GRADES): every unit's, or a unit clerk its own unit's published
line; the manager also computes and publishes."""
SHORT = {
    "response_rate": "响应率",
    "on_time_rate": "按时办结",
    "resolution_rate": "解决率",
    "satisfaction_rate": "满意率",
    "kb_upkeep_rate": "知识维护",
}
HOT_SHOWN = 8
HOT_RETRY_SECONDS = 5.0
"""The hot list is asked again this soon when it could not be read for now (the first look of
the process still grouping the last 90 days, or the service away)."""
GRADE_STYLES = {"优秀": "bold green", "合格": "green", "基本合格": "yellow", "不合格": "bold red"}
SPARK = "▁▂▃▄▅▆▇█"
TREND_QUARTERS = 4


def shift_quarter(period: str, step: int) -> str:
    """The quarter ``step`` quarters after ``period`` (a year label: its last quarter)."""
    year, _, q = period.partition("Q")
    index = int(year) * 4 + (int(q) - 1 if q else 3) + step
    return f"{index // 4}Q{index % 4 + 1}"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def sparkline(rates: list[float | None]) -> str:
    """One character a quarter, oldest first: the height is the rate (blank: no figure)."""
    return "".join(
        " " if r is None else SPARK[min(len(SPARK) - 1, int(r * (len(SPARK) - 1) + 0.5))]
        for r in rates
    )


def composite(unit: UnitKpis) -> float | None:
    """The plain mean of a unit's rates (for the trend only; the grade uses the policy)."""
    rates = [f.rate for f in unit.figures if f.rate is not None]
    return sum(rates) / len(rates) if rates else None


def has_tickets(unit: UnitKpis) -> bool:
    """Whether any ticket counted for the unit in the period (the knowledge base aside)."""
    return any(f.denominator for f in unit.figures if f.indicator != "kb_upkeep_rate")


class DashboardScreen(OnBackend, Screen[None]):
    """Units' KPIs, trend and grades of a period, and why."""

    CSS_PATH = "dashboard.tcss"
    TITLE = "考核评价看板"
    BINDINGS = [
        Binding("escape", "back", "返回", id="dashboard.back"),
        Binding("r", "reload", "刷新", id="dashboard.reload"),
        Binding("left_square_bracket", "period(-1)", "上季度", id="dashboard.previous"),
        Binding("right_square_bracket", "period(1)", "下季度", id="dashboard.next"),
        Binding("y", "year", "全年/季度", id="dashboard.year", tooltip="在全年与季度之间切换"),
        Binding(
            "enter", "why", "扣分工单", id="dashboard.why", tooltip="所选单位各指标未达标的工单"
        ),
        Binding(
            "c",
            "draft",
            "计算草稿",
            id="dashboard.draft",
            tooltip="按考核评价办法由本期指标计算得分与等次（已发布的须写更正原因）",
        ),
        Binding(
            "p", "publish", "发布", id="dashboard.publish", tooltip="发布本期草稿，发布后不再改动"
        ),
        Binding(
            "x",
            "export",
            "导出工作簿",
            id="dashboard.export",
            tooltip="把本期指标与等次写成 Excel 工作簿",
        ),
    ]

    def __init__(self, period: str | None = None) -> None:
        super().__init__()
        self.period = period or ""
        self.report: KpiReport | None = None
        self.hot: tuple[str, list[HotGroupView], list[HotAlertView]] | None = None
        self.evaluation: EvaluationView | None = None
        self.trend: dict[str, list[float | None]] = {}
        self._hot_retry: Timer | None = None

    @property
    def role(self) -> Role:
        return self.backend.actor.role

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static("", id="dashboard-head", markup=False)
        with Container(id="dashboard-body"):
            with Vertical(id="dashboard-units-pane", classes="pane") as units_pane:
                units_pane.border_title = "各单位指标（R-UNIT-KPI）"
                table: DataTable[Text] = DataTable(
                    id="dashboard-units", cursor_type="row", zebra_stripes=True
                )
                yield table
            with Vertical(id="dashboard-side"):
                with Vertical(id="dashboard-why-pane", classes="pane") as why_pane:
                    why_pane.border_title = "为什么（Enter 扣分工单）"
                    yield Static("", id="dashboard-why", markup=False)
                with Vertical(id="dashboard-hot-pane", classes="pane") as hot_pane:
                    hot_pane.border_title = "热点与突发（近90天，R-ANALYTICS）"
                    yield Static(Text("载入中…", style="dim"), id="dashboard-hot", markup=False)
        yield Static(Text("载入中…", style="dim"), id="dashboard-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#dashboard-units", DataTable)
        grades = ("得分", "等次") if self.role in GRADE_READERS else ()
        table.add_columns("单位", *grades, *SHORT.values(), "趋势")
        if not self.period:
            self.period = quarter_of(self.backend.now().astimezone(SHANGHAI).date())
        self.query_one("#dashboard-units", DataTable).focus()
        self.load()
        if hasattr(self.app, "connection_ok"):
            self.watch(self.app, "connection_ok", self._connection_changed, init=False)

    def _connection_changed(self, ok: bool) -> None:
        if ok:
            self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="dashboard-load", exit_on_error=False)
    def load(self) -> None:
        backend, period = self.backend, self.period
        evaluation: EvaluationView | None = None
        try:
            if backend.actor.role in GRADE_READERS:
                found = backend.evaluations(period)
                if found:
                    evaluation = backend.evaluation(found[0].id)
            # the figures as last computed, at once (a large store takes seconds to count the
            # current period again); a period over is read from them outright
            early = backend.kpi_latest(period)
            if early is not None and early.as_of is not None:
                self.app.call_from_thread(self._show, period, early, evaluation)
            report = backend.unit_kpis(period)
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            self.load_hot()  # the hot list does not wait on the figures
            return
        self.app.call_from_thread(self._show, period, report, evaluation)
        self.load_hot()
        self.load_trend(period)

    @work(thread=True, exclusive=True, group="dashboard-hot", exit_on_error=False)
    def load_hot(self) -> None:
        """The hottest matters and the sudden and emerging ones (the first look of a process
        replays the last 90 days: its own worker, after the table)."""
        if self.backend.actor.role not in HOT_READERS:
            return
        try:
            groups = list(self.backend.hot_matters(HOT_SHOWN))
            alerts = list(self.backend.hot_alerts())
        except HotlineError as err:
            self.app.call_from_thread(self._show_hot_failed, err)
            return
        self.app.call_from_thread(self._show_hot, groups, alerts)

    def _show_hot_failed(self, err: HotlineError) -> None:
        if not self.is_mounted:
            return
        for_now = isinstance(err, Unavailable)  # still grouping, or the service away: again
        self.query_one("#dashboard-hot", Static).update(
            Text(told(err), style="dim" if for_now else "red")
        )
        if for_now and self._hot_retry is None:  # one asking again pending at most
            self._hot_retry = self.set_timer(HOT_RETRY_SECONDS, self._retry_hot)

    def _retry_hot(self) -> None:
        self._hot_retry = None
        self.load_hot()

    def _show_hot(self, groups: list[HotGroupView], alerts: list[HotAlertView]) -> None:
        if not self.is_mounted:
            return
        shown = f"{self.backend.now().astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        self.hot = (f"热点事项 近90天（显示于 {shown}）", groups, alerts)  # exported as shown
        text = Text()
        for a in alerts[:4]:
            text.append(f"{a.label} ", style="bold red" if a.kind == "sudden" else "bold yellow")
            text.append(f"{a.callers} 人  ", style="bold")
            text.append_text(literal(one_line(a.summary, 15)))
            text.append("\n")
        if not groups:
            text.append("没有两位以上来电人反映的同一事项", style="dim")
        for g in groups:
            text.append(f"{g.heat:5.1f} ", style="bold")
            text.append(f"{g.callers} 人 ", style="cyan")
            text.append_text(literal(one_line(g.summary, 15)))
            text.append("\n")
        self.query_one("#dashboard-hot", Static).update(text)

    @work(thread=True, exclusive=True, group="dashboard-trend", exit_on_error=False)
    def load_trend(self, period: str) -> None:
        """The last four quarters' mean rate per unit, after the table shows."""
        last = period if "Q" in period else f"{period}Q4"
        quarters = [shift_quarter(last, -k) for k in range(TREND_QUARTERS - 1, -1, -1)]
        trend: dict[str, list[float | None]] = {}
        try:
            for i, quarter in enumerate(quarters):
                for unit in self.backend.unit_kpis(quarter).units:
                    trend.setdefault(unit.unit_id, [None] * len(quarters))[i] = composite(unit)
        except HotlineError:
            return  # the trend is a help; the table has said what failed, if anything
        self.app.call_from_thread(self._show_trend, period, trend)

    def _failed(self, err: HotlineError) -> None:
        if not self.is_mounted:
            return
        self.query_one("#dashboard-status", Static).update(Text(told(err), style="bold red"))

    def _show(self, period: str, report: KpiReport, evaluation: EvaluationView | None) -> None:
        if not self.is_mounted or period != self.period:
            return
        self.report, self.evaluation = report, evaluation
        self._fill()
        self._show_head()
        self._show_why()
        self.refresh_bindings()

    def _show_trend(self, period: str, trend: dict[str, list[float | None]]) -> None:
        if not self.is_mounted or period != self.period:
            return
        self.trend = trend
        self._fill()

    def _fill(self) -> None:
        report = self.report
        if report is None:
            return
        grades = {g.unit_id: g for g in self.evaluation.grades} if self.evaluation else {}
        table = self.query_one("#dashboard-units", DataTable)
        row = table.cursor_row
        table.clear()
        for unit in self.ranked(report):
            cells = [literal(one_line(unit.unit_name, 12))]
            grade = grades.get(unit.unit_id)
            if self.role not in GRADE_READERS:
                pass  # no grade columns for this seat
            elif grade is None:
                cells += [Text("—", style="dim"), Text("—", style="dim")]
            else:
                score = "—" if grade.score is None else f"{grade.score:.1f}"
                cells.append(Text(score, justify="right"))
                label = grade.grade or "—"  # no grade: too little known (评价数据不足, why pane)
                cells.append(Text(label, style=GRADE_STYLES.get(label, "dim")))
            for indicator in SHORT:
                figure = next((f for f in unit.figures if f.indicator == indicator), None)
                rate = figure.rate if figure is not None else None
                style = "red" if rate is not None and rate < 0.8 else ""
                cells.append(Text(percent(rate), style=style, justify="right"))
            cells.append(Text(sparkline(self.trend.get(unit.unit_id, [])), style="cyan"))
            table.add_row(*cells, key=unit.unit_id)
        if report.units:
            table.move_cursor(row=min(row, len(report.units) - 1))

    def ranked(self, report: KpiReport) -> list[UnitKpis]:
        """Units with a grade by score, best first; then those with tickets in the period, then
        the rest (the knowledge base only), each by their mean rate."""
        scores = {g.unit_id: g.score for g in (self.evaluation.grades if self.evaluation else ())}

        def key(unit: UnitKpis) -> tuple[int, float, str]:
            score = scores.get(unit.unit_id)
            if score is not None:
                return (0, -score, unit.unit_id)
            return (1 if has_tickets(unit) else 2, -(composite(unit) or 0), unit.unit_id)

        return sorted(report.units, key=key)

    def _show_head(self) -> None:
        report = self.report
        if report is None:
            return
        last = report.end - dt.timedelta(days=1)
        head = Text.assemble(
            ("考核期 ", "dim"),
            (report.period, "bold"),
            (f"（{report.start:%Y-%m-%d} 至 {last:%Y-%m-%d}）", "dim"),
            ("   [ ] 换季度 · Y 全年", "dim"),
        )
        e = self.evaluation
        if self.role in GRADE_READERS:
            head.append("   考核评价：")
            if e is None:
                head.append("尚未计算", style="yellow")
                if self.role is Role.MANAGER:
                    head.append("（C 计算草稿）", style="dim")
            else:
                style = "bold green" if e.state == "published" else "bold yellow"
                head.append(f"第 {e.version} 版 {e.state_label}", style=style)
                when = e.published_at or e.computed_at
                who = e.published_by or e.computed_by
                head.append(f"（{who} {when.astimezone(SHANGHAI):%m-%d %H:%M}）", style="dim")
                if e.reason:
                    head.append("  更正原因：", style="dim")
                    head.append_text(literal(one_line(e.reason, 40)))
        self.query_one("#dashboard-head", Static).update(head)
        counted = sum(1 for u in report.units if has_tickets(u))
        status = Text(f"{len(report.units)} 个单位，{counted} 个本期有工单计入考核", style="bold")
        if report.stored and report.as_of is not None:
            status.append(
                f"  截至 {report.as_of.astimezone(SHANGHAI):%m-%d %H:%M:%S} 的数字，正在重新计算…",
                style="yellow",
            )
        else:
            status.append(
                f"  更新于 {self.backend.now().astimezone(SHANGHAI):%H:%M:%S}", style="dim"
            )
        self.query_one("#dashboard-status", Static).update(status)

    @property
    def selected(self) -> UnitKpis | None:
        if self.report is None or not self.report.units:
            return None
        table = self.query_one("#dashboard-units", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((u for u in self.report.units if u.unit_id == key), None)

    @on(DataTable.RowHighlighted, "#dashboard-units")
    def _show_why(self) -> None:
        unit = self.selected
        pane = self.query_one("#dashboard-why", Static)
        if unit is None:
            pane.update(Text("本期没有单位的指标", style="dim"))
            return
        text = Text(unit.unit_name, style="bold")
        for f in unit.figures:
            text.append(f"\n{f.name}  ")
            text.append(
                percent(f.rate), style="red" if f.rate is not None and f.rate < 0.8 else "bold"
            )
            text.append(f"（{f.numerator}/{f.denominator}）", style="dim")
        grade = next(
            (
                g
                for g in (self.evaluation.grades if self.evaluation else ())
                if g.unit_id == unit.unit_id
            ),
            None,
        )
        if grade is not None:
            text.append("\n\n得分 ")
            text.append("—" if grade.score is None else f"{grade.score:.1f}", style="bold")
            text.append("  等次 ")
            text.append(grade.grade_label, style=GRADE_STYLES.get(grade.grade or "", "dim"))
        text.append("\n\nEnter：列出各指标未达标的工单", style="dim")
        pane.update(text)

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("draft", "publish"):
            if self.role is not Role.MANAGER:
                return False
            if action == "publish":
                e = self.evaluation
                return True if e is not None and e.state == "draft" else None
        if action == "export":
            return True if self.report is not None else None
        if action == "why":
            return True if self.selected is not None else None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_period(self, step: int) -> None:
        base = self.period if "Q" in self.period else f"{self.period}Q4"
        self.period = shift_quarter(base, step)
        self.trend = {}
        self.load()

    def action_year(self) -> None:
        self.period = self.period.partition("Q")[0] if "Q" in self.period else f"{self.period}Q4"
        self.trend = {}
        self.load()

    @on(DataTable.RowSelected, "#dashboard-units")
    def _row_selected(self) -> None:
        self.action_why()  # Enter on the table: the DataTable takes the key and says so

    def action_why(self) -> None:
        unit = self.selected
        if unit is not None:
            self.load_why(self.period, unit.unit_id, unit.unit_name)

    @work(thread=True, exclusive=True, group="dashboard-why", exit_on_error=False)
    def load_why(self, period: str, unit_id: str, unit_name: str) -> None:
        found: list[tuple[str, list[CountedTicket]]] = []
        try:
            for indicator, label in SHORT.items():
                tickets = list(self.backend.kpi_tickets(period, unit_id, indicator))
                if tickets:
                    found.append((label, tickets))
        except HotlineError as err:
            self.app.call_from_thread(self.notify, told(err), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_tickets, unit_name, found)

    def _show_tickets(self, unit_name: str, found: list[tuple[str, list[CountedTicket]]]) -> None:
        if not self.is_mounted:
            return
        text = Text(f"{unit_name}：未达标的工单", style="bold")
        if not found:
            text.append("\n本期没有扣分的工单", style="dim")
        for label, tickets in found:
            text.append(f"\n{label}（{len(tickets)} 件）", style="bold")
            for t in tickets[:8]:
                text.append(f"\n  {t.number}  ", style="")
                text.append(f"{t.at.astimezone(SHANGHAI):%m-%d}  ", style="dim")
                text.append_text(literal(one_line(t.why, 30)))
            if len(tickets) > 8:
                text.append(
                    f"\n  … 另 {len(tickets) - 8} 件（hotline report kpi 可列全部）", style="dim"
                )
        self.query_one("#dashboard-why", Static).update(text)

    def action_draft(self) -> None:
        e = self.evaluation
        if e is not None and e.state == "published":
            note = Text(
                f"{e.period} 第 {e.version} 版已发布，发布后不再改动；"
                "更正将生成第 {0} 版，须写明原因（R-GRADES）".format(e.version + 1)
            )

            def entered(reason: str | None) -> None:
                if reason is not None:
                    self.compute(self.period, reason)

            self.app.push_screen(
                PromptDialog("更正考核评价", placeholder="更正原因", note=note), entered
            )
            return
        self.compute(self.period, "")

    @work(thread=True, exclusive=True, group="dashboard-write", exit_on_error=False)
    def compute(self, period: str, reason: str) -> None:
        try:
            self.backend.draft_evaluation(period, reason)
        except HotlineError as err:
            self.app.call_from_thread(self.notify, told(err), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"已计算 {period} 考核评价草稿", markup=False)
        self.app.call_from_thread(self.load)

    def action_publish(self) -> None:
        e = self.evaluation
        if e is None or e.state != "draft":
            return
        body = Text(
            f"发布 {e.period} 考核评价第 {e.version} 版（{len(e.grades)} 个单位）？"
            "\n发布后不再改动，更正须新建版本并写明原因（R-GRADES）。"
        )

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.publish(e.id)

        self.app.push_screen(ConfirmDialog("发布考核评价", body, "发布"), confirmed)

    @work(thread=True, exclusive=True, group="dashboard-write", exit_on_error=False)
    def publish(self, evaluation_id: str) -> None:
        try:
            self.backend.publish_evaluation(evaluation_id)
        except HotlineError as err:
            self.app.call_from_thread(self.notify, told(err), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, "考核评价已发布", markup=False)
        self.app.call_from_thread(self.load)

    def action_export(self) -> None:
        report = self.report
        if report is not None:
            self.export(report, self.evaluation)

    @work(thread=True, exclusive=True, group="dashboard-export", exit_on_error=False)
    def export(self, report: KpiReport, evaluation: EvaluationView | None) -> None:
        from console.workbook import write_kpi_workbook

        folder = Path(getattr(getattr(self.app, "settings", None), "data_dir", Path(".")))
        path = folder / f"考核评价-{report.period}.xlsx"
        try:
            write_kpi_workbook(path, report, evaluation, hot=self.hot)
        except (OSError, HotlineError) as err:
            message = (
                told(err) if isinstance(err, HotlineError) else f"无法写入 {path}：{err.strerror}"
            )
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"已导出 {path}", markup=False)
