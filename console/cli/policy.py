"""`hotline policy subscribe|list|unsubscribe|report`: policy subscriptions and precise push
(精准推送, R-ENTERPRISE) from a shell.

``subscribe`` enters an enterprise's (or a consenting citizen's) subscription by industry,
size, region and topic; ``unsubscribe`` ends one (退订, its unsent messages withdrawn);
``list`` shows the live subscriptions; ``report`` counts what was pushed in a period, per
article version. Run as the manager under the name given with ``--by`` (audited). The
messages themselves are queued when a policy article is verified and sent by `hotline worker`.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from console.cli import terminal_safe
from console.cli.context import opened_platform, person
from console.services.clock import SHANGHAI
from console.services.enterprise.subscriptions import INDUSTRIES, SIZES
from console.services.values import Role
from console.services.views import PolicySubscriptionDraft, PolicySubscriptionView


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("policy", help="政企通政策订阅与精准推送（R-ENTERPRISE）")
    verbs = p.add_subparsers(dest="policy_verb", metavar="ACTION", required=True)

    s = verbs.add_parser("subscribe", help="登记政策订阅（须订阅人同意）")
    s.add_argument("--by", required=True, help="操作人（记入审计）")
    s.add_argument("--kind", choices=("enterprise", "citizen"), default="enterprise")
    s.add_argument("--name", required=True, help="企业名称或群众姓名")
    s.add_argument("--phone", required=True, help="接收推送的号码")
    s.add_argument("--consent", action="store_true", help="订阅人已同意接收推送（必须）")
    s.add_argument("--industries", default="", help=f"行业，顿号隔开：{'、'.join(INDUSTRIES)}")
    s.add_argument("--sizes", default="", help=f"企业规模：{'、'.join(SIZES)}")
    s.add_argument("--regions", default="", help="地区（市州），如 长沙、株洲；不写即全省")
    s.add_argument("--topics", default="", help="主题词，如 税收优惠、政府采购")
    s.set_defaults(handler=_subscribe)

    ls = verbs.add_parser("list", help="列出在册订阅")
    ls.add_argument("--all", action="store_true", help="含已退订的")
    ls.add_argument("--json", action="store_true", help="输出 JSON 列表")
    ls.set_defaults(handler=_list)

    u = verbs.add_parser("unsubscribe", help="退订（未发出的推送一并撤回）")
    u.add_argument("id", metavar="SUBSCRIPTION", help="订阅编号（hotline policy list 第一列）")
    u.add_argument("--by", required=True, help="操作人（记入审计）")
    u.add_argument("--reason", required=True, help="退订原因，如：回复TD退订")
    u.set_defaults(handler=_unsubscribe)

    r = verbs.add_parser("report", help="统计某期推送：每条政策推送了多少订阅人、送达多少")
    r.add_argument("--period", required=True, help="2026、2026Q4 或 2026-12")
    r.add_argument("--json", action="store_true", help="输出 JSON")
    r.set_defaults(handler=_report)


def _words(text: str) -> tuple[str, ...]:
    return (text,) if text.strip() else ()


def _subscribe(args: argparse.Namespace) -> int:
    draft = PolicySubscriptionDraft(
        kind=args.kind,
        name=args.name,
        phone=args.phone,
        consent=args.consent,
        industries=_words(args.industries),
        sizes=_words(args.sizes),
        regions=_words(args.regions),
        topics=_words(args.topics),
    )
    with opened_platform() as p:
        sub_id = p.backend(person(args.by, Role.MANAGER)).subscribe_policy(draft)
    print(f"已登记订阅 {sub_id}")
    return 0


def _line(v: PolicySubscriptionView) -> str:
    wants = [
        f"{label}：{'、'.join(items)}"
        for label, items in (
            ("行业", v.industries), ("规模", v.sizes), ("地区", v.regions), ("主题", v.topics)
        )
        if items
    ]  # fmt: skip
    out = f"{v.id}  {v.kind_label}  {v.name}  {v.phone}  {'  '.join(wants) or '全部政策'}"
    if v.ended_at is not None:
        out += f"  已退订 {v.ended_at.astimezone(SHANGHAI):%Y-%m-%d}（{v.end_reason}）"
    return terminal_safe(out.replace("\n", " ").replace("\r", " "))


def _list(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        found = p.backend(person("命令行", Role.MANAGER)).policy_subscriptions(args.all)
    if args.json:
        print(json.dumps([asdict(v) for v in found], ensure_ascii=False, default=str))
        return 0
    for v in found:
        print(_line(v))
    print(f"共 {len(found)} 个订阅" if found else "没有订阅")
    return 0


def _unsubscribe(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        withdrawn = p.backend(person(args.by, Role.MANAGER)).unsubscribe_policy(
            args.id, args.reason
        )
    print(f"订阅 {args.id} 已退订" + (f"，撤回未发出的推送 {withdrawn} 条" if withdrawn else ""))
    return 0


def _report(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        report = p.backend(person("命令行", Role.MANAGER)).policy_push_report(args.period)
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False, default=str))
        return 0
    for line in report.lines:
        print(
            terminal_safe(
                f"{line.article_id} 第{line.version}版  {line.question[:30]}  推送 {line.pushed}"
                f"  送达 {line.delivered}  待发 {line.waiting}  未发出 {line.not_sent}"
            )
        )
    print(
        f"{args.period}：推送 {report.pushed} 条，送达 {report.delivered} 条；"
        f"期末在册订阅 {report.subscriptions} 个，本期退订 {report.unsubscribed} 个"
    )
    return 0
