"""Editing a knowledge article (知识修改) for its owner unit's clerk and the manager (R-KB).

The form holds the title, the answer script (答复口径), the basis (依据), the keywords and the
next review date. Ctrl+S saves the edit as a draft (待核实): operators keep reading the
verified text until someone other than the editor verifies it from the upkeep screen (交叉核验,
see console/services/knowledge/editing.py). Esc asks before discarding changes.

Two editors at once: the second save is refused as a conflict naming who changed the article
and when; the form keeps the editor's text (Ctrl+R reloads the newest version, after asking).
The article's history — who edited, who verified, when — is shown under the form.
"""

from __future__ import annotations

import datetime as dt
import re

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static, TextArea

from console.errors import Conflict, HotlineError
from console.screens.field_labels import told
from console.screens.keys_in_order import after_keys_before
from console.screens.on_backend import OnBackend, ReportsWorkerErrors
from console.services.clock import SHANGHAI
from console.services.views import ArticleEditView, ArticleRevisionView
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.dialogs import ConfirmDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.safe import clean, literal

TAG_SPLIT = re.compile(r"[、，,；;\s]+")
FIELD_LABELS = {
    "question": "标题",
    "answer": "答复口径",
    "basis": "依据",
    "tags": "关键词",
    "review_by": "下次复核日期",
}


def split_tags(text: str) -> tuple[str, ...]:
    """Keywords as typed (separated by 、 , ; or spaces), in order, without repeats."""
    out: list[str] = []
    for tag in TAG_SPLIT.split(text):
        if tag and tag not in out:
            out.append(tag)
    return tuple(out)


def revision_line(r: ArticleRevisionView) -> Text:
    """One line of the history: who edited when, and who verified when."""
    line = Text(f"{r.edited_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} ")
    line.append(clean(r.edited_by), style="bold")
    line.append(" 修改 · ")
    style = {"draft": "yellow", "verified": "green"}.get(r.state, "dim")
    line.append(r.state_label, style=style)
    if r.verified_at is not None:
        line.append(
            f"（{clean(r.verified_by)} {r.verified_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 核实）"
        )
    return line


def history_text(view: ArticleEditView) -> Text:
    text = Text("修改记录\n", style="bold underline")
    if view.verified_at is not None:
        text.append(
            f"现行版本由 {clean(view.verified_by)} 于 "
            f"{view.verified_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 核实\n",
            style="dim",
        )
    if not view.history:
        text.append("（尚无修改）", style="dim")
    for r in view.history:
        text.append_text(revision_line(r))
        text.append("\n")
    return text


