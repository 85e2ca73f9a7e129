"""Verifying a signed document of ours other than the SIVIL statement (issue 33): a DPI, an LSP certificate, an SK
and its replacement letter, a BK letter (:mod:`infra.documents.sealing` names its kind in ``/KredensialDocument``).

Offline: the file signature (:func:`.file_signature.file_signature`: PAdES over the whole file, chained to the
kredensial root), the embedded credential's proof (a key of the issuer's ring), the page showing the credential's
fields, and its QR code being the link that carries that credential. Online (the server the PDF names, or
``--server``): the credential's status in the issuer's signed lists, as the verification page reads it. A DPI
printed before its student's NINA was paired carries no credential: its signature alone is checked.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from pypdf import PdfReader

from application.credentials import verification
from domain.credentials import proof
from infra.documents.certification import SERVER_KEY
from infra.documents.checks import Check, HttpGet, Verdict
from infra.documents.credentials.in_pdf import embedded_credential
from infra.documents.credentials.keys import RingKeys
from infra.documents.file_signature import file_signature
from infra.documents.key_ring import KeyRing
from infra.documents.qr import qr_runs, verification_link
from infra.documents.sealing import KIND_KEY

NAMES = {  # what the conclusion calls each kind, from its credential's subject
    "DPI": "the DPI of NIM {nim}",
    "CERTIFICATE": "certificate {registrationNumber}",
    "SK": "SK {skNumber}",
    "SK_REPLACEMENT": "the replacement letter of SK {skNumber}",
    "BK_LETTER": "the letter of not yet competent {letterNumber}",
}
# The credential's fields each page must show (credentialSubject keys)
SHOWN = {
    "DPI": ("name", "nim", "nina", "level"),
    "CERTIFICATE": ("name", "registrationNumber", "skemaCode", "skemaTitle", "lspCode"),
    "SK": ("name", "skNumber", "registrationNumber", "equivalentLevel"),
    "SK_REPLACEMENT": ("name", "skNumber", "registrationNumber", "equivalentLevel"),
    "BK_LETTER": ("name", "letterNumber", "skemaCode", "lspCode"),
}
ANNULLED = {"REVOKED", "SUSPENDED", "EXPIRED", "NOT_YET_VALID"}


def document_kind(data: bytes) -> str | None:
    """The kind a document of ours names, or None for any other PDF (a SIVIL statement, an older SK)."""
    try:
        kind = dict(PdfReader(io.BytesIO(data)).metadata or {}).get(KIND_KEY)
    except Exception:  # a damaged file is not one of ours
        return None
    return str(kind) if kind is not None and str(kind) in NAMES else None


def verify_document_pdf(
    data: bytes,
    keys: KeyRing,
    *,
    roots: Sequence[x509.Certificate] = (),
    base_url: str | None = None,
    http_get: HttpGet | None = None,
) -> tuple[Verdict, list[str]]:
    kind = document_kind(data) or "?"
    signature, _ = file_signature(data, keys, roots)
    credential = embedded_credential(data)
    checks = [signature, _credential(credential, kind, keys), _page(data, kind, credential)]
    lines = [f"{c.outcome.upper():<12} {c.name}: {c.detail}" for c in checks]
    subject = credential.get("credentialSubject") if credential is not None else None
    try:
        what = NAMES[kind].format_map(subject if isinstance(subject, dict) else {})
    except (KeyError, ValueError):  # a document without its credential (a DPI before its NINA was paired)
        what = "the DPI" if kind == "DPI" else "the document"
    if any(c.outcome == "failed" for c in checks):
        return Verdict.NOT_VERIFIED, [
            *lines,
            "NOT VERIFIED: " + ", ".join(c.name for c in checks if c.outcome == "failed") + " failed",
        ]
    signed = f"{what} is unchanged, signed by kredensial, and its page shows what its credential says"
    if credential is None:
        return Verdict.STATUS_UNKNOWN, [
            *lines,
            f"AUTHENTIC, NO CREDENTIAL: {what} is unchanged and signed by "
            "kredensial; it was made before its student's NINA was paired",
        ]
    named = str(dict(PdfReader(io.BytesIO(data)).metadata or {}).get(SERVER_KEY, ""))
    fetch = _fetcher(base_url, named, http_get) if base_url and http_get else None
    checked = verification.verify(credential, RingKeys(keys), fetch, now=datetime.now(UTC))
    statuses = ", ".join(
        f"{s.purpose} {'set' if s.set else 'unset' if s.set is False else '?'}" for s in checked.status
    )
    lines.append(
        f"{'OK' if checked.verdict == 'VERIFIED' else 'STATUS':<12} current status: {checked.verdict}"
        + (f" ({statuses})" if statuses else " (the credential declares no status list)")
    )
    if checked.verdict == "VERIFIED":
        return Verdict.VERIFIED, [*lines, f"VERIFIED: {signed}, and it is in force"]
    if checked.verdict in ANNULLED:
        replaced = (checked.annulment or {}).get("annulmentKind") == "SUPERSEDED"  # a PK, a newer DPI version
        label = "REPLACED" if replaced else checked.verdict
        return Verdict.ANNULLED, [*lines, f"{label}: {signed}, but it is NOT in force"]
    why = "not asked (offline)" if fetch is None else "the lists could not be read"
    return Verdict.STATUS_UNKNOWN, [*lines, f"AUTHENTIC, STATUS NOT CHECKED: {signed}; its status: {why}"]


def _credential(credential: dict[str, Any] | None, kind: str, keys: KeyRing) -> Check:
    if credential is None:
        if kind == "DPI":
            return Check("credential", "not checked", "none embedded (a DPI before its NINA was paired)")
        return Check("credential", "failed", "the document carries no credential")
    try:
        method = proof.verify(credential, RingKeys(keys))
    except proof.ProofRejected as error:
        return Check("credential", "failed", f"the embedded credential's proof does not verify: {error}")
    return Check("credential", "ok", f"the embedded W3C credential is signed by {method}")


def _page(data: bytes, kind: str, credential: Mapping[str, Any] | None) -> Check:
    try:
        reader = PdfReader(io.BytesIO(data))
        server = str(dict(reader.metadata or {}).get(SERVER_KEY, ""))
        text = "".join(re.sub(r"\s+", "", page.extract_text()) for page in reader.pages)
        contents = [page.get_contents() for page in reader.pages]
        operators = b"".join(c.get_data() for c in contents if c is not None)
    except Exception as error:  # a damaged file can fail anywhere in the parser
        return Check("page", "failed", f"could not read the page ({error})")
    if credential is None:
        return Check("page", "not checked", "no credential to compare the page with")
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    missing = [key for key in SHOWN.get(kind, ()) if not re.search(_pattern(str(subject.get(key, ""))), text)]
    if missing:
        return Check("page", "failed", f"the page does not show the credential's {', '.join(missing)}")
    link = verification_link(credential, server) if server else None
    if link is not None and qr_runs(link).encode("ascii") not in operators:
        return Check("page", "failed", "the QR code on the page is not the link to the embedded credential")
    return Check("page", "ok", "the page shows the credential's fields" + (", its QR code the link" if link else ""))


def _pattern(value: str) -> str:
    """``value`` without its whitespace, a character the page's fonts lack as itself or '?'."""
    if not value.strip():
        return r"(?!)"  # a field the credential lacks cannot be shown
    parts = []
    for char in re.sub(r"\s+", "", value):
        try:
            char.encode("cp1252")
            parts.append(re.escape(char))
        except UnicodeEncodeError:
            parts.append(f"(?:{re.escape(char)}|\\?)")
    return "".join(parts)


def _fetcher(base_url: str, named: str, http_get: HttpGet) -> verification.Fetch:
    """Status lists and statements from ``base_url`` (``--server``, else the server the PDF names): a list the
    credential places at the server the PDF names is asked of ``--server`` instead; nothing from elsewhere. The lists
    are signed, so where they come from decides only whom the verifier trusts to be current."""
    root, named = base_url.rstrip("/"), named.rstrip("/")

    def fetch(url: str) -> Mapping[str, Any] | None:
        if named and url.startswith(named + "/"):
            url = root + url.removeprefix(named)
        if not url.startswith(root + "/"):
            return None
        try:
            status, body = http_get(url)
            document = json.loads(body) if status == 200 else None
        except (OSError, ValueError, RecursionError):
            return None
        return document if isinstance(document, dict) else None

    return fetch
