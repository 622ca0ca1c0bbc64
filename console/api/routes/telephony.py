"""Call events from the telephony (CTI, R-SOURCE): signed by their source, not by a seat.

``POST /api/v1/cti/events`` takes one event (JSON: event_id, call_id, kind, at, caller, line,
seat, recording_id, to) with the source's HMAC signature in the headers (see
``telephony.signing``). An unknown source, a wrong signature or a stale timestamp is 403
(R-SECURITY); a bad field 422 naming it; an event already received 200 with status
``exists`` and nothing changed.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from console.api.deps import get_platform
from console.errors import InputError
from console.services.telephony.calls import ingest_event, parse_event
from console.services.telephony.signing import load_secrets, verify

router = APIRouter(tags=["telephony"])


class CallEventOut(BaseModel):
    status: str = Field(description="stored（已入库）或 exists（已收到过，未改动）")
    call_id: str
    state: str = Field(description="该通话目前的状态：ringing、answered、transferred、ended")


@router.post(
    "/cti/events",
    operation_id="cti_event",
    response_model=CallEventOut,
    openapi_extra={"security": []},
)
async def cti_event(request: Request) -> CallEventOut:
    """One call event from a telephony source (a city line's switch, the provincial ACD),
    signed in the headers ``X-Hotline-Source``, ``X-Hotline-Timestamp`` (Unix seconds) and
    ``X-Hotline-Signature`` (``sha256=`` HMAC-SHA256 of ``"{timestamp}.{body}"`` with the
    source's secret). The body is the event's JSON object, read as signed."""
    platform = get_platform(request)
    body = await request.body()
    source = request.headers.get("x-hotline-source", "")[:40]
    timestamp = request.headers.get("x-hotline-timestamp", "")[:20]
    signature = request.headers.get("x-hotline-signature", "")[:100]

    def ingest() -> CallEventOut:  # file and database work: off the event loop
        verify(load_secrets(platform.settings.cti_keys_file), source, timestamp, signature,
               body, time.time())  # fmt: skip
        try:
            raw: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise InputError("body", "不是有效的 JSON") from None
        done = ingest_event(platform.store, source, parse_event(raw), platform.clock.now())
        return CallEventOut(status=done.status, call_id=done.call_id, state=done.state)

    return await run_in_threadpool(ingest)
