"""What every signed document of ours shares besides the signature (issue 33): the QR that opens the public
verification page with the document's credential, the bilingual "how to verify" lines with absolute addresses, and
sealing: PDF/A-3b (:mod:`.pdfa`), the credential embedded as ``credential.json`` (an associated file), the
document's kind and the server in the information dictionary (``/KredensialDocument``, ``/SIVILServer``), then one
PAdES certification over the whole file (:func:`infra.sivil.pdf.certify`). ``kredensial verify-pdf`` reads them
back (:mod:`infra.documents.verify`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import segno
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from api.well_known import ROOT_CERTIFICATE_PATH
from domain.credentials.packing import VERIFY_PATH, pack
from infra.documents import pdfa
from infra.documents.signing import DocumentSigner
from infra.sivil.pdf import SERVER_KEY, attach, certify, credential_attachment
from infra.sivil.qr import QR_CAPACITY

KIND_KEY = "/KredensialDocument"  # which document this is: verify-pdf picks its checks by it
QR_SIZE = 60 * mm


def verification_link(credential: Mapping[str, Any] | None, server: str) -> str | None:
    """The link a phone opens to verify ``credential``: the credential in the fragment (never sent, never logged).
    A larger credential than the SIVIL statement's (an Open Badge, a DPI's list) still fits a QR code at level M
    printed at 60 mm; None when there is no credential or it would not fit."""
    if credential is None:
        return None
    link = f"{server.rstrip('/')}{VERIFY_PATH}#vc={pack(credential)}"
    return link if len(link) <= QR_CAPACITY else None


class QrCode(Flowable):
    """The QR code of ``payload``, drawn as filled rectangles (one per run of dark modules), 4 modules of quiet
    zone, at level M."""

    def __init__(self, payload: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.payload, self.size = payload, size
        self.width = self.height = size

    def draw(self) -> None:
        # literal operators in module units, so a verifier regenerates them from the embedded credential and finds
        # them byte for byte in the page (:func:`qr_runs`)
        size = _size(self.payload)
        self.canv.addLiteral(f"q {self.size / size:.5f} 0 0 {self.size / size:.5f} 0 0 cm 1 g 0 0 {size} {size} re f")
        self.canv.addLiteral(qr_runs(self.payload))
        self.canv.addLiteral("Q")


def _matrix(payload: str) -> list[list[int]]:
    return [list(row) for row in segno.make(payload, error="m", micro=False).matrix_iter(scale=1, border=4)]


def _size(payload: str) -> int:
    return len(_matrix(payload))


def qr_runs(payload: str) -> str:
    """The dark modules of ``payload``'s QR code as page operators: one rectangle per run, filled black."""
    rows = _matrix(payload)
    runs = []
    for index, row in enumerate(rows):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            runs.append(f"{start} {len(rows) - 1 - index} {column - start} 1 re")
    return "\n".join(["0 g", *runs, "f"])


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
