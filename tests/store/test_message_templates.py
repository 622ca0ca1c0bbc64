"""Issue 15 items 4 and 5: every text sent comes from the reviewed template file; special
incidents' notices go to the duty numbers in the catalogue, and to the incident's local
government when the operator chose so (R-SPECIAL-REPORT); the supervision upload carries the
record (R-SUPERVISE-HOW). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from console.errors import InputError
from console.services.delivery import templates as tpl
from console.services.delivery.outbox import WORKER_ACTOR
from console.services.knowledge.duty import set_duty_numbers
from console.services.knowledge.seed import DutyOfficeRecord, Seed
from console.services.knowledge.seeding import apply_seed
from console.services.tickets.commands import TicketService
from console.services.values import Kind, Role, Special
from console.services.views import Actor, ExpertDraft, PolicySubscriptionDraft
from console.store.models import ArticleRow, OutboxRow
from tests.conftest import at
from tests.store.conftest import Platform, intake, unit

RULE_ID = re.compile(r"R-[A-Z]")
CALLER = ("张先生", "13812341234")
SUMMARY = "11月25日8时40分，岳阳市云溪区某化工厂储罐泄漏，周边约200户受影响，消防已到场"
OFFICES = (
    DutyOfficeRecord("hn-zbs", "省政府总值班室", ""),
    DutyOfficeRecord("yy-zf", "岳阳市人民政府", "岳阳市", duty_sms="13900000007"),
    DutyOfficeRecord("cs-zf", "长沙市人民政府", "长沙市"),
)


@pytest.fixture
def p(platform: Platform) -> Platform:
    """The small platform, with the emergency department and three duty offices."""
    apply_seed(
        platform.store,
        Seed(units=(unit("hn-yjt", "省应急管理厅"),), duty_offices=OFFICES),
        platform.clock.now(),
    )
    return platform


def outbox(p: Platform, channel: str | None = None) -> list[OutboxRow]:
    with p.store.read() as s:
        q = select(OutboxRow).order_by(OutboxRow.id)
        if channel:
            q = q.where(OutboxRow.channel == channel)
        return list(s.execute(q).scalars())


def lead(p: Platform) -> Any:
    return p.operator.as_actor(Actor("lead-1", "班长庚", Role.SHIFT_LEAD))


def urgent(p: Platform, **kw: Any) -> str:
    fields: dict[str, Any] = dict(
        text="我是张先生，化工厂那边味道很大，快来人",
        incident_summary=SUMMARY,
        place="岳阳市云溪区",
    )
    fields.update(kw)
    return p.operator.accept(intake(Kind.HELP, **fields), "hn-zjt", special=Special.URGENT)


def every_message(p: Platform) -> list[OutboxRow]:
    """One of each: special dispatch with the local government, re-notification, escalation,
    extension, survey, supervision opened and replied."""
    number = urgent(p, notify_government=True)
    lead(p).renotify(number, "未反馈")
    lead(p).escalate(number, "泄漏扩大")
    p.zjt.sign(number)
    p.zjt.request_extension(number, 2, "需协调多个部门")
    p.manager.review_extension(number, True, "同意")
    sid = p.manager.open_supervision(number, 4, "written", "媒体报道，请加快处置")
    p.zjt.reply_supervision(sid, "已完成堵漏")
    p.zjt.request_completion(number, "现场", dt.date(2026, 11, 25), "已处置完毕")
    p.manager.review_completion(number, True)
    # the unit side: 派单提醒, a co-unit told, 催办, then 黄灯 and 红灯 of the sign clock
    ordinary = p.operator.accept(intake(), unit_id="hn-rst")
    p.manager.designate_lead(ordinary, "hn-rst", ["hn-zjt"], "涉及多个部门")
    p.manager.urge(ordinary, "请尽快联系来电人")
    # 并单: a second caller's ticket merged into a master; the master's approval asks them too
    master = p.operator.accept(intake(text="同一工地欠薪"), unit_id="hn-rst")
    other = p.operator.accept(
        intake(text="同一工地欠薪", caller_phone="13900001111"), unit_id="hn-rst"
    )
    p.manager.merge_ticket(other, master, "同一事项")
    p.rst.sign(master)
    p.rst.request_completion(master, "电话", dt.date(2026, 11, 25), "已协调结清")
    p.manager.review_completion(master, True)
    timers = TicketService(p.store, p.clock, p.operator.calendar, p.operator.rules, WORKER_ACTOR)
    p.clock.advance(at("2026-11-26 09:00") - p.clock.now())
    timers.remind_deadlines()
    p.clock.advance(dt.timedelta(days=1))
    timers.remind_deadlines()
    # 精准推送: a policy article of the 政企通 base verified for a subscriber (R-ENTERPRISE)
    with p.store.write() as s:
        s.add(
            ArticleRow(
                id="pol-1", unit_id="hn-scjgj", question="小微企业有哪些税收优惠？",
                alt_questions=[], answer="按现行规定申请。", basis="", domain="business_environment",
                tags=["小微企业"], enterprise=True, effective=dt.date(2026, 1, 1),
                review_by=dt.date(2027, 6, 30), status="draft", updated_at=p.clock.now(),
            )
        )  # fmt: skip
    p.operator.subscribe_policy(
        PolicySubscriptionDraft("enterprise", "某公司", "13900000001", True)
    )
    p.manager.verify_article("pol-1")
    # 专家答复 (R-CONSULT): a consultation handed to an expert, answered to its caller
    expert = p.manager.add_expert(
        ExpertDraft("王专家", "hn-rst", ("公共服务",), ("每天 00:00-00:00",), seat="ex-1")
    )
    asked = intake(Kind.CONSULTATION, "社保关系怎么转？", caller_phone="13900000002")
    handed = p.operator.hand_to_expert(asked, "公共服务", expert, consent=True)
    expert_seat = p.operator.as_actor(Actor("ex-1", "王专家", Role.EXPERT))
    expert_seat.answer_consultation(handed, "通过线上平台申请转移接续。")
    return outbox(p)


# ---------------------------------------------------------------- the template file
def test_r_callback_every_template_renders_with_the_fields_its_callers_give(
    p: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []

    class Recording(tpl._Strict):
        def __init__(self, template_id: str, fields: Any) -> None:
            rendered.append(template_id)
            super().__init__(template_id, fields)

    monkeypatch.setattr(tpl, "_Strict", Recording)
    rows = every_message(p)
    assert set(rendered) == set(tpl.templates())  # each rendered, none missing a field
    assert all(r.payload.get("message") for r in rows)  # every row has its text


def test_r_callback_no_rule_id_in_any_citizen_text(p: Platform) -> None:
    citizen = [t for t in tpl.templates().values() if t.audience == "citizen"]
    assert {t.id for t in citizen} >= {"survey", "extension_approved"}
    assert not [t.id for t in citizen if RULE_ID.search(t.text)]
    rows = every_message(p)
    to_caller = [r for r in rows if r.target == "13812341234"]
    assert {r.payload.get("kind", "") for r in to_caller} == {"", "survey"}  # extension, survey
    for r in to_caller:
        assert not RULE_ID.search(r.payload["message"]), r.payload["message"]
        assert r.payload["rule"] in ("R-EXTEND", "R-CALLBACK")  # kept in the record only


def test_r_callback_a_value_carrying_a_rule_id_is_refused_in_a_citizen_text() -> None:
    with pytest.raises(tpl.TemplateError, match="survey"):
        tpl.render("survey", number="R-EXTEND")


def test_r_callback_a_missing_placeholder_names_the_template_and_field() -> None:
    with pytest.raises(tpl.TemplateError) as err:
        tpl.render("extension_approved", number="HN1")
    assert str(err.value) == "消息模板 extension_approved：缺少占位符 {due} 的值"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('id = "a"\naudience = "citizen"\nwhen = "x"\ntext = "{n}"', "没有 [[template]]"),
        (
            '[[template]]\nid = "a"\naudience = "mayor"\nwhen = "x"\ntext = "t"',
            "消息模板 a：audience",
        ),
        ('[[template]]\nid = "a"\naudience = "unit"\ntext = "t"', "消息模板 a：缺少 when"),
        (
            '[[template]]\nid = "a"\naudience = "unit"\nwhen = "x"\ntext = "{n"',
            "消息模板 a：文字格式",
        ),
        (
            '[[template]]\nid = "a"\naudience = "unit"\nwhen = "x"\ntext = "{0}"',
            "消息模板 a：占位符",
        ),
        (
            '[[template]]\nid = "a"\naudience = "citizen"\nwhen = "x"\ntext = "（R-EXTEND）"',
            "消息模板 a：发给来电人的文字不得含规则编号",
        ),
        (
            '[[template]]\nid = "a"\naudience = "unit"\nwhen = "x"\ntext = "t"\n' * 2,
            "消息模板 a：id 重复",
        ),
        ("[[template]\n", "格式有误"),
    ],
)
def test_a_broken_template_file_is_one_line_naming_the_template(
    tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "templates.zh.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(tpl.TemplateError) as err:
        tpl.load_templates(path)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_the_shipped_template_file_is_read_once() -> None:
    assert tpl.templates() is tpl.templates()
    assert all(t.when and t.audience in tpl.AUDIENCES for t in tpl.templates().values())


# ---------------------------------------------------------------- duty numbers
def test_r_special_report_goes_to_the_registered_duty_numbers(p: Platform) -> None:
    set_duty_numbers(p.store, "hn-zjt", duty_phone="0731-88880001", duty_sms="13900000001")
    set_duty_numbers(p.store, "hn-yjt", duty_sms="13900000002")
    set_duty_numbers(p.store, "hn-zbs", duty_sms="13900000003")
    urgent(p)
    targets = {r.channel: r.target for r in outbox(p)}
    assert targets == {
        "sms": "13900000001",
        "phone": "0731-88880001",
        "duty_office": "13900000003",
        "emergency": "13900000002",
    }
    assert not any("number_missing" in r.payload for r in outbox(p))


def test_r_special_report_a_recipient_without_a_number_is_said_not_dropped(p: Platform) -> None:
    set_duty_numbers(p.store, "hn-zjt", duty_sms="13900000001")  # no duty phone
    number = urgent(p)
    rows = {r.channel: r for r in outbox(p)}
    assert set(rows) == {"sms", "phone", "duty_office", "emergency"}  # all four written
    assert (
        rows["phone"].target == "hn-zjt" and rows["phone"].payload["number_missing"] == "duty_phone"
    )
    labels = {n.channel: n.target_label for n in p.manager.ticket(number).notifications}
    assert labels["sms"] == "省住房城乡建设厅"
    assert labels["phone"] == "省住房城乡建设厅（未登记值班电话）"
    assert labels["duty_office"] == "省政府总值班室（未登记值班短信号码）"


@pytest.mark.parametrize(
    ("field", "value"),
    [("duty_phone", "abc"), ("duty_sms", "1"), ("duty_phone", "9" * 30), ("duty_sms", "139 0000")],
)
def test_r_special_report_a_bad_duty_number_is_refused_naming_the_field(
    p: Platform, field: str, value: str
) -> None:
    with pytest.raises(InputError) as err:
        set_duty_numbers(p.store, "hn-zjt", **{field: value})
    assert err.value.field == field and field in str(err.value)
    assert p.operator.units()[1].duty_phone == ""  # nothing stored


def test_r_special_report_duty_numbers_show_in_the_unit_views(p: Platform) -> None:
    set_duty_numbers(p.store, "hn-zjt", duty_phone="0731-88880001", duty_sms="13900000001")
    [zjt] = [u for u in p.operator.units() if u.id == "hn-zjt"]
    assert (zjt.duty_phone, zjt.duty_sms) == ("0731-88880001", "13900000001")
    with pytest.raises(InputError) as err:
        set_duty_numbers(p.store, "no-such-unit", duty_sms="13900000001")
    assert err.value.field == "id"


def test_r_special_report_a_reseed_keeps_numbers_set_by_hand(p: Platform) -> None:
    set_duty_numbers(p.store, "hn-zbs", duty_sms="13900000003")
    apply_seed(p.store, Seed(duty_offices=OFFICES), p.clock.now())
    urgent(p)
    [duty] = outbox(p, "duty_office")
    assert duty.target == "13900000003"


# ---------------------------------------------------------------- the local government
def test_r_special_report_notifies_the_local_government_when_chosen(p: Platform) -> None:
    number = urgent(p, notify_government=True)
    [gov] = outbox(p, "government")
    assert gov.target == "13900000007"  # 岳阳市人民政府's duty SMS
    message = gov.payload["message"]
    assert SUMMARY in message and number in message and "岳阳市云溪区" in message
    for identity in CALLER:
        assert identity not in str(gov.payload)
    accept = [e for e in p.manager.ticket(number).events if e.action == "accept"][-1]
    assert accept.details["notify_government"] == "True"
    lead(p).renotify(number, "")
    assert len(outbox(p, "government")) == 2  # re-sent with the others
    labels = [n.channel_label for n in p.manager.ticket(number).notifications]
    assert "通知当地政府" in labels


def test_r_special_report_no_local_government_unless_chosen(p: Platform) -> None:
    urgent(p)
    assert outbox(p, "government") == []


def test_r_special_report_local_government_needs_a_place_it_can_name(p: Platform) -> None:
    with pytest.raises(InputError) as err:
        urgent(p, notify_government=True, place="某地")
    assert err.value.field == "place"
    assert outbox(p) == []  # nothing half-stored


def test_r_special_report_local_government_only_for_special_incidents(p: Platform) -> None:
    with pytest.raises(InputError) as err:
        p.operator.accept(intake(notify_government=True), "hn-rst")
    assert err.value.field == "notify_government"


# ---------------------------------------------------------------- R-SUPERVISE-HOW (Art. 23)
def test_r_supervise_how_every_upload_carries_the_whole_record(p: Platform) -> None:
    number = p.operator.accept(intake(), "hn-rst")
    sid = p.manager.open_supervision(number, 3, "onsite", "多人多次反映欠薪")
    p.rst.reply_supervision(sid, "已约谈企业")
    uploads = outbox(p, "supervision_platform")
    assert len(uploads) == 2
    for up in uploads:
        pl = up.payload
        assert (pl["ground"], pl["method"], pl["content"]) == (3, "onsite", "多人多次反映欠薪")
        assert (pl["unit_id"], pl["unit"], pl["ticket"]) == (
            "hn-rst",
            "省人力资源社会保障厅",
            number,
        )
        assert pl["due"].startswith("2026-12-23")
        assert pl["message"] and pl["rule"] == "R-SUPERVISE-HOW"
    assert [u.payload["replies"] for u in uploads] == [[], ["已约谈企业"]]
    assert (
        "多次集中反映" in uploads[0].payload["message"]
        and "现场督导" in uploads[0].payload["message"]
    )
