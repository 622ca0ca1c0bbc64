"""What goes over the wire.

Responses are the services' own frozen views (``console.services.views``): FastAPI describes
and serialises a stdlib dataclass as it does a pydantic model, so the OpenAPI document and the
JSON mirror the views field for field and cannot drift from them. Requests are the pydantic
models below: one per command, with the ``version`` for optimistic concurrency in the body.

Their limits keep bad input out of the database (a value longer than its column, an integer
beyond 32 bits, a NUL character that PostgreSQL refuses) with a 422 naming the field; the
rules themselves (a ground between 1 and 10, a reason that is not blank …) stay in the
services, so a screen gets the same message over HTTP as in-process.
"""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from console.services.values import CallerType, Domain, Kind, Satisfaction, Source, Special

NO_NUL = r"^[^\x00]*$"
MAX_NOTE = 5000
"""Free text of a command (reason, note, opinion …): generous, far below the body limit."""
MAX_TEXT = 20_000
"""A caller's request text (the service refuses longer, with its own message)."""
INT32 = 2**31 - 1


# Strings of at most N characters without NUL.
Str20 = Annotated[str, StringConstraints(max_length=20, pattern=NO_NUL)]
Str30 = Annotated[str, StringConstraints(max_length=30, pattern=NO_NUL)]
Id = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
"""A unit, article, scope or ticket identifier (or a short label)."""
Str60 = Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)]
Str100 = Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)]
Str200 = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
Str400 = Annotated[str, StringConstraints(max_length=400, pattern=NO_NUL)]
Str2000 = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE, pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=NO_NUL)]
Version = Annotated[
    int | None, Field(ge=0, le=INT32, description="ticket version read; stale → 409")
]
SmallInt = Annotated[int, Field(ge=-INT32, le=INT32)]
CoUnits = Annotated[list[Id], Field(max_length=20)]


class Body(BaseModel):
    """Every request body: unknown fields are refused (a typo is not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class IntakeIn(Body):
    """Mirrors ``views.Intake``: what the operator typed about a call."""

    kind: Kind
    domain: Domain
    text: LongText
    caller_phone: Str30 = ""
    caller_name: Str100 = ""
    caller_type: CallerType = CallerType.PERSON
    enterprise_name: Str200 = ""
    caller_id_number: Str30 = ""
    confidential: bool = False
    source: Source = Source.CITY_TRANSFER
    source_line: Id = ""
    place: Str60 = ""
    matter_type: Str60 = ""
    repeat_of: Id = ""
    phone_declined: bool = False
    incident_summary: Str2000 = ""
    notify_government: bool = False
    call_source: Id = ""
    call_id: Str100 = ""


# ---------------------------------------------------------------- knowledge, routing, duplicates
class SearchIn(Body):
    query: Str2000
    unit: Id | None = None
    domain: Id | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 10


class FlagIn(Body):
    problem: Str20
    note: Str2000 = ""


class ResolveFlagIn(Body):
    """The owner unit's answer to an error report (R-KB)."""

    outcome: Str20 = Field(description="fixed（已更正）或 not_wrong（经核实无误）")
    note: Str2000 = Field(description="处理说明（必填）")


class VerifyArticleIn(Body):
    review_by: dt.date | None = Field(
        None, description="下次复核日期；不填为修改稿所定日期，没有修改稿则为一年后"
    )
    version: int | None = Field(
        None, ge=0, le=INT32, description="所读知识的版本；其间已被修改或核实 → 409"
    )


class EditArticleIn(Body):
    """An edit of an article by its owner unit or the manager; saved as a draft (R-KB)."""

    version: int = Field(ge=0, le=INT32, description="所读知识的版本；其间已被修改或核实 → 409")
    question: Str200 = Field(description="标题（问题）")
    answer: Note = Field(description="答复口径")
    basis: Str2000 = Field("", description="依据")
    tags: Annotated[list[Str30], Field(max_length=20, description="关键词")] = []
    review_by: dt.date = Field(description="下次复核日期")


