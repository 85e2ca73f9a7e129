"""A past decision re-evaluated under another ruleset version (issue 12, item 4): which rule results differ.

It changes nothing: it answers legal staff preparing a formal review (PK) or an appeal, "had version X applied,
would this have been decided otherwise, and by which rule?". The decision is first re-evaluated under its own
recorded ruleset from the inputs it recorded; ``reproduced`` says whether that gives the recorded result, so an
answer built on inputs that no longer reproduce the decision is never mistaken for a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleResult:
    rule_id: str
    recorded: str | None  # "pass", "fail", or what it gave (a level); None: that ruleset does not apply it
    replayed: str | None  # the same under the other ruleset
    message: str | None  # why it fails, where it fails

    @property
    def differs(self) -> bool:
        return self.recorded != self.replayed


@dataclass(frozen=True)
class ReplayedDecision:
    decision_id: str
    type: str  # e.g. Diploma.NINAReserved
    recorded_ruleset: str
    replayed_ruleset: str
    recorded_outcome: str  # e.g. "allowed", or a level "S1"
    replayed_outcome: str
    reproduced: bool  # its own ruleset, from what it recorded, gives what it recorded
    rules: tuple[RuleResult, ...]
    inputs: Mapping[str, str]  # what the decision saw, as re-read

    @property
    def differs(self) -> bool:
        return self.recorded_outcome != self.replayed_outcome or any(r.differs for r in self.rules)


def compare_rules(
    recorded: Iterable[str],
    recorded_failures: Mapping[str, str],
    replayed: Iterable[str],
    replayed_failures: Mapping[str, str],
) -> tuple[RuleResult, ...]:
    """Per rule id, in the order first applied: passed or failed under each ruleset, and the failure's message."""
    before, after = list(recorded), list(replayed)
    ordered = list(dict.fromkeys(before + after))
    return tuple(
        RuleResult(
            rule_id=rule_id,
            recorded=_result(rule_id, before, recorded_failures),
            replayed=_result(rule_id, after, replayed_failures),
            message=replayed_failures.get(rule_id) or recorded_failures.get(rule_id),
        )
        for rule_id in ordered
    )


def _result(rule_id: str, applied: list[str], failures: Mapping[str, str]) -> str | None:
    if rule_id not in applied:
        return None
    return "fail" if rule_id in failures else "pass"
