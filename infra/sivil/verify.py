"""Verifying a SIVIL verification PDF (PIN-7), offline and, when a server is given, against the current status.

Offline checks, each reported as ok / failed with the reason:

- **file signature**: exactly one signature; it covers the whole file; its ``/Contents`` is exactly the hex of
  the CMS object plus zero padding (the one part of the file a PDF signature cannot cover); the signature
  verifies over the signed bytes; and its certificate is one of ours: a document-signing certificate (ECDSA
  P-256, PAdES) that chains to the kredensial root (``--root``, or published at
  ``/.well-known/kredensial-root.pem``), checked at the signing time the signature states; or, in a PDF signed
  before that root existed, a self-signed certificate of an Ed25519 key in the SIVIL key ring (active or retired).
- **signed statement**: the statement in the document information and the embedded file are the same token, and
  its Ed25519 signature verifies with a SIVIL key (in an old PDF: the key that signed the file). The file signature
  covers the statement, so the two together say that kredensial made this file around this statement. A PAdES
  B-LTA file may carry after it only the validation data and document timestamps, and each timestamp (the
  signature's and the document's) must be intact and its token's signature verify (issue 33).
- **page**: the page shows exactly the fields of the signed statement (a character outside Windows-1252 as
  itself, or as "?" where the page's fonts had no glyph for it; a very long value cut as the page cuts it), and
  its QR code is the statement (or, for a long one, the compact pointer bound to it: :mod:`infra.sivil.qr`).

Online, :func:`verify_pdf` asks ``GET {base_url}/sivil/status?statement=<token>`` for the current status: the
server answers only for a statement it signed (PIN-6), and takes the diploma from it. A server that cannot be
reached or will not answer (429, 5xx) leaves the status "not checked"; "not found" and a changed status fail.
:attr:`VerificationResult.verdict` never calls a diploma verified unless its status was confirmed valid just now:
authentic with the status unknown, and authentic but annulled, are verdicts of their own (:class:`Verdict`).

The keys come from ``--keys`` or from the server (``--server``, else the one the PDF names), and the root
certificate from ``--root`` or from the same server (asked only for a PDF that needs it); verifying never reads or
creates this installation's settings, data directory or secrets.

pyHanko runs its own event loop: call :func:`verify_pdf` from a worker thread in async code.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Literal

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from api.well_known import ROOT_CERTIFICATE_PATH
from domain.diploma.statement import MAX_DOCUMENT_TOKEN_LENGTH, WELL_KNOWN_KEYS_PATH, Statement, StatementRejected
from infra.documents.blocking import outside_event_loop
from infra.documents.credentials.in_pdf import credential_check, embedded_credential
from infra.documents.key_ring import KeyRing, kid_of
from infra.documents.pades import archival_updates_only
from infra.sivil.pdf import ATTACHMENT_NAME, INFO_KEY, SERVER_KEY, displayed, shown_pattern, status_label, visible_rows
from infra.sivil.qr import accepted_payloads, qr_operators

Outcome = Literal["ok", "failed", "not checked"]
HttpGet = Callable[[str], tuple[int, bytes]]  # url -> (HTTP status, body); raises OSError when unreachable
# Old PDFs (before the longest values were cut on the page) show values this long whole; see _page.
_LONGEST_WHOLE_VALUE = 3000


class Verdict(IntEnum):
    """The exit codes of ``kredensial verify-pdf``; 2 is also what typer answers to a wrong command line."""

    VERIFIED = 0  # authentic, and the server confirmed just now that the diploma is still valid
    NOT_VERIFIED = 1  # tampered, wrongly signed, unknown key, unreadable, or no longer found by the server
    USAGE = 2  # nothing to verify with: no such file, or no keys and no server to take them from
    STATUS_UNKNOWN = 3  # authentic, but whether the diploma is still valid was not checked (offline, 429, 5xx)
    ANNULLED = 4  # authentic, but the diploma is annulled (VOID or CANCELLED_IN_ERROR): not valid (PIN-5)


@dataclass(frozen=True)
class Check:
    name: str  # "file signature" | "signed statement" | "page" | "current status"
    outcome: Outcome
    detail: str


@dataclass(frozen=True)
class VerificationResult:
    checks: tuple[Check, ...]
    statement: Statement | None  # set when its signature verified
    current_status: str | None = None  # what the server answered, when it answered
    current_status_date: str | None = None

    @property
    def authentic(self) -> bool:
        """The file signature, the signed statement and the page all check: SIVIL made this PDF as it is."""
        offline = [check for check in self.checks if check.name != "current status"]
        return all(check.outcome == "ok" for check in offline)

    @property
    def ok(self) -> bool:
        """Authentic, and nothing failed (the current status was confirmed, or not asked)."""
        return self.authentic and not self.failures

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.outcome == "failed")

    def check(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)

    @property
    def verdict(self) -> Verdict:
        if not self.authentic or self.statement is None:
            return Verdict.NOT_VERIFIED
        if self.current_status is not None and self.current_status != "VALID":
            return Verdict.ANNULLED  # the server says so now
        if self.current_status is None and self.statement.status != "VALID":
            return Verdict.ANNULLED  # an annulment is final, so the PDF's own word suffices (PIN-5)
        if self.failures:
            return Verdict.NOT_VERIFIED  # not found any more, or a status that contradicts the signed one
        if self.current_status == "VALID" and self.statement.status == "VALID":
            return Verdict.VERIFIED
        return Verdict.STATUS_UNKNOWN


def verify_pdf(
    data: bytes,
    keys: KeyRing,
    *,
    roots: Sequence[x509.Certificate] = (),
    base_url: str | None = None,
    http_get: HttpGet | None = None,
) -> VerificationResult:
    """The offline checks and, with ``base_url``, the current status; the server is asked only about a PDF that
    passed every offline check. ``roots``: the kredensial root certificate(s) the file signature must chain to (a
    PDF signed by a SIVIL key, before that root existed, needs none)."""
    signature, signer_kid = file_signature(data, keys, roots)
    statement_check, statement, token = _signed_statement(data, keys, signer_kid)
    credential = embedded_credential(data)
    checks = [signature, statement_check, _page(data, statement, token, server_named_in(data), credential)]
    if credential is not None:  # PDFs made before credentials (issue 13) carry none
        checks.append(Check("credential", *credential_check(credential, statement, keys)))
    if not base_url:
        return VerificationResult(tuple(checks), statement)
    if statement is None or not all(check.outcome == "ok" for check in checks):
        checks.append(Check("current status", "not checked", "not asked: the document itself did not verify"))
        return VerificationResult(tuple(checks), statement)
    status, current, since = _current_status(statement, token, base_url, http_get or urllib_get)
    return VerificationResult((*checks, status), statement, current, since)


def server_named_in(data: bytes) -> str | None:
    """The SIVIL server a PDF names: ``/SIVILServer`` in its metadata, or, in a PDF made before that was stored,
    the address of the public keys printed under "How to verify". Not yet trusted: it is covered by the file
    signature, which is checked with the keys it leads to, so say where the keys came from."""
    try:
        reader = PdfReader(io.BytesIO(data))
        metadata: dict[str, object] = dict(reader.metadata or {})
        named = metadata.get(SERVER_KEY)
        if named:
            return str(named).rstrip("/")
        text = _normalised(reader.pages[0].extract_text()) if len(reader.pages) == 1 else ""
    except Exception:  # a damaged file can fail anywhere in the parser; then it names nothing
        return None
    printed = re.search(r"Public keys: (https?://\S+?)" + re.escape(WELL_KNOWN_KEYS_PATH), text)
    return printed.group(1) if printed else None


def verify_pdf_cli(
    path: Path, keys_file: Path | None, server: str | None, offline: bool, root_file: Path | None = None
) -> tuple[int, list[str]]:
    """``kredensial verify-pdf``: the keys read from ``keys_file`` and the root certificate from ``root_file`` when
    given, then :func:`verify_pdf_command`."""
    ring = roots = None
    if keys_file is not None:
        try:
            ring = keys_from_file(keys_file)
        except (OSError, StatementRejected) as e:
            return Verdict.USAGE, [f"cannot use the keys in {keys_file}: {e}"]
    if root_file is not None:
        try:
            roots = roots_from_pem(root_file.read_bytes())
        except (OSError, ValueError) as e:
            return Verdict.USAGE, [f"cannot use the root certificate in {root_file}: {e}"]
    return verify_pdf_command(
        path,
        ring,
        server,
        roots=roots,
        offline=offline,
        keys_origin=f"from the file {keys_file}",
        roots_origin=f"from the file {root_file}",
    )


def verify_pdf_command(
    path: str | Path,
    keys: KeyRing | None,
    server: str | None,
    *,
    roots: Sequence[x509.Certificate] | None = None,
    http_get: HttpGet | None = None,
    offline: bool = False,
    keys_origin: str = "given",
    roots_origin: str = "given",
) -> tuple[int, list[str]]:
    """What ``kredensial verify-pdf FILE [--keys KEYS_JSON_FILE] [--root ROOT_PEM_FILE] [--server URL] [--offline]``
    prints, and its exit code (:class:`Verdict`). Keys: ``keys`` (from ``--keys``), else those published by
    ``server``, else those published by the server the PDF names; the kredensial root certificate likewise from
    ``roots`` (``--root``) or the same server, asked only when the file signature needs it. The current status is
    asked of ``server``, else of the server the PDF names, unless ``offline``. Nothing is read from or written to
    this installation's own data."""
    get = http_get or urllib_get
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return Verdict.USAGE, [f"cannot read {path}: {error.strerror or error}"]
    named = server_named_in(data)
    lines: list[str] = []
    if keys is None:
        source = (server or named or "").rstrip("/")
        if offline or not source:
            why = "--offline was given" if offline else "the PDF names no SIVIL server"
            return Verdict.USAGE, [f"no keys to verify with: {why}; pass --keys KEYS_JSON_FILE or --server URL"]
        url = source + WELL_KNOWN_KEYS_PATH
        try:
            keys = fetch_published_keys(source, get)
        except (OSError, StatementRejected) as error:
            return Verdict.NOT_VERIFIED, [
                f"could not fetch the public keys from {url}: {error}",
                "NOT VERIFIED: nothing was checked; pass --keys KEYS_JSON_FILE (a saved copy of the published keys)",
            ]
        if server:
            lines.append(f"keys: published at {url} (--server)")
        else:
            lines.append(
                f"keys: published at {url}, the server this PDF names; trust the result only if {source} is the "
                "official SIVIL address"
            )
    else:
        lines.append(f"keys: {keys_origin}")
    if roots is not None:
        lines.append(f"root certificate: {roots_origin}")
    elif _needs_root(data):
        source = (server or named or "").rstrip("/")
        if offline or not source:
            why = "--offline was given" if offline else "the PDF names no server"
            return Verdict.USAGE, [
                *lines,
                f"no kredensial root certificate to verify the file signature with: {why}; pass --root ROOT_PEM_FILE "
                "or --server URL",
            ]
        url = source + ROOT_CERTIFICATE_PATH
        try:
            roots = fetch_published_root(source, get)
        except (OSError, ValueError) as error:
            return Verdict.NOT_VERIFIED, [
                *lines,
                f"could not fetch the kredensial root certificate from {url}: {error}",
                "NOT VERIFIED: nothing was checked; pass --root ROOT_PEM_FILE (a saved copy of the root certificate)",
            ]
        if server:
            lines.append(f"root certificate: published at {url} (--server)")
        else:
            lines.append(f"root certificate: published at {url}, the server this PDF names")
    from infra.documents.verify import document_kind, verify_document_pdf  # every other document (issue 33)
    from infra.equivalency.sk_pdf import is_sk_pdf, verify_sk_pdf  # an SK made before issue 33

    asked = None if offline else (server or named)
    if document_kind(data) is not None:
        with _quiet_parsers():
            verdict, checked = verify_document_pdf(data, keys, roots=roots or (), base_url=asked, http_get=get)
        return verdict, [*lines, *checked]
    if is_sk_pdf(data):
        with _quiet_parsers():
            verdict, checked = verify_sk_pdf(data, keys, roots=roots or (), base_url=asked, http_get=get)
        return verdict, [*lines, *checked]
    with _quiet_parsers():  # a damaged file makes the PDF parsers log every repair they try
        result = verify_pdf(data, keys, roots=roots or (), base_url=asked, http_get=get)
    checks = list(result.checks)
    if not asked:
        why = "--offline was given" if offline else "no server: the PDF names none; pass --server URL"
        checks.append(Check("current status", "not checked", f"not asked ({why})"))
    lines += [f"{check.outcome.upper():<12} {check.name}: {check.detail}" for check in checks]
    if result.statement is not None:
        statement = result.statement
        lines.append(
            f"signed statement: NINA {statement.nina}, {displayed('Nama / Name', statement.full_name)}: "
            f"{status_label(statement.status)} since {statement.status_date}, as verified at "
            f"{statement.verified_at:%Y-%m-%d %H:%M:%S} UTC"
        )
    return result.verdict, [*lines, _conclusion(result, asked)]


