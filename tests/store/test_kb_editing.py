"""R-KB: an article edited by its owner unit or the manager is a draft until someone other
than its editor verifies it (交叉核验); operators read the verified text meanwhile; two
editors at once give the second a conflict; on SQLite and PostgreSQL.

The drill clock is Wednesday 2026-11-25 09:00 (Shanghai).
"""

from __future__ import annotations

import datetime as dt

import pytest

from console.errors import Conflict, InputError, NotFound, PermissionDenied, RuleError
from console.services.access import audit
from console.services.backend import Backend
from console.services.knowledge.upkeep import open_flags
from console.services.values import Role
from console.services.views import Actor, ArticleEditView
from tests.store.conftest import Platform

NEW_ANSWER = "登录湘易办App，在社保服务中申请转移接续，无需往返两地。"
NEXT_REVIEW = dt.date(2027, 11, 1)


def second_rst_clerk(p: Platform) -> Backend:
    return p.rst.as_actor(Actor("u-rst-2", "人社厅辛", Role.UNIT_CLERK, "hn-rst"))  # type: ignore[attr-defined, no-any-return]


def edit(backend: Backend, view: ArticleEditView, answer: str = NEW_ANSWER) -> ArticleEditView:
    return backend.edit_article(
        view.article_id,
        view.version,
        "社保关系如何转移接续？",
        answer,
        "《社会保险法》第十九条",
        ("社保", "转移接续", "湘易办"),
        NEXT_REVIEW,
    )


def hit_ids(p: Platform, query: str) -> list[str]:
    return [h.article_id for h in p.operator.search_kb(query)]


def test_r_kb_edit_is_a_draft_until_another_clerk_verifies_it(platform: Platform) -> None:
    p = platform
    before = p.operator.article("hn-rst-001")
    assert "hn-rst-001" not in hit_ids(p, "湘易办")  # the index is built before the edit
    view = p.rst.article_for_edit("hn-rst-001")
    assert view.draft is None and view.answer == before.answer and view.history == ()
    saved = edit(p.rst, view)
    assert saved.version == view.version + 1 and saved.answer == NEW_ANSWER
    assert saved.draft is not None and saved.draft.edited_by == "人社厅丙"
    # operators still read the text before the edit, never the unverified draft
    shown = p.operator.article("hn-rst-001")
    assert shown.answer == before.answer and shown.question == before.question
    assert shown.draft_pending and shown.status == "draft"
    p.operator.search_kb("社保")  # the index syncs: the draft must not be in it
    assert "hn-rst-001" not in hit_ids(p, "湘易办")
    [draft] = p.rst.article_drafts()
    assert draft.article_id == "hn-rst-001" and draft.edited_by == "人社厅丙"
    # the editor may not cross-check their own edit
    with pytest.raises(RuleError) as own:
        p.rst.verify_article("hn-rst-001")
    assert own.value.rule == "R-KB" and "R-KB" in str(own.value) and "交叉核验" in str(own.value)
    assert p.operator.article("hn-rst-001").answer == before.answer  # nothing half-done
    assert second_rst_clerk(p).verify_article("hn-rst-001", version=saved.version) == 0
    after = p.operator.article("hn-rst-001")
    assert after.answer == NEW_ANSWER and after.question == "社保关系如何转移接续？"
    assert after.basis == "《社会保险法》第十九条" and after.tags == ("社保", "转移接续", "湘易办")
    assert after.status == "verified" and not after.draft_pending
    assert after.verified_by == "人社厅辛" and after.verified_at == p.clock.now()
    assert after.review_by == NEXT_REVIEW  # the date the editor set
    [rev] = after.history
    assert rev.state == "verified" and rev.edited_by == "人社厅丙" and rev.verified_by == "人社厅辛"
    assert p.rst.article_drafts() == []
    # the operator's search answers with the verified edit at once
    hits = p.operator.search_kb("湘易办 社保转移")
    assert hits and hits[0].article_id == "hn-rst-001" and hits[0].status == "verified"


