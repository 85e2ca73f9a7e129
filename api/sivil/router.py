"""The public SIVIL routes: the web page at /sivil, GraphQL at /sivil/graphql, /sivil/status and /sivil/pdf.

Everything is handed in by the composition root; nothing here reads settings or opens connections.

``/sivil/status`` answers only the holder of a verification statement that SIVIL signed (the token in the PDF's
QR code and metadata, PIN-7): it takes the diploma from the verified statement, never from the asker, so that
it cannot be used to find out which NINAs exist (PIN-6).
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.graphql.transport import Router
from api.html_page import HEADERS
from api.problems import problem, violation, wants_html
from api.public_lookup.address import ClientAddress
from api.public_lookup.challenge import ChallengeLedger, ChallengeRefused, Challenges
from api.public_lookup.lane import PublicLane
from api.public_lookup.rate_limit import RateLimited, RateLimiter
from api.sdl import mount
from api.sivil import page
from api.sivil.download import DownloadRefused, DownloadTokens
from api.sivil.lookup import Asked, DiplomaNotFound, PublicLookup, Verified, public_notices
from api.sivil.schema import SivilContext, public_schema
from api.sivil.trail import ProcessingTrail
from api.sivil.trail import Verification as TrailEntry
from api.unavailable import MESSAGE, RETRY_AFTER, TEMPORARY, noted
from application.credentials.verification import Verification, issuer_id
from domain.credentials.documents import MEDIA_TYPE, did_web_host
from domain.credentials.packing import MAX_PACKED, VERIFY_PATH, Unreadable, unpack
from domain.diploma.statement import StatementKeys, StatementRejected
from domain.errors import Failure, RuleViolation
from projections.sivil.rows import SivilEntry
from projections.sivil.view import SivilView

log = logging.getLogger(__name__)
PDF_FAILED = (
    "PDF tidak dapat dibuat saat ini; hasil verifikasi di halaman ini tetap berlaku. / "
    "The PDF could not be made just now; the verification result on this page still stands."
)
PdfRenderer = Callable[[SivilEntry, datetime], bytes]
CredentialRenderer = Callable[[SivilEntry], dict[str, Any] | None]  # the signed W3C credential (issue 13)
CredentialVerifier = Callable[[dict[str, Any]], Verification]  # a credential of ours, checked as anyone would
MAX_FORM_BYTES = 4096
MAX_FORM_FIELDS = 20  # the form has five; a few extra (a browser's or a proxy's) are ignored
TOO_MANY_FIELDS = (
    f"Permintaan ditolak: lebih dari {MAX_FORM_FIELDS} isian. "
    f"/ Request refused: more than {MAX_FORM_FIELDS} form fields."
)
FIELD_NAMES = ("university", "prodi", "nina", "token", "answer")
TRAIL_KEYS = ("universityCode", "prodiCode", "nina")
RULE_NO_QUERY = "API.credentials"  # not a domain rule: how a credential reaches the verification page
IN_ADDRESS = (
    "Kredensial tidak diterima di alamat (?vc=): alamat tercatat di log server. Buka tautan dengan #vc= "
    "(seperti pada kode QR), yang tidak pernah dikirim ke server. / A credential is not accepted in the address "
    "(?vc=): addresses are written to server logs. Open the link with #vc= (as the QR code has it), which a "
    "browser never sends to a server."
)


def create_sivil_router(
    *,
    view: SivilView,
    secret: str,
    limiter: RateLimiter,
    clock: Callable[[], datetime],
    pdf_renderer: PdfRenderer | None = None,
    challenge_ttl: timedelta = timedelta(minutes=5),
    spent_challenges: ChallengeLedger,
    trail: ProcessingTrail,
    trusted_proxies: Iterable[str] = (),
    download_ttl: timedelta = timedelta(minutes=10),
    keys: StatementKeys | None = None,
    credential_renderer: CredentialRenderer | None = None,
    credential_verifier: CredentialVerifier | None = None,
    lane: PublicLane | None = None,
) -> APIRouter:
    """``spent_challenges`` (the read database, or Redis) and ``trail`` come from the composition root.
    ``keys``: the SIVIL signing keys (active and retired) whose statements ``/sivil/status`` accepts; without
    them ``/sivil/status`` answers 404 (not available). ``lane``: the threads every door that asks the rate limit
    runs in, apart from those staff requests need (issue 27)."""
    challenges = Challenges(secret=secret, ledger=spent_challenges, clock=clock, ttl=challenge_ttl)
    lookup = PublicLookup(view=view, challenges=challenges, limiter=limiter, trail=trail, clock=clock)
    downloads = DownloadTokens(secret=secret, clock=clock, ttl=download_ttl) if pdf_renderer else None
    address_of = ClientAddress(trusted_proxies)
    public = lane or PublicLane()

    router = APIRouter()

    async def context(request: Request) -> SivilContext:
        return SivilContext(lookup, challenges, downloads, address_of(request), public)

    schema = public_schema(with_history=lookup.knows_history)
    mount(router, Router(schema, context_getter=context), "/sivil/graphql", schema)

    def html(body: str, status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
        return HTMLResponse(body, status_code=status_code, headers={**HEADERS, **(headers or {})})

    def refused(
        request: Request,
        status: int,
        kind: str,
        detail: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> Response:
        """A browser gets the page (``body``, or the message alone); any other client the problem detail."""
        if wants_html(request):
            return html(body if body is not None else page.message_page(detail), status, headers)
        return problem(status, kind, detail, headers=headers, **extensions)

    @router.get("/sivil", response_class=HTMLResponse)
    def form(request: Request) -> HTMLResponse:
        values = {k: request.query_params.get(k, "")[:40] for k in ("university", "prodi", "nina")}
        return html(page.form_page(challenges.issue(), values))

    @router.post("/sivil", response_class=HTMLResponse)
    async def look_up(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():  # stop reading at the limit rather than after the whole body
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return refused(request, 413, "request-too-large", TOO_LARGE, maxBytes=MAX_FORM_BYTES)
        try:
            fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
        except ValueError:  # more fields than the form has: a client error, not a 500
            return refused(request, 400, "invalid-request", TOO_MANY_FIELDS)
        values = {k: (fields.get(k) or [""])[0][:200] for k in FIELD_NAMES}
        address = address_of(request)
        try:
            verified = await public.run(
                functools.partial(
                    lookup.verify,
                    university_code=values["university"],
                    prodi_code=values["prodi"],
                    nina=values["nina"],
                    token=values["token"],
                    answer=values["answer"],
                    address=address,
                    via="web",
                )
            )
        except RuleViolation as e:
            if wants_html(request):
                return html(page.form_page(challenges.issue(), values, public_notices(e)), 422)
            return violation(422, e.failures)
        except RateLimited as e:
            headers = {"Retry-After": str(e.retry_after)}
            again = page.form_page(challenges.issue(), values, [e.message]) if wants_html(request) else None
            return refused(request, 429, "rate-limited", e.message, again, headers, rule="PIN-6")
        except ChallengeRefused as e:
            again = page.form_page(challenges.issue(), values, [e.message]) if wants_html(request) else None
            return refused(request, 403, "rule-violation", e.message, again, rule="PIN-6", field=e.field)
        except DiplomaNotFound as e:
            again = page.form_page(challenges.issue(), values, [e.message]) if wants_html(request) else None
            return refused(request, 404, "not-found", e.message, again)
        except TEMPORARY as e:  # the challenge was not spent; a fresh one is shown all the same
            noted(e)
            again = page.form_page(challenges.issue(), values, [MESSAGE]) if wants_html(request) else None
            return refused(request, 503, "unavailable", MESSAGE, again, UNAVAILABLE_HEADERS)
        href = None
        if downloads is not None:
            entry = verified.entry
            token = downloads.issue(Asked(entry.university_code, entry.prodi_code, entry.nina), address)
            href = f"/sivil/pdf?token={token}"
        credential_href = f"/sivil/credential?token={token}" if href and credential_renderer else None
        return html(page.found_page(verified, href, credential_href))

    def download(request: Request, token: str, via: str) -> Verified | Response:
        """The diploma a download link names, re-read now, or the page saying why not."""
        if downloads is None:
            return refused(request, 404, "not-found", "Unduhan tidak tersedia. / Download is not available.")
        address = address_of(request)
        try:
            limiter.hit(address, scope="pdf")
            return lookup.reread(downloads.open(token, address), address, via=via)
        except RateLimited as e:
            return refused(request, 429, "rate-limited", e.message, headers={"Retry-After": str(e.retry_after)})
        except DownloadRefused as e:
            return refused(request, 403, "rule-violation", e.message, rule="PIN-6", field="token")
        except DiplomaNotFound as e:
            return refused(request, 404, "not-found", e.message)
        except TEMPORARY as e:  # the download token is still good until it expires
            noted(e)
            return refused(request, 503, "unavailable", MESSAGE, headers=UNAVAILABLE_HEADERS)

    @router.get("/sivil/pdf")
    async def pdf(request: Request, token: str = "") -> Response:
        return await public.run(lambda: pdf_answer(request, token))

    def pdf_answer(request: Request, token: str) -> Response:
        if pdf_renderer is None:
            return refused(request, 404, "not-found", "PDF tidak tersedia. / PDF is not available.")
        verified = download(request, token, "pdf")
        if isinstance(verified, Response):
            return verified
        try:
            content = pdf_renderer(verified.entry, verified.verified_at)
        except Exception:  # a bug in rendering must not answer a bare 500; the operator gets the traceback
            log.exception("the verification PDF of %s could not be rendered", verified.entry.nina)
            return refused(request, 503, "unavailable", PDF_FAILED, headers=UNAVAILABLE_HEADERS)
        return _attachment(content, "application/pdf", f"sivil-{verified.entry.nina}.pdf")

    @router.get("/sivil/credential")
    async def credential(request: Request, token: str = "") -> Response:
        """The diploma as a W3C Verifiable Credential (issue 13): the same link as the PDF's, the same checks."""
        return await public.run(lambda: credential_answer(request, token))

    def credential_answer(request: Request, token: str) -> Response:
        if credential_renderer is None:
            return refused(request, 404, "not-found", NO_CREDENTIAL)
        verified = download(request, token, "credential")
        if isinstance(verified, Response):
            return verified
        try:
            signed = credential_renderer(verified.entry)
        except TEMPORARY as e:
            noted(e)
            return refused(request, 503, "unavailable", MESSAGE, headers=UNAVAILABLE_HEADERS)
        if signed is None:  # paired a moment ago: its status slot is not projected yet
            return refused(request, 503, "unavailable", MESSAGE, headers=UNAVAILABLE_HEADERS)
        return _attachment(orjson.dumps(signed), MEDIA_TYPE, f"ijazah-{verified.entry.nina}.vc.json")

    @router.get(VERIFY_PATH)
    async def verify_credential(request: Request) -> Response:
        """The page the PDF's QR opens (issue 13). The QR carries the credential in the link's fragment, which no
        server or proxy ever receives or logs (it names the holder: UU PDP); a few lines of script on this page
        post it here. A link that carries it as ``?vc=`` is refused unread (issue 33): served, it would teach
        people a form whose every use writes the holder's credential into access logs along the way."""
        if credential_verifier is None:
            return refused(request, 404, "not-found", NO_CREDENTIAL)
        if "vc" in request.query_params:
            return refused(request, 400, "credential-in-address", IN_ADDRESS, field="vc", rule=RULE_NO_QUERY)
        return html(page.credential_reader_page(), headers={"Content-Security-Policy": page.READER_POLICY})

    @router.post(VERIFY_PATH)
    async def verify_posted_credential(request: Request) -> Response:
        if credential_verifier is None:
            return refused(request, 404, "not-found", NO_CREDENTIAL)
        body = b""
        async for chunk in request.stream():  # stop reading at the limit rather than after the whole body
            body += chunk
            if len(body) > MAX_PACKED + 64:
                return refused(request, 413, "request-too-large", TOO_LARGE, maxBytes=MAX_PACKED + 64)
        fields = parse_qs(body.decode("ascii", "replace"), max_num_fields=MAX_FORM_FIELDS)
        return await public.run(lambda: checked_credential(request, (fields.get("vc") or [""])[0]))

    def checked_credential(request: Request, vc: str) -> Response:
        """Verifies the credential, signature and status, and shows the result bilingually. Rate-limited like
        look-ups; a genuine credential's check is recorded in its holder's trail (UU PDP), as any verification of
        their diploma is."""
        assert credential_verifier is not None
        address = address_of(request)
        try:
            limiter.hit(address, scope="credential")
            credential = unpack(vc)
            kind = page.credential_kind(credential.get("type"))
            if kind is None:
                raise Unreadable("this page verifies diplomas, DPIs, LSP certificates and SKs of equivalency")
            checked = credential_verifier(credential)
        except Unreadable as e:
            detail = f"Tautan tidak memuat kredensial. / The link carries no credential: {e}"
            return refused(request, 400, "invalid-request", detail, field="vc")
        except RateLimited as e:
            return refused(request, 429, "rate-limited", e.message, headers={"Retry-After": str(e.retry_after)})
        except TEMPORARY as e:
            noted(e)
            return refused(request, 503, "unavailable", MESSAGE, headers=UNAVAILABLE_HEADERS)
        subject = checked.subject
        # Checking a diploma or its DPI is a verification of the diploma, recorded in its holder's trail (UU PDP).
        diploma = kind in ("DiplomaCredential", "DpiCredential")
        if diploma and checked.signature is not None and all(isinstance(subject.get(k), str) for k in TRAIL_KEYS):
            with contextlib.suppress(*TEMPORARY):  # the answer stands even when the trail cannot be written now
                trail.record(
                    TrailEntry(
                        verified_at=clock(),
                        university_code=str(subject["universityCode"]),
                        prodi_code=str(subject["prodiCode"]),
                        nina=str(subject["nina"]),
                        client_address=address,
                        via="qr",
                    )
                )
        host = did_web_host(issuer_id(credential)) if checked.signature is not None else None
        shown = page.credential_page(
            checked.verdict, kind, subject, checked.annulment, host, credential.get("validUntil")
        )
        return html(shown)

    @router.get("/sivil/status")
    async def status(request: Request, statement: str = "", on: str = "") -> Response:
        """For the PDF verifier's online check: the status category and its date, nothing personal; only for a
        statement signed by SIVIL (``statement``: its token), about the diploma it names (PIN-6, PIN-7)."""
        return await public.run(lambda: status_answer(request, statement, on))

    def status_answer(request: Request, statement: str, on: str) -> Response:
        if keys is None:
            return problem(404, "not-offered", STATUS_NOT_AVAILABLE, headers=NO_STORE)
        if not statement:
            return _rejected("missing statement: pass statement=<token> from the verification PDF")
        try:
            signed = keys.verify(statement)
        except StatementRejected as e:
            return _rejected(str(e))
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            return violation(422, [_failure("on", "a date is YYYY-MM-DD")], headers=NO_STORE)
        if day is not None and not lookup.knows_history:
            return violation(422, [_failure("on", "no status history here")], headers=NO_STORE)
        try:
            found = lookup.status(
                university_code=signed.university_code,
                prodi_code=signed.prodi_code,
                nina=signed.nina,
                address=address_of(request),
                via="status",
                on=day,
            )
        except RuleViolation as e:
            return violation(422, e.failures, headers=NO_STORE)
        except RateLimited as e:
            return problem(429, "rate-limited", e.message, headers={**NO_STORE, "Retry-After": str(e.retry_after)})
        except DiplomaNotFound as e:
            return problem(404, "not-found", e.message, headers=NO_STORE)
        except TEMPORARY as e:
            noted(e)
            return problem(503, "unavailable", MESSAGE, headers={**NO_STORE, **UNAVAILABLE_HEADERS})
        answer: dict[str, Any] = {"status": found.status, "status_date": found.status_date}
        if day is not None:
            answer.update(on=day.isoformat(), current_status=found.current_status)
            answer["current_status_date"] = found.current_status_date
        return _json(200, **answer)

    return router


def _attachment(content: bytes, media_type: str, file_name: str) -> Response:
    """A download the asker keeps: never cached on the way, never sniffed as something else."""
    headers = {
        "Content-Disposition": f'attachment; filename="{file_name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content, media_type=media_type, headers=headers)


def _failure(field: str, message: str) -> Failure:
    return Failure("PIN-6", field, message)


UNAVAILABLE_HEADERS = {"Retry-After": str(RETRY_AFTER)}
NO_STORE = {"Cache-Control": "no-store"}
TOO_LARGE = "Permintaan terlalu besar. / Request too large."
NO_CREDENTIAL = "Kredensial tidak tersedia. / The credential is not available."
STATUS_NOT_AVAILABLE = "Pemeriksaan status tidak tersedia. / The status check is not available."


def _rejected(why: str) -> Response:
    detail = f"Pernyataan bertanda tangan ditolak / Signed statement rejected: {why}"
    return problem(403, "statement-rejected", detail, headers=NO_STORE, rule="PIN-6", field="statement")


def _json(status_code: int, headers: dict[str, str] | None = None, **content: Any) -> JSONResponse:
    return JSONResponse(content, status_code=status_code, headers={"Cache-Control": "no-store", **(headers or {})})
