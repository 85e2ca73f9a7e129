"""Verifying a SIVIL verification PDF (PIN-7), offline and, when a server is given, against the current status.

Offline checks, each reported as ok / failed with the reason:

- **file signature**: exactly one signature; it covers the whole file; its ``/Contents`` is exactly the hex of
  the CMS object plus zero padding (the one part of the file a PDF signature cannot cover); the signing key is
  in the key ring (active or retired); the signature verifies over the signed bytes.
- **signed statement**: the statement in the document information and the embedded file are the same token,
  its Ed25519 signature verifies, and its key is the key that signed the file.
- **page**: the page shows exactly the fields of the signed statement (a character outside Windows-1252 as
  itself, or as "?" where the page's fonts had no glyph for it), and its QR code is the statement.

Online, :func:`verify_pdf` asks ``GET {base_url}/sivil/status?statement=<token>`` for the current status: the
server answers only for a statement it signed (PIN-6), and takes the diploma from it. A server that cannot be
reached, or that will not answer, is "not checked", not a failure; only "not found" and a changed status fail.

pyHanko runs its own event loop: call :func:`verify_pdf` from a worker thread in async code.
"""

from __future__ import annotations

import io
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from api.sivil.blocking import outside_event_loop
from api.sivil.pdf import ATTACHMENT_NAME, INFO_KEY, qr_operators, shown_pattern, status_label, visible_rows
from api.sivil.statement import WELL_KNOWN_KEYS_PATH, KeyRing, Statement, StatementRejected, kid_of

Outcome = Literal["ok", "failed", "not checked"]
HttpGet = Callable[[str], tuple[int, bytes]]  # url -> (HTTP status, body); raises OSError when unreachable


@dataclass(frozen=True)
class Check:
    name: str  # "file signature" | "signed statement" | "page" | "current status"
    outcome: Outcome
    detail: str


@dataclass(frozen=True)
class VerificationResult:
    checks: tuple[Check, ...]
    statement: Statement | None  # set when its signature verified

    @property
    def ok(self) -> bool:
        offline = [check for check in self.checks if check.name != "current status"]
        return all(check.outcome == "ok" for check in offline) and not self.failures

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.outcome == "failed")

    def check(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)


def verify_pdf(
    data: bytes, keys: KeyRing, *, base_url: str | None = None, http_get: HttpGet | None = None
) -> VerificationResult:
    signature, signer_kid = _file_signature(data, keys)
    statement_check, statement, token = _signed_statement(data, keys, signer_kid)
    checks = [signature, statement_check, _page(data, statement, token)]
    if base_url:
        checks.append(_current_status(statement, token, base_url, http_get or urllib_get))
    return VerificationResult(tuple(checks), statement)


