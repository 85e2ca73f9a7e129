"""Issue 33, item 4: with a time-stamp authority configured, every signed PDF of ours (the SIVIL statement, the SK,
the DPI) is PAdES B-LTA and pyHanko still validates it
after the document-signing certificate has expired, with nothing but what the file carries; ``pdfsig`` and our own
``verify-pdf`` accept it today; PDF/A-3b preflight still passes. A TSA that does not answer: nothing is signed.

The TSA is real RFC 3161 over HTTP on loopback (:mod:`tests.tsa`). SQLite only; no database is touched.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec, SimpleTrustManager
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy

from infra.documents.key_ring import KeyRing
from infra.documents.pades import TsaRootUnknown
from infra.documents.signing import DocumentSigner, development_pki
from infra.documents.timestamping import TimestampUnavailable
from infra.equivalency.sk_pdf import SkFields, render_sk_pdf
from infra.sivil.pdf import render_verification_pdf
from infra.sivil.verify import verify_pdf
from infra.submission.dpi_pdf import DpiHolder, render_dpi_pdf
from projections.submission.rows import DpiLine, DpiRow
from tests.api.test_pdf import AT, ENTRY, OLD_SEED, SERVER
from tests.api.test_pdf_signature_tools import TRUSTED, VALID, nss_database, signed_credential
from tests.api.test_pdfa import PDFA_1_ONLY, PREFLIGHT_JARS
from tests.tsa import LocalTsa, local_tsa

SK = SkFields(
    "SK-0001/PENYETARAAN/2026", "PIJ-2026-0001", "Siti Rahma", "University of Melbourne", "Computer Science",
    "AU", "Bachelor", "S1", "2026-03-02", "Direktur Jenderal Pendidikan Tinggi",
)  # fmt: skip


@pytest.fixture(scope="module")
def tsa() -> Iterator[LocalTsa]:
    with local_tsa() as running:
        yield running


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory, tsa: LocalTsa) -> tuple[DocumentSigner, Path]:
    """The development PKI as settings make it, its root's CRL included, and the local TSA configured."""
    directory = tmp_path_factory.mktemp("pki")
    key, chain = development_pki(directory)
    signer = DocumentSigner.from_files(key, chain, crl_path=directory / "root.crl", tsa_url=tsa.url)
    return signer, directory / "root.pem"


@pytest.fixture(scope="module")
def keys() -> KeyRing:
    return KeyRing.from_seeds([OLD_SEED])


@pytest.fixture(scope="module")
def sivil(pki: tuple[DocumentSigner, Path], keys: KeyRing) -> bytes:
    return render_verification_pdf(ENTRY, AT, keys, signer=pki[0], base_url=SERVER, credential=signed_credential(keys))


@pytest.fixture(scope="module")
def sk(pki: tuple[DocumentSigner, Path]) -> bytes:
    return render_sk_pdf(SK, pki[0], AT, server=SERVER)


@pytest.fixture(scope="module")
def dpi(pki: tuple[DocumentSigner, Path]) -> bytes:
    line = DpiLine(
        "s-1", "e-1", 1, "Amazon Web Services", "TECHNOLOGY_COMPANY", "FOREIGN", "Cloud",
        "AWS Certified Cloud Practitioner", "PASSED", "2025-05-02", None, "2025-05-10",
    )  # fmt: skip
    row = DpiRow("001002", "2020001", None, None, None, (line,))
    holder = DpiHolder("Siti Aminah", "Universitas Contoh", "55201", "Informatika")
    return render_dpi_pdf(row, holder, pki[0], AT, server=SERVER)


