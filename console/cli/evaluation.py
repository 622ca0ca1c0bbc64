"""`hotline evaluation list|show|draft|publish|discard`: quarterly and annual evaluations
(考核评价, R-GRADES) from a shell.

``draft`` computes a period's grades from the units' KPIs under the grade policy
(knowledge_seed/evaluation/grades.toml, or the file named by HOTLINE_GRADES_FILE); ``publish``
fixes them for good; a published period is corrected by ``draft --reason`` (the next version)
and publishing that. Each step runs through the same use cases as the console and the API
and is audited under the name given with ``--by``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from console.cli import terminal_safe
from console.cli.context import opened_platform, person
from console.services.analytics import kpi
from console.services.clock import SHANGHAI
from console.services.values import Role
from console.services.views import Actor, EvaluationView

INDICATOR_LABELS = {i.id: i.name for i in kpi.INDICATORS}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("evaluation", help="考核评价：季度、年度等次的计算与发布（R-GRADES）")
    verbs = p.add_subparsers(dest="evaluation_verb", metavar="ACTION", required=True)

    ls = verbs.add_parser("list", help="列出考核评价（各期各版本）")
    ls.add_argument("--period", help="只看该期：季度如 2026Q4，年度如 2026")
    ls.add_argument("--json", action="store_true", help="输出 JSON 列表")
    ls.set_defaults(handler=_list)

    sh = verbs.add_parser("show", help="一次考核评价的各单位得分、等次与指标")
    sh.add_argument(
        "id", metavar="EVALUATION", help="考核评价编号（hotline evaluation list 第一列）"
    )
    sh.add_argument("--json", action="store_true", help="输出 JSON")
    sh.set_defaults(handler=_show)

    d = verbs.add_parser(
        "draft",
        help="计算本期考核评价草稿（管理部门）",
        description="按考核评价办法（权重与等次分数线）由各单位本期指标计算得分与等次；"
        "草稿可重算；本期已发布时须写更正原因，生成新版本。",
    )
    d.add_argument("--period", required=True, help="考核周期：季度如 2026Q4，年度如 2026")
    d.add_argument("--by", required=True, help="计算人（记入审计）")
    d.add_argument("--reason", default="", help="更正原因（本期已发布时必填）")
    d.set_defaults(handler=_draft)

    pub = verbs.add_parser("publish", help="发布考核评价草稿（管理部门；发布后不再改动）")
    pub.add_argument("id", metavar="EVALUATION", help="考核评价编号")
    pub.add_argument("--by", required=True, help="发布人（记入审计）")
    pub.set_defaults(handler=_publish)

    dis = verbs.add_parser("discard", help="删除未发布的考核评价草稿（管理部门）")
    dis.add_argument("id", metavar="EVALUATION", help="考核评价编号")
    dis.add_argument("--by", required=True, help="操作人（记入审计）")
    dis.set_defaults(handler=_discard)


READER = Actor(seat="cli", name="命令行", role=Role.AUDITOR)
"""Reads from a shell see what an auditor sees: every unit, drafts included."""


def _when(view: EvaluationView) -> str:
    if view.published_at is None:
        return (
            f"计算于 {view.computed_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}（{view.computed_by}）"
        )
    return f"发布于 {view.published_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}（{view.published_by}）"


def _line(view: EvaluationView) -> str:
    out = f"{view.id}  {view.period}  第 {view.version} 版  {view.state_label}  {_when(view)}"
    if view.reason:
        out += f"  更正原因：{view.reason}"
    return terminal_safe(" ".join(out.split()))


def _list(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        found = p.backend(READER).evaluations(args.period)
    if args.json:
        print(json.dumps([asdict(v) for v in found], ensure_ascii=False, default=str))
        return 0
    if not found:
        print("还没有考核评价；计算：hotline evaluation draft --period 2026Q4 --by 姓名")
        return 0
    for view in found:
        print(_line(view))
    return 0


def _rate(numerator: int, denominator: int) -> str:
    return f"{100 * numerator / denominator:.1f}%" if denominator else "—"


def _show(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        view = p.backend(READER).evaluation(args.id)
    if args.json:
        print(json.dumps(asdict(view), ensure_ascii=False, default=str))
        return 0
    print(_line(view))
    weights = view.policy.get("weights", {})
    print(
        "权重："
        + "、".join(f"{INDICATOR_LABELS.get(k, k)} {w:g}" for k, w in weights.items())
        + "；等次："
        + "、".join(f"{g['name']} ≥{g['min_score']:g}" for g in view.policy.get("grades", []))
    )
    for g in view.grades:
        figures = "  ".join(
            f"{INDICATOR_LABELS.get(k, k)} {_rate(f.numerator, f.denominator)}"
            f"（{f.numerator}/{f.denominator}）"
            for k, f in g.figures.items()
        )
        score = f"{g.score:.1f}" if g.score is not None else "—"
        print(terminal_safe(f"{g.unit_name}（{g.unit_id}）  {score}  {g.grade_label}  {figures}"))
    if not view.grades:
        print("本期没有单位的评价数据")
    return 0


def _draft(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        backend = p.backend(person(args.by, Role.MANAGER))
        evaluation_id = backend.draft_evaluation(args.period, args.reason)
        view = backend.evaluation(evaluation_id)
    print(
        f"已计算 {view.period} 考核评价第 {view.version} 版草稿 {view.id}（{len(view.grades)} 个单位）；"
        f"查看：hotline evaluation show {view.id}；发布：hotline evaluation publish {view.id} --by 姓名"
    )
    return 0


def _publish(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        p.backend(person(args.by, Role.MANAGER)).publish_evaluation(args.id)
    print(f"考核评价 {args.id} 已发布，此后不再改动；更正请重新计算并写明原因")
    return 0


def _discard(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        p.backend(person(args.by, Role.MANAGER)).discard_evaluation(args.id)
    print(f"考核评价草稿 {args.id} 已删除")
    return 0
