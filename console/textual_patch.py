"""How the console patches the pinned Textual (``terminal``, ``wide_chars``, ``line_breaks``,
``screen_resume``): each patch is applied once, and a patch written against one Textual version
only on that version; its ``install()`` says whether it took (a test per patch fails when an
upgrade moves what it changes)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import textual


def patch_once(version: str | None = None) -> Callable[[Callable[[], bool]], Callable[[], bool]]:
    """Make ``apply`` (which patches and says whether it could) an ``install()``: applied at
    most until it takes, never on another Textual than ``version`` when one is given."""

    def wrap(apply: Callable[[], bool]) -> Callable[[], bool]:
        done = False

        @functools.wraps(apply)
        def install() -> bool:
            nonlocal done
            if done:
                return True
            if version is not None and textual.__version__ != version:
                return False
            done = apply()
            return done

        return install

    return wrap
