"""Public and unauthenticated, like SIVIL's keys: the issuer's DID document (``did:web``), its JSON-LD context,
its Bitstring Status Lists (whole lists, so a verifier's question tracks no one; ``?timestamp=`` gives a list as
it stood then) and the annulment statements. Nothing here is personal: bits, dates and kinds of annulment."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.problems import problem, violation
from api.unavailable import MESSAGE, RETRY_AFTER, TEMPORARY, noted
from application.credentials.issuing import CredentialIssuing
from domain.calendar import JAKARTA
from domain.credentials.documents import CONTEXT_PATH, DID_PATH, MEDIA_TYPE, STATUS_PATH
from domain.credentials.status_list import (
    LIST_SIZE,
    MAX_LIST_NUMBER,
    TTL_MS,
    CredentialKind,
    Purpose,
    whole_number,
)
from domain.errors import Failure

RULE = "API.credentials"
# Public and impersonal: a verifier running in a browser may fetch them from any origin, and read the ETag.
PUBLIC = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag"}
SETTLED_MAX_AGE = 86_400  # a past list whose next change is known never changes; a day is kind to caches
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$")


class BadRequest(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def create_credentials_router(issuing: CredentialIssuing) -> APIRouter:
    router = APIRouter()

    @router.get(DID_PATH)
    @router.get("/did.json")  # where did:web resolves a DID whose address has a path
    async def did_document() -> Response:
        """Active and retired keys: a credential signed before a rotation still verifies."""
        return await _answer(lambda: issuing.did_document(), "application/did+ld+json")

    @router.get(CONTEXT_PATH)
    async def context() -> Response:
        return await _answer(lambda: issuing.context(), "application/ld+json", cache="public, max-age=86400")

    @router.get(STATUS_PATH + "/{kind}/{purpose}/{number}")
    async def status_list(
        request: Request, kind: str, purpose: str, number: str, timestamp: str | None = None
    ) -> Response:
        """Signed once per change (issue 33): the same bytes on every fetch and from every process until a bit
        changes, so a verifier keeps it ``ttl`` (Cache-Control ``max-age``) and then asks with its ETag."""
        try:
            parsed = _kind(kind), _purpose(purpose), _number(number, "number", MAX_LIST_NUMBER)
            at = None if timestamp is None else _instant(timestamp)
        except BadRequest as error:
            return _refused(400, error)
        try:
            signed = await asyncio.to_thread(issuing.status_list, *parsed, at)
        except TEMPORARY as error:
            return unavailable(error)
        if signed is None:
            return problem(404, "not-found", "no such list")
        max_age = SETTLED_MAX_AGE if signed.settled else TTL_MS // 1000
        headers = {**PUBLIC, "Cache-Control": f"public, max-age={max_age}", "ETag": signed.tag}
        if _matches(request.headers.get("if-none-match"), signed.tag):
            return Response(status_code=304, headers=headers)
        return Response(signed.body, 200, headers, media_type=MEDIA_TYPE)

    @router.get(STATUS_PATH + "/{kind}/annulment/{number}/{index}")
    async def annulment(kind: str, number: str, index: str) -> Response:
        """What a set revocation bit means (PIN-5): void from the start, or cancelled in error, and from when."""
        try:
            parsed = _kind(kind), _number(number, "number", MAX_LIST_NUMBER), _number(index, "index", LIST_SIZE - 1)
        except BadRequest as error:
            return _refused(400, error)
        return await _answer(lambda: issuing.annulment_statement(*parsed), MEDIA_TYPE, cache="public, max-age=60")

    return router


async def _answer(make: Callable[[], dict[str, Any] | None], media_type: str, cache: str = "no-cache") -> Response:
    try:
        document = await asyncio.to_thread(make)
    except TEMPORARY as error:  # the read database is away: try later, never a 500
        return unavailable(error)
    if document is None:
        return problem(404, "not-found", "no such list")
    return Response(orjson.dumps(document), 200, {**PUBLIC, "Cache-Control": cache}, media_type=media_type)


def _matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110, 13.1.2: ``*``, or any listed tag equal to ours by the weak comparison."""
    if not if_none_match:
        return False
    listed = [part.strip().removeprefix("W/") for part in if_none_match.split(",")[:32]]
    return "*" in listed or tag in listed


def unavailable(error: BaseException) -> Response:
    noted(error)
    return problem(503, "unavailable", MESSAGE, headers={"Retry-After": str(RETRY_AFTER)})


def _refused(status: int, error: BadRequest) -> Response:
    return violation(status, [Failure(RULE, error.field, str(error))])


def _kind(text: str) -> CredentialKind:
    try:
        return CredentialKind(text)
    except ValueError:
        raise BadRequest("kind", f"kind is one of {', '.join(k.value for k in CredentialKind)}") from None


def _purpose(text: str) -> Purpose:
    try:
        return Purpose(text)
    except ValueError:
        raise BadRequest("purpose", f"purpose is one of {', '.join(p.value for p in Purpose)}") from None


def _number(text: str, field: str, largest: int) -> int:
    try:
        return whole_number(text, largest)
    except ValueError:
        raise BadRequest(field, f"{field} is a whole number from 0 to {largest}") from None


def _instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset, or a day: the end of that day in Jakarta ("was it valid that day")."""
    if len(text) > 40 or not _TIMESTAMP.match(text):
        raise BadRequest("timestamp", "timestamp is an ISO 8601 instant with its offset, or a date (YYYY-MM-DD)")
    try:
        if "T" not in text:
            day = datetime.fromisoformat(text).date()
            return datetime.combine(day, time.max, JAKARTA)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest("timestamp", f"timestamp {text!r} is not a real instant") from None