def _conclusion(result: VerificationResult, asked: str | None) -> str:
    verdict, statement = result.verdict, result.statement
    if verdict == Verdict.NOT_VERIFIED or statement is None:
        failed = ", ".join(check.name for check in result.failures) or "the document"
        return f"NOT VERIFIED: {failed} failed"
    signed = (
        f"the PDF is unchanged, its statement signed by SIVIL key {statement.kid}, and its page shows what was signed"
    )
    if verdict == Verdict.VERIFIED:
        return f"VERIFIED: {signed}; {asked} confirms the diploma is still {status_label('VALID')}"
    if verdict == Verdict.ANNULLED:
        if result.current_status is not None:
            now, since, who = result.current_status, result.current_status_date, f"{asked} says"
        else:
            now, since, who = statement.status, statement.status_date, "the PDF itself shows"
        return (
            f"ANNULLED: {signed}, but {who} the diploma is {status_label(now)} since {since}: it is NOT valid, "
            "and this PDF is not valid as legalisation"
        )
    why = result.check("current status").detail if asked else "not asked"
    return (
        f"AUTHENTIC, STATUS NOT CHECKED: {signed}; it showed {status_label(statement.status)} on "
        f"{statement.verified_at:%Y-%m-%d} UTC, but whether the diploma is still valid was NOT checked ({why}); "
        "check the current status before relying on it"
    )


