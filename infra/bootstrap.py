"""The composition root: builds the event store, read models, views and the API's services."""

from __future__ import annotations

import functools
import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from api.auth import SignIn, canonical_id
from api.files import students_holding
from api.graphql.waiting import PositionWaiter
from api.oidc.verifier import OIDCVerifier
from api.pages.signin import PageSignIn
from api.services import (
    Services,
)
from application.assessment.assessments import Assessments
from application.audit.trail import AuditTrail
from application.credentials.allocation import SlotAllocator
from application.credentials.credentials import Credentials
from application.credentials.issuing import CredentialIssuing
from application.credentials.status_key import status_list_key
from application.diploma.diplomas import Diplomas
from application.equivalency.equivalencies import Equivalencies
from application.service import Service, utc_now
from application.sharing.shares import Shares
from application.submission.submissions import Submissions
from domain.calendar import WorkingCalendar
from domain.credentials.documents import Issuer
from domain.credentials.holder import holders_key
from domain.diploma.ruleset import RulesetBook
from domain.files import UploadQuota
from domain.personal import Unsealer
from infra.assessment.certificate_trail import CertificateVerificationTrail
from infra.assessment.services import assessment_services, student_nik_digest
from infra.audit.personal_data_sources import personal_data_sources
from infra.audit.read_trail import BufferedReadTrail
from infra.audit.services import audit_services
from infra.bulk_events import CopiedEvents
from infra.composition import Shared
from infra.database import (
    RECONNECT_TIMEOUT,
    IdleCheck,
    PostgresReadStore,
    SQLiteReadStore,
    connection_pool,
    schema_lock,
)
from infra.documents.credentials.keys import IssuerKeys
from infra.documents.key_ring import KeyRing
from infra.documents.signing import DocumentSigner
from infra.equivalency.services import equivalency_services
from infra.erased_files import ErasedFiles
from infra.event_batches import EventBatches
from infra.eventstore import POOL_KEY, register_pool
from infra.files import FileStore
from infra.held_connection import one_connection
from infra.keys import KeyVault
from infra.locks import file_locks, postgres_locks
from infra.periodic import Every
from infra.public_lookup.retention import TrailRetention
from infra.redis_guard import RedisBreaker
from infra.settings import NO_PATH, Settings
from infra.sharing.erasure import ErasedHolders
from infra.sharing.services import sharing_services
from infra.sharing.uses import ShareUseTrail
from infra.sivil.services import diploma_services
from infra.sivil.trail import VerificationTrail
from infra.submission.services import submission_services
from infra.topics import register_moved_topics
from infra.uploads import Uploads
from infra.working_days import indonesian_calendar
from projections import tracking
from projections.assessment.projection import AssessmentProjection
from projections.assessment.rows import CertificateRow
from projections.assessment.view import AssessmentView
from projections.audit.chain import ChainKeeper
from projections.credentials.projection import CredentialStatusProjection
from projections.credentials.view import CredentialStatusView
from projections.eligibility.projection import EligibilityProjection
from projections.equivalency.projection import EquivalencyProjection
from projections.equivalency.view import EquivalencyView
from projections.imports.projection import ImportProjection
from projections.numbering.projection import NumberingProjection
from projections.numbering.view import NumberingView
from projections.projection import Projection
from projections.registers.projection import RegistersProjection
from projections.remote_assessment.projection import RemoteAssessmentProjection
from projections.remote_assessment.view import RemoteAssessmentView
from projections.sharing.projection import SharesProjection
from projections.sivil.projection import SivilProjection
from projections.store import ReadStore
from projections.submission.outbox import OutboxProjection
from projections.submission.projection import SubmissionProjection
from projections.submission.view import SubmissionView
from projections.worker import EventLog, Exclusive, ProjectionWorker

TRANSCODER = "infra.transcoder:OrjsonTranscoder"
MAPPER = "infra.transcoder:EventMapper"  # the typed stored format; both formats load (issue 35)

register_moved_topics()  # before any stored event is read, in whichever process


def event_store_env(settings: Settings, application: str = Diplomas.name, pool_key: str = "") -> dict[str, str]:
    """Where one application's log is kept. PostgreSQL names the table after the application
    (``diplomas_events``); SQLite has one events table per file, so each application has a file of its own.
    ``pool_key``: the process's shared pool (issue 28), registered with ``infra.eventstore``; without one the
    library builds a small pool of its own (tests that open a log beside a running container)."""
    if settings.uses_postgres:
        info = conninfo_to_dict(settings.database_url)
        shared = {"PERSISTENCE_MODULE": "infra.eventstore:SharedPoolFactory", POOL_KEY: pool_key} if pool_key else {}
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": str(info.get("dbname", "")),
            "POSTGRES_HOST": str(info.get("host", "127.0.0.1")),
            "POSTGRES_PORT": str(info.get("port", "5432")),
            "POSTGRES_USER": str(info.get("user", "")),
            "POSTGRES_PASSWORD": str(info.get("password", "")),
            "POSTGRES_POOL_SIZE": "1",
            "POSTGRES_MAX_OVERFLOW": "4",
            "POSTGRES_LOCK_TIMEOUT": "10",
            # Each connection is checked as it leaves the pool, so one dropped while idle (a server restart,
            # pg_terminate_backend) is replaced rather than failing a command; the recorder itself retries a
            # failed statement up to 10 times, each waiting at most POSTGRES_CONNECT_TIMEOUT seconds for a
            # connection, so an outage answers Unavailable in about 12 s instead of 5 minutes, while a restart
            # of a few seconds is ridden out.
            "POSTGRES_PRE_PING": "yes",
            "POSTGRES_CONNECT_TIMEOUT": "1",
            # A session left idle inside a transaction (a client that died mid-command) frees its locks.
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "5",
            "TRANSCODER_TOPIC": TRANSCODER,
            "MAPPER_TOPIC": MAPPER,
            **shared,
        }
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    sqlite_file = "events.sqlite3" if application == Diplomas.name else f"{application}-events.sqlite3"
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.data_dir / sqlite_file),
        "SQLITE_LOCK_TIMEOUT": "30",
        "TRANSCODER_TOPIC": TRANSCODER,
        "MAPPER_TOPIC": MAPPER,
    }


def quick_recovery(application: Service) -> None:
    """The event store's pool checks connections (POSTGRES_PRE_PING) with psycopg_pool's own check, which after
    a restart finds its dead connections one backoff step at a time; ours drops them all at once (and skips the
    connections used within CHECK_AFTER_IDLE), and it gives
    up reconnecting as soon as the read stores' pools do (RECONNECT_TIMEOUT). The library builds that pool
    itself, so both are set on it here (``_check`` is where psycopg_pool keeps the check)."""
    pool = getattr(getattr(application.recorder, "datastore", None), "pool", None)
    if pool is not None and getattr(pool, "_check", None) is not None and not isinstance(pool._check, IdleCheck):
        check = IdleCheck()  # and only connections idle for a while (issue 35, item 5), as the shared pool's
        check.pool = pool
        pool._check = check
        pool.reconnect_timeout = RECONNECT_TIMEOUT


def local_address(settings: Settings) -> str:
    """Where this server answers when no public address is configured (development): the issuer's did:web."""
    host = "127.0.0.1" if settings.host in ("", "0.0.0.0", "::") else settings.host
    return f"http://{f'[{host}]' if ':' in host else host}:{settings.port}"


def exclusive_locks(settings: Settings, pool: ConnectionPool[Any] | None) -> Exclusive:
    """One holder at a time across the installation's processes (a rebuild per read model, the outbox's sender)."""
    if pool is not None:
        return postgres_locks(pool)
    return file_locks(settings.data_dir / "locks")


def read_store(settings: Settings, name: str, pool: ConnectionPool[Any] | None = None) -> ReadStore:
    """A read store on the process's pool (the "read" store closes it), or on a small pool of its own (a tool)."""
    if pool is not None:
        return PostgresReadStore(pool, owns_pool=name == "read")
    if settings.uses_postgres:
        return PostgresReadStore(connection_pool(settings.database_url, max_size=2), owns_pool=True)
    return SQLiteReadStore(settings.data_dir / f"{name}.sqlite3")


