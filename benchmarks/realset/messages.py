"""The real citizen messages (../shared/data/messages, not shipped) and their honest split.

Personal data: read at run time, never copied into the repository, never printed whole.

The split (by user and by time): every user belongs to one half, decided by the moment of
the user's first message. Users whose first message is before the median first-message
moment form the *development* half (thresholds, weights and models may be tuned on it);
the others form the *held-out* half, which nothing is tuned on and which is reported first.
So the held-out half is later in time and shares no caller with the development half.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "messages"
MESSAGES = DATA / "messages_with_votes.csv"
DEV, HELD_OUT = "dev", "held-out"


@dataclass(frozen=True)
class Message:
    msg_id: str
    user: str
    subject: str
    body: str
    at: dt.datetime

    @property
    def text(self) -> str:
        """What a caller would say: the subject line, then the message."""
        return f"{self.subject.strip()}。{' '.join(self.body.split())}"


def available() -> bool:
    return MESSAGES.exists()


def parse_time(value: str) -> dt.datetime:
    value = value.strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(f"unreadable time {value!r}")


def load_messages(path: Path = MESSAGES) -> list[Message]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            Message(
                r["留言编号"].strip(),
                r["留言用户"].strip(),
                r["留言主题"].strip(),
                r["留言详情"].strip(),
                parse_time(r["留言时间"]),
            )
            for r in csv.DictReader(fh)
        ]


def split_users(messages: Sequence[Message]) -> dict[str, str]:
    """user → DEV or HELD_OUT (see the module docstring)."""
    first: dict[str, dt.datetime] = {}
    for m in messages:
        if m.user not in first or m.at < first[m.user]:
            first[m.user] = m.at
    moments = sorted(first.values())
    median = moments[len(moments) // 2]
    return {user: (DEV if at < median else HELD_OUT) for user, at in first.items()}


def half_of(messages: Iterable[Message]) -> dict[str, str]:
    """msg_id → DEV or HELD_OUT."""
    messages = list(messages)
    users = split_users(messages)
    return {m.msg_id: users[m.user] for m in messages}
