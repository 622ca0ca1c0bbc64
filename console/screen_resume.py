"""A screen shown for the first time is not styled twice more.

Textual styles every widget as it mounts, and again, whole, each time its screen resumes. A mode's
screen (受理, 知识库, 工单队列 …) resumes twice when it is first shown (``App.switch_mode`` posts one
``ScreenResume`` when it creates the screen and one when it switches to it): two restyles of a
screen whose styles were computed a moment before — at start-up, ~0.05 s of the way to the intake
screen and its first answers (``benchmarks/bench_startup.py``), and the same on the first visit of
every other mode.

Here a resume restyles the screen only when the screen was suspended since it last resumed (or
since it mounted): the resume after another mode or a pushed screen restyles as before. Textual's
own ``pop_screen`` already resumes without restyling.

``install()`` patches ``Screen`` once, and only the Textual version this was written for: with any
other version it does nothing (tests/screens/test_screen_resume.py then fails, to be looked at).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen

from console.textual_patch import patch_once

FOR_VERSION = "8.2.8"
_SUSPENDED = "_console_suspended_since_resume"


@patch_once(FOR_VERSION)
def install() -> bool:
    """Patch ``Screen`` (once); False when this Textual is not the version it was written for."""
    resume = Screen._on_screen_resume
    suspend = Screen._on_screen_suspend

    def _on_screen_resume(self: Screen[Any], event: events.ScreenResume) -> None:
        if event.refresh_styles and not getattr(self, _SUSPENDED, False):
            event = events.ScreenResume(refresh_styles=False)
        setattr(self, _SUSPENDED, False)
        resume(self, event)

    def _on_screen_suspend(self: Screen[Any]) -> None:
        setattr(self, _SUSPENDED, True)
        suspend(self)

    Screen._on_screen_resume = _on_screen_resume  # type: ignore[method-assign]
    Screen._on_screen_suspend = _on_screen_suspend  # type: ignore[method-assign]
    return True
