"""Embedding and certifying, as every signed document of ours is made (issue 33): files embedded as associated files
of the document (PDF/A-3), then one certification signature over the whole file (no changes permitted), in an
incremental update that keeps it PDF/A and PDF 1.7: PAdES baseline B-B (CMS, ECDSA P-256 over SHA-256, the
signing-certificate-v2 attribute) by the document-signing certificate of :mod:`infra.documents.signing`, its chain up
to the kredensial root embedded, so that any PDF validator trusting the published root accepts it; PAdES B-LTA when
a time-stamp authority is configured (:mod:`infra.documents.pades`). The signature covers every byte except its own
``/Contents``, which the verifier checks byte for byte (:mod:`infra.documents.file_signature`).

pyHanko runs its own event loop; signing steps out of a running one (see ``blocking``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.signers import constants
from pyhanko_certvalidator.registry import SimpleCertificateStore

from domain.credentials.documents import CREDENTIAL_FILE
from infra.documents import pades, pdfa
from infra.documents.blocking import outside_event_loop
from infra.documents.signing import DocumentSigner
from infra.documents.timestamping import HttpTimeStamper

SERVER_KEY = "/SIVILServer"  # the server's public address, where verifiers fetch keys and status (every document)
SIGNATURE_FIELD = "SIVIL"  # the name every document's signature field has had since the first SIVIL PDF


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
