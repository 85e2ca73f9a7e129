"""The ASGI app: GraphQL at /graphql (GraphiQL on), and a health check."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from strawberry.fastapi import GraphQLRouter

from api.auth import actor_from_header
from api.graphql.context import Context
from api.graphql.schema import schema
from api.services import Services
from domain.errors import NotAuthorized


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
        return Context(services, actor, request.headers.get("x-request-id"), auth_error=error)

    app = FastAPI(title="kredensial", lifespan=lifespan)
    app.include_router(GraphQLRouter(schema, context_getter=context, graphql_ide="graphiql"), prefix="/graphql")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