def test_r_kb_manager_cross_checks_a_unit_edit_and_the_unit_the_managers(
    platform: Platform,
) -> None:
    p = platform
    p.operator.flag_article("hn-rst-001", "outdated", "现在可以网上办")
    saved = edit(p.manager, p.manager.article_for_edit("hn-rst-001"))
    with pytest.raises(RuleError):
        p.manager.verify_article("hn-rst-001")
    assert len(open_flags(p.store, dt.date(2026, 11, 25))) == 1  # the edit alone closes nothing
    assert p.rst.verify_article("hn-rst-001", version=saved.version) == 1
    assert open_flags(p.store, dt.date(2026, 11, 25)) == []
    [entry] = audit.entries(p.store, action="verify_article", target="hn-rst-001")
    assert entry.detail["closed"] == 1 and "revision" in entry.detail
    [made] = audit.entries(p.store, action="edit_article", target="hn-rst-001")
    assert made.role == "manager"


def test_r_kb_second_editor_gets_a_conflict_and_loses_nothing(platform: Platform) -> None:
    p = platform
    first = p.rst.article_for_edit("hn-rst-001")
    second = p.manager.article_for_edit("hn-rst-001")
    p.clock.advance(dt.timedelta(minutes=5))
    edit(p.rst, first)
    with pytest.raises(Conflict) as clash:
        edit(p.manager, second, "优化办的改法")
    assert "人社厅丙" in str(clash.value) and "2026-11-25 09:05" in str(clash.value)
    [draft] = p.manager.article_drafts()
    assert draft.edited_by == "人社厅丙"  # the second save stored nothing
    # reopened, the manager edits the pending draft: it supersedes the clerk's
    reopened = p.manager.article_for_edit("hn-rst-001")
    assert reopened.answer == NEW_ANSWER and reopened.draft is not None
    edit(p.manager, reopened, NEW_ANSWER + "也可到窗口办理。")
    states = [(r.state, r.edited_by) for r in p.operator.article("hn-rst-001").history]
    assert states == [("draft", "优化办乙"), ("superseded", "人社厅丙")]
    # a verifier who read the older version is told so, not made to verify unseen text
    with pytest.raises(Conflict):
        p.rst.verify_article("hn-rst-001", version=reopened.version)
    p.rst.verify_article("hn-rst-001")
    assert p.operator.article("hn-rst-001").answer.endswith("也可到窗口办理。")


def test_r_kb_only_the_owner_unit_and_the_manager_edit(platform: Platform) -> None:
    p = platform
    view = p.rst.article_for_edit("hn-rst-001")
    for seat in (p.zjt, p.operator, p.supervisor):
        with pytest.raises(PermissionDenied) as refused:
            seat.article_for_edit("hn-rst-001")
        assert refused.value.rule == "R-KB"
        with pytest.raises(PermissionDenied):
            edit(seat, view)
    with pytest.raises(PermissionDenied):
        p.operator.article_drafts()
    with pytest.raises(NotFound):
        p.rst.article_for_edit("hn-none")
    edit(p.rst, view)
    assert p.zjt.article_drafts() == []
    assert [d.article_id for d in p.manager.article_drafts()] == ["hn-rst-001"]
    with pytest.raises(PermissionDenied):
        p.zjt.verify_article("hn-rst-001")


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("question", {"question": "  "}),
        ("question", {"question": "两行\n标题"}),
        ("answer", {"answer": ""}),
        ("answer", {"answer": "长" * 5001}),
        ("basis", {"basis": "据" * 2001}),
        ("tags", {"tags": ("词" * 31,)}),
        ("tags", {"tags": tuple(f"词{i}" for i in range(21))}),
        ("review_by", {"review_by": dt.date(2026, 11, 25)}),
        ("review_by", {"review_by": dt.date(2030, 1, 1)}),
        ("answer", {"answer": "含\x00字符"}),
    ],
)
def test_r_kb_edit_with_a_bad_field_names_it_and_stores_nothing(
    platform: Platform, field: str, change: dict[str, object]
) -> None:
    p = platform
    view = p.rst.article_for_edit("hn-rst-001")
    fields: dict[str, object] = dict(
        question="标题", answer="答复", basis="", tags=("社保",), review_by=NEXT_REVIEW
    )
    fields.update(change)
    with pytest.raises(InputError) as bad:
        p.rst.edit_article("hn-rst-001", view.version, **fields)  # type: ignore[arg-type]
    assert bad.value.field == field
    assert p.rst.article_for_edit("hn-rst-001") == view
