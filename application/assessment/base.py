"""What every part of the assessment context's application shares: its collaborators, the time in Jakarta, and
how an assessment is found and answered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from application.assessment.receipt import AssessmentReceipt
from application.files import OwnFile
from application.service import Service
from domain.assessment.assessment import Assessment
from domain.calendar import JAKARTA, WorkingCalendar
from domain.errors import NotFound
from domain.personal import Sealer


class AssessmentBase(Service):
    sealer: Sealer
    calendar: WorkingCalendar  # the same Indonesian working calendar as submissions' (ASM-6)
    own_file: OwnFile  # FILE.uploader: the actor's own uploads (infra.uploads)

    def now(self) -> datetime:
        return self.clock().astimezone(JAKARTA)

    def _assessment(self, lsp_code: str, assessment_id: UUID) -> Assessment:
        assessment = self.find(Assessment, assessment_id)
        if assessment is None or assessment.lsp_code != lsp_code:
            raise NotFound("assessment", str(assessment_id))
        return assessment

    def _receipt(self, assessments: Sequence[Assessment], position: int | None) -> AssessmentReceipt:
        last = assessments[-1]
        return AssessmentReceipt(
            self.name,
            position,
            assessment_ids=tuple(a.id for a in assessments),
            stage=last.stage.value,
            next_step=int(last.next_step) if last.next_step is not None else None,
            due_at=last.due.at if last.due is not None and last.next_step is not None else None,
        )
