"""An SK of equivalency re-read under another country-rule version (issue 12, item 4; EQV-4, EQV-8): the level
that version gives for what the decision recorded (country, foreign level, the diploma's stated features).
Nothing is saved."""

from __future__ import annotations

from domain.audit.replayed import ReplayedDecision, RuleResult
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.checklist import ForeignLevel
from domain.equivalency.country_rules import under_version


def replay_equalisation(
    decision_id: str, event: EquivalencyApplication.Equalised, rule_version: str
) -> ReplayedDecision:
    level, features = ForeignLevel(event.foreign_level), frozenset(event.features)
    again = under_version(event.rule_version, event.country, level, features)
    other = under_version(rule_version, event.country, level, features)
    return ReplayedDecision(
        decision_id=decision_id,
        type=type(event).__qualname__,
        recorded_ruleset=event.rule_version,
        replayed_ruleset=rule_version,
        recorded_outcome=event.level,
        replayed_outcome=other.level,
        reproduced=again.level == event.level,
        rules=(
            RuleResult(
                "EQV-4",
                event.level,
                other.level,
                None
                if other.level == event.level
                else f"version {rule_version} gives {other.level} where {event.rule_version} gave {event.level}",
            ),
        ),
        inputs={"country": event.country, "foreignLevel": event.foreign_level, "features": ",".join(event.features)},
    )