KINDS = ["sivil", "sk", "dpi"]


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def lta_validation(data: bytes, roots: list[x509.Certificate], when: datetime, mode: str) -> str:
    """PAdES-LTA validation (ETSI EN 319 102-1, 5.6.3) at ``when``, from the file alone (nothing fetched)."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[_asn1(r) for r in roots]),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy.from_legacy(mode)),
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    signature = PdfFileReader(io.BytesIO(data)).embedded_regular_signatures[0]
    result = asyncio.run(ades_lta_validation(signature, spec, ValidationTimingInfo(when, when, False)))
    return str(result.ades_subindic)


def expiry(signer: DocumentSigner) -> datetime:
    return signer.certificate.not_valid_after_utc


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", ["soft-fail", "hard-fail"])
def test_33_pyhanko_validates_every_kind_after_the_signing_certificate_expired(
    kind: str, mode: str, request: pytest.FixtureRequest, pki: tuple[DocumentSigner, Path], tsa: LocalTsa
) -> None:
    data = request.getfixturevalue(kind)
    signer = pki[0]
    for when in (expiry(signer) + timedelta(days=1), expiry(signer) + timedelta(days=365 * 20)):
        assert lta_validation(data, [signer.root, tsa.root], when, mode) == "AdESPassed.OK", (kind, mode, when)


@pytest.mark.parametrize("kind", KINDS)
def test_33_the_file_carries_the_signature_timestamp_the_dss_with_the_roots_crl_and_a_document_timestamp(
    kind: str, request: pytest.FixtureRequest, pki: tuple[DocumentSigner, Path], tsa: LocalTsa
) -> None:
    data = request.getfixturevalue(kind)
    reader = PdfFileReader(io.BytesIO(data))
    signature = reader.embedded_regular_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    dss = DocumentSecurityStore.read_dss(reader)
    crls = [asn1_crl.CertificateList.load(crl.get_object().data) for crl in dss.crls]
    issuers = {crl["tbs_cert_list"]["issuer"].native["common_name"] for crl in crls}
    assert issuers == {"kredensial Root CA", "kredensial test TSA root"}  # both CRLs, the TSA's fetched: B-LT
    assert len(reader.embedded_timestamp_signatures) == 1  # B-LTA
    later = expiry(pki[0]) + timedelta(days=365 * 10)
    roots = [_asn1(pki[0].root), _asn1(tsa.root)]
    # Step by step, as a validator without the AdES machinery does it: the document timestamp holds today and
    # after expiry; the signature holds at the time its timestamp proves, with the data the file embeds.
    stamp = reader.embedded_timestamp_signatures[0]
    stamped = validate_pdf_timestamp(stamp, ValidationContext(trust_roots=roots, allow_fetching=False, moment=later))
    assert stamped.valid and stamped.trusted and stamped.intact
    proven = validate_pdf_signature(
        signature, ValidationContext(trust_roots=roots, allow_fetching=False)
    ).timestamp_validity
    assert proven and proven.valid and proven.trusted
    embedded = [asn1_x509.Certificate.load(c.get_object().data) for c in dss.certs.values()]
    at_that_time = ValidationContext(
        trust_roots=roots, allow_fetching=False, moment=proven.timestamp, crls=crls, other_certs=embedded
    )
    status = validate_pdf_signature(signature, at_that_time)
    assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION


def test_33_without_a_tsa_a_verifier_sees_the_signature_valid_until_the_certificate_expires(
    pki: tuple[DocumentSigner, Path], tsa: LocalTsa
) -> None:
    """What the README tells: PAdES B-B, no timestamp, so nothing proves the signature older than the certificate."""
    plain = dataclasses.replace(pki[0], tsa_url="")
    data = render_sk_pdf(SK, plain, AT, server=SERVER)
    reader = PdfFileReader(io.BytesIO(data))
    assert not reader.embedded_timestamp_signatures
    signature = reader.embedded_regular_signatures[0]
    roots = [_asn1(plain.root)]
    now = ValidationContext(trust_roots=roots, allow_fetching=False)
    assert validate_pdf_signature(signature, now).bottom_line
    later = ValidationContext(trust_roots=roots, allow_fetching=False, moment=expiry(plain) + timedelta(days=1))
    assert not validate_pdf_signature(signature, later).bottom_line


def test_33_a_tsa_that_does_not_answer_signs_nothing_and_says_try_again(
    pki: tuple[DocumentSigner, Path], tsa: LocalTsa
) -> None:
    tsa.failing = True
    try:
        with pytest.raises(TimestampUnavailable, match="time-stamp authority"):
            render_sk_pdf(SK, pki[0], AT, server=SERVER)
    finally:
        tsa.failing = False
    down = dataclasses.replace(pki[0], tsa_url="http://127.0.0.1:9/tsa")  # nobody listens
    with pytest.raises(TimestampUnavailable):
        render_sk_pdf(SK, down, AT, server=SERVER)


def test_33_a_tsa_whose_crl_server_is_down_signs_nothing_and_says_try_again(
    pki: tuple[DocumentSigner, Path], tsa: LocalTsa
) -> None:
    tsa.crl_failing = True
    try:
        with pytest.raises(TimestampUnavailable, match="validation data"):
            render_sk_pdf(SK, pki[0], AT, server=SERVER)
    finally:
        tsa.crl_failing = False


def test_33_a_tsa_that_leaves_out_its_root_needs_it_configured_then_validates_hard_fail_after_expiry(
    pki: tuple[DocumentSigner, Path], tmp_path: Path
) -> None:
    with local_tsa(embeds_root=False) as bare:
        unknown = dataclasses.replace(pki[0], tsa_url=bare.url)
        with pytest.raises(TsaRootUnknown, match="KREDENSIAL_TSA_ROOT"):
            render_sk_pdf(SK, unknown, AT, server=SERVER)  # no PDF a strict validator would call indeterminate
        root = tmp_path / "tsa-root.pem"
        root.write_bytes(bare.root.public_bytes(Encoding.PEM))
        directory = pki[1].parent
        configured = DocumentSigner.from_files(
            directory / "signing-key.pem",
            directory / "signing-chain.pem",
            crl_path=directory / "root.crl",
            tsa_url=bare.url,
            tsa_root_path=root,
        )
        data = render_sk_pdf(SK, configured, AT, server=SERVER)
    assert configured.tsa_roots == (bare.root,)
    when = expiry(configured) + timedelta(days=365 * 20)
    assert lta_validation(data, [configured.root, bare.root], when, "hard-fail") == "AdESPassed.OK"


def test_33_verify_pdf_accepts_the_b_lta_file_and_refuses_a_change_after_it(
    sivil: bytes, keys: KeyRing, pki: tuple[DocumentSigner, Path]
) -> None:
    result = verify_pdf(sivil, keys, roots=(pki[0].root,))
    check = result.check("file signature")
    assert check.outcome == "ok" and "B-LTA" in check.detail, check
    assert result.check("credential").outcome == "ok"
    at = sivil.index(b"/SIVILStatement") + 3  # a byte the certification signature covers
    changed = sivil[:at] + b"X" + sivil[at + 1 :]
    assert verify_pdf(changed, keys, roots=(pki[0].root,)).check("file signature").outcome == "failed"


@pytest.mark.parametrize("kind", KINDS)
def test_33_verify_pdf_refuses_a_file_whose_timestamps_were_altered(
    kind: str, request: pytest.FixtureRequest, keys: KeyRing, pki: tuple[DocumentSigner, Path]
) -> None:
    data = request.getfixturevalue(kind)
    reader = PdfFileReader(io.BytesIO(data))
    stamp = reader.embedded_timestamp_signatures[0]
    start, length = stamp.byte_range[1] + 1, stamp.byte_range[2] - stamp.byte_range[1] - 2
    token = data[start : start + length]
    # A byte the document timestamp covers (the DSS revision), and a byte of its token's signature value.
    dss_at = data.index(b"/DSS")
    covered = data[:dss_at] + b"/DSX" + data[dss_at + 4 :]
    inside = token.rstrip(b"0")
    flipped = inside[:-4] + (b"0000" if inside[-4:] != b"0000" else b"1111")
    forged_token = data[:start] + flipped + data[start + len(flipped) :]
    signature = reader.embedded_regular_signatures[0]
    sig_start = signature.byte_range[1] + 1
    sig_hex = data[sig_start : signature.byte_range[2] - 1].rstrip(b"0")
    tst_at = sig_start + len(sig_hex) - 8  # the signature timestamp token closes the CMS (unsigned attributes)
    other = b"00" if data[tst_at : tst_at + 2] != b"00" else b"11"
    forged_signature_stamp = data[:tst_at] + other + data[tst_at + 2 :]

    assert verify_pdf(data, keys, roots=(pki[0].root,)).check("file signature").outcome == "ok"
    for changed in (covered, forged_token, forged_signature_stamp):
        check = verify_pdf(changed, keys, roots=(pki[0].root,)).check("file signature")
        assert check.outcome == "failed", (kind, check)


@pytest.mark.skipif(not (shutil.which("pdfsig") and shutil.which("certutil")), reason="poppler-utils, libnss3-tools")
@pytest.mark.parametrize("kind", KINDS)
def test_33_pdfsig_reports_the_signature_valid_and_trusted_today(
    kind: str, request: pytest.FixtureRequest, pki: tuple[DocumentSigner, Path], tmp_path: Path
) -> None:
    path = tmp_path / "checked.pdf"
    path.write_bytes(request.getfixturevalue(kind))
    nss = nss_database(tmp_path / "nss", pki[1])
    lines = subprocess.run(["pdfsig", "-nssdir", nss, str(path)], capture_output=True, text=True, timeout=60).stdout
    first = lines.split("Signature #2")[0].splitlines()
    assert VALID in first and TRUSTED in first, lines
    assert "  - Signature Type: ETSI.CAdES.detached" in first


@pytest.mark.skipif(
    not (shutil.which("java") and all(jar.is_file() for jar in PREFLIGHT_JARS)), reason="PDFBox Preflight"
)
def test_33_the_b_lta_file_passes_pdfbox_preflight_as_before(sivil: bytes, tmp_path: Path) -> None:
    path = tmp_path / "checked.pdf"
    path.write_bytes(sivil)
    classpath = ":".join(str(jar) for jar in PREFLIGHT_JARS)
    command = ["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    findings = [line for line in done.stdout.splitlines() if re.match(r"\d+(\.\d+)* : ", line)]
    assert "is not a valid PDF/A-1b file" in done.stdout, done.stdout + done.stderr
    assert not [line for line in findings if not line.startswith(PDFA_1_ONLY)], done.stdout


def test_33_a_signed_pdf_asked_for_while_the_tsa_is_down_is_a_503_problem_with_retry_after() -> None:
    """Every route that signs a PDF (the DPI, the SK, the SIVIL statement) answers a TSA that is away like a database
    that is away: 503, the problem, Retry-After; never a 500."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api import problems

    app = FastAPI()
    problems.install(app)

    @app.get("/dpi.pdf")
    async def dpi() -> None:
        raise TimestampUnavailable("the TSA at http://127.0.0.1:9 did not answer")

    answer = TestClient(app, raise_server_exceptions=False).get("/dpi.pdf")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["type"] == "/problems/unavailable" and "127.0.0.1" not in answer.text
