"""Routing suggestions: where a ticket should go (R-DISPATCH, Art. 11), and why.

A suggestion names a *target* of the catalogue (catalogue.py): a handling unit, or a kind of
city bureau reached through the 优化办 of the ticket's city. Three signals are combined:

1. the learned model (routing_model.py): a linear classifier over character n-grams, trained
   from the matter catalogue, the knowledge articles and the platform's own history;
2. the history memory: the nearest past tickets and the target each one *ended* at (after
   returns and re-dispatches). It learns at once — a return approved from unit X to unit Y
   changes the next suggestion for a similar ticket without waiting for a retrained model;
3. the matter catalogue (事项清单): the matter terms the request names (reading.py) vote for
   the owners of their matter types.

The first two say how likely each target is; the catalogue's votes then multiply that
likelihood (``target_scores``): a target the request's matter terms name is raised several
times over, so the catalogue chooses among the targets the model and the memory find likely
rather than adding a share of its own that outvotes a confident model or is lost beside it.

The operator sees, for each suggestion, the matter type it stands for, the bureau a city
target is forwarded to, the words that decided it and the law that assigns the matter.

Pure and fast: no I/O; a call costs about a millisecond with 100 000 tickets in memory.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from console.services.knowledge.catalogue import CITY_SELF, Catalogue
from console.services.knowledge.reading import Reading, read
from console.services.knowledge.routing_model import Example, RoutingModel
from console.services.knowledge.seed import MatterRecord, Seed
from console.services.knowledge.text import normalize
from console.services.values import CITY_UNKNOWN, DOMAIN_BY_LABEL, FORWARDED, Domain

MAX_CHARS = 1500
QUERY_TERMS = 48
COMMON_POSTINGS = 1500
"""A term in more past tickets than this tells little about where a request goes, and walking
its postings is what makes a look-up slow in a large history: it is skipped (with a small
history the limit is an eighth of the tickets, at least 64)."""
TERMS_ONLY = 0.01
"""The likelihood counted for a target nothing but the catalogue names (no model, no past
ticket, no domain): the catalogue's votes still rank it, below a target that the model or
the memory finds likely as well."""
MODEL_PRIOR = 20.0
"""Examples that say nothing, added to a model's own when its probabilities are read
(``_smoothed``): a model trained on four units' 32 examples may
give 0.9999998 to one target after a single loosely similar ticket; smoothed, it gives
that target at most seven times the probability of any other, and the catalogue's votes
(elevenfold at most) still choose. The shipped seed's model (2 947 examples) is all but
unchanged: on the development half of the real set 0, 20 and 50 gave the same top-1."""
MATTER_OPENING = 30
BODY_VOTES = 0.1
"""A request states its matter first (a message's subject line, a caller's first sentence): when
its first 30 characters name matter types, they cast the catalogue's votes, and the matter
types of the whole request a tenth as much (runners-up); the account after the opening names
much else (the 学校 beside a 变压器, the 地铁 a 人行天桥 waits on). On the real set's
development half, its callers in five groups each scored after learning the other four's
tickets: top-1 0.770 → 0.777 (top-3 0.927 → 0.928); its later callers after the earlier ones
0.752 → 0.761; the seed's router alone 0.717 → 0.728 (top-3 0.914 → 0.903). The opening alone
(no runners-up) gave 0.774, 0.767 and 0.728 (top-3 0.894)."""
HISTORY_WEIGHT = 3.0
"""A past ticket counts three times what a catalogue line counts in training: it is in callers'
own words (chosen on the development half of the real set)."""


@dataclass(frozen=True)
class UnitSuggestion:
    """One proposed destination, with a score in 0..1 and the reasons (Chinese)."""

    unit_id: str  # "" when a city target's city is not known yet
    unit_name: str
    score: float
    reasons: tuple[str, ...]
    target: str = ""  # the catalogue target (a unit id, or city:<bureau>)
    bureau: str = ""  # the city bureau a city 优化办 forwards it to
    matter: str = ""  # the matter type (事项类型) it stands for


@dataclass(frozen=True)
class DomainSuggestion:
    """A proposed domain (R-DOMAIN) with a score in 0..1."""

    domain: Domain
    score: float


@dataclass(frozen=True)
class RouterWeights:
    """How the signals are combined (chosen on the development half of the real set, see
    benchmarks/bench_routing.py; the held-out half was not looked at). The model's, the
    memory's and the domain's parts are added into a likelihood, which the catalogue's votes
    multiply (``Router.target_scores``). A weaker catalogue scored a little better on the
    development half with 1 680 history tickets, but let a few early, loosely similar tickets
    outvote it on a young platform (小区停电 sent to 住建 after one 小区电梯 ticket went
    there): the catalogue keeps its weight."""

    model: float = 1.0
    memory: float = 1.0
    # the catalogue's votes multiply a target's likelihood by (share + floor) ** terms: a
    # target the request's only matter names is raised elevenfold over one it does not
    terms: float = 1.0
    terms_floor: float = 0.1
    domain: float = 0.05
    neighbours: int = 12
    min_similarity: float = 0.3
    # a neighbour counts by (similarity - min_similarity); the share of the votes a target
    # gets is scaled by how close the best of its neighbours is
    closeness: float = 0.6


def _domain_of(value: Domain | str | None) -> Domain | None:
    if value is None or value == "":
        return None
    if isinstance(value, Domain):
        return value
    try:
        return Domain(value)
    except ValueError:
        return DOMAIN_BY_LABEL.get(value)


def _grams(text: str) -> Counter[str]:
    folded = normalize(read(text).core)[:MAX_CHARS]
    return Counter(folded[i : i + 2] for i in range(len(folded) - 1))


class HistoryMemory:
    """Past tickets and the target each ended at: TF-IDF vectors with an inverted index.

    Keyed by ticket: learning a ticket again (its final unit changed) replaces what it taught.
    Document frequencies are refitted when the memory has grown by a quarter.
    """

    def __init__(self) -> None:
        self._docs: dict[str, tuple[str, dict[str, float], Counter[str]]] = {}
        self._matters: dict[str, frozenset[str]] = {}
        self._df: Counter[str] = Counter()
        self._idf: dict[str, float] = {}
        self._postings: dict[str, dict[str, float]] = defaultdict(dict)
        self._fitted = 0

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, key: object) -> bool:
        return key in self._docs

    def target_of(self, key: str) -> str | None:
        doc = self._docs.get(key)
        return doc[0] if doc else None

    def _weight(self, term: str) -> float:
        known = self._idf.get(term)
        if known is not None:
            return known
        return math.log(max(self._fitted, 1) + 1.0) + 1.0

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        vec = {t: (1.0 + math.log(tf)) * self._weight(t) for t, tf in counts.items() if tf > 0}
        norm = math.sqrt(sum(w * w for w in vec.values()))
        return {t: w / norm for t, w in vec.items()} if norm else {}

    def _refit(self) -> None:
        n = len(self._docs)
        self._fitted = n
        self._idf = {t: math.log((n + 1) / (df + 1)) + 1.0 for t, df in self._df.items()}
        self._postings = defaultdict(dict)
        for key, (target, _, counts) in list(self._docs.items()):
            vec = self._vector(counts)
            self._docs[key] = (target, vec, counts)
            for t, w in vec.items():
                self._postings[t][key] = w

    def matters_of(self, key: str) -> frozenset[str]:
        return self._matters.get(key, frozenset())

    def forget(self, key: str) -> None:
        self._matters.pop(key, None)
        old = self._docs.pop(key, None)
        if old is None:
            return
        for t in old[1]:
            self._postings[t].pop(key, None)
        self._df.subtract(old[2].keys())

    def learn(
        self,
        key: str,
        text: str,
        target: str,
        refit: bool = True,
        matters: Iterable[str] = (),
    ) -> None:
        self.forget(key)
        counts = _grams(text)
        if not counts:
            return
        self._matters[key] = frozenset(matters)
        self._df.update(counts.keys())
        self._docs[key] = (target, {}, counts)
        if refit and len(self._docs) > max(16, self._fitted * 5 // 4):
            self._refit()
            return
        vec = self._vector(counts)
        self._docs[key] = (target, vec, counts)
        for t, w in vec.items():
            self._postings[t][key] = w

    def fit(self) -> None:
        self._refit()

    def nearest(self, text: str, n: int) -> list[tuple[str, str, float]]:
        """(ticket key, target, cosine) of the n most similar past tickets."""
        if not self._docs:
            return []
        query = self._vector(_grams(text))
        common = min(max(64, len(self._docs) // 8), COMMON_POSTINGS)
        acc: dict[str, float] = defaultdict(float)
        for t, qw in heapq.nlargest(QUERY_TERMS, query.items(), key=lambda kv: kv[1]):
            plist = self._postings.get(t)
            if plist and len(plist) <= common:
                for key, dw in plist.items():
                    acc[key] += qw * dw
        best = heapq.nlargest(n, acc.items(), key=lambda kv: kv[1])
        return [(key, self._docs[key][0], s) for key, s in best]


def seed_examples(seed: Seed) -> list[Example]:
    """What the catalogue and the knowledge base teach: text → target."""
    catalogue = Catalogue(seed.units, seed.bureaus, seed.matters)
    out: list[Example] = []
    for m in seed.matters:
        out.append(Example(f"{m.name}。{m.describe}", m.owner, 2.0, "catalogue"))
        for term in m.terms:
            out.append(Example(term, m.owner, 0.5, "catalogue"))
    for b in seed.bureaus:
        for duty in b.duties:
            out.append(Example(duty, b.target, 1.0, "catalogue"))
    for u in seed.units:
        target = CITY_SELF if u.category == "city" else u.id
        for duty in u.duties:
            out.append(Example(duty, target, 1.0, "catalogue"))
        if u.category != "city":
            for kw in u.keywords:
                out.append(Example(kw, target, 0.3, "catalogue"))
    for a in seed.articles:
        matter = catalogue.matter_by_id.get(a.matter)
        target = matter.owner if matter else catalogue.target_of(a.unit_id) or ""
        if target:
            text = "。".join((a.question, *a.alt_questions, *a.tags))
            out.append(Example(text, target, 1.0, "article"))
    return out


class Router:
    """Ranked destinations for a ticket's text (R-DISPATCH), with reasons.

    Build it with `Router.from_seed`; feed the platform's history with `learn` (a ticket's
    final unit); `suggest` is then pure and fast.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        model: RoutingModel | None = None,
        weights: RouterWeights | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.model = model
        self.weights = weights or RouterWeights()
        self.memory = HistoryMemory()
        self.units = catalogue.units
        self._words: frozenset[str] | None = None

    @classmethod
    def from_seed(
        cls,
        seed: Seed,
        history: Iterable[tuple[str, str, str]] = (),
        model: RoutingModel | None = None,
        weights: RouterWeights | None = None,
        train_model: bool = True,
    ) -> Router:
        """A router over the seed's catalogue.

        Args:
            seed: units, bureaus, matter types and articles.
            history: past tickets as (ticket key, text, target).
            model: a trained model; without one, a model is trained from the seed (and the
                history) when ``train_model`` (needs scikit-learn), else none is used.
        """
        router = cls(Catalogue(seed.units, seed.bureaus, seed.matters), model, weights)
        past = list(history)
        for key, text, target in past:
            router.memory.learn(key, text, target, refit=False, matters=router._matters_of(text))
        router.memory.fit()
        if router.model is None and train_model:
            from console.services.knowledge.routing_model import train

            examples = seed_examples(seed) + [
                Example(text, target, HISTORY_WEIGHT, "history") for _, text, target in past
            ]
            router.model = train(examples)
        return router

    # ------------------------------------------------------------------ learning
    def learn(self, key: str, text: str, unit_id: str, matter_type: str = "") -> None:
        """A ticket ended at ``unit_id`` (its final unit): remember its target."""
        target = self.catalogue.target_of(unit_id, matter_type)
        if target is not None:
            self.memory.learn(key, text, target, matters=self._matters_of(text))

    def _matters_of(self, text: str) -> tuple[str, ...]:
        return read(text, self.catalogue).matter_ids[:2]

    # ------------------------------------------------------------------ scoring
    def target_scores(
        self,
        text: str,
        domain: Domain | str | None = None,
        reading: Reading | None = None,
        neighbours: Sequence[tuple[str, str, float]] | None = None,
    ) -> dict[str, float]:
        """Every target's combined score for a request (higher is better); ``neighbours`` are
        the nearest past tickets when already looked up.

        The model's probability, the memory's share and the domain's part are added into a
        likelihood; the catalogue's share then multiplies it, as ``(share + floor) ** terms``.
        On the real set's development half (three seeds of the model) this chose the labelled
        target first more often than adding the catalogue's share: with the catalogue alone
        0.704 → 0.723 (top-3 0.920 → 0.914), for later callers after the earlier ones' tickets
        0.745 → 0.751 (top-3 0.905 → 0.919). A target only the catalogue names still gets a
        score: its likelihood is counted as ``TERMS_ONLY``. The model's probabilities are
        smoothed by how much it learned (``MODEL_PRIOR``): a model of a few dozen examples
        cannot rule out the target the catalogue names."""
        w = self.weights
        reading = reading or read(text, self.catalogue)
        likely: dict[str, float] = defaultdict(float)
        if self.model is not None:
            for target, p in _smoothed(self.model, text).items():
                likely[target] += w.model * p
        for target, share in self._memory_votes(text, reading, neighbours).items():
            likely[target] += w.memory * share
        dom = _domain_of(domain)
        if dom is not None:
            for target in self._targets_of_domain(dom):
                likely[target] += w.domain
        terms = self._term_votes(reading)
        scores: dict[str, float] = {}
        for target in likely.keys() | terms.keys():
            if target in self.catalogue.targets:
                base = likely.get(target, 0.0) or TERMS_ONLY
                scores[target] = base * (terms.get(target, 0.0) + w.terms_floor) ** w.terms
        return scores

    def _memory_votes(
        self,
        text: str,
        reading: Reading,
        neighbours: Sequence[tuple[str, str, float]] | None = None,
    ) -> dict[str, float]:
        """Votes of the nearest past tickets. A neighbour about another matter type than the
        request (both name one, and none in common) is similar in words only: it does not vote."""
        w = self.weights
        votes: dict[str, float] = defaultdict(float)
        best: dict[str, float] = defaultdict(float)
        mine = set(reading.matter_ids[:2])
        if neighbours is None:
            neighbours = self.memory.nearest(text, w.neighbours)
        for key, target, sim in neighbours:
            theirs = self.memory.matters_of(key)
            if mine and theirs and not mine & theirs:
                continue
            if sim >= w.min_similarity:
                votes[target] += sim - w.min_similarity
                best[target] = max(best[target], sim)
        total = sum(votes.values())
        if total <= 0:
            return {}
        return {t: v / total * min(1.0, best[t] / w.closeness) for t, v in votes.items()}

    def _opening_matters(self, reading: Reading) -> tuple[str, ...]:
        """The matter types the request's opening names (``MATTER_OPENING``)."""
        return read(reading.core[:MATTER_OPENING], self.catalogue).matter_ids

    def _stated_matters(self, reading: Reading) -> tuple[str, ...]:
        """The matter types the request names, those its opening names first."""
        opening = self._opening_matters(reading)
        return (*opening, *(m for m in reading.matter_ids if m not in opening))

    def _term_votes(self, reading: Reading) -> dict[str, float]:
        """The catalogue's votes: the first three matter types named vote 1, 1/2 and 1/3 for
        their owners; when the opening names matter types, its three vote so and the whole
        request's a tenth as much (``BODY_VOTES``)."""
        opening = self._opening_matters(reading)
        votes: dict[str, float] = defaultdict(float)
        for named, weight in ((opening, 1.0), (reading.matter_ids, BODY_VOTES if opening else 1.0)):
            for rank, matter_id in enumerate(named[:3]):
                votes[self.catalogue.matter_by_id[matter_id].owner] += weight / (rank + 1)
        total = sum(votes.values())
        return {t: v / total for t, v in votes.items()} if total else {}

    def _targets_of_domain(self, dom: Domain) -> set[str]:
        out = {m.owner for m in self.catalogue.matters if m.domain is dom}
        out |= {u.id for u in self.units.values() if u.category != "city" and dom in u.domains}
        return out

    def _matter_for(self, target: str, reading: Reading) -> MatterRecord | None:
        """The matter type the request names that the target owns, the opening's first (or
        the target's only one)."""
        for matter_id in self._stated_matters(reading):
            m = self.catalogue.matter_by_id[matter_id]
            if m.owner == target:
                return m
        owned = self.catalogue.matters_of(target)
        return owned[0] if len(owned) == 1 else None

    # ------------------------------------------------------------------ suggestions
    def suggest(
        self,
        text: str,
        domain: Domain | str | None = None,
        place: str | None = None,
        k: int = 3,
    ) -> list[UnitSuggestion]:
        """Up to k destinations for a ticket, best first, each with its reasons.

        Args:
            text: the ticket's text (the caller's request as recorded).
            domain: the domain the operator chose (Domain, value or Chinese label), if any.
            place: where the matter is (a city, its short name or a district), if known;
                otherwise a city named in the text is used.
            k: how many suggestions.
        """
        if k <= 0 or not text.strip():
            return []
        reading = read(text, self.catalogue)
        # looked up once: they vote in the scores and give the reasons
        neighbours = self.memory.nearest(text, self.weights.neighbours)
        scores = self.target_scores(text, domain, reading, neighbours)
        if not scores:
            return []
        city = self.catalogue.resolve_place(place)
        from_text = False
        if city is None:
            city = self.catalogue.detect_place(text)
            from_text = city is not None
        total = sum(scores.values()) or 1.0
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        out: list[UnitSuggestion] = []
        for target, score in ranked:
            out.append(
                self._suggestion(target, score / total, reading, text, city, from_text, neighbours)
            )
        return out

    def _spoken(self, gram: str, said: Sequence[str]) -> str | None:
        """The word a character n-gram of the model stands for, as a reason a seat can read:
        a word the catalogue knows (a matter term or name, a unit's keyword), or the catalogue
        term or trouble word of the request that holds it; None for a piece of two words
        (区路 of 天心区路灯, 排黑 of …安排黑…), which decides but says nothing."""
        if self._words is None:
            known: set[str] = set()
            for m in self.catalogue.matters:
                known.update(normalize(t) for t in (m.name, *m.terms))
            for u in self.catalogue.units.values():
                known.update(normalize(k) for k in u.keywords)
            self._words = frozenset(w for w in known if len(w) >= 2)
        if gram in self._words:
            return gram
        return next((w for w in said if gram in w), None)

    def _suggestion(
        self,
        target: str,
        score: float,
        reading: Reading,
        text: str,
        city: str | None,
        from_text: bool,
        neighbours: Sequence[tuple[str, str, float]],
    ) -> UnitSuggestion:
        t = self.catalogue.targets[target]
        placed = self.catalogue.place(target, city)
        matter = self._matter_for(target, reading)
        reasons: list[str] = []
        if matter is not None:
            reasons.append(f"事项：{matter.name}")
        if t.city and target != CITY_SELF:
            reasons.append(f"{FORWARDED}{t.name}")
        words = [w for w in reading.objects if matter is not None and _owns(matter, w)]
        if self.model is not None:
            said = (*reading.objects, *reading.problems)
            for gram in self.model.evidence(text, target):
                word = self._spoken(gram, said)
                if word and word not in words and word not in "".join(words):
                    words.append(word)
        if words:
            reasons.append("关键词：" + "、".join(dict.fromkeys(words[:4])))
        past = sum(1 for _, tgt, sim in neighbours if tgt == target and sim >= 0.3)
        if past:
            reasons.append(f"相似历史工单 {past} 件最终由此办理")
        if t.city:
            if city:
                reasons.append(f"属地：{city}" + ("（据诉求内容）" if from_text else ""))
            else:
                reasons.append(f"{CITY_UNKNOWN}请先确认来电人所在市州")
        if matter is not None and matter.basis:
            reasons.append(f"依据：{_clip(matter.basis, 40)}")
        if placed is None:
            unit_id, unit_name = "", f"{t.name}（属地待定）" if t.city else t.name
        else:
            unit_id, unit_name = placed.unit_id, placed.unit_name
        return UnitSuggestion(
            unit_id=unit_id,
            unit_name=unit_name,
            score=round(min(1.0, max(0.0, score)), 4),
            reasons=tuple(reasons),
            target=target,
            bureau=placed.bureau_name if placed else ("" if target == CITY_SELF else t.name),
            matter=matter.name if matter else "",
        )

    def suggest_domain(self, text: str, k: int = 3) -> list[DomainSuggestion]:
        """Likely domains (R-DOMAIN) of a ticket, best first, scores summing to at most 1."""
        reading = read(text, self.catalogue)
        scores: dict[Domain, float] = defaultdict(float)
        for target, score in sorted(
            self.target_scores(text, reading=reading).items(), key=lambda kv: -kv[1]
        )[:3]:
            matter = self._matter_for(target, reading)
            if matter is not None:
                scores[matter.domain] += score
            else:
                unit = self.units.get(target)
                if unit is not None and unit.domains:
                    scores[unit.domains[0]] += score
        total = sum(scores.values())
        if total <= 0.0:
            return [DomainSuggestion(Domain.OTHER, 0.0)][:k]
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        return [DomainSuggestion(d, round(s / total, 4)) for d, s in ranked]


def _smoothed(model: RoutingModel, text: str) -> dict[str, float]:
    """The model's probabilities, smoothed by ``MODEL_PRIOR`` examples spread evenly over its
    targets: ``(n·p + prior/targets) / (n + prior)`` for a model trained on ``n`` examples. A
    model that learned from a few dozen examples cannot rule a target out (nor make one all
    but certain), so the catalogue's votes still choose among them; one trained on thousands
    keeps its probabilities all but unchanged; one whose count is unknown is taken as it is."""
    probabilities = model.probabilities(text)
    seen = model.info.get("examples")
    if not isinstance(seen, int | float):
        return probabilities
    even = MODEL_PRIOR / max(1, len(probabilities))
    return {t: (seen * p + even) / (seen + MODEL_PRIOR) for t, p in probabilities.items()}


def _owns(matter: MatterRecord, folded_term: str) -> bool:
    return any(normalize(t) == folded_term for t in (matter.name, *matter.terms))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
