"""`hotline serve`: the HTTP API (FastAPI on uvicorn) over the same services.

The embedded SQLite store prepares itself; a PostgreSQL store must have been migrated with
`hotline db upgrade`. Every request needs a seat token (`hotline seat add`). Any number of
these processes may serve one PostgreSQL behind a load balancer: they keep no state of their
own beyond caches.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from typing import TYPE_CHECKING

from console.cli import UsageError

if TYPE_CHECKING:
    from console.bootstrap import Platform

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8345
KEEP_ALIVE_SECONDS = 15


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="启动 HTTP API（供远程席位使用，需席位令牌）")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"监听地址（默认 {DEFAULT_HOST}）")
    p.add_argument("--port", default=str(DEFAULT_PORT), help=f"端口（默认 {DEFAULT_PORT}）")
    p.add_argument(
        "--log-level",
        default="info",
        choices=("debug", "info", "warning", "error"),
        help="日志级别（默认 info；访问日志不含查询串与来电内容）",
    )
    p.set_defaults(handler=_serve)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise UsageError(f"port: 应为 1–65535 的整数，收到 {text!r}") from None
    if not 1 <= port <= 65535:
        raise UsageError(f"port: 应为 1–65535 的整数，收到 {port}")
    return port


def log_config(level: str) -> dict[str, object]:
    """Plain lines on stderr; uvicorn's own access log is off (ours omits query strings)."""
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": fmt}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "console": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }


def _warm(platform: Platform) -> None:
    try:
        platform.knowledge.warm()
    except Exception as exc:  # noqa: BLE001 — the first request builds them instead
        logging.getLogger("console.api").warning("index warm-up failed: %s", type(exc).__name__)


def _serve(args: argparse.Namespace) -> int:
    port = _port(args.port)
    import uvicorn

    from console.api.app import create_app
    from console.bootstrap import open_platform
    from console.config import load_settings

    try:
        from console.services.access import audit

        audit.set_default_origin("api")
    except ImportError:  # auditing not built in this checkout
        pass
    settings = load_settings()
    platform = open_platform(settings)
    app = create_app(platform)
    # Build the search, routing and duplicate indexes now, not on the first seat's keystroke.
    threading.Thread(target=_warm, args=(platform,), name="warm", daemon=True).start()
    print(f"hotline serve: http://{args.host}:{port}  OpenAPI: /openapi.json", file=sys.stderr)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "hotline serve: 注意：本服务为明文 HTTP，令牌与来电内容须经 TLS 反向代理（HTTPS）对外提供",
            file=sys.stderr,
        )
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=port,
            access_log=False,
            log_config=log_config(args.log_level),
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            server_header=False,
        )
    finally:
        platform.store.dispose()
    return 0