@dataclass
class Container:
    settings: Settings
    services: Services
    stores: list[ReadStore]
    allocate_slots: Callable[[], int] = lambda: 0  # the worker's keeper; tests call it after projecting
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _outbox: threading.Thread | None = None

    @property
    def worker(self) -> ProjectionWorker:
        return self.services.worker

    def start_worker(self) -> None:
        """Runs the projections and the outbox in threads of this process (``serve`` does unless told not to)."""
        self._thread = threading.Thread(target=self.worker.run, args=(self._stop,), name="projections", daemon=True)
        self._thread.start()
        self._outbox = threading.Thread(
            target=self.services.submission.outbox.run, args=(self._stop,), name="outbox", daemon=True
        )
        self._outbox.start()

    def close(self) -> None:
        self._stop.set()
        self.worker.wake()
        for thread in (self._thread, self._outbox):
            if thread is not None:
                thread.join(timeout=10)
        self.services.audit.staff_reads.close()  # PDP-R: the reads still waiting are written before the store closes
        for application in self.services.applications.values():
            application.close()
        for store in self.stores:
            store.close()


def nik_index_key(master_key: bytes) -> bytes:
    """The key of the NIK digests that match certificate holders to students (ASM-7): derived from the master key,
    so that it is as secret as the keys it sits beside, and never the master key itself."""
    return hmac.new(master_key, b"kredensial/nik-index/v1", hashlib.sha256).digest()


def read_models(vault: Unsealer, nik_key: bytes) -> list[Projection]:
    """Every read model, as the worker keeps them and an export's replay rebuilds them (issue 12)."""
    return [
        SivilProjection(vault),
        EligibilityProjection(),
        NumberingProjection(vault),
        SubmissionProjection(),
        OutboxProjection(),
        AssessmentProjection(vault, nik_key),
        RemoteAssessmentProjection(),
        EquivalencyProjection(vault),
        CredentialStatusProjection(),
        RegistersProjection(),
        SharesProjection(),
        ImportProjection(),
    ]


def bootstrap(settings: Settings, *, clock=None) -> Container:  # type: ignore[no-untyped-def]
    """The whole process, built under the schema lock: every table it needs is created (or found) before any
    other process builds its own, so ``serve`` and ``worker`` started together on an empty database never race
    on a ``CREATE TABLE`` (issue 28). ``kredensial migrate`` is this, then close."""
    with schema_lock(settings.database_url if settings.uses_postgres else ""):
        return _build(settings, clock=clock)


