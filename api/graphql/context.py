from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

from graphql import GraphQLError
from strawberry.fastapi import BaseContext

from api.graphql.waiting import TooManyWaiting
from api.services import Services
from api.threads import Threads
from application.audit.reads import SeenView, staff_reads
from application.authorization import STAFF_READERS, require
from application.diploma.diplomas import Diplomas
from domain.audit import Actor, Cause, Role
from domain.errors import DomainError, NotAuthorized

T = TypeVar("T")


class Context(BaseContext):
    def __init__(
        self,
        services: Services,
        actor: Actor | None,
        request_id: str | None,
        auth_error: str | None = None,
        idempotency_key: str | None = None,
        threads: Threads | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.actor = actor
        self.request_id = request_id or str(uuid.uuid4())
        self.auth_error = auth_error
        # IDEM-1: the ``Idempotency-Key`` header, for the creating command the request runs (checked by it)
        self.idempotency_key = idempotency_key
        self.threads = threads  # the app's (api/http.py); without, asyncio's

    def signed_in(self) -> Actor:
        """The caller, or NotAuthorized for a request without a valid token."""
        if self.actor is None:
            raise NotAuthorized(self.auth_error or "sign in: send 'Authorization: Bearer <token>'")
        return self.actor

    def cause(self, reason: str | None = None) -> Cause:
        return Cause(actor=self.signed_in(), request_id=self.request_id, reason=reason)

    async def run(self, fn: Callable[[], T]) -> T:
        """The event store and read models are synchronous: keep them off the event loop."""
        if self.threads is None:
            return await asyncio.to_thread(fn)
        return await self.threads.run(fn)

    async def read(
        self, projection: str, position: int | None, fn: Callable[[], T], application: str = Diplomas.name
    ) -> T:
        """Waits (bounded, on the event loop: no thread is held while waiting) until the read model has reached
        ``position`` of ``application``'s log (the one whose commands returned it), then reads it in a thread.

        A read that cannot be answered from the read model yet is the one coded error a field raises (issue 32):
        ``NOT_YET_PROJECTED``, with ``reason`` saying why (the wait timed out, the position was never written, or
        too many requests wait already); every other refusal is a member of the field's union."""
        if position is not None:
            log = self.services.applications[application].recorder
            written = await self.run(lambda: log.max_notification_id() or 0)
            if position > written:  # would only wait until the timeout
                raise not_yet_projected(
                    f"position {position} has not been written (the log ends at {written})", NOT_WRITTEN
                )
            try:
                await self.services.waiter.wait(projection, position, application)
            except TimeoutError as e:
                raise not_yet_projected(str(e), TIMED_OUT) from None
            except TooManyWaiting as e:
                raise not_yet_projected(str(e), TOO_MANY_WAITING) from None
        return await self.run(fn)

    def saw(self, view: SeenView, person_ids: Iterable[UUID]) -> None:
        """PDP-R: a staff member's read of these people's data goes into their reports (their own reads do not)."""
        if self.actor is not None:
            at = self.services.registry.clock()
            self.services.audit.staff_reads.record(staff_reads(self.actor, view, person_ids, at, self.request_id))

    def require_staff(self, university_code: str, nim: str | None = None) -> Actor:
        """Personal data in staff views: only the university's own people and national staff, or (given ``nim``)
        the student themself. Refused with NotAuthorized, which the field answers as a union member."""
        actor = self.signed_in()
        if nim is not None and actor.role is Role.STUDENT:
            if actor.institution != university_code or actor.id != nim:
                raise NotAuthorized("a student reads only their own record")
            return actor
        require(actor, STAFF_READERS, university_code)
        return actor


NOT_YET_PROJECTED = "NOT_YET_PROJECTED"
TIMED_OUT, NOT_WRITTEN, TOO_MANY_WAITING = "TIMED_OUT", "NOT_WRITTEN", "TOO_MANY_WAITING"  # its reasons


def not_yet_projected(message: str, reason: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": NOT_YET_PROJECTED, "reason": reason})


def domain_error_extensions(e: DomainError) -> dict[str, Any]:
    return {"code": type(e).__name__}
