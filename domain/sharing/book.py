"""The holder's shares (berbagi): every share they made of their own credentials, and its terms (SHR-1 .. SHR-7)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import NotFound, violation
from domain.sharing.terms import CredentialRef, Fact, Holder, Terms


@dataclass(frozen=True)
class Share:
    """One share as its holder's decisions left it; its uses are not here (they are kept in the uses trail)."""

    id: UUID
    credential: CredentialRef
    disclosed: tuple[Fact, ...]
    label: str
    created_at: datetime
    expires_at: datetime
    max_views: int | None
    revoked_at: datetime | None = None

    def live(self, now: datetime) -> bool:
        """SHR-6, SHR-7: neither revoked nor expired (views used up end it too, as the uses trail counts them)."""
        return self.revoked_at is None and now < self.expires_at


class ShareBook(Aggregate):
    """The shares of one holder: a graduate, a certificate holder or an applicant."""

    class Opened(Aggregate.Created):
        holder: Holder
        cause: Cause

    class ShareCreated(Aggregate.Event):
        """A share was made (SHR-1 .. SHR-6); its link and code are kept as digests only (SHR-9)."""

        share_id: UUID
        link_digest: str
        code_digest: str
        credential: CredentialRef
        disclosed: tuple[Fact, ...]
        label: str
        expires_at: datetime
        max_views: int | None
        live_limit: int
        rule_ids: tuple[str, ...]
        cause: Cause

    class ShareChanged(Aggregate.Event):
        """The holder changed a live share's label, expiry or view limit (SHR-3 .. SHR-5)."""

        share_id: UUID
        label: str
        expires_at: datetime
        max_views: int | None
        rule_ids: tuple[str, ...]
        cause: Cause

    class ShareRevoked(Aggregate.Event):
        """The holder ended one share before its expiry (SHR-7)."""

        share_id: UUID
        rule_ids: tuple[str, ...]
        cause: Cause

    class AllSharesRevoked(Aggregate.Event):
        """The holder ended every live share at once (SHR-7)."""

        share_ids: tuple[UUID, ...]
        rule_ids: tuple[str, ...]
        cause: Cause

    class SharesErased(Aggregate.Event):
        """The holder's personal data was erased (UU PDP): the shares of its scope ended and their uses purged
        (SHR-10); ``scope`` is "" for every credential, or the start of the erased credentials' keys (one
        equivalency application's SKs)."""

        share_ids: tuple[UUID, ...]
        scope: str
        rule_ids: tuple[str, ...]
        cause: Cause

    @event(Opened)
    def __init__(self, holder: Holder, cause: Cause) -> None:
        self.holder = holder
        self.shares: dict[UUID, Share] = {}
        self.erased: set[str] = set()  # SHR-10: the scopes erased; nothing in them is shared again

    @staticmethod
    def create_id(holder: Holder) -> UUID:
        return uuid5(NAMESPACE_URL, f"/shares/holders/{holder.key}")

    def live(self, now: datetime) -> list[Share]:
        return [s for s in self.shares.values() if s.live(now)]

    def share(self, share_id: UUID) -> Share:
        """The holder's own share; another's id (or one that never was) is not found, whoever's it is (SHR-1)."""
        found = self.shares.get(share_id)
        if found is None:
            raise NotFound("share", str(share_id))
        return found

    def create(
        self,
        *,
        share_id: UUID,
        link_digest: str,
        code_digest: str,
        credential: CredentialRef,
        disclosed: tuple[Fact, ...],
        terms: Terms,
        live_limit: int,
        now: datetime,
        cause: Cause,
    ) -> None:
        if any(credential.key.startswith(scope) for scope in self.erased):  # SHR-10
            raise violation("SHR-10", "credential", "your personal data for this credential was erased: none to share")
        if len(self.live(now)) >= live_limit:  # SHR-6
            raise violation(
                "SHR-6", "credential", f"at most {live_limit} live shares: revoke one, or let one expire, first"
            )
        self._share_created(
            share_id=share_id,
            link_digest=link_digest,
            code_digest=code_digest,
            credential=credential,
            disclosed=disclosed,
            label=terms.label,
            expires_at=terms.expires_at,
            max_views=terms.max_views,
            live_limit=live_limit,
            rule_ids=("SHR-1", "SHR-2", "SHR-3", "SHR-4", "SHR-5", "SHR-6", "SHR-9"),
            cause=cause,
        )

    def change(self, share_id: UUID, terms: Terms, now: datetime, cause: Cause) -> bool:
        share = self.share(share_id)
        _check_live(share, now)
        if (terms.label, terms.expires_at, terms.max_views) == (share.label, share.expires_at, share.max_views):
            return False
        self._share_changed(
            share_id=share_id,
            label=terms.label,
            expires_at=terms.expires_at,
            max_views=terms.max_views,
            rule_ids=("SHR-3", "SHR-4", "SHR-5"),
            cause=cause,
        )
        return True

    def revoke(self, share_id: UUID, now: datetime, cause: Cause) -> bool:
        """SHR-7; a share already ended (revoked or expired) is left as it is: nothing is appended."""
        if not self.share(share_id).live(now):
            return False
        self._share_revoked(share_id=share_id, rule_ids=("SHR-7",), cause=cause)
        return True

    def revoke_all(self, now: datetime, cause: Cause) -> int:
        ids = tuple(s.id for s in self.live(now))
        if ids:
            self._all_shares_revoked(share_ids=ids, rule_ids=("SHR-7",), cause=cause)
        return len(ids)

    def erase(self, scope: str, cause: Cause) -> tuple[UUID, ...]:
        """SHR-10: every share of the scope ends, live or not (its uses are purged by the caller); once per scope."""
        ids = tuple(s.id for s in self.shares.values() if s.credential.key.startswith(scope))
        if scope not in self.erased:
            self._shares_erased(share_ids=ids, scope=scope, rule_ids=("SHR-10",), cause=cause)
        return ids

    @event(SharesErased)
    def _shares_erased(self, share_ids: tuple[UUID, ...], scope: str, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.erased.add(scope)
        for share_id in share_ids:
            if self.shares[share_id].revoked_at is None:
                self.shares[share_id] = replace(self.shares[share_id], revoked_at=self.modified_on)

    @event(ShareCreated)
    def _share_created(
        self,
        share_id: UUID,
        link_digest: str,
        code_digest: str,
        credential: CredentialRef,
        disclosed: tuple[Fact, ...],
        label: str,
        expires_at: datetime,
        max_views: int | None,
        live_limit: int,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.shares[share_id] = Share(
            share_id, credential, tuple(disclosed), label, self.modified_on, expires_at, max_views
        )

    @event(ShareChanged)
    def _share_changed(
        self,
        share_id: UUID,
        label: str,
        expires_at: datetime,
        max_views: int | None,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.shares[share_id] = replace(self.shares[share_id], label=label, expires_at=expires_at, max_views=max_views)

    @event(ShareRevoked)
    def _share_revoked(self, share_id: UUID, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.shares[share_id] = replace(self.shares[share_id], revoked_at=self.modified_on)

    @event(AllSharesRevoked)
    def _all_shares_revoked(self, share_ids: tuple[UUID, ...], rule_ids: tuple[str, ...], cause: Cause) -> None:
        for share_id in share_ids:
            self.shares[share_id] = replace(self.shares[share_id], revoked_at=self.modified_on)


def _check_live(share: Share, now: datetime) -> None:
    if not share.live(now):
        raise violation("SHR-7", "shareId", "the share has ended (revoked or expired): make a new one")
