"""Where a person's records are found besides the log (issue 12, item 6): read models and verification trails,
handed to the personal data reports as plain functions."""

from __future__ import annotations

from uuid import UUID

from application.audit.personal_data import MAX_AGGREGATES, MAX_TRAIL, ShareUsed, Sources, Verified
from application.audit.reads import ReadTrail
from infra.assessment.certificate_trail import CertificateVerificationTrail
from infra.sharing.uses import ShareUseTrail
from infra.sivil.trail import VerificationTrail
from projections.assessment.view import AssessmentView
from projections.equivalency.view import EquivalencyView
from projections.submission.view import SubmissionView


def personal_data_sources(
    submissions: SubmissionView,
    sivil: VerificationTrail,
    assessments: AssessmentView,
    certificates: CertificateVerificationTrail,
    equivalency: EquivalencyView,
    share_uses: ShareUseTrail | None = None,
    staff_reads: ReadTrail | None = None,
) -> Sources:
    def assessments_of(lsp_code: str, candidate_number: str) -> list[tuple[UUID, str | None]]:
        """A candidate's assessments, each with its certificate's registration number if one was printed."""
        found = []
        for row in assessments.of_candidate(lsp_code, candidate_number):
            certificate = assessments.certificate_of(row.assessment_id)
            found.append((UUID(row.assessment_id), certificate.registration_number if certificate else None))
        return found

    return Sources(
        submissions_of=lambda u, nim: [UUID(r.submission_id) for r in submissions.of_student(u, nim)],
        proposals_of=lambda u, nim: [
            UUID(r.proposal_id) for r in submissions.proposals(u, status=None, limit=MAX_AGGREGATES, offset=0, nim=nim)
        ],
        sivil_verifications=lambda u, p, n: [
            Verified(v.verified_at, v.via, v.client_address) for v in sivil.for_diploma(u, p, n)
        ],
        assessments_of=assessments_of,
        certificate_verifications=lambda n: [Verified(*v) for v in certificates.for_certificate(n)],
        applications_of=lambda account: [r.registration_number for r in equivalency.of_account(account)],
        share_uses=lambda ids: [
            ShareUsed(u.used_at, u.share_id, u.kind, u.network, u.agent)
            for uses in (share_uses.of_shares(ids, MAX_TRAIL) if share_uses else {}).values()
            for u in uses
        ],
        staff_reads=lambda person: staff_reads.of_person(person, MAX_TRAIL) if staff_reads else [],
    )