class ArticleEditScreen(OnBackend, ReportsWorkerErrors, Screen[bool]):
    """The edit form of one article; dismissed True once an edit was saved."""

    TITLE = "知识修改"
    DEFAULT_CSS = """
    ArticleEditScreen { layout: vertical; }
    ArticleEditScreen #edit-form { height: 1fr; padding: 0 1; }
    ArticleEditScreen .edit-label { margin-top: 1; text-style: bold; }
    ArticleEditScreen #edit-answer { height: 10; }
    ArticleEditScreen #edit-basis { height: 5; }
    ArticleEditScreen #edit-head, ArticleEditScreen #edit-status {
        height: auto; padding: 0 1; background: $panel;
    }
    ArticleEditScreen #edit-history { margin-top: 1; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "保存为待核实", id="edit.save", priority=True),
        Binding("ctrl+r", "reload", "载入最新", id="edit.reload"),
        Binding("escape", "back", "返回", id="edit.back"),
    ]

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id
        self.view: ArticleEditView | None = None
        self.loaded: tuple[str, str, str, str, str] | None = None
        self.saved = False

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static(Text(f"{self.article_id} 载入中…", style="dim"), id="edit-head")
        with VerticalScroll(id="edit-form"):
            yield Label("标题（问题）", classes="edit-label")
            yield Input(id="edit-question", max_length=200)
            yield Label("答复口径", classes="edit-label")
            yield TextArea(id="edit-answer", soft_wrap=True)
            yield Label("依据", classes="edit-label")
            yield TextArea(id="edit-basis", soft_wrap=True)
            yield Label("关键词（以顿号、逗号或空格分隔）", classes="edit-label")
            yield Input(id="edit-tags")
            yield Label("下次复核日期（YYYY-MM-DD）", classes="edit-label")
            yield Input(id="edit-review", max_length=10)
            yield Static("", id="edit-history")
        yield Static(Text("Ctrl+S 保存为待核实修改稿 · Esc 返回", style="dim"), id="edit-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    # ------------------------------------------------------------------ form
    def values(self) -> tuple[str, str, str, str, str]:
        return (
            self.query_one("#edit-question", Input).value,
            self.query_one("#edit-answer", TextArea).text,
            self.query_one("#edit-basis", TextArea).text,
            self.query_one("#edit-tags", Input).value,
            self.query_one("#edit-review", Input).value,
        )

    @property
    def dirty(self) -> bool:
        return self.loaded is not None and self.values() != self.loaded

    def _fill(self, view: ArticleEditView) -> None:
        self.query_one("#edit-question", Input).value = view.question
        self.query_one("#edit-answer", TextArea).load_text(view.answer)
        self.query_one("#edit-basis", TextArea).load_text(view.basis)
        self.query_one("#edit-tags", Input).value = "、".join(view.tags)
        self.query_one("#edit-review", Input).value = view.review_by.isoformat()
        self.loaded = self.values()

    def _show(self, view: ArticleEditView, fill: bool = True) -> None:
        if not self.is_mounted:
            return
        self.view = view
        head = Text.assemble((f"{view.article_id} ", "bold"), clean(view.unit_name))
        head.append(f" · 版本 {view.version} · ")
        head.append("已核实" if view.status == "verified" else "草稿（未经核实）")
        if view.draft is not None:
            head.append(
                f"\n正在修改待核实的修改稿（{clean(view.draft.edited_by)} "
                f"{view.draft.edited_at.astimezone(SHANGHAI):%m-%d %H:%M} 保存）；"
                "坐席仍看到核实过的版本",
                style="yellow",
            )
        self.query_one("#edit-head", Static).update(head)
        self.query_one("#edit-history", Static).update(history_text(view))
        if fill:
            self._fill(view)
            self.query_one("#edit-question", Input).focus()

    def _status(self, text: Text) -> None:
        self.query_one("#edit-status", Static).update(text)

    # ------------------------------------------------------------------ actions
    def action_save(self) -> None:
        # once the keys before Ctrl+S (a priority binding) are in the fields: the last words
        # typed in the same read are saved with the rest
        after_keys_before(self, self._save_now)

    def _save_now(self) -> None:
        view = self.view
        if view is None:
            return
        if not self.dirty:
            self.notify("没有改动", markup=False)
            return
        question, answer, basis, tags, review = self.values()
        try:
            review_by = dt.date.fromisoformat(review.strip())
        except ValueError:
            self.notify(
                "下次复核日期：应写成 2027-11-25 这样的日期", severity="error", markup=False
            )
            self.query_one("#edit-review", Input).focus()
            return
        self.save(view.version, question, answer, basis, split_tags(tags), review_by)

    def action_reload(self) -> None:
        if not self.dirty:
            self.load()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.load()

        self.app.push_screen(
            ConfirmDialog(
                "载入最新版本", Text("表单中的修改将被放弃。"), confirm_label="放弃并载入"
            ),
            answered,
        )

    def action_back(self) -> None:
        if not self.dirty:
            self.dismiss(self.saved)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(self.saved)

        self.app.push_screen(
            ConfirmDialog("放弃修改？", Text("表单中的修改尚未保存。"), confirm_label="放弃"),
            answered,
        )

    # ------------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="edit-load", exit_on_error=False)
    def load(self) -> None:
        try:
            view = self.backend.article_for_edit(self.article_id)
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self._show, view)

    @work(thread=True, exclusive=True, group="edit-save", exit_on_error=False)
    def save(
        self,
        version: int,
        question: str,
        answer: str,
        basis: str,
        tags: tuple[str, ...],
        review_by: dt.date,
    ) -> None:
        try:
            view = self.backend.edit_article(
                self.article_id, version, question, answer, basis, tags, review_by
            )
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self._saved, view)

    def _saved(self, view: ArticleEditView) -> None:
        self.saved = True
        self._show(view)
        message = "已保存为待核实修改稿：须由本单位其他经办人或管理部门核实后生效（R-KB）"
        self._status(Text(message, style="green"))
        self.notify(message, markup=False)

    def _failed(self, err: HotlineError) -> None:
        self.lost_connection(err)
        said = told(err, FIELD_LABELS)
        if isinstance(err, Conflict):
            message = Text(clean(said), style="bold red")
            message.append("\n您的修改仍在表单中；Ctrl+R 载入最新版本（放弃表单中的修改）")
        else:
            message = literal(said, style="bold red")
        self._status(message)
        self.notify(said, title="未保存", severity="error", markup=False)
