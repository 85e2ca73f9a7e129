"""What every signed document of ours shares besides the signature and the QR (:mod:`.qr`, issue 33): the bilingual
"how to verify" lines with absolute addresses, and sealing: PDF/A-3b (:mod:`.pdfa`), the credential embedded as
``credential.json`` (an associated file), the document's kind and the server in the information dictionary
(``/KredensialDocument``, ``/SIVILServer``), then one PAdES certification over the whole file
(:func:`.certification.certify`). ``kredensial verify-pdf`` reads them back (:mod:`.verify`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from api.well_known import ROOT_CERTIFICATE_PATH
from infra.documents import pdfa
from infra.documents.certification import SERVER_KEY, attach, certify, credential_attachment
from infra.documents.signing import DocumentSigner

KIND_KEY = "/KredensialDocument"  # which document this is: verify-pdf picks its checks by it


def how_to_verify(server: str, scan: bool) -> str:
    """The bilingual lines under the QR: where the root certificate is, and what the QR does."""
    root = server.rstrip("/") + ROOT_CERTIFICATE_PATH
    scanned = (
        ("Pindai kode QR untuk memeriksa keaslian dan status dokumen ini. " if scan else "")
        + "Dokumen ini ditandatangani secara elektronik; periksa berkasnya dengan sertifikat akar "
        + root
        + "."
    )
    english = ("Scan the QR code to check this document's authenticity and status. " if scan else "") + (
        "This document is signed electronically; check the file with the root certificate " + root + "."
    )
    return f"{scanned} / {english}"


def seal(
    unsigned: bytes,
    *,
    kind: str,
    server: str,
    signer: DocumentSigner,
    reason: str,
    created: datetime,
    credential: Mapping[str, Any] | None = None,
    info: Mapping[str, str] | None = None,
) -> bytes:
    """Make ``unsigned`` (a page reportlab wrote) PDF/A-3b with the credential embedded, and certify it."""
    writer = pdfa.archival_writer(unsigned)
    entries = writer.trailer_view["/Info"]
    for key, value in {KIND_KEY: kind, SERVER_KEY: server.rstrip("/"), **(info or {})}.items():
        entries[generic.NameObject(key)] = generic.TextStringObject(value)
    if credential is not None:
        attach(writer, credential_attachment(credential), created)
    pdfa.conform(writer, created=created)
    archival = io.BytesIO()
    writer.write(archival)
    signed = IncrementalPdfFileWriter(archival)
    pdfa.keep_metadata(signed)
    return certify(signed, signer, reason=reason)
