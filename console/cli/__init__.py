"""The `hotline` command: one module per verb, each exposing ``register(subparsers)``.

A verb's handler takes the parsed arguments and returns the exit status. Bad input is a
one-line message on stderr and exit status 2; no traceback reaches a user.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from console.errors import HotlineError, InputError

# Verb modules, in the order `hotline --help` lists them.
VERBS = (
    "console.cli.due",
    "console.cli.calendar",
    "console.cli.db",
    "console.cli.seed",
    "console.cli.kb",
    "console.cli.prefiling",
    "console.cli.expert",
    "console.cli.desk",
    "console.cli.policy",
    "console.cli.evaluation",
    "console.cli.serve",
    "console.cli.worker",
    "console.cli.outbox",
    "console.cli.ticket",
    "console.cli.seat",
    "console.cli.unit",
    "console.cli.subcentre",
    "console.cli.cti",
    "console.cli.matter",
    "console.cli.audit",
    "console.cli.bench",
    "console.cli.model",
    "console.cli.report",
)


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


# argparse speaks English; people read Chinese (the value a user typed is kept as typed)
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (.*)"), r"缺少必填参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
    (
        re.compile(r"argument (.+?): invalid choice: (.+?) \(choose from (.*)\)"),
        r"参数 \1：无效的选项 \2（可选：\3）",
    ),
    (re.compile(r"argument (.+?): invalid (\w+) value: (.*)"), r"参数 \1：值无效 \3"),
    (re.compile(r"argument (.+?): expected one argument"), r"参数 \1：缺少取值"),
    (re.compile(r"argument (.+?): expected at least one argument"), r"参数 \1：至少需要一个取值"),
    (re.compile(r"argument (.+?): not allowed with argument (.*)"), r"参数 \1 不能与 \2 同时使用"),
    (re.compile(r"one of the arguments (.*) is required"), r"须给出以下参数之一：\1"),
    (re.compile(r"ambiguous option: (.+?) could match (.*)"), r"选项 \1 不明确，可能是：\2"),
    # an ArgumentTypeError of ours (already Chinese), e.g. from path_arg
    (re.compile(r"argument (.+?): ((?!invalid ).*)"), r"参数 \1：\2"),
)
_HELP_WORDS = (
    ("usage: ", "用法："),
    ("positional arguments:", "位置参数："),
    ("options:", "选项："),
    ("show this help message and exit", "显示本帮助并退出"),
)


def chinese(message: str) -> str:
    """An argparse message in Chinese (unknown ones are left as they are)."""
    for pattern, replacement in _MESSAGES:
        if pattern.fullmatch(message):
            return pattern.sub(replacement, message)
    return message


def path_arg(text: str) -> Path:
    """argparse ``type`` of a file or folder option: refuses what names no file at all (an
    empty name, NUL or another control character) before any file is looked at."""
    if not text.strip():
        raise argparse.ArgumentTypeError("应为文件路径，收到空值")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise argparse.ArgumentTypeError("文件路径含有控制字符")
    return Path(text)


def output_arg(text: str) -> Path:
    """argparse ``type`` of a file to write: a path (``path_arg``) that is not a folder, in a
    folder that exists and may be written — refused before any work is done, with the folder
    named (not the temporary file the writing would have used)."""
    path = path_arg(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{path} 是一个目录，应为要写出的文件名")
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"目录不存在：{folder}")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"目录不可写：{folder}")
    return path


_TOKEN = re.compile(r"[A-Za-z0-9_.\-/:']+|\s+|.")


def _cell_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Formatter(argparse.HelpFormatter):
    """Wraps Chinese help by display width, between any two characters, but never inside a
    Latin word or code (argparse's own wrapping sees a run of Chinese as one long word and
    cuts ``supervision`` or ``unit_clerk`` in two)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        lines: list[str] = []
        line, used = "", 0
        for token in _TOKEN.findall(" ".join(text.split())):
            size = _cell_width(token)
            if used + size > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
                if token.isspace():
                    continue
            line += token
            used += size
        if line.strip():
            lines.append(line.rstrip())
        return lines


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:  # argparse prints usage + exits 2; keep it one line
        raise UsageError(chinese(message))

    def format_help(self) -> str:
        text = super().format_help()
        for english, zh in _HELP_WORDS:
            text = text.replace(english, zh)
        return text

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "用法：")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hotline", description="省级12345热线与营商环境一体化平台 坐席控制台")
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for name in VERBS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # verb not built in this checkout
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `hotline` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args_list:
            # the console itself: neither the verb parser nor the audit module is loaded here,
            # keeping their imports (SQLAlchemy among them) off the console's start; the
            # console opens the store in a worker and sets its own audit origin
            from console.launch import run_console

            return run_console()
        from console.services.access.audit import set_default_origin

        set_default_origin("cli")  # `serve` sets its own
        _refuse_nul(args_list)
        parser = build_parser()
        args = parser.parse_args(args_list)
        _refuse_nul_values(args)
        if args.verb is None:
            from console.launch import run_console

            return run_console()
        warn_if_not_private()
        return int(args.handler(args) or 0)
    except UsageError as exc:
        _say(str(exc))
        return 2
    except HotlineError as exc:
        _say(_as_typed(exc, args_list))
        return exc.exit_status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file or folder named on the command line, or the disk: no crash
        from console.errors import file_problem

        _say(file_problem(exc))
        return 1
    except Exception as exc:  # noqa: BLE001 — a user never sees a traceback
        refused = _refused_value(exc)
        if refused:
            _say(refused)
            return 2
        unreachable = _storage_problem(exc) or _database_unreachable(exc)
        if unreachable:
            _say(unreachable)
            return 1
        try:
            path = _log_crash(exc)
        except OSError as log_error:  # the crash log on a full or read-only disk: say so, once
            from console.errors import file_problem

            _say(f"内部错误（{type(exc).__name__}）；崩溃日志无法写入（{file_problem(log_error)}）")
            return 1
        _say(f"内部错误（{type(exc).__name__}），详情已写入 {path}")
        return 1


