"""The HTTP API served by ``hotline serve``: the same use cases as LocalBackend, over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from console.bootstrap import Platform


def create_app(platform: Platform) -> FastAPI:
    """See :func:`console.api.app.create_app`."""
    from console.api.app import create_app as _create

    return _create(platform)
