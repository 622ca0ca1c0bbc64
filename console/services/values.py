"""The regulation's vocabulary as enums, with the Chinese term each one stands for."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    """A str enum whose members carry their Chinese label."""

    label: str

    def __new__(cls, value: str, label: str = "") -> _Labelled:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def parse(cls, text: str) -> _Labelled:
        """Find a member by its value or by its Chinese label."""
        for member in cls:
            if text in (member.value, member.label):
                return member
        raise ValueError(text)


class Kind(_Labelled):
    """R-KIND: the five kinds of request."""

    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "意见建议"


class Domain(_Labelled):
    """R-DOMAIN: the field a request belongs to."""

    ECONOMIC_REGULATION = "economic_regulation", "经济调节"
    MARKET_REGULATION = "market_regulation", "市场监管"
    SOCIAL_MANAGEMENT = "social_management", "社会管理"
    PUBLIC_SERVICE = "public_service", "公共服务"
    ECOLOGY = "ecology", "生态环境保护"
    NATURAL_RESOURCES = "natural_resources", "自然资源管理"
    BUSINESS_ENVIRONMENT = "business_environment", "营商环境"
    WORK_SAFETY = "work_safety", "安全生产"
    COMMUNICATIONS = "communications", "通信"
    OTHER = "other", "其他"


class Source(_Labelled):
    """R-SOURCE: where a request came from."""

    CITY_TRANSFER = "city_transfer", "市州12345转接"
    ONLINE = "online", "网上渠道转办"
    ASSIGNED = "assigned", "省委省政府交办"
    SUBCENTRE = "subcentre", "分中心转接"


class CallerType(_Labelled):
    PERSON = "person", "个人"
    ENTERPRISE = "enterprise", "企业"


class Special(_Labelled):
    """R-SPECIAL / R-SPECIAL-URGENT."""

    NONE = "none", "普通"
    SPECIAL = "special", "特殊事项"
    URGENT = "urgent", "特殊紧急事项"


class Role(_Labelled):
    OPERATOR = "operator", "话务员"
    EXPERT = "expert", "专家座席"
    ENTERPRISE_DESK = "enterprise_desk", "政企通专员"  # a policy specialist (R-ENTERPRISE)
    SHIFT_LEAD = "shift_lead", "班长"
    SUBCENTRE_OPERATOR = "subcentre_operator", "分中心话务员"
    UNIT_CLERK = "unit_clerk", "承办单位经办人"
    MANAGER = "manager", "管理部门（省优化办）"
    SUPERVISOR = "supervisor", "督办人员"
    AUDITOR = "auditor", "审计员"
    ADMIN = "admin", "系统管理员"
    SYSTEM = "system", "系统"


class State(_Labelled):
    """Where a ticket stands in the workflow."""

    REFUSED = "refused", "不予受理"
    CALLBACK_PROMISED = "callback_promised", "待回复（24小时）"
    ACCEPTED = "accepted", "已受理待派单"
    DISPATCHED = "dispatched", "已派单待签收"
    HANDLING = "handling", "办理中"
    RETURN_REQUESTED = "return_requested", "退回待审核"
    COMPLETION_REQUESTED = "completion_requested", "办结待审核"
    COMPLETED = "completed", "已办结待回访"
    DISSATISFIED = "dissatisfied", "回访不满意待处理"
    TERMINATED = "terminated", "已终结"
    MERGED = "merged", "已并单"  # merged into a master ticket (console.services.tickets.merging)
    CLOSED = "closed", "已结案"


class Satisfaction(_Labelled):
    """R-CALLBACK results."""

    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


DOMAIN_BY_LABEL = {d.label: d for d in Domain}

HOT_ALL_ROLES = frozenset({Role.MANAGER, Role.SHIFT_LEAD, Role.SUPERVISOR})
"""Who sees hot and sudden matters over every unit's tickets (R-ANALYTICS); a unit clerk sees
groups of its own unit's tickets only, other seats none (R-SECURITY)."""
HOT_READERS = HOT_ALL_ROLES | {Role.UNIT_CLERK}
"""Seats that read hot matters (a unit clerk: those of its own unit's tickets)."""

MERGE_ROLES = frozenset({Role.MANAGER, Role.UNIT_CLERK})
"""Who may merge a ticket into a master (并单): the manager, or the unit handling both
(console.services.tickets.merging says why)."""


# R-SUPERVISE-WHEN: the grounds of a supervision (督办情形), numbered as Art. 22 numbers them
SUPERVISION_GROUNDS = {
    1: "超期未办理",
    2: "办理结果不满意且诉求合理",
    3: "多次集中反映应解决未解决",
    4: "媒体曝光或影响恶劣",
    5: "其他需要督办的事项",
}
# R-SUPERVISE-HOW: how the manager supervises (督办方式)
SUPERVISION_METHODS = {"written": "书面函告", "onsite": "现场督导", "meeting": "督办会议"}

# What an operator confirms before answering a call with a knowledge article (R-KB): recorded
# with the answer; a draft or overdue article is refused without it.
ANSWER_CONCERNS: dict[str, str] = {
    "low_confidence": "系统对这条答案没有把握：它可能不是来电人问的事项",
    "draft": "草稿：未经承办单位校核",
    "review_overdue": "已过复核期：内容可能已过时，请与承办单位核实",
    # not the article's: the caller's words read as a complaint or a report, which are
    # dispatched (R-DISPATCH) — the kind may have been left at the form's default 咨询
    "reads_as_grievance": "来电人的话读来像投诉或举报：投诉、举报须派单办理（R-DISPATCH）",
}

# How a caller agreed to hear an expert's answer (R-CONSULT): the reply channel (答复方式)
REPLY_CHANNELS: dict[str, str] = {"sms": "短信", "phone": "回电"}

# The 政企通 desk's lists (R-ENTERPRISE): open requests listed at most (the nearest clocks
# first; a backlog beyond is reached by the work queues' pages), and ended assignments
DESK_OPEN_LIMIT = 300
DESK_DONE_LIMIT = 200

# The work queues a seat can open, with the labels their tabs show
QUEUES: dict[str, str] = {
    "mine": "我的工单",
    "due_soon": "即将到期",
    "overdue": "已超期",
    "awaiting_sign": "待签收",
    "returns": "退回待审核",
    "completions": "办结待审核",
    "extensions": "延期待审核",
    "terminations": "终结待审核",
    "dissatisfied": "不满意待处理",
    "callbacks": "待回访",
    "supervision": "督办",
    "special": "特殊事项",
}


# The matter catalogue's owners (事项清单): a unit id, or a kind of city bureau reached through
# the caller's city 优化办
CITY_OWNER = "city:"
"""Prefix of a matter owner that is a city bureau, reached through the city's 优化办."""
CITY_SELF = CITY_OWNER + "yhb"
"""The target of matters the city 优化办 handles itself (business environment, co-ordination)."""
FORWARDED = "由属地优化办转"
"""How a routing suggestion's reason begins that says the city 优化办 forwards it to a bureau."""
CITY_UNKNOWN = "属地未知："
"""How the reason begins that asks for the caller's city (the office that forwards is not
known yet)."""
