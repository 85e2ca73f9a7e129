"""The key and certificate chain that sign our PDFs, and the kredensial root they chain to.

Why not the SIVIL Ed25519 keys, as before: PDF validators (poppler's ``pdfsig``, ``openssl cms``, Adobe Reader)
do not accept Ed25519 in a CMS signature and call a genuine file corrupted. So the file signature is ECDSA P-256,
by a document-signing certificate that the kredensial root CA issued; the root's certificate is published at
``/.well-known/kredensial-root.pem``, and a validator that trusts it trusts every signed PDF of ours. The Ed25519
keys keep signing what is ours alone: SIVIL statements, credentials, audit checkpoints.

Settings (:mod:`infra.settings`): ``KREDENSIAL_PDF_SIGNING_KEY`` (PEM private key of the signing certificate) and
``KREDENSIAL_PDF_SIGNING_CHAIN`` (PEM: the signing certificate, then its issuers up to and including the root).
On a development machine (SQLite) :func:`development_pki` makes both once under ``data_dir/pki/``.

Long-term validity (issue 33): ``KREDENSIAL_PDF_SIGNING_CRL`` names the root's CRL (``root.crl``, made beside the
root and re-issued with each signing certificate, valid as long as one), embedded in every PDF signed with a
timestamp from ``KREDENSIAL_TSA_URL`` (:mod:`~.pades`), so that a validator has the root's revocation answer for
the signing time without asking anyone. Rotation: issue a
new signing certificate from the same root and replace the two files; PDFs signed before still validate, as they
chain to the same root. The root's own key is needed only to issue; keep it offline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)
from cryptography.x509.oid import NameOID

ROOT_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "kredensial Root CA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kredensial"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
    ]
)
SIGNER_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "kredensial document signing"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kredensial"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
    ]
)
ROOT_YEARS, SIGNER_YEARS = 25, 3


@dataclass(frozen=True)
class DocumentSigner:
    """The ECDSA P-256 key that signs PDFs and its chain: the signing certificate first, the root last."""

    key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...] = ()  # the root's, embedded for long-term validation
    tsa_url: str = ""  # an RFC 3161 time-stamp authority: empty, the signatures are PAdES B-B
    tsa_roots: tuple[x509.Certificate, ...] = ()  # the TSA's root, when its answers leave it out

    def __post_init__(self) -> None:
        if not isinstance(self.key.curve, ec.SECP256R1):
            raise ValueError("the document-signing key is not ECDSA P-256")
        if not self.chain:
            raise ValueError("the document-signing chain is empty")
        if _public(self.chain[0]) != self.key.public_key().public_bytes(
            Encoding.DER, PublicFormat.SubjectPublicKeyInfo
        ):
            raise ValueError("the document-signing key is not the key of the first certificate of the chain")
        for certificate, issuer in zip(self.chain, self.chain[1:], strict=False):
            certificate.verify_directly_issued_by(issuer)
        self.root.verify_directly_issued_by(self.root)
        for crl in self.crls:
            root_key = self.root.public_key()
            valid = isinstance(root_key, ec.EllipticCurvePublicKey) and crl.is_signature_valid(root_key)
            if crl.issuer != self.root.subject or not valid:
                raise ValueError("the CRL is not one the kredensial root signed")

    @property
    def certificate(self) -> x509.Certificate:
        return self.chain[0]

    @property
    def root(self) -> x509.Certificate:
        return self.chain[-1]

    def root_pem(self) -> bytes:
        """What ``/.well-known/kredensial-root.pem`` serves."""
        return self.root.public_bytes(Encoding.PEM)

    @classmethod
    def from_pem(cls, key_pem: bytes, chain_pem: bytes) -> DocumentSigner:
        key = load_pem_private_key(key_pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("the document-signing key is not an ECDSA key")
        return cls(key, tuple(x509.load_pem_x509_certificates(chain_pem)))

    @classmethod
    def from_files(
        cls,
        key_path: Path,
        chain_path: Path,
        *,
        crl_path: Path | None = None,
        tsa_url: str = "",
        tsa_root_path: Path | None = None,
    ) -> DocumentSigner:
        try:
            signer = cls.from_pem(key_path.read_bytes(), chain_path.read_bytes())
            crls = (x509.load_pem_x509_crl(crl_path.read_bytes()),) if crl_path else ()
            tsa_roots = tuple(x509.load_pem_x509_certificates(tsa_root_path.read_bytes())) if tsa_root_path else ()
            for root in tsa_roots:
                if root.issuer != root.subject:
                    raise ValueError(f"the TSA root {root.subject.rfc4514_string()} is not self-issued")
            return replace(signer, crls=crls, tsa_url=tsa_url, tsa_roots=tsa_roots)
        except (OSError, ValueError) as error:
            raise RuntimeError(
                f"KREDENSIAL_PDF_SIGNING_KEY={key_path}, KREDENSIAL_PDF_SIGNING_CHAIN={chain_path}, "
                f"KREDENSIAL_PDF_SIGNING_CRL={crl_path or ''}, KREDENSIAL_TSA_ROOT={tsa_root_path or ''}: {error}"
            ) from None

    @classmethod
    def generate(cls, now: datetime | None = None) -> tuple[DocumentSigner, ec.EllipticCurvePrivateKey]:
        """A fresh root and a signing certificate it issued; the root's key is returned to issue the next one."""
        now = now or _now()
        root_key = ec.generate_private_key(ec.SECP256R1())
        root = issue_root(root_key, now=now)
        key = ec.generate_private_key(ec.SECP256R1())
        return cls(key, (issue_signing_certificate(root_key, root, key.public_key(), now=now), root)), root_key


