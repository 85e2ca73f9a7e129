"""Each GraphQL endpoint's schema as SDL, at ``<endpoint>/schema.graphql`` (issue 32): what frontends generate their
types from. Served from the schema the endpoint runs, never from a file, so it cannot be stale; the committed copies
in ``schema/`` are checked against it (tests/api/test_schema_sdl.py) and written by ``kredensial schema --write``."""

from __future__ import annotations

import hashlib

import strawberry
from fastapi import APIRouter, Request
from fastapi.responses import Response

SDL_PATH = "/schema.graphql"
SDL_MEDIA_TYPE = "text/plain; charset=utf-8"  # readable in a browser; GraphQL tools read it as text
# Cached, but asked again each time: a deployment changes the schema, and a 304 costs nothing.
SDL_CACHE = "public, no-cache"


def sdl(schema: strawberry.Schema) -> str:
    """The SDL as committed: strawberry's printing, one final newline."""
    return schema.as_str() + "\n"


def mount(router: APIRouter, graphql: APIRouter, prefix: str, schema: strawberry.Schema) -> None:
    """Mounts a GraphQL router at ``prefix`` and its schema's SDL at ``prefix`` + ``/schema.graphql``."""
    text = sdl(schema).encode("utf-8")
    etag = f'"{hashlib.sha256(text).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": SDL_CACHE, "X-Content-Type-Options": "nosniff"}

    def schema_sdl(request: Request) -> Response:
        if _matches(request.headers.get("if-none-match", ""), etag):
            return Response(status_code=304, headers=headers)
        return Response(text, media_type=SDL_MEDIA_TYPE, headers=headers)

    # Before the GraphQL router, so that its path is not read as a GraphQL request.
    router.add_api_route(prefix + SDL_PATH, schema_sdl, methods=["GET"], include_in_schema=False)
    router.include_router(graphql, prefix=prefix)


def _matches(if_none_match: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags
