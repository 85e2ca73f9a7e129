"""Which share a link or a code opens (SHR-9): small index aggregates with ids derived from their digests, saved with
the share they name, so that no two shares ever hold one code and a code is never given again (single purpose)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.sharing.secrets import code_claim_id, share_id


class ShareLink(Aggregate):
    """The link of one share; its id is the share's id (``domain.sharing.secrets.share_id``)."""

    class Claimed(Aggregate.Created):
        link_digest: str
        book_id: UUID
        cause: Cause

    @event(Claimed)
    def __init__(self, link_digest: str, book_id: UUID, cause: Cause) -> None:
        self.book_id = book_id

    @staticmethod
    def create_id(link_digest: str) -> UUID:
        return share_id(link_digest)


class ShareCode(Aggregate):
    """The typed code of one share."""

    class Claimed(Aggregate.Created):
        code_digest: str
        book_id: UUID
        share_id: UUID
        cause: Cause

    @event(Claimed)
    def __init__(self, code_digest: str, book_id: UUID, share_id: UUID, cause: Cause) -> None:
        self.code_digest = code_digest
        self.book_id = book_id
        self.share_id = share_id

    @staticmethod
    def create_id(code_digest: str) -> UUID:
        return code_claim_id(code_digest)
