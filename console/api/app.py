"""``create_app(platform)``: the HTTP API over the same services (``hotline serve``).

Each request authenticates its bearer token to a seat and runs the use case on
``platform.backend(actor)`` in FastAPI's thread pool (the endpoints are plain ``def``: the
services are synchronous). The OpenAPI document is at ``/openapi.json``; errors are the JSON
object of ``console.api.errors``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from console.api import errors
from console.api.middleware import MAX_BODY, RequestGuard
from console.api.routes import router
from console.api.signal import WATCH_NOTIFIED_S, WATCH_S, StoreWatch
from console.bootstrap import Platform
from console.services.knowledge.changes import ARTICLE_ACTIONS
from console.services.tickets.live import landed_since
from console.store.notify import Listener

API_VERSION = "1.0"


def create_app(platform: Platform, *, max_body: int = MAX_BODY) -> FastAPI:
    """The FastAPI application serving ``platform`` (opened and, for PostgreSQL, migrated)."""
    # what lands in the store, looked at once for all the held questions (screen-pop, live)
    watch = StoreWatch(partial(landed_since, platform.store, kb_actions=ARTICLE_ACTIONS))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        every: Callable[[], float] = lambda: WATCH_S  # noqa: E731
        listener: Listener | None = None
        if platform.store.dialect == "postgresql":
            loop = asyncio.get_running_loop()

            def heard(_kind: str) -> None:  # from the listener's thread
                loop.call_soon_threadsafe(watch.poke)

            listener = Listener.for_url(platform.store.url)
            listener.subscribe(heard)
            safety = float(os.environ.get("HOTLINE_WATCH_S", WATCH_NOTIFIED_S))
            every = lambda: safety if listener.connected else WATCH_S  # noqa: E731
        watcher = asyncio.create_task(watch.run(every))
        try:
            yield
        finally:
            watcher.cancel()
            if listener is not None:
                listener.unsubscribe(heard)

    app = FastAPI(
        lifespan=lifespan,
        title="湖南省12345热线坐席平台 API",
        version=API_VERSION,
        description=(
            "坐席控制台的全部用例（Backend 协议）。认证：Authorization: Bearer <席位令牌>。"
            "错误统一为 JSON：{error, rule, field, message}；规则拒绝 409，输入错误 422，"
            "无权限 403，未认证 401，不存在 404，版本冲突 409，数据库不可用 503，请求体过大 413。"
        ),
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.platform = platform
    app.state.store_watch = watch
    errors.install(app)
    app.include_router(router())
    app.add_middleware(RequestGuard, max_body=max_body, clock=platform.clock.now,
                       on_write=watch.written)  # fmt: skip

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