@contextmanager
def _quiet_parsers() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in ("pypdf", "pyhanko")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def keys_from_file(path: str | Path) -> KeyRing:
    """A key ring from a saved copy of the published keys (``--keys KEYS_JSON_FILE``)."""
    return KeyRing.from_published(Path(path).read_text(encoding="utf-8"))


def roots_from_pem(pem: bytes) -> tuple[x509.Certificate, ...]:
    """The kredensial root certificate(s), as published at ``/.well-known/kredensial-root.pem``."""
    roots = tuple(x509.load_pem_x509_certificates(pem))
    for root in roots:
        try:
            root.verify_directly_issued_by(root)
        except Exception:  # cryptography raises InvalidSignature, ValueError or TypeError
            raise ValueError(f"{root.subject.rfc4514_string()} is not a self-signed root certificate") from None
    return roots


def fetch_published_root(base_url: str, http_get: HttpGet) -> tuple[x509.Certificate, ...]:
    status, body = http_get(base_url.rstrip("/") + ROOT_CERTIFICATE_PATH)
    if status != 200:
        raise OSError(f"HTTP {status}")
    return roots_from_pem(body)


def fetch_published_keys(base_url: str, http_get: HttpGet) -> KeyRing:
    status, body = http_get(base_url.rstrip("/") + WELL_KNOWN_KEYS_PATH)
    if status != 200:
        raise OSError(f"HTTP {status}")
    return KeyRing.from_published(body)


