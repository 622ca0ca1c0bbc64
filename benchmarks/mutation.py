"""Mutation testing: do the tests notice when a rule of the code is broken on purpose?

Each mutant is one small change to one module: a comparison flipped (``<`` ↔ ``<=``,
``==`` ↔ ``!=``, ``in`` ↔ ``not in`` …), ``and`` ↔ ``or``, ``+`` ↔ ``-``, an integer
constant +1, ``True`` ↔ ``False``, a ``not`` dropped, an ``if`` condition negated, a
``raise`` or a call statement replaced by ``pass``, a ``return x`` made ``return None``.
The checkout is copied to a temporary folder (the checkout itself is never touched); for
every mutant the module's file in the copy is rewritten, the module's chosen fast tests run
there (``pytest -x -q -n 0``, SQLite only, with a time-out, in a child forked from a
process that has the third-party libraries imported already), and the file is put back. A mutant
is *killed* when the tests fail (or time out), *survived* when they pass.

Run (one module at a time; the machine's cores are shared)::

    .venv/bin/python benchmarks/mutation.py rules            # a name of TARGETS
    .venv/bin/python benchmarks/mutation.py deadlines --list # the mutants, not run
    .venv/bin/python benchmarks/mutation.py rules --ids 3,17 # only these mutants
    .venv/bin/python benchmarks/mutation.py path/to/mod.py --tests tests/x.py

It prints one line per mutant and the score (killed/total); ``--json FILE`` keeps the
results. Lines ending in ``# pragma: no mutate`` are left alone. Not part of CI: a run over
the ticket workflow takes tens of minutes.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rules": (
        "console/services/tickets/rules.py",
        ("tests/services/test_rules.py", "tests/services/test_clocks.py"),
    ),
    "deadlines": (
        "console/services/tickets/deadlines.py",
        ("tests/services/test_clocks.py",),
    ),
    "clock": (
        "console/services/clock.py",
        ("tests/services/test_clocks.py",),
    ),
    "workdays": (
        "console/services/calendar/workdays.py",
        ("tests/services/test_calendar.py",),
    ),
    "workflow": (
        "console/services/tickets/workflow.py",
        (
            "tests/store/test_workflow_machine.py",
            "tests/store/test_workflow.py",
            "tests/store/test_unit_side.py",
        ),
    ),
    "claims": (
        "console/services/tickets/claims.py",
        ("tests/store/test_claims.py",),
    ),
    "commands": (
        "console/services/tickets/commands.py",
        (
            "tests/store/test_command_guards.py",  # first: the guards fail fast when broken
            "tests/store/test_workflow.py",
            "tests/store/test_workflow_machine.py",
            "tests/store/test_follow_through.py",
            "tests/store/test_unit_side.py",
            "tests/store/test_claims.py",
            "tests/store/test_message_templates.py",
        ),
    ),
    "kpi": (
        "console/services/analytics/kpi.py",
        ("tests/store/test_kpi.py", "tests/store/test_kpi_store.py"),
    ),
    "subcentre_kpi": (
        "console/services/analytics/subcentre_kpi.py",
        ("tests/store/test_subcentre.py",),
    ),
    "grades": (
        "console/services/analytics/grades.py",
        ("tests/store/test_grades.py",),
    ),
    "accountability": (
        "console/services/analytics/accountability.py",
        ("tests/store/test_accountability.py",),
    ),
    "hot": (
        "console/services/analytics/hot.py",
        ("tests/services/test_hot.py",),
    ),
    "hot_store": (
        "console/services/analytics/hot_store.py",
        ("tests/store/test_hot_store.py",),
    ),
    "duplicates": (
        "console/services/knowledge/duplicates.py",
        (
            "tests/services/test_duplicates.py",
            "tests/services/test_duplicates_evidence.py",
            "tests/services/test_duplicates_index.py",
        ),
    ),
    "routing": (
        "console/services/knowledge/routing.py",
        (
            "tests/services/test_routing.py",
            "tests/services/test_routing_scores.py",
            "tests/services/test_routing_memory.py",
        ),
    ),
}
"""Module name → (its file, the fast tests that cover its rules)."""

NO_MUTATE = "pragma: no mutate"

_CMP_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BIN_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
}


@dataclass(frozen=True)
class Mutant:
    id: int
    line: int
    col: int
    kind: str
    before: str
    after: str
    start: int
    """Byte offset of the replaced span in the file."""
    end: int
    replacement: str

    def describe(self) -> str:
        return f"#{self.id} L{self.line}:{self.col} {self.kind}: {self.before!r} -> {self.after!r}"


@dataclass
class Result:
    id: int
    line: int
    kind: str
    before: str
    after: str
    status: str
    """killed | survived | timeout | error"""
    seconds: float


def _skip_ranges(tree: ast.Module) -> list[tuple[int, int, int, int]]:
    """Spans never mutated: annotations, docstrings, f-strings (display text)."""
    spans: list[tuple[int, int, int, int]] = []

    def add(node: ast.AST | None) -> None:
        if node is not None and hasattr(node, "lineno"):
            spans.append(
                (node.lineno, node.col_offset, node.end_lineno or 0, node.end_col_offset or 0)
            )

    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign):
            add(node.annotation)
        elif isinstance(node, ast.arg):
            add(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            add(node.returns)
        elif isinstance(node, ast.JoinedStr):
            add(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            add(node)  # docstrings and attribute docs
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            add(node)
    return spans


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _inside(node: ast.AST, spans: list[tuple[int, int, int, int]]) -> bool:
    a = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
    b = (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
    return any((s0, c0) <= a and b <= (s1, c1) for s0, c0, s1, c1 in spans)


def _variants(node: ast.AST) -> Iterator[tuple[str, str]]:
    """(kind, replacement source) for each mutant of ``node``."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            swap = _CMP_SWAP.get(type(op))
            if swap is not None:
                new = ast.Compare(node.left, list(node.ops), node.comparators)
                new.ops[i] = swap()
                yield "compare", f"({ast.unparse(new)})"
    elif isinstance(node, ast.BoolOp):
        other: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield "boolop", f"({ast.unparse(ast.BoolOp(other, node.values))})"
    elif isinstance(node, ast.BinOp):
        bin_swap = _BIN_SWAP.get(type(node.op))
        if bin_swap is not None and not _is_str_format(node):
            yield "binop", f"({ast.unparse(ast.BinOp(node.left, bin_swap(), node.right))})"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
        yield "unary", f"({ast.unparse(node.operand)})"
    elif isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool):
            yield "constant", str(not v)
        elif isinstance(v, int):
            yield "constant", f"({v + 1})"
    elif isinstance(node, ast.If | ast.IfExp):
        yield "negate", f"(not ({ast.unparse(node.test)}))"
    elif isinstance(node, ast.Raise):
        yield "no-raise", "pass"
    elif isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield "return-none", "return None"
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield "no-call", "pass"
    elif isinstance(node, ast.AugAssign):
        aug_swap = _BIN_SWAP.get(type(node.op))
        if aug_swap is not None:
            yield "augassign", ast.unparse(ast.AugAssign(node.target, aug_swap(), node.value))


