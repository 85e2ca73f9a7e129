"""What every context's builder draws on (issue 33): made once by the composition root (:mod:`infra.bootstrap`),
handed to each context's builder (``infra/<context>/services.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from application.credentials.issuing import CredentialIssuing
from application.diploma.diplomas import Diplomas
from domain.credentials.documents import Issuer
from infra.documents.key_ring import KeyRing
from infra.documents.signing import DocumentSigner
from infra.keys import KeyVault
from infra.redis_guard import RedisBreaker
from infra.settings import Settings
from projections.store import ReadStore


@dataclass(frozen=True)
class Shared:
    settings: Settings
    reads: ReadStore  # the primary: the worker, its keepers and every write
    queries: ReadStore  # a hot standby when one is configured (issue 17), else ``reads``
    registry: Diplomas  # the registry's records live in the diplomas log
    vault: KeyVault  # seals and unseals personal data
    clock: Callable[[], datetime]
    keys: KeyRing  # SIVIL statements, credentials and the audit chain's checkpoints
    pdf_signer: DocumentSigner  # every PDF (ECDSA, chained to the published kredensial root)
    credentials: CredentialIssuing
    issuer: Issuer
    public_url: str  # KREDENSIAL_PUBLIC_URL, else the address actually served
    redis_breaker: RedisBreaker  # one per process: the rate limits and the spent challenges share one Redis
