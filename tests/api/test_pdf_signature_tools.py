"""PIN-7: a signed PDF of ours is valid for the PDF validators people use, not only for ``kredensial verify-pdf``.

poppler's ``pdfsig`` (with the published kredensial root trusted in a temporary NSS database) and ``openssl cms``
check the PAdES signature; our verifier accepts the PDF with the kredensial root and refuses it with another root.
SQLite only (the published root is read through the real app); pdfsig and certutil come with ``./run test``.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi.testclient import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader
from typer.testing import CliRunner

from api.http import create_app
from api.well_known import ROOT_CERTIFICATE_PATH
from domain.credentials import proof
from domain.credentials.diploma import diploma_credential
from domain.credentials.documents import Issuer
from domain.credentials.status_list import StatusSlot
from infra.bootstrap import Container
from infra.documents.certification import Attachment
from infra.documents.checks import Verdict
from infra.documents.credentials.keys import IssuerKeys
from infra.documents.credentials.verify_cli import read_credential, verify_credential_cli
from infra.documents.key_ring import KeyRing
from infra.documents.published import roots_from_pem
from infra.documents.signing import DocumentSigner, development_pki, renew_signing_certificate
from infra.main import cli as build_cli
from infra.settings import Settings
from infra.sivil.pdf import render_verification_pdf
from infra.sivil.qr import credential_link, qr_operators
from infra.sivil.verify import verify_pdf
from infra.verify_pdf import verify_pdf_cli
from tests.api.test_pdf import AT, ENTRY, OLD_SEED, SERVER
from tests.signed_pdfs import old_style_verification_pdf, pdf_signing_env

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdfsig") and shutil.which("certutil")),
    reason="poppler-utils and libnss3-tools are not installed (./run test installs them)",
)

VALID = "  - Signature Validation: Signature is Valid."
TRUSTED = "  - Certificate Validation: Certificate is Trusted."
UNTRUSTED_ISSUER = "  - Certificate Validation: Certificate issuer isn't Trusted."
CHANGED = "  - Signature Validation: Digest Mismatch."
NOTE = Attachment("note.txt", b"an attachment of the caller's", "text/plain", "A note", "/Supplement")


@pytest.fixture
def store() -> str:
    return "sqlite"  # the route is the same on both stores


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocumentSigner, Path]:
    """The development PKI as settings make it (files under data_dir/pki), and the root certificate's file."""
    directory = tmp_path_factory.mktemp("pki")
    key, chain = development_pki(directory)
    return DocumentSigner.from_files(key, chain), directory / "root.pem"


@pytest.fixture(scope="module")
def keys() -> KeyRing:
    return KeyRing.from_seeds([OLD_SEED])


def signed_credential(keys: KeyRing) -> dict[str, Any]:
    """The diploma's W3C credential as the issuer at ``SERVER`` signs it (issue 13)."""
    issuer = Issuer(SERVER)
    return proof.secure(diploma_credential(ENTRY, StatusSlot(0, 7, AT), issuer), IssuerKeys(keys, issuer), created=AT)


@pytest.fixture(scope="module")
def pdf(pki: tuple[DocumentSigner, Path], keys: KeyRing) -> bytes:
    signer, _ = pki
    credential = signed_credential(keys)
    return render_verification_pdf(
        ENTRY, AT, keys, signer=signer, base_url=SERVER, attachments=[NOTE], credential=credential
    )


def nss_database(directory: Path, root: Path | None) -> str:
    """A fresh NSS database trusting ``root`` for signatures (pdfsig checks the e-mail-signer usage: ",C,")."""
    directory.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"], check=True)
    if root is not None:
        trust = ["certutil", "-A", "-d", f"sql:{directory}", "-n", "kredensial-root", "-t", "C,C,", "-a"]
        subprocess.run([*trust, "-i", str(root)], check=True)
    return f"sql:{directory}"


