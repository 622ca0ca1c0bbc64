"""Errors over HTTP: every failure is one JSON object a seat can show as one line.

The body is always::

    {"error": KIND, "rule": "R-…" | null, "field": "…" | null, "message": "…", …}

with a few extra keys per kind so that ``RemoteBackend`` can rebuild the very exception the
service raised (same class, same attributes):

=====================  ======  ======================================================
kind                   status  raised for / extra keys
=====================  ======  ======================================================
``rule``               409     RuleError — the regulation refuses the action in the
                               ticket's present state; ``reason``, ``allowed``
``input``              422     InputError and malformed requests; ``field``,
                               ``problem``, ``fields`` (every field at fault)
``permission``         403     PermissionDenied (role or unit may not); ``reason``
``unauthenticated``    401     no token, or an unknown, revoked or expired one;
                               ``reason``
``not_found``          404     NotFound, unknown route; ``what``, ``key``
``conflict``           409     Conflict (stale ``version``); ``what``,
                               ``changed_by``, ``changed_at``
``unavailable``        503     Unavailable (database down, connections exhausted)
``too_large``          413     a body over the limit
``method``             405     a method the route does not take
``internal``           500     anything else (logged without request data)
=====================  ======  ======================================================

RuleError is 409, not 422: the request is well formed and would succeed on a ticket in
another state (the same call is refused or allowed depending on the ticket, like an edit
conflict); 422 is kept for input that is wrong whatever the ticket (a field to fix).

FastAPI's own validation errors are reshaped into ``input`` (naming the field, in Chinese) and
never echo the rejected value: it may be a caller's words.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from console.errors import (
    Conflict,
    HotlineError,
    InputError,
    NotFound,
    PermissionDenied,
    RuleError,
    Unavailable,
)

log = logging.getLogger("console.api")

RULE_STATUS = 409
STATUS = {
    "rule": RULE_STATUS,
    "input": 422,
    "permission": 403,
    "unauthenticated": 401,
    "not_found": 404,
    "conflict": 409,
    "unavailable": 503,
    "too_large": 413,
    "method": 405,
    "internal": 500,
}


class Unauthenticated(PermissionDenied):
    """No usable token (answered 401 with ``WWW-Authenticate: Bearer``)."""


def body(
    kind: str, message: str, rule: str | None = None, field: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The JSON error object."""
    return {"error": kind, "rule": rule, "field": field, "message": message, **extra}


def _strip_rule(text: str, rule: str) -> str:
    prefix = f"[{rule}] "
    return text[len(prefix) :] if text.startswith(prefix) else text


def error_body(exc: HotlineError) -> tuple[int, dict[str, Any]]:
    """Status and body for a domain error."""
    message = str(exc)
    if isinstance(exc, RuleError):
        b = body("rule", message, rule=exc.rule, reason=exc.message, allowed=exc.allowed)
    elif isinstance(exc, InputError):
        b = body("input", message, field=exc.field, problem=exc.problem)
    elif isinstance(exc, Unauthenticated):
        b = body("unauthenticated", message, rule=exc.rule, reason=_strip_rule(message, exc.rule))
    elif isinstance(exc, PermissionDenied):
        b = body("permission", message, rule=exc.rule, reason=_strip_rule(message, exc.rule))
    elif isinstance(exc, NotFound):
        b = body("not_found", message, what=exc.what, key=exc.key)
    elif isinstance(exc, Conflict):
        b = body(
            "conflict",
            message,
            what=exc.what,
            changed_by=exc.changed_by,
            changed_at=exc.changed_at,
        )
    elif isinstance(exc, Unavailable):
        b = body("unavailable", message)
    else:
        b = body("internal", message)
    return STATUS[b["error"]], b


def respond(
    status: int, content: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=headers)


