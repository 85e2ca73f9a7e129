"""The pages' sign-in and the signed-in person's page (issue 29): ``GET /signin``, ``GET /signin/callback``,
``GET /signout`` and ``GET /me``.

CSRF: the session cookie signs a person in for reading only (GET and HEAD: pages, PDFs, their own credentials),
never for a POST or for GraphQL, whose mutations change things. A page on another site can make the browser send a
GET with the cookie (a link; SameSite=Lax lets a top-level navigation carry it), but what comes back goes to the
person's own browser, and nothing changes on the server; whatever changes something needs the bearer token, which
no other site can make a browser send. So no CSRF token is needed, and none is kept.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.html_page import HEADERS
from api.oidc.keys import KeysUnavailable
from api.pages import me
from api.pages.local_path import local_path
from api.pages.signin import CALLBACK, FLOW_SECONDS, PageSignIn, SignInFailed
from api.problems import problem, violation, wants_html
from api.services import Services
from api.unavailable import RETRY_AFTER
from domain.audit import Role
from domain.errors import RuleViolation

PROVIDER_AWAY = (
    "Penyedia identitas untuk sementara tidak dapat dijangkau; coba lagi dalam beberapa detik. / "
    "The identity provider cannot be reached just now; try again in a few seconds."
)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def create_pages_router(services: Services) -> APIRouter:
    router = APIRouter()
    pages = services.pages

    @router.get("/signin")
    async def sign_in(issuer: str | None = None, next: str | None = None) -> Response:
        """Sends the person to the issuer they sign in with; without ``issuer`` (and several to choose from), a
        page to choose one."""
        try:
            target = local_path(next)
        except RuleViolation as e:
            return violation(400, e.failures)  # an open redirect refused: never a redirect elsewhere
        choices = pages.issuers()
        if issuer is None and len(choices) == 1 and choices[0].client is not None:
            issuer = choices[0].client.name
        if issuer is None:
            return _html(me.choose_page(choices, target))
        try:
            location, flow = await asyncio.to_thread(pages.start, issuer[:64], target)
        except RuleViolation as e:
            return violation(400, e.failures)
        except KeysUnavailable as e:
            return _unavailable(e)
        answer = RedirectResponse(location, status_code=303, headers=NO_STORE)
        _set(answer, pages, pages.flow_cookie, flow, FLOW_SECONDS, path=CALLBACK)
        return answer

    @router.get(CALLBACK)
    async def callback(request: Request) -> Response:
        """The issuer's redirect back: the code becomes a session, once; the sign-in's cookie is spent either way."""
        query = {k: v for k, v in request.query_params.items() if k in ("code", "state", "error")}
        try:
            session, target, seconds = await asyncio.to_thread(
                pages.finish, request.cookies.get(pages.flow_cookie), query
            )
        except SignInFailed as e:  # a browser reads the page; any other client the problem (api/problems.py)
            failed = _html(me.failed_page(str(e)), status_code=400) if wants_html(request) else None
            answer: Response = failed or problem(400, "invalid-request", str(e), field="code")
        except KeysUnavailable as e:
            answer = _unavailable(e)
        else:
            answer = RedirectResponse(target, status_code=303, headers=NO_STORE)
            _set(answer, pages, pages.session_cookie, session, seconds, path="/")
        answer.delete_cookie(pages.flow_cookie, path=CALLBACK, secure=pages.secure, httponly=True, samesite="lax")
        return answer

    @router.get("/signout")
    async def sign_out() -> Response:
        answer = _html(me.signed_out_page())
        answer.delete_cookie(pages.session_cookie, path="/", secure=pages.secure, httponly=True, samesite="lax")
        return answer

    @router.get("/me")
    async def my_page(request: Request) -> Response:
        """Who is signed in, and links to their own documents."""
        actor = await pages.actor_async(request.cookies.get(pages.session_cookie))
        links = me.documents(actor) if actor is not None else []
        if actor is not None and actor.role is Role.APPLICANT:
            rows = await asyncio.to_thread(services.equivalency.view.of_account, actor.id)
            links += me.sk_documents([row.registration_number for row in rows])
        return _html(me.me_page(actor, pages.issuers(), links))

    return router


def _html(body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status_code, headers=dict(HEADERS))


def _set(answer: Response, pages: PageSignIn, name: str, value: str, seconds: int, *, path: str) -> None:
    answer.set_cookie(name, value, max_age=seconds, path=path, secure=pages.secure, httponly=True, samesite="lax")


def _unavailable(error: Exception) -> Response:
    logging.getLogger("kredensial.signin").warning("the identity provider cannot be reached: %s", error)
    return problem(503, "unavailable", PROVIDER_AWAY, headers={"Retry-After": str(RETRY_AFTER)})