def pdfsig(data: bytes, nss: str, tmp_path: Path, name: str = "checked.pdf") -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run(["pdfsig", "-nssdir", nss, str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout.splitlines()


def in_a_content_stream(data: bytes) -> int:
    """A byte of the page's text, inside the signed range (not in /Contents)."""
    return data.index(b"(0010025520230001234)") + 5


def test_PIN_7_pdfsig_reports_the_signature_valid_and_the_certificate_trusted_with_the_kredensial_root(
    pdf: bytes, pki: tuple[DocumentSigner, Path], tmp_path: Path
) -> None:
    lines = pdfsig(pdf, nss_database(tmp_path / "nss", pki[1]), tmp_path)
    assert VALID in lines and TRUSTED in lines, lines
    assert "  - Signer Certificate Common Name: kredensial document signing" in lines
    assert "  - Signing Hash Algorithm: SHA-256" in lines
    assert "  - Signature Type: ETSI.CAdES.detached" in lines  # PAdES
    assert "  - Total document signed" in lines


def test_PIN_7_pdfsig_reports_a_changed_pdf_not_valid(
    pdf: bytes, pki: tuple[DocumentSigner, Path], tmp_path: Path
) -> None:
    at = in_a_content_stream(pdf)
    changed = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    lines = pdfsig(changed, nss_database(tmp_path / "nss", pki[1]), tmp_path)
    assert CHANGED in lines and VALID not in lines, lines


def test_PIN_7_pdfsig_without_the_root_finds_the_signature_valid_but_the_certificate_not_trusted(
    pdf: bytes, tmp_path: Path
) -> None:
    lines = pdfsig(pdf, nss_database(tmp_path / "nss", None), tmp_path)
    assert VALID in lines and UNTRUSTED_ISSUER in lines and TRUSTED not in lines, lines


def test_PIN_7_openssl_cms_verifies_the_signature_over_the_signed_bytes_with_the_root(
    pdf: bytes, pki: tuple[DocumentSigner, Path], tmp_path: Path
) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    start, first, second, length = signature.byte_range
    (tmp_path / "signed").write_bytes(pdf[start : start + first] + pdf[second : second + length])
    (tmp_path / "sig.der").write_bytes(cms.ContentInfo.load(signature.pkcs7_content, strict=False).dump())
    command = [openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "sig.der")]
    command += ["-content", str(tmp_path / "signed"), "-CAfile", str(pki[1]), "-purpose", "any", "-out", "/dev/null"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Verification successful" in done.stderr, done.stderr
    (tmp_path / "signed").write_bytes(b"x" + (tmp_path / "signed").read_bytes()[1:])
    refused = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0


def test_PIN_7_our_verifier_accepts_the_pdf_with_the_kredensial_root_and_refuses_it_with_another_root(
    pdf: bytes, pki: tuple[DocumentSigner, Path], keys: KeyRing, tmp_path: Path
) -> None:
    _, root = pki
    result = verify_pdf(pdf, keys, roots=roots_from_pem(root.read_bytes()))
    assert result.ok, result.checks
    assert result.check("file signature").detail.startswith("PAdES by kredensial document signing, chained to")
    other, _ = DocumentSigner.generate()
    refused = verify_pdf(pdf, keys, roots=(other.root,))
    assert refused.check("file signature").detail == (
        "the signing certificate does not chain to the kredensial root certificate"
    )
    assert not refused.authentic
    path, keys_file, other_root = tmp_path / "sivil.pdf", tmp_path / "keys.json", tmp_path / "other-root.pem"
    path.write_bytes(pdf)
    keys_file.write_text(keys.published_json())
    other_root.write_bytes(other.root_pem())
    code, lines = verify_pdf_cli(path, keys_file, None, True, root)
    assert code == Verdict.STATUS_UNKNOWN, lines
    assert lines[1] == f"root certificate: from the file {root}"
    code, lines = verify_pdf_cli(path, keys_file, None, True, other_root)
    assert code == Verdict.NOT_VERIFIED and lines[-1] == "NOT VERIFIED: file signature failed", lines
    code, lines = verify_pdf_cli(path, keys_file, None, True, keys_file)
    assert code == Verdict.USAGE and lines[0].startswith(f"cannot use the root certificate in {keys_file}")


def test_PIN_7_after_the_signing_certificate_is_renewed_old_and_new_pdfs_verify_with_the_same_root(
    pdf: bytes, pki: tuple[DocumentSigner, Path], keys: KeyRing, tmp_path: Path
) -> None:
    signer, root = pki
    copy = shutil.copytree(root.parent, tmp_path / "pki")
    successor = DocumentSigner.from_files(*renew_signing_certificate(copy))
    assert successor.certificate != signer.certificate and successor.root == signer.root
    newer = render_verification_pdf(ENTRY, AT, keys, signer=successor, base_url=SERVER)
    for data in (pdf, newer):
        assert verify_pdf(data, keys, roots=(signer.root,)).ok
    lines = pdfsig(newer, nss_database(tmp_path / "nss", root), tmp_path)
    assert VALID in lines and TRUSTED in lines, lines


def test_PIN_7_an_old_pdf_signed_by_the_sivil_key_still_verifies_with_our_verifier(keys: KeyRing) -> None:
    old = old_style_verification_pdf(ENTRY, AT, keys, base_url=SERVER)
    result = verify_pdf(old, keys)
    assert result.ok, result.checks
    assert result.check("file signature").detail.startswith(f"certified by SIVIL key {keys.active_kid}")


def test_PIN_7_the_credential_is_an_associated_file_covered_by_the_signature_and_the_qr_is_its_link(
    pdf: bytes, keys: KeyRing, pki: tuple[DocumentSigner, Path]
) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    credential = json.loads(reader.attachments["credential.json"][0])
    assert credential["credentialSubject"]["nina"] == ENTRY.nina
    assert set(reader.attachments) == {"sivil-statement.txt", "note.txt", "credential.json"}
    associated = [spec.get_object() for spec in reader.trailer["/Root"]["/AF"]]
    assert [(spec["/F"], spec["/AFRelationship"]) for spec in associated] == [
        ("sivil-statement.txt", "/Source"),  # PDF/A-3: every embedded file is an associated file
        ("note.txt", "/Supplement"),
        ("credential.json", "/Alternative"),
    ]
    assert associated[2]["/EF"]["/F"].get_object()["/Subtype"] == "/application/vc"
    link = credential_link(credential, SERVER)
    assert link is not None and link.startswith(f"{SERVER}/sivil/credential/verify#vc=")
    assert qr_operators(link).encode("ascii") in reader.pages[0].get_contents().get_data()  # type: ignore[union-attr]
    result = verify_pdf(pdf, keys, roots=roots_from_pem(pki[1].read_bytes()))
    assert result.check("credential").outcome == "ok", result.checks


def test_PIN_7_the_kredensial_root_is_published_and_verifies_the_pdfs_the_server_signs(
    container: Container, tmp_path: Path
) -> None:
    with TestClient(create_app(container.services)) as http:
        published = http.get(ROOT_CERTIFICATE_PATH)
    assert published.status_code == 200 and published.headers["content-type"] == "application/x-pem-file"
    [root] = x509.load_pem_x509_certificates(published.content)
    settings = container.settings
    assert settings.pdf_signing_chain == settings.data_dir / "pki" / "signing-chain.pem"
    assert (settings.data_dir / "pki" / "root.pem").read_bytes() == root.public_bytes(Encoding.PEM)
    assert root.subject.rfc4514_string() == "C=ID,O=kredensial,CN=kredensial Root CA"
    constraints = root.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    for secret in ("root-key.pem", "signing-key.pem"):
        assert (settings.data_dir / "pki" / secret).stat().st_mode & 0o777 == 0o600
    signed = container.services.diploma.sivil_public.render_pdf(ENTRY, AT)
    keys = container.services.diploma.sivil_public.keys
    assert isinstance(keys, KeyRing)
    assert verify_pdf(signed, keys, roots=(root,)).ok
    # The command line, as a verifier uses it: the keys and the root saved from the server, no network.
    (tmp_path / "sivil.pdf").write_bytes(signed)
    (tmp_path / "keys.json").write_text(keys.published_json())
    (tmp_path / "root.pem").write_bytes(published.content)
    cli = build_cli(lambda: container, serve_settings=lambda: ("127.0.0.1", 0, False))
    arguments = ["verify-pdf", str(tmp_path / "sivil.pdf"), "--keys", str(tmp_path / "keys.json")]
    verified = CliRunner().invoke(cli, [*arguments, "--root", str(tmp_path / "root.pem"), "--offline"])
    assert verified.exit_code == Verdict.STATUS_UNKNOWN, verified.output
    assert "OK           file signature: PAdES by kredensial document signing" in verified.output


def test_the_pdf_signing_files_are_required_with_postgresql_and_generated_once_on_sqlite(tmp_path: Path) -> None:
    base = {"KREDENSIAL_DATA_DIR": str(tmp_path / "var"), "KREDENSIAL_SECRET": "s" * 40, "KREDENSIAL_MASTER_KEY": "1"}
    postgres = {**base, "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32, "KREDENSIAL_DATABASE_URL": "postgresql://x/y"}
    with pytest.raises(RuntimeError, match="KREDENSIAL_PDF_SIGNING_KEY: required with PostgreSQL"):
        Settings.from_env(postgres)
    with pytest.raises(RuntimeError, match="KREDENSIAL_PDF_SIGNING_KEY, KREDENSIAL_PDF_SIGNING_CHAIN: set both"):
        Settings.from_env({**base, "KREDENSIAL_PDF_SIGNING_KEY": str(tmp_path / "key.pem")})
    first, again = Settings.from_env(base), Settings.from_env(base)
    assert (first.pdf_signing_key, first.pdf_signing_chain) == (again.pdf_signing_key, again.pdf_signing_chain)
    chain = first.pdf_signing_chain.read_bytes()
    assert Settings.from_env(base).pdf_signing_chain.read_bytes() == chain  # made once, not again
    with pytest.raises(RuntimeError, match="KREDENSIAL_PUBLIC_URL: required with PostgreSQL"):
        Settings.from_env({**postgres, **pdf_signing_env(tmp_path / "elsewhere"), "KREDENSIAL_PUBLIC_URL": ""})
    named = Settings.from_env({**postgres, **pdf_signing_env(tmp_path / "elsewhere")})
    assert named.pdf_signing_key == tmp_path / "elsewhere" / "signing-key.pem"
    other, _ = DocumentSigner.generate()
    (tmp_path / "other.pem").write_bytes(other.certificate.public_bytes(Encoding.PEM))
    with pytest.raises(RuntimeError, match=r"KREDENSIAL_PDF_SIGNING_KEY=.*not the key of the first certificate"):
        DocumentSigner.from_files(first.pdf_signing_key, tmp_path / "other.pem")


def test_issue_13_a_pdf_whose_credential_says_otherwise_than_its_statement_fails_and_the_cli_reads_its_credential(
    pdf: bytes, keys: KeyRing, pki: tuple[DocumentSigner, Path], tmp_path: Path
) -> None:
    signer, root = pki
    issuer = Issuer(SERVER)
    other = proof.secure(
        diploma_credential(replace(ENTRY, nim="2019999999"), StatusSlot(0, 8, AT), issuer),
        IssuerKeys(keys, issuer),
        created=AT,
    )
    mismatched = render_verification_pdf(ENTRY, AT, keys, signer=signer, base_url=SERVER, credential=other)
    result = verify_pdf(mismatched, keys, roots=roots_from_pem(root.read_bytes()))
    assert result.check("credential").outcome == "failed" and "nim" in result.check("credential").detail
    assert not result.ok

    file = tmp_path / "sivil.pdf"
    file.write_bytes(pdf)
    did = tmp_path / "did.json"
    did.write_text(json.dumps(IssuerKeys(keys, issuer).did_document()))
    assert read_credential(file) == signed_credential(keys) | {"proof": read_credential(file)["proof"]}
    code, lines = verify_credential_cli(file, did, [], None, True)
    assert code == 3 and lines[0].startswith("STATUS_UNKNOWN: signed by did:web:sivil.example.go.id#"), lines
