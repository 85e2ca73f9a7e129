"""The ASGI app: GraphQL at /graphql (GraphiQL on), and a health check."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from api.auth import actor_from_header
from api.graphql.context import Context
from api.graphql.schema import schema
from api.health import health_report
from api.services import Services
from api.sivil.pdf import render_verification_pdf
from api.sivil.router import create_sivil_router
from api.sivil.statement import WELL_KNOWN_KEYS_PATH
from domain.errors import NotAuthorized
from projections.sivil.rows import SivilEntry

MAX_BODY_BYTES = 256 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id(header: str | None) -> str:
    """Every event names its request; a caller's own id is kept (prefixed) when it is a sane token."""
    if header and _REQUEST_ID.match(header):
        return f"client:{header}"
    return f"http:{uuid.uuid4()}"


def create_app(
    services: Services, *, on_startup: Callable[[], None] | None = None, on_shutdown: Callable[[], None] | None = None
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if on_startup:
            on_startup()
        yield
        if on_shutdown:
            on_shutdown()

    async def context(request: Request) -> Context:
        try:
            actor, error = actor_from_header(services.token_secret, request.headers.get("authorization")), None
        except NotAuthorized as e:
            # A bad token acts as no token: mutations answer NotAuthorized with the reason, queries refuse.
            actor, error = None, str(e)
        return Context(services, actor, request_id(request.headers.get("x-request-id")), auth_error=error)

    app = FastAPI(title="kredensial", lifespan=lifespan)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Any:
        """GraphQL documents and forms are small; a huge body is refused before anything parses it."""
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return JSONResponse({"error": "REQUEST_TOO_LARGE", "max_bytes": MAX_BODY_BYTES}, status_code=413)
        return await call_next(request)

    app.include_router(GraphQLRouter(schema, context_getter=context, graphql_ide="graphiql"), prefix="/graphql")
    app.include_router(sivil_router(services))

    @app.get(WELL_KNOWN_KEYS_PATH)
    def sivil_keys() -> dict[str, Any]:
        """The public keys of SIVIL statements, retired ones included, so rotation never breaks an old PDF."""
        return services.sivil_public.keys.published()

    @app.get("/health")
    def health() -> JSONResponse:
        """Per read model: position, lag and skipped events; ``degraded`` when one was skipped (api/health.py)."""
        code, body = health_report(services.worker)
        return JSONResponse(body, status_code=code)

    return app


def sivil_router(services: Services):  # type: ignore[no-untyped-def]
    public = services.sivil_public

    def render(entry: SivilEntry, verified_at: datetime) -> bytes:
        return render_verification_pdf(entry, verified_at, public.keys, base_url=public.public_url or None)

    return create_sivil_router(
        view=services.sivil,
        store=public.store,
        secret=services.token_secret,
        limiter=public.limiter,
        clock=public.clock,
        pdf_renderer=render,
        challenge_ttl=public.challenge_ttl,
        spent_challenges=public.spent_challenges,
        trusted_proxies=public.trusted_proxies,
        keys=public.keys,
    )
