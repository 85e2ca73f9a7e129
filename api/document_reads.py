"""PDP-R for documents: a staff member who downloads a person's document (a DPI, a certificate, a letter of not yet
competent, an SK or its replacement letter, a file the person uploaded) is named in that person's next data report,
as a staff member's read in GraphQL is. The person's own downloads are not listed."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from fastapi import Request

from api.request_ids import request_id
from api.services import Services
from application.audit.reads import SeenView, staff_reads
from domain.audit import Actor


def saw_document(
    services: Services, actor: Actor, view: SeenView, person_ids: Iterable[UUID], request: Request
) -> None:
    at = services.registry.clock()
    reads = staff_reads(actor, view, person_ids, at, request_id(request.headers.get("x-request-id")))
    if reads:
        services.audit.staff_reads.record(reads)
