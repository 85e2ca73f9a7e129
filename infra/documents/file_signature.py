"""The file signature of every signed document of ours (PIN-7, issue 33): exactly one signature; it covers the whole
file (a PAdES B-LTA file may carry after it only the validation data and document timestamps, each intact); its
``/Contents`` is exactly the hex of the CMS object plus zero padding (the one part of the file a PDF signature cannot
cover); the signature verifies over the signed bytes; and its certificate is one of ours: a document-signing
certificate (ECDSA P-256, PAdES) that chains to the kredensial root (``--root``, or published at
``/.well-known/kredensial-root.pem``), checked at the signing time the signature states; or, in a PDF signed before
that root existed, a self-signed certificate of an Ed25519 key in the key ring (active or retired).

pyHanko runs its own event loop: call :func:`file_signature` from a worker thread in async code.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from domain.diploma.statement import StatementRejected
from infra.documents.blocking import outside_event_loop
from infra.documents.checks import Check
from infra.documents.key_ring import KeyRing, kid_of
from infra.documents.pades import archival_updates_only


def file_signature(data: bytes, keys: KeyRing, roots: Sequence[x509.Certificate] = ()) -> tuple[Check, str | None]:
    """The file signature check, and the id of the SIVIL key that signed the file when one did (an old PDF)."""

    def failed(reason: str) -> tuple[Check, None]:
        return Check("file signature", "failed", reason), None

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
        archived = bool(reader.embedded_timestamp_signatures)  # PAdES B-LTA (issue 33)
    except Exception as error:  # a damaged file can fail anywhere in the parser
        return failed(f"not a readable signed PDF ({error})")
    if len(signatures) != 1:
        return failed(f"expected one signature, found {len(signatures)}")
    signature = signatures[0]
    byte_range = list(signature.byte_range)
    contents = signature.pkcs7_content
    whole = byte_range[2] + byte_range[3] == len(data) if len(byte_range) == 4 else False
    if len(byte_range) != 4 or byte_range[0] != 0 or not (whole or archived):
        return failed("the signature does not cover the whole file (bytes were added or removed)")
    if data[byte_range[1] : byte_range[2]] != b"<" + contents.hex().upper().encode("ascii") + b">":
        return failed("the signature value was altered")
    try:
        certificate = _envelope_certificate(contents)
    except ValueError as error:
        return failed(f"the signature value was altered ({error})")
    public = certificate.public_key()
    if isinstance(public, Ed25519PublicKey):
        return _sivil_key_signature(signature, public, keys)
    if not roots:
        return failed("no kredensial root certificate to check the signing certificate against")
    trusted = [asn1_x509.Certificate.load(root.public_bytes(Encoding.DER)) for root in roots]
    when = signature.self_reported_timestamp
    try:
        # A PAdES B-B signature carries no timestamp: the certificate is checked at the signing time the signed
        # dictionary states, so that a PDF outlives its signing certificate (rotation), never its root.
        context = ValidationContext(trust_roots=trusted, allow_fetching=False, moment=when)
        status = outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception as error:  # pyHanko reports a broken signature in many ways
        return failed(f"the signature could not be validated ({error})")
    if not status.intact:
        return failed("the signed bytes were changed")
    if not status.valid:
        return failed("the signature does not verify with its certificate")
    if not status.trusted:
        return failed("the signing certificate does not chain to the kredensial root certificate")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and not archival_updates_only(status):
        coverage = status.coverage.name if status.coverage else "unknown"
        return failed(f"the signature does not cover the whole file ({coverage})")
    altered = _altered_timestamp(status, reader, trusted)
    if altered:
        return failed(altered)
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(names[0].value) if names else certificate.subject.rfc4514_string()
    since = f", signed {when:%Y-%m-%d}" if when else ""
    if whole:
        return Check(
            "file signature", "ok", f"PAdES by {name}, chained to the kredensial root{since}, covering the whole file"
        ), None
    return Check(
        "file signature",
        "ok",
        f"PAdES B-LTA by {name}, chained to the kredensial root{since}, covering the whole file but the validation "
        "data and document timestamps added after it; its timestamps intact",
    ), None


def _altered_timestamp(
    status: PdfSignatureStatus, reader: PdfFileReader, trusted: list[asn1_x509.Certificate]
) -> str | None:
    """Why a timestamp of a PAdES B-T/B-LTA file cannot be believed, or None: the signature timestamp and each
    document timestamp must be intact (their digest is the signed bytes') and their signature must verify. Whether
    the TSA is one to trust is each validator's call (pyHanko with the TSA's root); a changed token is not."""
    stamped = status.timestamp_validity
    if stamped is not None and not (stamped.intact and stamped.valid):
        return "the signature timestamp was altered"
    for stamp in reader.embedded_timestamp_signatures:
        try:
            context = ValidationContext(trust_roots=trusted, allow_fetching=False)
            checked = outside_event_loop(functools.partial(validate_pdf_timestamp, stamp, context))
        except Exception as error:  # pyHanko reports a broken token in many ways
            return f"a document timestamp could not be validated ({error})"
        if not (checked.intact and checked.valid):
            return "a document timestamp was altered"
    return None


def _sivil_key_signature(
    signature: EmbeddedPdfSignature, public: Ed25519PublicKey, keys: KeyRing
) -> tuple[Check, str | None]:
    """A PDF signed before the kredensial root existed: a self-signed certificate of an Ed25519 SIVIL key."""

    def failed(reason: str) -> tuple[Check, None]:
        return Check("file signature", "failed", reason), None

    kid = kid_of(public)
    try:
        known = keys.public_key(kid)
    except StatementRejected as error:
        return failed(f"signed by an {error}")
    try:
        context = ValidationContext(trust_roots=[signature.signer_cert], allow_fetching=False)
        status = outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception as error:  # pyHanko reports a broken signature in many ways
        return failed(f"the signature could not be validated ({error})")
    if not status.intact:
        return failed("the signed bytes were changed")
    if not status.valid:
        return failed(f"the signature does not verify with key {kid}")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        coverage = status.coverage.name if status.coverage else "unknown"
        return failed(f"the signature does not cover the whole file ({coverage})")
    return Check("file signature", "ok", f"certified by SIVIL key {kid} ({known.status}), covering the whole file"), kid


def needs_root(data: bytes) -> bool:
    """Whether the file signature is to be checked against the kredensial root: any but an old PDF's Ed25519."""
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures
        return len(signatures) == 1 and signatures[0].signer_cert.public_key.algorithm != "ed25519"
    except Exception:  # a damaged file: the checks say what is wrong with it
        return False