def issue_root(key: ec.EllipticCurvePrivateKey, *, now: datetime) -> x509.Certificate:
    usage = _key_usage(key_cert_sign=True, crl_sign=True)
    return (
        _builder(ROOT_NAME, ROOT_NAME, key.public_key(), now, years=ROOT_YEARS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def issue_signing_certificate(
    root_key: ec.EllipticCurvePrivateKey,
    root: x509.Certificate,
    public_key: ec.EllipticCurvePublicKey,
    *,
    now: datetime,
    years: int = SIGNER_YEARS,
) -> x509.Certificate:
    """A document-signing certificate: signatures and non-repudiation (content commitment), nothing else."""
    usage = _key_usage(digital_signature=True, content_commitment=True)
    return (
        _builder(SIGNER_NAME, root.subject, public_key, now, years=years)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )


def issue_crl(
    root_key: ec.EllipticCurvePrivateKey, root: x509.Certificate, *, now: datetime, years: int = SIGNER_YEARS
) -> x509.CertificateRevocationList:
    """The root's CRL: it revoked nothing (a compromised signing key is answered by a new CRL listing it). Valid as
    long as a signing certificate, and re-issued with each (:func:`renew_signing_certificate`)."""
    start = now.replace(microsecond=0) - timedelta(minutes=5)
    return (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(start)
        .next_update(start + timedelta(days=365 * years + years // 4))
        .add_extension(x509.CRLNumber(int(start.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )


def development_pki(directory: Path) -> tuple[Path, Path]:
    """On a development machine: a root, a signing certificate and their keys made once under ``directory``, and the
    root's CRL (``root.crl``, :func:`crl_path`); answers the paths of the signing key and the chain, as the two
    settings name them."""
    key_path, chain_path = directory / "signing-key.pem", directory / "signing-chain.pem"
    if key_path.exists() and chain_path.exists():
        crl_path(directory)  # a directory made before the CRL existed gets one
        return key_path, chain_path
    directory.mkdir(parents=True, exist_ok=True)
    signer, root_key = DocumentSigner.generate()
    _write_key(directory / "root-key.pem", root_key)
    (directory / "root.pem").write_bytes(signer.root_pem())
    _write_crl(directory, root_key, signer.root)
    chain_path.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in signer.chain))
    _write_key(key_path, signer.key)
    return key_path, chain_path


def crl_path(directory: Path) -> Path | None:
    """The root's CRL in ``directory``, issued now when missing and the root's key is there; else None."""
    path = directory / "root.crl"
    if not path.exists() and (directory / "root-key.pem").exists() and (directory / "root.pem").exists():
        root_key, root = _root(directory)
        _write_crl(directory, root_key, root)
    return path if path.exists() else None


def renew_signing_certificate(directory: Path, now: datetime | None = None) -> tuple[Path, Path]:
    """Rotation: a new signing key and certificate from the root in ``directory`` (``root-key.pem``, ``root.pem``),
    written over ``signing-key.pem`` and ``signing-chain.pem`` (the previous ones kept as ``*.previous``)."""
    root_key, root = _root(directory)
    key = ec.generate_private_key(ec.SECP256R1())
    signer = DocumentSigner(key, (issue_signing_certificate(root_key, root, key.public_key(), now=now or _now()), root))
    key_path, chain_path = directory / "signing-key.pem", directory / "signing-chain.pem"
    for path in (key_path, chain_path):
        if path.exists():
            path.replace(path.with_name(path.name + ".previous"))
    chain_path.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in signer.chain))
    _write_key(key_path, key)
    _write_crl(directory, root_key, root, now=now)
    return key_path, chain_path


def _root(directory: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    root_key = load_pem_private_key((directory / "root-key.pem").read_bytes(), password=None)
    if not isinstance(root_key, ec.EllipticCurvePrivateKey):
        raise ValueError("the root key is not an ECDSA key")
    return root_key, x509.load_pem_x509_certificate((directory / "root.pem").read_bytes())


def _write_crl(
    directory: Path, root_key: ec.EllipticCurvePrivateKey, root: x509.Certificate, now: datetime | None = None
) -> None:
    (directory / "root.crl").write_bytes(issue_crl(root_key, root, now=now or _now()).public_bytes(Encoding.PEM))


def _now() -> datetime:
    return datetime.now(UTC)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, now: datetime, *, years: int
) -> x509.CertificateBuilder:
    start = now.replace(microsecond=0) - timedelta(days=1)  # a verifier's clock a little behind still accepts it
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years + years // 4))
    )


def _key_usage(
    *,
    digital_signature: bool = False,
    content_commitment: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _public(certificate: x509.Certificate) -> bytes:
    return certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


if __name__ == "__main__":  # python -m infra.documents.signing new|renew DIRECTORY
    import sys

    if len(sys.argv) != 3 or sys.argv[1] not in ("new", "renew"):
        sys.exit("usage: python -m infra.documents.signing new|renew DIRECTORY")
    made = (development_pki if sys.argv[1] == "new" else renew_signing_certificate)(Path(sys.argv[2]).resolve())
    print(f"KREDENSIAL_PDF_SIGNING_KEY={made[0]}\nKREDENSIAL_PDF_SIGNING_CHAIN={made[1]}")
    print(f"KREDENSIAL_PDF_SIGNING_CRL={made[1].with_name('root.crl')}")
