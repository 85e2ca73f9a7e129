"""Issue 33, item 2: every document is complete and verifiable. The DPI (SUB-8), the LSP certificate (ASM-7), the SK
(EQV-4) with the SK a review replaced (EQV-8), its replacement letter (EQV-7) and the BK letter (ASM-6 step 5),
downloaded through the real app by those entitled: each shows what a reader of the paper expects and no internal id,
is PDF/A-3b (PDFBox Preflight), signed (pdfsig), with a QR (zbarimg) that is the verification link of the credential
it embeds (Digital Bazaar verifies it); ``verify-pdf`` exits 0 for it and 1 for a tampered copy."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.auth import mint
from api.http import create_app
from domain.assessment.sop import Result, Step
from domain.audit import Actor, Cause, Role
from domain.credentials.packing import unpack
from infra.bootstrap import Container
from infra.documents.checks import Verdict
from infra.documents.credentials.in_pdf import embedded_credential
from infra.documents.published import roots_from_pem
from infra.verify_pdf import verify_pdf_command
from tests.api.test_pdf_signature_tools import TRUSTED, VALID, nss_database, pdfsig
from tests.api.test_pdfa import PDFA_1_ONLY, PREFLIGHT_JARS
from tests.assessment.lsp import CANDIDATE, KABAG_ADMINISTRASI, LSP, Office
from tests.credentials import digital_bazaar
from tests.credentials.digital_bazaar import documents_for
from tests.credentials.test_diploma_credentials import get
from tests.equivalency.directorate import LEGAL, TEAM, Directorate, applicant
from tests.submission.desk import NIM, Desk
from tests.world import OPERATOR, UNIVERSITY, Clock, World

RULE_ID = re.compile(r"\b(?:PIN|SUB|ASM|EQV)-\d")  # no internal id on paper
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def store() -> str:
    return "sqlite"  # rendering is the same on both stores


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def bearer(container: Container, role: Role, subject: str, institution: str | None) -> dict[str, str]:
    token = mint(container.services.token_secret, subject=subject, role=role, institution=institution)
    return {"Authorization": f"Bearer {token}"}


def pdf_of(client: TestClient, path: str, headers: dict[str, str]) -> bytes:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


def page_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def verify(
    client: TestClient, container: Container, data: bytes, tmp_path: Path, name: str = "document.pdf"
) -> tuple[int, list[str]]:
    path = tmp_path / name
    path.write_bytes(data)
    public = container.services.diploma.sivil_public

    def http_get(url: str) -> tuple[int, bytes]:
        parts = urlsplit(url)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        return response.status_code, response.content

    return verify_pdf_command(path, public.keys, None, roots=roots_from_pem(public.root_certificate), http_get=http_get)


def tampered(data: bytes) -> bytes:
    """One byte of the page's content changed, inside the signed range."""
    at = data.index(b"stream\n", data.index(b"/Contents")) + 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def checked_everywhere(client: TestClient, container: Container, data: bytes, tmp_path: Path) -> dict[str, Any]:
    """What every document must pass; returns its embedded credential."""
    name = f"document-{len(list(tmp_path.glob('document*.pdf')))}.pdf"  # each kept, to be looked at
    code, lines = verify(client, container, data, tmp_path, name)
    assert code == Verdict.VERIFIED, lines
    code, lines = verify(client, container, tampered(data), tmp_path, "tampered.pdf")
    assert code == Verdict.NOT_VERIFIED, lines
    credential = embedded_credential(data)
    assert credential is not None
    [result] = digital_bazaar.verify([credential], documents_for([credential], get(client)))
    assert result["verified"], result["errors"]
    text = page_text(data)
    assert not UUID_TEXT.search(text) and not RULE_ID.search(text) and "AU-BACHELOR" not in text, text
    server = str(PdfReader(io.BytesIO(data)).metadata["/SIVILServer"])
    assert f"{server}/.well-known/kredensial-root.pem" in text.replace(" ", "") or "kredensial-root.pem" in text
    if shutil.which("pdfsig") and shutil.which("certutil"):
        root = tmp_path / "root.pem"
        root.write_bytes(container.services.diploma.sivil_public.root_certificate)
        lines = pdfsig(data, nss_database(tmp_path / f"nss-{len(list(tmp_path.iterdir()))}", root), tmp_path)
        assert VALID in lines and TRUSTED in lines, lines
    if shutil.which("java") and all(jar.is_file() for jar in PREFLIGHT_JARS):
        path = tmp_path / "preflight.pdf"
        path.write_bytes(data)
        classpath = ":".join(str(jar) for jar in PREFLIGHT_JARS)
        command = ["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(path)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        findings = [line for line in done.stdout.splitlines() if re.match(r"\d+(\.\d+)* : ", line)]
        assert not [line for line in findings if not line.startswith(PDFA_1_ONLY)], done.stdout
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "300", str(tmp_path / name), str(tmp_path / "page")],
            check=True,
            timeout=120,
        )
        pages = sorted(tmp_path.glob("page*.png"))
        done = subprocess.run(["zbarimg", "-q", "--raw", *map(str, pages)], capture_output=True, text=True, timeout=60)
        [link] = done.stdout.split()
        assert link.startswith(f"{server}/sivil/credential/verify#vc=")
        assert unpack(link.split("#vc=", 1)[1]) == credential
        for png in pages:
            png.unlink()
    return credential


