"""Competency assessment by an LSP (ASM-1 .. ASM-8): its own log (``assessments``).

Setup (skema, licences, asesors, TUK, committee, candidates) is in ``setup``; blangko and certificates in
``certificates``; here, one candidate's assessment from its schedule through the plenary to an appeal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from application.assessment.certificates import CertificateCommands
from application.assessment.closing import ClosingCommands
from application.assessment.inputs import EvidenceInput, parse_evidence, parse_reference
from application.assessment.receipt import AssessmentReceipt
from application.assessment.remote import RemoteAssessmentCommands
from application.assessment.setup import CODE_FORM, AssessmentSetup
from application.authorization import APPEAL_DECIDERS, ASESORS, LSP_CERTIFICATION, require
from application.files import OwnFile
from application.idempotency import keyed
from domain.assessment.asesor import Asesor, Candidate
from domain.assessment.assessment import Assessment, Entitlement
from domain.assessment.kinds import Mode
from domain.assessment.licence import Licence, parse_lsp_code
from domain.assessment.numbers import parse_candidate_number, parse_number
from domain.assessment.people import Asesi, Committee, parse_person_key
from domain.assessment.sop import SOP, Result, Step
from domain.assessment.standards import SKEMA_CODE, Skema, parse_code
from domain.assessment.tuk import TUK_CODE, Tuk
from domain.audit import Cause, Role
from domain.calendar import WorkingCalendar
from domain.errors import NotAuthorized, violation
from domain.personal import Sealer
from domain.text import REMARK_CHARS, parse_text

MAX_BATCH = 200  # assessments one SOP step is recorded for at once (a plenary's candidates)
# The steps that produce only a document's number, if any (ASM-6): the others record what they produce.
SIMPLE_STEPS = (
    Step.INVITE_COMMITTEE,
    Step.PREPARE_DOCUMENTS,
    Step.ANNOUNCE_RESULT,
    Step.ISSUE_BK_LETTER,
    Step.ARCHIVE_CERTIFICATE,
)


class Assessments(ClosingCommands, CertificateCommands, RemoteAssessmentCommands, AssessmentSetup):
    name = "assessments"
    snapshot_every: ClassVar[dict[type[Aggregate], int]] = {}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        sealer: Sealer,
        calendar: WorkingCalendar,
        own_file: OwnFile,
        **kw: Any,
    ):
        super().__init__(env, **kw)
        self.sealer = sealer
        self.calendar = calendar
        self.own_file = own_file  # FILE.uploader: the actor's own uploads (infra.uploads)

    # Schedule and assignment (ASM-2, ASM-3, ASM-5) ------------------------------------------------------------

    def open_assessment(
        self,
        *,
        lsp_code: str,
        candidate_number: str,
        skema_code: str,
        assessed_on: date,
        tuk_code: str,
        mode: Mode,
        cause: Cause,
        idempotency_key: str | None = None,
    ) -> AssessmentReceipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_CERTIFICATION, lsp)
        number = parse_candidate_number(candidate_number, "candidateNumber", "ASM-3")
        skema_key = parse_code(skema_code, SKEMA_CODE, "skemaCode", CODE_FORM, "ASM-2.scope")
        tuk_key = parse_code(tuk_code, TUK_CODE, "tukCode", CODE_FORM, "ASM-5")
        key = keyed(
            idempotency_key,
            cause,
            "openAssessment",
            lsp=lsp,
            candidate=number,
            skema=skema_key,
            on=assessed_on,
            tuk=tuk_key,
            mode=mode,
        )

        def command() -> AssessmentReceipt:
            if (earlier := self.earlier(key, Assessment)) is not None:  # IDEM-1: a retry answers the first result
                return self._receipt([earlier[0]], earlier[1])
            self.load(Asesi, Asesi.create_id(lsp, number), "candidate", number)
            licence = self.find(Licence, Licence.create_id(lsp))
            if licence is None:
                raise violation("ASM-2.scope", "lspCode", f"LSP {lsp} holds no BNSP licence")
            skema = self.load(Skema, Skema.create_id(skema_key), "skema", skema_key)
            assessment = Assessment.open(
                licence=licence,
                skema=skema,
                candidate_number=number,
                assessed_on=assessed_on,
                tuk=self.load(Tuk, Tuk.create_id(lsp, tuk_key), "TUK", tuk_key),
                mode=mode,
                cause=cause,
                remote_requirements=self.requirements_for(lsp, skema),
            )
            claims = (key.claim(assessment),) if key else ()
            return self._receipt([assessment], self.commit(assessment, *claims))

        return self.retrying(command)

    def assign_asesor(
        self, *, lsp_code: str, assessment_id: UUID, asesor_number: str, cause: Cause
    ) -> AssessmentReceipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_CERTIFICATION, lsp)
        number = parse_number(asesor_number, "asesorNumber")

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            asesor = self.find(Asesor, Asesor.create_id(number))
            if asesor is None:
                raise violation("ASM-3.registration", "asesorNumber", f"no asesor is registered as {number!r}")
            asesi = self.load(Asesi, Asesi.create_id(lsp, assessment.candidate_number), "candidate", "")
            committee = self.find(Committee, Committee.create_id(lsp))
            holders = committee.holders_of(asesor.asesor_number) if committee is not None else frozenset()
            assessment.assign(asesor, self._candidate(asesi), cause, holders)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)

    def _candidate(self, asesi: Asesi) -> Candidate:
        """What ASM-3's conflict check reads of a candidate: their key and employer, unsealed here (an erased
        candidate's employer is unknown, so no conflict can be found through it)."""
        personal = self.sealer.unseal(asesi.personal)
        return Candidate(asesi.key, asesi.employer or (personal.employer if personal else None))

    # The asesor's work (ASM-4) -------------------------------------------------------------------------------

    def record_evidence(
        self, *, lsp_code: str, assessment_id: UUID, evidence: EvidenceInput, cause: Cause
    ) -> AssessmentReceipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, ASESORS)

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            assessment.check_evidence_recorder(cause.actor.id)  # who first: the file is looked at for them only
            record = parse_evidence(evidence, cause.actor.id, partial(self.own_file, cause.actor))
            assessment.record_evidence(record, cause)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)

    def recommend_unit(
        self, *, lsp_code: str, assessment_id: UUID, unit_code: str, recommendation: Result, cause: Cause
    ) -> AssessmentReceipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, ASESORS)
        unit = parse_text(unit_code, field="unitCode", max_chars=60, rule_id="ASM-4").upper()

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            asesi = self.load(Asesi, Asesi.create_id(lsp, assessment.candidate_number), "candidate", "")
            skema = self.load(Skema, Skema.create_id(assessment.skema_code), "skema", assessment.skema_code)
            entitled = Entitlement(
                asesor=self.load(Asesor, Asesor.create_id(cause.actor.id), "asesor", cause.actor.id),
                candidate=self._candidate(asesi),
                licence=self.load(Licence, Licence.create_id(lsp), "licence", lsp),
                tuk=self.load(Tuk, Tuk.create_id(lsp, assessment.tuk_code), "TUK", assessment.tuk_code),
                skema=skema,
                remote_requirements=self.requirements_for(lsp, skema),
            )
            assessment.recommend(unit, recommendation, entitled, cause)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)

    def conclude_assessment(self, *, lsp_code: str, assessment_id: UUID, cause: Cause) -> AssessmentReceipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, ASESORS)

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            assessment.conclude(cause.actor.id, self.now(), self.calendar, cause)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)

    # The SOP (ASM-6) -----------------------------------------------------------------------------------------

    def complete_step(
        self,
        *,
        lsp_code: str,
        assessment_ids: Sequence[UUID],
        step: Step,
        reference: str | None,
        cause: Cause,
    ) -> AssessmentReceipt:
        """Steps 1, 2, 4, 5 and 9, for one candidate or a plenary's batch at once (all or none); step 4 names the SK
        and step 5 the letter, step 9 may name where the copy is archived. The other steps record what they
        produce: ``decide_in_plenary``, ``assign_blangko``, ``print_certificate``, ``sign_certificate``,
        ``hand_over``."""
        if step not in SIMPLE_STEPS:
            raise violation("ASM-6.order", "step", f"step {int(step)} is recorded by its own command")
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, frozenset({SOP[step].role}), lsp)
        ids = _batch(assessment_ids)
        needs_reference = step in (Step.ANNOUNCE_RESULT, Step.ISSUE_BK_LETTER)
        document = (
            parse_reference(reference, "reference", "ASM-6") if needs_reference or reference is not None else None
        )

        def command() -> AssessmentReceipt:
            now = self.now()
            assessments = [self._assessment(lsp, i) for i in ids]
            for assessment in assessments:
                assessment.do_step(step, now, self.calendar, cause, reference=document)
            return self._receipt(assessments, self.commit(*assessments))

        return self.retrying(command)

    def decide_in_plenary(
        self,
        *,
        lsp_code: str,
        assessment_id: UUID,
        result: Result,
        members: Sequence[str],
        cause: Cause,
    ) -> AssessmentReceipt:
        """Step 3, recorded by a member of the technical committee who is among the deciding members."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, frozenset({Role.KOMITE_TEKNIS}), lsp)
        deciding = sorted({parse_person_key(m, "members", "ASM-6.committee") for m in members})
        if cause.actor.id not in deciding:
            raise NotAuthorized("the member recording the plenary's decision is one of its deciding members")

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            committee = self.load(Committee, Committee.create_id(lsp), "committee", lsp)
            assessment.decide_in_plenary(result, committee.deciding(deciding), self.now(), self.calendar, cause)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)

    # Appeal (ASM-8) ------------------------------------------------------------------------------------------

    def appeal(self, *, lsp_code: str, assessment_id: UUID, grounds: str, cause: Cause) -> AssessmentReceipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, frozenset({Role.ASESI}), lsp)
        text = parse_text(grounds, field="grounds", max_chars=REMARK_CHARS, rule_id="ASM-8", multiline=True)

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            if assessment.candidate_number != cause.actor.id:
                raise NotAuthorized("a candidate appeals only their own assessment")
            assessment.appeal(text, self.today(), cause)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)

    def decide_appeal(
        self, *, lsp_code: str, assessment_id: UUID, upheld: bool, remark: str, cause: Cause
    ) -> AssessmentReceipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, APPEAL_DECIDERS, lsp)
        text = parse_text(remark, field="remark", max_chars=REMARK_CHARS, rule_id="ASM-8", multiline=True)

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            committee = self.find(Committee, Committee.create_id(lsp))
            if cause.actor.role is Role.KOMITE_TEKNIS and (
                committee is None or cause.actor.id not in committee.members
            ):
                raise NotAuthorized(f"{cause.actor.id} is not a member of the technical committee of LSP {lsp}")
            own_numbers = committee.numbers_of(cause.actor.id) if committee is not None else frozenset()
            assessment.decide_appeal(upheld, cause.actor.id, own_numbers, text, self.now(), self.calendar, cause)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)


def _batch(ids: Sequence[UUID]) -> list[UUID]:
    unique = list(dict.fromkeys(ids))
    if not 1 <= len(unique) <= MAX_BATCH:
        raise violation("ASM-6", "assessmentIds", f"1 to {MAX_BATCH} assessments at once; got {len(unique)}")
    return unique
