"""The timeline of a ticket: who did what, when and why.

Reasons and details typed by seats are data: rendered as ``rich.text.Text`` through
console.widgets.safe (markup never parsed, terminal control characters made visible).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from console.services.clock import SHANGHAI
from console.services.values import (
    REPLY_CHANNELS,
    SUPERVISION_GROUNDS,
    SUPERVISION_METHODS,
    Satisfaction,
    Special,
)
from console.services.views import EventView
from console.widgets.paragraph import Paragraph
from console.widgets.safe import clean

DETAIL_NAMES = {
    "unit_id": "承办单位",
    "co_unit_ids": "配合单位",
    "basis": "依据",
    "late": "逾期退回",
    "days": "天数（工作日）",
    "due": "新时限",
    "contact_method": "沟通方式",
    "contact_date": "沟通日期",
    "rejections": "被退回次数",
    "method": "方式",
    "result": "结果",
    "ground": "情形",
    "supervision": "督办编号",
    "from_unit": "原承办单位",
    "lead": "牵头单位",
    "opinion": "书面意见",
    "special": "级别",
    "target": "转往",
    "attempt": "第几次",
    "script": "告知话术",
    "to": "上报至",
    "count": "第几次上报",
    "urge_count": "第几次催办",
    "resend": "第几次重新通知",
    "master": "主工单",
    "merged": "并入的工单",
    "specialist": "政策专员",
    "expert": "专家",
    "field_label": "领域",
    "channel": "答复方式",
    "article_id": "知识",
    "confirmed": "话务员已确认",
    "scope": "报备范围",
    "tried": "话务员已查看的知识",
}
# ids kept for the record and the measures; the names beside them are what a reader sees
HIDDEN_DETAILS = frozenset({"specialist_id", "expert_id", "handoff_id", "field"})
ANSWER_CONCERN_NAMES = {
    "low_confidence": "答案没有把握",
    "draft": "草稿",
    "review_overdue": "已过复核期",
    "reads_as_grievance": "读来像投诉或举报",
}
UNIT_DETAILS = {"unit_id", "from_unit", "lead"}
METHODS = {"auto": "自动回访", "manual": "人工回访", **SUPERVISION_METHODS}


def detail_value(key: str, value: str, unit_names: Mapping[str, str]) -> str:
    """A detail of an event in words (unit ids become names, codes become labels)."""
    if key in UNIT_DETAILS:
        return unit_names.get(value, value)
    if key == "co_unit_ids":
        return "、".join(unit_names.get(u, u) for u in value.split(",") if u)
    if key == "special":
        try:
            return Special(value).label
        except ValueError:
            return value
    if key == "result":
        try:
            return Satisfaction(value).label
        except ValueError:
            return value
    if key == "method":
        return METHODS.get(value, value)
    if key == "channel":
        return REPLY_CHANNELS.get(value, value)
    if key == "confirmed":  # what the operator confirmed before answering (R-KB)
        return "；".join(ANSWER_CONCERN_NAMES.get(c, c) for c in value.split(",") if c)
    if key == "late":
        return "是" if value in ("True", "true", "1") else "否"
    if key == "due":
        try:
            moment = dt.datetime.fromisoformat(value).astimezone(SHANGHAI)
        except ValueError:
            return value
        return moment.strftime("%Y-%m-%d %H:%M")
    return value


def _skip(key: str, value: str) -> bool:
    if not value or key in HIDDEN_DETAILS:
        return True
    if key == "special" and value == Special.NONE.value:
        return True
    return key == "late" and value in ("False", "false", "0")


REASON_LABELS = {
    "co_part": "内容",
    "urge": "内容",
    "law_case": "认定理由",
    "law_case_withdrawn": "撤销理由",
    "desk_follow": "跟进内容",
    "hand_to_expert": "话务员说明",
    "expert_answer": "专家答复",
    "request_completion": "办理情况",  # R-COMPLETE: how the matter was handled
    "request_termination": "书面意见",  # R-TERMINATE: the unit's written opinion
    "answer": "答复",
    "answer_callback": "答复内容",
    "explain_prefiled": "解释内容",
    "promise_callback": "说明",
    "renotify": "说明",
    "note": "备注",
    "callback": "回访记录",
    "callback_sent": "回访记录",
    "callback_unanswered": "回访记录",
    "default_satisfied": "说明",
    "open_supervision": "督办内容",
    "supervision_reply": "书面说明",
    "supervision_closed": "说明",
    "master_completed": "说明",
    "became_complex": "说明",
    "late_reply": "说明",
}
"""What an event's text is called where it is not a reason (a co-unit's part, a 催办, how a
matter was handled, a call-back's record)."""


def event_text(event: EventView, unit_names: Mapping[str, str]) -> Text:
    """One event: when, what, who; then why and the details, indented."""
    when = event.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    who = f"{event.actor}·{event.role.label}"
    if event.unit_id:
        who += f"·{unit_names.get(event.unit_id, event.unit_id)}"
    out = Text(end="")
    out.append(when, style="dim")
    out.append("  ")
    out.append(clean(event.label), style="bold")
    out.append("  ")
    out.append(clean(who))
    if event.reason:
        out.append(f"\n    {REASON_LABELS.get(event.action, '理由')}：", style="dim")
        out.append(clean(event.reason))
    details = dict(event.details)
    if "ground" in details:  # a refusal's ground 1–10 has its title; a supervision's 1–5 a label
        title = details.pop("ground_title", "")
        if not title and event.action == "open_supervision" and details["ground"].isdigit():
            title = SUPERVISION_GROUNDS.get(int(details["ground"]), "")
        if title:
            details["ground"] = f"{details['ground']}. {title}"
    for key, value in details.items():
        if _skip(key, value) or key == "opinion" and value == event.reason:
            continue
        name = DETAIL_NAMES.get(key, key)
        out.append(f"\n    {clean(name)}：", style="dim")
        out.append(clean(detail_value(key, value, unit_names)))
    return out


def timeline_text(events: Sequence[EventView], unit_names: Mapping[str, str]) -> Text:
    """All events, oldest first."""
    if not events:
        return Text("（暂无记录）", style="dim", end="")
    return Text("\n", end="").join(event_text(e, unit_names) for e in events)


class Timeline(Static):
    """The ticket's events: who did what, when and why (the audit trail)."""

    DEFAULT_CSS = """
    Timeline {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Text("（载入中…）", style="dim"), id=id, classes=classes, markup=False)
        self.events: tuple[EventView, ...] = ()

    def show_events(self, events: Sequence[EventView], unit_names: Mapping[str, str]) -> None:
        """Show these events (replaces what is shown)."""
        self.events = tuple(events)
        self.update(Paragraph(timeline_text(self.events, unit_names)))