def urllib_get(url: str) -> tuple[int, bytes]:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise OSError(f"not an http(s) address: {url}")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        return error.code, error.read(65536)


def file_signature(data: bytes, keys: KeyRing, roots: Sequence[x509.Certificate] = ()) -> tuple[Check, str | None]:
    """The file signature check, and the id of the SIVIL key that signed the file when one did (an old PDF)."""

    def failed(reason: str) -> tuple[Check, None]:
        return Check("file signature", "failed", reason), None

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
        archived = bool(reader.embedded_timestamp_signatures)  # PAdES B-LTA (issue 33)
    except Exception as error:  # a damaged file can fail anywhere in the parser
        return failed(f"not a readable signed PDF ({error})")
    if len(signatures) != 1:
        return failed(f"expected one signature, found {len(signatures)}")
    signature = signatures[0]
    byte_range = list(signature.byte_range)
    contents = signature.pkcs7_content
    whole = byte_range[2] + byte_range[3] == len(data) if len(byte_range) == 4 else False
    if len(byte_range) != 4 or byte_range[0] != 0 or not (whole or archived):
        return failed("the signature does not cover the whole file (bytes were added or removed)")
    if data[byte_range[1] : byte_range[2]] != b"<" + contents.hex().upper().encode("ascii") + b">":
        return failed("the signature value was altered")
    try:
        certificate = _envelope_certificate(contents)
    except ValueError as error:
        return failed(f"the signature value was altered ({error})")
    public = certificate.public_key()
    if isinstance(public, Ed25519PublicKey):
        return _sivil_key_signature(signature, public, keys)
    if not roots:
        return failed("no kredensial root certificate to check the signing certificate against")
    trusted = [asn1_x509.Certificate.load(root.public_bytes(Encoding.DER)) for root in roots]
    when = signature.self_reported_timestamp
    try:
        # A PAdES B-B signature carries no timestamp: the certificate is checked at the signing time the signed
        # dictionary states, so that a PDF outlives its signing certificate (rotation), never its root.
        context = ValidationContext(trust_roots=trusted, allow_fetching=False, moment=when)
        status = outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception as error:  # pyHanko reports a broken signature in many ways
        return failed(f"the signature could not be validated ({error})")
    if not status.intact:
        return failed("the signed bytes were changed")
    if not status.valid:
        return failed("the signature does not verify with its certificate")
    if not status.trusted:
        return failed("the signing certificate does not chain to the kredensial root certificate")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and not archival_updates_only(status):
        coverage = status.coverage.name if status.coverage else "unknown"
        return failed(f"the signature does not cover the whole file ({coverage})")
    altered = _altered_timestamp(status, reader, trusted)
    if altered:
        return failed(altered)
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(names[0].value) if names else certificate.subject.rfc4514_string()
    since = f", signed {when:%Y-%m-%d}" if when else ""
    if whole:
        return Check(
            "file signature", "ok", f"PAdES by {name}, chained to the kredensial root{since}, covering the whole file"
        ), None
    return Check(
        "file signature",
        "ok",
        f"PAdES B-LTA by {name}, chained to the kredensial root{since}, covering the whole file but the validation "
        "data and document timestamps added after it; its timestamps intact",
    ), None


