"""The texts the platform sends (消息模板): one reviewed file, ``templates.zh.toml``.

Every message to a citizen, a unit, a duty office, the manager or the supervision platform is
rendered here from its template by id, never written inline. The file is read once, on the
first render. Rendering is strict: a placeholder the caller did not give is an error naming
the template, never an empty gap in an SMS. A citizen's text never carries a rule id
(R-…): the rule stays in the outbox row's metadata, and :func:`render` refuses a citizen text
that would show one (a value passed in could carry it).
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEMPLATE_FILE = Path(__file__).with_name("templates.zh.toml")
AUDIENCES = frozenset({"citizen", "unit", "duty_office", "manager", "supervision"})
"""Who reads a template's text: 来电人, 承办单位, 值班室/当地人民政府, 省优化办, 督办平台."""
RULE_ID = re.compile(r"R-[A-Z]")


class TemplateError(Exception):
    """The template file is broken, or a render lacks a field: one line naming the template."""


@dataclass(frozen=True)
class Template:
    id: str
    audience: str
    when: str  # when it is sent, one line (reviewers read it)
    text: str

    @property
    def fields(self) -> frozenset[str]:
        """The placeholder names of the text."""
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.text) if name)


def parse_templates(data: Mapping[str, Any]) -> dict[str, Template]:
    """Check the parsed file and return the templates by id; TemplateError on the first fault."""
    out: dict[str, Template] = {}
    records = data.get("template")
    if not isinstance(records, list) or not records:
        raise TemplateError("消息模板文件没有 [[template]] 条目")
    for n, rec in enumerate(records, start=1):
        tid = rec.get("id") if isinstance(rec, dict) else None
        name = tid if isinstance(tid, str) and tid else f"第{n}条"
        if not isinstance(rec, dict) or not isinstance(tid, str) or not tid:
            raise TemplateError(f"消息模板 {name}：缺少 id")
        if tid in out:
            raise TemplateError(f"消息模板 {tid}：id 重复")
        for key in ("audience", "when", "text"):
            if not isinstance(rec.get(key), str) or not rec[key].strip():
                raise TemplateError(f"消息模板 {tid}：缺少 {key}")
        if rec["audience"] not in AUDIENCES:
            raise TemplateError(
                f"消息模板 {tid}：audience {rec['audience']} 未知（应为 {'|'.join(sorted(AUDIENCES))}）"
            )
        t = Template(tid, rec["audience"], rec["when"].strip(), rec["text"].strip())
        try:
            fields = t.fields
        except ValueError as exc:
            raise TemplateError(f"消息模板 {tid}：文字格式有误（{exc}）") from None
        bad = [f for f in fields if not f.isidentifier()]
        if bad:
            raise TemplateError(f"消息模板 {tid}：占位符 {{{bad[0]}}} 应为一个名称")
        if t.audience == "citizen" and RULE_ID.search(t.text):
            raise TemplateError(f"消息模板 {tid}：发给来电人的文字不得含规则编号")
        out[tid] = t
    return out


def load_templates(path: Path = TEMPLATE_FILE) -> dict[str, Template]:
    """Read and check a template file; TemplateError (one line) when it is broken."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise TemplateError(f"消息模板文件 {path.name} 无法读取：{exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"消息模板文件 {path.name} 格式有误：{exc}") from None
    return parse_templates(data)


@functools.cache
def templates() -> dict[str, Template]:
    """The platform's templates, read once on first use."""
    return load_templates()


class _Strict(dict[str, Any]):
    def __init__(self, template_id: str, fields: Mapping[str, Any]) -> None:
        super().__init__(fields)
        self.template_id = template_id

    def __missing__(self, key: str) -> Any:
        raise TemplateError(f"消息模板 {self.template_id}：缺少占位符 {{{key}}} 的值")


def render(template_id: str, **fields: Any) -> str:
    """The text of template ``template_id`` with ``fields`` filled in."""
    t = templates().get(template_id)
    if t is None:
        raise TemplateError(f"消息模板 {template_id}：不存在")
    text = t.text.format_map(_Strict(template_id, fields))
    if t.audience == "citizen" and RULE_ID.search(text):
        raise TemplateError(f"消息模板 {template_id}：发给来电人的文字不得含规则编号")
    return text
