"""The layers stay apart (style.md, console/services/__init__.py).

- The core never imports the UI: services and store load without textual.
- The store imports nothing above it (no services, no bootstrap).
- Screens and widgets reach the domain only through the services' top-level surface (the
  Backend, its views and values, the clock, the category tree) and ``console.errors``; never
  the store, never a concern's internals.
- Each concern of the services imports only the concerns below it.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import console.services
import console.store

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = ROOT / "console"

CORE = [
    m.name
    for pkg in (console.services, console.store)
    for m in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + ".")
    if ".migrations" not in m.name
]

# What screens and widgets may import from the services: the surface where they meet the domain.
UI_SURFACE = {
    "console.services.backend",
    "console.services.views",
    "console.services.values",
    "console.services.clock",
    "console.services.categories",
    "console.services.triage",
}
# Each concern and the concerns it may import (besides the top-level vocabulary).
CONCERNS = {
    "calendar": set(),
    "access": set(),
    "delivery": {"access"},
    "tickets": {"calendar", "access", "delivery", "telephony"},
    "knowledge": {"calendar"},
    "subcentre": {"access"},
    # the hand-off to an expert is a ticket command (tickets), answered through the outbox
    # (delivery), callers masked (access)
    "experts": {"calendar", "knowledge", "tickets", "delivery", "access"},
    # the desk's policy specialists are roster entries (experts) on duty shifts (calendar)
    "enterprise": {"access", "calendar", "delivery", "experts", "knowledge", "tickets"},
    "telephony": {"access"},
    "analytics": {"calendar", "access", "tickets", "knowledge", "subcentre"},
}
VOCABULARY = {"values", "views", "clock", "inputs", "categories", "triage"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every console module ``path`` imports, at its top or inside a function."""
    package = _module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("console"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if not base.startswith("console"):
                continue
            for alias in node.names:
                # `from console.services.tickets import workflow` imports a module
                yield f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _sources(*folders: str) -> list[Path]:
    return sorted(
        p
        for folder in folders
        for p in (CONSOLE / folder).rglob("*.py")
        if "migrations" not in p.parts
    )


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'console.screens', "
        "'console.widgets', 'console.app'))]; print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def test_the_backend_imports_the_analytics_only_when_a_seat_uses_them() -> None:
    """KPIs, grades and hot matters are no part of a seat's start-up (design.md: answers
    within a second of the console opening)."""
    code = (
        "import sys, console.services.local; "
        "print(','.join(m for m in sys.modules if m.startswith('console.services.analytics')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == ""


def test_store_imports_nothing_above_it() -> None:
    bad = [
        f"{_module_name(p)} → {name}"
        for p in _sources("store")
        for name in _imports(p)
        if not name.startswith(("console.store", "console.errors"))
    ]
    assert bad == []


def test_screens_reach_the_domain_only_through_the_surface() -> None:
    files = _sources("screens", "widgets") + [CONSOLE / "app.py"]
    bad = [
        f"{_module_name(p)} → {name}"
        for p in files
        for name in _imports(p)
        if name.startswith("console.store")
        or (name.startswith("console.services") and name not in UI_SURFACE)
    ]
    assert bad == []


def test_concerns_import_only_the_concerns_below() -> None:
    bad = []
    for concern, allowed in CONCERNS.items():
        for p in _sources(f"services/{concern}"):
            for name in _imports(p):
                parts = name.split(".")
                if parts[:2] != ["console", "services"] or len(parts) < 3:
                    continue
                other = parts[2]
                if other == concern or other in VOCABULARY or other in allowed:
                    continue
                bad.append(f"{_module_name(p)} → {name}")
    assert bad == []


def test_vocabulary_imports_no_concern() -> None:
    bad = [
        f"{_module_name(p)} → {name}"
        for word in sorted(VOCABULARY)
        for p in [CONSOLE / "services" / f"{word}.py"]
        for name in _imports(p)
        if name.startswith("console.services")
        and name.split(".")[2] not in VOCABULARY
        or name.startswith("console.store")
    ]
    assert bad == []


def test_services_top_level_stays_small() -> None:
    top = [p.stem for p in (CONSOLE / "services").glob("*.py") if p.stem != "__init__"]
    assert len(top) <= 10, sorted(top)
    for package in (CONSOLE / "services").iterdir():
        if (package / "__init__.py").exists():
            doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
            assert doc and "May import" in doc, f"{package.name}/__init__.py says what it owns"
