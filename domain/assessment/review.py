"""Reviewing the assessment process (ASM-9; seed 001, the sixth step of an assessment: *meninjau proses asesmen*).

After the plenary's decision the LSP reviews how the assessment was carried out: a reviewer who did not assess the
candidate, under any asesor number they ever held (ASM-6.identity), records findings on planning, evidence,
decision and records, and any follow-up. Due within 7 days of the plenary (decided in DOMAIN.md): calendar days,
to the instant, as ASM-8 counts its 14 days in calendar days; a late review is recorded and marked overdue, as a
late SOP step is, never refused.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import violation
from domain.text import REMARK_CHARS, optional_text, parse_text

RULE = "ASM-9"
INDEPENDENCE = "ASM-9.independence"
ORDER = "ASM-9.order"
REVIEWER = "ASM-9.reviewer"  # an appointed member of the technical committee (decided: docs/AUTHORIZATION.md)
REVIEW_DAYS = 7  # ASM-9 (decided): within 7 days of the plenary
AREAS = ("planning", "evidence", "decision", "records")  # the four areas a review covers


def review_due(plenary_at: datetime) -> datetime:
    return plenary_at + timedelta(days=REVIEW_DAYS)


@dataclass(frozen=True)
class Findings:
    """Temuan peninjauan proses asesmen: one finding per area (each required: "sesuai" is a finding too), and the
    follow-up (tindak lanjut), if any."""

    planning: str
    evidence: str
    decision: str
    records: str
    follow_up: str | None = None

    @classmethod
    def parse(
        cls, *, planning: object, evidence: object, decision: object, records: object, follow_up: object = None
    ) -> Findings:
        def area(value: object, field: str) -> str:
            return parse_text(value, field=field, max_chars=REMARK_CHARS, rule_id=RULE, multiline=True)

        return cls(
            planning=area(planning, "planning"),
            evidence=area(evidence, "evidence"),
            decision=area(decision, "decision"),
            records=area(records, "records"),
            follow_up=optional_text(follow_up, field="followUp", max_chars=REMARK_CHARS, rule_id=RULE, multiline=True),
        )


def check_reviewer(reviewer: str, numbers: Set[str], assessed_by: Set[str]) -> None:
    """ASM-9.independence: the reviewer did not assess the candidate, by their id or any number they ever held."""
    if ({reviewer} | set(numbers)) & set(assessed_by):
        raise violation(
            INDEPENDENCE, "reviewerId", f"{reviewer} assessed this candidate and may not review its assessment"
        )