class VerifiedOut(BaseModel):
    closed: int = Field(description="随之关闭的纠错报告数")


class SuggestIn(Body):
    text: LongText
    domain: Id | None = None
    place: Str60 | None = None
    k: Annotated[int, Field(ge=1, le=20)] = 3


class DuplicatesIn(Body):
    text: LongText
    caller_phone: Str30 | None = None
    k: Annotated[int, Field(ge=1, le=50)] = 5


class PrefilingMatchIn(Body):
    text: LongText
    place: Str60 | None = None


class PrefilingIn(Body):
    """A pre-filed scope a unit files (报备, R-PREFILING); mirrors ``views.PrefilingDraft``."""

    title: Str200 = Field(description="报备标题")
    reason: Str30 = Field(
        description="事由：force_majeure（不可抗力）、special_work（特殊工作要求）、malicious（服务对象恶意诉求）"
    )
    keywords: Annotated[list[Str60], Field(max_length=20, description="关键词（来电说到才匹配）")]
    region: Str60 = Field("", description="区域，如 岳阳市；空为全省")
    starts: dt.datetime = Field(description="开始时间（ISO 8601；无时区为北京时间）")
    ends: dt.datetime = Field(description="结束时间，须晚于开始时间")
    explanation: Str2000 = Field(description="答复口径：话务员向来电人解释的话")


class PrefilingOut(BaseModel):
    id: str = Field(description="报备编号")


class PrefilingReviewIn(Body):
    approve: bool
    note: Str2000 = Field("", description="审核意见；退回时必填")


class ExpertIn(Body):
    """An expert of a unit's expert team (R-EXPERT); mirrors ``views.ExpertDraft``."""

    name: Str60 = Field(description="专家姓名")
    unit_id: Id = Field(description="所属单位 id，如 hn-rst")
    fields: Annotated[
        list[Str60], Field(max_length=20, description="擅长领域或事项类型（代码或名称）")
    ]
    shifts: Annotated[
        list[Str100], Field(max_length=14, description="值班时间，如 工作日 09:00-17:30")
    ]
    phone: Str30 = Field("", description="值班电话")
    seat: Str100 = Field("", description="专家登录的坐席账号（可不写）")
    note: Str2000 = Field("", description="备注")
    kind: Str20 = Field("expert", description="名册类别：expert 专家，policy 政策专员（政企通）")
    desk_lead: bool = Field(False, description="政企通专席负责人（只限政策专员）：可分配、改派")


class ExpertOut(BaseModel):
    id: str = Field(description="专家编号")


class HandToExpertIn(Body):
    """A consultation handed to an expert (R-EXPERT, R-CONSULT)."""

    intake: IntakeIn
    field: Str60 = Field(description="领域或事项类型（代码或名称），如 社保缴费、公共服务")
    expert_id: Id | None = Field(None, description="在班专家的编号；不填则转该领域专家队列")
    consent: bool = Field(description="来电人同意稍后答复（R-CONSULT，必须）")
    channel: Literal["sms", "phone"] = Field("sms", description="答复方式：sms 短信，phone 回电")
    tried: Annotated[list[Id], Field(max_length=8, description="话务员已查看的知识编号")] = []
    ground: int | None = Field(None, ge=1, le=10, description="不予受理检查表勾选的情形")
    reasons: Annotated[list[Str200], Field(max_length=5, description="建议该领域的理由")] = []
    note: Note = ""


class ExpertAnswerIn(Body):
    answer: Str2000 = Field(description="专家的答复（经短信或回电告知来电人）")
    basis: Str2000 = Field("", description="依据（政策、法规条文）")
    version: Version = None


class ExpertArticleIn(Body):
    question: Str200 = Field(description="来电人所问事项的中性表述（知识标题）")
    tags: Annotated[list[Str60], Field(max_length=20, description="关键词")] = []


class ArticleIdOut(BaseModel):
    id: str


class ExpertRetireIn(Body):
    reason: Str2000 = Field(description="退出名册的原因")


