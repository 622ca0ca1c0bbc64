"""What a screen says of a refused action: a field by the label a seat reads beside it, not by
its name in the store or the API (``review_by``, ``caller_phone``).

An ``InputError`` names the field as the backend knows it (the API and the CLI show that name:
a script needs it); a screen shows ``told(err)`` instead of ``str(err)``: the field's label and
the problem, e.g. ``来电号码：电话号码应为 5–15 位数字``. A form whose fields are labelled otherwise
passes its own labels, which come first. Other errors are told as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

from console.errors import HotlineError, InputError

FIELD_LABELS: Mapping[str, str] = {
    # intake (受理)
    "text": "诉求内容",
    "caller_phone": "来电号码",
    "caller_name": "来电人姓名",
    "enterprise_name": "企业名称",
    "caller_id_number": "证件号码",
    "source_line": "来源热线",
    "place": "所在地",
    "matter_type": "事项类型",
    "repeat_of": "重复件的原工单号",
    "incident_summary": "事件概要",
    "domain": "领域",
    "kind": "类型",
    "ground": "不予受理情形",
    # the ticket's course (派单、办理、回访、督办)
    "number": "工单号",
    "unit": "承办单位",
    "unit_id": "承办单位",
    "new_unit_id": "改派单位",
    "lead_unit_id": "主办单位",
    "co_unit_ids": "协办单位",
    "reason": "理由",
    "reasons": "理由",
    "note": "备注",
    "days": "天数",
    "contact_method": "联系方式",
    "handling": "办理情况",
    "supervision": "督办",
    "reply": "答复内容",
    "outcome": "回访结果",
    "contact_date": "联系日期",
    "decision": "决定",
    "opinion": "意见",
    "master": "主工单号",
    "confirmed": "确认",
    # the knowledge base (知识库)
    "question": "标题",
    "answer": "答复口径",
    "basis": "依据",
    "tags": "关键词",
    "review_by": "下次复核日期",
    "query": "检索内容",
    # people and periods
    "name": "姓名",
    "phone": "电话",
    "consent": "同意",
    "period": "期间",
    "start": "开始",
    "until": "截止",
    "duty_phone": "值班电话",
    "duty_sms": "值班短信号码",
}


def told(err: HotlineError, labels: Mapping[str, str] | None = None) -> str:
    """The one line a screen shows for ``err``: an ``InputError`` as ``label：problem`` (the
    problem alone when it already begins with the label), anything else as ``str(err)``."""
    if not isinstance(err, InputError):
        return str(err)
    label = (labels or {}).get(err.field) or FIELD_LABELS.get(err.field, err.field)
    return err.problem if err.problem.startswith(label) else f"{label}：{err.problem}"