def _as_typed(exc: HotlineError, args: Sequence[str]) -> str:
    """A refusal as the seat typed it: a field the command line gave as an option
    (``duty_phone`` ← ``--duty-phone 12``) is named as that option."""
    if isinstance(exc, InputError):
        option = "--" + exc.field.replace("_", "-")
        if any(a == option or a.startswith(option + "=") for a in args):
            return f"{option}：{exc.problem}"
    return str(exc)


_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
MAX_MESSAGE = 300
"""Characters of a message line shown at most (a message may quote a 10 000-character value)."""


def terminal_safe(text: str) -> str:
    """``text`` safe for a terminal: control characters and bidi overrides a user typed are
    shown escaped (``\\x1b``, ``\\u202e``), never acted on; each line cut at
    :data:`MAX_MESSAGE` characters (in the middle: its end often says what is wrong). Line
    breaks stay: some errors list one problem a line."""
    text = _UNSAFE.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )
    return "\n".join(_cut(line) for line in text.split("\n"))


def _cut(line: str) -> str:
    if len(line) <= MAX_MESSAGE:
        return line
    keep = MAX_MESSAGE // 3
    return line[: MAX_MESSAGE - keep - 1] + "…" + line[-keep:]


def _say(message: str) -> None:
    print(f"hotline: {terminal_safe(message)}", file=sys.stderr)


def _refuse_nul(args: Sequence[str]) -> None:
    """A NUL character in an option's value (possible only when ``main`` is called, not from a
    shell) is refused naming the option: no database stores one."""
    for n, arg in enumerate(args):
        if "\x00" not in arg:
            continue
        if arg.startswith("--") and "=" in arg:
            raise UsageError(f"参数 {arg.split('=', 1)[0]}：含有 NUL 字符")
        if n > 0 and args[n - 1].startswith("--") and "=" not in args[n - 1]:
            raise UsageError(f"参数 {args[n - 1]}：含有 NUL 字符")


def _refuse_nul_values(args: argparse.Namespace) -> None:
    """The same for a positional argument, named as its help names it."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise UsageError(f"参数 {name}：含有 NUL 字符")


def _refused_value(exc: BaseException) -> str:
    """One line for a value the database refused (too long, out of range), or ""."""
    from sqlalchemy.exc import DataError

    if not isinstance(exc, DataError):
        return ""
    return f"输入值超出数据库允许的范围（{type(exc.orig).__name__}），未作任何更改"


def _storage_problem(exc: BaseException) -> str:
    """One line when the database cannot write (disk full, read-only), or ""."""
    from sqlalchemy.exc import DBAPIError

    from console.config import load_settings
    from console.store.engine import storage_problem

    if not isinstance(exc, DBAPIError):
        return ""
    return storage_problem(exc, load_settings().db_url)


def _database_unreachable(exc: BaseException) -> str:
    """One line naming the database that could not be reached (password hidden), or ""."""
    from sqlalchemy.exc import OperationalError

    from console.store.engine import is_outage

    if not isinstance(exc, OperationalError) or not is_outage(exc):
        return ""
    from sqlalchemy.engine import make_url

    from console.config import load_settings

    try:
        where = make_url(load_settings().db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — the message is what matters here
        where = "（HOTLINE_DB）"
    reason = " ".join(str(exc.orig if exc.orig is not None else exc).split())[:160]
    return f"无法连接数据库 {where}：{reason}"


def warn_if_not_private() -> None:
    """One line on stderr when the data folder or a private file is open to other users."""
    from console.config import load_settings
    from console.private import settings_warning

    try:
        line = settings_warning(load_settings())
    except OSError:  # a folder we may not even look into says enough later
        return
    if line:
        print(f"hotline: {line}", file=sys.stderr)


def _log_crash(exc: BaseException) -> str:
    """Write the traceback (frames only, no local variables) to the crash log."""
    import traceback

    from console import private
    from console.config import load_settings

    path = load_settings().data_dir / "crash.log"
    private.append_text(  # 0600 in a 0700 folder, whatever the umask (R-SECURITY)
        path, "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    return str(path)
