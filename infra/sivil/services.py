"""The diploma context's builder (issue 33): its commands, read models and the public SIVIL side."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from api.services import DiplomaServices, SivilPublic
from application.credentials.issuing import CredentialIssuing
from domain.diploma.ruleset import RulesetBook
from infra.composition import Shared
from infra.documents.key_ring import KeyRing
from infra.documents.signing import DocumentSigner
from infra.public_lookup.limits import rate_limiter, spent_challenges
from infra.sivil.trail import VerificationTrail
from projections.eligibility.register import StudentRegister
from projections.eligibility.view import EligibilityView
from projections.imports.view import ImportView
from projections.numbering.view import NumberingView
from projections.sivil.rows import SivilEntry
from projections.sivil.view import SivilView


def diploma_services(shared: Shared, rulesets: RulesetBook, trail: VerificationTrail) -> DiplomaServices:
    queries = shared.queries
    return DiplomaServices(
        commands=shared.registry,
        eligibility=EligibilityView(queries, rulesets),
        numbering=NumberingView(queries),
        sivil=SivilView(queries),
        sivil_public=sivil_public(shared, trail),
        students=StudentRegister(queries),
        imports=ImportView(queries),
    )


def sivil_public(shared: Shared, trail: VerificationTrail) -> SivilPublic:
    settings = shared.settings
    return SivilPublic(
        keys=shared.keys,
        render_pdf=functools.partial(
            _render_pdf,
            keys=shared.keys,
            signer=shared.pdf_signer,
            base_url=shared.public_url,
            credentials=shared.credentials,
        ),
        root_certificate=shared.pdf_signer.root_pem(),
        limiter=rate_limiter(settings, shared.redis_breaker),
        spent_challenges=spent_challenges(settings, shared.reads, shared.redis_breaker),
        challenge_ttl=timedelta(seconds=settings.sivil_challenge_ttl),
        trusted_proxies=settings.trusted_proxies,
        public_url=shared.public_url,
        clock=shared.clock,
        trail=trail,
    )


def _render_pdf(
    entry: SivilEntry,
    verified_at: datetime,
    *,
    keys: KeyRing,
    signer: DocumentSigner,
    base_url: str | None,
    credentials: CredentialIssuing,
) -> bytes:
    """The verification PDF, carrying the diploma's W3C credential (issue 13) once its status slot is projected."""
    from infra.sivil.pdf import render_verification_pdf  # reportlab and pyHanko load on the first PDF

    credential = credentials.diploma(entry)
    return render_verification_pdf(entry, verified_at, keys, signer=signer, base_url=base_url, credential=credential)
