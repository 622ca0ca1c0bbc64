"""Training the routing model from the store (`hotline model train`, and the worker's timer).

Examples come from what the store holds: the matter catalogue, the unit duties and the
knowledge articles (routing.seed_examples), and the platform's history — every dispatched
ticket with the unit it is with now, i.e. where it ended after returns and re-dispatches,
learned under the target its unit and matter type name (catalogue.Catalogue.target_of).

A trained model is saved as a new version (``routing_models``); every process loads the
newest version in the background and keeps serving the one it has until then.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from console.services.knowledge.catalogue import Catalogue
from console.services.knowledge.routing_model import FORMAT, Example, RoutingModel, train
from console.services.knowledge.seed import (
    BureauRecord,
    MatterRecord,
    Seed,
)
from console.services.values import Domain, State
from console.store.engine import Store
from console.store.models import (
    ArticleRow,
    BureauRow,
    MatterRow,
    RoutingModelRow,
    TicketRow,
    UnitRow,
)

HISTORY_LIMIT = 200_000
"""At most this many of the newest tickets are learned (a centre's last year or two)."""
RETRAIN_AFTER = 500
"""The worker retrains once this many tickets were dispatched since the newest model."""


@dataclass(frozen=True)
class TrainingReport:
    version: int
    examples: int
    history: int
    features: int
    seconds: float
    targets: int


def bureau_record(b: BureauRow) -> BureauRecord:
    return BureauRecord(id=b.id, name=b.name, duties=tuple(b.duties))


def matter_record(m: MatterRow) -> MatterRecord:
    return MatterRecord(
        id=m.id,
        name=m.name,
        domain=Domain(m.domain),
        owner=m.owner,
        also=tuple(m.also),
        basis=m.basis,
        describe=m.describe,
        terms=tuple(m.terms),
    )


def load_catalogue_seed(store: Store, articles: bool = True) -> Seed:
    """Units, bureaus, matter types and (unless ``articles`` is false) articles as the store
    holds them now."""
    from console.services.knowledge.service import article_record, unit_record

    with store.read() as s:
        units = tuple(
            unit_record(u)
            for u in s.execute(select(UnitRow).where(UnitRow.active.is_(True))).scalars()
        )
        bureaus = tuple(bureau_record(b) for b in s.execute(select(BureauRow)).scalars())
        matters = tuple(
            matter_record(m)
            for m in s.execute(select(MatterRow).where(MatterRow.active.is_(True))).scalars()
        )
        read = s.execute(select(ArticleRow)).scalars() if articles else ()
        texts = tuple(article_record(a) for a in read)
    return Seed(units=units, articles=texts, bureaus=bureaus, matters=matters)


def load_catalogue(store: Store) -> Catalogue:
    """The matter catalogue (事项清单) as the store holds it now: what reading a request
    (matter types, their owners) and the duplicate evidence need."""
    seed = load_catalogue_seed(store, articles=False)
    return Catalogue(seed.units, seed.bureaus, seed.matters)


def load_history(store: Store, catalogue: Catalogue) -> tuple[list[tuple[str, str, str]], int]:
    """(ticket number, text, target) of the newest dispatched tickets, and the newest id."""
    out: list[tuple[str, str, str]] = []
    newest = 0
    with store.read() as s:
        rows = s.execute(
            select(TicketRow.id, TicketRow.number, TicketRow.text, TicketRow.unit_id,
                   TicketRow.matter_type)
            .where(TicketRow.unit_id.is_not(None), TicketRow.state != State.REFUSED.value)
            .order_by(TicketRow.id.desc())
            .limit(HISTORY_LIMIT)
        ).all()  # fmt: skip
    for ticket_id, number, text, unit_id, matter_type in rows:
        newest = max(newest, ticket_id)
        target = catalogue.target_of(unit_id or "", matter_type or "")
        if target is not None and number is not None:
            out.append((str(number), text, target))
    out.reverse()
    return out, newest


def train_from_store(store: Store, now: dt.datetime, by: str = "") -> TrainingReport:
    """Train a model from the store and save it as the newest version."""
    from console.services.knowledge.routing import HISTORY_WEIGHT, seed_examples

    start = time.perf_counter()
    seed = load_catalogue_seed(store)
    catalogue = Catalogue(seed.units, seed.bureaus, seed.matters)
    history, newest = load_history(store, catalogue)
    examples = seed_examples(seed) + [
        Example(text, target, HISTORY_WEIGHT, "history") for _, text, target in history
    ]
    model = train(examples, info={"history": len(history)})
    seconds = time.perf_counter() - start
    with store.write() as s:
        row = RoutingModelRow(
            trained_at=now,
            trained_by=by,
            format=FORMAT,
            examples=len(examples),
            history_mark=newest,
            metrics={"history": len(history), "seconds": round(seconds, 2)},
            blob=model.to_bytes(),
        )
        s.add(row)
        s.flush()
        version = row.id
    return TrainingReport(
        version=version,
        examples=len(examples),
        history=len(history),
        features=len(model.vocabulary),
        seconds=round(seconds, 2),
        targets=len(model.classes),
    )


@dataclass(frozen=True)
class ModelVersion:
    version: int
    trained_at: dt.datetime
    trained_by: str
    examples: int
    history: int


def list_models(store: Store, limit: int = 20) -> list[ModelVersion]:
    """The newest trained versions of this format, newest first."""
    with store.read() as s:
        rows = s.execute(
            select(
                RoutingModelRow.id,
                RoutingModelRow.trained_at,
                RoutingModelRow.trained_by,
                RoutingModelRow.examples,
                RoutingModelRow.metrics,
            )
            .where(RoutingModelRow.format == FORMAT)
            .order_by(RoutingModelRow.id.desc())
            .limit(limit)
        ).all()
    return [
        ModelVersion(i, at, by, examples, int((metrics or {}).get("history", 0)))
        for i, at, by, examples, metrics in rows
    ]


def retrain_if_due(store: Store, now: dt.datetime) -> TrainingReport | None:
    """Train a new version when enough tickets were dispatched since the newest (the worker)."""
    if not due_for_training(store):
        return None
    return train_from_store(store, now, by="hotline worker")


def newest_version(store: Store) -> int:
    with store.read() as s:
        return int(
            s.execute(
                select(func.max(RoutingModelRow.id)).where(RoutingModelRow.format == FORMAT)
            ).scalar()
            or 0
        )


def load_model(store: Store, version: int | None = None) -> tuple[int, RoutingModel] | None:
    """The newest model of this format (or the given version), or None."""
    with store.read() as s:
        q = select(RoutingModelRow).where(RoutingModelRow.format == FORMAT)
        q = (
            q.where(RoutingModelRow.id == version)
            if version
            else q.order_by(RoutingModelRow.id.desc())
        )
        found = s.execute(
            q.with_only_columns(RoutingModelRow.id, RoutingModelRow.blob).limit(1)
        ).first()
    if found is None:
        return None
    # read back after the transaction: a large model takes a moment (see KnowledgeService)
    return found[0], RoutingModel.from_bytes(found[1])


def due_for_training(store: Store, after: int = RETRAIN_AFTER) -> bool:
    """True when no model exists or ``after`` tickets were dispatched since the newest."""
    with store.read() as s:
        mark = s.execute(
            select(RoutingModelRow.history_mark)
            .where(RoutingModelRow.format == FORMAT)
            .order_by(RoutingModelRow.id.desc())
            .limit(1)
        ).scalar()
        if mark is None:
            return True
        newer = s.execute(
            select(func.count())
            .select_from(TicketRow)
            .where(TicketRow.id > mark, TicketRow.unit_id.is_not(None))
        ).scalar_one()
    return int(newer) >= after
