"""Which seats open the screens that are not a mode of their own (the work queues' `K`, `B`,
`D`, the board's `D`, the command palette from anywhere)."""

from __future__ import annotations

from console.services.values import Role

UPKEEP_ROLES = frozenset({Role.UNIT_CLERK, Role.MANAGER})
"""Who keeps knowledge articles: the owner unit's clerk and the manager (R-KB)."""
PREFILING_ROLES = UPKEEP_ROLES
"""Who works 报备: a unit files and withdraws, the manager reviews (R-PREFILING)."""
DASHBOARD_ROLES = frozenset(
    {Role.MANAGER, Role.SUPERVISOR, Role.AUDITOR, Role.SHIFT_LEAD, Role.UNIT_CLERK}
)
"""Seats that open the evaluation dashboard (screens/dashboard.py says what each sees)."""
