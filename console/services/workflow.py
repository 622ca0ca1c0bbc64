"""The ticket workflow as an explicit state machine: which action, from which state, by whom.

Every command first calls ``check``: it refuses with the R-id of the rule that forbids the
action and says what this seat could do instead. Rule-specific conditions (a complex ticket
may not be returned, an extension must be asked before expiry …) live in the use cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.services.errors import PermissionDenied, RuleError
from console.services.values import Role, State
from console.services.views import Actor

S = State
R = Role
INTAKE_ROLES = frozenset({R.OPERATOR, R.EXPERT, R.SHIFT_LEAD, R.SUBCENTRE_OPERATOR})
CALLBACK_ROLES = frozenset({R.OPERATOR, R.SHIFT_LEAD, R.SUBCENTRE_OPERATOR, R.SYSTEM})
MANAGER = frozenset({R.MANAGER})
UNIT = frozenset({R.UNIT_CLERK})


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # Chinese, as shown on the screen
    rule: str  # the rule that governs it
    states: frozenset[State]
    roles: frozenset[Role]
    unit_bound: bool = False  # a unit clerk may act only on their own unit's ticket
    pending: str | None = None  # requires this pending request ("" = none pending)


def _a(
    name: str,
    label: str,
    rule: str,
    states: set[State],
    roles: frozenset[Role] | set[Role],
    unit_bound: bool = False,
    pending: str | None = None,
) -> Action:
    return Action(name, label, rule, frozenset(states), frozenset(roles), unit_bound, pending)


HANDLED = {S.DISPATCHED, S.HANDLING}
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        _a(
            "answer_callback",
            "回复来电人（24小时内）",
            "R-CONSULT",
            {S.CALLBACK_PROMISED},
            INTAKE_ROLES,
        ),
        _a("dispatch", "派单", "R-DISPATCH", {S.ACCEPTED}, {R.OPERATOR, R.SHIFT_LEAD, R.MANAGER}),
        _a("sign", "签收", "R-SIGN", {S.DISPATCHED}, UNIT, unit_bound=True),
        _a("return", "退回", "R-RETURN", HANDLED, UNIT, unit_bound=True, pending=""),
        _a("review_return", "审核退回", "R-RETURN-REVIEW", {S.RETURN_REQUESTED}, MANAGER),
        _a("designate_lead", "指定牵头单位", "R-COMPLEX", HANDLED | {S.ACCEPTED}, MANAGER),
        _a("first_response", "反馈初步响应", "R-SPECIAL", HANDLED, UNIT, unit_bound=True),
        _a("report_progress", "反馈处理进度", "R-SPECIAL", HANDLED, UNIT, unit_bound=True),
        _a(
            "request_completion",
            "申请办结",
            "R-COMPLETE",
            {S.HANDLING},
            UNIT,
            unit_bound=True,
            pending="",
        ),
        _a("review_completion", "审核办结", "R-COMPLETE", {S.COMPLETION_REQUESTED}, MANAGER),
        _a("request_extension", "申请延期", "R-EXTEND", HANDLED, UNIT, unit_bound=True, pending=""),
        _a("review_extension", "审核延期", "R-EXTEND", HANDLED, MANAGER, pending="extension"),
        _a(
            "request_termination",
            "终结备案申请",
            "R-TERMINATE",
            {S.HANDLING, S.DISSATISFIED},
            UNIT,
            unit_bound=True,
            pending="",
        ),
        _a(
            "review_termination",
            "审核终结",
            "R-TERMINATE",
            {S.HANDLING, S.DISSATISFIED},
            MANAGER,
            pending="termination",
        ),
        _a("record_callback", "登记回访结果", "R-CALLBACK", {S.COMPLETED}, CALLBACK_ROLES),
        _a(
            "decide_dissatisfied", "处理不满意工单", "R-REDO", {S.DISSATISFIED}, MANAGER, pending=""
        ),
        _a(
            "open_supervision",
            "督办",
            "R-SUPERVISE-WHEN",
            {
                S.DISPATCHED,
                S.HANDLING,
                S.RETURN_REQUESTED,
                S.COMPLETION_REQUESTED,
                S.COMPLETED,
                S.DISSATISFIED,
                S.CLOSED,
            },
            {R.MANAGER, R.SUPERVISOR},
        ),
    )
}


def check(
    action: str, state: State, pending: str, actor: Actor, unit_ids: tuple[str | None, ...]
) -> None:
    """Refuse the action unless this actor may take it on a ticket in this state.

    Args:
        unit_ids: the responsible (lead) unit first, then co-units; a clerk of a co-unit may
            read the ticket but only the lead unit acts on it.
    """
    spec = ACTIONS[action]
    if actor.role not in spec.roles:
        roles = "、".join(r.label for r in spec.roles)
        raise PermissionDenied(f"「{spec.label}」只能由{roles}操作", rule=spec.rule)
    if spec.unit_bound and actor.unit_id != unit_ids[0]:
        raise PermissionDenied(f"只有承办单位可以「{spec.label}」本工单", rule="R-SECURITY")
    if state not in spec.states:
        raise RuleError(
            spec.rule,
            f"工单当前状态为「{state.label}」，不能「{spec.label}」",
            allowed=describe(allowed_names(state, pending, actor, unit_ids)),
        )
    if spec.pending is not None and pending != spec.pending:
        if spec.pending == "":
            raise RuleError(
                spec.rule, f"工单有待审核的{_pending_label(pending)}申请，不能「{spec.label}」"
            )
        raise RuleError(spec.rule, f"工单没有待审核的{_pending_label(spec.pending)}申请")


def _pending_label(pending: str) -> str:
    return {"extension": "延期", "termination": "终结"}.get(pending, pending)


def allowed_names(
    state: State, pending: str, actor: Actor, unit_ids: tuple[str | None, ...]
) -> list[str]:
    """Names of the actions this actor may take now (state, role, unit and pending only)."""
    names = []
    for name in ACTIONS:
        try:
            check_quiet(name, state, pending, actor, unit_ids)
        except (RuleError, PermissionDenied):
            continue
        names.append(name)
    return names


def check_quiet(
    action: str, state: State, pending: str, actor: Actor, unit_ids: tuple[str | None, ...]
) -> None:
    """Like ``check`` but without building the list of alternatives (no recursion)."""
    spec = ACTIONS[action]
    if actor.role not in spec.roles:
        raise PermissionDenied(spec.label)
    if spec.unit_bound and actor.unit_id != unit_ids[0]:
        raise PermissionDenied(spec.label)
    if state not in spec.states:
        raise RuleError(spec.rule, spec.label)
    if spec.pending is not None and pending != spec.pending:
        raise RuleError(spec.rule, spec.label)


def describe(names: list[str]) -> str:
    return "、".join(ACTIONS[n].label for n in names) or "（当前无可执行操作）"


def condition_refusal(action: str, *, complex: bool, special: bool) -> str | None:
    """The rule-specific refusal of an action that state and role alone would allow.

    The commands enforce the same conditions; this lets a screen grey the action in advance.
    """
    if action == "return" and complex:
        return "[R-COMPLEX] 疑难复杂事项不得退回"
    if action in ("first_response", "report_progress") and not special:
        return "[R-SPECIAL] 只有特殊事项工单需要反馈初步响应和处理进度"
    return None
