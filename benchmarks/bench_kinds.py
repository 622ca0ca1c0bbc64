"""Benchmark: the kind hint (R-KIND, R-LIMIT) on real callers' words, held-out half first.

A complaint or a report has 10 working days, a consultation, a help request or a suggestion 5
(R-LIMIT): a grievance taken down under the form's default kind 咨询 tells the caller the wrong
limit. ``triage`` suggests 投诉 (举报 when the caller says 举报) when the request, taken down as
one of the 5-day kinds, says one of ``triage.GRIEVANCE_WORDS`` (chosen on the development half).

Real set (tests/data/real: messages.csv, and history.csv on the development half; the readers
labelled each message's kind, see LABELLING.md). For each half:

- ``hinted``: the share of requests the hint is shown for (taken down as 咨询);
- ``ten_day_right``: of those, the share the readers labelled 投诉 or 举报 (the limit told is
  then right) — the hint's precision;
- ``kind_right``: of those, the share whose kind is exactly the one suggested;
- ``ten_day_recall``: of the requests labelled 投诉 or 举报, the share the hint is shown for.

Baseline in the same run: every request suggested 投诉 (the most frequent kind).

Run: ``python benchmarks/bench_kinds.py``. Prints figures only, never a message's words.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from realset.labels import HISTORY, Labelled, load_labels
from realset.messages import DEV, HELD_OUT, available, load_messages

from console.services.triage import grievance
from console.services.values import Kind

TEN_DAYS = {"complaint", "report"}


def measure(cases: Sequence[Labelled], texts: dict[str, str], everyone: bool) -> dict[str, Any]:
    hinted = ten = exact = 0
    for c in cases:
        if everyone:
            said: Kind | None = Kind.COMPLAINT
        else:
            hint = grievance(texts[c.msg_id], Kind.CONSULTATION)
            said = hint.kind if hint is not None else None
        if said is None:
            continue
        hinted += 1
        ten += c.kind in TEN_DAYS
        exact += c.kind == said.value
    grievances = sum(c.kind in TEN_DAYS for c in cases)
    return {
        "cases": len(cases),
        "hinted": round(hinted / len(cases), 3) if cases else None,
        "ten_day_right": round(ten / hinted, 3) if hinted else None,
        "kind_right": round(exact / hinted, 3) if hinted else None,
        "ten_day_recall": round(ten / grievances, 3) if grievances else None,
    }


def run() -> dict[str, Any]:
    if not available():
        return {"skipped": "../shared/data is absent (real messages are not shipped)"}
    texts = {m.msg_id: m.text for m in load_messages()}
    labels = [c for c in load_labels() if c.msg_id in texts and c.kind]
    history = [c for c in load_labels(HISTORY) if c.msg_id in texts and c.kind]
    held = [c for c in labels if c.half == HELD_OUT]
    dev = [c for c in labels if c.half == DEV] + history
    return {
        HELD_OUT: {"hint": measure(held, texts, False), "baseline": measure(held, texts, True)},
        DEV: {"hint": measure(dev, texts, False), "baseline": measure(dev, texts, True)},
    }


def main(argv: list[str] | None = None) -> int:
    print(json.dumps(run(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
