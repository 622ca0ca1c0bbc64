"""The ticket workflow as an explicit state machine: which action, from which state, by whom.

Every command first calls ``check``: it refuses with the R-id of the rule that forbids the
action and says what this seat could do instead — only actions the ticket's conditions
(complex, special) leave open. Rule-specific conditions (a complex ticket may not be returned,
an extension must be asked before expiry …) are enforced in the use cases; ``condition_refusal``
mirrors the ones a screen can know in advance.

Supervision actions (督办说明, 督办延期, 督办办结) are per supervision ticket, not per ticket
state: ``supervision_refusal`` says whether this seat may take one on a given supervision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from console.errors import PermissionDenied, RuleError
from console.services.values import Role, State
from console.services.views import Actor

S = State
R = Role
INTAKE_ROLES = frozenset({R.OPERATOR, R.EXPERT, R.SHIFT_LEAD, R.SUBCENTRE_OPERATOR})
CALLBACK_ROLES = frozenset({R.OPERATOR, R.SHIFT_LEAD, R.SUBCENTRE_OPERATOR, R.SYSTEM})
MANAGER = frozenset({R.MANAGER})
UNIT = frozenset({R.UNIT_CLERK})
SUPERVISING = frozenset({R.MANAGER, R.SUPERVISOR})


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # Chinese, as shown on the screen
    rule: str  # the rule that governs it
    states: frozenset[State]
    roles: frozenset[Role]
    unit_bound: bool = False  # a unit clerk may act only on their own unit's ticket
    pending: str | None = None  # requires this pending request ("" = none pending)
    co_unit_bound: bool = False  # only a co-unit (配合单位) of the ticket acts, not the lead


def _a(
    name: str,
    label: str,
    rule: str,
    states: set[State],
    roles: frozenset[Role] | set[Role],
    unit_bound: bool = False,
    pending: str | None = None,
    co_unit_bound: bool = False,
) -> Action:
    return Action(
        name, label, rule, frozenset(states), frozenset(roles), unit_bound, pending, co_unit_bound
    )


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
        # R-COMPLEX (Art. 16): the co-units cooperate; each records its part on the lead's ticket
        _a(
            "report_co_part",
            "协办反馈",
            "R-COMPLEX",
            HANDLED | {S.COMPLETION_REQUESTED},
            UNIT,
            co_unit_bound=True,
        ),
        # 催办: the manager or a supervisor presses the unit holding the ticket (R-LIMIT)
        _a("urge", "催办", "R-LIMIT", HANDLED, SUPERVISING),
        # Art. 20: an administrative-mediation or law-enforcement case is handled by law and
        # not scored on satisfaction; the manager says which tickets are such cases
        _a(
            "mark_law_case",
            "认定调解、执法办案类",
            "R-DISSATISFIED-OUTCOMES",
            HANDLED | {S.COMPLETION_REQUESTED, S.COMPLETED, S.DISSATISFIED, S.CLOSED},
            MANAGER,
        ),
        # ...and takes back a finding made in error (with the reason; the figures follow)
        _a(
            "withdraw_law_case",
            "撤销调解、执法办案类认定",
            "R-DISSATISFIED-OUTCOMES",
            HANDLED | {S.COMPLETION_REQUESTED, S.COMPLETED, S.DISSATISFIED, S.CLOSED},
            MANAGER,
        ),
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
    action: str,
    state: State,
    pending: str,
    actor: Actor,
    unit_ids: tuple[str | None, ...],
    *,
    complex: bool,
    special: bool,
) -> None:
    """Refuse the action unless this actor may take it on a ticket in this state.

    Args:
        unit_ids: the responsible (lead) unit first, then co-units; a clerk of a co-unit may
            read the ticket but only the lead unit acts on it.
        complex, special: the ticket's conditions; a refusal lists only the actions they
            leave open (no 退回 on a complex ticket, no special feedback on an ordinary one).
    """
    spec = ACTIONS[action]
    if actor.role not in spec.roles:
        roles = "、".join(r.label for r in spec.roles)
        raise PermissionDenied(f"「{spec.label}」只能由{roles}操作", rule=spec.rule)
    if spec.unit_bound and actor.unit_id != unit_ids[0]:
        raise PermissionDenied(f"只有承办单位可以「{spec.label}」本工单", rule="R-SECURITY")
    if spec.co_unit_bound and actor.unit_id not in unit_ids[1:]:
        raise PermissionDenied(f"只有配合单位可以「{spec.label}」", rule=spec.rule)
    if state not in spec.states:
        allowed = allowed_names(state, pending, actor, unit_ids, complex=complex, special=special)
        raise RuleError(
            spec.rule,
            f"工单当前状态为「{state.label}」，不能「{spec.label}」",
            allowed=describe(allowed),
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
    state: State,
    pending: str,
    actor: Actor,
    unit_ids: tuple[str | None, ...],
    *,
    complex: bool,
    special: bool,
) -> list[str]:
    """Names of the actions this actor may take now: state, role, unit and pending, and the
    ticket's conditions (a complex ticket is not returned, only a special one gets feedback)."""
    names = []
    for name in ACTIONS:
        try:
            check_quiet(name, state, pending, actor, unit_ids)
        except (RuleError, PermissionDenied):
            continue
        if condition_refusal(name, complex=complex, special=special) is not None:
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
    if spec.co_unit_bound and actor.unit_id not in unit_ids[1:]:
        raise PermissionDenied(spec.label)
    if state not in spec.states:
        raise RuleError(spec.rule, spec.label)
    if spec.pending is not None and pending != spec.pending:
        raise RuleError(spec.rule, spec.label)


