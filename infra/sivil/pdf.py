"""The verification PDF of SIVIL (PIN-7): for a valid diploma it replaces wet-ink legalisation, and it carries
what verifies it again.

The page (:mod:`infra.sivil.pdf_layout`) shows the diploma fields, the status with its date and a QR code
(:mod:`infra.sivil.qr`). The signed statement token (:mod:`domain.diploma.statement`, signed with Ed25519 by
:mod:`infra.documents.key_ring`) is stored twice, so that checking it never needs the QR image: in the document
information dictionary (``/SIVILStatement``) and as the embedded file ``sivil-statement.txt``. Where the server's
public address is configured it is stored as ``/SIVILServer``: the verifier fetches the published keys and asks the
current status there. Other files (:class:`Attachment`, e.g. a W3C Verifiable Credential) may be embedded beside
it.

The file is made PDF/A-3b (:mod:`infra.documents.pdfa`, checked by ``tests/api/test_pdfa.py``), the statement
(``/Source``) and every attachment as associated files. It is then certified as every signed document of ours
(:func:`infra.documents.certification.certify`): any change to the file fails verification.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from domain.diploma.statement import MAX_DOCUMENT_TOKEN_LENGTH, Statement
from infra.documents import pdfa
from infra.documents.certification import SERVER_KEY, Attachment, attach, certify, credential_attachment
from infra.documents.key_ring import KeyRing
from infra.documents.signing import DocumentSigner
from infra.sivil.pdf_layout import compose_page, displayed, shown_pattern, status_label, visible_rows, wrapped
from projections.sivil.rows import SivilEntry

__all__ = [
    "ATTACHMENT_NAME",
    "INFO_KEY",
    "compose_page",
    "displayed",
    "render_verification_pdf",
    "shown_pattern",
    "sign_pdf",
    "status_label",
    "visible_rows",
    "wrapped",
]

INFO_KEY = "/SIVILStatement"
ATTACHMENT_NAME = "sivil-statement.txt"


def render_verification_pdf(
    entry: SivilEntry,
    verified_at: datetime,
    keys: KeyRing,
    *,
    signer: DocumentSigner,
    base_url: str | None = None,
    attachments: Sequence[Attachment] = (),
    credential: Mapping[str, Any] | None = None,
) -> bytes:
    """``base_url``: the server's public address (``KREDENSIAL_PUBLIC_URL``), printed and stored for verifiers.
    ``credential``: the diploma's signed W3C credential (issue 13), embedded as ``credential.json`` and, where it
    fits, the QR code's link."""
    statement = Statement.of(entry, verified_at=verified_at, kid=keys.active_kid)
    token = keys.sign(statement)
    page = compose_page(statement, token, base_url=base_url, credential=credential)
    if credential is not None:
        attachments = (*attachments, credential_attachment(credential))
    return sign_pdf(page, keys, token, signer=signer, server=base_url, attachments=attachments)


def sign_pdf(
    unsigned: bytes,
    keys: KeyRing,
    token: str,
    *,
    signer: DocumentSigner,
    server: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """Embed the statement token (and the server's public address, and any other attachments), make the file
    PDF/A-3b (:mod:`infra.documents.pdfa`) and certify it whole with the document-signing key."""
    verified_at = keys.verify(token, max_length=MAX_DOCUMENT_TOKEN_LENGTH).verified_at
    writer = pdfa.archival_writer(unsigned)
    info = writer.trailer_view["/Info"]
    info[generic.NameObject(INFO_KEY)] = generic.TextStringObject(token)
    if server:
        info[generic.NameObject(SERVER_KEY)] = generic.TextStringObject(server.rstrip("/"))
    statement = Attachment(
        ATTACHMENT_NAME,
        token.encode("ascii"),
        "text/plain",
        "Pernyataan SIVIL bertanda tangan / Signed SIVIL statement",
        "/Source",  # the page is made from it
    )
    for attachment in (statement, *attachments):
        attach(writer, attachment, verified_at)
    pdfa.conform(writer, created=verified_at)
    archival = io.BytesIO()
    writer.write(archival)
    signed = IncrementalPdfFileWriter(archival)
    pdfa.keep_metadata(signed)
    return certify(signed, signer, reason="Hasil verifikasi SIVIL / SIVIL verification result")