def _build(settings: Settings, *, clock=None) -> Container:  # type: ignore[no-untyped-def]
    # One pool of connections for the whole process (issue 28): every log and every read store draw from it.
    pool = (
        connection_pool(settings.database_url, max_size=settings.database_pool_size) if settings.uses_postgres else None
    )
    pool_key = register_pool(pool) if pool is not None else ""
    reads = read_store(settings, "read", pool)
    keys = read_store(settings, "keys", pool)
    exclusive = exclusive_locks(settings, pool)
    vault = KeyVault(keys, settings.master_key)
    nik_key = nik_index_key(settings.master_key)
    rulesets = RulesetBook.shipped()
    worker_ref: list[ProjectionWorker] = []

    def wake(position: int) -> None:  # a command saved: the worker projects it now, not at its next poll
        if worker_ref:
            worker_ref[0].wake(position)

    extra: dict[str, Any] = {"on_saved": wake, **({"clock": clock} if clock else {})}
    files = _uploads(settings, reads, clock or utc_now)
    contexts = _applications(settings, pool_key, vault, rulesets, files, extra)
    diplomas, submissions, assessments, equivalencies, credentials_log, shares = contexts
    applications: dict[str, Service] = {app.name: app for app in contexts}
    for app in applications.values():
        quick_recovery(app)
        if pool is not None:  # a command's reads and write on one connection of the process's pool (issue 35)
            app.one_connection = one_connection
    status_key = status_list_key(credentials_log)  # the credentials' own log keeps it (issue 13)
    batches = {name: EventBatches(app.recorder) for name, app in applications.items()}
    for name, app in applications.items():  # a retried creating command answers its first position (IDEM-1)
        app.event_positions = batches[name].positions
    logs = [EventLog(name, app.recorder, app.mapper) for name, app in applications.items()]
    keys_ring = KeyRing.from_seeds(list(settings.sivil_signing_seeds))
    # An empty KREDENSIAL_PUBLIC_URL means the address actually served (issue 28): the issuer, the PDFs' server
    # and the QR's link name it, so the default install's PDF verifies with `verify-pdf` as it stands.
    public_url = settings.public_url or local_address(settings)
    issuer = Issuer(public_url, holder_key=holders_key(status_key))
    # Queries read a hot standby when one is configured (issue 17); the worker, its keepers and every write stay
    # on the primary, where a keeper must not act on a standby's older copy (a slot allocated twice, a file
    # deleted that a record named a moment ago).
    queries = (
        PostgresReadStore(
            connection_pool(settings.read_database_url, max_size=settings.database_pool_size), owns_pool=True
        )
        if settings.read_database_url
        else reads
    )
    credentials = CredentialIssuing(
        issuer, IssuerKeys(keys_ring, issuer), CredentialStatusView(queries), diplomas.clock
    )
    slots = SlotAllocator(credentials_log, status_key, CredentialStatusView(reads))
    shared = Shared(
        settings=settings,
        reads=reads,
        queries=queries,
        registry=diplomas,
        vault=vault,
        clock=diplomas.clock,
        keys=keys_ring,
        pdf_signer=pdf_signer(settings),
        credentials=credentials,
        issuer=issuer,
        public_url=public_url,
        redis_breaker=RedisBreaker(),  # one per process: the rate limit and the spent challenges share one Redis
    )
    chain = ChainKeeper(
        logs,
        reads,
        keys_ring,
        clock=diplomas.clock,
        checkpoint_every=timedelta(minutes=settings.audit_checkpoint_minutes),
    )

    erased_files = _erased_files(settings, reads, files, submissions.calendar, diplomas.clock)
    worker = _worker(
        settings,
        logs,
        reads,
        read_models(vault, nik_key),
        exclusive,
        [slots.step, chain.step],
        erased_files,
        (diplomas, assessments, equivalencies, shares),
        vault,  # a batch's names unsealed with one query for its keys (issue 35)
    )
    worker_ref.append(worker)

    def wait(projection: str, position: int | None, application: str = Diplomas.name) -> None:
        tracking.wait(queries, projection, application, position, settings.wait_timeout)

    certificates_view = AssessmentView(queries)
    equivalency_view = EquivalencyView(queries, submissions.calendar)
    holder_digest = functools.partial(student_nik_digest, diplomas, vault, nik_key)

    def dpi_certificates(university_code: str, nim: str, finished_on: str | None) -> list[CertificateRow]:
        return certificates_view.on_dpi(holder_digest(university_code, nim), finished_on)

    verification_trail = VerificationTrail(reads)
    share_uses = ShareUseTrail(reads)
    staff_reads = BufferedReadTrail(reads)  # PDP-R: on the primary, like the other trails
    certificate_trail = CertificateVerificationTrail(reads)
    trail = AuditTrail(
        applications, positions=lambda log, aggregate_id, *span: batches[log].positions(aggregate_id, *span)
    )
    sources = personal_data_sources(
        SubmissionView(queries),
        verification_trail,
        certificates_view,
        certificate_trail,
        equivalency_view,
        share_uses,
        staff_reads,
    )
    sign_in = _sign_in(settings)
    services = Services(
        registry=diplomas,
        diploma=diploma_services(shared, rulesets, verification_trail),
        submission=submission_services(shared, submissions, files, exclusive, dpi_certificates),
        assessment=assessment_services(shared, assessments, certificates_view, holder_digest, certificate_trail),
        equivalency=equivalency_services(shared, equivalencies, equivalency_view),
        applications=dict(applications),
        audit=audit_services(
            shared,
            trail,
            rulesets,
            sources,
            chain,
            logs,
            worker,
            applications,
            functools.partial(read_models, vault, nik_key),
            staff_reads,
        ),
        worker=worker,
        wait=wait,
        waiter=PositionWaiter(
            lambda projection, application: tracking.position(queries, projection, application),
            timeout=settings.wait_timeout,
        ),
        token_secret=settings.secret,
        sign_in=sign_in,
        pages=PageSignIn(sign_in.oidc, public_url, settings.secret),
        today=diplomas.today,
        credentials=credentials,
        sharing=sharing_services(shared, shares, share_uses),
    )
    stores = list({id(store): store for store in (reads, keys, queries)}.values())
    return Container(settings=settings, services=services, stores=stores, allocate_slots=slots.step)


