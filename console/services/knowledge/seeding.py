"""`hotline seed`: load the knowledge seed into the store, idempotently.

Re-running changes nothing; an edited record is updated in place, never duplicated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.services.calendar.provider import save_schedule
from console.services.calendar.schedule_file import load_schedule_file
from console.services.knowledge.seed import (
    ArticleRecord,
    DutyOfficeRecord,
    MatterRecord,
    Seed,
    UnitRecord,
    load_seed,
)
from console.store.engine import Store
from console.store.models import (
    ArticleRow,
    BureauRow,
    CalendarScheduleRow,
    DutyOfficeRow,
    GroundRow,
    MatterRow,
    PrefilingRow,
    SynonymRow,
    UnitRow,
)


@dataclass(frozen=True)
class SeedReport:
    units_added: int = 0
    units_updated: int = 0
    articles_added: int = 0
    articles_updated: int = 0
    grounds: int = 0
    prefiling: int = 0
    synonyms: int = 0
    calendars: int = 0
    matters: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.units_added,
                self.units_updated,
                self.articles_added,
                self.articles_updated,
                self.grounds,
                self.prefiling,
                self.synonyms,
                self.calendars,
                self.matters,
            )
        )


def duty_numbers(u: UnitRecord | DutyOfficeRecord) -> dict[str, object]:
    """The duty numbers the seed gives: an empty one keeps the number set by hand
    (`hotline unit set`), a re-seed never wipes it."""
    return {k: v for k, v in (("duty_phone", u.duty_phone), ("duty_sms", u.duty_sms)) if v}


def unit_fields(u: UnitRecord) -> dict[str, object]:
    return dict(
        **duty_numbers(u),
        name=u.name,
        full_name=u.full_name,
        category=u.category,
        city=u.city,
        subcentre=u.subcentre,
        hotline=u.hotline,
        contact_role=u.contact_role,
        domains=[d.value for d in u.domains],
        duties=list(u.duties),
        keywords=list(u.keywords),
    )


def article_fields(a: ArticleRecord) -> dict[str, object]:
    return dict(
        unit_id=a.unit_id,
        question=a.question,
        alt_questions=list(a.alt_questions),
        answer=a.answer,
        basis=a.basis,
        domain=a.domain.value,
        tags=list(a.tags),
        enterprise=a.enterprise,
        effective=a.effective,
        review_by=a.review_by,
        status=a.status,
        matter=a.matter,
    )


def matter_fields(m: MatterRecord) -> dict[str, object]:
    return dict(
        name=m.name,
        domain=m.domain.value,
        owner=m.owner,
        also=list(m.also),
        basis=m.basis,
        describe=m.describe,
        terms=list(m.terms),
    )


def _upsert(row: object | None, fields: dict[str, object]) -> bool:
    """Set the fields that differ; True if any did."""
    changed = False
    for key, value in fields.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def apply_seed(store: Store, seed: Seed, now: dt.datetime, by: str = "seed") -> SeedReport:
    """Write the seed into the store in one transaction."""
    counts: dict[str, int] = dict.fromkeys(
        ("units_added", "units_updated", "articles_added", "articles_updated", "grounds",
         "prefiling", "synonyms", "matters"),
        0,
    )  # fmt: skip
    with store.write() as s:
        _put_units(s, seed, counts)
        s.flush()
        _put_articles(s, seed, counts, now, by)
        _put_grounds(s, seed, counts)
        _put_prefiling(s, seed, counts)
        _put_catalogue(s, seed, counts)
        _put_duty_offices(s, seed)
        existing = {tuple(r.terms) for r in s.execute(select(SynonymRow)).scalars()}
        for group in seed.synonyms:
            if tuple(group) not in existing:
                s.add(SynonymRow(terms=list(group)))
                counts["synonyms"] += 1
    return SeedReport(**counts)


def _put_units(s: Session, seed: Seed, counts: dict[str, int]) -> None:
    for u in seed.units:
        row = s.get(UnitRow, u.id)
        if row is None:
            s.add(UnitRow(id=u.id, **unit_fields(u)))
            counts["units_added"] += 1
        elif _upsert(row, unit_fields(u)):
            counts["units_updated"] += 1


def _put_duty_offices(s: Session, seed: Seed) -> None:
    """The government duty offices (值班室, 当地人民政府) special incidents are reported to."""
    for o in seed.duty_offices:
        fields: dict[str, object] = dict(name=o.name, city=o.city, **duty_numbers(o))
        row = s.get(DutyOfficeRow, o.id)
        if row is None:
            s.add(DutyOfficeRow(id=o.id, **{"duty_phone": "", "duty_sms": "", **fields}))
        else:
            _upsert(row, fields)


def _put_articles(
    s: Session, seed: Seed, counts: dict[str, int], now: dt.datetime, by: str
) -> None:
    for a in seed.articles:
        row = s.get(ArticleRow, a.id)
        if row is None:
            s.add(ArticleRow(id=a.id, updated_at=now, updated_by=by, **article_fields(a)))
            counts["articles_added"] += 1
        elif _upsert(row, article_fields(a)):
            row.updated_at, row.updated_by = now, by
            row.version = (row.version or 1) + 1  # an edit opened before the import is stale
            counts["articles_updated"] += 1


def _put_grounds(s: Session, seed: Seed, counts: dict[str, int]) -> None:
    for g in seed.grounds:
        fields: dict[str, object] = dict(
            title=g.title, script=g.script, basis=g.basis, examples=list(g.examples)
        )
        row = s.get(GroundRow, g.number)
        if row is None:
            s.add(GroundRow(number=g.number, **fields))
            counts["grounds"] += 1
        elif _upsert(row, fields):
            counts["grounds"] += 1


def _put_prefiling(s: Session, seed: Seed, counts: dict[str, int]) -> None:
    for p in seed.prefiling:
        fields: dict[str, object] = dict(
            unit_id=p.unit_id,
            reason=p.reason,
            title=p.title,
            keywords=list(p.keywords),
            region=p.region,
            explanation=p.explanation,
        )
        row = s.get(PrefilingRow, p.id)
        if row is None:
            s.add(PrefilingRow(id=p.id, starts=p.starts, ends=p.ends, **fields))
            counts["prefiling"] += 1
        elif _upsert(row, fields) or row.starts != p.starts or row.ends != p.ends:
            row.starts, row.ends = p.starts, p.ends
            counts["prefiling"] += 1


def _put_catalogue(s: Session, seed: Seed, counts: dict[str, int]) -> None:
    """The kinds of city bureau and the matter types (事项清单)."""
    for b in seed.bureaus:
        fields: dict[str, object] = dict(name=b.name, duties=list(b.duties))
        bureau = s.get(BureauRow, b.id)
        if bureau is None:
            s.add(BureauRow(id=b.id, **fields))
            counts["matters"] += 1
        elif _upsert(bureau, fields):
            counts["matters"] += 1
    for m in seed.matters:
        matter = s.get(MatterRow, m.id)
        if matter is None:
            s.add(MatterRow(id=m.id, active=True, **matter_fields(m)))
            counts["matters"] += 1
        elif _upsert(matter, matter_fields(m)):
            counts["matters"] += 1


def seed_store(store: Store, seed_dir: Path, now: dt.datetime) -> SeedReport:
    """Load the seed folder and the official calendars in it."""
    report = apply_seed(store, load_seed(seed_dir), now)
    calendars = 0
    for path in sorted((seed_dir / "calendar").glob("[0-9][0-9][0-9][0-9].toml")):
        schedule = load_schedule_file(path)
        with store.read() as s:
            row = s.get(CalendarScheduleRow, schedule.year)
            same = (
                row is not None
                and row.source == schedule.source
                and len(row.holidays) == len(schedule.holidays)
            )
        if not same:
            save_schedule(store, schedule, "seed", now)
            calendars += 1
    return SeedReport(**{**report.__dict__, "calendars": calendars})
