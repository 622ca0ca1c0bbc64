"""Knowledge base (知识库) for expert seats: search as you type, read, copy, flag (R-KB).

The article's owner unit's clerk and the manager also edit it from here (Ctrl+E, the form of
article_edit.py): the edit waits as a draft until someone else verifies it (交叉核验).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Select, Static
from textual.worker import get_current_worker

from console.clipboard import copy_text
from console.errors import HotlineError, Unavailable
from console.screens.field_labels import told
from console.screens.on_backend import ReportsWorkerErrors
from console.services.values import Domain, Role
from console.services.views import (
    EDITED_ACTION,
    FLAG_RESOLVED_ACTION,
    VERIFIED_ACTION,
    ArticleChange,
    ArticleHit,
    ArticleView,
    UnitView,
)
from console.widgets.answer_list import AnswerList
from console.widgets.article import ArticleDialog, article_text
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.dialogs import PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.policy_filter import PolicyFilter, PolicyFilterDialog
from console.widgets.safe import literal, one_line

if TYPE_CHECKING:
    from console.services.backend import Backend

SEARCH_DELAY = 0.03
ARTICLE_DELAY = 0.08
RESULT_LIMIT = 20
ALL = "__all__"
FLAG_LABELS = {"wrong": "内容有误", "outdated": "内容过时"}
ARTICLE_NEWS = {
    VERIFIED_ACTION: "正在查看的知识已核实更新，已重新载入",
    EDITED_ACTION: "正在查看的知识有一份待核实的修改；核实前仍按现文答复",
    FLAG_RESOLVED_ACTION: "正在查看的知识的报错已处理，已重新载入",
}


class KnowledgeScreen(ReportsWorkerErrors, Screen[None]):
    """Search the knowledge base, read an article, copy its answer, flag it to its owner."""

    CSS_PATH = "knowledge.tcss"
    BINDINGS = [
        Binding(
            "ctrl+f",
            "focus_search",
            "检索",
            id="kb.search",
            tooltip="输入检索词（原检索词全选，输入即替换）",
            # before the focused list takes the keys behind it in the same read: they are
            # the new search's words
            priority=True,
        ),
        Binding("f12", "copy", "复制答案", id="kb.copy", tooltip="复制选中知识的答复口径"),
        Binding(
            "ctrl+b",
            "article",
            "全文/报告",
            id="kb.article",
            tooltip="在对话框中阅读全文，报告有误或过时（转承办单位）",
        ),
        Binding(
            "ctrl+e",
            "edit",
            "修改",
            id="kb.edit",
            tooltip="修改选中知识（本单位知识或管理部门）；保存为待核实修改稿，由他人核实后生效",
            priority=True,  # also from the search box, where Ctrl+E would only move the cursor
        ),
        Binding(
            "f7",
            "app.experts",
            "专家名册",
            id="kb.experts",
            tooltip="各单位专家的擅长领域与值班，在班的在前（R-EXPERT）",
        ),
        Binding("alt+down", "next_result", "下一条", id="kb.next", show=False),
        Binding("alt+up", "previous_result", "上一条", id="kb.previous", show=False),
        Binding(
            "f8",
            "policy_filter",
            "政企通筛选",
            id="kb.policy_filter",
            tooltip="只看政策知识，按企业所属行业、规模、地区筛选（R-ENTERPRISE）；再按一次修改或取消",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.article: ArticleView | None = None
        self._search_timer: Timer | None = None
        self._article_timer: Timer | None = None
        self._searched: tuple[str, str, str] | tuple[str, str, str, PolicyFilter] = ("", "", "")
        self.policy_filter: PolicyFilter | None = None

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        with Horizontal(id="kb-bar"):
            yield Input(
                placeholder="输入问题或关键词，如：社保断缴怎么补", id="kb-query", compact=True
            )
            yield Select([], prompt="全部单位", id="kb-unit", compact=True)
            yield Select(
                [(d.label, d.value) for d in Domain],
                prompt="全部领域",
                id="kb-domain",
                compact=True,
            )
        with Container(id="kb-body"):
            results = AnswerList(
                "（输入检索词后显示知识）", all_hits=True, id="kb-results", classes="pane"
            )
            results.border_title = "检索结果"
            yield results
            with VerticalScroll(id="kb-article", classes="pane") as pane:
                pane.border_title = "知识全文（F12 复制答案，Ctrl+B 报告有误或过时）"
                yield Static(Text("选择左侧一条知识查看全文", style="dim"), id="kb-article-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#kb-query", Input).focus()
        self.watch(self.app, "ready", self._ready_changed, init=True)
        self.watch(self.app, "connection_ok", self._connection_changed, init=False)
        if hasattr(self.app, "article_listeners"):
            self.app.article_listeners.add(self)
        self._take_carried_query()

    def on_screen_resume(self) -> None:
        self._take_carried_query()

    def _take_carried_query(self) -> None:
        """The caller's words the operator was typing on intake (F3 from intake) become the
        search, unless the seat has typed a search of its own since the last one carried."""
        app: Any = self.app
        carried = getattr(app, "carried_query", "")
        if not carried:
            return
        app.carried_query = ""
        box = self.query_one("#kb-query", Input)
        if not box.value or box.value == getattr(self, "_carried", ""):
            box.value = carried
            self._carried = carried

    @property
    def backend(self) -> Backend | None:
        return self.app.backend  # type: ignore[attr-defined, no-any-return]

    def _ready_changed(self, ready: bool) -> None:
        if ready:
            self.load_units()

    def _connection_changed(self, ok: bool) -> None:
        if ok:
            self._searched = ("", "", "")
            self._schedule_search()

    def on_article_changes(self, articles: Sequence[ArticleChange]) -> None:
        """Pushed: articles were edited or verified elsewhere — the article open here is read
        again (said once), and the results follow a published text."""
        changed = {a.article_id: a for a in articles}  # the last change of each article
        if self.article is not None and self.article.id in changed:
            self.load_article(self.article.id)
            change = changed[self.article.id]
            if change.seat != self.app.actor.seat:  # type: ignore[attr-defined]
                self.notify(ARTICLE_NEWS.get(change.action, ARTICLE_NEWS[VERIFIED_ACTION]),
                            title="知识更新", markup=False)  # fmt: skip
        if any(a.action == VERIFIED_ACTION for a in articles):
            self._searched = ("", "", "")
            self._schedule_search()

    # ------------------------------------------------------------------ filters
    @work(thread=True, exclusive=True, group="kb-units", exit_on_error=False)
    def load_units(self) -> None:
        backend = self.backend
        if backend is None:
            return
        try:
            units = list(backend.units())
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self._set_units, units)

    def _set_units(self, units: list[UnitView]) -> None:
        self.query_one("#kb-unit", Select).set_options([(one_line(u.name), u.id) for u in units])

    def _filters(self) -> tuple[str, str, str]:
        query = self.query_one("#kb-query", Input).value.strip()
        unit = self.query_one("#kb-unit", Select).value
        domain = self.query_one("#kb-domain", Select).value
        return (
            query,
            unit if isinstance(unit, str) else "",
            domain if isinstance(domain, str) else "",
        )

    # ------------------------------------------------------------------ search
    @on(Input.Changed, "#kb-query")
    @on(Select.Changed, "#kb-unit")
    @on(Select.Changed, "#kb-domain")
    def _schedule_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._search)

    def _search(self) -> None:
        filters = self._filters()
        if self.policy_filter is not None:
            wanted = (*filters, self.policy_filter)
            if self.backend is None or wanted == self._searched:
                return
            self._searched = wanted
            self.search_policies(filters[0], self.policy_filter)
            return
        if self.backend is None or filters == self._searched:
            return
        self._searched = filters
        query, unit, domain = filters
        if not query:
            self.query_one(AnswerList).show_hits([], "")
            return
        self.search(query, unit, domain)

    @work(thread=True, exclusive=True, group="kb-search", exit_on_error=False)
    def search(self, query: str, unit: str, domain: str) -> None:
        backend = self.backend
        assert backend is not None
        try:
            hits = list(
                backend.search_kb(
                    query, unit=unit or None, domain=domain or None, limit=RESULT_LIMIT
                )
            )
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_hits, (query, unit, domain), hits)

    @work(thread=True, exclusive=True, group="kb-search", exit_on_error=False)
    def search_policies(self, query: str, wanted: PolicyFilter) -> None:
        """The 政企通 filter on: policy articles by industry, size and region (R-ENTERPRISE)."""
        backend = self.backend
        assert backend is not None
        try:
            found = backend.policy_search(
                query, wanted.industries, wanted.sizes, wanted.regions, limit=RESULT_LIMIT
            )
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        hits = [
            ArticleHit(
                article_id=h.article_id,
                unit_id=h.unit_id,
                unit_name=h.unit_name,
                question=h.question,
                snippet=h.snippet,
                score=h.score,
                status=h.status,
                why=tuple(_concerns(h.industries, h.sizes, h.regions)),
                review_by=h.review_by,
            )
            for h in found
        ]
        if not get_current_worker().is_cancelled:
            filters = (*self._filters(), wanted)
            self.app.call_from_thread(self._show_hits, filters, hits)

    def action_policy_filter(self) -> None:
        def chosen(result: PolicyFilter | None) -> None:
            if result is None:
                return
            self.policy_filter = None if result.empty else result
            results = self.query_one(AnswerList)
            # the words typed into the filter are shown literally (a border title is markup)
            results.border_title = (
                "检索结果" if self.policy_filter is None else Content(self.policy_filter.label())
            )
            self._searched = ("", "", "")
            self._search()

        self.app.push_screen(PolicyFilterDialog(self.policy_filter or PolicyFilter()), chosen)

    def _show_hits(
        self,
        filters: tuple[str, str, str] | tuple[str, str, str, PolicyFilter],
        hits: list[ArticleHit],
    ) -> None:
        if filters != self._searched:
            return
        results = self.query_one(AnswerList)
        results.show_hits(hits, filters[0])
        self._schedule_article()

    @on(Input.Submitted, "#kb-query")
    def _to_results(self) -> None:
        self.query_one(AnswerList).focus()

    # ------------------------------------------------------------------ article
    @on(OptionList.OptionHighlighted, "#kb-results")
    def _schedule_article(self) -> None:
        if self._article_timer is not None:
            self._article_timer.stop()
        self._article_timer = self.set_timer(ARTICLE_DELAY, self._load_article)

    def _load_article(self) -> None:
        hit = self.query_one(AnswerList).highlighted_hit
        if hit is None:
            return
        if self.article is None or self.article.id != hit.article_id:
            self.load_article(hit.article_id)

    @work(thread=True, exclusive=True, group="kb-article", exit_on_error=False)
    def load_article(self, article_id: str) -> None:
        backend = self.backend
        assert backend is not None
        try:
            article = backend.article(article_id)
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_article, article)

    def _show_article(self, article: ArticleView) -> None:
        self.article = article
        self.refresh_bindings()
        self.query_one("#kb-article-body", Static).update(article_text(article))
        self.query_one("#kb-article", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionSelected, "#kb-results")
    def _open_article(self) -> None:
        self._load_article()
        self.query_one("#kb-article", VerticalScroll).focus()

    # ------------------------------------------------------------------ actions
    def action_focus_search(self) -> None:
        # at once: the words typed right behind Ctrl+F, in the same read, are the search's
        # (they replace the words searched before: all selected, as on any focus of the box)
        query = self.query_one("#kb-query", Input)
        if self.focused is query:
            query.select_all()
        else:
            self.set_focus(query)

    def action_next_result(self) -> None:
        self.query_one(AnswerList).action_cursor_down()

    def action_previous_result(self) -> None:
        self.query_one(AnswerList).action_cursor_up()

    def may_edit(self, article: ArticleView) -> bool:
        """The seat keeps this article: the manager, or a clerk of its owner unit (R-KB)."""
        backend = self.backend
        try:
            actor = backend.actor if backend is not None else None
        except HotlineError:
            return False
        if actor is None:
            return False
        if actor.role is Role.MANAGER:
            return True
        return actor.role is Role.UNIT_CLERK and actor.unit_id == article.unit_id

    def keeps_articles(self) -> bool:
        """The seat is one that may edit some article: the manager or a unit clerk (R-KB)."""
        backend = self.backend
        try:
            actor = backend.actor if backend is not None else None
        except HotlineError:
            return False
        return actor is not None and actor.role in (Role.MANAGER, Role.UNIT_CLERK)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy", "flag", "article"):
            return True if self.article is not None else None
        if action == "edit":
            if not self.keeps_articles():
                return False  # operators and expert seats never edit: not shown at all
            return True if self.article is not None and self.may_edit(self.article) else None
        return True

    def action_edit(self) -> None:
        article = self.article
        if article is None or not self.may_edit(article):
            return
        from console.screens.article_edit import ArticleEditScreen

        def closed(saved: bool | None) -> None:
            self.load_article(article.id)

        self.app.push_screen(ArticleEditScreen(article.id), closed)

    def action_article(self) -> None:
        article = self.article
        if article is None:
            return

        def chosen(choice: str | None) -> None:
            if choice == "copy":
                self.copy_answer(article.answer.strip())
            elif choice and choice.startswith("flag:"):
                self.action_flag(choice.removeprefix("flag:"))

        self.app.push_screen(ArticleDialog(article), chosen)

    def action_copy(self) -> None:
        if self.article is None:
            return
        self.copy_answer(self.article.answer.strip())

    @work(thread=True, exclusive=True, group="kb-copy", exit_on_error=False)
    def copy_answer(self, text: str) -> None:
        app: Any = self.app
        result = copy_text(text, osc52=lambda t: app.call_from_thread(app.copy_to_clipboard, t))
        app.call_from_thread(app.notify, result.message, markup=False)

    def action_flag(self, problem: str) -> None:
        article = self.article
        if article is None:
            return
        label = FLAG_LABELS.get(problem, problem)
        note = Text.assemble((f"报告「{label}」：", "bold"))
        note.append_text(literal(one_line(article.question, 60)))
        note.append(f"\n将转给 {one_line(article.unit_name)} 核实更正（R-KB）", style="dim")

        def entered(value: str | None) -> None:
            if value is not None:
                self.flag_article(article.id, problem, value, label)

        self.app.push_screen(
            PromptDialog(f"报告知识{label}", placeholder="说明哪里有误或已过时", note=note), entered
        )

    @work(thread=True, exclusive=True, group="kb-flag", exit_on_error=False)
    def flag_article(self, article_id: str, problem: str, note: str, label: str) -> None:
        backend = self.backend
        assert backend is not None
        try:
            backend.flag_article(article_id, problem, note)
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(
            self.notify, f"已报告「{label}」，转 {article_id} 的承办单位核实", markup=False
        )

    # ------------------------------------------------------------------ failures
    def _failed(self, err: HotlineError) -> None:
        if isinstance(err, Unavailable):
            self._searched = ("", "", "")
            self.app.connection_lost()  # type: ignore[attr-defined]
        else:
            self.notify(told(err), title="未完成", severity="error", markup=False)


def _concerns(industries: Sequence[str], sizes: Sequence[str], regions: Sequence[str]) -> list[str]:
    """What a policy article was read to concern, for the line under its title."""
    return [
        f"行业：{'、'.join(industries) or '不限'}",
        f"规模：{'、'.join(sizes) or '不限'}",
        f"地区：{'、'.join(regions) or '全省'}",
    ]
