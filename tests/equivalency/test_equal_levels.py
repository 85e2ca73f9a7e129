"""EQV-4: every level a country rule can give is an Indonesian level of the registry, since the API answers it as a
``Level`` enum (issue 32, item 3): a rule file giving another would fail here, not as an error in an answer."""

from __future__ import annotations

from domain.equivalency.country_rules import rules
from domain.registry.level import Level


def test_EQV_4_every_outcome_of_every_country_rule_is_a_registry_level() -> None:
    given = {outcome.equals for rule in rules() for outcome in rule.outcomes}
    assert given and given <= {level.value for level in Level}, given - {level.value for level in Level}
