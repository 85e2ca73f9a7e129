"""The ASGI app: GraphQL at /graphql (GraphiQL on, offline), SIVIL at /sivil, a health check and an index at /."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette._utils import is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import Receive, Scope, Send

from api import problems
from api.api_docs import create_api_docs_router
from api.body_limit import BodyLimit
from api.competency import create_certificate_router
from api.credentials.downloads import create_credential_downloads
from api.credentials.router import create_credentials_router
from api.documents import create_documents_router
from api.files import create_files_router
from api.graphiql import create_graphiql_assets_router
from api.graphql.context import Context
from api.graphql.plain_posts import PlainPosts
from api.graphql.schema import schema
from api.graphql.transport import Endpoint, Posts, Router
from api.health import health_report
from api.pages.router import create_pages_router
from api.problems import problem
from api.request_ids import request_id
from api.sdl import mount
from api.services import Services
from api.sharing.router import create_sharing_router
from api.sivil.router import create_sivil_router
from api.threads import Threads
from api.well_known import ROOT_CERTIFICATE_PATH
from domain.diploma.statement import WELL_KNOWN_KEYS_PATH
from domain.errors import NotAuthorized
from projections.audit.chain import checkpoints

MAX_BODY_BYTES = 256 * 1024
INDEX_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kredensial</title></head>
<body>
<h1>kredensial</h1>
<ul>
<li><a href="/graphql">/graphql</a>: the GraphQL API for university and ministry staff (a bearer token is needed);
in a browser, GraphiQL (served from here: it works offline); its schema at
<a href="/graphql/schema.graphql">/graphql/schema.graphql</a></li>
<li><a href="/sivil">/sivil</a>: SIVIL, public verification of a diploma (Bahasa Indonesia / English);
for programs, <code>/sivil/graphql</code> (schema: <code>/sivil/graphql/schema.graphql</code>)</li>
<li><code>/sertifikat/graphql</code>: public verification of a competency certificate by its registration number
(schema: <code>/sertifikat/graphql/schema.graphql</code>)</li>
<li><a href="/me">/me</a>: your own page (Bahasa Indonesia / English): sign in with your identity provider at
<a href="/signin">/signin</a>, then read your own documents (a student's DPI, your personal data report)</li>
<li><a href="/health">/health</a>: health check</li>
<li><a href="/.well-known/sivil-keys.json">/.well-known/sivil-keys.json</a>: the public keys of SIVIL statements</li>
<li><a href="/.well-known/kredensial-root.pem">/.well-known/kredensial-root.pem</a>: the root certificate every
signed PDF chains to (trust it in a PDF validator)</li>
</ul>
</body></html>
"""
CHECKPOINT_PAGE = 500  # per request; ?after=<last position> for the next page


