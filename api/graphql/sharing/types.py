"""The holder's shares in GraphQL (issue 34): built from the shares read model and the uses trail."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from api.graphql.viewer.records import instant
from api.sharing.uses import Use
from domain.sharing.terms import Fact
from projections.sharing.rows import ShareRow

ShareFact = strawberry.enum(Fact, name="ShareFact", description="SHR-2: a fact shown beyond the minimum")


@strawberry.enum(description="Where a share stands (SHR-7); USED_UP once its views are all taken (SHR-5).")
class ShareStatus(Enum):
    LIVE = "LIVE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    USED_UP = "USED_UP"


@strawberry.enum(description="What a use of a share was (SHR-8): the page opened, or the signed credential taken.")
class ShareUseKind(Enum):
    VIEW = "view"
    DOWNLOAD = "download"


@strawberry.type(description="One opening or download of a share (SHR-8): nothing more is recorded.")
class ShareUse:
    used_at: datetime
    kind: ShareUseKind
    network: str = strawberry.field(description="the opener's network: an IPv4 /24 or an IPv6 /56")
    agent: str = strawberry.field(description="the browser's family (a link preview shows as bot)")

    @classmethod
    def from_use(cls, u: Use) -> ShareUse:
        return cls(used_at=u.used_at, kind=ShareUseKind(u.kind), network=u.network, agent=u.agent)


@strawberry.type(description="A share the holder made: never its link or code, which are shown once, at creation.")
class Share:
    share_id: str
    credential: str
    disclosed: list[ShareFact]  # type: ignore[valid-type]
    label: str
    created_at: datetime
    expires_at: datetime
    max_views: int | None
    revoked_at: datetime | None
    status: ShareStatus
    views: int
    downloads: int
    uses: list[ShareUse] = strawberry.field(description="The latest uses, newest first (at most 50).")

    @classmethod
    def from_row(cls, r: ShareRow, counts: dict[str, int], uses: list[Use], now: datetime) -> Share:
        expires_at = instant(r.expires_at)
        assert expires_at is not None
        views = counts.get("view", 0)
        if r.revoked_at:
            status = ShareStatus.REVOKED
        elif expires_at <= now:
            status = ShareStatus.EXPIRED
        elif r.max_views is not None and views >= r.max_views:
            status = ShareStatus.USED_UP
        else:
            status = ShareStatus.LIVE
        return cls(
            share_id=r.share_id,
            credential=r.credential_kind,
            disclosed=[Fact(f) for f in r.disclosed.split()],
            label=r.label,
            created_at=instant(r.created_at),  # type: ignore[arg-type]
            expires_at=expires_at,
            max_views=r.max_views,
            revoked_at=instant(r.revoked_at),
            status=status,
            views=views,
            downloads=counts.get("download", 0),
            uses=[ShareUse.from_use(u) for u in uses],
        )


@strawberry.input(description="A share of the holder's own credential (SHR-1 .. SHR-5).")
class CreateShareInput:
    credential: str = strawberry.field(
        default="diploma",
        description="diploma (a graduate's own), certificate (an asesi's LSP certificate) or sk (an applicant's SK)",
    )
    number: str | None = strawberry.field(
        default=None,
        description="which: a certificate's registration number, or the application's (PI-YYYY-NNNNNN) of an SK; "
        "none for a diploma (SHR-1)",
    )
    disclose: list[ShareFact] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    label: str = strawberry.field(description="for the holder themself, e.g. 'PT Contoh, application 2027-01'")
    expires_in_days: int | None = strawberry.field(default=None, description="1-365; 30 when not given (SHR-4)")
    max_views: int | None = strawberry.field(default=None, description="1-1000, or no limit (SHR-5)")


@strawberry.input(description="New terms for a live share: the expiry counts from now (SHR-3 .. SHR-5).")
class ChangeShareInput:
    share_id: str
    label: str
    expires_in_days: int | None = None
    max_views: int | None = None


@strawberry.type(description="The link and the code are shown this once: only their digests are kept (SHR-9).")
class ShareCreated:
    position: int
    share_id: str
    url: str = strawberry.field(description="the link to give: it names no one")
    code: str = strawberry.field(description="the code to type at /s, for a verifier without the link")
    expires_at: datetime


@strawberry.type
class SharesRevoked:
    position: int | None
    count: int
