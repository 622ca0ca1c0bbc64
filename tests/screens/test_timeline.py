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
