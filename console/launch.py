"""`hotline` with no verb: the console for one working seat.

Start-up is kept short: the App is built and shown at once, while the platform (SQLAlchemy,
migrations, and on first start the seed) opens in a worker thread; an operator's intake form is
usable before the database answers. The knowledge-search index is read back from the copy in
the data folder when the knowledge base has not changed (index_cache.py), so answers follow
the platform at once. ``HOTLINE_SEAT="name:role[:unit]"`` names the seat (drills, tests);
without it a seat screen asks.

A remote seat (HOTLINE_API) asks the server who it is before any screen, and stops with one
line on a bad token or a server that does not answer within ``START_CONTACT_S``.
"""

from __future__ import annotations

import gc
import sys
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from console.config import Settings, load_settings
from console.errors import InputError, Unavailable
from console.services.values import Role
from console.services.views import Actor

if TYPE_CHECKING:
    from console.app import HotlineApp, PlatformLike
    from console.services.backend import Backend
    from console.services.knowledge.early import EarlySearch

START_CONTACT_S = 3.0
"""A remote seat's first contact (who it is, the server's time) must be answered within this
many seconds; else the console stops with one line rather than holding the seat before a blank
terminal for the transport's whole retry schedule (three tries of up to 10 s each)."""

ROLE_ALIASES = {
    "lead": Role.SHIFT_LEAD,
    "shiftlead": Role.SHIFT_LEAD,
    "clerk": Role.UNIT_CLERK,
    "unit": Role.UNIT_CLERK,
    "subcentre": Role.SUBCENTRE_OPERATOR,
    "sub": Role.SUBCENTRE_OPERATOR,
    "desk": Role.ENTERPRISE_DESK,
    "policy": Role.ENTERPRISE_DESK,
}
SEAT_ROLES = (
    Role.OPERATOR,
    Role.SUBCENTRE_OPERATOR,
    Role.EXPERT,
    Role.ENTERPRISE_DESK,
    Role.SHIFT_LEAD,
    Role.UNIT_CLERK,
    Role.MANAGER,
    Role.SUPERVISOR,
)


def parse_role(text: str) -> Role:
    key = text.strip()
    alias = ROLE_ALIASES.get(key.lower().replace("-", "").replace(" ", ""))
    if alias is not None:
        return alias
    try:
        role = Role.parse(key.lower() if key.isascii() else key)
    except ValueError:
        names = "、".join(f"{r.value}（{r.label}）" for r in SEAT_ROLES)
        raise InputError("HOTLINE_SEAT", f"没有角色「{key}」，可用：{names}") from None
    return Role(role)


def parse_seat(text: str) -> Actor | None:
    """``"name:role[:unit]"`` → an Actor (None for an empty text). A unit clerk needs the unit."""
    if not text.strip():
        return None
    parts = [p.strip() for p in text.split(":")]
    if len(parts) < 2 or not parts[0]:
        raise InputError(
            "HOTLINE_SEAT", "格式应为 姓名:角色[:单位]，如 张三:operator 或 李四:unit_clerk:hn-rst"
        )
    name, role = parts[0], parse_role(parts[1])
    unit = parts[2] if len(parts) > 2 and parts[2] else None
    if role is Role.UNIT_CLERK and not unit:
        raise InputError("HOTLINE_SEAT", "承办单位经办人须写明单位，如 李四:unit_clerk:hn-rst")
    return Actor(seat=name, name=name, role=role, unit_id=unit if role is Role.UNIT_CLERK else None)


_START_GC_THRESHOLD = 50_000
_saved_gc: tuple[int, int, int] | None = None


def _defer_gc() -> None:
    """Collect cyclic garbage rarely while the console starts: imports, the first screen and
    the index make objects that all live on, and scanning them again and again costs ~6 % of
    the start's CPU. The usual thresholds return once the platform is open (_resume_gc)."""
    global _saved_gc
    if _saved_gc is None:
        _saved_gc = gc.get_threshold()
        gc.set_threshold(_START_GC_THRESHOLD, *_saved_gc[1:])


