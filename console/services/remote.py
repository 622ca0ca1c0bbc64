"""RemoteBackend: the Backend's use cases over HTTP, against ``hotline serve``.

A screen cannot tell it from LocalBackend: the same methods, the same frozen values back
(datetimes tz-aware, enums restored, tuples as tuples), the same exceptions with the same
attributes (RuleError.rule, InputError.field, Conflict.changed_by …), rebuilt from the API's
JSON error object (``console.api.errors``).

Transport: ONE ``httpx.Client`` per backend (injected or made here), a timeout per call, and
retries only where they cannot do harm — reads (GET, and the POST reads that carry a caller's
words in their body) are retried on connection failures and timeouts with a short bounded
backoff; a command is retried only when the connection was never made (nothing was sent),
never after a timeout (it may have been applied). A failure the seat can do nothing about
becomes ``Unavailable`` with one Chinese sentence per kind: refused, timed out, server error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import threading
import time
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints
from urllib.parse import quote, urlsplit

import httpx

from console.errors import (
    Conflict,
    HotlineError,
    InputError,
    NotFound,
    PermissionDenied,
    RuleError,
    Unavailable,
)
from console.services.clock import SHANGHAI
from console.services.values import Satisfaction, Special
from console.services.views import (
    Actor,
    ArticleDraftView,
    ArticleEditView,
    ArticleFlagView,
    ArticleHit,
    ArticleView,
    CallerHistoryView,
    CallPops,
    ContactView,
    CountedTicket,
    DeskItemView,
    DuePreview,
    DuplicateView,
    EvaluationView,
    ExpertDraft,
    ExpertHandoffView,
    ExpertMeasures,
    ExpertView,
    Finding,
    GroundView,
    HotAlertView,
    HotGroupView,
    Intake,
    KpiReport,
    LiveChanges,
    Page,
    PolicyHitView,
    PolicyPushReport,
    PolicySubscriptionDraft,
    PolicySubscriptionView,
    PrefilingDraft,
    PrefilingScopeView,
    PrefilingView,
    ReviewDueView,
    SpecialistView,
    TicketView,
    UnitSuggestionView,
    UnitView,
)

API_PREFIX = "/api/v1"
DEFAULT_TIMEOUT = 10.0
CONNECT_TIMEOUT = 3.0
RETRY_DELAYS = (0.1, 0.4)
STREAM_READ_TIMEOUT = 40.0
"""Seconds a live stream may stay silent before it counts as lost (the server sends its
cursors every 15 s when nothing changes)."""
"""Pauses before the 2nd and 3rd try of a retryable call (bounded: at most 3 tries)."""
CLOCK_HEADER = "x-hotline-now"
"""Every answer of the API carries the platform's time in this header."""

T = TypeVar("T")


# ---------------------------------------------------------------- values ⇄ JSON
def encode(value: Any) -> Any:
    """A value of the Backend's signatures as JSON (dataclasses, enums, dates, tuples)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=SHANGHAI)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = get_type_hints(cls)
    return hints


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:  # the API always sends an offset; be safe all the same
        return moment.replace(tzinfo=SHANGHAI)
    # The services hand out UTC (from the store) or Beijing time (clocks, calendars).
    if moment.utcoffset() == dt.timedelta(0):
        return moment.astimezone(dt.UTC)
    return moment.astimezone(SHANGHAI)


def sse_events(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Server-Sent Events → (event, data) pairs: fields until a blank line, comments skipped,
    several ``data`` lines joined by newlines (the WHATWG event-stream format)."""
    event, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)


def decode(tp: Any, value: Any) -> Any:
    """JSON → the Python value of type ``tp`` (a view dataclass, enum, datetime, tuple …)."""
    if tp is Any or tp is object:
        return value
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return decode(args[0], value) if len(args) == 1 else value
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {
            f.name: decode(hints[f.name], value[f.name])
            for f in dataclasses.fields(tp)
            if f.name in value
        }
        return tp(**kwargs)
    if origin is tuple:
        items = get_args(tp)
        if len(items) == 2 and items[1] is Ellipsis:
            return tuple(decode(items[0], v) for v in value)
        return tuple(decode(a, v) for a, v in zip(items, value, strict=False))
    if origin in (list, Sequence) or tp is list:
        (arg,) = get_args(tp) or (Any,)
        return [decode(arg, v) for v in value]
    if origin in (dict, Mapping):
        _, vt = get_args(tp) or (Any, Any)
        return {k: decode(vt, v) for k, v in value.items()}
    if tp is dt.datetime:
        return _moment(value)
    if tp is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


