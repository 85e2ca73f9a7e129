"""A NINA reservation or pairing re-evaluated under another ruleset (issue 12, item 4; PIN-2, PIN-3, PIN-8).

The inputs are the academic record the decision relied on: the student as of the ``RecordReliedOn`` event
saved in the decision's own transaction (so no later correction leaks in), and the programme's accreditations
as they stood when it was taken. Nothing is saved.
"""

from __future__ import annotations

from typing import Any

from application.service import Service, replay
from domain.audit.replayed import ReplayedDecision, compare_rules
from domain.diploma.diploma import Diploma
from domain.diploma.ruleset import Decision, Ruleset, RulesetBook
from domain.errors import violation
from domain.registry.programme import Programme
from domain.registry.student import Student

DECISIONS: dict[type[Any], str] = {
    Diploma.NINAReserved: "reservation",
    Diploma.NINAReservedAgain: "reservation",
    Diploma.NINAPaired: "pairing",
}


def replay_nina_decision(
    app: Service, rulesets: RulesetBook, decision_id: str, event: Any, ruleset_id: str
) -> ReplayedDecision:
    kind = DECISIONS[type(event)]
    other = rulesets.get(ruleset_id)
    recorded: Decision = event.decision
    own = rulesets.get(recorded.ruleset_id)
    record = _record_relied_on(app, event)
    again = _apply(own, kind, record)
    replayed = _apply(other, kind, record)
    return ReplayedDecision(
        decision_id=decision_id,
        type=type(event).__qualname__,
        recorded_ruleset=recorded.ruleset_id,
        replayed_ruleset=other.id,
        recorded_outcome=_outcome(recorded),
        replayed_outcome=_outcome(replayed),
        reproduced=again.failures == recorded.failures and again.inputs == recorded.inputs,
        rules=compare_rules(
            recorded.rule_ids,
            _by_rule(recorded),
            replayed.rule_ids,
            _by_rule(replayed),
        ),
        inputs=dict(recorded.inputs),
    )


def _apply(ruleset: Ruleset, kind: str, record: Any) -> Decision:
    return ruleset.reservation(record) if kind == "reservation" else ruleset.pairing(record)


def _outcome(decision: Decision) -> str:
    return "allowed" if decision.allowed else "refused"


def _by_rule(decision: Decision) -> dict[str, str]:
    failures: dict[str, str] = {}
    for failure in decision.failures:
        failures.setdefault(failure.rule_id, failure.message)
    return failures


def _record_relied_on(app: Service, event: Any) -> Any:
    diploma = replay(None, app.repository.event_store.get(event.originator_id, lte=event.originator_version))
    store = app.repository.event_store
    student_events: list[Any] = list(store.get(diploma.student_id))
    relied = [
        e
        for e in student_events
        # By diploma and NINA: a reservation again records its reliance as a reservation (``reserve_nina``).
        if isinstance(e, Student.RecordReliedOn)
        and e.diploma_id == event.originator_id
        and e.nina == event.nina.value
        and (e.decision == "Diploma.NINAPaired") == isinstance(event, Diploma.NINAPaired)
    ]
    if not relied:  # a decision recorded before RecordReliedOn existed (issue 15)
        raise violation("API.audit", "decisionId", "the log holds no record this decision relied on")
    student = replay(None, [e for e in student_events if e.originator_version <= relied[0].originator_version])
    programme_id = Programme.create_id(student.university_code, student.prodi_code)
    programme_events: list[Any] = list(store.get(programme_id))
    programme = replay(None, [e for e in programme_events if e.timestamp <= event.timestamp])
    graduated_on = student.graduation.decree_date if student.graduation else None
    accredited = graduated_on is not None and programme.accredited_on(graduated_on)
    return student.record(programme.level, accredited_at_graduation=accredited)
