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


_FILE_REASONS = {
    "ENOENT": "文件或目录不存在",
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "ENAMETOOLONG": "文件名过长",
    "EISDIR": "是一个目录，不是文件",
    "ENOTDIR": "路径中有一段不是目录",
    "ENOSPC": "磁盘已满",
    "EDQUOT": "磁盘配额已满",
    "EFBIG": "文件过大",
    "EROFS": "文件系统只读",
    "EEXIST": "已存在",
    "EMFILE": "打开的文件过多",
    "ENFILE": "打开的文件过多",
    "EIO": "读写出错（磁盘故障？）",
    "EADDRINUSE": "地址已被占用",
    "EADDRNOTAVAIL": "本机没有这个地址",
}


def file_problem(exc: OSError) -> str:
    """One line (Chinese) for a file or folder that could not be read or written: which one
    and why (磁盘已满, 文件系统只读, 没有权限 …)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    reason = _FILE_REASONS.get(name) or exc.strerror or type(exc).__name__
    where = exc.filename if exc.filename not in (None, "") else ""
    return f"{where}：{reason}" if where else reason
