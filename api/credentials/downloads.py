"""The holder's own credentials (issue 13), for those who may read the record behind them: an LSP certificate
for its holder and the LSP's people (ASM-5), an SK of equivalency for its applicant and the directorate (EQV-4).
Another's number reads as unknown, as the PDFs' routes do."""

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
from application.authorization import may_read_assessment
from domain.credentials.documents import MEDIA_TYPE
from domain.errors import NotAuthorized

MAX_NUMBER = 64  # characters of a registration number in a path


def create_credential_downloads(services: Services) -> APIRouter:
    router = APIRouter()

    @router.get("/sertifikat/{registration_number}/credential.json")
    async def certificate(registration_number: str, request: Request) -> Response:
        """The signed LSP certificate (ASM-7) as a W3C Verifiable Credential."""
        try:
            actor = await signed_in(services, request)
        except NotAuthorized as e:
            return refused(401, "NotAuthorized", str(e))

        def make() -> dict[str, Any] | None:
            row = services.assessment.view.certificate(registration_number.strip()[:MAX_NUMBER])
            if row is None or not may_read_assessment(actor, row.lsp_code, row.candidate_number, assigned=False):
                return None
            return services.credentials.certificate(row)

        return await _answer(make, "no such signed certificate", "sertifikat")

    @router.get("/equivalency/{registration_number}/sk.json")
    async def sk(registration_number: str, request: Request) -> Response:
        """The current SK of equivalency (EQV-4) as a W3C Verifiable Credential."""
        try:
            actor = await signed_in(services, request)
        except NotAuthorized as e:
            return refused(401, "NotAuthorized", str(e))

        def make() -> dict[str, Any] | None:
            row = services.equivalency.view.application(registration_number.strip().upper()[:MAX_NUMBER])
            if row is None or not reads_application(actor, row.account_id):
                return None
            return services.credentials.sk(row)

        return await _answer(make, "no SK of equivalency", "sk")

    return router


async def _answer(make: Callable[[], dict[str, Any] | None], missing: str, name: str) -> Response:
    try:
        credential = await asyncio.to_thread(make)
    except TEMPORARY as e:
        return unavailable(e)
    if credential is None:
        return refused(404, "NotFound", missing)
    subject = credential["credentialSubject"]
    number = subject.get("skNumber") or subject.get("registrationNumber") or "credential"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(number))[:MAX_NUMBER]
    return Response(
        orjson.dumps(credential),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{safe}.vc.json"',
            "Cache-Control": "private, no-store",
        },
    )
