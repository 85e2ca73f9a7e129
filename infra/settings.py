"""The one place that reads the environment (``KREDENSIAL_*``): one typed, validated object (issue 28).

Every setting is a field of :class:`Settings`, named as its variable without the prefix, with its type, bounds and
default; a value that does not fit is refused at start with the variable's name and what it expects, and every
problem is named at once (``kredensial check-config`` prints them without starting anything). The README's settings
table lists exactly these fields (a test reads both).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from api.oidc.issuers import Issuers, IssuersRefused, load_issuers

PREFIX = "KREDENSIAL_"
DAY = 86400.0
NO_PATH = Path("")  # a path setting left empty


def _seconds(default: float, at_most: float, what: str) -> Any:
    return Field(
        default, gt=0, le=at_most, allow_inf_nan=False, description=f"{what}: seconds, above 0, at most {at_most:g}"
    )


def _count(default: int, low: int, high: int, what: str) -> Any:
    return Field(default, ge=low, le=high, description=f"{what}: a whole number from {low} to {high}")


Secret = Annotated[str, Field(repr=False)]


class ConfigError(RuntimeError):
    """Every setting that is missing or does not fit, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    data_dir: Path = Field(Path("var"), description="SQLite files and development secrets")
    database_url: str = Field("", description="empty (SQLite) or a postgresql:// URL")
    database_pool_size: int = _count(10, 1, 1000, "PostgreSQL connections one process holds at most")
    read_database_url: str = Field("", description="empty, or a postgresql:// URL of a hot standby")
    secret: Secret = Field("", description="signs development bearer tokens (`kredensial token`)")
    allow_dev_tokens: bool = Field(False, description="1 or 0: a PostgreSQL install still takes development tokens")
    oidc_issuers: Path = Field(NO_PATH, description="a JSON file: the OpenID Connect issuers people sign in with")
    master_key: bytes = Field(b"", repr=False, description="wraps each person's data key: 64 hex digits")
    host: str = Field("127.0.0.1", min_length=1, max_length=255, description="the address serve listens on")
    port: int = _count(8000, 1, 65535, "the port serve listens on")
    wait_timeout: float = _seconds(5, 300, "how long a query waits for a read model to reach a position")
    projections_in_process: bool = Field(True, description="1 or 0: serve also runs the projections")
    redis_url: str = Field("", description="empty, or a redis:// URL")
    redis_timeout: float = _seconds(1, 30, "to connect to Redis and for it to answer")
    sivil_signing_keys: tuple[bytes, ...] = Field((), repr=False, description="comma-separated hex Ed25519 seeds")
    sivil_challenge_ttl: int = _count(300, 10, 3600, "seconds a SIVIL challenge can be answered")
    sivil_rate_limit: str = Field("30/minute", description="look-ups per client, in the limits notation (30/minute)")
    shares_per_holder: int = _count(20, 1, 1000, "live shares one holder may have at once (SHR-6)")
    share_rate_limit: str = Field("20/minute", description="share openings per client (links and codes), SHR-9")
    share_open_rate_limit: str = Field("60/hour", description="openings of one share, whoever opens it (SHR-8)")
    share_wrong_code_limit: str = Field(
        "60/minute", description="wrong share codes tried, from every network together (SHR-9.codes)"
    )
    sivil_ipv6_prefix: int = _count(56, 32, 64, "bits of an IPv6 prefix counted as one client")
    trusted_proxies: tuple[str, ...] = Field((), description="comma-separated proxy addresses")
    public_url: str = Field("", description="empty (http://HOST:PORT) or an http(s) URL with a host")
    sk_signatory: str = Field(
        "Direktur Jenderal Pendidikan Tinggi",
        min_length=3,
        max_length=200,
        description="the office (jabatan) that signs SKs of equivalency and replacement letters (EQV-4, EQV-7)",
    )
    files_dir: Path = Field(NO_PATH, description="the file store (empty: DATA_DIR/files)")
    max_upload_bytes: int = _count(10485760, 1, 1 << 30, "bytes of one uploaded file")
    max_uploads: int = _count(8, 1, 1000, "uploads one API process receives at once")
    header_timeout: float = _seconds(10, 300, "for a request's line and headers to arrive")
    body_timeout: float = _seconds(60, 3600, "for a request's whole body to arrive")
    upload_quota_files: int = _count(50, 1, 1_000_000, "files one uploader stores within the window (FILE.quota)")
    upload_quota_bytes: int = _count(52428800, 1, 1 << 40, "bytes one uploader stores within the window (FILE.quota)")
    upload_quota_seconds: float = _seconds(86400, 30 * DAY, "the upload quota's window")
    upload_grace_seconds: float = _seconds(
        259200, 30 * DAY, "how long an upload no record names is kept (FILE.unnamed)"
    )
    file_sweep_seconds: float = _seconds(3600, DAY, "how often the worker deletes unnamed and erased people's files")
    catalog_proposals_closed_from: date = Field(date(2026, 2, 1), description="a date (YYYY-MM-DD), SUB-2")
    collective_leave: tuple[date, ...] = Field((), description="dates (YYYY-MM-DD) of cuti bersama added")
    collective_leave_removed: tuple[date, ...] = Field((), description="dates written -YYYY-MM-DD: removed")
    smtp_host: str = Field("", description="empty: e-mails wait in the outbox")
    smtp_port: int = _count(25, 1, 65535, "the SMTP server's port")
    smtp_from: str = Field("ssc@kredensial.local", min_length=3, max_length=254, description="the sender")
    smtp_starttls: bool = Field(False, description="1 or 0")
    smtp_username: str = Field("", description="empty: no login")
    smtp_password: Secret = Field("", description="the SMTP login's password")
    smtp_timeout: float = _seconds(10, 7 * DAY, "to connect to the SMTP server and for each answer")
    smtp_data_timeout: float = _seconds(120, 7 * DAY, "for the answer once the whole message was sent")
    smtp_retry_seconds: float = _seconds(30, 7 * DAY, "the first wait after a temporary failure")
    smtp_attempts: int = _count(12, 1, 1000, "temporary failures before a message is given up")
    smtp_uncertain_retry_seconds: float = _seconds(
        21600, 7 * DAY, "the wait before a message sent without answer goes again"
    )
    smtp_uncertain_sends: int = _count(2, 1, 100, "sends of a message without an answer")
    erasure_sweep_seconds: float = _seconds(30, 7 * DAY, "how often the worker finishes interrupted erasures")
    worker_batch: int = _count(2000, 1, 100_000, "events the worker reads and projects at most in one batch")
    audit_checkpoint_minutes: float = Field(60, gt=0, le=7 * 24 * 60, description="minutes, above 0, at most a week")
    sivil_trail_retention_days: int = _count(365, 1, 36500, "days the SIVIL verification trail is kept")
    pdf_signing_key: Path = Field(NO_PATH, description="a PEM file: the ECDSA P-256 key that signs PDFs")
    pdf_signing_chain: Path = Field(NO_PATH, description="a PEM file: its certificate and chain to the root")
    pdf_signing_crl: Path = Field(NO_PATH, description="empty, or a PEM file: the root's CRL, embedded in PDFs")
    tsa_url: str = Field("", description="empty (PAdES B-B), or the http(s) URL of an RFC 3161 time-stamp authority")
    tsa_root: Path = Field(NO_PATH, description="empty, or a PEM file: the root of the TSA, if its answers omit it")
    _issuers: Issuers = PrivateAttr(default_factory=lambda: Issuers(issuers=()))

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def dev_tokens_allowed(self) -> bool:
        """Development tokens are for development (SQLite); production takes them only when told to (issue 29)."""
        return not self.uses_postgres or self.allow_dev_tokens

    @property
    def issuers(self) -> Issuers:
        """The issuers of ``KREDENSIAL_OIDC_ISSUERS``, read and checked once by :meth:`from_env`."""
        return self._issuers

    @property
    def sivil_signing_seeds(self) -> tuple[bytes, ...]:
        """The Ed25519 seeds: the first signs, the rest are retired but still verify (PIN-7)."""
        return self.sivil_signing_keys

    @property
    def smtp_sender(self) -> str:
        return self.smtp_from

    @field_validator("database_url", "read_database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("expected empty or a postgresql:// URL")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment):
            raise ValueError("expected empty or an http(s) URL with a host, no query")
        return value.rstrip("/")

    @field_validator("sk_signatory")
    @classmethod
    def _sk_signatory(cls, value: str) -> str:
        value = unicodedata.normalize("NFC", " ".join(value.split()))
        if any(not char.isprintable() for char in value):
            raise ValueError("expected printable text, the office that signs SKs")
        return value

    @field_validator("tsa_url")
    @classmethod
    def _tsa_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment):
            raise ValueError("expected empty or an http(s) URL with a host")
        return value

    @field_validator("sivil_rate_limit", "share_rate_limit", "share_open_rate_limit", "share_wrong_code_limit")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError("expected a rate such as 30/minute") from None
        return value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of ``environ`` (default: this process's environment); an empty value is the default.
        Raises :class:`ConfigError` naming every problem."""
        env = {k: v for k, v in (os.environ if environ is None else environ).items() if k.startswith(PREFIX) and v}
        problems: list[str] = []
        values: dict[str, Any] = {}
        for name, text in env.items():
            field = name.removeprefix(PREFIX).lower()
            if field not in cls.model_fields or field == "collective_leave_removed":
                continue  # other programs' variables may share the prefix
            try:
                values[field] = _read(field, text)
            except ValueError as e:
                problems.append(f"{name}: {e}; got {text!r}")
        if "collective_leave" in values:  # one variable: days added, and days removed written -YYYY-MM-DD
            days = values.pop("collective_leave")
            values["collective_leave"] = tuple(day for day, removed in days if not removed)
            values["collective_leave_removed"] = tuple(day for day, removed in days if removed)
        try:
            parsed = cls.model_validate(values)
        except ValidationError as e:
            problems += [_problem(error, env) for error in e.errors()]
        problems += _production_problems(env)
        issuers = Issuers(issuers=())
        if not problems and parsed.oidc_issuers != NO_PATH:
            try:
                issuers = load_issuers(parsed.oidc_issuers, os.environ if environ is None else environ)
            except IssuersRefused as e:
                problems += [f"{PREFIX}OIDC_ISSUERS: {problem}" for problem in e.problems]
        if problems:
            raise ConfigError(problems)
        ready = parsed.model_copy(update=_development_secrets(parsed))
        ready._issuers = issuers
        return ready


def _read(field: str, text: str) -> Any:
    """The variable's text as the field takes it (the model checks types and bounds)."""
    if field in ("trusted_proxies",):
        return tuple(item.strip() for item in text.split(",") if item.strip())
    if field == "sivil_signing_keys":
        try:
            seeds = tuple(bytes.fromhex(item.strip()) for item in text.split(",") if item.strip())
        except ValueError:
            seeds = ()
        if not seeds or any(len(seed) != 32 for seed in seeds):
            raise ValueError("expected comma-separated Ed25519 seeds of 64 hex digits each")
        return seeds
    if field == "master_key":
        return _key_bytes(text)
    if field == "collective_leave":
        return tuple(
            (_day(item.removeprefix("-")), item.startswith("-")) for i in text.split(",") if (item := i.strip())
        )
    if field in ("projections_in_process", "smtp_starttls", "allow_dev_tokens"):
        if text.lower() not in ("1", "0", "true", "false", "yes", "no"):
            raise ValueError("expected 1 or 0")
        return text.lower() in ("1", "true", "yes")
    return text


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("expected dates written YYYY-MM-DD") from None


def _problem(error: Any, env: Mapping[str, str]) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    name = PREFIX + field.upper()
    described = Settings.model_fields[field].description if field in Settings.model_fields else None
    got = f"; got {env[name]!r}" if name in env and field not in ("secret", "master_key", "smtp_password") else ""
    return f"{name}: {error['msg']}" + (f" (expected {described})" if described else "") + got


def _production_problems(env: Mapping[str, str]) -> list[str]:
    """With PostgreSQL nothing secret is made up: the keys and the signing material must be named (``kredensial
    init`` makes them all)."""
    if not env.get("KREDENSIAL_DATABASE_URL", "").startswith(("postgresql://", "postgres://")):
        return []
    required = {
        "KREDENSIAL_SECRET": "signs bearer tokens",
        "KREDENSIAL_MASTER_KEY": "wraps each person's data key",
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "signs SIVIL statements",
        "KREDENSIAL_PDF_SIGNING_KEY": "a PEM file: the key that signs PDFs",
        "KREDENSIAL_PDF_SIGNING_CHAIN": "a PEM file: its certificate chain",
        "KREDENSIAL_PUBLIC_URL": "how the public reaches this server: the issuer's did:web",
    }
    problems = [
        f"{name}: required with PostgreSQL ({why}); `kredensial init DIR` makes it"
        for name, why in required.items()
        if not env.get(name)
    ]
    pdf = ("KREDENSIAL_PDF_SIGNING_KEY", "KREDENSIAL_PDF_SIGNING_CHAIN", "KREDENSIAL_PDF_SIGNING_CRL")
    return problems + [
        f"{name}: no such file: {env[name]}" for name in pdf if env.get(name) and not Path(env[name]).is_file()
    ]


def _development_secrets(settings: Settings) -> dict[str, Any]:
    """Paths resolved; on a development machine (SQLite), secrets made once and kept beside the SQLite files."""
    data_dir = settings.data_dir.resolve()
    update: dict[str, Any] = {
        "data_dir": data_dir,
        "files_dir": (settings.files_dir if settings.files_dir != NO_PATH else data_dir / "files").resolve(),
    }
    if settings.pdf_signing_key != NO_PATH and settings.pdf_signing_chain != NO_PATH:
        update["pdf_signing_key"] = settings.pdf_signing_key.resolve()
        update["pdf_signing_chain"] = settings.pdf_signing_chain.resolve()
    elif settings.pdf_signing_key != NO_PATH or settings.pdf_signing_chain != NO_PATH:
        raise ConfigError(["KREDENSIAL_PDF_SIGNING_KEY, KREDENSIAL_PDF_SIGNING_CHAIN: set both, or neither"])
    if settings.pdf_signing_crl != NO_PATH:
        update["pdf_signing_crl"] = settings.pdf_signing_crl.resolve()
    if settings.tsa_root != NO_PATH:
        update["tsa_root"] = settings.tsa_root.resolve()
    if settings.uses_postgres:
        return update
    if not settings.secret:
        update["secret"] = _dev_secret(data_dir, "token-secret")
    if not settings.master_key:
        update["master_key"] = _key_bytes(_dev_secret(data_dir, "master-key"))
    if not settings.sivil_signing_keys:
        update["sivil_signing_keys"] = (bytes.fromhex(_dev_secret(data_dir, "sivil-signing-key")),)
    if "pdf_signing_key" not in update:
        from infra.documents.signing import (
            crl_path,
            development_pki,  # cryptography loads only where it is needed
        )

        update["pdf_signing_key"], update["pdf_signing_chain"] = development_pki(data_dir / "pki")
        if settings.pdf_signing_crl == NO_PATH:
            update["pdf_signing_crl"] = crl_path(data_dir / "pki") or NO_PATH
    return update


def _dev_secret(data_dir: Path, name: str) -> str:
    """On a development machine, generate a secret once and keep it beside the SQLite files."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _key_bytes(text: str) -> bytes:
    """A 64-hex-digit key as given; any other passphrase through SHA-256."""
    try:
        if len(text) == 64:
            return bytes.fromhex(text)
    except ValueError:
        pass
    return hashlib.sha256(text.encode()).digest()
