from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShareRow:
    """One share as its holder sees it (SHR): never its link or code, which are kept nowhere in clear."""

    share_id: str
    holder_key: str
    credential_kind: str
    credential_key: str
    disclosed: str  # facts, space-separated
    label: str
    created_at: str  # UTC, fixed width (projections.credentials.projection.recorded)
    expires_at: str
    max_views: int | None
    revoked_at: str | None
