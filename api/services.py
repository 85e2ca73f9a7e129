"""What the API needs, grouped per context, handed to it by the composition root (``infra.bootstrap``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from api.auth import SignIn
from api.competency_trail import CertificateTrail
from api.graphql.waiting import PositionWaiter
from api.pages.signin import PageSignIn
from api.public_lookup.challenge import ChallengeLedger
from api.public_lookup.lane import PublicLane
from api.public_lookup.rate_limit import RateLimiter
from api.sharing.uses import ShareUses
from api.sivil.trail import ProcessingTrail
from application.assessment.assessments import Assessments
from application.audit.decisions import DecisionReplays
from application.audit.personal_data import PersonalDataReport, PersonalDataReports
from application.audit.reads import ReadTrail
from application.audit.trail import AuditTrail
from application.credentials.issuing import CredentialIssuing
from application.diploma.diplomas import Diplomas
from application.equivalency.equivalencies import Equivalencies
from application.files import Files
from application.registry.registry import Registry
from application.service import Service
from application.sharing.shares import Shares
from application.submission.submissions import Submissions
from domain.diploma.statement import StatementKeys
from projections.assessment.rows import AssessmentRow, CertificateRow
from projections.assessment.view import AssessmentView
from projections.audit.chain import ChainKeeper, Signer
from projections.eligibility.register import StudentRegister
from projections.eligibility.view import EligibilityView
from projections.equivalency.view import EquivalencyView
from projections.imports.view import ImportView
from projections.numbering.view import NumberingView
from projections.registers.view import RegistersView
from projections.remote_assessment.view import RemoteAssessmentView
from projections.sharing.view import SharesView
from projections.sivil.rows import SivilEntry
from projections.sivil.view import SivilView
from projections.submission.view import SubmissionView
from projections.worker import ProjectionWorker


@dataclass
class SivilPublic:
    """What the public SIVIL side needs beyond the read model (PIN-6, PIN-7)."""

    keys: StatementKeys  # signs verification statements; retired keys still verify
    render_pdf: Callable[[SivilEntry, datetime], bytes]  # the signed verification PDF (PIN-7)
    root_certificate: bytes  # PEM of the kredensial root that signed PDFs chain to, published for validators
    limiter: RateLimiter
    spent_challenges: ChallengeLedger  # Redis when configured, else the read database
    challenge_ttl: timedelta
    trusted_proxies: tuple[str, ...]
    public_url: str
    clock: Callable[[], datetime]
    trail: ProcessingTrail  # who verified which diploma (UU PDP); staff read it for the holder
    lane: PublicLane = field(default_factory=PublicLane)  # the public doors' own threads (issue 27)


@dataclass
class DiplomaServices:
    """The diploma context: its commands, its read models, and the public SIVIL side."""

    commands: Diplomas
    eligibility: EligibilityView
    numbering: NumberingView
    sivil: SivilView
    sivil_public: SivilPublic
    students: StudentRegister  # a university's students and their semesters (issue 32)
    imports: ImportView  # what each PDDIKTI import did, per university (issue 32)


@dataclass
class SubmissionServices:
    """The submission context (SUB): its commands, its read models and the uploaded files."""

    commands: Submissions
    view: SubmissionView
    files: Files  # content-addressed; evidence (SUB-6)
    max_upload_bytes: int
    outbox: Outbox  # e-mails every decision to the student (SUB-10)
    dpi_pdf: Callable[[str, str], bytes | None]  # (university, NIM): the signed DPI, or None without one
    max_uploads: int = 8  # received at once per process; more answer 503 (issue 27)


@dataclass
class AssessmentServices:
    """The assessment context (ASM): its commands and its read models."""

    commands: Assessments
    view: AssessmentView
    remote: RemoteAssessmentView  # applications for remote assessment, requirements per skema (ASM-5)
    student_nik_digest: Callable[[str, str], str | None]  # (university, NIM): to find their certificates (ASM-7)
    verification_trail: CertificateTrail  # who verified which certificate (UU PDP)
    registers: RegistersView  # licences, skema, asesors, TUK, committees, blangko as written (issue 32)
    certificate_pdf: Callable[[CertificateRow], bytes | None] = lambda _: None  # the signed certificate (ASM-7)
    bk_letter_pdf: Callable[[AssessmentRow], bytes | None] = lambda _: None  # Surat Keterangan BK (ASM-6 step 5)


@dataclass
class EquivalencyServices:
    """The equivalency context (EQV): its commands and its read models."""

    commands: Equivalencies
    view: EquivalencyView
    sk_pdf: Callable[[str], bytes | None]  # (registration number): the signed SK, or None without one
    # (registration number, letter number or None for the latest): the signed replacement letter (EQV-7)
    replacement_pdf: Callable[[str, str | None], bytes | None] = lambda _, __: None


@dataclass
class SharingServices:
    """Holder-controlled sharing (issue 34): the holder's commands, their shares, and each share's uses."""

    commands: Shares
    view: SharesView
    uses: ShareUses  # who opened which share (SHR-8): a trail, not a projection
    client_limiter: RateLimiter  # openings per client (KREDENSIAL_SHARE_RATE_LIMIT)
    share_limiter: RateLimiter  # openings per share (KREDENSIAL_SHARE_OPEN_RATE_LIMIT)
    wrong_codes: RateLimiter  # wrong codes from every network together (KREDENSIAL_SHARE_WRONG_CODE_LIMIT)


@dataclass
class AuditServices:
    """The auditors' and legal staff's tools (issue 12): history and time travel, and the tamper-evident chain."""

    trail: AuditTrail
    decisions: DecisionReplays
    personal_data: PersonalDataReports
    personal_data_pdf: Callable[[PersonalDataReport], bytes]
    chain: ChainKeeper
    keys: Signer  # verifies the chain's signed checkpoints
    export: Export  # infra/audit/export.py
    replay: Replay  # infra/audit/replay.py
    staff_reads: ReadTrail  # who of the staff saw whose data, and when (UU PDP; issue 32, item 5)


class Export(Protocol):
    def __call__(
        self,
        file: Path,
        *,
        logs: tuple[str, ...],
        since: datetime | None,
        until: datetime | None,
        aggregate_id: UUID | None,
    ) -> dict[str, Any]:
        """Writes the export and its signed manifest; returns the manifest. ValueError for an unknown log."""
        ...


class Replayed(Protocol):
    events: int
    tables: int
    rows: int
    difference: str | None


class Replay(Protocol):
    def __call__(self, file: Path, *, keep: Path | None) -> Replayed:
        """Raises ValueError, saying why, when the export cannot be trusted or cannot equal the live models."""
        ...


class Outbox(Protocol):
    def send_pending(self) -> int: ...

    def status(self) -> dict[str, object]: ...

    def run(self, stop: threading.Event) -> None: ...


class Wait(Protocol):
    def __call__(self, projection: str, position: int | None, application: str = Diplomas.name) -> None: ...


@dataclass
class Services:
    registry: Registry  # its records live in the diplomas log, so that a decision saves with what it read
    diploma: DiplomaServices
    submission: SubmissionServices
    assessment: AssessmentServices
    equivalency: EquivalencyServices
    applications: dict[str, Service]  # every context's application, by name: whose log a position is in
    audit: AuditServices
    worker: ProjectionWorker
    wait: Wait  # (read model, position, application): blocks until the read model has processed it
    waiter: PositionWaiter  # the same wait for the API, without holding a thread
    token_secret: str  # signs development tokens, and SIVIL's challenges
    sign_in: SignIn  # bearer tokens read as the caller (issue 29)
    pages: PageSignIn  # people signed in to the pages by their issuer, in a session cookie (issue 29)
    today: Callable[[], date]
    credentials: CredentialIssuing  # W3C credentials, the DID document and the status lists (issue 13)
    sharing: SharingServices  # holder-controlled sharing (issue 34)