def test_ASM_7_the_certificate_pdf_shows_its_numbers_skema_units_and_validity_and_verifies(
    world: World, container: Container, client: TestClient, tmp_path: Path
) -> None:
    office = Office(world).setup()
    office.certified(blangko="0012345", registration="62090 2512 3 0000001 2024")
    world.project()
    path = f"/sertifikat/{quote('62090 2512 3 0000001 2024')}/certificate.pdf"
    data = pdf_of(client, path, bearer(container, Role.ASESI, CANDIDATE, LSP))

    credential = checked_everywhere(client, container, data, tmp_path)
    text = page_text(data)

    for shown in (
        "SERTIFIKAT KOMPETENSI",
        "CERTIFICATE OF COMPETENCE",
        "0012345",
        "62090 2512 3 0000001 2024",
        credential["credentialSubject"]["name"],
        credential["credentialSubject"]["skemaTitle"],
        *credential["credentialSubject"]["competencyUnits"],
        "Berlaku sampai / Valid until",
        credential["validUntil"][:4],
    ):
        assert shown in text, shown
    assert client.get(path, headers=bearer(container, Role.KETUA_LSP, "ketua@lsp", LSP)).status_code == 200
    assert client.get(path, headers=bearer(container, Role.ASESI, "ASESI-0002", LSP)).status_code == 404
    assert client.get(path, headers=bearer(container, Role.KETUA_LSP, "k@other", "LSP-OTHER")).status_code == 404
    assert client.get(path).status_code == 401


def test_ASM_6_the_bk_letter_names_the_units_not_yet_competent_and_verifies(
    world: World, container: Container, client: TestClient, tmp_path: Path
) -> None:
    office = Office(world).setup()
    assessment_id = office.decided(Result.BK)
    path = f"/assessments/{assessment_id}/bk-letter.pdf"
    candidate = bearer(container, Role.ASESI, CANDIDATE, LSP)
    world.project()
    assert client.get(path, headers=candidate).status_code == 404  # step 5 not yet done
    office.step(assessment_id, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, reference="SKBK/LSP/2024/017")
    world.project()
    data = pdf_of(client, path, candidate)

    credential = checked_everywhere(client, container, data, tmp_path)
    text = page_text(data)

    assert credential["type"] == ["VerifiableCredential", "NotYetCompetentCredential"]
    assert "credentialStatus" not in credential
    for shown in (
        "SURAT KETERANGAN BELUM KOMPETEN",
        "SKBK/LSP/2024/017",
        "SK/LSP/2024/081",
        "Belum kompeten / Not yet competent",
        *credential["credentialSubject"]["notYetCompetentUnits"],
    ):
        assert shown in text, shown
    assert client.get(path, headers=bearer(container, Role.KABAG_ADMINISTRASI, "adm@lsp", LSP)).status_code == 200
    assert client.get(path, headers=bearer(container, Role.ASESI, "ASESI-0002", LSP)).status_code == 404