class PolicySubscriptionIn(Body):
    """A policy subscription (精准推送, R-ENTERPRISE); mirrors ``views.PolicySubscriptionDraft``."""

    kind: Literal["enterprise", "citizen"] = Field(
        description="订阅人类型：enterprise（企业）或 citizen（群众）"
    )
    name: Str100 = Field(description="企业名称或群众姓名")
    phone: Str30 = Field(description="接收推送的手机号或固定电话")
    consent: bool = Field(description="订阅人同意接收推送（必须）")
    industries: Annotated[list[Str60], Field(max_length=20, description="行业")] = []
    sizes: Annotated[list[Str20], Field(max_length=20, description="企业规模")] = []
    regions: Annotated[list[Str20], Field(max_length=20, description="地区（市州）")] = []
    topics: Annotated[list[Str60], Field(max_length=20, description="主题词")] = []


class PolicySubscriptionOut(BaseModel):
    id: str = Field(description="订阅编号")


class UnsubscribeIn(Body):
    reason: Str2000 = Field(description="退订原因")


class UnsubscribedOut(BaseModel):
    withdrawn: int = Field(description="撤回的未发送推送条数")


class EvaluationIn(Body):
    period: Str20 = Field(description="考核周期：季度如 2026Q4，年度如 2026")
    reason: Str2000 = Field("", description="更正原因（本期已发布时必填，R-GRADES）")


class EvaluationOut(BaseModel):
    id: str


class PrefilingWithdrawIn(Body):
    reason: Str2000 = Field(description="撤回原因（必填）")


# ---------------------------------------------------------------- intake
class RefuseIn(Body):
    intake: IntakeIn
    ground: SmallInt
    reason: Note
    basis: Note = ""


class AnswerIn(Body):
    intake: IntakeIn
    article_id: Id | None = None
    note: Note = ""
    # what the operator knowingly accepted of the article (R-KB); see Backend.answer
    confirmed: list[Literal["low_confidence", "draft", "review_overdue", "reads_as_grievance"]] = (
        Field(default_factory=list, max_length=4)
    )


class PromiseCallbackIn(Body):
    intake: IntakeIn
    note: Note = ""


class ExplainPrefiledIn(Body):
    intake: IntakeIn
    scope_id: Id


class TransferIn(Body):
    intake: IntakeIn
    target_line: Id
    target_is_city_line: bool


class AcceptIn(Body):
    intake: IntakeIn
    unit_id: Id | None = None
    co_unit_ids: CoUnits = []
    special: Special = Special.NONE


class PhoneSearchIn(Body):
    phone: Str30
    limit: int = 20


class CallerHistoryIn(Body):
    phone: Str30
    limit: Annotated[int, Field(ge=1, le=100)] = 10


class TicketSearchIn(Body):
    """工单查询: every given criterion must match; empty ones are not searched."""

    number: Id = ""
    phone: Str30 = ""
    text: Str100 = ""
    since: dt.date | None = None
    until: dt.date | None = None
    unit: Id = ""
    state: Id = ""
    offset: SmallInt = 0
    limit: SmallInt = 50


class NumberOut(BaseModel):
    """The number of the ticket a command created."""

    number: str


class ClaimOut(BaseModel):
    """The ticket claimed, or ``null`` when the queue has no free ticket."""

    number: str | None


class IdOut(BaseModel):
    id: int


# ---------------------------------------------------------------- ticket commands
class VersionIn(Body):
    version: Version = None


class MergeIn(Body):
    master: Id
    reason: Note = ""
    version: Version = None


class RevealIn(Body):
    reason: Str400


class DispatchIn(Body):
    unit_id: Id
    co_unit_ids: CoUnits = []
    version: Version = None


class ReturnIn(Body):
    reason: Note
    basis: Note
    version: Version = None


class ReviewReturnIn(Body):
    approve: bool
    reason: Note
    new_unit_id: Id | None = None
    co_unit_ids: CoUnits = []
    version: Version = None