def _sign_in(settings: Settings) -> SignIn:
    """Development tokens where allowed (issue 29), and the configured OpenID Connect issuers."""
    issuers = settings.issuers
    oidc = OIDCVerifier(issuers, canonical=canonical_id) if issuers.issuers else None
    return SignIn(settings.secret, dev_tokens=settings.dev_tokens_allowed, oidc=oidc)


def pdf_signer(settings: Settings) -> DocumentSigner:
    """Signs PDFs (ECDSA, chained to the published kredensial root); a bad key or chain stops start-up here. With a
    time-stamp authority, PAdES B-LTA: valid after the signing certificate expired (infra/documents/pades.py)."""
    return DocumentSigner.from_files(
        settings.pdf_signing_key,
        settings.pdf_signing_chain,
        crl_path=settings.pdf_signing_crl if settings.pdf_signing_crl != NO_PATH else None,
        tsa_url=settings.tsa_url,
        tsa_root_path=settings.tsa_root if settings.tsa_root != NO_PATH else None,
    )


def _erased_files(
    settings: Settings, reads: ReadStore, files: Uploads, calendar: WorkingCalendar, clock: Callable[[], datetime]
) -> ErasedFiles:
    """Deletes the files no record of someone not erased names any more (UU PDP)."""
    submissions, numbering, assessments = SubmissionView(reads), NumberingView(reads), AssessmentView(reads)
    equivalency = EquivalencyView(reads, calendar)

    def still_named(sha256: str) -> bool:
        """Whether a record of someone not erased names the file: the holders ``GET /files`` would serve it for,
        read on the primary (a standby's older copy could miss a record that names it since a moment ago)."""
        return (
            bool(students_holding(submissions, numbering, sha256))
            or bool(assessments.evidence_holders(sha256))
            or bool(RemoteAssessmentView(reads).file_holders(sha256))
            or bool(equivalency.document_holders(sha256))
        )

    return ErasedFiles(
        reads,
        files,
        still_named,
        clock,
        every=timedelta(seconds=settings.file_sweep_seconds),
        grace=timedelta(seconds=settings.upload_grace_seconds),
    )


def _worker(
    settings: Settings,
    logs: list[EventLog],
    reads: ReadStore,
    projections: list[Projection],
    exclusive: Exclusive,
    keepers: list[Callable[[], object]],
    erased_files: ErasedFiles,
    contexts: tuple[Diplomas, Assessments, Equivalencies, Shares],
    vault: KeyVault,
) -> ProjectionWorker:
    """The projection worker and its keepers: ``keepers`` (credentials' status slots; tamper evidence: every event
    chained, checkpoints signed), then the trails' retention, erased people's files, and erasures interrupted while
    it runs."""
    diplomas, assessments, equivalencies, shares = contexts
    erased_holders = ErasedHolders(
        shares, ShareUseTrail(reads), registry=diplomas, assessments=assessments, equivalencies=equivalencies
    )

    def complete_erasures() -> None:
        diplomas.complete_erasures()
        assessments.complete_erasures()
        equivalencies.complete_erasures()
        erased_holders.step()  # SHR-10: an erased holder's shares end and their uses are forgotten

    return ProjectionWorker(
        logs=logs,
        store=reads,
        projections=projections,
        # An erasure interrupted before its key was destroyed is finished first (UU PDP).
        on_start=complete_erasures,
        keepers=[
            *keepers,
            TrailRetention(
                [VerificationTrail(reads), CertificateVerificationTrail(reads), ShareUseTrail(reads)],
                diplomas.clock,
                timedelta(days=settings.sivil_trail_retention_days),
            ).step,
            erased_files.step,
            # An erasure interrupted in another process must not stay readable until a restart (issue 27, item 10).
            Every(settings.erasure_sweep_seconds, complete_erasures).step,
        ],
        exclusive=exclusive,
        keys=vault,
        batch_size=settings.worker_batch,
    )