def test_EQV_4_the_sk_names_its_signatory_and_the_sk_it_replaces_and_its_replacement_letter_verifies(
    world: World, container: Container, client: TestClient, clock: Clock, tmp_path: Path
) -> None:
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    directorate = Directorate(world)
    number = directorate.complete(directorate.register()).registration_number
    directorate.equalise(number)
    world.project()
    own = bearer(container, Role.APPLICANT, "akun-rina", None)
    first = pdf_of(client, f"/equivalency/{number}/sk.pdf", own)
    checked_everywhere(client, container, first, tmp_path)
    directorate.app.request_review(
        registration_number=number,
        letter_reference="Surat PK 01/2026",
        reasons="Ijazah menyatakan Honours",
        documents=[directorate.files.put(b"%PDF-1.7\nPK letter", applicant().actor).sha256],
        cause=applicant(),
    )
    directorate.app.decide_review(registration_number=number, upheld=True, deciders=[], remark="Diterima", cause=LEGAL)
    other_team = Cause(Actor("tim-c", Role.EQUIVALENCY_TEAM, None), request_id="req-test")
    directorate.app.equalise(
        registration_number=number, sk_number="1300/E.E3/KM/2026", deciders=["tim-d"], cause=other_team
    )
    directorate.app.issue_replacement(
        registration_number=number, letter_number="SKP/017/2026", reason="SK asli hilang", cause=TEAM
    )
    world.project()
    second = pdf_of(client, f"/equivalency/{number}/sk.pdf", own)
    letter = pdf_of(client, f"/equivalency/{number}/replacement.pdf", own)

    checked_everywhere(client, container, second, tmp_path)
    checked_everywhere(client, container, letter, tmp_path)
    code, lines = verify(client, container, first, tmp_path)
    text, letter_text = page_text(second), page_text(letter)

    assert code == Verdict.ANNULLED, lines  # the review replaced it
    assert "a.n. Direktur Jenderal Pendidikan Tinggi" in text
    assert "Menggantikan / Replaces SK 1234/E.E3/KM/2026 (2026-03-02)" in text
    for shown in ("SKP/017/2026", "Pengganti SK / In place of SK 1300/E.E3/KM/2026", "SK asli hilang"):
        assert shown in letter_text, shown
    other = bearer(container, Role.APPLICANT, "akun-lain", None)
    assert client.get(f"/equivalency/{number}/replacement.pdf", headers=other).status_code == 404


def test_SUB_8_the_printed_dpi_shows_the_nina_level_and_yudisium_and_verifies(
    world: World, container: Container, client: TestClient, clock: Clock, tmp_path: Path
) -> None:
    clock.now = datetime.now(UTC)
    world.university()
    world.programme()
    desk = Desk(world).catalog()
    nina = world.paired(NIM)
    receipt = desk.submit()
    desk.approve(receipt.submission_id)
    desk.app.finish_dpi(university_code=UNIVERSITY, nim=NIM, cause=OPERATOR)
    world.project()
    data = pdf_of(client, f"/dpi/{UNIVERSITY}/{NIM}.pdf", bearer(container, Role.STUDENT, NIM, UNIVERSITY))

    checked_everywhere(client, container, data, tmp_path)
    text = page_text(data)

    for shown in (nina, "Jenjang / Level S1", "SK/YUD/2024/07", "Printed at graduation", "AWS Certified"):
        assert shown in text, shown
    assert "FINISHED" not in text and "Yudisium / Graduation decree -" not in text
