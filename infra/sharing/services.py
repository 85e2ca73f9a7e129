"""Holder-controlled sharing's builder (issue 33, issue 34): its commands, read model, uses and rate limits."""

from __future__ import annotations

from api.services import SharingServices
from api.sharing.limits import SHARE_CLIENT, SHARE_OPENINGS, WRONG_CODES
from application.sharing.shares import Shares
from infra.composition import Shared
from infra.public_lookup.limits import limiter
from infra.sharing.uses import ShareUseTrail
from projections.sharing.view import SharesView


def sharing_services(shared: Shared, commands: Shares, uses: ShareUseTrail) -> SharingServices:
    settings, breaker = shared.settings, shared.redis_breaker
    return SharingServices(
        commands=commands,
        view=SharesView(shared.queries),
        uses=uses,
        client_limiter=limiter(
            settings, breaker, settings.share_rate_limit, "kredensial-share-client", "SHR-9", SHARE_CLIENT
        ),
        share_limiter=limiter(
            settings, breaker, settings.share_open_rate_limit, "kredensial-share", "SHR-8", SHARE_OPENINGS
        ),
        wrong_codes=limiter(
            settings, breaker, settings.share_wrong_code_limit, "kredensial-share-codes", "SHR-9.codes", WRONG_CODES
        ),
    )