class Applications(NamedTuple):
    """Every context's application, in the order their logs are followed."""

    diplomas: Diplomas
    submissions: Submissions
    assessments: Assessments
    equivalencies: Equivalencies
    credentials: Credentials
    shares: Shares


def _applications(
    settings: Settings, pool_key: str, vault: KeyVault, rulesets: RulesetBook, files: Uploads, extra: dict[str, Any]
) -> Applications:
    """Each context's log and commands; ``extra``: the clock, if given, and what to call when a command saved."""
    diplomas = Diplomas(
        event_store_env(settings, pool_key=pool_key),
        sealer=vault,
        rulesets=rulesets,
        **extra,
    )
    diplomas.event_batches = EventBatches(
        diplomas.recorder, snapshots=diplomas.snapshots.recorder if diplomas.snapshots else None
    )
    if isinstance(diplomas.recorder, PostgresApplicationRecorder):
        diplomas.bulk_events = CopiedEvents(diplomas.recorder)  # the import's chunks: COPY (issue 35)
    submissions = Submissions(
        event_store_env(settings, Submissions.name, pool_key=pool_key),
        registry=diplomas,
        calendar=indonesian_calendar(settings.collective_leave, settings.collective_leave_removed),
        proposals_closed_from=settings.catalog_proposals_closed_from,
        own_file=files.uploaded,
        **extra,
    )
    assessments = Assessments(
        event_store_env(settings, Assessments.name, pool_key=pool_key),
        sealer=vault,
        calendar=submissions.calendar,  # one working calendar for every context (ASM-6 as SUB-9)
        own_file=files.uploaded,
        **extra,
    )
    equivalencies = Equivalencies(
        event_store_env(settings, Equivalencies.name, pool_key=pool_key),
        sealer=vault,
        calendar=submissions.calendar,
        own_file=files.uploaded,
        access_code_secret=hmac.new(settings.master_key, b"kredensial/eqv/access-codes", hashlib.sha256).digest(),
        **extra,
    )
    credentials_log = Credentials(
        event_store_env(settings, Credentials.name, pool_key=pool_key),
        **extra,
    )
    shares = Shares(
        event_store_env(settings, Shares.name, pool_key=pool_key),
        diplomas=diplomas,
        assessments=assessments,
        equivalencies=equivalencies,
        # SHR-9: codes are kept as HMACs under a key derived from the master key, never stored beside them
        code_key=hmac.new(settings.master_key, b"kredensial/share-codes/v1", hashlib.sha256).digest(),
        live_limit=settings.shares_per_holder,
        **extra,
    )
    return Applications(diplomas, submissions, assessments, equivalencies, credentials_log, shares)


def _uploads(settings: Settings, reads: ReadStore, clock: Callable[[], datetime]) -> Uploads:
    """The content-addressed file store (FILE.uploader, FILE.quota), on the process's pool."""
    store = FileStore(settings.files_dir)
    store.sweep_incoming()  # what a crash cut off mid-upload
    quota = UploadQuota(
        settings.upload_quota_files, settings.upload_quota_bytes, timedelta(seconds=settings.upload_quota_seconds)
    )
    return Uploads(store, reads, quota, clock)
