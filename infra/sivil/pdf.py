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
(``/Source``) and every attachment as associated files. The whole file is then signed as a PDF certification
signature (no changes permitted), in an incremental update that keeps it PDF/A and PDF 1.7: PAdES baseline B-B
(CMS, ECDSA P-256 over SHA-256, the signing-certificate-v2 attribute) by the document-signing certificate of
:mod:`infra.documents.signing`, its chain up to the kredensial root embedded, so that any PDF validator trusting the
published root accepts it. The signature covers every byte except its own ``/Contents``, which
:mod:`infra.sivil.verify` checks byte for byte; so any change to the file fails verification. Every signed document
of ours (the SIVIL verification, the DPI, the SK of equivalency) is certified by :func:`certify`.

pyHanko runs its own event loop; signing steps out of a running one (see ``blocking``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.signers import constants
from pyhanko_certvalidator.registry import SimpleCertificateStore

from domain.credentials.documents import CREDENTIAL_FILE
from domain.diploma.statement import MAX_DOCUMENT_TOKEN_LENGTH, Statement
from domain.wib import WIB
from infra.documents import pades, pdfa
from infra.documents.blocking import outside_event_loop
from infra.documents.key_ring import KeyRing
from infra.documents.signing import DocumentSigner
from infra.documents.timestamping import HttpTimeStamper
from infra.sivil.pdf_layout import (
    DEJAVU_DIRECTORY,
    STANDARD_FONTS,
    PageFonts,
    compose_page,
    displayed,
    page_fonts,
    printable,
    shown_pattern,
    status_label,
    visible_rows,
    wrapped,
)
from projections.sivil.rows import SivilEntry

__all__ = [
    "ATTACHMENT_NAME",
    "DEJAVU_DIRECTORY",
    "INFO_KEY",
    "SERVER_KEY",
    "STANDARD_FONTS",
    "WIB",
    "Attachment",
    "PageFonts",
    "attach",
    "certify",
    "compose_page",
    "displayed",
    "page_fonts",
    "printable",
    "render_verification_pdf",
    "shown_pattern",
    "sign_pdf",
    "status_label",
    "visible_rows",
    "wrapped",
]

INFO_KEY = "/SIVILStatement"
SERVER_KEY = "/SIVILServer"
ATTACHMENT_NAME = "sivil-statement.txt"
SIGNATURE_FIELD = "SIVIL"


@dataclass(frozen=True)
class Attachment:
    """A file embedded in a PDF before it is signed (so the signature covers it), as an associated file of the
    document: ``relationship`` is its ``/AFRelationship`` (``/Data``, ``/Source``, ``/Alternative``,
    ``/Supplement`` or ``/Unspecified``), e.g. a W3C Verifiable Credential as ``credential.json`` with ``/Data``."""

    file_name: str
    data: bytes
    mime_type: str
    description: str
    relationship: str = "/Data"


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


def credential_attachment(credential: Mapping[str, Any]) -> Attachment:
    """The credential as the QR's link packs it: compact JSON, so a verifier recomputes the link from these bytes."""
    data = json.dumps(credential, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Attachment(
        CREDENTIAL_FILE,
        data,
        "application/vc",
        "Kredensial W3C bertanda tangan / Signed W3C Verifiable Credential",
        "/Alternative",
    )


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


def attach(writer: BasePdfFileWriter, attachment: Attachment, modified: datetime) -> None:
    """Embed a file as an associated file of the document (PDF/A-3: listed in the catalog's ``/AF``)."""
    if attachment.file_name in _embedded_names(writer):
        raise ValueError(f"{attachment.file_name} is embedded already (the signed statement's own file?)")
    pdfa.embed_associated(
        writer,
        file_name=attachment.file_name,
        data=attachment.data,
        mime_type=attachment.mime_type,
        description=attachment.description,
        relationship=attachment.relationship,
        modified=modified,
    )


def _embedded_names(writer: BasePdfFileWriter) -> set[str]:
    try:
        names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return set()
    return {str(names[index]) for index in range(0, len(names), 2)}


def certify(writer: IncrementalPdfFileWriter, signer: DocumentSigner, *, reason: str) -> bytes:
    """A certification signature over the whole file with the document-signing key; no later change is permitted
    but the validation data and document timestamps PAdES adds. Every signed document of ours (the SIVIL
    verification, the DPI, the SK) is signed so: PAdES B-LTA when a time-stamp authority is configured
    (:mod:`~.pades`; one that does not answer raises :class:`TimestampUnavailable`, nothing is signed), else
    B-B."""
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        reason=reason,
        name="kredensial",
    )
    timestamper = HttpTimeStamper(signer.tsa_url) if signer.tsa_url else None
    pdf_signer = _Pdf17Signer(metadata, signer=_signer(signer), timestamper=timestamper)
    if timestamper is None:
        signed: bytes = outside_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())
        return signed
    return outside_event_loop(lambda: pades.long_term(pdf_signer.sign_pdf(writer).getvalue(), signer, timestamper))


class _Pdf17Signer(signers.PdfSigner):
    """Declares PAdES' extension of PDF 1.7 only. pyHanko would also declare ISO/TS 32002 for ECDSA P-256, and with
    it PDF 2.0, which a PDF/A-3 file (PDF 1.7) must not be; a PAdES signature needs no PDF 2.0."""

    def register_extensions(self, pdf_out: BasePdfFileWriter, *, md_algorithm: str) -> None:
        pdf_out.ensure_output_version(version=(1, 7))
        pdf_out.register_extension(constants.ESIC_EXTENSION_1)


def _signer(signer: DocumentSigner) -> signers.SimpleSigner:
    """pyHanko's signer: the signing certificate, and the rest of the chain (the root too) embedded in the CMS."""
    certificates = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in signer.chain]
    private = asn1_keys.PrivateKeyInfo.load(signer.key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))
    return signers.SimpleSigner(
        signing_cert=certificates[0],
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs(certificates[1:]),
        embed_roots=True,
    )
