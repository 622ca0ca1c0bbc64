"""Routing suggestions: which handling unit should get a ticket (R-DISPATCH, Art. 11).

The router ranks the units of the dispatch catalogue (派单目录) for a ticket's text and
gives the reasons in Chinese, so the operator sees why a unit is proposed and can pick
another one. It learns only from what the platform already knows:

- the catalogue itself: each unit's duties, keywords, name and domains (seed units);
- the knowledge articles: an article's owner unit and its questions are strong evidence
  that a caller asking this kind of question belongs to that unit;
- past dispatches fed in with `Router.learn` (ticket text → the unit it was dispatched to).

Signals, all on Chinese-aware terms (`text.terms`: character bigrams within runs of CJK
characters, whole latin/digit runs):

1. keyword hits: a unit keyword found as a substring of the normalised text, weighted by
   how few units share it;
2. profile similarity: TF-IDF cosine between the text and each unit's profile (duties,
   keywords, name, article questions);
3. nearest evidence: k nearest articles and past dispatches (TF-IDF cosine over an
   inverted index), voting for their unit;
4. a small domain prior when the operator has chosen the domain (R-DOMAIN).

City 优化办 units (category "city") are treated as one class "the local 优化办": their
shared duties are scored once, and the class is resolved to the unit of the ticket's
place (given, or found in the text). The local 优化办 is proposed when the matter itself
is a local business-environment matter, or as a fallback when no provincial unit fits;
a provincial department's matter stays with the provincial department wherever the
caller lives.

Pure and fast: no I/O, no textual; about a millisecond per call for ~60 units and a few
thousand past dispatches.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from console.services.knowledge.seed import ArticleRecord, Seed, UnitRecord
from console.services.knowledge.text import bigrams, normalize, terms
from console.services.values import DOMAIN_BY_LABEL, Domain

CITY_CLASS = "@city"
"""Key of the shared class of all city 优化办 units."""

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

# Texts longer than this are cut before matching: the matter is stated early, and a
# seven-page letter must not cost more than a short call.
MAX_CHARS = 1500
# Query terms used to walk the evidence index, and to score unit profiles (the
# highest-weighted ones): bounds the cost of a long letter.
QUERY_TERMS = 64
PROFILE_TERMS = 200
# A neighbour is named in the reasons only when at least this similar (it still votes
# from `RouterWeights.min_similarity` up).
REASON_SIMILARITY = 0.15
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
class UnitSuggestion:
    """One proposed handling unit with a score in 0..1 and the reasons (Chinese)."""

    unit_id: str
    unit_name: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DomainSuggestion:
    """A proposed domain (R-DOMAIN) with a score in 0..1."""

    domain: Domain
    score: float


@dataclass(frozen=True)
class RouterWeights:
    """How the signals are combined.

    The defaults were picked from a small grid (keywords, evidence, fallback, local bonus,
    keyword scale) on the *tune* halves of tests/data/routing and of the labelled sample
    (`routing_eval.split_cases`); nearby settings score within a ticket or two of each
    other. The *test* halves were not looked at (benchmarks/bench_routing.py).
    """

    profile: float = 1.0
    keywords: float = 0.3
    evidence: float = 1.2
    domain: float = 0.08
    # Keyword evidence saturates: 1 - exp(-sum / keyword_scale).
    keyword_scale: float = 4.0
    # Nearest evidence documents consulted, and the similarity below which a neighbour
    # does not count.
    neighbours: int = 8
    min_similarity: float = 0.08
    # Article answers add words to a unit's profile, at this weight (questions: 1).
    answer_weight: float = 0.3
    # The local 优化办 gets this bonus when the place is known (it is the local
    # counterpart of the provincial 优化办 for business-environment matters) ...
    local_bonus: float = 0.03
    # ... and this floor when the place is known and no provincial unit scores above it.
    fallback: float = 0.09


_DOMAIN_BY_VALUE = {d.value: d for d in Domain}


def _domain_of(value: Domain | str | None) -> Domain | None:
    if value is None or value == "":
        return None
    if isinstance(value, Domain):
        return value
    return DOMAIN_BY_LABEL.get(value) or _DOMAIN_BY_VALUE.get(value)


def _clip(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _weights(counts: Mapping[str, float], idf: Mapping[str, float]) -> dict[str, float]:
    """Sublinear TF-IDF weights of term counts; terms with no idf are dropped."""
    out: dict[str, float] = {}
    for term, tf in counts.items():
        w = idf.get(term, 0.0)
        if w > 0.0 and tf > 0.0:
            out[term] = (1.0 + math.log(tf)) * w if tf >= 1.0 else tf * w
    return out


def _add(counts: dict[str, float], words: Iterable[str], weight: float = 1.0) -> None:
    for word in words:
        counts[word] += weight


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vec.values()))
    if norm == 0.0:
        return {}
    return {t: w / norm for t, w in vec.items()}


@dataclass
class _Evidence:
    """One document of the evidence index: an article or a past dispatch."""

    class_key: str
    unit_id: str
    kind: str  # "article" | "dispatch"
    label: str  # article question, "" for a dispatch
    domain: Domain | None
    counts: Counter[str]
    vec: dict[str, float]


class _EvidenceIndex:
    """TF-IDF vectors of articles and past dispatches with an inverted index (kNN).

    Vectors use the idf known when they were added; the whole index is refitted when it
    has grown by a quarter since the last fit, so the cost of learning stays amortised.
    """

    def __init__(self) -> None:
        self.docs: list[_Evidence] = []
        self.df: Counter[str] = Counter()
        self.idf: dict[str, float] = {}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._fitted_size = 0

    def _idf(self, term: str) -> float:
        known = self.idf.get(term)
        if known is not None:
            return known
        n = max(self._fitted_size, 1)
        return math.log((n + 1) / 1) + 1.0

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        return _unit({t: (1.0 + math.log(tf)) * self._idf(t) for t, tf in counts.items() if tf > 0})

    def fit(self) -> None:
        n = len(self.docs)
        self._fitted_size = n
        self.idf = {t: math.log((n + 1) / (df + 1)) + 1.0 for t, df in self.df.items()}
        self.postings = defaultdict(list)
        for i, doc in enumerate(self.docs):
            doc.vec = self._vector(doc.counts)
            for t, w in doc.vec.items():
                self.postings[t].append((i, w))

    def add(self, doc: _Evidence, refit: bool = True) -> None:
        self.df.update(doc.counts.keys())
        i = len(self.docs)
        self.docs.append(doc)
        if refit and len(self.docs) > max(16, self._fitted_size * 5 // 4):
            self.fit()
            return
        doc.vec = self._vector(doc.counts)
        for t, w in doc.vec.items():
            self.postings[t].append((i, w))

    def nearest(self, counts: Counter[str], n: int) -> list[tuple[_Evidence, float]]:
        """The n most similar documents (cosine), best first."""
        if not self.docs:
            return []
        qvec = _unit({t: (1.0 + math.log(tf)) * self._idf(t) for t, tf in counts.items() if tf > 0})
        top = heapq.nlargest(QUERY_TERMS, qvec.items(), key=lambda kv: kv[1])
        acc: dict[int, float] = defaultdict(float)
        postings = self.postings
        common = max(32, len(self.docs) // 10)  # in a tenth of the documents: not telling
        for t, qw in top:
            plist = postings.get(t)
            if plist and len(plist) <= common:
                for i, dw in plist:
                    acc[i] += qw * dw
        best = heapq.nlargest(n, acc.items(), key=lambda kv: kv[1])
        return [(self.docs[i], s) for i, s in best]


@dataclass
class _Class:
    """A routing class: one unit, or all city 优化办 units together."""

    key: str
    units: list[UnitRecord]
    domains: tuple[Domain, ...]
    duties: list[tuple[str, frozenset[str]]]
    profile: dict[str, float]


class Router:
    """Ranked handling-unit suggestions for a ticket's text (R-DISPATCH).

    Build it once from the seed (`Router.from_seed`) and feed past dispatches with
    `learn`; `suggest` is then pure and fast.
    """

    def __init__(
        self,
        units: Iterable[UnitRecord],
        articles: Iterable[ArticleRecord] = (),
        dispatches: Iterable[tuple[str, Domain | str | None, str]] = (),
        weights: RouterWeights | None = None,
    ) -> None:
        """Build the router.

        Args:
            units: the dispatch catalogue.
            articles: knowledge articles; each one is evidence for its owner unit.
            dispatches: past dispatches as (ticket text, domain, unit id).
            weights: how the signals are combined (defaults: `RouterWeights()`).
        """
        self.weights = weights or RouterWeights()
        self.units: dict[str, UnitRecord] = {}
        self._class_of: dict[str, str] = {}
        self._city_unit: dict[str, UnitRecord] = {}
        self._place_names: dict[str, str] = {}  # normalised place word → city
        for city in HUNAN_CITIES:
            self._place_names[normalize(city)] = city
            self._place_names[normalize(city_stem(city))] = city
        self._place_names[normalize("湘西州")] = "湘西土家族苗族自治州"
        for unit in units:
            if not unit.id:
                continue
            self.units[unit.id] = unit
            if unit.category == "city" and unit.city:
                self._class_of[unit.id] = CITY_CLASS
                self._city_unit[unit.city] = unit
                self._place_names[normalize(unit.city)] = unit.city
                self._place_names[normalize(city_stem(unit.city))] = unit.city
                for kw in unit.keywords:
                    if self._is_place_word(kw, unit.city):
                        self._place_names[normalize(kw)] = unit.city
            else:
                self._class_of[unit.id] = unit.id
        names = sorted(self._place_names, key=len, reverse=True)
        self._place_re = re.compile("|".join(map(re.escape, names))) if names else None
        self._articles = [a for a in articles if a.unit_id in self.units]
        self._build_classes()
        self._build_keywords()
        self._evidence = _EvidenceIndex()
        for art in self._articles:
            text = " ".join((art.question, *art.alt_questions, *art.tags))
            self._evidence.add(
                _Evidence(
                    class_key=self._class_of[art.unit_id],
                    unit_id=art.unit_id,
                    kind="article",
                    label=art.question,
                    domain=art.domain,
                    counts=Counter(terms(text)),
                    vec={},
                ),
                refit=False,
            )
        for text, domain, unit_id in dispatches:
            self._add_dispatch(text, domain, unit_id, refit=False)
        self._evidence.fit()

    @classmethod
    def from_seed(
        cls,
        seed: Seed,
        dispatches: Iterable[tuple[str, Domain | str | None, str]] = (),
        weights: RouterWeights | None = None,
    ) -> Router:
        """A router over the seed's units and articles."""
        return cls(seed.units, seed.articles, dispatches, weights)

    # ----------------------------------------------------------------- building

    @staticmethod
    def _is_place_word(word: str, city: str) -> bool:
        stem = city_stem(city)
        return word in (city, stem) or (
            len(word) >= 2 and word.endswith(_PLACE_SUFFIXES) and "办" not in word
        )

    def _topic_text(self, unit: UnitRecord, text: str) -> str:
        """A city unit's duty without its own place names (they are not topics)."""
        if unit.category != "city" or not unit.city:
            return text
        for word in (unit.city, city_stem(unit.city)):
            text = text.replace(word, "")
        return text

    def _build_classes(self) -> None:
        members: dict[str, list[UnitRecord]] = defaultdict(list)
        for unit in self.units.values():
            members[self._class_of[unit.id]].append(unit)
        answer_w = self.weights.answer_weight
        raw: dict[str, dict[str, float]] = {}
        duties: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for key, group in members.items():
            counts: dict[str, float] = defaultdict(float)
            seen_duties: set[str] = set()
            class_duties: list[tuple[str, frozenset[str]]] = []
            for unit in group:
                for duty in unit.duties:
                    topic = self._topic_text(unit, duty)
                    if topic in seen_duties:
                        continue
                    seen_duties.add(topic)
                    duty_terms = terms(topic)
                    _add(counts, duty_terms)
                    class_duties.append((duty if len(group) == 1 else topic, frozenset(duty_terms)))
                for kw in unit.keywords:
                    if unit.category == "city" and self._is_place_word(kw, unit.city):
                        continue
                    for t in terms(kw):
                        counts[t] += 2.0 / len(group)
                if len(group) == 1:
                    _add(counts, terms(unit.name))
                    _add(counts, terms(unit.full_name))
            raw[key] = counts
            duties[key] = class_duties
        for art in self._articles:
            counts = raw[self._class_of[art.unit_id]]
            _add(counts, terms(" ".join((art.question, *art.alt_questions, *art.tags))))
            _add(counts, terms(art.answer), answer_w)
        n = len(raw)
        df: Counter[str] = Counter()
        for counts in raw.values():
            df.update(counts.keys())
        # Smoothed so that a term every class has still weighs a little.
        self._idf = {t: math.log((n + 1) / d) for t, d in df.items()}
        self._classes: dict[str, _Class] = {}
        for key, group in members.items():
            doms: list[Domain] = []
            for unit in group:
                doms.extend(d for d in unit.domains if d not in doms)
            self._classes[key] = _Class(
                key=key,
                units=group,
                domains=tuple(doms),
                duties=duties[key],
                profile=_unit(_weights(raw[key], self._idf)),
            )
        self._profile_postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for key, cls in self._classes.items():
            for t, w in cls.profile.items():
                self._profile_postings[t].append((key, w))

    def _build_keywords(self) -> None:
        owners: dict[str, set[str]] = defaultdict(set)
        self._keyword_label: dict[str, str] = {}
        for unit in self.units.values():
            for kw in unit.keywords:
                if unit.category == "city" and self._is_place_word(kw, unit.city):
                    continue
                folded = normalize(kw)
                if not folded:
                    continue
                owners[folded].add(self._class_of[unit.id])
                self._keyword_label.setdefault(folded, kw)
        n = max(len(self._classes), 1)
        self._keywords: dict[str, tuple[frozenset[str], float]] = {}
        self._keyword_heads: dict[str, list[str]] = defaultdict(list)
        for folded, classes in owners.items():
            specificity = min(len(folded), 4) / 4.0
            weight = math.log(1.0 + n / len(classes)) * (0.5 + 0.5 * specificity)
            self._keywords[folded] = (frozenset(classes), weight)
            self._keyword_heads[folded[:2]].append(folded)

    # ----------------------------------------------------------------- learning

    def _add_dispatch(
        self, text: str, domain: Domain | str | None, unit_id: str, refit: bool
    ) -> bool:
        if unit_id not in self.units:
            return False
        counts = Counter(terms(text, limit=MAX_CHARS))
        if not counts:
            return False
        self._evidence.add(
            _Evidence(
                class_key=self._class_of[unit_id],
                unit_id=unit_id,
                kind="dispatch",
                label="",
                domain=_domain_of(domain),
                counts=counts,
                vec={},
            ),
            refit=refit,
        )
        return True

    def learn(self, text: str, domain: Domain | str | None, unit_id: str) -> bool:
        """Record a past dispatch: a ticket with this text went to this unit.

        Returns False (and learns nothing) for an empty text or a unit not in the catalogue.
        """
        return self._add_dispatch(text, domain, unit_id, refit=True)

    # ----------------------------------------------------------------- places

    def resolve_place(self, place: str | None) -> str | None:
        """The city (e.g. "株洲市") a place string names, or None.

        Accepts a city, its short name, or a district the city unit lists ("醴陵市").
        """
        if not place:
            return None
        folded = normalize(place)
        hit = self._scan_places(folded)
        return hit[0] if hit else None

    def detect_place(self, text: str) -> str | None:
        """The city a ticket's text names, or None when it names none (or several equally)."""
        hits = self._scan_places(normalize(text[:MAX_CHARS]))
        if not hits:
            return None
        counts = Counter(hits)
        best = counts.most_common(2)
        if len(best) > 1 and best[0][1] == best[1][1]:
            return hits[0] if hits[0] == best[0][0] else None
        return best[0][0]

    def _scan_places(self, folded: str) -> list[str]:
        """Cities named in a normalised text, in order, longest name first at each spot."""
        if self._place_re is None:
            return []
        return [self._place_names[m.group()] for m in self._place_re.finditer(folded)]

    # ----------------------------------------------------------------- scoring

    def _keyword_hits(self, folded: str) -> dict[str, list[tuple[str, float]]]:
        hits: dict[str, list[tuple[str, float]]] = defaultdict(list)
        heads = self._keyword_heads
        checked: set[str] = set()
        for bg in set(bigrams(folded)):
            for kw in heads.get(bg, ()):
                if kw in checked:
                    continue
                checked.add(kw)
                if kw in folded:
                    classes, weight = self._keywords[kw]
                    for key in classes:
                        hits[key].append((kw, weight))
        return hits

    def _profile_scores(self, counts: Counter[str]) -> dict[str, float]:
        qvec = _unit(_weights(counts, self._idf))
        if len(qvec) > PROFILE_TERMS:  # a long letter: its strongest terms decide
            qvec = dict(heapq.nlargest(PROFILE_TERMS, qvec.items(), key=lambda kv: kv[1]))
        scores: dict[str, float] = defaultdict(float)
        for t, qw in qvec.items():
            for key, pw in self._profile_postings.get(t, ()):
                scores[key] += qw * pw
        return scores

    def _best_duty(self, cls: _Class, counts: Counter[str]) -> str | None:
        best: tuple[float, str] | None = None
        for duty, duty_terms in cls.duties:
            if not duty_terms:
                continue
            shared = [t for t in duty_terms if t in counts]
            if len(shared) < 2:
                continue
            total = sum(self._idf.get(t, 0.0) for t in duty_terms) or 1.0
            cover = sum(self._idf.get(t, 0.0) for t in shared) / total
            if best is None or cover > best[0]:
                best = (cover, duty)
        if best is None or best[0] < 0.15:
            return None
        return best[1]

    def suggest(
        self,
        text: str,
        domain: Domain | str | None = None,
        place: str | None = None,
        k: int = 3,
    ) -> list[UnitSuggestion]:
        """Up to k units for a ticket, best first, each with its reasons.

        Args:
            text: the ticket's text (the caller's request as recorded).
            domain: the domain the operator chose (Domain or its Chinese label), if any.
            place: where the matter is (a city, its short name or a district), if known;
                otherwise a place named in the text is used.
            k: how many suggestions.
        """
        if k <= 0 or not self._classes:
            return []
        w = self.weights
        dom = _domain_of(domain)
        folded = normalize(text[:MAX_CHARS])
        counts = Counter(terms(text, limit=MAX_CHARS))
        city = self.resolve_place(place)
        place_from_text = False
        if city is None and place is None:
            city = self.detect_place(text)
            place_from_text = city is not None
        local_unit = self._city_unit.get(city) if city else None

        kw_hits = self._keyword_hits(folded)
        profile = self._profile_scores(counts)
        neighbours = [
            (doc, s)
            for doc, s in self._evidence.nearest(counts, w.neighbours)
            if s >= w.min_similarity
        ]
        evidence: dict[str, float] = defaultdict(float)
        for doc, s in neighbours:
            evidence[doc.class_key] += s
        ev_total = sum(evidence.values())

        totals: dict[str, float] = {}
        keys = set(profile) | set(kw_hits) | set(evidence)
        if dom is not None:
            keys |= {key for key, c in self._classes.items() if dom in c.domains}
        norm = w.profile + w.keywords + w.evidence + w.domain
        for key in keys:
            if key == CITY_CLASS and local_unit is None:
                continue
            cls = self._classes[key]
            kw_sum = sum(weight for _, weight in kw_hits.get(key, ()))
            s_kw = 1.0 - math.exp(-kw_sum / w.keyword_scale)
            # Evidence share of this class among the near neighbours, scaled by how
            # close the best of them is.
            s_ev = 0.0
            if ev_total > 0.0:
                best_sim = (
                    max(s for doc, s in neighbours if doc.class_key == key)
                    if key in evidence
                    else 0.0
                )
                s_ev = (evidence.get(key, 0.0) / ev_total) * min(1.0, best_sim * 2.0)
            s_dom = 1.0 if dom is not None and dom in cls.domains else 0.0
            total = (
                w.profile * profile.get(key, 0.0)
                + w.keywords * s_kw
                + w.evidence * s_ev
                + w.domain * s_dom
            ) / norm
            if key == CITY_CLASS:
                total += w.local_bonus
            totals[key] = total
        if local_unit is not None:
            best_other = max((s for key, s in totals.items() if key != CITY_CLASS), default=0.0)
            if best_other < w.fallback:
                totals[CITY_CLASS] = max(totals.get(CITY_CLASS, 0.0), w.fallback)

        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        out: list[UnitSuggestion] = []
        for key, total in ranked:
            cls = self._classes[key]
            unit = local_unit if key == CITY_CLASS and local_unit else cls.units[0]
            reasons: list[str] = []
            duty = self._best_duty(cls, counts)
            if duty:
                reasons.append(f"职责：{_clip(duty)}")
            if kw_hits.get(key):
                words = sorted(kw_hits[key], key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))
                labels = list(dict.fromkeys(self._keyword_label[kw] for kw, _ in words))
                reasons.append("关键词：" + "、".join(labels[:4]))
            arts = [
                doc
                for doc, s in neighbours
                if doc.class_key == key and doc.kind == "article" and s >= REASON_SIMILARITY
            ]
            if arts:
                reasons.append(f"相似知识库问答：{_clip(arts[0].label, 24)}")
            past = sum(
                1
                for doc, s in neighbours
                if doc.class_key == key and doc.kind == "dispatch" and s >= REASON_SIMILARITY
            )
            if past:
                where = "属地优化办" if key == CITY_CLASS else "此单位"
                reasons.append(f"相似历史工单 {past} 件派往{where}")
            if key == CITY_CLASS and city:
                basis = "（据诉求内容）" if place_from_text else ""
                reasons.append(f"属地：{city}{basis}")
                if totals[key] <= w.fallback and not duty and not kw_hits.get(key):
                    reasons.append("省直部门匹配度低，由属地优化办先行承办或分办")
            if dom is not None and dom in cls.domains:
                reasons.append(f"业务领域：{dom.label}")
            out.append(
                UnitSuggestion(
                    unit_id=unit.id,
                    unit_name=unit.name,
                    score=round(min(1.0, max(0.0, total)), 4),
                    reasons=tuple(reasons),
                )
            )
        return out

    def suggest_domain(self, text: str, k: int = 3) -> list[DomainSuggestion]:
        """Likely domains (R-DOMAIN) of a ticket, best first, scores summing to at most 1.

        Votes of the nearest articles and dispatches (their own domain) and of the best
        units (their first domain counts most).
        """
        scores: dict[Domain, float] = defaultdict(float)
        counts = Counter(terms(text, limit=MAX_CHARS))
        for doc, s in self._evidence.nearest(counts, self.weights.neighbours):
            if doc.domain is not None and s >= self.weights.min_similarity:
                scores[doc.domain] += s
        for rank, sug in enumerate(self.suggest(text, k=3)):
            unit = self.units[sug.unit_id]
            for i, d in enumerate(unit.domains):
                scores[d] += sug.score / (rank + 1) / (i + 1)
        total = sum(scores.values())
        if total <= 0.0:
            return [DomainSuggestion(Domain.OTHER, 0.0)][:k]
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        return [DomainSuggestion(d, round(s / total, 4)) for d, s in ranked]