# ---------------------------------------------------------------- validation errors in Chinese
def _problem(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "缺少此项"
    if kind == "string_too_long":
        return f"过长（最多 {ctx.get('max_length')} 字）"
    if kind == "string_too_short":
        return f"过短（至少 {ctx.get('min_length')} 字）"
    if kind == "string_pattern_mismatch":
        return "含有不允许的字符"
    if kind in ("string_type", "string_unicode"):
        return "应为文本（合法的 Unicode 字符串）"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "应为整数"
    if kind in ("float_parsing", "float_type"):
        return "应为数字"
    if kind in ("bool_parsing", "bool_type"):
        return "应为 true 或 false"
    if kind in ("greater_than_equal", "greater_than"):
        return f"应不小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"应不大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "enum":
        return f"应为以下之一：{ctx.get('expected', '')}"
    if kind.startswith("date") and "datetime" not in kind:
        return "应为日期 YYYY-MM-DD"
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return "应为时间（ISO 8601，如 2026-11-25T09:00:00+08:00）"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "应为列表"
    if kind == "too_long":
        return f"项目过多（最多 {ctx.get('max_length')} 项）"
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return "应为 JSON 对象"
    if kind == "extra_forbidden":
        return "不认识的字段"
    if kind == "json_invalid":
        return "请求体不是合法的 JSON"
    if kind == "json_type":
        return "应为 JSON"
    return "格式不正确"


def validation_field(loc: Sequence[Any]) -> str:
    """The field a validation error is about: the innermost name (``intake.text`` → ``text``).

    Services name fields the same way (InputError("text", …)), so a client cannot tell which
    layer refused.
    """
    names = [str(p) for p in loc if isinstance(p, str)]
    # only the first name is the location: a body field may itself be called "query"
    if names and names[0] in ("body", "query", "path", "header", "cookie"):
        names = names[1:]
    if not names:
        return "body"
    return names[-1]


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    first = errors[0] if errors else {"loc": ("body",), "type": ""}
    field = validation_field(first.get("loc", ()))
    problem = _problem(first)
    more = len(errors) - 1
    message = f"{field}: {problem}" + (f"（另有 {more} 处问题）" if more > 0 else "")
    fields = sorted({validation_field(e.get("loc", ())) for e in errors})
    return body("input", message, field=field, problem=problem, fields=fields)


# ---------------------------------------------------------------- handlers
def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the JSON error object."""

    @app.exception_handler(HotlineError)
    async def _domain(_request: Request, exc: HotlineError) -> JSONResponse:
        status, content = error_body(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            headers = {"Retry-After": str(getattr(exc, "retry_after", 2))}
        return respond(status, content, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return respond(422, validation_body(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not read the body (not UTF-8 JSON …)
            problem = "请求体不是合法的 JSON（UTF-8）"
            return respond(422, body("input", f"body: {problem}", field="body", problem=problem))
        if exc.status_code == 404:
            content = body("not_found", "没有这个接口", what="接口", key="")
        elif exc.status_code == 405:
            content = body("method", "该接口不接受此请求方法")
        elif exc.status_code == 413:
            content = body("too_large", "请求体过大")
        elif exc.status_code == 401:
            content = body(
                "unauthenticated", "需要席位令牌", rule="R-SECURITY", reason="需要席位令牌"
            )
        else:
            content = body("input" if exc.status_code < 500 else "internal", str(exc.detail))
        return respond(exc.status_code, content, getattr(exc, "headers", None))

    _install_pool_timeout(app)
    _install_storage(app)

    @app.exception_handler(DataError)
    async def _data(_request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value (too long, out of range): bad input, nothing stored —
        # the write transaction rolled back. The value is not echoed.
        log.warning("database refused a value: %s", type(exc.orig).__name__)
        return respond(
            422, body("input", "输入值超出允许范围", field="body", problem="输入值超出允许范围")
        )


def _install_pool_timeout(app: FastAPI) -> None:
    @app.exception_handler(PoolTimeout)
    async def _busy(_request: Request, _exc: PoolTimeout) -> JSONResponse:
        # Every database connection of this process is in use: a passing overload.
        log.warning("database connection pool exhausted")
        return respond(
            503, body("unavailable", "平台繁忙（数据库连接已满），请稍后重试"), {"Retry-After": "1"}
        )


STORAGE_ERRNOS = ("ENOSPC", "EDQUOT", "EROFS", "EFBIG")
STORAGE_RETRY_AFTER = "60"


def _install_storage(app: FastAPI) -> None:
    """A full or read-only disk met outside a store transaction (a file the server writes, a
    connection being opened): 503 with a reason, like the store's own StorageUnavailable."""

    @app.exception_handler(OSError)
    async def _os(_request: Request, exc: OSError) -> JSONResponse:
        import errno

        from console.errors import file_problem

        if errno.errorcode.get(exc.errno or 0) not in STORAGE_ERRNOS:
            raise exc  # an internal error: the middleware answers 500 and logs the frames
        log.error("storage: %s", file_problem(exc))
        reason = "磁盘已满" if exc.errno != errno.EROFS else "文件系统只读"
        message = f"服务器存储不可写（{reason}），请稍后重试或联系管理员"
        return respond(503, body("unavailable", message), {"Retry-After": STORAGE_RETRY_AFTER})

    @app.exception_handler(DBAPIError)
    async def _db(request: Request, exc: DBAPIError) -> JSONResponse:
        from console.store.engine import storage_problem

        problem = storage_problem(exc, request.app.state.platform.store.url)
        if not problem:
            raise exc
        log.error("storage: %s", problem)
        return respond(503, body("unavailable", problem), {"Retry-After": STORAGE_RETRY_AFTER})


def internal_body(exc: BaseException) -> dict[str, Any]:
    """The 500 body: the class name only (an exception's text may quote request data)."""
    return body("internal", f"服务器内部错误（{type(exc).__name__}），请联系管理员")