def _envelope_certificate(contents: bytes) -> x509.Certificate:
    """The signing certificate, once every byte of the CMS envelope that the signature itself does not
    authenticate is exactly what we write: canonical DER, zero padding, one signer, fixed algorithms and versions,
    no unsigned attributes. The signed attributes are checked by the signature. An ECDSA P-256 signature (PAdES,
    SHA-256) carries its certificate chain; an old one by a SIVIL key (Ed25519, SHA-512) one self-signed
    certificate."""
    try:
        info = cms.ContentInfo.load(contents, strict=False)
        der = info.dump()
        if contents[len(der) :].strip(b"\0"):
            raise ValueError("bytes after the signature")
        if cms.ContentInfo.load(der).dump(force=True) != der:
            raise ValueError("not canonical DER")
        signed = info["content"]
        certificates = [c.chosen for c in signed["certificates"]]
        signers_ = signed["signer_infos"]
        if info["content_type"].native != "signed_data" or len(signers_) != 1:
            raise ValueError("not one signer")
        signer = signers_[0]
        sid = signer["sid"].chosen
        certificate = next(
            (
                c
                for c in certificates
                if (c.issuer.dump(), c.serial_number) == (sid["issuer"].dump(), sid["serial_number"].native)
            ),
            None,
        )
        if certificate is None:
            raise ValueError("the signer's certificate is missing")
        parsed = x509.load_der_x509_certificate(certificate.dump())
        public = parsed.public_key()
        if isinstance(public, Ed25519PublicKey):
            digest, algorithm, most = _SHA512, _ED25519, 1
        elif isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
            digest, algorithm, most = _SHA256, _ECDSA_SHA256, _MOST_CERTIFICATES
        else:
            raise ValueError("not an Ed25519 or ECDSA P-256 key")
        if len(certificates) > most:
            raise ValueError("not one signer with one certificate" if most == 1 else "too many certificates")
        pinned = {
            "signed data version": (signed["version"].native, "v1"),
            "digest algorithms": (signed["digest_algorithms"].native, [digest]),
            "content": (signed["encap_content_info"].native, {"content_type": "data", "content": None}),
            "revocation lists": (signed["crls"].native, None),
            "signer version": (signer["version"].native, "v1"),
            "signer digest": (signer["digest_algorithm"].native, digest),
            "signature algorithm": (signer["signature_algorithm"].native, algorithm),
        }
        for name, (found, expected) in pinned.items():
            if found != expected:
                raise ValueError(f"unexpected {name}")
        if _unsigned_types(signer) not in ([[]] if most == 1 else _UNSIGNED):
            raise ValueError("unexpected unsigned attributes")
        if most == 1:
            parsed.verify_directly_issued_by(parsed)
    except ValueError:
        raise
    except Exception as error:  # asn1crypto and cryptography report damaged structures in many ways
        raise ValueError(f"unreadable: {error}") from None
    return parsed


_SHA512 = {"algorithm": "sha512", "parameters": None}
_ED25519 = {"algorithm": "ed25519", "parameters": None}
_SHA256 = {"algorithm": "sha256", "parameters": None}
_ECDSA_SHA256 = {"algorithm": "sha256_ecdsa", "parameters": None}
_MOST_CERTIFICATES = 4  # the signing certificate and its chain: today two
_UNSIGNED: list[list[str]] = [
    [],
    ["signature_time_stamp_token"],
]  # PAdES B-B; B-T and later: one signature timestamp (issue 33)


def _unsigned_types(signer: cms.SignerInfo) -> list[str]:
    attributes = signer["unsigned_attrs"]
    return [] if attributes.native is None else [a["type"].native for a in attributes]