def _altered_timestamp(
    status: PdfSignatureStatus, reader: PdfFileReader, trusted: list[asn1_x509.Certificate]
) -> str | None:
    """Why a timestamp of a PAdES B-T/B-LTA file cannot be believed, or None: the signature timestamp and each
    document timestamp must be intact (their digest is the signed bytes') and their signature must verify. Whether
    the TSA is one to trust is each validator's call (pyHanko with the TSA's root); a changed token is not."""
    stamped = status.timestamp_validity
    if stamped is not None and not (stamped.intact and stamped.valid):
        return "the signature timestamp was altered"
    for stamp in reader.embedded_timestamp_signatures:
        try:
            context = ValidationContext(trust_roots=trusted, allow_fetching=False)
            checked = outside_event_loop(functools.partial(validate_pdf_timestamp, stamp, context))
        except Exception as error:  # pyHanko reports a broken token in many ways
            return f"a document timestamp could not be validated ({error})"
        if not (checked.intact and checked.valid):
            return "a document timestamp was altered"
    return None


def _sivil_key_signature(
    signature: EmbeddedPdfSignature, public: Ed25519PublicKey, keys: KeyRing
) -> tuple[Check, str | None]:
    """A PDF signed before the kredensial root existed: a self-signed certificate of an Ed25519 SIVIL key."""

    def failed(reason: str) -> tuple[Check, None]:
        return Check("file signature", "failed", reason), None

    kid = kid_of(public)
    try:
        known = keys.public_key(kid)
    except StatementRejected as error:
        return failed(f"signed by an {error}")
    try:
        context = ValidationContext(trust_roots=[signature.signer_cert], allow_fetching=False)
        status = outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception as error:  # pyHanko reports a broken signature in many ways
        return failed(f"the signature could not be validated ({error})")
    if not status.intact:
        return failed("the signed bytes were changed")
    if not status.valid:
        return failed(f"the signature does not verify with key {kid}")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        coverage = status.coverage.name if status.coverage else "unknown"
        return failed(f"the signature does not cover the whole file ({coverage})")
    return Check("file signature", "ok", f"certified by SIVIL key {kid} ({known.status}), covering the whole file"), kid


def _needs_root(data: bytes) -> bool:
    """Whether the file signature is to be checked against the kredensial root: any but an old PDF's Ed25519."""
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures
        return len(signatures) == 1 and signatures[0].signer_cert.public_key.algorithm != "ed25519"
    except Exception:  # a damaged file: the checks say what is wrong with it
        return False