# ---------------------------------------------------------------- errors
def error_from(status: int, payload: Any) -> HotlineError:
    """The exception a JSON error object stands for (the inverse of console.api.errors)."""
    if not isinstance(payload, dict) or "error" not in payload:
        if status >= 500:
            return Unavailable(f"平台服务出错（HTTP {status}），请稍后重试")
        return HotlineError(f"平台服务拒绝了请求（HTTP {status}）")
    kind = payload.get("error")
    message = str(payload.get("message") or "")
    rule = payload.get("rule") or ""
    if kind == "rule":
        return RuleError(rule, str(payload.get("reason", message)), str(payload.get("allowed", "")))
    if kind == "input":
        return InputError(str(payload.get("field") or "body"), str(payload.get("problem", message)))
    if kind in ("permission", "unauthenticated"):
        return PermissionDenied(str(payload.get("reason", message)), rule=rule or "R-SECURITY")
    if kind == "not_found":
        return NotFound(str(payload.get("what", "")), str(payload.get("key", "")))
    if kind == "conflict":
        return Conflict(
            str(payload.get("what", "")),
            str(payload.get("changed_by", "")),
            str(payload.get("changed_at", "")),
        )
    if kind == "too_large":
        return InputError("body", message or "请求体过大")
    if kind == "unavailable":
        return Unavailable(message or "平台服务暂时不可用，请稍后重试")
    if status >= 500:
        return Unavailable(f"平台服务出错（HTTP {status}），请稍后重试")
    return HotlineError(message or f"平台服务拒绝了请求（HTTP {status}）")


