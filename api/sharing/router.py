"""Opening a share (issue 34): ``/s/<link>`` and the code form at ``/s``, for anyone, without signing in.

An unknown link or code, a malformed link, and a share of another installation all get the same page (SHR-9); an
ended share says only that it ended (SHR-7). Each opening is rate-limited per client and per share, counted against
the share's view limit, and recorded for its holder (SHR-8).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.public_lane import PublicLane
from api.services import Services
from api.sharing import page
from api.sharing.uses import Use, agent_family, network_prefix
from api.sivil.address import ClientAddress
from api.sivil.rate_limit import RateLimited
from api.sivil.wib import wib_and_utc
from api.unavailable import MESSAGE, RETRY_AFTER, TEMPORARY, noted
from application.sharing.shares import Opening
from domain.credentials.documents import MEDIA_TYPE
from domain.errors import RuleViolation
from domain.sharing.terms import Fact, HolderKind
from projections.sivil.rows import SivilEntry

MAX_FORM_BYTES = 1024
SHARE_RULE = "SHR-8"
STATUS_VERDICTS = {"VALID": "valid", "VOID": "annulled", "CANCELLED_IN_ERROR": "cancelled"}


class _Answer(Exception):
    """A page other than the share's (not found, ended, refused): raised by the steps, answered by the route."""

    def __init__(self, body: str, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.body, self.status, self.headers = body, status, headers or {}


def create_sharing_router(services: Services, lane: PublicLane | None = None) -> APIRouter:
    sharing = services.sharing
    address_of = ClientAddress(services.diploma.sivil_public.trusted_proxies)
    public = lane or services.diploma.sivil_public.lane
    clock: Callable[[], datetime] = services.diploma.sivil_public.clock
    router = APIRouter()

    def html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
        return HTMLResponse(body, status_code=status, headers={**page.HEADERS, **(headers or {})})

    def guarded(step: Callable[[], Response]) -> Response:
        try:
            return step()
        except _Answer as a:
            return html(a.body, a.status, a.headers)
        except RateLimited as e:
            return html(page.code_form([e.message]), 429, {"Retry-After": str(e.retry_after)})
        except TEMPORARY as e:
            noted(e)
            return html(page.code_form([MESSAGE]), 503, {"Retry-After": str(RETRY_AFTER)})

    def find(request: Request, opener: Callable[[], Opening | None], kind: str) -> Opening:
        """SHR-9 then SHR-7: rate-limited per client before anything is read; then the share must be live, within its
        own rate and its view (or download) limit; the use is recorded."""
        address = address_of(request)
        sharing.client_limiter.hit(address, scope="share")
        opening = opener()
        if opening is None:
            raise _Answer(page.not_found_page(), 404)
        if opening.ended is not None:
            raise _Answer(page.ended_page(), 410)
        sharing.share_limiter.hit(opening.share_id, scope=f"share-{kind}")
        use = Use(
            opening.share_id, clock(), kind, network_prefix(address), agent_family(request.headers.get("user-agent"))
        )
        if not sharing.uses.record(use, opening.share.max_views):  # SHR-5: views (and downloads) used up
            raise _Answer(page.ended_page(), 410)
        return opening

    def shown(opening: Opening, download: str | None, code: str | None) -> page.Shown:
        entry = _entry(services, opening)
        facts = opening.share.disclosed
        rows: list[tuple[str, str]] = []
        if entry is not None and Fact.PROGRAMME in facts:
            rows.append(("Program studi / Programme", f"{entry.programme_name} ({entry.prodi_code})"))
        if entry is not None and Fact.GRADUATION_DATE in facts:
            rows.append(("Tanggal lulus / Graduation date", entry.graduation_date))
        certifications = _certifications(services, opening) if Fact.CERTIFICATIONS in facts else None
        offered = Fact.CREDENTIAL in facts and entry is not None
        return page.Shown(
            verdict=STATUS_VERDICTS.get(entry.status, "unknown") if entry else "unknown",
            status_date=entry.status_date if entry else "—",
            holder_name=entry.full_name if entry else "—",
            university=f"{entry.university_name} ({entry.university_code})" if entry else "—",
            level=entry.level if entry else "—",
            nina=entry.nina if entry else "—",
            facts=rows,
            certifications=certifications,
            expires_at=wib_and_utc(opening.share.expires_at, "%Y-%m-%d %H:%M"),
            download=download if offered and download else None,
            download_code=code if offered and code else None,
        )

    def credential(request: Request, opener: Callable[[], Opening | None]) -> Response:
        opening = find(request, opener, "download")
        entry = _entry(services, opening)
        signed = services.credentials.diploma(entry) if entry and Fact.CREDENTIAL in opening.share.disclosed else None
        if signed is None:
            raise _Answer(page.not_found_page(), 404)
        headers = {
            "Content-Disposition": f'attachment; filename="ijazah-{entry.nina if entry else "x"}.vc.json"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        return Response(orjson.dumps(signed), media_type=MEDIA_TYPE, headers=headers)

    @router.get("/s", response_class=HTMLResponse)
    def form() -> HTMLResponse:
        return html(page.code_form())

    async def posted_code(request: Request) -> str:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                break
        fields = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", "replace"), max_num_fields=5)
        return (fields.get("code") or [""])[0][:40]

    @router.post("/s", response_class=HTMLResponse)
    async def by_code(request: Request) -> Response:
        code = await posted_code(request)

        def step() -> Response:
            try:
                opening = find(request, lambda: sharing.commands.opened_by_code(code), "view")
            except RuleViolation as e:  # SHR-9.code: a typing error, said as such
                return html(page.code_form([f.message for f in e.failures]), 422)
            return html(page.shared_page(shown(opening, None, code)))

        return await public.run(lambda: guarded(step))

    @router.post("/s/credential")
    async def credential_by_code(request: Request) -> Response:
        code = await posted_code(request)

        def step() -> Response:
            try:
                return credential(request, lambda: sharing.commands.opened_by_code(code))
            except RuleViolation as e:
                return html(page.code_form([f.message for f in e.failures]), 422)

        return await public.run(lambda: guarded(step))

    @router.get("/s/{link}", response_class=HTMLResponse)
    async def by_link(request: Request, link: str) -> Response:
        def step() -> Response:
            opening = find(request, functools.partial(sharing.commands.opened, link), "view")
            return html(page.shared_page(shown(opening, f"/s/{link}/credential", None)))

        return await public.run(lambda: guarded(step))

    @router.get("/s/{link}/credential")
    async def credential_by_link(request: Request, link: str) -> Response:
        return await public.run(
            lambda: guarded(lambda: credential(request, functools.partial(sharing.commands.opened, link)))
        )

    return router


def _entry(services: Services, opening: Opening) -> SivilEntry | None:
    university, prodi, nina = opening.share.credential.key.split("/", 2)
    return services.diploma.sivil.entry(university, prodi, nina)


def _certifications(services: Services, opening: Opening) -> list[str]:
    """The DPI's approved certifications (SUB-8), as the graduate's DPI lists them: name, issuer and result."""
    holder = opening.holder
    if holder.kind is not HolderKind.GRADUATE:
        return []
    row = services.submission.view.dpi(holder.institution, holder.person)
    lines: Any = row.lines if row is not None else ()
    return [f"{line.name} — {line.issuer} ({line.result}, {line.issued_on})" for line in lines]
