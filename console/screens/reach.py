"""Which seats open the screens that are not a mode of their own (the work queues' `K`, `B`,
`D`, the board's `D`, the command palette from anywhere)."""

from __future__ import annotations

from dataclasses import dataclass

from console.services.values import Role

UPKEEP_ROLES = frozenset({Role.UNIT_CLERK, Role.MANAGER})
"""Who keeps knowledge articles: the owner unit's clerk and the manager (R-KB)."""
PREFILING_ROLES = UPKEEP_ROLES
"""Who works 报备: a unit files and withdraws, the manager reviews (R-PREFILING)."""
DASHBOARD_ROLES = frozenset(
    {Role.MANAGER, Role.SUPERVISOR, Role.AUDITOR, Role.SHIFT_LEAD, Role.UNIT_CLERK}
)
"""Seats that open the evaluation dashboard (screens/dashboard.py says what each sees)."""


@dataclass(frozen=True)
class Reach:
    """A screen opened over any other: who opens it, its name in the command palette, and what
    it holds (the palette's help line and its keys' tooltip)."""

    roles: frozenset[Role]
    name: str
    tooltip: str


REACH = {
    "upkeep": Reach(
        UPKEEP_ROLES, "知识维护（纠错报告与待复核知识）", "本单位知识的纠错报告和待复核知识（R-KB）"
    ),
    "prefiling": Reach(
        PREFILING_ROLES,
        "报备（提交、撤回与审核）",
        "本单位的报备及审核；管理部门审核各单位报备（R-PREFILING）",
    ),
    "dashboard": Reach(
        DASHBOARD_ROLES, "考核看板（指标、等次与热点）", "考核指标、等次与热点（承办单位看本单位）"
    ),
}
"""The app's actions of these names open them (``HotlineApp.action_upkeep`` …)."""
