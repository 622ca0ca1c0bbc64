"""The line at the top of every work screen: who is on the seat, and the keys to every screen.

The footer has room for the current screen's own keys only; the screen keys (F1–F5 by default,
remappable) live here, with the screen the seat is on highlighted, so a new user finds the
knowledge base, the queues and the board without reading a manual.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

# the app's actions the bar lists, in order: the screens (modes), then opening a ticket and
# the palette; each is shown with its binding's key and description (keymaps included)
ACTIONS = (
    "expert_queue",  # expert seats only (the app disables it for the others)
    "intake",
    "knowledge",
    "queues",
    "board",
    "open_ticket",
    "command_palette",
)


class NavBar(Static):
    """Seat on the left; screen keys on the right, the current screen reversed."""

    DEFAULT_CSS = """
    NavBar {
        dock: top;
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def on_mount(self) -> None:
        for attribute in ("ready", "sub_title"):  # the platform opened; the seat was chosen
            self.watch(self.app, attribute, lambda _: self.refresh_bar(), init=False)
        self.call_after_refresh(self.refresh_bar)

    def refresh_bar(self) -> None:
        self.update(self.render_bar(self.size.width or 120))

    def render_bar(self, width: int) -> Content:
        app = self.app
        actor = getattr(app, "actor", None)
        settings = getattr(app, "settings", None)  # the telephony seat this console follows
        seat = settings.phone_seat if settings and getattr(app, "call_watch", None) else ""
        phone = [f"{app.title} · {actor.name}（{actor.role.label}）· 话务坐席 {seat}"] if (
            seat and actor is not None) else []  # fmt: skip
        seats = (
            [app.title]
            if actor is None
            else [
                *phone,
                f"{app.title} · {actor.name}（{actor.role.label}）",
                f"{actor.name}（{actor.role.label}）",  # narrow: who is on the seat still shows
                actor.name,
            ]
        )
        current = app.current_mode
        by_action = {}
        for node, binding, enabled, _tip in self.screen.active_bindings.values():
            if node is app and binding.action not in by_action:
                by_action[binding.action] = (binding, enabled)
        shown = [
            (by_action[a][0], a == current) for a in ACTIONS if a in by_action and by_action[a][1]
        ]
        room = width - 2
        layouts = [shown]
        actions = {b.action for b, _ in shown}
        if {"expert_queue", "command_palette"} <= actions:
            # narrow, with F1 too (an expert seat): the palette's key is on the footer as well
            layouts.append([(b, here) for b, here in shown if b.action != "command_palette"])
        parts: list[tuple[str, str]] = []
        for keys in layouts:
            for spacing in ("  ", " "):  # narrow: one space between the keys, a shorter seat
                parts = []
                for binding, here in keys:
                    key_style = "reverse bold" if here else "bold $accent"
                    text_style = "reverse bold" if here else "$text-muted"
                    parts.append((f" {app.get_key_display(binding)} ", key_style))
                    parts.append((f"{binding.description}{spacing}", text_style))
                keys_len = sum(cell_len(text) for text, _ in parts)
                seat = next((s for s in seats if cell_len(s) + keys_len + 1 <= room), None)
                if seat is not None:
                    gap = room - cell_len(seat) - keys_len
                    return Content.assemble((seat, "bold"), " " * gap, *parts)
        return Content.assemble(*parts)  # too narrow: the keys matter more than the title

    def on_resize(self) -> None:
        self.refresh_bar()
