"""The verification PDF of SIVIL (PIN-7): for a valid diploma it replaces wet-ink legalisation, and it carries
what verifies it again.

The page (:mod:`infra.sivil.pdf_layout`) shows the diploma fields, the status with its date and a QR code
(:mod:`infra.sivil.qr`). The signed statement token (:mod:`domain.diploma.statement`, signed by
:mod:`infra.sivil.keys`) is stored twice, so that checking it never needs the QR image: in the document
information dictionary (``/SIVILStatement``) and as the embedded file
``sivil-statement.txt``. Where the server's public address is configured it is stored as ``/SIVILServer``: the
verifier fetches the published keys and asks the current status there. The whole file is then signed as a PDF
certification signature (pyHanko, CMS with Ed25519 over SHA-512, no changes permitted) with the same active SIVIL
key, wrapped in a self-signed X.509 certificate made for it. The signature covers every byte except its own
``/Contents``, which :mod:`infra.sivil.verify` checks byte for byte; so any change to the file fails verification.

pyHanko runs its own event loop; signing steps out of a running one (see ``blocking``).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm
from pyhanko_certvalidator.registry import SimpleCertificateStore

from api.sivil.wib import WIB
from domain.diploma.statement import MAX_DOCUMENT_TOKEN_LENGTH, Statement
from infra.sivil.blocking import outside_event_loop
from infra.sivil.keys import KeyRing, kid_of
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
    "PageFonts",
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


def render_verification_pdf(
    entry: SivilEntry, verified_at: datetime, keys: KeyRing, *, base_url: str | None = None
) -> bytes:
    """``base_url``: the server's public address (``KREDENSIAL_PUBLIC_URL``), printed and stored for verifiers."""
    statement = Statement.of(entry, verified_at=verified_at, kid=keys.active_kid)
    token = keys.sign(statement)
    return sign_pdf(compose_page(statement, token, base_url=base_url), keys, token, server=base_url)


def sign_pdf(unsigned: bytes, keys: KeyRing, token: str, *, server: str | None = None) -> bytes:
    """Embed the statement token (and the server's public address) and certify the whole file with the active
    key."""
    verified_at = keys.verify(token, max_length=MAX_DOCUMENT_TOKEN_LENGTH).verified_at
    writer = IncrementalPdfFileWriter(io.BytesIO(unsigned))
    info_reference = writer.trailer.raw_get("/Info")
    info = info_reference.get_object()
    info[generic.NameObject(INFO_KEY)] = generic.TextStringObject(token)
    info[generic.NameObject("/CreationDate")] = generic.pdf_date(verified_at)
    if server:
        info[generic.NameObject(SERVER_KEY)] = generic.TextStringObject(server.rstrip("/"))
    writer.mark_update(info_reference)
    data = token.encode("ascii")
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=ATTACHMENT_NAME,
            file_name=ATTACHMENT_NAME,
            embedded_data=embed.EmbeddedFileObject.from_file_data(writer, data, mime_type="text/plain"),
            description="Pernyataan SIVIL bertanda tangan / Signed SIVIL statement",
        ),
    )
    return certify(writer, keys, reason="Hasil verifikasi SIVIL / SIVIL verification result")


def certify(writer: IncrementalPdfFileWriter, keys: KeyRing, *, reason: str) -> bytes:
    """A certification signature over the whole file with the active key; no later change is permitted. Every
    signed document of ours (the SIVIL verification, the DPI) is signed this way."""
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha512",
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        reason=reason,
        name=f"SIVIL {keys.active_kid}",
    )
    pdf_signer = signers.PdfSigner(metadata, signer=_signer(keys.signing_key))
    signed: bytes = outside_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())
    return signed


def document_certificate(key: Ed25519PrivateKey) -> x509.Certificate:
    """A self-signed certificate for a SIVIL key; deterministic, so the same key always gives the same one."""
    kid = kid_of(key.public_key())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"SIVIL verification statement key {kid}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kredensial SIVIL"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        ]
    )
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(kid, 16) or 1)
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
        .add_extension(usage, critical=True)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, None)
    )


def _signer(key: Ed25519PrivateKey) -> signers.SimpleSigner:
    certificate = asn1_x509.Certificate.load(document_certificate(key).public_bytes(Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=private,
        cert_registry=SimpleCertificateStore(),
    )
