"""Every error outside GraphQL is an RFC 9457 problem detail (issue 32): ``application/problem+json`` with ``type``,
``title``, ``status`` and ``detail``; ``rule`` and ``field`` when a rule refused it (``violations`` lists each when
several did); ``retryAfter`` (seconds) beside a Retry-After header. ``type`` is a relative URI: its address,
``/problems/<kind>``, answers what the kind means. Pages people read (SIVIL) keep their own error pages for a
browser, which asks for ``text/html``; any other client gets the problem."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.unavailable import RETRY_AFTER, TEMPORARY, noted
from domain.errors import Failure

log = logging.getLogger(__name__)
UNAVAILABLE_MESSAGE = (
    "Layanan yang dibutuhkan untuk sementara tidak dapat dijangkau; coba lagi dalam beberapa detik. / "
    "A service this needs (its database, or the time-stamp authority that dates a signed PDF) cannot be reached "
    "just now; try again in a few seconds."
)
MEDIA_TYPE = "application/problem+json"
PREFIX = "/problems/"

# kind -> (title, what it means); a title never changes with the occurrence (RFC 9457, 3.1.3).
KINDS: dict[str, tuple[str, str]] = {
    "rule-violation": ("A rule refused the request", "`rule` names the rule (docs/DOMAIN.md) and `field` the input."),
    "invalid-request": ("The request is malformed", "A parameter or the body is not what this address reads."),
    "invalid-json": ("The body is not valid JSON", "The body must be UTF-8 JSON."),
    "json-too-deep": ("The JSON is nested too deep", "A request's JSON is a few levels deep."),
    "request-too-large": ("The request body is too large", "The body is over this address's limit (`maxBytes`)."),
    "not-authorized": ("Not signed in, or not allowed", "Send 'Authorization: Bearer <token>' of a role allowed."),
    "credential-in-address": (
        "A credential was sent in the address",
        "Addresses reach server logs: open the link with `#vc=` (a fragment, never sent), or POST `vc`.",
    ),
    "statement-rejected": ("The signed statement was rejected", "The statement is not one SIVIL signed, or expired."),
    "not-found": ("Not found", "Nothing here, or nothing this caller may know exists."),
    "not-offered": ("Not offered here", "This installation does not offer this service (not configured)."),
    "method-not-allowed": ("Method not allowed", "This address does not answer this HTTP method."),
    "rate-limited": ("Too many requests", "Wait `retryAfter` seconds before asking again."),
    "unavailable": ("Temporarily unavailable", "A store cannot be reached, or too much is in progress; retry."),
    "server-error": ("The server failed", "Something broke on our side; it is logged. Retry, or report it."),
}


def problem(
    status: int,
    kind: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """The response; ``extensions`` are added as members (None ones left out)."""
    title, _ = KINDS[kind]
    body = {"type": PREFIX + kind, "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extensions.items() if v is not None})
    retry = (headers or {}).get("Retry-After")
    if retry is not None and retry.isdigit():
        body.setdefault("retryAfter", int(retry))
    return Response(orjson.dumps(body), status, headers, media_type=MEDIA_TYPE)


def violation(status: int, failures: Sequence[Failure], *, headers: dict[str, str] | None = None) -> Response:
    """A refusal by rules: the first names ``rule`` and ``field``; ``violations`` lists all when there are more."""
    first = failures[0]
    listed = (
        [{"rule": f.rule_id, "field": f.field, "detail": f.message} for f in failures] if len(failures) > 1 else None
    )
    return problem(
        status,
        "rule-violation",
        first.message,
        headers=headers,
        rule=first.rule_id,
        field=first.field,
        violations=listed,
    )


def wants_html(request: Request) -> bool:
    """A browser navigating (it lists text/html); a program asking with ``*/*`` or JSON gets the problem."""
    return "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    """FastAPI's own errors as problems: an unknown address or method, a parameter of the wrong type, a crash."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    for temporary in TEMPORARY:  # a database away, or the time-stamp authority a PDF needs: try again, never a 500
        app.add_exception_handler(temporary, _unavailable)
    app.add_exception_handler(Exception, _failed)
    app.add_api_route(PREFIX + "{kind}", _explain, methods=["GET"], include_in_schema=False)


HTTP_KINDS = {404: "not-found", 405: "method-not-allowed", 413: "request-too-large", 401: "not-authorized"}


async def _http_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    kind = HTTP_KINDS.get(error.status_code, "invalid-request" if error.status_code < 500 else "server-error")
    detail = error.detail if isinstance(error.detail, str) else KINDS[kind][0]
    if error.status_code == 404 and detail == "Not Found":
        detail = "nothing is served at this address"
    elif error.status_code == 405 and detail == "Method Not Allowed":
        detail = "this address does not answer this method"
    return problem(error.status_code, kind, detail, headers=dict(error.headers or {}))


async def _invalid(_: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0]
    where = [str(part) for part in first.get("loc", ())[1:]]  # ("query", "after") -> "after"
    return problem(422, "invalid-request", str(first.get("msg", "invalid")), field=".".join(where) or None)


async def _unavailable(_: Request, error: Exception) -> Response:
    return unavailable(error)


def unavailable(error: Exception) -> Response:
    """A store or service away for now: 503 with Retry-After, never a 500 (the cause logged, not answered)."""
    noted(error)
    return problem(503, "unavailable", UNAVAILABLE_MESSAGE, headers={"Retry-After": str(RETRY_AFTER)})


async def _failed(_: Request, error: Exception) -> Response:
    log.error("an HTTP request failed", exc_info=error)
    return problem(500, "server-error", "the request could not be answered; it is logged")


async def _explain(kind: str) -> Response:
    if kind not in KINDS:
        return problem(404, "not-found", f"no problem type {kind[:40]!r}")
    title, meaning = KINDS[kind]
    return Response(f"{title}\n\n{meaning}\n", media_type="text/plain; charset=utf-8")
