"""Issue 12 item 4: every `hotline` verb's options and arguments that take a value, each extreme
value in turn (far past and far future dates and moments, ±14:00 offsets, 1900 and 2200, the
empty string, 2**63, −1, 0, NaN, 10 000 characters, NUL and control characters).

Run in-process through ``console.cli.main`` (the console script's entry point). Whatever the
answer, never a crash: no exception out of ``main``, an exit status of 0, 1 or 2, no
「Traceback」 and no 「内部错误」 anywhere, and when refused one line on stderr; the crash log
stays unwritten. On the embedded SQLite store, and on PostgreSQL when HOTLINE_TEST_PG is set.

Left out: ``serve --host`` and option values chosen from a fixed list (argparse refuses anything
else before any code of ours runs). ``serve`` with values it accepts (a port, a proxy address)
would serve until stopped: the sweep replaces uvicorn's ``run`` by one that returns at once, so
what is checked is how the options are read (tests/api runs the real server).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import pytest

from console.cli import build_parser, main

EXTREMES: tuple[str, ...] = (
    "0001-01-01",
    "0001-01-01 00:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31",
    "9999-12-31 23:59",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59+14:00",
    "2026-11-25T09:00:00+14:00",
    "2026-11-25T09:00:00",
    "1900-01-01",
    "2200-01-01",
    "",
    str(2**63),
    str(-(2**63) - 1),
    "-1",
    "0",
    "1e308",
    "NaN",
    "-inf",
    "字" * 10_000,
    "9" * 10_000,
    "a\x00b",
    "\x01\x07\x1b[31m\x7f\u202e\u2028",
    "../../etc/passwd",
)

# a valid value for each required argument, by its dest
BASE: dict[str, str] = {
    "start": "2026-11-25 09:00",
    "kind": "complaint",
    "year": "2026",
    "file": "absent.json",
    "query": "拖欠工资",
    "key": "no-such-key",
    "by": "张三",
    "reason": "测试",
    "name": "测试席位",
    "role": "operator",
    "id": "s-none",
    "unit": "hn-rst",
    "title": "测试报备",
    "keywords": "停电",
    "starts": "2026-11-25 08:00",
    "ends": "2026-11-28 08:00",
    "explanation": "测试答复口径",
    "period": "2026Q4",
    "fields": "公共服务",
    "shift": "工作日 09:00-17:30",
    "source": "changsha-12345",
    "phone": "13900000001",
    "number": "HN261125000001",  # a ticket (hotline desk …)
    "as_": "pol-zhao",  # a policy specialist's seat (hotline desk …, R-ENTERPRISE)
    "to": "ex-none",
    "note": "测试跟进",
}
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202e\u2028]")
"""What a message must not echo to the terminal as it is (escape sequences, bidi overrides)."""
SKIP = {("serve", "host")}
ALWAYS = {"worker": ["--once"]}  # without it the worker runs until stopped


def _leaves(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [(prefix, parser)]
    out = []
    for name, sub in subs[0].choices.items():
        out += _leaves(sub, (*prefix, name))
    return out


def _takes_value(action: argparse.Action) -> bool:
    return (
        action.nargs != 0
        and not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction))
        and not action.choices
    )


def _argv(
    verb: tuple[str, ...], actions: list[argparse.Action], swept: argparse.Action, value: str
) -> list[str]:
    options = [*ALWAYS.get(verb[0], [])]
    positionals: list[str] = []
    for action in actions:
        if action is swept:
            chosen = value
        elif action.required:
            chosen = BASE[action.dest]
        else:
            continue
        if action.option_strings:
            options.append(f"{action.option_strings[0]}={chosen}")  # "=": it may start with "-"
        else:
            positionals.append(chosen)
    return [*verb, *options, *(["--", *positionals] if positionals else [])]


def sweep(capsys: pytest.CaptureFixture[str], data: Path) -> tuple[list[str], int]:
    failures: list[str] = []
    runs = 0
    for verb, parser in _leaves(build_parser()):
        actions = [a for a in parser._actions if _takes_value(a)]
        for swept in actions:
            if (verb[0], swept.dest) in SKIP:
                continue
            for value in EXTREMES:
                argv = _argv(verb, actions, swept, value)
                label = f"hotline {' '.join(verb)} {swept.dest}={value[:30]!r}"
                runs += 1
                try:
                    status = main(argv)
                except BaseException as exc:  # noqa: BLE001 — that is the finding
                    capsys.readouterr()
                    failures.append(f"{label}: {type(exc).__name__} escaped main: {exc}"[:300])
                    continue
                out, err = capsys.readouterr()
                if "Traceback" in out + err or "内部错误" in err or status not in (0, 1, 2):
                    failures.append(f"{label}: exit {status}: {err[-300:]!r}")
                elif status != 0 and (not err.strip() or err.strip().count("\n")):
                    failures.append(f"{label}: exit {status}, not one line: {err[:300]!r}")
                elif RAW_CONTROL.search(err):
                    failures.append(f"{label}: a control character echoed raw: {err[:300]!r}")
    crash = data / "crash.log"
    if crash.exists():
        failures.append(f"crash log written:\n{crash.read_text()[-2000:]}")
    return failures, runs


@pytest.mark.parametrize("store_kind", ["sqlite", "postgres"])
def test_item4_every_verb_option_with_extreme_values_ends_without_a_crash(
    store_kind: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    monkeypatch.chdir(tmp_path)  # where `kb export --out ""` and the like would write
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(data))
    monkeypatch.setenv("HOTLINE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("HOTLINE_NOW", "2026-11-25 09:00")
    if store_kind == "postgres":
        monkeypatch.setenv("HOTLINE_DB", request.getfixturevalue("pg_database"))
    else:
        monkeypatch.delenv("HOTLINE_DB", raising=False)
        assert main(["db", "upgrade"]) == 0
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    capsys.readouterr()
    started = time.monotonic()
    failures, runs = sweep(capsys, data)
    assert not failures, f"{len(failures)} of {runs} runs:\n" + "\n".join(failures[:60])
    assert runs > 400, runs
    print(f"{runs} runs in {time.monotonic() - started:.0f} s")
