"""``kredensial verify-credential``: a credential of ours checked as any verifier would, online or offline.

The credential is a JSON file, or the PDF that carries it as ``credential.json``. The issuer's DID document and
the status documents (status lists, annulment statements) come from saved copies (``--did-document``,
``--status``: each matched by its ``id``) or, unless ``--offline``, from the issuer's ``did:web`` address (or
``--server``, which replaces the scheme and host of every URL: a test server, a mirror). Nothing of this
installation's settings, data or secrets is read.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from application.credentials.verification import Verification, issuer_id, verify
from domain.credentials.documents import CREDENTIAL_FILE, DID_PATH
from domain.credentials.proof import MAX_DOCUMENT_BYTES
from infra.documents.credentials.keys import DidDocumentKeys

HttpGet = Callable[[str], tuple[int, bytes]]


class Exit(IntEnum):
    VERIFIED = 0
    NOT_VERIFIED = 1
    USAGE = 2
    STATUS_UNKNOWN = 3
    REVOKED = 4
    SUSPENDED = 5
    EXPIRED = 6
    NOT_YET_VALID = 7


def verify_credential_cli(
    file: Path,
    did_document: Path | None,
    status: Sequence[Path],
    server: str | None,
    offline: bool,
    http_get: HttpGet | None = None,
) -> tuple[int, list[str]]:
    get = http_get or urllib_get
    try:
        credential = read_credential(file)
        saved = {str(doc.get("id")): doc for doc in (_json(path.read_bytes()) for path in status)}
        did: Mapping[str, Any] | None = _json(did_document.read_bytes()) if did_document else None
    except (OSError, ValueError) as error:
        return Exit.USAGE, [f"cannot read: {error}"]
    issuer = issuer_id(credential) or ""

    def fetch(url: str) -> Mapping[str, Any] | None:
        if url in saved or offline:
            return saved.get(url)
        try:
            code, body = get(_moved(url, server))
            return _json(body) if code == 200 else None
        except (OSError, ValueError):
            return None

    if did is None:
        if offline:
            return Exit.USAGE, ["offline: give the issuer's DID document with --did-document"]
        did = fetch(did_web_url(issuer)) if issuer.startswith("did:web:") else None
        if did is None:
            return Exit.NOT_VERIFIED, [f"NOT VERIFIED: the issuer's DID document ({issuer}) could not be fetched"]
    if did.get("id") != issuer:
        return Exit.NOT_VERIFIED, [f"NOT VERIFIED: the DID document is {did.get('id')!r}, the issuer {issuer!r}"]
    checked = verify(credential, DidDocumentKeys(did), fetch if (saved or not offline) else None, now=datetime.now(UTC))
    return _exit(checked), _report(checked)


def read_credential(file: Path) -> dict[str, Any]:
    data = file.read_bytes()
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader  # only for a PDF

        attachments = PdfReader(io.BytesIO(data)).attachments
        if CREDENTIAL_FILE not in attachments:
            raise ValueError(f"the PDF carries no {CREDENTIAL_FILE}")
        data = attachments[CREDENTIAL_FILE][0]
    return _json(data)


def did_web_url(did: str) -> str:
    """did:web resolution: the host (a port as %3A), then a path as ':' segments, else /.well-known."""
    parts = did.removeprefix("did:web:").split(":")
    host, path = unquote(parts[0]), [unquote(p) for p in parts[1:]]
    name = host.rpartition("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
    scheme = "http" if name in ("localhost", "127.0.0.1", "[::1]") else "https"  # a development server
    return f"{scheme}://{host}/{'/'.join(path)}/did.json" if path else f"{scheme}://{host}{DID_PATH}"


def urllib_get(url: str) -> tuple[int, bytes]:
    if urlsplit(url).scheme not in ("http", "https"):
        raise OSError(f"not an http(s) address: {url}")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(MAX_DOCUMENT_BYTES)
    except urllib.error.HTTPError as error:
        return error.code, b""


def _moved(url: str, server: str | None) -> str:
    if not server:
        return url
    parts, base = urlsplit(url), urlsplit(server)
    return urllib.parse.urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


def _json(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValueError("the document is larger than any credential of ours")
    try:
        document = json.loads(data)
    except RecursionError:
        raise ValueError("the JSON nests deeper than any credential") from None
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    return document


def _exit(checked: Verification) -> Exit:
    return Exit[checked.verdict] if checked.verdict in Exit.__members__ else Exit.NOT_VERIFIED


def _report(checked: Verification) -> list[str]:
    if checked.signature is None:
        return [f"NOT VERIFIED: {checked.problem}"]
    lines = [f"{checked.verdict}: signed by {checked.signature}"]
    for status in checked.status:
        bit = {True: "SET", False: "clear", None: "unknown"}[status.set]
        lines.append(f"  {status.purpose} bit {status.index}: {bit} ({status.detail})")
    if checked.annulment:
        lines.append(
            f"  annulment: {checked.annulment.get('annulmentKind')} effective {checked.annulment.get('effectiveOn')}"
        )
    return lines
