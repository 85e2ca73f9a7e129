"""Files over HTTP. ``POST /files`` takes the raw bytes of evidence (SUB-6) and answers their SHA-256, size and
media type (read from the bytes; a name or a Content-Type is ignored), within the uploader's share (FILE.quota);
``GET /files/{sha256}`` gives evidence back to those its submission or assessment names (the student and their SSC
staff; the LSP, its assigned asesors and the candidate), and to no one else, who reads it as unknown;
``GET /dpi/{university}/{nim}.pdf`` is the signed DPI."""

from __future__ import annotations

import asyncio
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.document_reads import saw_document
from api.problems import problem, violation
from api.public_lookup.address import ClientAddress
from api.public_lookup.rate_limit import RateLimited
from api.services import Services
from api.unavailable import MESSAGE, RETRY_AFTER, TEMPORARY, noted
from api.uploads import UploadSlots, busy, received
from application.audit.personal_data_access import Subject, report_for
from application.audit.reads import SeenView, listed, staff_reads
from application.authorization import (
    DPI_READERS,
    EQUIVALENCY_READERS,
    LSP_READERS,
    SSC,
    may_read_assessment,
    may_read_student,
)
from domain.audit import Actor, Role
from domain.errors import Failure, NotAuthorized, RuleViolation
from domain.files import SHA256, QuotaExceeded
from domain.registry.codes import student_key
from projections.assessment.rows import candidate_record_id
from projections.eligibility.register import student_record_id
from projections.equivalency.rows import application_uuid
from projections.numbering.view import NumberingView
from projections.submission.view import SubmissionView

# SUB-6, ASM-4, EQV-2; the Ketua LSP's SOP and technology description for remote assessment (ASM-5.application)
UPLOADERS = frozenset({Role.STUDENT, Role.SSC_STAFF, Role.ASESOR, Role.APPLICANT, Role.KETUA_LSP})


async def signed_in(services: Services, request: Request) -> Actor:
    """The caller of a route outside GraphQL, from the bearer token; NotAuthorized without one. A request that only
    reads (GET, HEAD) may come from a person signed in to the pages instead, by their session cookie (api/pages/:
    why never for anything that changes something)."""
    actor = await services.sign_in.actor_async(request.headers.get("authorization"))
    if actor is None and request.method in ("GET", "HEAD"):
        actor = await services.pages.actor_async(request.cookies.get(services.pages.session_cookie))
    if actor is None:
        raise NotAuthorized("sign in: send 'Authorization: Bearer <token>', or sign in at /signin")
    return actor


def reads_application(actor: Actor, account_id: str) -> bool:
    """An equivalency application, its SK and its credential (EQV-4): its applicant and the directorate."""
    return (actor.role is Role.APPLICANT and actor.id == account_id) or actor.role in EQUIVALENCY_READERS


