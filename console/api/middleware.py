"""The ASGI layer around every request: body limit, origin for the audit trail, access log.

One plain ASGI middleware (no ``BaseHTTPMiddleware``: it would run the endpoint in another
task, and context variables set here must reach the endpoint's thread):

- a body larger than :data:`MAX_BODY` is refused with 413 before the endpoint runs, whether
  the client announced it (``Content-Length``) or streamed it;
- ``console.services.access.audit.ORIGIN`` is set to ``api:<client address>`` so every audit record
  written for the request says where it came from (R-SECURITY): the direct peer, or the
  client named by X-Forwarded-For when the peer is a proxy of ``hotline serve
  --forwarded-allow-ips`` (uvicorn rewrites ``scope["client"]`` then, and only then);
- one access-log line per request: method, path (never the query string), status, time and
  seat (the auth dependency puts it in ``request.state.seat``) — no caller's words, phone or ID ever reach the log;
- every answer carries the platform's clock (``X-Hotline-Now``; a drill clock when pinned);
- an unexpected exception becomes a JSON 500 and is logged by its frames only (the
  exception's text may quote request data), instead of the server printing it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException

from console.api.errors import STATUS, body, internal_body

CLOCK_HEADER = b"x-hotline-now"
"""Every answer carries the platform's time, so a RemoteBackend keeps its clock without asking."""
MAX_BODY = 256 * 1024
"""Largest request body accepted (256 KiB); an intake is a few KiB at most."""

access_log = logging.getLogger("console.api.access")
log = logging.getLogger("console.api")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TooLarge(StarletteHTTPException):
    """Raised while reading a body past the limit (FastAPI lets HTTPExceptions through)."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


def _origin_var() -> ContextVar[str | None] | None:
    try:
        from console.services.access import audit
    except ImportError:  # auditing not built in this checkout
        return None
    return getattr(audit, "ORIGIN", None)


class RequestGuard:
    """See the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        max_body: int = MAX_BODY,
        clock: Callable[[], dt.datetime] | None = None,
        on_write: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.clock = clock
        self.on_write = on_write  # told after each write answered with success
        self.origin = _origin_var()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        client = scope.get("client")
        host = client[0] if client else "unknown"
        status = {"code": 0}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
                if self.clock is not None:
                    stamp = self.clock().isoformat().encode("ascii")
                    message["headers"] = [*message.get("headers", []), (CLOCK_HEADER, stamp)]
            await send(message)

        origin_token = self.origin.set(f"api:{host}") if self.origin is not None else None
        try:
            declared = _content_length(scope)
            if declared is not None and declared > self.max_body:
                await _send_json(send_wrapper, 413, _too_large(self.max_body))
                return
            seen = 0

            async def limited_receive() -> Message:
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > self.max_body:
                        raise TooLarge
                return message

            try:
                await self.app(scope, limited_receive, send_wrapper)
            except TooLarge:
                if status["code"] == 0:
                    await _send_json(send_wrapper, 413, _too_large(self.max_body))
            except Exception as exc:  # noqa: BLE001 — never a traceback with request data
                frames = "".join(traceback.format_tb(exc.__traceback__))
                log.error("internal error %s\n%s", type(exc).__name__, frames)
                if status["code"] == 0:
                    await _send_json(send_wrapper, 500, internal_body(exc))
        finally:
            if (
                self.on_write is not None
                and scope.get("method") == "POST"
                and 200 <= status["code"] < 300
            ):
                self.on_write()
            access_log.info(
                "%s %s %d %.1fms seat=%s from=%s",
                scope.get("method", "-"),
                scope.get("path", "-"),
                status["code"],
                (time.perf_counter() - started) * 1000,
                scope.get("state", {}).get("seat", "-"),
                host,
            )
            if origin_token is not None and self.origin is not None:
                self.origin.reset(origin_token)


def _too_large(limit: int) -> dict[str, Any]:
    return body("too_large", f"请求体过大（最多 {limit // 1024} KiB）")


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_json(send: Send, status: int, content: dict[str, Any]) -> None:
    assert status in STATUS.values()
    payload = json.dumps(content, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
