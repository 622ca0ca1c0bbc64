"""Where `hotline worker` delivers outbox messages: an HTTP gateway or a JSON Lines file.

A sink sends one :class:`Message` and returns, or raises :class:`DeliveryError` saying why
not and whether a later attempt could succeed. Any other exception counts as a failure worth
retrying. A sink sends the message as it is (the gateway needs the unit's or caller's number)
and never logs or reports its payload or target: a failure's reason is a status code or an
exception class, nothing more.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

DEFAULT_TIMEOUT = 10.0
"""Seconds an HTTP delivery may take (connect, send, answer) before it counts as failed."""

# answers that refuse this message for good (it is malformed or too large): given up at once.
# Everything else that is not a success is tried again — 5xx, 408/429 ("not now"), and also
# 401/403/404 and redirects, which mean the worker's own gateway setting is wrong: fixing the
# setting must not find every message of the meantime given up.
REFUSED_FOR_GOOD = frozenset({400, 413, 415, 422})


@dataclass(frozen=True)
class Message:
    """One outbox row as a sink sees it: plain values, no ORM row."""

    key: str  # the idempotency key: the receiver de-duplicates on it
    channel: str  # sms / phone / duty_office / emergency / supervision_platform
    target: str
    ticket: str  # the ticket's number
    payload: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1  # 1 for the first try

    def body(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "channel": self.channel,
            "target": self.target,
            "ticket": self.ticket,
            "payload": self.payload,
        }


class DeliveryError(Exception):
    """A message was not delivered.

    Args:
        reason: short and free of message content ("HTTP 503", "ConnectTimeout").
        permanent: True when trying again cannot help (the receiver refused the message).
    """

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Sink(Protocol):
    """Sends messages somewhere; ``timeout`` bounds how long one :meth:`send` may take."""

    timeout: float

    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


class HttpSink:
    """POST each message as JSON to a gateway, with its key in the ``Idempotency-Key`` header.

    2xx: delivered. 409: the gateway already has this key (an earlier try got through) —
    delivered. 400/413/415/422: the gateway refuses this message; trying again cannot help, it
    is given up at once. Anything else (5xx, 408/429, 401/403/404 of a wrong setting, a
    redirect, a timeout, a connection failure): tried again later with backoff.
    """

    def __init__(
        self,
        url: str,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
            headers={"User-Agent": "hotline-worker"},
        )

    def send(self, message: Message) -> None:
        try:
            response = self._client.post(
                self.url, json=message.body(), headers={"Idempotency-Key": message.key}
            )
        except httpx.TimeoutException as exc:
            raise DeliveryError(type(exc).__name__) from None
        except httpx.HTTPError as exc:  # connection refused, reset, protocol error …
            raise DeliveryError(type(exc).__name__) from None
        status = response.status_code
        if 200 <= status < 300 or status == 409:
            return
        raise DeliveryError(f"HTTP {status}", permanent=status in REFUSED_FOR_GOOD)

    def close(self) -> None:
        self._client.close()


class FileSink:
    """Append each message as one JSON line to a file and fsync it (a site with no gateway,
    drills). A message sent again after a crash appears again with the same key: whoever
    reads the file de-duplicates on ``key``."""

    timeout = 5.0

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: Message) -> None:
        line = {
            **message.body(),
            "attempt": message.attempt,
            "written_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        data = (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                view = memoryview(data)
                while view:  # O_APPEND: each write lands at the end of the file
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise DeliveryError(type(exc).__name__) from None

    def close(self) -> None:
        return None