def describe(names: list[str]) -> str:
    return "、".join(ACTIONS[n].label for n in names) or "（当前无可执行操作）"


def condition_refusal(action: str, *, complex: bool, special: bool) -> RuleError | None:
    """The rule-specific refusal of an action that state and role alone would allow.

    The commands raise it (after ``check``); a screen greys the action with it in advance.
    """
    if action == "return" and complex:
        return RuleError(
            "R-COMPLEX", "疑难复杂事项不得退回，请牵头或配合办理", allowed="申请办结、申请延期"
        )
    if action in ("first_response", "report_progress") and not special:
        return RuleError("R-SPECIAL", "只有特殊事项工单需要反馈初步响应和处理进度")
    return None


# ---------------------------------------------------------------------- supervision (督办)
class Supervised(Protocol):
    """What a supervision refusal looks at: a SupervisionRow or a SupervisionView."""

    @property
    def unit_id(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def extended(self) -> bool: ...
    @property
    def reply(self) -> str: ...


SUPERVISION_ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # unit_bound: the supervised unit (SupervisionView.unit_id), not the ticket's lead unit
        _a("reply_supervision", "督办说明", "R-SUPERVISE-WHEN", set(State), UNIT, unit_bound=True),
        _a("extend_supervision", "督办延期", "R-SUPERVISE-LIMIT", set(State), SUPERVISING),
        _a("close_supervision", "督办办结", "R-SUPERVISE-LIMIT", set(State), SUPERVISING),
    )
}


def _supervision_problem(
    action: str, sup: Supervised, actor: Actor
) -> PermissionDenied | RuleError | None:
    spec = SUPERVISION_ACTIONS[action]
    if action == "reply_supervision":
        if actor.role not in spec.roles or actor.unit_id != sup.unit_id:
            return PermissionDenied("只有被督办单位可以书面说明", rule="R-SUPERVISE-WHEN")
    elif actor.role not in spec.roles:
        what = "批准督办延期" if action == "extend_supervision" else "办结督办"
        return PermissionDenied(f"只有管理部门可以{what}", rule="R-SUPERVISE-LIMIT")
    if sup.state != "open":
        return RuleError("R-SUPERVISE-LIMIT", "督办工单已办结")
    if action == "reply_supervision" and sup.reply:
        return RuleError("R-SUPERVISE-WHEN", "已书面说明情况，待管理部门办结督办")
    if action == "extend_supervision" and sup.extended:
        return RuleError("R-SUPERVISE-LIMIT", "督办事项只能延期1次")
    if action == "close_supervision" and not sup.reply:
        return RuleError("R-SUPERVISE-WHEN", "承办单位尚未书面说明情况，不能办结督办")
    return None


def supervision_refusal(
    action: str, sup: Supervised, actor: Actor
) -> PermissionDenied | RuleError | None:
    """Why this actor may not take a supervision action on this supervision (None: may).

    The use cases raise it; the ticket view greys the action with it. A rule refusal says
    which other supervision actions this seat could take on it instead.
    """
    problem = _supervision_problem(action, sup, actor)
    if isinstance(problem, RuleError):
        others = supervision_allowed_names(sup, actor)
        if others:
            others_text = "、".join(SUPERVISION_ACTIONS[n].label for n in others)
            return RuleError(problem.rule, problem.message, allowed=others_text)
    return problem


def supervision_allowed_names(sup: Supervised, actor: Actor) -> list[str]:
    """The supervision actions this actor may take on this supervision now."""
    return [n for n in SUPERVISION_ACTIONS if _supervision_problem(n, sup, actor) is None]


SupT = TypeVar("SupT", bound=Supervised)


def supervision_candidates(action: str, sups: Sequence[SupT], actor: Actor) -> list[SupT]:
    """The supervisions this actor may take the action on, latest first."""
    return [s for s in reversed(sups) if _supervision_problem(action, s, actor) is None]
