"""What a verifier fetches or reads besides the PDF (issue 33): the published keys and root certificate, saved copies of
them, and the server a PDF names. Verifying never reads or creates this installation's settings, data directory or
secrets."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography import x509
from pypdf import PdfReader

from api.well_known import ROOT_CERTIFICATE_PATH
from domain.diploma.statement import WELL_KNOWN_KEYS_PATH
from infra.documents.certification import SERVER_KEY
from infra.documents.checks import HttpGet
from infra.documents.key_ring import KeyRing


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
        text = normalised(reader.pages[0].extract_text()) if len(reader.pages) == 1 else ""
    except Exception:  # a damaged file can fail anywhere in the parser; then it names nothing
        return None
    printed = re.search(r"Public keys: (https?://\S+?)" + re.escape(WELL_KNOWN_KEYS_PATH), text)
    return printed.group(1) if printed else None


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


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
