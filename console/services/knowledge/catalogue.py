"""The dispatch catalogue (派单目录) and the matter catalogue (事项清单) as routing reads them.

A *target* is where a matter goes:

- a unit of the dispatch catalogue (a provincial department, a vertically managed or central
  unit, a public-service enterprise), keyed by its id; or
- ``city:<bureau>``: the 优化办 of the caller's city, which forwards the matter to that kind of
  city bureau (``city:yhb`` is the 优化办 itself). Which city follows from the place: the
  ticket's place, the line the call came from, or a city named in the text.

Every city 优化办 unit is the same target ``city:yhb`` for learning (their duties are the same
and only the place tells them apart); a ticket dispatched to one is learned under the bureau its
matter type names, so the history teaches "street lights → the city's urban-management bureau"
once for every city.

Pure: records in, lookups out; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from console.services.knowledge.seed import BureauRecord, MatterRecord, UnitRecord
from console.services.knowledge.text import normalize
from console.services.values import CITY_OWNER, CITY_SELF

HUNAN_CITIES: tuple[str, ...] = (
    "长沙市",
    "株洲市",
    "湘潭市",
    "衡阳市",
    "邵阳市",
    "岳阳市",
    "常德市",
    "张家界市",
    "益阳市",
    "郴州市",
    "永州市",
    "怀化市",
    "娄底市",
    "湘西土家族苗族自治州",
)
# Place names are region words, not topics: a city unit's keyword ending in one of these
# (or equal to its city's name) only tells where the caller is.
_PLACE_SUFFIXES = ("市", "区", "县", "州", "镇", "乡")


def city_stem(city: str) -> str:
    """The short name of a city as callers say it: 株洲市 → 株洲, 湘西土家族苗族自治州 → 湘西."""
    if city.endswith("土家族苗族自治州"):
        return city.removesuffix("土家族苗族自治州")
    if city.endswith("自治州"):
        return city.removesuffix("自治州")
    return city.removesuffix("市")


@dataclass(frozen=True)
class Target:
    """Where a matter goes: a unit, or a kind of city bureau through the city 优化办."""

    key: str
    name: str
    city: bool

    @property
    def bureau(self) -> str:
        """The bureau's id for a city target ("" for a unit)."""
        return self.key.removeprefix(CITY_OWNER) if self.city else ""


@dataclass(frozen=True)
class Placed:
    """A target resolved for one ticket: the unit to dispatch to and the bureau it forwards to."""

    target: str
    unit_id: str
    unit_name: str
    bureau_name: str = ""  # the city bureau the 优化办 forwards to ("" for a unit, or unknown city)


class Catalogue:
    """Units, city bureaus and matter types, with the lookups routing needs."""

    def __init__(
        self,
        units: Iterable[UnitRecord],
        bureaus: Iterable[BureauRecord] = (),
        matters: Iterable[MatterRecord] = (),
    ) -> None:
        self.units = {u.id: u for u in units}
        self.bureaus = {b.id: b for b in bureaus}
        self.matters: tuple[MatterRecord, ...] = tuple(matters)
        self.matter_by_name = {m.name: m for m in self.matters}
        self.matter_by_id = {m.id: m for m in self.matters}
        self.city_units = {u.city: u for u in self.units.values() if u.category == "city"}
        self.targets: dict[str, Target] = {}
        for u in self.units.values():
            if u.category != "city":
                self.targets[u.id] = Target(u.id, u.name, False)
        for b in self.bureaus.values():
            self.targets[b.target] = Target(b.target, b.name, True)
        if self.city_units and CITY_SELF not in self.targets:
            self.targets[CITY_SELF] = Target(CITY_SELF, "市优化办", True)
        self._places = self._place_names()
        names = sorted(self._places, key=len, reverse=True)
        self._place_re = re.compile("|".join(map(re.escape, names))) if names else None

    # ------------------------------------------------------------------ targets
    def target_of(self, unit_id: str, matter_type: str = "") -> str | None:
        """The target a ticket handled by ``unit_id`` teaches (None: not a catalogue unit).

        A city 优化办 handles a matter through the bureau its matter type names; without a
        city matter type, through itself.
        """
        unit = self.units.get(unit_id)
        if unit is None:
            return None
        if unit.category != "city":
            return unit.id
        matter = self.matter_by_name.get(matter_type)
        if matter is not None and matter.owner.startswith(CITY_OWNER):
            return matter.owner
        return CITY_SELF

    def place(self, target: str, city: str | None) -> Placed | None:
        """The unit a target is dispatched to for a ticket in ``city`` (None: cannot tell)."""
        t = self.targets.get(target)
        if t is None:
            return None
        if not t.city:
            return Placed(target, t.key, t.name)
        unit = self.city_units.get(city or "")
        if unit is None:
            return None
        bureau = "" if target == CITY_SELF else t.name
        return Placed(target, unit.id, unit.name, bureau)

    def matters_of(self, target: str) -> tuple[MatterRecord, ...]:
        """The matter types a target owns."""
        return tuple(m for m in self.matters if m.owner == target)

    @cached_property
    def term_index(self) -> tuple[re.Pattern[str] | None, dict[str, tuple[MatterRecord, ...]]]:
        """One pattern finding every matter term in a normalised text, and term → matters."""
        by_term: dict[str, list[MatterRecord]] = {}
        for m in self.matters:
            for term in (m.name, *m.terms):
                key = normalize(term)
                if len(key) >= 2:
                    by_term.setdefault(key, []).append(m)
        if not by_term:
            return None, {}
        pattern = re.compile("|".join(map(re.escape, sorted(by_term, key=len, reverse=True))))
        return pattern, {k: tuple(v) for k, v in by_term.items()}

    def matter_terms(self, folded: str) -> list[tuple[str, tuple[MatterRecord, ...]]]:
        """The matter terms a normalised text names (longest first, no overlaps), in order."""
        pattern, by_term = self.term_index
        if pattern is None:
            return []
        return [(m.group(), by_term[m.group()]) for m in pattern.finditer(folded)]

    # ------------------------------------------------------------------ places
    def _place_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for city in HUNAN_CITIES:
            names[normalize(city)] = city
            names[normalize(city_stem(city))] = city
        names[normalize("湘西州")] = "湘西土家族苗族自治州"
        for unit in self.city_units.values():
            names[normalize(unit.city)] = unit.city
            names[normalize(city_stem(unit.city))] = unit.city
            for kw in unit.keywords:
                if self._is_place_word(kw, unit.city):
                    names[normalize(kw)] = unit.city
        return names

    @staticmethod
    def _is_place_word(word: str, city: str) -> bool:
        return word.endswith(_PLACE_SUFFIXES) or word in (city, city_stem(city))

    def resolve_place(self, place: str | None) -> str | None:
        """The city (e.g. "株洲市") a place string names, or None."""
        if not place:
            return None
        hits = self._scan(normalize(place))
        return hits[0] if hits else None

    def detect_place(self, text: str, limit: int = 1500) -> str | None:
        """The city a text names, when it names exactly one (else None)."""
        hits = set(self._scan(normalize(text[:limit])))
        return hits.pop() if len(hits) == 1 else None

    def _scan(self, folded: str) -> list[str]:
        if self._place_re is None:
            return []
        return [self._places[m.group()] for m in self._place_re.finditer(folded)]

    def place_words(self) -> Sequence[str]:
        """Every folded word that names a city or one of its districts."""
        return tuple(self._places)
