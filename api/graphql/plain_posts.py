"""The common GraphQL request answered on a short path (issue 35): a POST of one JSON document.

Through FastAPI's middleware and strawberry's HTTP view a request passed five layers of ASGI wrappers, a request
adapter, a parse of its Content-Type by the e-mail package and the view's checks before its document was executed:
together more than the execution of a small document. Here, a POST to the endpoint's path whose Content-Type is
exactly ``application/json`` is read and answered in one function, in the order the long path takes:

1. a declared Content-Length over the body limit is a 413 before anything else (api/body_limit.py);
2. the caller is signed in from the Authorization header (a store away: 503, api/problems.py);
3. the body is read, counting its bytes against the limit (413), and decoded as every request's JSON is
   (transport.decode_request_json: a problem detail for bad JSON, too deep, not an object);
4. an object with a non-empty ``query`` string, ``variables`` an object or null, ``operationName`` a string or
   null and ``extensions`` an object or null is executed (``Schema.execute``, api/graphql/execution.py) and
   answered as strawberry's view answers it; any other body (a batch, no query, ...) goes to strawberry's view,
   with the body and the caller already read;
5. an error that escapes is answered by the app's handler for errors and raised again, as Starlette's
   ServerErrorMiddleware does.

Every other request (another Content-Type, another method or path) takes the long path, unchanged. The answers are
the long path's, byte for byte: tests/api/test_plain_posts.py sends both the same requests and compares.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from api.body_limit import content_length, over, refuse
from api.graphql.context import Context
from api.graphql.transport import SIGNED_IN, Endpoint, RequestRefused, decode_request_json
from api.problems import problem, unavailable
from api.unavailable import TEMPORARY

JSON = b"application/json"
POST = frozenset(OperationType.from_http("POST"))
NO_QUERY = "No GraphQL query found in the request"  # strawberry's words for it

SignIn = Callable[[str | None, str | None, str | None], Awaitable[Context]]  # authorization, request id, key
Failed = Callable[[Request, Exception], Awaitable[Response]]


class _TooLarge:
    def __init__(self, limit: int) -> None:
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await refuse(send, self.limit)


class PlainPosts:
    """Answers the POSTs of one GraphQL endpoint that :meth:`takes`; the app sends them here before its
    middleware."""

    def __init__(self, path: str, endpoint: Endpoint, sign_in: SignIn, *, max_bytes: int, failed: Failed) -> None:
        self.path = path
        self.endpoint = endpoint
        self.sign_in = sign_in
        self.max_bytes = max_bytes
        self.failed = failed

    @staticmethod
    def takes(scope: Scope) -> bool:
        """Whether the request's first Content-Type header is exactly ``application/json`` (what the long path
        reads, as Starlette's headers do)."""
        for name, value in scope["headers"]:
            if name == b"content-type":
                return bool(value == JSON)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False
        try:
            answer = await self._answer(scope, receive)
            started = True
            await answer(scope, receive, send)
        except Exception as e:
            response = await self.failed(Request(scope), e)
            if not started:
                await response(scope, receive, send)
            raise

    async def _answer(self, scope: Scope, receive: Receive) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
        first: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:  # the first of each, as Starlette's headers read them
            first.setdefault(name, value)
        length = first.get(b"content-length")
        if length is not None and over(content_length(length), self.max_bytes):
            return _TooLarge(self.max_bytes)
        try:
            authorization, request_id = _text(first.get(b"authorization")), _text(first.get(b"x-request-id"))
            context = await self.sign_in(authorization, request_id, _text(first.get(b"idempotency-key")))
            body = await self._body(receive)
            if body is None:
                return _TooLarge(self.max_bytes)
            request = Request(scope, receive)
            request._body = body  # read: Starlette's request gives it from here
            return await self._graphql(request, body, context)
        except TEMPORARY as e:
            return unavailable(e)

    async def _body(self, receive: Receive) -> bytes | None:
        """The body, or None once it is over the limit (counted on the bytes received, as api/body_limit.py)."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > self.max_bytes:
                    return None
                if chunk:
                    chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks)
            elif message["type"] == "http.disconnect":
                raise ClientDisconnect

    async def _graphql(self, request: Request, body: bytes, context: Context) -> Response:
        endpoint = self.endpoint
        try:
            data = decode_request_json(body)
        except RequestRefused as e:
            return problem(e.status, e.error, e.message)
        plain = _plain(data)
        if plain is None:
            request.scope[SIGNED_IN] = context
            return await endpoint.answer(request)
        query, variables, operation_name, extensions = plain
        sub_response = await endpoint.get_sub_response(request)
        context.request, context.response = request, sub_response  # as the view's get_context sets them
        try:
            result = await endpoint.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                root_value=None,
                operation_name=operation_name,
                allowed_operation_types=POST,
                operation_extensions=extensions,
            )
        except CannotGetOperationTypeError as e:
            return problem(400, "invalid-request", e.as_http_error_reason())
        except InvalidOperationTypeError as e:
            return problem(400, "invalid-request", e.as_http_error_reason("POST"))
        except MissingQueryError:
            return problem(400, "invalid-request", NO_QUERY)
        response_data = await endpoint.process_result(request, result)
        if result.errors:
            endpoint._handle_errors(result.errors, response_data)
        answer = endpoint.create_response(response_data, sub_response)
        # graphql-core's executor is a reference cycle, and it holds the context until the collector comes: let go
        # of the request and its response, and the rest of the request (the scope, uvicorn's cycle) is freed now,
        # not collected later with it (issue 35: a twentieth of the API's own instructions went to the collector).
        context.request = context.response = None
        return answer


def _text(header: bytes | None) -> str | None:
    return None if header is None else header.decode("latin-1")


def _plain(data: object) -> tuple[str, dict[str, Any] | None, str | None, dict[str, Any] | None] | None:
    if not isinstance(data, dict):
        return None
    query, variables = data.get("query"), data.get("variables")
    operation_name, extensions = data.get("operationName"), data.get("extensions")
    if (
        isinstance(query, str)
        and query
        and (variables is None or isinstance(variables, dict))
        and (operation_name is None or isinstance(operation_name, str))
        and (extensions is None or isinstance(extensions, dict))
    ):
        return query, variables, operation_name, extensions
    return None
