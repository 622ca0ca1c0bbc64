"""The category tree covers every domain and names the matter types the rule table overrides."""

from console.services.categories import MATTER_TYPES
from console.services.tickets.rules import RuleTable
from console.services.values import Domain


def test_r_domain_every_domain_has_a_branch() -> None:
    assert set(MATTER_TYPES) == set(Domain)


def test_r_limit_law_set_overrides_are_reachable_from_the_tree() -> None:
    known = {m for types in MATTER_TYPES.values() for m in types}
    for override in RuleTable.load().overrides:
        assert override.matter_type in known, override.matter_type


def test_r_dispatch_every_catalogue_matter_is_a_matter_type_of_its_domain() -> None:
    """The matter catalogue (事项清单) and the tree operators pick from name the same matters, so
    a ticket's recorded type tells routing which city bureau handled it."""
    from pathlib import Path

    from console.services.knowledge.seed import load_seed

    seed = load_seed(Path(__file__).resolve().parents[2] / "knowledge_seed")
    assert seed.matters
    missing = [m.name for m in seed.matters if m.name not in MATTER_TYPES[m.domain]]
    assert missing == []
    names = [m for types in MATTER_TYPES.values() for m in types]
    assert len(names) == len(set(names))  # one branch per matter type