class DesignateLeadIn(Body):
    lead_unit_id: Id
    co_unit_ids: CoUnits
    reason: Note = ""
    version: Version = None


class NoteIn(Body):
    note: Note
    version: Version = None


class RenotifyIn(Body):
    note: Note = ""
    version: Version = None


class RenotifyOut(BaseModel):
    resend: int


class EscalateIn(Body):
    reason: Note
    version: Version = None


class CompletionIn(Body):
    contact_method: Str200
    contact_date: dt.date | None
    handling: Note
    version: Version = None


class ReviewIn(Body):
    approve: bool
    reason: Note = ""
    version: Version = None


class ReviewTerminationIn(Body):
    approve: bool
    reason: Note
    version: Version = None


class ExtensionIn(Body):
    days: SmallInt
    reason: Note
    version: Version = None


class TerminationIn(Body):
    opinion: Note
    version: Version = None


class AnswerCallbackIn(Body):
    answer: Note
    version: Version = None


class CallbackIn(Body):
    result: Satisfaction | None
    method: Str20 = "manual"
    note: Note = ""
    version: Version = None


class DissatisfiedIn(Body):
    decision: Str20
    reason: Note
    version: Version = None


# ---------------------------------------------------------------- supervision
class OpenSupervisionIn(Body):
    ground: SmallInt
    method: Str20
    note: Note
    version: Version = None


class ReplySupervisionIn(Body):
    reply: Note


class ExtendSupervisionIn(Body):
    days: SmallInt
    reason: Note


class CloseSupervisionIn(Body):
    note: Note


# ---------------------------------------------------------------- session
class ClockOut(BaseModel):
    """The platform's clock: ``drill`` when pinned by HOTLINE_NOW; ``running`` when it moves."""

    now: dt.datetime
    drill: bool
    running: bool


class ErrorOut(BaseModel):
    """Every error answer (console.api.errors); some kinds add keys (reason, allowed, problem,
    what, key, changed_by, changed_at …) so a client can rebuild the exception."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="rule | input | permission | unauthenticated | not_found | …")
    rule: str | None = Field(description="R-id of the rule that refuses, if any")
    field: str | None = Field(description="the input field at fault, if any")
    message: str = Field(description="one line in Chinese, ready to show")


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "无令牌，或令牌无效、已吊销、已过期"},
    403: {"model": ErrorOut, "description": "角色或单位无权（R-SECURITY 等）"},
    404: {"model": ErrorOut, "description": "工单、知识条目等不存在"},
    409: {"model": ErrorOut, "description": "规则拒绝（error=rule）或版本冲突（error=conflict）"},
    413: {"model": ErrorOut, "description": "请求体过大"},
    422: {"model": ErrorOut, "description": "输入有误，field 指明字段"},
    503: {"model": ErrorOut, "description": "数据库或平台暂时不可用"},
}


# ---------------------------------------------------------------- the 政企通 desk (R-ENTERPRISE)
class ClaimIn(Body):
    version: Version = None


class AssignSpecialistIn(Body):
    specialist_id: Id = Field(description="政策专员编号（hotline expert list --kind policy）")
    reason: Str2000 = Field(description="分配或改派的理由（必填）")
    version: Version = None


class FollowIn(Body):
    note: Str2000 = Field(description="跟进内容：为企业做了什么、推送了哪些政策")
    version: Version = None


Words = Annotated[list[Str20], Field(max_length=20)]


class PolicySearchIn(Body):
    """Policy articles for an enterprise (R-ENTERPRISE); an empty filter means any."""

    query: Str2000 = Field("", description="检索词；不填则列出筛选后的全部政策知识")
    industries: Words = Field([], description="行业，如 外贸、制造业")
    sizes: Words = Field([], description="企业规模：大型、中型、小型、微型、个体工商户")
    regions: Words = Field([], description="地区：湖南省的市州，如 长沙")
    limit: Annotated[int, Field(ge=1, le=100)] = 20