def create_app(
    services: Services,
    *,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
    threads: int | None = None,
) -> FastAPI:
    """``threads``: how many threads run the stores' synchronous work (commands, reads) at once, GraphQL's through a
    hop of its own and the rest as the loop's default executor, on the same threads (api/threads.py); by default as
    many as asyncio's executor has (the cores plus four)."""
    pool = Threads(threads or None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool.start()
        if on_startup:
            on_startup()
        yield
        pool.stop()  # what the threads were given is done before the stores close
        if on_shutdown:
            on_shutdown()

    async def signed_in(authorization: str | None, request_id_header: str | None, key: str | None) -> Context:
        try:
            actor, error = await services.sign_in.actor_async(authorization), None
        except NotAuthorized as e:
            # A bad token acts as no token: mutations answer NotAuthorized with the reason, queries refuse.
            actor, error = None, str(e)
        return Context(
            services, actor, request_id(request_id_header), auth_error=error, idempotency_key=key, threads=pool
        )

    async def context(request: Request) -> Context:
        headers = request.headers
        return await signed_in(
            headers.get("authorization"), headers.get("x-request-id"), headers.get("idempotency-key")
        )

    # /docs is ours (api/api_docs.py): FastAPI's pages load their scripts from a CDN.
    app = App(title="kredensial", lifespan=lifespan, docs_url=None, redoc_url=None)
    problems.install(app)  # every error outside GraphQL is an RFC 9457 problem (api/problems.py)

    endpoint = Endpoint(schema, context)
    # POSTs to /graphql past FastAPI's routing, inside the body limit (added after it, so it runs before this).
    app.add_middleware(Posts, endpoints={"/graphql": endpoint})
    # GraphQL documents and forms are small: a body over the limit is refused on the bytes read, chunked or not.
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, per_path={"/files": services.submission.max_upload_bytes})
    # The common POST to /graphql before the middleware (api/graphql/plain_posts.py), which it stands in for.
    app.short_path(PlainPosts("/graphql", endpoint, signed_in, max_bytes=MAX_BODY_BYTES, failed=app.failed))

    staff = APIRouter()
    mount(staff, Router(schema, context_getter=context), "/graphql", schema)
    app.include_router(staff)
    app.include_router(sivil_router(services))
    app.include_router(certificate_router(services))
    app.include_router(create_graphiql_assets_router())
    app.include_router(create_api_docs_router())
    app.include_router(create_files_router(services))
    app.include_router(create_credentials_router(services.credentials))
    app.include_router(create_credential_downloads(services))
    app.include_router(create_documents_router(services))
    app.include_router(create_sharing_router(services))
    app.include_router(create_pages_router(services))

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse(INDEX_PAGE)

    @app.get(WELL_KNOWN_KEYS_PATH)
    def sivil_keys() -> dict[str, Any]:
        """The public keys of SIVIL statements, retired ones included, so rotation never breaks an old PDF."""
        return services.diploma.sivil_public.keys.published()

    @app.get(ROOT_CERTIFICATE_PATH)
    def root_certificate() -> Response:
        """The kredensial root CA's certificate: signed PDFs (SIVIL verification, DPI, SK) chain to it, whichever
        document-signing certificate signed them, so rotating that certificate never breaks an old PDF."""
        return Response(services.diploma.sivil_public.root_certificate, media_type="application/x-pem-file")

    @app.get("/audit/checkpoints")
    def audit_checkpoints(log: str = "diplomas", after: int = 0) -> Response:
        """The audit chain's signed heads (issue 12), for anyone to keep a copy: a log and chain rewritten together
        disagree with a copy kept elsewhere. Each signs canonical JSON of kind, log, position, chainHash, signedAt
        with a key published at the SIVIL keys address. Counts of events only: nothing personal."""
        if log not in services.applications:
            return problem(400, "invalid-request", f"log is one of {sorted(services.applications)}", field="log")
        if not 0 <= after < 2**62:
            return problem(400, "invalid-request", "after is a position (0 or more)", field="after")
        page = checkpoints(services.worker.store, log, after=after, limit=CHECKPOINT_PAGE)
        return JSONResponse({"keys": WELL_KNOWN_KEYS_PATH, "log": log, "checkpoints": [c.as_json() for c in page]})

    @app.get("/health")
    def health() -> Response:
        """Per read model: position, lag and skipped events; ``degraded`` when one was skipped (api/health.py)."""
        code, body = health_report(services.worker, services.submission.outbox.status)
        if code != 200:
            return problem(code, "unavailable", body["message"], health=body["status"])
        return JSONResponse(body, status_code=code)

    return app


class App(FastAPI):
    """FastAPI, with the common GraphQL POST (api/graphql/plain_posts.py) answered before its middleware, as that
    middleware would answer it: telemetry off, no root path, not in debug, no body limit of FastAPI's and no
    middleware but the one it stands in for (each would change the answer, or be skipped)."""

    plain_posts: PlainPosts | None = None
    _stands_in_for: list[Any] | None = None  # the user middleware when the short path was installed

    def short_path(self, posts: PlainPosts) -> None:
        """Installs ``posts`` in front of the middleware added so far; a middleware added later turns it off."""
        self.plain_posts, self._stands_in_for = posts, list(self.user_middleware)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        posts = self.plain_posts
        if (
            posts is not None
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == posts.path
            and posts.takes(scope)
            and not (self.root_path or self.debug or self._native_telemetry.enabled())
            and self.max_body_size is None
            and self.user_middleware == self._stands_in_for
        ):
            scope["app"] = self  # as Starlette sets it
            await posts(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def failed(self, request: Request, error: Exception) -> Response:
        """What Starlette's ServerErrorMiddleware answers an error that escaped with: the handler installed for
        500 or Exception (api/problems.py), else its plain 500."""
        handler = None
        for key, value in self.exception_handlers.items():
            if key in (500, Exception):
                handler = value
        if handler is None:
            return ServerErrorMiddleware(self).error_response(request, error)
        if is_async_callable(handler):
            return await handler(request, error)
        return cast(Response, await run_in_threadpool(handler, request, error))


def certificate_router(services: Services):  # type: ignore[no-untyped-def]
    """Public verification of competency certificates (ASM-7), with SIVIL's challenges and rate limit."""
    public = services.diploma.sivil_public
    return create_certificate_router(
        view=services.assessment.view,
        secret=services.token_secret,
        limiter=public.limiter,
        spent_challenges=public.spent_challenges,
        clock=public.clock,
        today=services.today,
        trail=services.assessment.verification_trail,
        trusted_proxies=public.trusted_proxies,
        lane=public.lane,
    )


def sivil_router(services: Services):  # type: ignore[no-untyped-def]
    public = services.diploma.sivil_public

    return create_sivil_router(
        view=services.diploma.sivil,
        secret=services.token_secret,
        limiter=public.limiter,
        clock=public.clock,
        pdf_renderer=public.render_pdf,
        challenge_ttl=public.challenge_ttl,
        spent_challenges=public.spent_challenges,
        trail=public.trail,
        trusted_proxies=public.trusted_proxies,
        keys=public.keys,
        credential_renderer=services.credentials.diploma,
        credential_verifier=services.credentials.verify,
        lane=public.lane,
    )
