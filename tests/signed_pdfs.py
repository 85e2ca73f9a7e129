"""Signed PDFs for tests: a throwaway kredensial PKI, the settings that name it, and a PDF signed the old way.

Until the kredensial root existed, every signed PDF was certified with the active SIVIL Ed25519 key in a
self-signed certificate (CMS, SHA-512). Such PDFs are in the public's hands and must keep verifying; the code below
is that signing as it was (``infra/sivil/pdf.py`` before the change), frozen here so that it never follows the
production code.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

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

from domain.diploma.statement import MAX_DOCUMENT_TOKEN_LENGTH, Statement
from infra.documents.blocking import outside_event_loop
from infra.documents.certification import SERVER_KEY
from infra.documents.key_ring import KeyRing, kid_of
from infra.documents.signing import DocumentSigner, development_pki
from infra.sivil.pdf import ATTACHMENT_NAME, INFO_KEY, compose_page
from projections.sivil.rows import SivilEntry

SIGNER, _ = DocumentSigner.generate()  # one throwaway PKI for the tests that need no files
ROOTS = (SIGNER.root,)


def pdf_signing_env(directory: Path) -> dict[str, str]:
    """What PostgreSQL runs must name, as production does (on SQLite these have defaults): the document-signing key
    and chain, made once under ``directory``, and the public address the issuer of credentials is named after."""
    key, chain = development_pki(directory)
    return {
        "KREDENSIAL_PDF_SIGNING_KEY": str(key),
        "KREDENSIAL_PDF_SIGNING_CHAIN": str(chain),
        "KREDENSIAL_PUBLIC_URL": "http://127.0.0.1:8000",
    }


def old_style_verification_pdf(
    entry: SivilEntry, verified_at: datetime, keys: KeyRing, *, base_url: str | None = None
) -> bytes:
    """A SIVIL verification PDF exactly as made before the kredensial root: the file certified by the SIVIL key."""
    statement = Statement.of(entry, verified_at=verified_at, kid=keys.active_kid)
    token = keys.sign(statement)
    unsigned = compose_page(statement, token, base_url=base_url)
    verified_at = keys.verify(token, max_length=MAX_DOCUMENT_TOKEN_LENGTH).verified_at
    writer = IncrementalPdfFileWriter(io.BytesIO(unsigned))
    info_reference = writer.trailer.raw_get("/Info")
    info = info_reference.get_object()
    info[generic.NameObject(INFO_KEY)] = generic.TextStringObject(token)
    info[generic.NameObject("/CreationDate")] = generic.pdf_date(verified_at)
    if base_url:
        info[generic.NameObject(SERVER_KEY)] = generic.TextStringObject(base_url.rstrip("/"))
    writer.mark_update(info_reference)
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=ATTACHMENT_NAME,
            file_name=ATTACHMENT_NAME,
            embedded_data=embed.EmbeddedFileObject.from_file_data(
                writer, token.encode("ascii"), mime_type="text/plain"
            ),
            description="Pernyataan SIVIL bertanda tangan / Signed SIVIL statement",
        ),
    )
    return old_style_certify(writer, keys, reason="Hasil verifikasi SIVIL / SIVIL verification result")


def old_style_certify(writer: IncrementalPdfFileWriter, keys: KeyRing, *, reason: str) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name="SIVIL",
        md_algorithm="sha512",
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        reason=reason,
        name=f"SIVIL {keys.active_kid}",
    )
    key = keys.signing_key
    certificate = asn1_x509.Certificate.load(_old_certificate(key).public_bytes(Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=certificate, signing_key=private, cert_registry=SimpleCertificateStore())
    pdf_signer = signers.PdfSigner(metadata, signer=signer)
    signed: bytes = outside_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())
    return signed


def _old_certificate(key: Ed25519PrivateKey) -> x509.Certificate:
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
