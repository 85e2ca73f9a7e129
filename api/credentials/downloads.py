"""The holder's own credentials (issue 13), for those who may read the record behind them: an LSP certificate
for its holder and the LSP's people (ASM-5), an SK of equivalency for its applicant and the directorate (EQV-4),
a DPI for its student and their university's staff (SUB-8, ``DPI_READERS``). Another's number reads as unknown, as
the PDFs' routes do."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response

from api.credentials.router import unavailable
from api.files import reads_application, refused, signed_in
from api.services import Services
from api.unavailable import TEMPORARY
from application.authorization import DPI_READERS, may_read_assessment, may_read_student
from domain.credentials.documents import MEDIA_TYPE
from domain.errors import NotAuthorized, RuleViolation
from domain.registry.codes import student_key
from projections.sivil.rows import SivilEntry

MAX_NUMBER = 64  # characters of a registration number in a path


def create_credential_downloads(services: Services) -> APIRouter:
    router = APIRouter()

    @router.get("/sertifikat/{registration_number}/credential.json")
    async def certificate(registration_number: str, request: Request) -> Response:
        """The signed LSP certificate (ASM-7) as a W3C Verifiable Credential."""
        try:
            actor = await signed_in(services, request)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))

        def make() -> dict[str, Any] | None:
            row = services.assessment.view.certificate(registration_number.strip()[:MAX_NUMBER])
            if row is None or not may_read_assessment(actor, row.lsp_code, row.candidate_number, assigned=False):
                return None
            units = [unit.unit_code for unit in services.assessment.view.units(row.assessment_id)]
            return services.credentials.certificate(row, units)

        return await _answer(make, "no such signed certificate", "sertifikat")

    @router.get("/equivalency/{registration_number}/sk.json")
    async def sk(registration_number: str, request: Request) -> Response:
        """The current SK of equivalency (EQV-4) as a W3C Verifiable Credential."""
        try:
            actor = await signed_in(services, request)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))

        def make() -> dict[str, Any] | None:
            row = services.equivalency.view.application(registration_number.strip().upper()[:MAX_NUMBER])
            if row is None or not reads_application(actor, row.account_id):
                return None
            return services.credentials.sk(row)

        return await _answer(make, "no SK of equivalency", "sk")

    @router.get("/dpi/{university_code}/{nim}/credential.json")
    async def dpi(university_code: str, nim: str, request: Request) -> Response:
        """The DPI's current version (SUB-8) as a W3C Verifiable Credential."""
        try:
            actor = await signed_in(services, request)
            code, number = student_key(university_code, nim)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))
        except RuleViolation:
            return refused(404, "not-found", "no such DPI")
        if not may_read_student(actor, DPI_READERS, code, number):
            return refused(403, "not-authorized", "a DPI is read by its student and their university's staff")

        def make() -> dict[str, Any] | None:
            row = services.submission.view.dpi(code, number)
            return None if row is None else services.credentials.dpi(row, _diploma(services, code, number))

        return await _answer(make, "no DPI credential for this student yet (its NINA is paired first)", "dpi")

    return router


def _diploma(services: Services, university_code: str, nim: str) -> SivilEntry | None:
    """The diploma the DPI accompanies: the student's latest NINA, while SIVIL shows it valid (PIN-5)."""
    registered = services.diploma.numbering.diploma(university_code, nim)
    if registered is None or registered.status != "PAIRED":
        return None
    entry = services.diploma.sivil.entry(university_code, registered.prodi_code, registered.nina)
    return entry if entry is not None and entry.status == "VALID" else None


async def _answer(make: Callable[[], dict[str, Any] | None], missing: str, name: str) -> Response:
    try:
        credential = await asyncio.to_thread(make)
    except TEMPORARY as e:
        return unavailable(e)
    if credential is None:
        return refused(404, "not-found", missing)
    subject = credential["credentialSubject"]
    number = subject.get("skNumber") or subject.get("registrationNumber") or subject.get("nim") or "credential"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(number))[:MAX_NUMBER]
    return Response(
        orjson.dumps(credential),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{safe}.vc.json"',
            "Cache-Control": "private, no-store",
        },
    )
