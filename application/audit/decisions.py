"""``replayDecision`` (issue 12, item 4): a recorded decision re-evaluated under another ruleset version, for
legal staff. A decision is named ``<aggregate id>/<version>``: the event that recorded it, as ``history`` shows."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.audit.trail import AUDIT_RULE, AuditTrail
from application.diploma.decision_replay import DECISIONS, replay_nina_decision
from application.equivalency.decision_replay import replay_equalisation
from domain.audit.replayed import ReplayedDecision
from domain.diploma.ruleset import RulesetBook
from domain.equivalency.application import EquivalencyApplication
from domain.errors import violation


def decision_id(aggregate_id: UUID, version: int) -> str:
    return f"{aggregate_id}/{version}"


def parse_decision_id(text: str) -> tuple[UUID, int]:
    aggregate, _, version = text.strip().partition("/")
    try:
        if len(aggregate) == 36 and version.isdigit() and len(version) <= 9 and int(version) >= 1:
            return UUID(aggregate), int(version)
    except ValueError:
        pass
    raise violation(AUDIT_RULE, "decisionId", "a decision is named <aggregate id>/<version>, as history shows it")


class DecisionReplays:
    def __init__(self, trail: AuditTrail, rulesets: RulesetBook) -> None:
        self.trail = trail
        self.rulesets = rulesets

    def replay(self, decision: str, ruleset_id: str) -> ReplayedDecision | None:
        """None when no such event exists; a RuleViolation when it is no decision, or its rules have no versions."""
        aggregate_id, version = parse_decision_id(decision)
        ruleset = ruleset_id.strip()[:64]
        found = self.trail.event(aggregate_id, version)
        if found is None:
            return None
        app, event = found
        named = decision_id(aggregate_id, version)
        if type(event) in DECISIONS:
            if ruleset not in {r.id for r in self.rulesets}:
                raise violation("PIN-8", "rulesetId", f"no ruleset {ruleset!r}: one of {[r.id for r in self.rulesets]}")
            return replay_nina_decision(app, self.rulesets, named, event, ruleset)
        if isinstance(event, EquivalencyApplication.Equalised):
            return replay_equalisation(named, event, ruleset)
        if _has_rules(event):
            raise violation(
                AUDIT_RULE, "decisionId", "this decision's rules are not versioned data: there is no other version"
            )
        raise violation(AUDIT_RULE, "decisionId", f"{type(event).__qualname__} records no decision")


def _has_rules(event: Any) -> bool:
    return bool(getattr(event, "rule_ids", None))
