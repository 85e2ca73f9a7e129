"""PAdES B-LTA: what keeps a signed PDF valid after its document-signing certificate expires (issue 33, item 4).

A diploma is valid for life; the certificate that signs its PDF for three years. With a time-stamp authority
configured (``KREDENSIAL_TSA_URL``) the certification signature carries a signature timestamp (B-T), and a second
incremental update adds the Document Security Store (the certificates of both chains, the kredensial root's CRL and
the TSA's revocation data, its CRL or OCSP answer fetched now: B-LT) and a document timestamp over all of it (B-LTA).
A TSA whose answer leaves out its root needs it configured (``KREDENSIAL_TSA_ROOT``). A
validator then proves that the signature existed while its certificate was valid, with nothing to fetch.

The updates keep the file PDF/A-3b: pyHanko would rewrite the XMP metadata in each revision it writes, so the DSS
and the document timestamp are written here by one writer that keeps it (:func:`infra.documents.pdfa.keep_metadata`).
Without a TSA the signature stays B-B, as before: valid until the signing certificate expires.
"""

from __future__ import annotations

import asyncio
import io

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko.sign.validation.dss import collect_validation_info
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import CertificateFetchError, InsufficientRevinfoError, PathError

from infra.documents import pdfa
from infra.documents.signing import DocumentSigner
from infra.documents.timestamping import TimestampUnavailable

TIMESTAMP_FIELD = "SIVILArchiveTimestamp"
MD = "sha256"


def long_term(signed: bytes, signer: DocumentSigner, timestamper: TimeStamper) -> bytes:
    """``signed``: a PDF whose last signature carries a signature timestamp. Answers it with the DSS and a document
    timestamp appended. Runs its own event loop: call it outside a running one."""
    return asyncio.run(_long_term(signed, signer, timestamper))


async def _long_term(signed: bytes, signer: DocumentSigner, timestamper: TimeStamper) -> bytes:
    signature = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures[-1]
    context = validation_context(signer, signature.signed_data)
    try:
        # The TSA's chain first, its revocation data fetched: kept at once, as pyHanko's fetchers forget what they
        # fetched when collect_validation_info closes its session.
        paths = [path async for path in timestamper.validation_paths(context)]
        fetched = list(context.crls), list(context.ocsps)
        paths += await collect_validation_info(signature, context)
    except (CertificateFetchError, InsufficientRevinfoError) as error:  # a CRL or AIA server away: try later
        raise TimestampUnavailable(f"the time-stamp authority's validation data: {error}") from None
    except PathError as error:
        raise TsaRootUnknown(
            f"the time-stamp authority's certificate chains to no root known here ({error}): set KREDENSIAL_TSA_ROOT "
            "to its root certificate (PEM), so that its revocation data can be embedded"
        ) from None
    finally:
        await context.aclose()
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    pdfa.keep_metadata(writer)
    DocumentSecurityStore.supply_dss_in_writer(
        writer, signature.pkcs7_content, paths=paths, crls=fetched[0], ocsps=fetched[1], validation_context=context
    )
    stamped = await PdfTimeStamper(timestamper, field_name=TIMESTAMP_FIELD).async_timestamp_pdf(writer, MD)
    return stamped.getvalue()


class TsaRootUnknown(RuntimeError):
    """The TSA's certificate leads to no root: neither its token carries one, nor ``KREDENSIAL_TSA_ROOT`` names one,
    nor its AIA brings one. A configuration error, not a passing one: no PDF is signed without the validation data
    that keeps it valid (the TSA's certificate taken for a root would carry no revocation data for it)."""


def validation_context(signer: DocumentSigner, signed_data: cms.SignedData) -> ValidationContext:
    """What the validation data is gathered with: the kredensial root and its CRL, and the TSA's chain up to its
    root, as configured (``KREDENSIAL_TSA_ROOT``) or as its token brings it (a self-signed certificate there: we
    collect its data for validators, each of whom decides whether to trust that TSA). Revocation data the TSA's
    chain declares (its CRL distribution points, OCSP) is fetched, and missing issuers by their AIA."""
    roots = [_asn1(signer.root), *(_asn1(root) for root in signer.tsa_roots)]
    for token in _timestamp_tokens(signed_data):
        for choice in token["content"]["certificates"]:
            certificate = choice.chosen
            if certificate.self_signed != "no":  # asn1crypto answers "no", "maybe" or "yes": "no" is truthy too
                roots.append(certificate)
    crls = [asn1_crl.CertificateList.load(crl.public_bytes(Encoding.DER)) for crl in signer.crls]
    return ValidationContext(
        trust_roots=roots,
        other_certs=[_asn1(c) for c in signer.chain[1:]],
        crls=crls,
        allow_fetching=True,
        revocation_mode="hard-fail",
    )


def _timestamp_tokens(signed_data: cms.SignedData) -> list[cms.ContentInfo]:
    attributes = signed_data["signer_infos"][0]["unsigned_attrs"]
    if attributes.native is None:
        return []
    return [v for a in attributes if a["type"].native == "signature_time_stamp_token" for v in a["values"]]


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def archival_updates_only(status: PdfSignatureStatus) -> bool:
    """Whether what follows the signed revision is only what B-LTA adds (the DSS, document timestamps), as pyHanko's
    difference analysis judges it: then the signature covers the document as it was signed, and nothing was changed
    that a reader sees."""
    return (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level == ModificationLevel.LTA_UPDATES
        and status.docmdp_ok is not False
    )