def _is_str_format(node: ast.BinOp) -> bool:
    return isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant)


def mutants(path: Path) -> list[Mutant]:
    """Every mutant of the module at ``path``, in source order."""
    source = path.read_bytes()
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spans = _skip_ranges(tree)
    out: list[Mutant] = []
    nodes = [n for n in ast.walk(tree) if hasattr(n, "lineno")]
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
    for node in nodes:
        if _inside(node, spans):
            continue
        if isinstance(node, ast.If):
            target: ast.AST = node.test  # only the condition's span is replaced
        elif isinstance(node, ast.IfExp):
            target = node.test
        else:
            target = node
        line = target.lineno  # type: ignore[attr-defined]
        if NO_MUTATE in lines[line - 1].decode("utf-8", "replace"):
            continue
        start = starts[line - 1] + target.col_offset  # type: ignore[attr-defined]
        end = starts[target.end_lineno - 1] + target.end_col_offset  # type: ignore[attr-defined]
        before = source[start:end].decode("utf-8")
        for kind, replacement in _variants(node):
            if isinstance(node, ast.If | ast.IfExp):
                replacement = f"not ({before})" if isinstance(node, ast.If) else replacement
            candidate = source[:start] + replacement.encode("utf-8") + source[end:]
            try:
                compile(candidate, str(path), "exec")
            except SyntaxError:
                continue
            first = before.splitlines()[0] if before else before
            out.append(
                Mutant(
                    len(out) + 1,
                    line,
                    target.col_offset,
                    kind,  # type: ignore[attr-defined]
                    first[:70],
                    replacement[:70],
                    start,
                    end,
                    replacement,
                )
            )
    return out


def _work_copy(rev: str | None = None) -> Path:
    """A copy of the checkout to mutate in: its files as they are (tracked and new, not
    ignored), or as they were at git revision ``rev`` (to measure the tests of then)."""
    root = Path(tempfile.mkdtemp(prefix="hotline-mutation-"))
    if rev is not None:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", rev], cwd=REPO, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
        return root
    listed = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file():
            dst = root / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return root


def _write(path: Path, text: bytes) -> None:
    path.write_bytes(text)
    for pyc in path.parent.glob(f"__pycache__/{path.stem}.*.pyc"):
        pyc.unlink()