def _envelope_certificate(contents: bytes) -> x509.Certificate:
    """The signing certificate, once every byte of the CMS envelope that the signature itself does not
    authenticate is exactly what we write: canonical DER, zero padding, one signer, fixed algorithms and versions,
    no unsigned attributes. The signed attributes are checked by the signature. An ECDSA P-256 signature (PAdES,
    SHA-256) carries its certificate chain; an old one by a SIVIL key (Ed25519, SHA-512) one self-signed
    certificate."""
    try:
        info = cms.ContentInfo.load(contents, strict=False)
        der = info.dump()
        if contents[len(der) :].strip(b"\0"):
            raise ValueError("bytes after the signature")
        if cms.ContentInfo.load(der).dump(force=True) != der:
            raise ValueError("not canonical DER")
        signed = info["content"]
        certificates = [c.chosen for c in signed["certificates"]]
        signers_ = signed["signer_infos"]
        if info["content_type"].native != "signed_data" or len(signers_) != 1:
            raise ValueError("not one signer")
        signer = signers_[0]
        sid = signer["sid"].chosen
        certificate = next(
            (
                c
                for c in certificates
                if (c.issuer.dump(), c.serial_number) == (sid["issuer"].dump(), sid["serial_number"].native)
            ),
            None,
        )
        if certificate is None:
            raise ValueError("the signer's certificate is missing")
        parsed = x509.load_der_x509_certificate(certificate.dump())
        public = parsed.public_key()
        if isinstance(public, Ed25519PublicKey):
            digest, algorithm, most = _SHA512, _ED25519, 1
        elif isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
            digest, algorithm, most = _SHA256, _ECDSA_SHA256, _MOST_CERTIFICATES
        else:
            raise ValueError("not an Ed25519 or ECDSA P-256 key")
        if len(certificates) > most:
            raise ValueError("not one signer with one certificate" if most == 1 else "too many certificates")
        pinned = {
            "signed data version": (signed["version"].native, "v1"),
            "digest algorithms": (signed["digest_algorithms"].native, [digest]),
            "content": (signed["encap_content_info"].native, {"content_type": "data", "content": None}),
            "revocation lists": (signed["crls"].native, None),
            "signer version": (signer["version"].native, "v1"),
            "signer digest": (signer["digest_algorithm"].native, digest),
            "signature algorithm": (signer["signature_algorithm"].native, algorithm),
        }
        for name, (found, expected) in pinned.items():
            if found != expected:
                raise ValueError(f"unexpected {name}")
        if _unsigned_types(signer) not in ([[]] if most == 1 else _UNSIGNED):
            raise ValueError("unexpected unsigned attributes")
        if most == 1:
            parsed.verify_directly_issued_by(parsed)
    except ValueError:
        raise
    except Exception as error:  # asn1crypto and cryptography report damaged structures in many ways
        raise ValueError(f"unreadable: {error}") from None
    return parsed


_SHA512 = {"algorithm": "sha512", "parameters": None}
_ED25519 = {"algorithm": "ed25519", "parameters": None}
_SHA256 = {"algorithm": "sha256", "parameters": None}
_ECDSA_SHA256 = {"algorithm": "sha256_ecdsa", "parameters": None}
_MOST_CERTIFICATES = 4  # the signing certificate and its chain: today two
_UNSIGNED: list[list[str]] = [
    [],
    ["signature_time_stamp_token"],
]  # PAdES B-B; B-T and later: one signature timestamp (issue 33)


def _unsigned_types(signer: cms.SignerInfo) -> list[str]:
    attributes = signer["unsigned_attrs"]
    return [] if attributes.native is None else [a["type"].native for a in attributes]


def _signed_statement(data: bytes, keys: KeyRing, signer_kid: str | None) -> tuple[Check, Statement | None, str]:
    def failed(reason: str) -> tuple[Check, None, str]:
        return Check("signed statement", "failed", reason), None, ""

    try:
        reader = PdfReader(io.BytesIO(data))
        info: dict[str, object] = dict(reader.metadata or {})
        in_info = info.get(INFO_KEY)
        attached = reader.attachments.get(ATTACHMENT_NAME, [])
    except Exception as error:  # a damaged file can fail anywhere in the parser
        return failed(f"could not read the statement ({error})")
    if not in_info or not attached:
        return failed("the document carries no signed statement (metadata and embedded file)")
    try:
        if len(attached) != 1 or attached[0].decode("ascii") != str(in_info):
            return failed("the statement in the metadata differs from the embedded one")
    except UnicodeDecodeError:
        return failed("the embedded statement is not a token")
    try:
        statement = keys.verify(str(in_info), max_length=MAX_DOCUMENT_TOKEN_LENGTH)
    except StatementRejected as error:
        return failed(str(error))
    if signer_kid is not None and statement.kid != signer_kid:  # an old PDF: one SIVIL key signed both
        return failed(f"the statement is signed by key {statement.kid}, the file by key {signer_kid}")
    status = keys.public_key(statement.kid).status
    ok = Check("signed statement", "ok", f"Ed25519 signature of SIVIL key {statement.kid} ({status})")
    return ok, statement, str(in_info)


