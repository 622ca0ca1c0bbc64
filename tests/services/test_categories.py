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