def _resume_gc() -> None:
    global _saved_gc
    if _saved_gc is not None:
        gc.set_threshold(*_saved_gc)
        _saved_gc = None
        gc.freeze()  # what start-up made stays: later collections need not scan it


def open_platform_for(settings: Settings) -> PlatformLike:
    """Runs in a worker thread: the heavy imports (SQLAlchemy, Alembic) happen here, off the UI,
    and then the knowledge-search index is loaded, so answers come with the platform."""
    import socket

    from console.bootstrap import open_platform
    from console.services.access.audit import set_default_origin

    set_default_origin(f"tui:{socket.gethostname()}")
    try:
        platform = open_platform(settings, cache_index=True)
        try:
            platform.knowledge.warm_search()
        except Exception:  # noqa: BLE001 — the first search tries again and reports it
            pass
        return platform
    finally:
        _resume_gc()


def build_app(settings: Settings, actor: Actor | None = None) -> HotlineApp:
    # The platform opens in the App's worker once the first screen is up: opening it in
    # parallel with Textual's own start only makes both wait for the GIL.
    _defer_gc()  # before Textual loads
    from console.app import HotlineApp

    return HotlineApp(
        None,
        settings,
        opener=lambda: open_platform_for(settings),
        early_search=lambda: early_search_for(settings),
        actor=actor,
    )


def early_search_for(settings: Settings) -> EarlySearch | None:
    """Runs in the opener's thread before the platform: answers from the index the last start
    saved (embedded store only, not under a frozen drill clock), or None."""
    if settings.now and not settings.clock_running:
        return None  # an article edited under a frozen clock keeps its stamp: let the service
    from console.services.knowledge.early import open_early_search

    return open_early_search(settings.data_dir, settings.db_url)


def connect_remote(settings: Settings, wait: float | None = None) -> Backend:
    """The RemoteBackend of HOTLINE_API + HOTLINE_TOKEN, connected: the server says who the
    seat is. A missing or wrong token, a refused connection, or no answer within ``wait``
    seconds (``START_CONTACT_S``) raises a HotlineError (one line). SQLAlchemy is not loaded
    for a remote seat."""
    from console.services.remote import RemoteBackend

    wait = START_CONTACT_S if wait is None else wait

    backend = RemoteBackend(settings.api_url, settings.api_token)
    outcome: list[BaseException | None] = []

    def contact() -> None:
        try:
            backend.connect()
        except BaseException as exc:  # noqa: BLE001 — handed to the waiting thread
            outcome.append(exc)
        else:
            outcome.append(None)

    # The transport retries a silent server for up to half a minute: wait for it here only so
    # long (the thread left behind ends with the process).
    thread = threading.Thread(target=contact, name="hotline-connect", daemon=True)
    thread.start()
    thread.join(wait)
    if not outcome:
        host = urlsplit(settings.api_url).netloc or settings.api_url
        raise Unavailable(f"平台服务 {host} 在 {wait:g} 秒内没有应答，请检查网络和服务后重试")
    if outcome[0] is not None:
        raise outcome[0]
    return backend


def build_remote_app(settings: Settings) -> HotlineApp:
    """A seat that reaches the platform over HTTP (HOTLINE_API + HOTLINE_TOKEN): the server says
    who the seat is; a wrong address or token, or a silent server, stops here with one line,
    before any screen."""
    from console.app import HotlineApp

    return HotlineApp(connect_remote(settings), settings)


def run_console(headless: bool = False) -> int:
    """Run the console until the seat quits; the exit status."""
    settings = load_settings()
    if not settings.api_url:
        from console.private import settings_warning

        line = settings_warning(settings)
        if line:
            print(f"hotline: {line}", file=sys.stderr)
    if settings.api_url:
        app = build_remote_app(settings)
    else:
        app = build_app(settings, parse_seat(settings.seat))
    app.run(headless=headless)
    if app.crashed:
        print(
            f"hotline: 控制台遇到内部错误已退出，草稿已保存；错误位置已记入 {settings.data_dir / 'crash.log'}"
            "（不含来电内容）",
            file=sys.stderr,
        )
        return 1
    return int(app.return_code or 0)
