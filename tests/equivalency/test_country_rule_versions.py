"""EQV-4, EQV-8: a past decision re-read under a named rule version (issue 12), and which rule is in force on a day
(issue 31: ``under_version`` had no test of its own). The shipped rules hold one country rule per version; a
ruleset with a country's own rule and the general one in the same version shows that the country's wins."""

from __future__ import annotations

from datetime import date

import pytest

from domain.equivalency import country_rules
from domain.equivalency.checklist import ForeignLevel
from domain.equivalency.country_rules import CountryRule, Equivalence, Outcome, equivalence, under_version
from domain.errors import RuleViolation

NONE: frozenset[str] = frozenset()
HONOURS = frozenset({"HONOURS"})


def refused(rule_id: str, field: str, attempt: pytest.ExceptionInfo[RuleViolation]) -> None:
    [failure] = attempt.value.failures
    assert (failure.rule_id, failure.field) == (rule_id, field)


def test_EQV_4_a_named_version_gives_what_it_gave() -> None:
    assert under_version("AU-BACHELOR-2019", "AU", ForeignLevel.S1, HONOURS) == Equivalence("S1", "AU-BACHELOR-2019")
    assert under_version("AU-BACHELOR-2019", "AU", ForeignLevel.S1, NONE) == Equivalence("D3", "AU-BACHELOR-2019")
    # The general version, even for a country that has its own rule in another version.
    assert under_version("GENERAL-2019", "AU", ForeignLevel.S1, NONE) == Equivalence("S1", "GENERAL-2019")
    assert under_version("GENERAL-2019", "FR", ForeignLevel.S2, HONOURS) == Equivalence("S2", "GENERAL-2019")
    assert under_version("GENERAL-2019", "FR", ForeignLevel.S3, NONE) == Equivalence("S3", "GENERAL-2019")


def test_EQV_4_a_version_without_a_rule_for_the_country_and_level_is_refused() -> None:
    with pytest.raises(RuleViolation) as attempt:
        under_version("AU-BACHELOR-2019", "FR", ForeignLevel.S1, NONE)
    refused("EQV-4.rule", "rulesetId", attempt)
    with pytest.raises(RuleViolation) as attempt:
        under_version("AU-BACHELOR-2019", "AU", ForeignLevel.S2, NONE)
    refused("EQV-4.rule", "rulesetId", attempt)
    with pytest.raises(RuleViolation) as attempt:
        under_version("NO-SUCH-VERSION", "AU", ForeignLevel.S1, NONE)
    refused("EQV-4.rule", "rulesetId", attempt)


def rule(version: str, country: str, outcomes: tuple[Outcome, ...], starts: date, ends: date | None) -> CountryRule:
    return CountryRule(version, country, ForeignLevel.S1, starts, ends, outcomes)


MIXED = (
    rule("V1", "*", (Outcome(NONE, "S1"),), date(2020, 1, 1), None),
    rule("V1", "AU", (Outcome(HONOURS, "S1"), Outcome(NONE, "D3")), date(2020, 1, 1), date(2022, 12, 31)),
    rule("V2", "AU", (Outcome(HONOURS, "S1"), Outcome(NONE, "D4")), date(2023, 1, 1), None),
    rule("V3", "NZ", (Outcome(HONOURS, "S1"),), date(2020, 1, 1), None),
)


def test_EQV_4_a_countrys_own_rule_wins_over_the_general_one_of_its_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(country_rules, "rules", lambda: MIXED)
    assert under_version("V1", "AU", ForeignLevel.S1, NONE) == Equivalence("D3", "V1")
    assert under_version("V1", "FR", ForeignLevel.S1, NONE) == Equivalence("S1", "V1")
    assert under_version("V2", "AU", ForeignLevel.S1, NONE) == Equivalence("D4", "V2")
    assert equivalence("AU", ForeignLevel.S1, NONE, date(2022, 12, 31)) == Equivalence("D3", "V1")
    assert equivalence("AU", ForeignLevel.S1, NONE, date(2023, 1, 1)) == Equivalence("D4", "V2")
    assert equivalence("FR", ForeignLevel.S1, NONE, date(2023, 1, 1)) == Equivalence("S1", "V1")
    with pytest.raises(RuleViolation) as attempt:  # NZ's rule names no outcome without Honours
        under_version("V3", "NZ", ForeignLevel.S1, NONE)
    refused("EQV-4.rule", "features", attempt)
    with pytest.raises(RuleViolation) as attempt:
        equivalence("NZ", ForeignLevel.S1, NONE, date(2023, 1, 1))
    refused("EQV-4.rule", "features", attempt)
    with pytest.raises(RuleViolation) as attempt:
        equivalence("AU", ForeignLevel.S1, NONE, date(2019, 12, 31))
    refused("EQV-4.rule", "level", attempt)


def test_EQV_4_a_version_holds_one_rule_per_country_and_level() -> None:
    """What under_version relies on to take a version's rule by its country and level alone."""
    keys = [(r.version, r.country, r.level) for r in country_rules.rules()]
    assert len(keys) == len(set(keys))
