"""The submission context's builder (issue 33): its commands, read model, files, the e-mail outbox (SUB-10) and
the DPI PDF, with the queries the DPI and the outbox ask of other contexts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from api.services import SubmissionServices
from application.service import Service
from application.submission.submissions import Submissions
from domain.personal import Unsealer
from domain.registry.student import Student
from infra.composition import Shared
from infra.outbox import OutboxSender
from infra.smtp import SmtpSettings
from infra.uploads import Uploads
from projections.assessment.rows import CertificateRow
from projections.numbering.view import NumberingView
from projections.sivil.rows import SivilEntry
from projections.sivil.view import SivilView
from projections.submission.view import SubmissionView
from projections.worker import Exclusive


def submission_services(
    shared: Shared,
    commands: Submissions,
    files: Uploads,
    exclusive: Exclusive,
    certificates: Callable[[str, str, str | None], list[CertificateRow]],
) -> SubmissionServices:
    """``certificates``: (university, NIM, finished on) the competency certificates a DPI lists (ASM-7)."""
    settings, queries = shared.settings, shared.queries
    return SubmissionServices(
        commands=commands,
        view=SubmissionView(queries),
        files=files,
        max_upload_bytes=settings.max_upload_bytes,
        max_uploads=settings.max_uploads,
        outbox=OutboxSender(
            shared.reads,
            SmtpSettings(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_sender,
                starttls=settings.smtp_starttls,
                username=settings.smtp_username,
                password=settings.smtp_password,
                timeout=settings.smtp_timeout,
                data_timeout=settings.smtp_data_timeout,
                retry_seconds=settings.smtp_retry_seconds,
                attempts=settings.smtp_attempts,
                uncertain_retry_seconds=settings.smtp_uncertain_retry_seconds,
                uncertain_sends=settings.smtp_uncertain_sends,
            ),
            addresses=functools.partial(student_address, shared.registry, shared.vault),
            exclusive=exclusive,
        ),
        dpi_pdf=functools.partial(
            _dpi_pdf,
            SubmissionView(queries),
            certificates,
            shared.registry,
            shared.vault,
            shared.pdf_signer,
            shared.clock,
            functools.partial(shown_diploma, NumberingView(queries), SivilView(queries)),
            shared.credentials.dpi,
            shared.public_url,
        ),
    )


def _dpi_pdf(*args: Any) -> bytes | None:
    from infra.submission.dpi_pdf import dpi_document  # reportlab and pyHanko load on the first PDF

    return dpi_document(*args)


def shown_diploma(numbering: NumberingView, sivil: SivilView, university_code: str, nim: str) -> SivilEntry | None:
    """The diploma a DPI accompanies: the student's latest NINA, while SIVIL shows it valid (PIN-5)."""
    registered = numbering.diploma(university_code, nim)
    if registered is None or registered.status != "PAIRED":
        return None
    entry = sivil.entry(university_code, registered.prodi_code, registered.nina)
    return entry if entry is not None and entry.status == "VALID" else None


def student_address(registry: Service, unsealer: Unsealer, university_code: str, nim: str) -> str | None:
    """Where a student's e-mail goes (SUB-10): their address in the registry, unsealed when sending; None when
    none was given or it was erased (UU PDP)."""
    student = registry.find(Student, Student.create_id(university_code, nim))
    personal = unsealer.unseal(student.personal) if student is not None else None
    return personal.email if personal is not None else None
