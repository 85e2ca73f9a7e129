"""The signed documents of the assessment and equivalency contexts (issue 33), for those who may read the record
behind them: an LSP certificate for its holder and the LSP's people (ASM-7, ASM-5), a BK letter for its candidate
and the LSP's people (ASM-6 step 5), a replacement letter of an SK for its applicant and the directorate (EQV-7).
Another's number reads as unknown, as the other PDFs' routes do."""

from __future__ import annotations

import asyncio
from uuid import UUID

from fastapi import APIRouter, Request, Response

from api.document_reads import saw_document
from api.files import reads_application, refused, signed_in
from api.services import Services
from application.audit.reads import SeenView
from application.authorization import may_read_assessment
from domain.errors import NotAuthorized
from projections.assessment.rows import candidate_record_id
from projections.equivalency.rows import application_uuid

MAX_NUMBER = 64  # characters of a registration or letter number in a path


def pdf(data: bytes, name: str) -> Response:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:96]
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{safe}.pdf"', "Cache-Control": "private, no-store"},
    )


def create_documents_router(services: Services) -> APIRouter:
    router = APIRouter()
    assessment = services.assessment

    @router.get("/sertifikat/{registration_number}/certificate.pdf")
    async def certificate(registration_number: str, request: Request) -> Response:
        """The signed LSP competency certificate (ASM-7)."""
        try:
            actor = await signed_in(services, request)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))
        row = await asyncio.to_thread(assessment.view.certificate, registration_number.strip()[:MAX_NUMBER])
        if row is None or not may_read_assessment(actor, row.lsp_code, row.candidate_number, assigned=False):
            return refused(404, "not-found", "no such certificate")
        data = await asyncio.to_thread(assessment.certificate_pdf, row)
        if data is None:
            return refused(404, "not-found", "the certificate is not signed yet (ASM-6 step 8)")
        person = candidate_record_id(row.lsp_code, row.candidate_number)
        saw_document(services, actor, SeenView.CERTIFICATE_PDF, [person], request)  # PDP-R
        return pdf(data, f"sertifikat-{row.registration_number}")

    @router.get("/assessments/{assessment_id}/bk-letter.pdf")
    async def bk_letter(assessment_id: str, request: Request) -> Response:
        """The Surat Keterangan Belum Kompeten (ASM-6 step 5)."""
        try:
            actor = await signed_in(services, request)
            key = str(UUID(assessment_id[:40]))
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))
        except ValueError:
            return refused(404, "not-found", "no such assessment")
        row = await asyncio.to_thread(assessment.view.assessment, key)
        if row is None or not may_read_assessment(actor, row.lsp_code, row.candidate_number, assigned=False):
            return refused(404, "not-found", "no such assessment")
        data = await asyncio.to_thread(assessment.bk_letter_pdf, row)
        if data is None:
            return refused(404, "not-found", "no letter of not yet competent for this assessment (ASM-6 step 5)")
        person = candidate_record_id(row.lsp_code, row.candidate_number)
        saw_document(services, actor, SeenView.BK_LETTER_PDF, [person], request)  # PDP-R
        return pdf(data, f"surat-bk-{row.candidate_number}")

    @router.get("/equivalency/{registration_number}/replacement.pdf")
    async def replacement(registration_number: str, request: Request, letter: str | None = None) -> Response:
        """The replacement letter of the SK (EQV-7): ``letter`` by its number, else the latest."""
        try:
            actor = await signed_in(services, request)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))
        number = registration_number.strip().upper()[:20]
        row = await asyncio.to_thread(services.equivalency.view.application, number)
        if row is None or not reads_application(actor, row.account_id):
            return refused(404, "not-found", "no such application")
        chosen = " ".join(letter.split())[:MAX_NUMBER] if letter else None
        data = await asyncio.to_thread(services.equivalency.replacement_pdf, number, chosen)
        if data is None:
            return refused(404, "not-found", "no replacement letter for this application's SK in force (EQV-7)")
        saw_document(services, actor, SeenView.SK_PDF, [application_uuid(number)], request)  # PDP-R
        return pdf(data, f"pengganti-sk-{number}")

    return router
