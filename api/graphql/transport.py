"""How both GraphQL endpoints read requests and log errors, so a hostile request costs little and logs little.

- Request JSON is parsed with orjson and its nesting bounded: a body nested 20,000 deep or not valid UTF-8 is a
  400 with a JSON message, never a RecursionError or a UnicodeDecodeError (a 500).
- Errors are logged once per request: one line for refusals and expected errors (a refused document, a caller
  who is not allowed), one traceback for the first unexpected error only, however many fields failed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import strawberry
from cross_web import HTTPException
from fastapi.responses import HTMLResponse
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.fastapi import GraphQLRouter
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter
from strawberry.types import ExecutionContext, ExecutionResult

from api import graphiql
from api.graphql.execution import Lean
from api.graphql.scalars import SCALARS
from api.problems import problem, unavailable
from api.unavailable import TEMPORARY
from domain.errors import DomainError

MAX_JSON_DEPTH = 32  # a GraphQL request's JSON (query, variables, input objects) is a few levels deep

_TOO_DEEP = f"the request JSON is nested more than {MAX_JSON_DEPTH} levels deep"

log = logging.getLogger("kredensial.graphql")


class RequestRefused(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def decode_request_json(data: str | bytes) -> object:
    try:
        value = orjson.loads(data)  # refuses invalid UTF-8 and nesting over 1024 without recursing in Python
    except orjson.JSONDecodeError as e:
        if "depth limit" in str(e):
            raise RequestRefused(400, "json-too-deep", _TOO_DEEP) from None
        raise RequestRefused(400, "invalid-json", f"the request body is not valid UTF-8 JSON: {e}") from None
    if not isinstance(value, dict | list):  # strawberry reads ``.get`` of what it is given: a bare "x" was a 500
        raise RequestRefused(400, "invalid-request", "a GraphQL request body is a JSON object with a 'query'")
    if _may_be_deeper(data, MAX_JSON_DEPTH) and _depth_over(value, MAX_JSON_DEPTH):
        raise RequestRefused(400, "json-too-deep", _TOO_DEEP)
    return value


def _may_be_deeper(data: str | bytes, limit: int) -> bool:
    """Whether the text has more opening brackets than ``limit`` (those in strings counted too): a value nested
    deeper opens more than that, so most requests need no walk (issue 35)."""
    if isinstance(data, str):
        return data.count("{") + data.count("[") > limit
    return data.count(b"{") + data.count(b"[") > limit


def _depth_over(value: object, limit: int) -> bool:
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class _Bounded:
    """What both of an endpoint's views share: bounded JSON in, orjson out, no websocket transport (no subscriptions
    here, and a websocket message would bypass the HTTP body limit), GraphiQL served from the package
    (api/graphiql.py), and a refused request answered as a problem detail."""

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)  # the answer's JSON: several times faster than json.dumps (issue 35)

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        return graphiql.page()  # from the package, not strawberry's page that loads a CDN

    async def run(self, request: Any, context: Any = strawberry.UNSET, root_value: Any = strawberry.UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)  # type: ignore[misc]
        except RequestRefused as e:
            # Not a GraphQL response (nothing was parsed): a problem detail, as every other error outside GraphQL.
            return problem(e.status, e.error, e.message)
        except HTTPException as e:  # strawberry's own refusals (no query, a content type it does not read)
            kind = {404: "not-found", 405: "method-not-allowed"}.get(e.status_code, "invalid-request")
            return problem(e.status_code, kind, e.reason)


class Router(_Bounded, GraphQLRouter):  # type: ignore[type-arg,unused-ignore]  # generic only in some versions
    """Strawberry's FastAPI router: GraphiQL and queries sent with GET, and POST where :class:`Posts` is not in
    front of it."""

    def __init__(self, schema: strawberry.Schema, **kwargs: Any) -> None:
        super().__init__(schema, subscription_protocols=(), **kwargs)


class Endpoint(_Bounded, GraphQL):  # type: ignore[type-arg,unused-ignore]
    """The same endpoint's POST requests as a plain ASGI app: strawberry's own view, without FastAPI's routing and
    dependency solving around it (a third of the API's own time per request, issue 35)."""

    def __init__(self, schema: strawberry.Schema, context: Callable[[Request], Awaitable[Any]]) -> None:
        super().__init__(schema, subscription_protocols=())
        self._context = context

    async def get_context(self, request: Any, response: Any) -> Any:
        context = request.scope.get(SIGNED_IN)
        if context is None:
            context = await self._context(request)
        context.request, context.response = request, response  # as strawberry's FastAPI router sets them
        return context

    async def answer(self, request: Request) -> Response:
        """The view's answer, as strawberry's ``__call__`` makes it (a store away raises)."""
        try:
            return await self.run(request)
        except HTTPException as e:
            return PlainTextResponse(e.reason, status_code=e.status_code)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.answer(Request(scope, receive))
            await response(scope, receive, send)
        except TEMPORARY as e:  # as the app's own handler answers it (api/problems.py), which is not around this
            await unavailable(e)(scope, receive, send)


# The scope key of a caller already signed in (api/graphql/plain_posts.py): the view does not sign them in again.
SIGNED_IN = "kredensial.signed_in"


class Posts:
    """Sends POST requests for a GraphQL endpoint's path straight to its :class:`Endpoint`; every other request
    (GraphiQL, a query by GET, the SDL, any other path) goes on to the app. Installed inside the body limit."""

    def __init__(self, app: ASGIApp, *, endpoints: dict[str, ASGIApp]) -> None:
        self.app = app
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            endpoint = self.endpoints.get(scope["path"])
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
        await self.app(scope, receive, send)


class Names(NameConverter):
    """Strawberry's names, each worked out once: strawberry converts an argument's and an input field's Python name
    to its GraphQL name again for every value of every request (issue 35)."""

    def __init__(self, auto_camel_case: bool = True) -> None:
        super().__init__(auto_camel_case)
        self._names: dict[tuple[bool, str], str] = {}

    def apply_naming_config(self, name: str) -> str:
        key = (self.auto_camel_case, name)
        converted = self._names.get(key)
        if converted is None:
            converted = self._names[key] = super().apply_naming_config(name)
        return converted


class Schema(strawberry.Schema):
    """A strawberry schema that logs a request's errors in one line (plus one traceback if something broke), and
    answers every instant with its offset, in Asia/Jakarta (api/graphql/scalars.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["scalar_overrides"] = SCALARS
        kwargs.setdefault("config", StrawberryConfig(name_converter=Names()))
        super().__init__(*args, **kwargs)
        self._lean = Lean.of(self)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Strawberry's execution without its extension runner, when the schema's extensions are ours
        (api/graphql/execution.py); strawberry's arguments, passed on as given."""
        run = super().execute if self._lean is None else self._lean.execute
        return await run(*args, **kwargs)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, execution_context)


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
    if not errors:
        return
    operation = (execution_context.operation_name if execution_context else None) or "anonymous"
    unexpected = [e for e in errors if _unexpected(e)]
    if unexpected:
        first = unexpected[0]
        log.error(
            "GraphQL %s: %d field(s) failed unexpectedly (of %d errors); first: %s",
            operation,
            len(unexpected),
            len(errors),
            first.message[:300],
            exc_info=first.original_error,
        )
        return
    if all(e.path is None for e in errors):  # refused as a whole (parse, validation, cost): nothing was resolved
        log.warning("GraphQL %s refused: %s", operation, "; ".join(e.message[:200] for e in errors[:3]))
        return
    log.info("GraphQL %s answered with %d error(s); first: %s", operation, len(errors), errors[0].message[:300])


def _unexpected(error: GraphQLError) -> bool:
    """A refusal we raised on purpose carries no original error, or a GraphQLError or a domain error."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)
