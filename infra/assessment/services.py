"""The assessment context's builder (issue 33): its commands, read models, the certificate's trail, and the
certificate and BK letter PDFs; with the registry query that finds a student's certificates (ASM-7)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from api.services import AssessmentServices
from application.assessment.assessments import Assessments
from application.service import Service
from domain.personal import Unsealer
from domain.registry.student import Student
from infra.assessment.certificate_trail import CertificateVerificationTrail
from infra.composition import Shared
from projections.assessment.projection import nik_digest
from projections.assessment.view import AssessmentView
from projections.registers.view import RegistersView
from projections.remote_assessment.view import RemoteAssessmentView


def assessment_services(
    shared: Shared,
    commands: Assessments,
    view: AssessmentView,
    holder_digest: Callable[[str, str], str | None],
    trail: CertificateVerificationTrail,
) -> AssessmentServices:
    return AssessmentServices(
        commands=commands,
        view=view,
        remote=RemoteAssessmentView(shared.queries),
        student_nik_digest=holder_digest,
        verification_trail=trail,
        registers=RegistersView(shared.queries),
        certificate_pdf=functools.partial(
            _certificate_pdf,
            view,
            commands,
            shared.pdf_signer,
            shared.clock,
            shared.credentials.certificate,
            shared.public_url,
        ),
        bk_letter_pdf=functools.partial(
            _bk_letter_pdf, view, commands, shared.pdf_signer, shared.clock, shared.issuer, shared.credentials.sign
        ),
    )


# Each document's module loads reportlab and pyHanko: on the first PDF, not at start-up.
def _certificate_pdf(*args: Any) -> bytes | None:
    from infra.assessment.certificate_pdf import certificate_document

    return certificate_document(*args)


def _bk_letter_pdf(*args: Any) -> bytes | None:
    from infra.assessment.bk_letter_pdf import bk_letter_document

    return bk_letter_document(*args)


def student_nik_digest(registry: Service, unsealer: Unsealer, key: bytes, university_code: str, nim: str) -> str | None:
    """ASM-7: the keyed digest of the NIK the registry holds for a student, to find the certificates they hold;
    None without a NIK (a foreign student) or once erased (UU PDP)."""
    student = registry.find(Student, Student.create_id(university_code, nim))
    personal = unsealer.unseal(student.personal) if student is not None else None
    return nik_digest(key, personal.nik) if personal is not None and personal.nik is not None else None
