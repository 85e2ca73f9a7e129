"""The assessment context's read models (ASM): an LSP's pipeline by SOP step and due time, asesors' assignments,
candidates' own assessments with their evidence, and certificates.

Names are unsealed here, once, as every read model does (projections.personal). A holder's NIK is never stored,
only its keyed digest: a student's DPI finds their certificates by the digest of the NIK the registry holds for
them, computed when the DPI is read (ASM-7), so no registry event passes through this projection.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from domain.assessment.assessment import Assessment
from domain.assessment.blangko import Blangko
from domain.assessment.certificate import Certificate
from domain.assessment.kinds import Stage
from domain.assessment.people import Asesi
from domain.assessment.sop import Step
from domain.personal import Sealed, Unsealer
from projections.assessment.closing import ClosingProjection
from projections.assessment.instants import utc_text
from projections.personal import ERASED, full_name
from projections.projection import handles
from projections.store import Transaction


def nik_digest(key: bytes, nik: str) -> str:
    """A NIK as the read models keep it: keyed, so the read database alone cannot be searched by NIK."""
    return hmac.new(key, nik.encode(), hashlib.sha256).hexdigest()


__all__ = ["AssessmentProjection", "nik_digest", "utc_text"]  # utc_text: read by the queries from here


class AssessmentProjection(ClosingProjection):
    name = "assessments"
    applications = ("assessments",)
    tables = (
        "asm_assessments",
        "asm_steps",
        "asm_assignments",
        "asm_units",
        "asm_evidence",
        "asm_candidates",
        "asm_certificates",
        "asm_blangko",
        "asm_appeals",
        *ClosingProjection.closing_tables,
    )
    added_columns = ClosingProjection.closing_columns
    ddl = (
        "CREATE TABLE IF NOT EXISTS asm_assessments (assessment_id TEXT PRIMARY KEY, lsp_code TEXT NOT NULL,"
        " candidate_number TEXT NOT NULL, skema_code TEXT NOT NULL, skema_version INTEGER NOT NULL,"
        " assessed_on TEXT NOT NULL, tuk_code TEXT NOT NULL, mode TEXT NOT NULL, stage TEXT NOT NULL,"
        " recommendation TEXT, result TEXT, next_step INTEGER, due_at TEXT, calendar TEXT,"
        " members TEXT, appeals INTEGER NOT NULL DEFAULT 0, opened_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
        " review_due_at TEXT)",
        "CREATE INDEX IF NOT EXISTS asm_assessments_pipeline ON asm_assessments (lsp_code, stage, due_at)",
        "CREATE INDEX IF NOT EXISTS asm_assessments_candidate ON asm_assessments (lsp_code, candidate_number)",
        "CREATE TABLE IF NOT EXISTS asm_steps (assessment_id TEXT NOT NULL, step INTEGER NOT NULL,"
        " done_at TEXT NOT NULL, overdue INTEGER NOT NULL, reference TEXT, done_by TEXT NOT NULL,"
        " PRIMARY KEY (assessment_id, step))",
        "CREATE TABLE IF NOT EXISTS asm_assignments (assessment_id TEXT NOT NULL, asesor_number TEXT NOT NULL,"
        " active INTEGER NOT NULL, assigned_at TEXT NOT NULL, PRIMARY KEY (assessment_id, asesor_number))",
        "CREATE INDEX IF NOT EXISTS asm_assignments_asesor ON asm_assignments (asesor_number, active)",
        "CREATE TABLE IF NOT EXISTS asm_units (assessment_id TEXT NOT NULL, unit_code TEXT NOT NULL,"
        " recommendation TEXT NOT NULL, asesor_number TEXT NOT NULL, PRIMARY KEY (assessment_id, unit_code))",
        "CREATE TABLE IF NOT EXISTS asm_evidence (assessment_id TEXT NOT NULL, seq INTEGER NOT NULL,"
        " unit_code TEXT NOT NULL, element INTEGER NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL,"
        " media_type TEXT NOT NULL, description TEXT NOT NULL, valid INTEGER NOT NULL, authentic INTEGER NOT NULL,"
        " current INTEGER NOT NULL, sufficient INTEGER NOT NULL, asesor_number TEXT NOT NULL,"
        " recorded_at TEXT NOT NULL, PRIMARY KEY (assessment_id, seq))",
        "CREATE INDEX IF NOT EXISTS asm_evidence_file ON asm_evidence (sha256)",
        "CREATE TABLE IF NOT EXISTS asm_candidates (lsp_code TEXT NOT NULL, candidate_number TEXT NOT NULL,"
        " asesi_id TEXT NOT NULL UNIQUE, full_name TEXT NOT NULL, nik_digest TEXT, employer TEXT,"
        " PRIMARY KEY (lsp_code, candidate_number))",
        "CREATE TABLE IF NOT EXISTS asm_certificates (registration_number TEXT PRIMARY KEY,"
        " blangko_number TEXT NOT NULL, assessment_id TEXT NOT NULL, lsp_code TEXT NOT NULL,"
        " skema_code TEXT NOT NULL, skema_title TEXT NOT NULL, candidate_number TEXT NOT NULL,"
        " holder_name TEXT NOT NULL, nik_digest TEXT, printed_on TEXT NOT NULL, issued_on TEXT, valid_until TEXT,"
        " revoked_on TEXT, revoke_reason TEXT)",
        "CREATE INDEX IF NOT EXISTS asm_certificates_holder ON asm_certificates (nik_digest, issued_on)",
        "CREATE INDEX IF NOT EXISTS asm_certificates_lsp ON asm_certificates (lsp_code, candidate_number)",
        "CREATE TABLE IF NOT EXISTS asm_blangko (number TEXT PRIMARY KEY, lsp_code TEXT NOT NULL,"
        " batch_reference TEXT NOT NULL, received_on TEXT NOT NULL, assessment_id TEXT)",
        "CREATE TABLE IF NOT EXISTS asm_appeals (assessment_id TEXT NOT NULL, number INTEGER NOT NULL,"
        " grounds TEXT NOT NULL, appealed_on TEXT NOT NULL, upheld INTEGER, decided_by TEXT, remark TEXT,"
        " PRIMARY KEY (assessment_id, number))",
        *ClosingProjection.closing_ddl,
    )

    def __init__(self, unsealer: Unsealer, nik_key: bytes) -> None:
        self.unsealer = unsealer
        self.nik_key = nik_key

    def _nik_digest(self, sealed: Sealed) -> str | None:
        person = self.unsealer.unseal(sealed)
        return nik_digest(self.nik_key, person.nik) if person is not None and person.nik is not None else None

    # Candidates -------------------------------------------------------------------------------------------------

    @handles
    def on_asesi_erased(self, e: Asesi.PersonalDataErased, tx: Transaction) -> None:
        """UU PDP: the name, NIK digest and employer go from every row; certificates stay, their holder erased."""
        key = {"lsp": e.lsp_code, "n": e.candidate_number, "erased": ERASED}
        tx.execute(
            "UPDATE asm_candidates SET full_name = :erased, nik_digest = NULL, employer = NULL"
            " WHERE lsp_code = :lsp AND candidate_number = :n",
            key,
        )
        tx.execute(
            "UPDATE asm_certificates SET holder_name = :erased, nik_digest = NULL"
            " WHERE lsp_code = :lsp AND candidate_number = :n",
            key,
        )
        tx.execute(  # the representative's name was sealed with the holder's key: erased with them (ASM-6 step 10)
            "UPDATE asm_hand_overs SET representative_name = :erased"
            " WHERE lsp_code = :lsp AND candidate_number = :n AND representative_name IS NOT NULL",
            key,
        )

    @handles
    def on_candidate_registered(self, e: Asesi.Registered, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_candidates (lsp_code, candidate_number, asesi_id, full_name, nik_digest, employer)"
            " VALUES (:lsp, :n, :id, :name, :d, :employer)",
            {
                "id": str(e.originator_id),
                "lsp": e.lsp_code,
                "n": e.candidate_number,
                "name": full_name(self.unsealer, e.personal),
                "d": self._nik_digest(e.personal),
                "employer": e.employer or self._employer(e.personal),
            },
        )

    @handles
    def on_candidate_changed(self, e: Asesi.PersonalDataChanged, tx: Transaction) -> None:
        tx.execute(
            "UPDATE asm_candidates SET employer = :employer WHERE asesi_id = :id",
            {"employer": self._employer(e.personal), "id": str(e.originator_id)},
        )

    def _employer(self, sealed: Sealed) -> str | None:
        personal = self.unsealer.unseal(sealed)
        return personal.employer if personal is not None else None

    @handles
    def on_candidate_employer(self, e: Asesi.EmployerChanged, tx: Transaction) -> None:
        tx.execute(
            "UPDATE asm_candidates SET employer = :employer WHERE asesi_id = :id",
            {"employer": e.employer, "id": str(e.originator_id)},
        )

    # Assessments ------------------------------------------------------------------------------------------------

    @handles
    def on_opened(self, e: Assessment.Opened, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_assessments (assessment_id, lsp_code, candidate_number, skema_code, skema_version,"
            " assessed_on, tuk_code, mode, stage, opened_at, updated_at) VALUES (:id, :lsp, :n, :skema, :version,"
            " :on, :tuk, :mode, :stage, :at, :at)",
            {
                "id": str(e.originator_id),
                "lsp": e.lsp_code,
                "n": e.candidate_number,
                "skema": e.skema_code,
                "version": e.skema_version,
                "on": e.assessed_on.isoformat(),
                "tuk": e.tuk_code,
                "mode": e.mode.value,
                "stage": Stage.ASSESSING.value,
                "at": utc_text(e.timestamp),
            },
        )

    @handles
    def on_assigned(self, e: Assessment.AsesorAssigned, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_assignments (assessment_id, asesor_number, active, assigned_at) VALUES (:id, :a, 1, :at)"
            " ON CONFLICT (assessment_id, asesor_number) DO UPDATE SET active = 1, assigned_at = :at",
            {"id": str(e.originator_id), "a": e.asesor_number, "at": utc_text(e.timestamp)},
        )
        self._touch(e.originator_id, e.timestamp, tx)

    @handles
    def on_evidence(self, e: Assessment.EvidenceRecorded, tx: Transaction) -> None:
        v = e.evidence
        tx.execute(
            "INSERT INTO asm_evidence (assessment_id, seq, unit_code, element, sha256, size, media_type, description,"
            " valid, authentic, current, sufficient, asesor_number, recorded_at) VALUES (:id, :seq, :unit, :element,"
            " :sha, :size, :type, :description, :valid, :authentic, :current, :sufficient, :asesor, :at)",
            {
                "id": str(e.originator_id),
                "seq": e.originator_version,
                "unit": v.unit_code,
                "element": v.element,
                "sha": v.file.sha256,
                "size": v.file.size,
                "type": v.file.media_type,
                "description": v.description,
                "valid": int(v.judged.valid),
                "authentic": int(v.judged.authentic),
                "current": int(v.judged.current),
                "sufficient": int(v.judged.sufficient),
                "asesor": v.asesor_number,
                "at": utc_text(e.timestamp),
            },
        )
        self._touch(e.originator_id, e.timestamp, tx)

    @handles
    def on_unit_recommended(self, e: Assessment.UnitRecommended, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_units (assessment_id, unit_code, recommendation, asesor_number) VALUES (:id, :u, :r, :a)"
            " ON CONFLICT (assessment_id, unit_code) DO UPDATE SET recommendation = :r, asesor_number = :a",
            {"id": str(e.originator_id), "u": e.unit_code, "r": e.recommendation.value, "a": e.asesor_number},
        )
        self._touch(e.originator_id, e.timestamp, tx)

    @handles
    def on_concluded(self, e: Assessment.Concluded, tx: Transaction) -> None:
        tx.execute(
            "UPDATE asm_assessments SET stage = :stage, recommendation = :r, next_step = :step, due_at = :due,"
            " calendar = :calendar, updated_at = :at WHERE assessment_id = :id",
            {
                "id": str(e.originator_id),
                "stage": Stage.IN_SOP.value,
                "r": e.recommendation.value,
                "step": int(e.due.step),
                "due": utc_text(e.due.at),
                "calendar": e.due.calendar,
                "at": utc_text(e.timestamp),
            },
        )

    @handles
    def on_step_done(self, e: Assessment.StepDone, tx: Transaction) -> None:
        self._step(str(e.originator_id), e.step, e.at, e.overdue, e.reference, e.cause.actor.id, tx)
        stage = {Step.ISSUE_BK_LETTER: Stage.NOT_YET_COMPETENT, Step.SIGN_CERTIFICATE: Stage.CERTIFIED}.get(e.step)
        tx.execute(
            "UPDATE asm_assessments SET stage = COALESCE(:stage, stage), next_step = :step, due_at = :due,"
            " updated_at = :at WHERE assessment_id = :id",
            {
                "id": str(e.originator_id),
                "stage": stage.value if stage else None,
                "step": int(e.due.step) if e.due else None,
                "due": utc_text(e.due.at) if e.due else None,
                "at": utc_text(e.timestamp),
            },
        )

    @handles
    def on_plenary(self, e: Assessment.PlenaryDecided, tx: Transaction) -> None:
        self._step(str(e.originator_id), Step.PLENARY, e.at, e.overdue, None, e.cause.actor.id, tx)
        tx.execute(
            "UPDATE asm_assessments SET result = :result, members = :members, next_step = :step, due_at = :due,"
            " review_due_at = :review, updated_at = :at WHERE assessment_id = :id",
            {
                "id": str(e.originator_id),
                "result": e.result.value,
                "members": ", ".join(e.members),
                "step": int(e.due.step),
                "due": utc_text(e.due.at),
                "review": utc_text(e.review_due) if e.review_due is not None else None,  # ASM-9
                "at": utc_text(e.timestamp),
            },
        )

    @handles
    def on_appealed(self, e: Assessment.Appealed, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_appeals (assessment_id, number, grounds, appealed_on)"
            " SELECT :id, appeals + 1, :grounds, :on FROM asm_assessments WHERE assessment_id = :id",
            {"id": str(e.originator_id), "grounds": e.grounds, "on": e.on.isoformat()},
        )
        tx.execute(
            "UPDATE asm_assessments SET stage = :stage, updated_at = :at WHERE assessment_id = :id",
            {"id": str(e.originator_id), "stage": Stage.APPEALED.value, "at": utc_text(e.timestamp)},
        )

    @handles
    def on_appeal_decided(self, e: Assessment.AppealDecided, tx: Transaction) -> None:
        key = {"id": str(e.originator_id), "at": utc_text(e.timestamp)}
        tx.execute(
            "UPDATE asm_appeals SET upheld = :upheld, decided_by = :by, remark = :remark"
            " WHERE assessment_id = :id"
            " AND number = (SELECT appeals + 1 FROM asm_assessments WHERE assessment_id = :id)",
            {**key, "upheld": int(e.upheld), "by": e.decided_by, "remark": e.remark},
        )
        if e.upheld:  # reopened: a new round, with a new asesor (the history stays in the log and in asm_appeals)
            for table in ("asm_steps", "asm_units"):
                tx.execute(f"DELETE FROM {table} WHERE assessment_id = :id", key)
            tx.execute("UPDATE asm_assignments SET active = 0 WHERE assessment_id = :id", key)
            tx.execute(
                "UPDATE asm_assessments SET stage = :stage, recommendation = NULL, result = NULL, members = NULL,"
                " next_step = NULL, due_at = NULL, appeals = appeals + 1, updated_at = :at WHERE assessment_id = :id",
                {**key, "stage": Stage.ASSESSING.value},
            )
            return
        tx.execute(
            "UPDATE asm_assessments SET appeals = appeals + 1, updated_at = :at,"
            " stage = CASE WHEN EXISTS (SELECT 1 FROM asm_steps s WHERE s.assessment_id = :id AND s.step = 5)"
            " THEN :letter ELSE :sop END,"
            # after the letter, step 10 stays due as it was (a log from before issue 30 still names the letter's due)
            " due_at = CASE WHEN EXISTS (SELECT 1 FROM asm_steps s WHERE s.assessment_id = :id AND s.step = 5)"
            " THEN due_at ELSE COALESCE(:due, due_at) END WHERE assessment_id = :id",
            {
                **key,
                "letter": Stage.NOT_YET_COMPETENT.value,
                "sop": Stage.IN_SOP.value,
                "due": utc_text(e.due.at) if e.due else None,
            },
        )

    def _step(
        self,
        assessment_id: str,
        step: Step,
        at: datetime,
        overdue: bool,
        reference: str | None,
        by: str,
        tx: Transaction,
    ) -> None:
        tx.execute(
            "INSERT INTO asm_steps (assessment_id, step, done_at, overdue, reference, done_by)"
            " VALUES (:id, :step, :at, :overdue, :ref, :by)",
            {
                "id": assessment_id,
                "step": int(step),
                "at": utc_text(at),
                "overdue": int(overdue),
                "ref": reference,
                "by": by,
            },
        )

    def _touch(self, assessment_id: object, moment: datetime, tx: Transaction) -> None:
        tx.execute(
            "UPDATE asm_assessments SET updated_at = :at WHERE assessment_id = :id",
            {"id": str(assessment_id), "at": utc_text(moment)},
        )

    # Blangko and certificates -----------------------------------------------------------------------------------

    @handles
    def on_blangko_received(self, e: Blangko.Received, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_blangko (number, lsp_code, batch_reference, received_on) VALUES (:n, :lsp, :ref, :at)",
            {"n": e.number, "lsp": e.lsp_code, "ref": e.batch_reference, "at": utc_text(e.timestamp)},
        )

    @handles
    def on_blangko_used(self, e: Blangko.Used, tx: Transaction) -> None:
        tx.execute(
            "UPDATE asm_blangko SET assessment_id = :id WHERE number = :n", {"id": str(e.assessment_id), "n": e.number}
        )

    @handles
    def on_printed(self, e: Certificate.Printed, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_certificates (registration_number, blangko_number, assessment_id, lsp_code, skema_code,"
            " skema_title, candidate_number, holder_name, nik_digest, printed_on) VALUES (:reg, :blangko, :id, :lsp,"
            " :skema, :title, :n, :name, :d, :at)",
            {
                "reg": e.registration_number,
                "blangko": e.blangko_number,
                "id": str(e.assessment_id),
                "lsp": e.lsp_code,
                "skema": e.skema_code,
                "title": e.skema_title,
                "n": e.candidate_number,
                "name": full_name(self.unsealer, e.holder),
                "d": self._nik_digest(e.holder),
                "at": utc_text(e.timestamp),
            },
        )

    @handles
    def on_signed(self, e: Certificate.Signed, tx: Transaction) -> None:
        tx.execute(
            "UPDATE asm_certificates SET issued_on = :on, valid_until = :until WHERE registration_number = :reg",
            {"reg": e.registration_number, "on": e.issued_on.isoformat(), "until": e.valid_until.isoformat()},
        )

    @handles
    def on_revoked(self, e: Certificate.Revoked, tx: Transaction) -> None:
        tx.execute(
            "UPDATE asm_certificates SET revoked_on = :on, revoke_reason = :reason WHERE registration_number = :reg",
            {"reg": e.registration_number, "on": e.on.isoformat(), "reason": e.reason},
        )
