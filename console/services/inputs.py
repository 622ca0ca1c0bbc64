"""Checks of the text a command stores or looks up, before it reaches the database.

PostgreSQL refuses a NUL character in text and a value longer than its ``String(n)`` column,
and a lone surrogate cannot even be encoded: each would surface as a database error (a
traceback in the console, a 500 over HTTP) in the middle of a command. These checks refuse
such input first, naming the field, so nothing is stored half-way. Limits come from the model
columns, never from numbers repeated here. Tabs, line breaks and other control characters stay
(a caller's words are kept as said and neutralised only when shown).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from console.errors import InputError

_NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")
INT32 = 2**31 - 1
"""The largest integer an Integer column (or a key looked up in one) holds on PostgreSQL."""


def column_limit(column: Any) -> int | None:
    """The length of a ``String(n)`` model column (``TicketRow.caller_name``); None for Text."""
    col = column.property.columns[0] if hasattr(column, "property") else column
    length = getattr(col.type, "length", None)
    return int(length) if length else None


def check_text(field: str, value: object, *, column: Any = None, limit: int | None = None) -> str:
    """``value`` if it can be stored in ``column`` (or is at most ``limit`` characters long).

    Raises:
        InputError: naming ``field`` — not text, a NUL character, a lone surrogate, too long.
    """
    if not isinstance(value, str):
        raise InputError(field, "应为文本")
    if _NUL in value:
        raise InputError(field, "含有空字符（NUL），请删除后重试")
    if _SURROGATE.search(value):
        raise InputError(field, "含有无效字符（不是合法的 Unicode 文本）")
    longest = column_limit(column) if column is not None else None
    if limit is not None:
        longest = limit if longest is None else min(longest, limit)
    if longest is not None and len(value) > longest:
        raise InputError(field, f"过长（最多 {longest} 字，收到 {len(value)} 字）")
    return value


def check_optional(field: str, value: object, *, column: Any = None) -> str | None:
    """Like :func:`check_text`, letting None (and an empty value) through."""
    if value is None:
        return None
    return check_text(field, value, column=column)


def check_argument(field: str, value: object, column: Any = None) -> None:
    """One argument of a use case: text as :func:`check_text`, integers within 32 bits,
    each text of a list or tuple (``co_unit_ids``). Other values are the use case's to judge."""
    if isinstance(value, str):
        check_text(field, value, column=column)
    elif isinstance(value, int) and not isinstance(value, bool):
        if not -INT32 <= value <= INT32:
            raise InputError(field, f"超出范围（应在 ±{INT32} 之内）")
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, str):
                check_text(field, item, column=column)


C = TypeVar("C", bound=type)


def checks_arguments(columns: Mapping[str, Any]) -> Callable[[C], C]:
    """Class decorator for a backend: each public method checks its arguments first.

    Args:
        columns: argument name → the model column its value is stored in, for a length limit
            (``{"article_id": TicketRow.article_id}``); other text is checked for NUL only.
    """

    def decorate(cls: C) -> C:
        for name, member in list(vars(cls).items()):
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            setattr(cls, name, _checked(member, columns))
        return cls

    return decorate


def _checked(method: Callable[..., Any], columns: Mapping[str, Any]) -> Callable[..., Any]:
    signature = inspect.signature(method)

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError:
            return method(self, *args, **kwargs)  # let Python say what is wrong with the call
        for field, value in list(bound.arguments.items())[1:]:
            check_argument(field, value, columns.get(field))
        return method(self, *args, **kwargs)

    return wrapper
