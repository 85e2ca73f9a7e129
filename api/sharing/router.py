"""Opening a share (issue 34): ``/s/<link>`` and the code form at ``/s``, for anyone, without signing in.

A GET of a link shows only a button (a chat app's preview, or a mail scanner, must not use up a view, SHR-8); the
button posts, and only then is the share looked up, counted and shown. An unknown link or code, a malformed link,
and a share of another installation all get the same page (SHR-9); an ended share says only that it ended (SHR-7).
Each opening is rate-limited per client and per share, counted against the share's view limit, and recorded for its
holder (SHR-8); wrong codes are also capped across every network together (SHR-9.codes).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.public_lookup.address import ClientAddress
from api.public_lookup.lane import PublicLane
from api.public_lookup.rate_limit import RateLimited
from api.services import Services
from api.sharing import page
from api.sharing.shown import shown, signed
from api.sharing.uses import Use, agent_family, network_prefix
from api.unavailable import MESSAGE, RETRY_AFTER, TEMPORARY, noted
from application.sharing.shares import Opening
from domain.credentials.documents import MEDIA_TYPE
from domain.errors import RuleViolation

MAX_FORM_BYTES = 1024
SHARE_RULE = "SHR-8"
EVERY_NETWORK = "0.0.0.0"  # SHR-9.codes: the one key of the cap on wrong codes across networks


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

    def find(request: Request, opener: Callable[[], Opening | None], kind: str, by_code: bool = False) -> Opening:
        """SHR-9 then SHR-7: rate-limited per client before anything is read (and, for a code, while wrong codes
        from every network are under their cap); then the share must be live, within its own rate and its view
        (or download) limit; the use is recorded."""
        address = address_of(request)
        if by_code:
            sharing.wrong_codes.check(EVERY_NETWORK, scope="share-code")
        sharing.client_limiter.hit(address, scope="share")
        opening = opener()
        if opening is None:
            if by_code:  # SHR-9.codes: only a wrong code counts; a typing error (SHR-9.code) was refused before
                sharing.wrong_codes.hit(EVERY_NETWORK, scope="share-code")
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

    def credential(request: Request, opener: Callable[[], Opening | None], by_code: bool = False) -> Response:
        opening = find(request, opener, "download", by_code)
        made = signed(services, opening)
        if made is None:
            raise _Answer(page.not_found_page(), 404)
        document, filename = made
        headers = {
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        return Response(orjson.dumps(document), media_type=MEDIA_TYPE, headers=headers)

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
                opening = find(request, lambda: sharing.commands.opened_by_code(code), "view", by_code=True)
            except RuleViolation as e:  # SHR-9.code: a typing error, said as such
                return html(page.code_form([f.message for f in e.failures]), 422)
            return html(page.shared_page(shown(services, opening, clock(), "/s/credential", code)))

        return await public.run(lambda: guarded(step))

    @router.post("/s/credential")
    async def credential_by_code(request: Request) -> Response:
        code = await posted_code(request)

        def step() -> Response:
            try:
                return credential(request, lambda: sharing.commands.opened_by_code(code), by_code=True)
            except RuleViolation as e:
                return html(page.code_form([f.message for f in e.failures]), 422)

        return await public.run(lambda: guarded(step))

    @router.get("/s/{link}", response_class=HTMLResponse)
    def preview(link: str) -> HTMLResponse:
        """SHR-8: nothing is looked up, counted or shown: the same page for every link, live, ended or none."""
        return html(page.preview_page())

    @router.post("/s/{link}", response_class=HTMLResponse)
    async def by_link(request: Request, link: str) -> Response:
        def step() -> Response:
            opening = find(request, functools.partial(sharing.commands.opened, link), "view")
            return html(page.shared_page(shown(services, opening, clock(), f"/s/{link}/credential", None)))

        return await public.run(lambda: guarded(step))

    @router.post("/s/{link}/credential")
    async def credential_by_link(request: Request, link: str) -> Response:
        return await public.run(
            lambda: guarded(lambda: credential(request, functools.partial(sharing.commands.opened, link)))
        )

    return router