def _page(
    data: bytes, statement: Statement | None, token: str, server: str | None, credential: dict[str, Any] | None
) -> Check:
    if statement is None:
        return Check("page", "not checked", "no verified statement to compare the page with")
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) != 1:
            return Check("page", "failed", f"expected one page, found {len(reader.pages)}")
        page = reader.pages[0]
        text = _normalised(page.extract_text())
        content = page.get_contents()
        operators = content.get_data() if content is not None else b""
    except Exception as error:  # a damaged file can fail anywhere in the parser
        return Check("page", "failed", f"could not read the page ({error})")
    for label, value in visible_rows(statement):
        shown = _value_pattern(label, value)
        if not re.search(re.escape(label) + (r"\s+" + shown if shown else ""), text):
            return Check("page", "failed", f"the page does not show the signed {label}: {_normalised(value)[:300]}")
    # The QR carries the token, or for a long token the compact pointer bound to it (infra.sivil.qr).
    drawn = (qr_operators(payload) for payload in accepted_payloads(token, statement, server, credential))
    if not any(qr.encode("ascii") in operators for qr in drawn):
        return Check("page", "failed", "the QR code on the page is not the signed statement")
    return Check("page", "ok", "the page shows the fields of the signed statement, and its QR code carries it")


def _value_pattern(label: str, value: str) -> str:
    """The value as the page shows it (cut when long); a PDF made before long values were cut shows it whole."""
    shown = displayed(label, value)
    if shown == value.strip() or len(value) > _LONGEST_WHOLE_VALUE:
        return shown_pattern(shown)
    return f"(?:{shown_pattern(shown)}|{shown_pattern(value)})"


def _current_status(
    statement: Statement, token: str, base_url: str, http_get: HttpGet
) -> tuple[Check, str | None, str | None]:
    """Asks with the signed statement itself (``token``), the only question the server answers (PIN-6). Returns
    the check and, when the server answered, the current status and its date."""
    root = base_url.rstrip("/")
    query = urllib.parse.urlencode({"statement": token})

    def unknown(why: str) -> tuple[Check, None, None]:
        return Check("current status", "not checked", f"could not check online: {why}"), None, None

    try:
        status, body = http_get(f"{root}/sivil/status?{query}")
    except OSError as error:
        return unknown(f"{root} unreachable ({error})")
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
        answer = None
    if not isinstance(answer, dict):
        answer = {}
    # Problem details (RFC 9457, issue 32), and the older servers' {"error": ...} answers.
    kind = answer.get("type") or answer.get("error")
    if status == 404 and kind in ("/problems/not-found", "NOT_FOUND"):
        return Check("current status", "failed", f"{root} no longer finds this diploma"), None, None
    if status == 403 and kind in ("/problems/statement-rejected", "STATEMENT_REJECTED"):
        return unknown(f"{root} refused the statement: {str(answer.get('detail', answer.get('message', '')))[:300]}")
    if status == 429:
        later = answer.get("retryAfter", answer.get("retry_after_seconds"))
        return unknown(f"{root} answered HTTP 429, too many requests" + (f"; retry in {later} s" if later else ""))
    if status != 200:
        return unknown(f"{root} answered HTTP {status}")
    current, since = answer.get("status"), answer.get("status_date")
    if not isinstance(current, str) or not isinstance(since, str | None):
        return unknown(f"unexpected answer from {root}")
    if (current, since) != (statement.status, statement.status_date):
        detail = (
            f"changed since the PDF was made: now {status_label(current)} since {since}, "
            f"the PDF shows {status_label(statement.status)} since {statement.status_date}"
        )
        return Check("current status", "failed", detail), current, since
    return Check("current status", "ok", f"still {status_label(current)} since {since}, says {root}"), current, since


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