# ---------------------------------------------------------------- the backend
class RemoteBackend:
    """Implements ``console.services.backend.Backend`` against ``hotline serve``.

    Args:
        base_url: where the server is, e.g. ``https://hotline.example:8345``.
        token: this seat's token (``hotline seat add``).
        client: an ``httpx.Client`` to share (tests, a custom transport); by default one is made
            here and closed by :meth:`close`.
        timeout: seconds for one call (connecting: at most :data:`CONNECT_TIMEOUT`).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        client: httpx.Client | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not token:
            raise PermissionDenied("远程模式需要席位令牌（HOTLINE_TOKEN）")
        self.base_url = base_url.rstrip("/")
        self._host = urlsplit(self.base_url).netloc or self.base_url
        self.timeout = httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout))
        self._own_client = client is None
        self._client = client or httpx.Client(timeout=self.timeout)
        self._auth = {"Authorization": f"Bearer {token}"}
        self._lock = threading.Lock()
        self._actor: Actor | None = None
        # the server's (now, local monotonic at that moment, drill, running)
        self._clock: tuple[dt.datetime, float, bool, bool] | None = None

    # ------------------------------------------------------------ plumbing
    def close(self) -> None:
        """Close the HTTP client if this backend made it."""
        if self._own_client:
            self._client.close()

    def __enter__(self) -> RemoteBackend:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def connect(self) -> RemoteBackend:
        """Ask who this token is and what time it is (fails early with a clear message)."""
        self._actor = decode(Actor, self._call("GET", "/me"))
        self._sync_clock()
        return self

    def _url(self, path: str) -> str:
        return f"{self.base_url}{API_PREFIX}{path}"

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        safe: bool | None = None,
        timeout: float | None = None,
    ) -> Any:
        """One API call; the decoded JSON (None for 204). Raises the service's exceptions.

        ``safe``: may be repeated after a timeout (reads). Defaults to ``method == "GET"``.
        """
        retry_after_timeout = method == "GET" if safe is None else safe
        request_timeout = self.timeout if timeout is None else httpx.Timeout(timeout)
        attempts = len(RETRY_DELAYS) + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._client.request(
                    method,
                    self._url(path),
                    params=params,
                    json=json,
                    headers=self._auth,
                    timeout=request_timeout,
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Never connected: nothing was sent, so even a command may be tried again.
                if last:
                    raise self._unavailable(exc) from None
            except httpx.TransportError as exc:
                # Sent, and then no (full) answer: only a read may be asked again.
                if last or not retry_after_timeout:
                    raise self._unavailable(exc) from None
            else:
                if response.status_code in (502, 503, 504) and retry_after_timeout and not last:
                    pass  # a proxy or a restarting server: ask again
                else:
                    return self._result(response)
            time.sleep(RETRY_DELAYS[attempt])
        raise Unavailable("平台服务暂时不可用，请稍后重试")  # not reached

    def _result(self, response: httpx.Response) -> Any:
        self._note_clock(response)
        if response.status_code == 204:
            return None
        try:
            payload = response.json()
        except ValueError:  # not JSON (a proxy's page): a JSON null is an answer ("none yet")
            if response.status_code >= 400:
                raise error_from(response.status_code, None) from None
            if response.content:
                raise Unavailable(
                    f"平台服务返回了无法识别的内容（HTTP {response.status_code}）"
                ) from None
            return None
        if response.status_code >= 400:
            raise error_from(response.status_code, payload)
        return payload

    def _unavailable(self, exc: httpx.TransportError) -> Unavailable:
        seconds = self.timeout.read or DEFAULT_TIMEOUT
        if isinstance(exc, httpx.ConnectTimeout):
            return Unavailable(f"连接平台服务 {self._host} 超时，请检查网络后重试")
        if isinstance(exc, httpx.ConnectError):
            return Unavailable(
                f"无法连接平台服务 {self._host}（连接被拒绝或网络不通），请检查服务是否运行、网络是否畅通"
            )
        if isinstance(exc, httpx.TimeoutException):
            return Unavailable(
                f"平台服务 {self._host} 超过 {seconds:g} 秒未响应，请稍后重试"
                "（若为提交操作，请先刷新工单确认是否已生效）"
            )
        return Unavailable(f"与平台服务 {self._host} 的连接中断，请稍后重试")

    def _get(self, tp: Any, path: str, **params: Any) -> Any:
        query = {k: encode(v) for k, v in params.items() if v is not None}
        return decode(tp, self._call("GET", path, params=query or None))

    def _read(self, tp: Any, path: str, body: Mapping[str, Any]) -> Any:
        """A read whose input is a caller's words: POSTed, and safe to repeat."""
        return decode(tp, self._call("POST", path, json=encode(body), safe=True))

    def _command(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        return self._call("POST", path, json=encode(body or {}))

    @staticmethod
    def _t(number: str) -> str:
        return f"/tickets/{quote(str(number), safe='')}"

    # ------------------------------------------------------------ identity and clock
    @property
    def actor(self) -> Actor:
        if self._actor is None:
            with self._lock:
                if self._actor is None:
                    self._actor = decode(Actor, self._call("GET", "/me"))
        return self._actor

    def _sync_clock(self) -> tuple[dt.datetime, float, bool, bool]:
        payload = self._call("GET", "/clock")
        state = (
            _moment(payload["now"]),
            time.monotonic(),
            bool(payload["drill"]),
            bool(payload["running"]),
        )
        self._clock = state
        return state

    def _note_clock(self, response: httpx.Response) -> None:
        """Keep the server's time from the header every answer carries (no extra call)."""
        stamp = response.headers.get(CLOCK_HEADER)
        state = self._clock
        if stamp is None or state is None:
            return
        try:
            moment = _moment(stamp)
        except ValueError:
            return
        self._clock = (moment, time.monotonic(), state[2], state[3])

    def _clock_state(self) -> tuple[dt.datetime, float, bool, bool]:
        state = self._clock
        if state is None:
            with self._lock:
                state = self._clock or self._sync_clock()
        return state

    def now(self) -> dt.datetime:
        """The server's clock: asked once, then kept from every answer and run on locally.

        Never a network call after :meth:`connect` (screens may ask from the UI thread).
        """
        moment, at, _drill, running = self._clock_state()
        if not running:
            return moment
        return moment + dt.timedelta(seconds=time.monotonic() - at)

    @property
    def drill(self) -> bool:
        return self._clock_state()[2]

    # ------------------------------------------------------------ reference data
    def units(self) -> Sequence[UnitView]:
        return self._get(list[UnitView], "/units")  # type: ignore[no-any-return]

    def grounds(self) -> Sequence[GroundView]:
        return self._get(list[GroundView], "/grounds")  # type: ignore[no-any-return]

    def hot_matters(self, limit: int = 20) -> Sequence[HotGroupView]:
        return self._get(list[HotGroupView], "/analytics/hot", limit=limit)  # type: ignore[no-any-return]

    def hot_alerts(self) -> Sequence[HotAlertView]:
        return self._get(list[HotAlertView], "/analytics/alerts")  # type: ignore[no-any-return]

    def hot_matter_of(self, number: str) -> HotGroupView | None:
        path = f"/analytics/hot/of/{quote(str(number), safe='')}"
        return self._get(HotGroupView | None, path)  # type: ignore[no-any-return]

    def prefiling_active(self, at: dt.datetime | None = None) -> Sequence[PrefilingView]:
        return self._get(list[PrefilingView], "/prefiling/active", at=at)  # type: ignore[no-any-return]

    def due_preview(self, kind: str, start: dt.datetime | None = None) -> Sequence[DuePreview]:
        return self._get(list[DuePreview], "/due-preview", kind=kind, start=start)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ knowledge, routing, duplicates
    def search_kb(
        self, query: str, unit: str | None = None, domain: str | None = None, limit: int = 10
    ) -> Sequence[ArticleHit]:
        body = {"query": query, "unit": unit, "domain": domain, "limit": limit}
        return self._read(list[ArticleHit], "/kb/search", body)  # type: ignore[no-any-return]

    def article(self, article_id: str) -> ArticleView:
        return self._get(ArticleView, f"/kb/articles/{quote(article_id, safe='')}")  # type: ignore[no-any-return]

    def flag_article(self, article_id: str, problem: str, note: str) -> None:
        self._command(
            f"/kb/articles/{quote(article_id, safe='')}/flag", {"problem": problem, "note": note}
        )

    def article_flags(self) -> Sequence[ArticleFlagView]:
        return self._get(list[ArticleFlagView], "/kb/flags")  # type: ignore[no-any-return]

    def articles_due_review(self) -> Sequence[ReviewDueView]:
        return self._get(list[ReviewDueView], "/kb/review-due")  # type: ignore[no-any-return]

    def resolve_article_flag(self, flag_id: int, outcome: str, note: str) -> None:
        self._command(f"/kb/flags/{int(flag_id)}/resolve", {"outcome": outcome, "note": note})

    def verify_article(
        self, article_id: str, review_by: dt.date | None = None, version: int | None = None
    ) -> int:
        payload = self._command(
            f"/kb/articles/{quote(article_id, safe='')}/verify",
            {"review_by": review_by, "version": version},
        )
        return int(payload["closed"])

    def article_for_edit(self, article_id: str) -> ArticleEditView:
        return self._get(ArticleEditView, f"/kb/articles/{quote(article_id, safe='')}/edit")  # type: ignore[no-any-return]

    def edit_article(
        self,
        article_id: str,
        version: int,
        question: str,
        answer: str,
        basis: str,
        tags: Sequence[str],
        review_by: dt.date,
    ) -> ArticleEditView:
        body = {
            "version": version,
            "question": question,
            "answer": answer,
            "basis": basis,
            "tags": list(tags),
            "review_by": review_by,
        }
        payload = self._command(f"/kb/articles/{quote(article_id, safe='')}/edit", body)
        return decode(ArticleEditView, payload)  # type: ignore[no-any-return]

    def article_drafts(self) -> Sequence[ArticleDraftView]:
        return self._get(list[ArticleDraftView], "/kb/drafts")  # type: ignore[no-any-return]

    def suggest_units(
        self, text: str, domain: str | None = None, place: str | None = None, k: int = 3
    ) -> Sequence[UnitSuggestionView]:
        body = {"text": text, "domain": domain, "place": place, "k": k}
        return self._read(list[UnitSuggestionView], "/routing/suggest", body)  # type: ignore[no-any-return]

    def find_duplicates(
        self, text: str, caller_phone: str | None = None, k: int = 5
    ) -> Sequence[DuplicateView]:
        body = {"text": text, "caller_phone": caller_phone, "k": k}
        return self._read(list[DuplicateView], "/intake/duplicates", body)  # type: ignore[no-any-return]

    def match_prefiling(self, text: str, place: str | None = None) -> Sequence[PrefilingView]:
        body = {"text": text, "place": place}
        return self._read(list[PrefilingView], "/prefiling/match", body)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ pre-filed scopes
    def prefiling_scopes(self, state: str | None = None) -> Sequence[PrefilingScopeView]:
        return self._get(list[PrefilingScopeView], "/prefiling/scopes", state=state or None)  # type: ignore[no-any-return]

    def file_prefiling(self, draft: PrefilingDraft) -> str:
        return str(self._command("/prefiling/scopes", encode(draft))["id"])

    def review_prefiling(self, scope_id: str, approve: bool, note: str = "") -> None:
        self._command(
            f"/prefiling/scopes/{quote(scope_id, safe='')}/review",
            {"approve": approve, "note": note},
        )

    def withdraw_prefiling(self, scope_id: str, reason: str) -> None:
        self._command(f"/prefiling/scopes/{quote(scope_id, safe='')}/withdraw", {"reason": reason})

    # ------------------------------------------------------------ expert roster (R-EXPERT)
    def experts(
        self,
        field: str | None = None,
        on_duty: bool = False,
        include_retired: bool = False,
        kind: str | None = None,
    ) -> Sequence[ExpertView]:
        return self._get(  # type: ignore[no-any-return]
            list[ExpertView],
            "/experts",
            field=field or None,
            on_duty=on_duty or None,
            include_retired=include_retired or None,
            kind=kind or None,
        )

    def add_expert(self, draft: ExpertDraft) -> str:
        return str(self._command("/experts", encode(draft))["id"])

    def edit_expert(self, expert_id: str, draft: ExpertDraft) -> None:
        self._command(f"/experts/{quote(expert_id, safe='')}", encode(draft))

    def retire_expert(self, expert_id: str, reason: str) -> None:
        self._command(f"/experts/{quote(expert_id, safe='')}/retire", {"reason": reason})

    # ------------------------------------------------------------ policy push (R-ENTERPRISE)
    def policy_subscriptions(self, include_ended: bool = False) -> Sequence[PolicySubscriptionView]:
        return self._get(  # type: ignore[no-any-return]
            list[PolicySubscriptionView],
            "/policy/subscriptions",
            include_ended=include_ended or None,
        )

    def subscribe_policy(self, draft: PolicySubscriptionDraft) -> str:
        return str(self._command("/policy/subscriptions", encode(draft))["id"])

    def unsubscribe_policy(self, subscription_id: str, reason: str) -> int:
        path = f"/policy/subscriptions/{quote(subscription_id, safe='')}/unsubscribe"
        return int(self._command(path, {"reason": reason})["withdrawn"])

    def policy_push_report(self, period: str) -> PolicyPushReport:
        return self._get(PolicyPushReport, "/policy/pushes", period=period)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ the 政企通 desk (R-ENTERPRISE)
    def desk(self, which: str = "all") -> Sequence[DeskItemView]:
        return self._get(list[DeskItemView], "/desk", which=which)  # type: ignore[no-any-return]

    def specialists(self) -> Sequence[SpecialistView]:
        return self._get(list[SpecialistView], "/specialists")  # type: ignore[no-any-return]

    def claim_enterprise(self, number: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/specialist/claim", {"version": version})

    def assign_specialist(
        self, number: str, specialist_id: str, reason: str, version: int | None = None
    ) -> None:
        body = {"specialist_id": specialist_id, "reason": reason, "version": version}
        self._command(f"{self._t(number)}/specialist", body)

    def follow_enterprise(self, number: str, note: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/follow", {"note": note, "version": version})

    def policy_search(
        self,
        query: str = "",
        industries: Sequence[str] = (),
        sizes: Sequence[str] = (),
        regions: Sequence[str] = (),
        limit: int = 20,
    ) -> Sequence[PolicyHitView]:
        body = {
            "query": query,
            "industries": list(industries),
            "sizes": list(sizes),
            "regions": list(regions),
            "limit": limit,
        }
        return self._read(list[PolicyHitView], "/kb/policy-search", body)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ evaluations (R-GRADES)
    def evaluations(self, period: str | None = None) -> Sequence[EvaluationView]:
        return self._get(list[EvaluationView], "/evaluations", period=period or None)  # type: ignore[no-any-return]

    def evaluation(self, evaluation_id: str) -> EvaluationView:
        return self._get(EvaluationView, f"/evaluations/{quote(evaluation_id, safe='')}")  # type: ignore[no-any-return]

    def draft_evaluation(self, period: str, reason: str = "") -> str:
        return str(self._command("/evaluations", {"period": period, "reason": reason})["id"])

    def publish_evaluation(self, evaluation_id: str) -> None:
        self._command(f"/evaluations/{quote(evaluation_id, safe='')}/publish")

    def discard_evaluation(self, evaluation_id: str) -> None:
        self._command(f"/evaluations/{quote(evaluation_id, safe='')}/discard")

    def accountability(self, period: str, unit: str | None = None) -> Sequence[Finding]:
        return self._get(list[Finding], "/accountability", period=period, unit=unit)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ intake
    def _intake(self, path: str, body: Mapping[str, Any]) -> str:
        return str(self._command(f"/intake/{path}", body)["number"])

    def refuse(self, intake: Intake, ground: int, reason: str, basis: str = "") -> str:
        return self._intake(
            "refuse", {"intake": intake, "ground": ground, "reason": reason, "basis": basis}
        )

    def answer(
        self,
        intake: Intake,
        article_id: str | None,
        note: str = "",
        confirmed: Sequence[str] = (),
    ) -> str:
        return self._intake(
            "answer",
            {
                "intake": intake,
                "article_id": article_id,
                "note": note,
                "confirmed": list(confirmed),
            },
        )

    # ------------------------------------------------------------ hand-offs to experts
    def hand_to_expert(
        self,
        intake: Intake,
        field: str,
        expert_id: str | None = None,
        *,
        consent: bool,
        channel: str = "sms",
        tried: Sequence[str] = (),
        ground: int | None = None,
        reasons: Sequence[str] = (),
        note: str = "",
    ) -> str:
        return self._intake(
            "hand-to-expert",
            {
                "intake": intake,
                "field": field,
                "expert_id": expert_id or None,
                "consent": consent,
                "channel": channel,
                "tried": list(tried),
                "ground": ground,
                "reasons": list(reasons),
                "note": note,
            },
        )

    def expert_queue(self) -> Sequence[ExpertHandoffView]:
        return self._get(list[ExpertHandoffView], "/experts/queue")  # type: ignore[no-any-return]

    def expert_handoff(self, number: str) -> ExpertHandoffView:
        return self._get(  # type: ignore[no-any-return]
            ExpertHandoffView, f"{self._t(number)}/expert-handoff"
        )

    def take_handoff(self, number: str) -> ExpertHandoffView:
        # the first take counts, a repeat changes nothing: safe to send again after a timeout
        path = f"{self._t(number)}/expert-handoff/take"
        return decode(ExpertHandoffView, self._call("POST", path, safe=True))  # type: ignore[no-any-return]

    def expert_handoffs(
        self, field: str | None = None, waiting: bool = False, days: int = 7
    ) -> Sequence[ExpertHandoffView]:
        return self._get(  # type: ignore[no-any-return]
            list[ExpertHandoffView],
            "/experts/handoffs",
            field=field or None,
            waiting=waiting or None,
            days=days,
        )

    def expert_measures(self, period: str, unit: str | None = None) -> ExpertMeasures:
        return self._get(ExpertMeasures, "/reports/experts", period=period, unit=unit)  # type: ignore[no-any-return]

    def answer_consultation(
        self, number: str, answer: str, basis: str = "", version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/expert-answer",
            {"answer": answer, "basis": basis, "version": version},
        )

    def capture_article(self, number: str, question: str, tags: Sequence[str] = ()) -> str:
        body = {"question": question, "tags": list(tags)}
        return str(self._command(f"{self._t(number)}/expert-article", body)["id"])

    def promise_callback(self, intake: Intake, note: str = "") -> str:
        return self._intake("promise-callback", {"intake": intake, "note": note})

    def explain_prefiled(self, intake: Intake, scope_id: str) -> str:
        return self._intake("explain-prefiled", {"intake": intake, "scope_id": scope_id})

    def transfer(self, intake: Intake, target_line: str, target_is_city_line: bool) -> str:
        return self._intake(
            "transfer",
            {
                "intake": intake,
                "target_line": target_line,
                "target_is_city_line": target_is_city_line,
            },
        )

    def accept(
        self,
        intake: Intake,
        unit_id: str | None = None,
        co_unit_ids: Sequence[str] = (),
        special: Special = Special.NONE,
    ) -> str:
        return self._intake(
            "accept",
            {"intake": intake, "unit_id": unit_id, "co_unit_ids": co_unit_ids, "special": special},
        )

    # ------------------------------------------------------------ tickets
    def ticket(self, number: str) -> TicketView:
        return self._get(TicketView, self._t(number))  # type: ignore[no-any-return]

    def queue(self, name: str, offset: int = 0, limit: int = 50) -> Page:
        return self._get(Page, f"/queues/{quote(name, safe='')}", offset=offset, limit=limit)  # type: ignore[no-any-return]

    def tickets_by_phone(self, phone: str, limit: int = 20) -> Page:
        # POST: a caller's number stays out of URLs and access logs
        payload = self._command("/ticket-search", {"phone": phone, "limit": limit})
        return decode(Page, payload)  # type: ignore[no-any-return]

    def caller_history(self, phone: str, limit: int = 10) -> CallerHistoryView:
        return self._read(CallerHistoryView, "/caller-history", {"phone": phone, "limit": limit})  # type: ignore[no-any-return]

    def call_pops(self, seat: str, after: int | None, wait: float = 0.0) -> CallPops:
        return self._held(CallPops, "/cti/pops", wait, seat=seat, after=after)  # type: ignore[no-any-return]

    def live_changes(
        self, after: int | None, wait: float = 0.0, kb_after: int | None = None
    ) -> LiveChanges:
        return self._held(LiveChanges, "/live", wait, after=after, kb_after=kb_after)  # type: ignore[no-any-return]

    def live_feed(
        self, after: int | None, kb_after: int | None = None, wait: float = 0.0
    ) -> Iterator[LiveChanges]:
        """The live feed pushed by the server (Server-Sent Events, ``/live/stream``): each
        batch of changes as it lands and, between them, the cursors alone. Ends when the
        server ends the stream (ask again from the last cursors); a lost connection raises
        :class:`Unavailable`. ``wait`` is unused: the server holds the stream."""
        del wait
        headers = dict(self._auth)
        if after is not None:
            headers["Last-Event-ID"] = f"{after}.{'' if kb_after is None else kb_after}"
        timeout = httpx.Timeout(self.timeout.read or DEFAULT_TIMEOUT, read=STREAM_READ_TIMEOUT)
        try:
            with self._client.stream("GET", self._url("/live/stream"), headers=headers,
                                     timeout=timeout) as response:  # fmt: skip
                if response.status_code >= 400:
                    response.read()
                    self._result(response)  # raises the service's error
                self._note_clock(response)
                for event, data in sse_events(response.iter_lines()):
                    if event in ("changes", "cursor"):
                        yield decode(LiveChanges, json.loads(data))
        except httpx.TransportError as exc:
            raise self._unavailable(exc) from None

    def _held(self, tp: Any, path: str, wait: float, **params: Any) -> Any:
        """A question the server holds up to ``wait`` seconds (long poll): the read timeout
        covers the wait."""
        query = {k: v for k, v in {**params, "wait": wait}.items() if v is not None}
        payload = self._call("GET", path, params=query,
                             timeout=wait + (self.timeout.read or DEFAULT_TIMEOUT))  # fmt: skip
        return decode(tp, payload)

    def search_tickets(
        self,
        number: str = "",
        phone: str = "",
        text: str = "",
        since: dt.date | None = None,
        until: dt.date | None = None,
        unit: str = "",
        state: str = "",
        offset: int = 0,
        limit: int = 50,
    ) -> Page:
        # POST: a caller's number and words stay out of URLs and access logs
        body = {
            "number": number,
            "phone": phone,
            "text": text,
            "since": since,
            "until": until,
            "unit": unit,
            "state": state,
            "offset": offset,
            "limit": limit,
        }
        return self._read(Page, "/tickets/search", body)  # type: ignore[no-any-return]

    def queue_counts(self, names: Sequence[str]) -> dict[str, int]:
        if not names:
            return {}
        return self._get(dict[str, int], "/queue-counts", names=list(names))  # type: ignore[no-any-return]

    def reveal_contact(self, number: str, reason: str) -> ContactView:
        payload = self._command(f"{self._t(number)}/reveal-contact", {"reason": reason})
        return decode(ContactView, payload)  # type: ignore[no-any-return]

    def claim_next(self, queue: str) -> str | None:
        payload = self._command(f"/queues/{quote(queue, safe='')}/claim")
        number = payload.get("number")
        return None if number is None else str(number)

    def release(self, number: str) -> None:
        self._command(f"{self._t(number)}/release")

    def dispatch(
        self, number: str, unit_id: str, co_unit_ids: Sequence[str] = (), version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/dispatch",
            {"unit_id": unit_id, "co_unit_ids": co_unit_ids, "version": version},
        )

    def sign(self, number: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/sign", {"version": version})

    def return_ticket(
        self, number: str, reason: str, basis: str, version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/return", {"reason": reason, "basis": basis, "version": version}
        )

    def review_return(
        self,
        number: str,
        approve: bool,
        reason: str,
        new_unit_id: str | None = None,
        co_unit_ids: Sequence[str] = (),
        version: int | None = None,
    ) -> None:
        self._command(
            f"{self._t(number)}/review-return",
            {
                "approve": approve,
                "reason": reason,
                "new_unit_id": new_unit_id,
                "co_unit_ids": co_unit_ids,
                "version": version,
            },
        )

    def designate_lead(
        self,
        number: str,
        lead_unit_id: str,
        co_unit_ids: Sequence[str],
        reason: str = "",
        version: int | None = None,
    ) -> None:
        self._command(
            f"{self._t(number)}/designate-lead",
            {
                "lead_unit_id": lead_unit_id,
                "co_unit_ids": co_unit_ids,
                "reason": reason,
                "version": version,
            },
        )

    def first_response(self, number: str, note: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/first-response", {"note": note, "version": version})

    def report_progress(self, number: str, note: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/progress", {"note": note, "version": version})

    def report_co_part(self, number: str, note: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/co-part", {"note": note, "version": version})

    def urge(self, number: str, note: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/urge", {"note": note, "version": version})

    def mark_law_case(self, number: str, note: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/mark-law-case", {"note": note, "version": version})

    def withdraw_law_case(self, number: str, note: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/withdraw-law-case", {"note": note, "version": version})

    def request_completion(
        self,
        number: str,
        contact_method: str,
        contact_date: dt.date | None,
        handling: str,
        version: int | None = None,
    ) -> None:
        self._command(
            f"{self._t(number)}/request-completion",
            {
                "contact_method": contact_method,
                "contact_date": contact_date,
                "handling": handling,
                "version": version,
            },
        )

    def review_completion(
        self, number: str, approve: bool, reason: str = "", version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/review-completion",
            {"approve": approve, "reason": reason, "version": version},
        )

    def request_extension(
        self, number: str, days: int, reason: str, version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/request-extension",
            {"days": days, "reason": reason, "version": version},
        )

    def review_extension(
        self, number: str, approve: bool, reason: str = "", version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/review-extension",
            {"approve": approve, "reason": reason, "version": version},
        )

    def request_termination(self, number: str, opinion: str, version: int | None = None) -> None:
        self._command(
            f"{self._t(number)}/request-termination", {"opinion": opinion, "version": version}
        )

    def review_termination(
        self, number: str, approve: bool, reason: str, version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/review-termination",
            {"approve": approve, "reason": reason, "version": version},
        )

    def answer_callback(self, number: str, answer: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/answer-callback", {"answer": answer, "version": version})

    def record_callback(
        self,
        number: str,
        result: Satisfaction | None,
        method: str = "manual",
        note: str = "",
        version: int | None = None,
    ) -> None:
        self._command(
            f"{self._t(number)}/callback",
            {"result": result, "method": method, "note": note, "version": version},
        )

    def settle_callbacks(self) -> list[str]:
        return [str(n) for n in self._command("/callbacks/settle")]

    def decide_dissatisfied(
        self, number: str, decision: str, reason: str, version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/decide-dissatisfied",
            {"decision": decision, "reason": reason, "version": version},
        )

    # ------------------------------------------------------------ the shift lead's board
    def renotify(self, number: str, note: str = "", version: int | None = None) -> int:
        payload = self._command(f"{self._t(number)}/renotify", {"note": note, "version": version})
        return int(payload["resend"])

    def escalate(self, number: str, reason: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/escalate", {"reason": reason, "version": version})

    def add_note(self, number: str, note: str, version: int | None = None) -> None:
        self._command(f"{self._t(number)}/notes", {"note": note, "version": version})

    def merge_ticket(
        self, number: str, master: str, reason: str = "", version: int | None = None
    ) -> None:
        self._command(
            f"{self._t(number)}/merge", {"master": master, "reason": reason, "version": version}
        )

    # ------------------------------------------------------------ supervision
    def open_supervision(
        self, number: str, ground: int, method: str, note: str, version: int | None = None
    ) -> int:
        payload = self._command(
            f"{self._t(number)}/supervisions",
            {"ground": ground, "method": method, "note": note, "version": version},
        )
        return int(payload["id"])

    def reply_supervision(self, supervision_id: int, reply: str) -> None:
        self._command(f"/supervisions/{int(supervision_id)}/reply", {"reply": reply})

    def extend_supervision(self, supervision_id: int, days: int, reason: str) -> None:
        self._command(
            f"/supervisions/{int(supervision_id)}/extend", {"days": days, "reason": reason}
        )

    def close_supervision(self, supervision_id: int, note: str) -> None:
        self._command(f"/supervisions/{int(supervision_id)}/close", {"note": note})

    # ------------------------------------------------------------ evaluation (R-UNIT-KPI)
    def unit_kpis(self, period: str, unit: str | None = None) -> KpiReport:
        return self._get(KpiReport, "/reports/kpi", period=period, unit=unit)  # type: ignore[no-any-return]

    def kpi_latest(self, period: str) -> KpiReport | None:
        return self._get(KpiReport | None, "/reports/kpi/latest", period=period)  # type: ignore[no-any-return]

    def kpi_tickets(self, period: str, unit: str, indicator: str) -> Sequence[CountedTicket]:
        return self._get(  # type: ignore[no-any-return]
            list[CountedTicket],
            "/reports/kpi/tickets",
            period=period,
            unit=unit,
            indicator=indicator,
        )
