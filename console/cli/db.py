"""`hotline db upgrade|current`: schema migrations."""

from __future__ import annotations

import argparse

from console.cli.context import platform
from console.store.migrate import current_revision, head_revision, upgrade


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("db", help="数据库结构迁移")
    verbs = p.add_subparsers(dest="db_verb", required=True)
    up = verbs.add_parser("upgrade", help="把数据库结构升级到最新版本")
    up.set_defaults(handler=_upgrade)
    cur = verbs.add_parser("current", help="显示数据库结构版本")
    cur.set_defaults(handler=_current)


def _upgrade(args: argparse.Namespace) -> int:
    p = platform(prepare=False)
    try:
        changed = upgrade(p.store)
        print(
            f"数据库已升级到 {head_revision()}"
            if changed
            else f"数据库已是最新版本 {head_revision()}"
        )
    finally:
        p.store.dispose()
    return 0


def _current(args: argparse.Namespace) -> int:
    p = platform(prepare=False)
    try:
        print(f"当前 {current_revision(p.store) or '（空库）'}，最新 {head_revision()}")
    finally:
        p.store.dispose()
    return 0
