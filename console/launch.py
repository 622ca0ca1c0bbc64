"""`hotline` with no verb: the console for one working seat.

Start-up is kept short: the App is built and shown at once, while the platform (SQLAlchemy,
migrations, and on first start the seed) opens in a worker thread; an operator's intake form is
usable before the database answers. ``HOTLINE_SEAT="name:role[:unit]"`` names the seat (drills,
tests); without it a seat screen asks.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from console.config import Settings, load_settings
from console.services.errors import InputError
from console.services.values import Role
from console.services.views import Actor

if TYPE_CHECKING:
    from console.app import HotlineApp, PlatformLike

ROLE_ALIASES = {
    "lead": Role.SHIFT_LEAD,
    "shiftlead": Role.SHIFT_LEAD,
    "clerk": Role.UNIT_CLERK,
    "unit": Role.UNIT_CLERK,
    "subcentre": Role.SUBCENTRE_OPERATOR,
    "sub": Role.SUBCENTRE_OPERATOR,
}
SEAT_ROLES = (
    Role.OPERATOR,
    Role.SUBCENTRE_OPERATOR,
    Role.EXPERT,
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


def open_platform_for(settings: Settings) -> PlatformLike:
    """Runs in a worker thread: the heavy imports (SQLAlchemy, Alembic) happen here, off the UI."""
    import socket

    from console.bootstrap import open_platform
    from console.services.audit import set_default_origin

    set_default_origin(f"tui:{socket.gethostname()}")

    return open_platform(settings)


def build_app(settings: Settings, actor: Actor | None = None) -> HotlineApp:
    # The platform opens in the App's worker once the first screen is up: opening it in
    # parallel with Textual's own start only makes both wait for the GIL.
    from console.app import HotlineApp

    return HotlineApp(None, settings, opener=lambda: open_platform_for(settings), actor=actor)


def build_remote_app(settings: Settings) -> HotlineApp:
    """A seat that reaches the platform over HTTP (HOTLINE_API + HOTLINE_TOKEN): the server says
    who the seat is; a wrong address or token stops here with one line, before any screen."""
    from console.app import HotlineApp
    from console.bootstrap import make_backend

    return HotlineApp(make_backend(settings), settings)


def run_console(headless: bool = False) -> int:
    """Run the console until the seat quits; the exit status."""
    settings = load_settings()
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