def verify_pdf_command(
    path: str | Path, keys: KeyRing | None, server: str | None, *, http_get: HttpGet | None = None
) -> tuple[int, list[str]]:
    """What ``kredensial verify-pdf FILE [--keys KEYS_JSON_FILE] [--server URL]`` prints, and its exit code:
    0 verified, 1 not verified, 2 could not verify (unreadable file, no keys). Without ``keys`` the public keys
    are fetched from ``server``'s well-known URL."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return 2, [f"cannot read {path}: {error.strerror or error}"]
    if keys is None:
        if not server:
            return 2, ["no keys to verify with: pass --keys KEYS_JSON_FILE or --server URL"]
        try:
            keys = fetch_published_keys(server, http_get or urllib_get)
        except (OSError, StatementRejected) as error:
            return 2, [f"could not fetch the public keys from {server}: {error}", "pass --keys KEYS_JSON_FILE"]
    with _quiet_parsers():  # a damaged file makes the PDF parsers log every repair they try
        result = verify_pdf(data, keys, base_url=server, http_get=http_get)
    lines = [f"{check.outcome.upper():<12} {check.name}: {check.detail}" for check in result.checks]
    if result.statement is not None:
        statement = result.statement
        lines.append(
            f"signed statement: NINA {statement.nina}, {statement.full_name}: {status_label(statement.status)} since "
            f"{statement.status_date}, as verified at {statement.verified_at:%Y-%m-%d %H:%M:%S} UTC"
        )
    if result.ok:
        return 0, [*lines, "VERIFIED: the PDF is unchanged and signed by SIVIL"]
    return 1, [*lines, f"NOT VERIFIED: {', '.join(check.name for check in result.failures)} failed"]


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


def _file_signature(data: bytes, keys: KeyRing) -> tuple[Check, str | None]:
    def failed(reason: str) -> tuple[Check, None]:
        return Check("file signature", "failed", reason), None

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as error:  # a damaged file can fail anywhere in the parser
        return failed(f"not a readable signed PDF ({error})")
    if len(signatures) != 1:
        return failed(f"expected one signature, found {len(signatures)}")
    signature = signatures[0]
    byte_range = list(signature.byte_range)
    contents = signature.pkcs7_content
    if len(byte_range) != 4 or byte_range[0] != 0 or byte_range[2] + byte_range[3] != len(data):
        return failed("the signature does not cover the whole file (bytes were added or removed)")
    if data[byte_range[1] : byte_range[2]] != b"<" + contents.hex().upper().encode("ascii") + b">":
        return failed("the signature value was altered")
    try:
        certificate = _envelope_certificate(contents)
    except ValueError as error:
        return failed(f"the signature value was altered ({error})")
    public = certificate.public_key()
    if not isinstance(public, Ed25519PublicKey):
        return failed("not signed with a SIVIL key (not Ed25519)")
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
        return failed(f"the signature does not cover the whole file ({status.coverage.name})")
    return Check("file signature", "ok", f"certified by SIVIL key {kid} ({known.status}), covering the whole file"), kid


def _envelope_certificate(contents: bytes) -> x509.Certificate:
    """The signing certificate, once every byte of the CMS envelope that the signature itself does not
    authenticate is exactly what SIVIL writes: canonical DER, zero padding, one self-signed certificate, fixed
    algorithms and versions, no unsigned attributes. The signed attributes are checked by the signature."""
    try:
        info = cms.ContentInfo.load(contents, strict=False)
        der = info.dump()
        if contents[len(der) :].strip(b"\0"):
            raise ValueError("bytes after the signature")
        if cms.ContentInfo.load(der).dump(force=True) != der:
            raise ValueError("not canonical DER")
        signed = info["content"]
        certificates = signed["certificates"]
        signers_ = signed["signer_infos"]
        if info["content_type"].native != "signed_data" or len(certificates) != 1 or len(signers_) != 1:
            raise ValueError("not one signer with one certificate")
        signer = signers_[0]
        certificate = certificates[0].chosen
        sid = signer["sid"].chosen
        pinned = {
            "signed data version": (signed["version"].native, "v1"),
            "digest algorithms": (signed["digest_algorithms"].native, [_SHA512]),
            "content": (signed["encap_content_info"].native, {"content_type": "data", "content": None}),
            "revocation lists": (signed["crls"].native, None),
            "signer version": (signer["version"].native, "v1"),
            "signer digest": (signer["digest_algorithm"].native, _SHA512),
            "signature algorithm": (signer["signature_algorithm"].native, _ED25519),
            "unsigned attributes": (signer["unsigned_attrs"].native, None),
            "signer issuer": (sid["issuer"].dump(), certificate.issuer.dump()),
            "signer serial": (sid["serial_number"].native, certificate.serial_number),
        }
        for name, (found, expected) in pinned.items():
            if found != expected:
                raise ValueError(f"unexpected {name}")
        parsed = x509.load_der_x509_certificate(certificate.dump())
        parsed.verify_directly_issued_by(parsed)
    except ValueError:
        raise
    except Exception as error:  # asn1crypto and cryptography report damaged structures in many ways
        raise ValueError(f"unreadable: {error}") from None
    return parsed


_SHA512 = {"algorithm": "sha512", "parameters": None}
_ED25519 = {"algorithm": "ed25519", "parameters": None}


def _signed_statement(data: bytes, keys: KeyRing, signer_kid: str | None) -> tuple[Check, Statement | None, str]:
    def failed(reason: str) -> tuple[Check, None, str]:
        return Check("signed statement", "failed", reason), None, ""

    try:
        reader = PdfReader(io.BytesIO(data))
        info = reader.metadata or {}
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
        statement = keys.verify(str(in_info))
    except StatementRejected as error:
        return failed(str(error))
    if signer_kid is not None and statement.kid != signer_kid:
        return failed(f"the statement is signed by key {statement.kid}, the file by key {signer_kid}")
    status = keys.public_key(statement.kid).status
    ok = Check("signed statement", "ok", f"Ed25519 signature of SIVIL key {statement.kid} ({status})")
    return ok, statement, str(in_info)


def _page(data: bytes, statement: Statement | None, token: str) -> Check:
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
        shown = shown_pattern(value)
        if not re.search(re.escape(label) + (r"\s+" + shown if shown else ""), text):
            return Check("page", "failed", f"the page does not show the signed {label}: {_normalised(value)}")
    if qr_operators(token).encode("ascii") not in operators:
        return Check("page", "failed", "the QR code on the page is not the signed statement")
    return Check("page", "ok", "the page shows the fields of the signed statement, and its QR code carries it")


def _current_status(statement: Statement | None, token: str, base_url: str, http_get: HttpGet) -> Check:
    """Asks with the signed statement itself (``token``), the only question the server answers (PIN-6)."""
    if statement is None:
        return Check("current status", "not checked", "no verified statement to ask about")
    root = base_url.rstrip("/")
    query = urllib.parse.urlencode({"statement": token})
    try:
        status, body = http_get(f"{root}/sivil/status?{query}")
    except OSError as error:
        return Check("current status", "not checked", f"could not check online: {root} unreachable ({error})")
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
        answer = None
    if not isinstance(answer, dict):
        answer = {}
    if status == 404 and answer.get("error") == "NOT_FOUND":
        return Check("current status", "failed", f"{root} no longer finds this diploma")
    if status == 403 and answer.get("error") == "STATEMENT_REJECTED":
        why = str(answer.get("message", ""))[:300]
        return Check("current status", "not checked", f"could not check online: {root} refused the statement: {why}")
    if status != 200:
        return Check("current status", "not checked", f"could not check online: {root} answered HTTP {status}")
    try:
        current, since = str(answer["status"]), str(answer["status_date"])
    except KeyError:
        return Check("current status", "not checked", f"could not check online: unexpected answer from {root}")
    if (current, since) != (statement.status, statement.status_date):
        return Check(
            "current status",
            "failed",
            f"changed since the PDF was made: now {status_label(current)} since {since}, "
            f"the PDF shows {status_label(statement.status)} since {statement.status_date}",
        )
    return Check("current status", "ok", f"still {status_label(current)} since {since}, says {root}")


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
