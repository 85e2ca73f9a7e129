"""``replayDecision`` (issue 12, item 4): a recorded decision re-evaluated under another ruleset version, for
legal staff, from the live log. A decision is named ``<aggregate id>/<version>`` (the event that recorded it, as
``history`` shows), or by its record's business key (issue 32, item 2): an SK number names the decision that issued
it; any other key names its record's decisions, counted from 1 in the order taken (the latest when not counted)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.audit.record_keys import RecordKey, record_id
from application.audit.trail import AUDIT_RULE, AuditTrail
from application.diploma.decision_replay import DECISIONS, replay_nina_decision
from application.equivalency.decision_replay import replay_equalisation
from domain.audit.replayed import ReplayedDecision
from domain.diploma.diploma import Diploma
from domain.diploma.ruleset import RulesetBook
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.kinds import parse_sk_number, sk_key
from domain.errors import violation
from domain.registry.codes import student_key

# The events a record's decisions are counted by: a diploma's NINA decisions, an application's SKs and refusals
# (numbered as ``decisionBasis`` numbers them).
COUNTED: tuple[type[Any], ...] = (*DECISIONS, EquivalencyApplication.Equalised, EquivalencyApplication.Refused)


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

    def of_record(self, key: RecordKey, ruleset_id: str, decision: int | None = None) -> ReplayedDecision | None:
        """The decision a business key names, replayed; None when nothing was recorded under the key."""
        if decision is not None and not 1 <= decision <= 10_000:
            raise violation(AUDIT_RULE, "decision", "decisions are counted from 1")
        aggregate_id = record_id(self.trail, key)
        if key.nim is not None:  # a student's decisions are their diploma's
            aggregate_id = Diploma.create_id(*student_key(key.university_code or "", key.nim))
        if aggregate_id is None:
            return None
        taken = [e for e in self.trail.events(aggregate_id) if isinstance(e, COUNTED)]
        if key.sk_number is not None:
            sk = sk_key(parse_sk_number(key.sk_number))
            taken = [e for e in taken if sk_key(getattr(e, "sk_number", "") or "") == sk]
            if decision not in (None, 1):
                raise violation(AUDIT_RULE, "decision", "an SK number names one decision: leave decision out")
        if not taken:
            raise violation(AUDIT_RULE, "record", "no decision is recorded under this key")
        if decision is not None and decision > len(taken):
            raise violation(AUDIT_RULE, "decision", f"this record has {len(taken)} decision(s)")
        chosen = taken[(decision or len(taken)) - 1]
        return self.replay(decision_id(aggregate_id, chosen.originator_version), ruleset_id)

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
