"""Errors any layer raises (the store, the services, the API). Each one is a sentence a user
can read, never a traceback. This module imports nothing of the console."""

from __future__ import annotations


class HotlineError(Exception):
    """Base of every error a user may see. ``str(err)`` is the one-line message."""

    exit_status = 1


class InputError(HotlineError):
    """Bad input: names the field and what is wrong with it."""

    exit_status = 2

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class RuleError(HotlineError):
    """A rule of the regulation refuses the action; names the R-id and what is allowed."""

    def __init__(self, rule: str, message: str, allowed: str = "") -> None:
        self.rule = rule
        self.message = message
        self.allowed = allowed
        text = f"[{rule}] {message}"
        if allowed:
            text += f"；可以：{allowed}"
        super().__init__(text)


class PermissionDenied(HotlineError):
    """The actor's role or unit may not do this."""

    def __init__(self, message: str, rule: str = "R-SECURITY") -> None:
        self.rule = rule
        self.message = message
        super().__init__(f"[{rule}] {message}")


class NotFound(HotlineError):
    """No such ticket, unit, article …"""

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {key} 不存在")


class Conflict(HotlineError):
    """Optimistic concurrency: someone else changed the record first."""

    def __init__(self, what: str, changed_by: str, changed_at: str) -> None:
        self.what = what
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(f"{what} 已被 {changed_by} 于 {changed_at} 修改，请刷新后重试")


class Unavailable(HotlineError):
    """The database or the API cannot be reached right now; the caller may retry."""