PRELOAD = (
    "pytest",
    "xdist.plugin",
    "hypothesis",
    "hypothesis.extra.pytestplugin",
    "sqlalchemy",
    "sqlalchemy.orm",
    "alembic",
    "httpx",
    "fastapi",
    "numpy",
    "sklearn",
    "chinese_calendar",
    "lunar_python",
    "zhconv",
    "platformdirs",
    "tomli_w",
    "psycopg",
)
"""Third-party modules imported once before forking (the console's own are imported in each
child, so each child sees its mutant)."""


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            continue  # an optional library: the children import it themselves if they need it


def _child(root: Path, tests: list[str]) -> None:
    """In the forked child: run pytest on the work copy and exit with its code."""
    code = 3
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.setsid()
        os.chdir(root)
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        os.environ.pop("HOTLINE_TEST_PG", None)  # SQLite only
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(root))
        import pytest

        code = int(
            pytest.main(
                [
                    "-x",
                    "-q",
                    "-n",
                    "0",
                    "-p",
                    "xdist.plugin",
                    "-p",
                    "hypothesis.extra.pytestplugin",
                    *tests,
                ]
            )
        )
    finally:
        os._exit(code)


def _pytest(root: Path, tests: list[str], timeout: float) -> tuple[int | None, float]:
    """Run the tests in a forked child; (exit code or None on time-out, seconds)."""
    sys.stdout.flush()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(root, tests)
    code: int | None = None
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() - t0 > timeout:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
        time.sleep(0.05)
    return code, time.monotonic() - t0


def _run(
    root: Path, path: Path, found: list[Mutant], tests: list[str], timeout: float | None
) -> list[Result] | None:
    """Each mutant written into the work copy in turn, its tests run, the file put back."""
    code, clean = _pytest(root, tests, timeout=3600)
    if code != 0:
        print(f"the tests fail without any mutant (exit {code}); nothing to measure")
        return None
    timeout = timeout or max(3 * clean, 30.0)
    print(
        f"{path.relative_to(root)}: {len(found)} mutants; clean run {clean:.1f}s; "
        f"time-out {timeout:.0f}s"
    )
    print(f"tests: {' '.join(tests)}", flush=True)
    original = path.read_bytes()
    results: list[Result] = []
    try:
        for m in found:
            _write(path, original[: m.start] + m.replacement.encode("utf-8") + original[m.end :])
            code, secs = _pytest(root, tests, timeout)
            status = {None: "timeout", 0: "survived", 1: "killed"}.get(code, "error")
            results.append(Result(m.id, m.line, m.kind, m.before, m.after, status, round(secs, 1)))
            print(f"{status.upper():8} {m.describe()} ({secs:.1f}s)", flush=True)
    except KeyboardInterrupt:
        print("interrupted")
    finally:
        _write(path, original)
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("target", help=f"a name ({', '.join(TARGETS)}) or a module path")
    p.add_argument("--tests", nargs="+", help="the tests to run (default: the target's)")
    p.add_argument("--ids", help="only these mutant ids, e.g. 3,17,40-60")
    p.add_argument("--list", action="store_true", help="list the mutants, do not run")
    p.add_argument("--timeout", type=float, help="seconds per mutant (default 3x the clean run)")
    p.add_argument("--json", type=Path, help="write the results here")
    p.add_argument(
        "--rev",
        help="run the tests as they were at this git revision (the module must be the same there)",
    )
    args = p.parse_args(argv)

    if args.target in TARGETS:
        rel, default_tests = TARGETS[args.target]
    else:
        rel, default_tests = args.target, ()
    path = (REPO / rel).resolve()
    tests = list(args.tests or default_tests)
    if not tests:
        p.error("no tests: name a target of TARGETS or pass --tests")
    found = mutants(path)
    if args.ids:
        wanted: set[int] = set()
        for part in filter(None, (x.strip() for x in args.ids.split(","))):
            lo, _, hi = part.partition("-")
            wanted.update(range(int(lo), int(hi or lo) + 1))
        found = [m for m in found if m.id in wanted]
    if args.list:
        for m in found:
            print(m.describe())
        print(f"{len(found)} mutants")
        return 0

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    root = _work_copy(args.rev)
    if args.rev is not None and (root / rel).read_bytes() != path.read_bytes():
        shutil.rmtree(root, ignore_errors=True)
        p.error(f"{rel} differs at {args.rev}: the mutants would not match")
    _preload()
    try:
        results = _run(root, root / rel, found, tests, args.timeout)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if results is None:
        return 2

    killed = sum(r.status != "survived" for r in results)
    print(f"score {rel}: {killed}/{len(results)} killed")
    survivors = [r for r in results if r.status == "survived"]
    for r in survivors:
        print(f"  survived #{r.id} L{r.line} {r.kind}: {r.before!r} -> {r.after!r}")
    if args.json:
        args.json.write_text(
            json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
