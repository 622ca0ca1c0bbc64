"""`hotline serve`: the HTTP API (FastAPI on uvicorn) over the same services.

The embedded SQLite store prepares itself; a PostgreSQL store must have been migrated with
`hotline db upgrade`. Every request needs a seat token (`hotline seat add`). Any number of
these processes may serve one PostgreSQL behind a load balancer: they keep no state of their
own beyond caches. Behind a reverse proxy, ``--forwarded-allow-ips`` names the proxies whose
``X-Forwarded-For`` is believed; by default none is, and every request's origin is its direct
peer.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from typing import TYPE_CHECKING

from console.cli import UsageError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from console.bootstrap import Platform

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8345
KEEP_ALIVE_SECONDS = 15
GRACE_SECONDS = 3
"""On stop, requests still running after this many seconds are cut (the held questions of
screen-pop and live updates: the consoles ask again from their cursor)."""


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
    p.add_argument(
        "--forwarded-allow-ips",
        default="",
        metavar="IPS",
        help="可信反向代理的地址（逗号分隔，可写网段如 10.0.0.0/8）：只有直接来自这些地址的请求，"
        "其 X-Forwarded-For 才作为审计记录和访问日志中的来源；默认不信任任何代理",
    )
    p.add_argument(
        "--workers",
        default="1",
        help="服务进程数（默认 1；多进程共享同一数据库，每个进程各有索引，互相通过数据库同步）",
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


def trusted_proxies(text: str) -> list[str]:
    """The proxies whose X-Forwarded-For is believed (``--forwarded-allow-ips``): addresses or
    networks; empty: none (every origin is the direct peer's address)."""
    import ipaddress

    out: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            out.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise UsageError(
                f"forwarded-allow-ips: {item!r} 不是 IP 地址或网段（如 127.0.0.1、10.0.0.0/8）"
            ) from None
    return out


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


SERVER_PATIENCE = 1.0
"""Seconds an API request waits for the hot matters' first look (see ``_warm_hot``)."""


def _warm(platform: Platform) -> None:
    try:
        platform.knowledge.warm()
    except Exception as exc:  # noqa: BLE001 — the first request builds them instead
        logging.getLogger("console.api").warning("index warm-up failed: %s", type(exc).__name__)
    _warm_hot(platform)


def _warm_hot(platform: Platform) -> None:
    """Group the last 90 days' tickets for the hot matters (R-ANALYTICS) in the background:
    the first board or dashboard that asks does not wait minutes on a busy store. Until it is
    done a request waits a second for it, then answers 503 (a seat's client asks three times
    before it shows that the matters are being grouped)."""
    from console.services.analytics.hot_store import HotWatch

    watch = HotWatch.for_store(platform.store)
    watch.patience = SERVER_PATIENCE
    watch.start(platform.clock.now())


def _workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        raise UsageError(f"workers: 应为 1–64 的整数，收到 {text!r}") from None
    if not 1 <= workers <= 64:
        raise UsageError(f"workers: 应为 1–64 的整数，收到 {workers}")
    return workers


def app_factory() -> FastAPI:
    """One server process's app (``--workers N``: each process calls this once): the platform
    as the parent prepared it, its indexes warmed in the background."""
    from console.api.app import create_app
    from console.bootstrap import open_platform
    from console.config import load_settings

    _origin()
    platform = open_platform(load_settings(), prepare=False)
    threading.Thread(target=_warm, args=(platform,), name="warm", daemon=True).start()
    return create_app(platform)


def _origin() -> None:
    try:
        from console.services.access import audit

        audit.set_default_origin("api")
    except ImportError:  # auditing not built in this checkout
        pass


def _serve(args: argparse.Namespace) -> int:
    port = _port(args.port)
    workers = _workers(args.workers)
    proxies = trusted_proxies(args.forwarded_allow_ips)
    import uvicorn

    from console.api.app import create_app
    from console.bootstrap import open_platform
    from console.config import load_settings

    _origin()
    settings = load_settings()
    # once, here: an embedded database is created, migrated and seeded before any worker
    platform = open_platform(settings)
    app: FastAPI | str = create_app(platform)
    if workers > 1:
        platform.store.dispose()  # each worker opens its own
        app = f"{__name__}:app_factory"
    else:
        # Build the search, routing and duplicate indexes now, not on the first keystroke.
        threading.Thread(target=_warm, args=(platform,), name="warm", daemon=True).start()
    print(f"hotline serve: http://{args.host}:{port}  OpenAPI: /openapi.json", file=sys.stderr)
    if proxies:
        print(
            f"hotline serve: 信任来自 {', '.join(proxies)} 的 X-Forwarded-For（审计来源与访问日志）",
            file=sys.stderr,
        )
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "hotline serve: 注意：本服务为明文 HTTP，令牌与来电内容须经 TLS 反向代理（HTTPS）对外提供",
            file=sys.stderr,
        )
    try:
        uvicorn.run(
            app,
            factory=workers > 1,
            workers=workers,
            host=args.host,
            port=port,
            # a question held for a screen-pop or live updates ends with the server, not after
            timeout_graceful_shutdown=GRACE_SECONDS,
            access_log=False,
            log_config=log_config(args.log_level),
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            server_header=False,
            # X-Forwarded-For names the client only when the direct peer is a configured
            # proxy; uvicorn's own default trusts any local process (FORWARDED_ALLOW_IPS)
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or [],
        )
    finally:
        platform.store.dispose()
    return 0
