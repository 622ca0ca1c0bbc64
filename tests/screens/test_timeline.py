"""The timeline reads as words: codes become labels, a refusal's and a supervision's ground
are named, and a caller's words stay literal."""

from __future__ import annotations

import datetime as dt

from console.services.values import Role
from console.services.views import EventView
from console.widgets.timeline import event_text

AT = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)


def _event(action: str, label: str, **details: str) -> EventView:
    return EventView(
        at=AT,
        actor="话务员甲",
        role=Role.OPERATOR,
        unit_id=None,
        action=action,
        label=label,
        reason="[bold]来电人说[/",
        details=details,
    )


def test_r_refusal_record_names_the_ground_and_its_script() -> None:
    text = event_text(
        _event("refuse", "不予受理", ground="5", ground_title="应由110等处理", script="请拨打110"),
        {},
    ).plain
    assert "情形：5. 应由110等处理" in text and "ground_title" not in text
    assert "告知话术：请拨打110" in text
    assert "理由：[bold]来电人说[/" in text  # literal


def test_r_supervise_when_ground_named_by_its_label() -> None:
    text = event_text(_event("open_supervision", "督办", ground="1", method="written"), {}).plain
    assert "情形：1. 超期未办理" in text and "方式：书面函告" in text


def test_item9_board_actions_details_read_in_chinese() -> None:
    """The shift lead's escalation and re-notification details name themselves in Chinese
    (「to：省优化办」 leaked in the timeline)."""
    text = event_text(_event("escalate", "上报优化办", to="省优化办", count="2"), {}).plain
    assert "上报至：省优化办" in text and "第几次上报：2" in text
    assert "to：" not in text and "count：" not in text
    text = event_text(_event("renotify", "重新通知", resend="1"), {}).plain
    assert "第几次重新通知：1" in text and "resend" not in text


def test_r_enterprise_and_r_expert_details_read_in_chinese_without_ids() -> None:
    """The desk's and the hand-off's entries name the specialist, the expert, the field and
    the reply channel in words; the roster ids and field codes behind them stay off the page
    (「specialist_id：ex-…」 showed on a unit clerk's ticket)."""
    text = event_text(
        _event("desk_reassign", "改派政策专员", specialist_id="ex-a13f", specialist="政企戊"), {}
    ).plain
    assert "政策专员：政企戊" in text and "specialist" not in text and "ex-a13f" not in text
    text = event_text(
        _event("hand_to_expert", "转专家解答", field="d:public_service", field_label="公共服务",
               expert_id="ex-1", expert="王社保", channel="sms"),
        {},
    ).plain  # fmt: skip
    assert "领域：公共服务" in text and "专家：王社保" in text and "答复方式：短信" in text
    assert "_id" not in text and "field" not in text and "d:public_service" not in text
    text = event_text(_event("expert_article", "整理为知识", article_id="hn-rst-ex1"), {}).plain
    assert "知识：hn-rst-ex1" in text
    text = event_text(_event("desk_follow", "政企通跟进", specialist_id="ex-a13f"), {}).plain
    assert "跟进内容：[bold]来电人说[/" in text and "理由" not in text


def test_r_kb_what_the_operator_confirmed_before_answering_reads_in_words() -> None:
    text = event_text(_event("answer", "答复办结", confirmed="draft,low_confidence"), {}).plain
    assert "话务员已确认：草稿；答案没有把握" in text and "confirmed" not in text


def test_every_detail_the_services_write_has_a_name_or_is_hidden() -> None:
    """A new detail key written on a ticket's timeline without a Chinese name would show as
    「key：value」 to every seat reading the ticket."""
    import re
    from pathlib import Path

    from console.widgets.timeline import DETAIL_NAMES, HIDDEN_DETAILS

    services = Path(__file__).resolve().parents[2] / "console" / "services"
    written: set[str] = set()
    for source in services.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for call in re.finditer(r"self\._event\((.*?)\)[ \t]*(?:#[^\n]*)?\n", text, re.S):
            written |= set(re.findall(r"\b([a-z_]+)=", call.group(1)))
        for block in re.finditer(r"details=\{(.*?)\}", text, re.S):
            written |= set(re.findall(r'"([a-z_]+)":', block.group(1)))
    assert {"specialist", "expert", "unit_id"} <= written  # the scan reads the calls
    known = set(DETAIL_NAMES) | HIDDEN_DETAILS | {"ground_title"}  # folded into 情形
    assert written <= known, sorted(written - known)


def test_r_complete_the_completion_request_says_how_the_matter_was_handled() -> None:
    """The unit's 办结申请 text is how the matter was handled (R-COMPLETE), not a reason: the
    timeline said 「理由：已电话联系来电人，…」."""
    text = event_text(
        _event("request_completion", "申请办结", contact_method="电话", contact_date="2026-12-07"),
        {},
    ).plain
    assert "办理情况：[bold]来电人说[/" in text and "理由：" not in text
    assert "沟通方式：电话" in text and "沟通日期：2026-12-07" in text
