"""The one place that reads the environment (``KREDENSIAL_*``)."""

from __future__ import annotations

import hashlib
import math
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str  # empty: SQLite files under data_dir
    database_pool_size: int  # PostgreSQL connections one process may hold, all its contexts together (issue 28)
    read_database_url: str  # empty: queries read the read models where they are written; else a hot standby
    secret: str  # signs bearer tokens
    master_key: bytes  # wraps each person's data key
    host: str
    port: int
    wait_timeout: float  # how long a query waits for a read model to reach a position
    projections_in_process: bool
    redis_url: str  # empty: rate limits and used challenges stay in-process / in the read database
    redis_timeout: float  # seconds to connect to Redis and for it to answer; then "try later" (issue 27)
    sivil_signing_seeds: tuple[bytes, ...]  # Ed25519 seeds: the first signs, the rest are retired (PIN-7)
    sivil_challenge_ttl: int  # seconds a SIVIL challenge stays answerable (PIN-6)
    sivil_rate_limit: str  # per client address, in the `limits` notation, e.g. "30/minute"
    sivil_ipv6_prefix: int  # the bits of an IPv6 address that name one client of the rate limit (PIN-6)
    trusted_proxies: tuple[str, ...]  # addresses whose X-Forwarded-For is believed
    public_url: str  # how the public reaches this server, printed on verification PDFs
    files_dir: Path  # the content-addressed file store (evidence uploads, SUB-6)
    max_upload_bytes: int  # one uploaded file, at most
    max_uploads: int  # uploads one API process receives at once; more answer 503 (issue 27)
    header_timeout: float  # seconds for a request's line and headers to arrive; then 408 and closed (issue 27)
    body_timeout: float  # seconds for a request's whole body to arrive
    upload_quota_files: int  # FILE.quota: files one uploader may store within the window
    upload_quota_bytes: int  # FILE.quota: bytes one uploader may store within the window
    upload_quota_seconds: float  # FILE.quota: the window
    upload_grace_seconds: float  # FILE.unnamed: an upload no record names is deleted after this long
    file_sweep_seconds: float  # how often the worker deletes unnamed and erased people's files
    catalog_proposals_closed_from: date  # SUB-2: the seed closed proposals in February 2026
    collective_leave: tuple[date, ...]  # cuti bersama: not working days (SUB-9)
    smtp_host: str  # empty: decisions' e-mails wait in the outbox (SUB-10)
    smtp_port: int
    smtp_sender: str
    smtp_starttls: bool
    smtp_username: str
    smtp_password: str
    smtp_timeout: float  # seconds: connecting, and each command's answer
    smtp_data_timeout: float  # seconds: the answer once the whole message was sent (RFC 5321 asks for minutes)
    smtp_retry_seconds: float  # first wait after a temporary failure (4xx, no connection); doubles, an hour at most
    smtp_attempts: int  # temporary failures before a message is given up as undeliverable
    smtp_uncertain_retry_seconds: float  # wait before sending again a message sent without an answer
    smtp_uncertain_sends: int  # how often a message may go out without an answer (then: possibly delivered)
    erasure_sweep_seconds: float  # how often the worker finishes erasures interrupted before the key went (UU PDP)
    audit_checkpoint_minutes: float  # how often the audit chain's head is signed, when it moved (issue 12)
    sivil_trail_retention_days: int  # UU PDP: how long who-verified-which-diploma is kept (decided: a year)
    pdf_signing_key: Path  # PEM: the ECDSA P-256 key that signs our PDFs (infra/document_signing.py)
    pdf_signing_chain: Path  # PEM: its certificate, then the chain up to and including the kredensial root

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("KREDENSIAL_DATA_DIR", "var")).resolve()
        database_url = env.get("KREDENSIAL_DATABASE_URL", "")
        secret = env.get("KREDENSIAL_SECRET") or _dev_secret(data_dir, "token-secret", database_url)
        master = env.get("KREDENSIAL_MASTER_KEY") or _dev_secret(data_dir, "master-key", database_url)
        pdf_key, pdf_chain = _pdf_signing(env, data_dir, database_url)
        public_url = env.get("KREDENSIAL_PUBLIC_URL", "").rstrip("/")
        if database_url and not public_url:  # the issuer of credentials is did:web of it (issue 13)
            store = database_url.split(":")[0]
            raise RuntimeError(f"set KREDENSIAL_PUBLIC_URL (how the public reaches this server) when using {store}")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            database_pool_size=_at_least_one(env, "KREDENSIAL_DATABASE_POOL_SIZE", "10", "connections"),
            read_database_url=env.get("KREDENSIAL_READ_DATABASE_URL", ""),
            secret=secret,
            master_key=_key_bytes(master),
            host=env.get("KREDENSIAL_HOST", "127.0.0.1"),
            port=int(env.get("KREDENSIAL_PORT", "8000")),
            wait_timeout=float(env.get("KREDENSIAL_WAIT_TIMEOUT", "5")),
            projections_in_process=env.get("KREDENSIAL_PROJECTIONS_IN_PROCESS", "1") not in ("0", "false", "no"),
            redis_url=env.get("KREDENSIAL_REDIS_URL", ""),
            redis_timeout=_seconds(env, "KREDENSIAL_REDIS_TIMEOUT", "1", at_most=30),
            sivil_signing_seeds=tuple(
                bytes.fromhex(seed.strip())
                for seed in (
                    env.get("KREDENSIAL_SIVIL_SIGNING_KEYS") or _dev_secret(data_dir, "sivil-signing-key", database_url)
                ).split(",")
                if seed.strip()
            ),
            sivil_challenge_ttl=int(env.get("KREDENSIAL_SIVIL_CHALLENGE_TTL", "300")),
            sivil_rate_limit=env.get("KREDENSIAL_SIVIL_RATE_LIMIT", "30/minute"),
            sivil_ipv6_prefix=_whole(env, "KREDENSIAL_SIVIL_IPV6_PREFIX", "56", 32, 64, "bits of an IPv6 prefix"),
            trusted_proxies=tuple(p.strip() for p in env.get("KREDENSIAL_TRUSTED_PROXIES", "").split(",") if p.strip()),
            public_url=public_url,
            files_dir=Path(env.get("KREDENSIAL_FILES_DIR") or data_dir / "files").resolve(),
            max_upload_bytes=int(env.get("KREDENSIAL_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))),
            max_uploads=_whole(env, "KREDENSIAL_MAX_UPLOADS", "8", 1, 1000, "uploads at once"),
            header_timeout=_seconds(env, "KREDENSIAL_HEADER_TIMEOUT", "10", at_most=300),
            body_timeout=_seconds(env, "KREDENSIAL_BODY_TIMEOUT", "60", at_most=3600),
            upload_quota_files=_count(env, "KREDENSIAL_UPLOAD_QUOTA_FILES", "50"),
            upload_quota_bytes=_count(env, "KREDENSIAL_UPLOAD_QUOTA_BYTES", str(50 * 1024 * 1024)),
            upload_quota_seconds=_seconds(env, "KREDENSIAL_UPLOAD_QUOTA_SECONDS", "86400", at_most=30 * 86400),
            upload_grace_seconds=_seconds(env, "KREDENSIAL_UPLOAD_GRACE_SECONDS", "259200", at_most=30 * 86400),
            file_sweep_seconds=_seconds(env, "KREDENSIAL_FILE_SWEEP_SECONDS", "3600", at_most=86400),
            catalog_proposals_closed_from=_date(env, "KREDENSIAL_CATALOG_PROPOSALS_CLOSED_FROM", "2026-02-01"),
            collective_leave=tuple(
                _day(d.strip(), "KREDENSIAL_COLLECTIVE_LEAVE")
                for d in env.get("KREDENSIAL_COLLECTIVE_LEAVE", "").split(",")
                if d.strip()
            ),
            smtp_host=env.get("KREDENSIAL_SMTP_HOST", ""),
            smtp_port=int(env.get("KREDENSIAL_SMTP_PORT", "25")),
            smtp_sender=env.get("KREDENSIAL_SMTP_FROM", "ssc@kredensial.local"),
            smtp_starttls=env.get("KREDENSIAL_SMTP_STARTTLS", "0") in ("1", "true", "yes"),
            smtp_username=env.get("KREDENSIAL_SMTP_USERNAME", ""),
            smtp_password=env.get("KREDENSIAL_SMTP_PASSWORD", ""),
            smtp_timeout=_seconds(env, "KREDENSIAL_SMTP_TIMEOUT", "10"),
            smtp_data_timeout=_seconds(env, "KREDENSIAL_SMTP_DATA_TIMEOUT", "120"),
            smtp_retry_seconds=_seconds(env, "KREDENSIAL_SMTP_RETRY_SECONDS", "30"),
            smtp_attempts=_count(env, "KREDENSIAL_SMTP_ATTEMPTS", "12"),
            smtp_uncertain_retry_seconds=_seconds(env, "KREDENSIAL_SMTP_UNCERTAIN_RETRY_SECONDS", "21600"),
            smtp_uncertain_sends=_count(env, "KREDENSIAL_SMTP_UNCERTAIN_SENDS", "2"),
            erasure_sweep_seconds=_seconds(env, "KREDENSIAL_ERASURE_SWEEP_SECONDS", "30"),
            audit_checkpoint_minutes=float(env.get("KREDENSIAL_AUDIT_CHECKPOINT_MINUTES", "60")),
            sivil_trail_retention_days=_at_least_one(env, "KREDENSIAL_SIVIL_TRAIL_RETENTION_DAYS", "365"),
            pdf_signing_key=pdf_key,
            pdf_signing_chain=pdf_chain,
        )


def _at_least_one(env: Mapping[str, str], name: str, default: str, unit: str = "days") -> int:
    """A count that must be 1 or more: 0 days of retention would purge the whole trail every hour; a pool of 0
    connections could answer nothing."""
    text = env.get(name) or default
    if not text.strip().isdigit() or int(text) < 1:
        raise RuntimeError(f"{name}: {text!r} is not a number of {unit} of 1 or more")
    return int(text)


def _seconds(env: Mapping[str, str], name: str, default: str, *, at_most: float = 7 * 86400) -> float:
    """A duration in seconds, more than 0 and at most ``at_most``: 0 would refuse everything, a huge one nothing."""
    text = env.get(name) or default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= at_most:  # NaN fails too
        raise RuntimeError(f"{name}: {text!r} is not a number of seconds above 0 and at most {at_most:g}")
    return value


def _whole(env: Mapping[str, str], name: str, default: str, low: int, high: int, what: str) -> int:
    text = (env.get(name) or default).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise RuntimeError(f"{name}: {text!r} is not a whole number of {what} from {low} to {high}")
    return int(text)


def _count(env: Mapping[str, str], name: str, default: str) -> int:
    text = env.get(name) or default
    if not text.strip().isdigit() or int(text) < 1:
        raise RuntimeError(f"{name}: {text!r} is not a whole number of 1 or more")
    return int(text)


def _date(env: Mapping[str, str], name: str, default: str) -> date:
    return _day(env.get(name) or default, name)


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuntimeError(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from None


def _dev_secret(data_dir: Path, name: str, database_url: str) -> str:
    """On a development machine, generate a secret once and keep it beside the SQLite files."""
    if database_url:
        raise RuntimeError(f"set KREDENSIAL_{name.upper().replace('-', '_')} when using {database_url.split(':')[0]}")
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _pdf_signing(env: Mapping[str, str], data_dir: Path, database_url: str) -> tuple[Path, Path]:
    """Both files named, or on a development machine a root and a signing certificate made once under
    ``data_dir/pki`` (like :func:`_dev_secret`); with a database URL both must be named."""
    key, chain = env.get("KREDENSIAL_PDF_SIGNING_KEY", ""), env.get("KREDENSIAL_PDF_SIGNING_CHAIN", "")
    if key and chain:
        return Path(key).resolve(), Path(chain).resolve()
    if key or chain:
        raise RuntimeError("set both KREDENSIAL_PDF_SIGNING_KEY and KREDENSIAL_PDF_SIGNING_CHAIN, or neither")
    if database_url:
        raise RuntimeError(
            "set KREDENSIAL_PDF_SIGNING_KEY and KREDENSIAL_PDF_SIGNING_CHAIN (PEM files: the PDF signing key, and its "
            f"certificate chain up to the kredensial root) when using {database_url.split(':')[0]}"
        )
    from infra.document_signing import development_pki  # cryptography loads only where it is needed

    return development_pki(data_dir / "pki")


def _key_bytes(text: str) -> bytes:
    """A 64-hex-digit key as given; any other passphrase through SHA-256."""
    try:
        if len(text) == 64:
            return bytes.fromhex(text)
    except ValueError:
        pass
    return hashlib.sha256(text.encode()).digest()