def refused(status: int, kind: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    """A problem detail (api/problems.py) of ``kind``: not-authorized, not-found, ..."""
    return problem(status, kind, detail, headers=headers)


def _may_read_evidence(services: Services, actor: Actor, assessed: list[tuple[str, str, str]]) -> bool:
    view = services.assessment.view
    return any(
        may_read_assessment(actor, lsp, candidate, actor.role is Role.ASESOR and view.is_assigned(key, actor.id))
        for key, lsp, candidate in assessed
    )


def students_holding(submissions: SubmissionView, numbering: NumberingView, sha256: str) -> list[tuple[str, str]]:
    """The students whose submissions hold a file, but for those erased (UU PDP): a certificate's scan carries the
    very name that was erased."""
    return [(u, nim) for u, nim in submissions.evidence_holders(sha256) if not numbering.erased(u, nim)]


def create_files_router(services: Services) -> APIRouter:
    router = APIRouter()
    files = services.submission.files
    uploads = UploadSlots(services.submission.max_uploads)

    async def caller(request: Request) -> Actor:
        return await signed_in(services, request)

    @router.post("/files", status_code=201)
    async def upload(request: Request) -> Response:
        try:
            actor = await caller(request)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))
        if actor.role not in UPLOADERS:
            return refused(403, "not-authorized", f"role {actor.role} does not upload evidence")
        with uploads.slot() as admitted:
            if not admitted:  # issue 27: a flood of (slow) uploads waits outside, holding nothing
                return busy()
            try:
                stored = await received(request, files, actor)
            except QuotaExceeded as e:  # FILE.quota: nothing was stored, and the rest of the body is not read
                return violation(429, e.failures, headers={"Retry-After": str(e.retry_after), "Connection": "close"})
        if stored is None:
            return violation(415, [Failure("SUB-6", "file", "evidence is a PDF, PNG or JPEG file, by its content")])
        return JSONResponse({"sha256": stored.sha256, "size": stored.size, "mediaType": stored.media_type}, 201)

    @router.get("/files/{sha256}")
    async def download(sha256: str, request: Request) -> Response:
        try:
            actor = await caller(request)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))
        if not SHA256.fullmatch(sha256):
            return refused(404, "not-found", "no such file")
        holders = await asyncio.to_thread(
            students_holding, services.submission.view, services.diploma.numbering, sha256
        )
        assessed = await asyncio.to_thread(services.assessment.view.evidence_holders, sha256)
        applied = await asyncio.to_thread(services.equivalency.view.document_holders, sha256)
        remote = await asyncio.to_thread(services.assessment.remote.file_holders, sha256)
        if not holders and not assessed and not applied and not remote:
            return refused(404, "not-found", "no such file")
        allowed = any(may_read_student(actor, SSC, university, nim) for university, nim in holders)
        if not allowed and assessed:  # ASM-5: assessment evidence stays with the LSP, its asesors and the candidate
            allowed = await asyncio.to_thread(lambda: _may_read_evidence(services, actor, assessed))
        if not allowed and applied:  # EQV: the applicant's own documents, and the directorate's
            allowed = actor.role in EQUIVALENCY_READERS or (actor.role is Role.APPLICANT and actor.id in applied)
        if not allowed and remote:  # ASM-5: an LSP's application, for BNSP and the LSP's own people
            allowed = actor.role is Role.BNSP_OFFICER or (actor.role in LSP_READERS and actor.institution in remote)
        if not allowed:  # answered as an unknown digest: a refusal would tell that the file exists
            return refused(404, "not-found", "no such file")
        stored, data = await asyncio.to_thread(lambda: (files.stat(sha256), files.read(sha256)))
        if stored is None or data is None:
            return refused(404, "not-found", "no such file")
        if listed(actor):  # PDP-R: whose uploaded file a staff member downloaded
            owners = await asyncio.to_thread(_file_owners, services, holders, assessed, applied)
            saw_document(services, actor, SeenView.FILE, owners, request)
        return Response(
            data,
            media_type=stored.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{sha256}"',
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
            },
        )

    @router.get("/equivalency/{registration_number}/sk.pdf")
    async def sk_pdf(registration_number: str, request: Request) -> Response:
        """The signed SK of equivalency (EQV-4): for its applicant and the directorate."""
        try:
            actor = await caller(request)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))
        number = registration_number.strip().upper()[:20]
        row = await asyncio.to_thread(services.equivalency.view.application, number)
        if row is None or not reads_application(actor, row.account_id):
            return refused(404, "not-found", "no such SK")  # another's number reads as unknown
        data = await asyncio.to_thread(services.equivalency.sk_pdf, number)
        if data is None:
            return refused(404, "not-found", "no SK of equivalency for this application yet")
        saw_document(services, actor, SeenView.SK_PDF, [application_uuid(number)], request)  # PDP-R
        return Response(
            data,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="sk-{number}.pdf"',
                "Cache-Control": "private, no-store",
            },
        )

    @router.get("/personal-data.pdf")
    async def personal_data_pdf(
        request: Request,
        universityCode: str | None = None,
        nim: str | None = None,
        lspCode: str | None = None,
        candidateNumber: str | None = None,
        applicantAccount: str | None = None,
    ) -> Response:
        """A person's data report (UU PDP), as personalDataReport names them: for the person, or their controller."""
        subject = Subject(universityCode, nim, lspCode, candidateNumber, applicantAccount)
        audit = services.audit
        try:
            actor = await caller(request)
            report = await asyncio.to_thread(report_for, audit.personal_data, actor, subject)
        except NotAuthorized as e:
            return refused(403, "not-authorized", str(e))
        except RuleViolation as e:
            return violation(400, e.failures)
        if report is None:
            return refused(404, "not-found", "no such person")
        if report.person_id is not None:  # PDP-R: a staff member who reads the report is in the next one
            read = staff_reads(
                actor, SeenView.PERSONAL_DATA_REPORT, [report.person_id], report.generated_at, "http:/personal-data.pdf"
            )
            audit.staff_reads.record(read)
        data = await asyncio.to_thread(audit.personal_data_pdf, report)
        return Response(
            data,
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'attachment; filename="data-pribadi.pdf"',
                "Cache-Control": "private, no-store",
            },
        )

    @router.get("/equivalency/sk-status")
    async def sk_status(request: Request, registration: str = "", sk: str = "") -> Response:
        """For anyone holding an SK PDF (EQV-4): whether that SK is still the application's, given both numbers
        printed on it; nothing personal. Rate-limited per address like SIVIL's look-ups."""
        public = services.diploma.sivil_public
        try:
            address = ClientAddress(public.trusted_proxies)(request)
            await public.lane.run(lambda: public.limiter.hit(address, "sk-status"))  # off the staff's threads
        except RateLimited as e:
            return problem(429, "rate-limited", e.message, headers={"Retry-After": str(e.retry_after)})
        except TEMPORARY as e:  # the limiter's store is away: try later, never a 500
            noted(e)
            return problem(503, "unavailable", MESSAGE, headers={"Retry-After": str(RETRY_AFTER)})
        number, given = registration.strip().upper()[:20], " ".join(sk.split())[:80]
        if not number or not given:
            field = "registration" if not number else "sk"
            return problem(422, "invalid-request", "pass registration= and sk=, both printed on the SK", field=field)
        status = await asyncio.to_thread(services.equivalency.view.sk_status, number, given)
        if status == "NOT_FOUND":
            return problem(404, "not-found", "no SK with these numbers", registration=number, sk=given)
        return JSONResponse({"registration": number, "sk": given, "status": status})

    @router.get("/dpi/{university_code}/{nim}.pdf")
    async def dpi_pdf(university_code: str, nim: str, request: Request) -> Response:
        """The signed DPI (SUB-8): for its student, their SSC staff and graduation staff."""
        try:
            actor = await caller(request)
            code, number = student_key(university_code, nim)
        except NotAuthorized as e:
            return refused(401, "not-authorized", str(e))
        except RuleViolation:
            return refused(404, "not-found", "no such DPI")
        if not may_read_student(actor, DPI_READERS, code, number):
            return refused(403, "not-authorized", "a DPI is read by its student and their university's staff")
        data = await asyncio.to_thread(services.submission.dpi_pdf, code, number)
        if data is None:
            return refused(404, "not-found", "no DPI for this student yet")
        saw_document(services, actor, SeenView.DPI_PDF, [student_record_id(code, number)], request)  # PDP-R
        return Response(
            data,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="dpi-{code}-{number.replace("/", "_")}.pdf"',
                "Cache-Control": "private, no-store",
            },
        )

    return router


def _file_owners(
    services: Services,
    students: list[tuple[str, str]],
    assessed: list[tuple[str, str, str]],
    accounts: list[str],
) -> list[UUID]:
    """The people an uploaded file belongs to, by the record ids their data reports are keyed by: a student's
    registry record, a candidate's, each application of an applicant's account."""
    owners = [student_record_id(university, nim) for university, nim in students]
    owners += [candidate_record_id(lsp, candidate) for _, lsp, candidate in assessed]
    for account in accounts:
        owners += [application_uuid(row.registration_number) for row in services.equivalency.view.of_account(account)]
    return owners
