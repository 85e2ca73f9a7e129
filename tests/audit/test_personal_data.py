"""UU PDP (issue 12, item 6), on both stores: a student's personal data report, at once, with its processing trail
(who did what with the data, who verified the diploma in SIVIL), as JSON and as a readable PDF, for the student
themself and their university's operator only; after an erasure the trail stays and the data reads as erased."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.auth import mint
from api.http import create_app
from api.sivil.trail import Verification
from domain.audit import Role
from domain.diploma.diploma import Diploma
from infra.bootstrap import Container
from infra.public_lookup.retention import TrailRetention
from infra.settings import Settings
from infra.sivil.trail import VerificationTrail
from tests.api.test_graphql import SECRET, Client
from tests.assessment.lsp import CANDIDATE, LSP, Office
from tests.equivalency.directorate import TEAM, Directorate
from tests.submission.desk import Desk, student
from tests.world import ADMIN, PRODI, UNIVERSITY, World

STUDENT = mint(SECRET, subject="2020001", role=Role.STUDENT, institution=UNIVERSITY)
OTHER_STUDENT = mint(SECRET, subject="2020002", role=Role.STUDENT, institution=UNIVERSITY)
OPERATOR = mint(SECRET, subject="operator@contoh", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
OTHER_OPERATOR = mint(SECRET, subject="operator@lain", role=Role.UNIVERSITY_OPERATOR, institution="009999")
AUDITOR = mint(SECRET, subject="bpk-1", role=Role.AUDITOR, institution=None)
STUDENT_SUBJECT = {"universityCode": "001002", "nim": "2020001"}
REPORT = (
    'query { personalDataReport(universityCode: "001002", nim: "2020001") { __typename'
    " ... on PersonalDataReportView { report } ... on NotAuthorized { message } } }"
)


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    with TestClient(create_app(container.services)) as http:
        yield Client(http)


@pytest.fixture
def verified(world: World, container: Container) -> World:
    """A paired diploma that someone verified in SIVIL."""
    world.university()
    world.programme()
    world.eligible_s1("2020001", name="Siti Aminah")
    nina = world.reserve("2020001").nina
    assert nina is not None
    world.graduate("2020001")
    world.pair("2020001", nina)
    container.services.diploma.sivil_public.trail.record(
        Verification(world.clock(), UNIVERSITY, PRODI, nina, "203.0.113.7", "web")
    )
    return world


def test_the_student_gets_their_data_and_who_processed_it_including_sivil_verifications(
    client: Client, verified: World
) -> None:
    body = client.gql(REPORT, STUDENT)["data"]["personalDataReport"]
    assert body["__typename"] == "PersonalDataReportView", body
    report = body["report"]
    assert report["personalData"]["full_name"] == "Siti Aminah" and report["personalData"]["nik"]
    assert report["records"]["student"]["personal"]["full_name"] == "Siti Aminah"
    whats = [entry["what"] for entry in report["trail"]]
    assert "Student.Registered" in whats and "Diploma.NINAPaired" in whats and "NINAClaim.Claimed" in whats
    [sivil] = [e for e in report["trail"] if e["what"].startswith("SIVIL verification")]
    assert "203.0.113.7" in sivil["by"]
    assert all(e["by"] and e["at"] for e in report["trail"])
    assert [e["at"] for e in report["trail"]] == sorted(e["at"] for e in report["trail"])


@pytest.mark.parametrize("token", [OTHER_STUDENT, OTHER_OPERATOR, AUDITOR, None])
def test_no_one_else_gets_the_report(client: Client, verified: World, token: str | None) -> None:
    assert client.gql(REPORT, token)["data"]["personalDataReport"]["__typename"] == "NotAuthorized"
    response = client.http.get(
        "/personal-data.pdf", params=STUDENT_SUBJECT, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    assert response.status_code in (401, 403) and b"Siti" not in response.content


def test_the_report_is_a_readable_pdf_for_the_university_s_operator(client: Client, verified: World) -> None:
    response = client.http.get(
        "/personal-data.pdf", params=STUDENT_SUBJECT, headers={"Authorization": f"Bearer {OPERATOR}"}
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Siti Aminah" in text and "in SIVIL through web" in text and "Personal Data Report" in text
    assert "melaporkan semester" in text and "Student.SemesterReported" not in text  # in words (issue 32, item 5)
    unknown = {"universityCode": "001002", "nim": "9999999"}
    missing = client.http.get("/personal-data.pdf", params=unknown, headers={"Authorization": f"Bearer {OPERATOR}"})
    assert missing.status_code == 404


def test_after_erasure_the_trail_stays_and_the_data_reads_as_erased(client: Client, verified: World) -> None:
    verified.app.erase_personal_data(
        university_code=UNIVERSITY, nim="2020001", cause=replace(ADMIN, reason="the student asked")
    )
    report = client.gql(REPORT, STUDENT)["data"]["personalDataReport"]["report"]
    assert report["erased"] and report["personalData"] is None
    assert report["records"]["student"]["personal"] == "erased"
    assert "Siti" not in json.dumps(report)
    assert "Student.PersonalDataErased" in [e["what"] for e in report["trail"]]


def test_the_sivil_trail_is_purged_after_its_retention_period(verified: World, container: Container) -> None:
    trail = container.services.diploma.sivil_public.trail
    assert isinstance(trail, VerificationTrail)
    nina = verified.app.find(Diploma, Diploma.create_id(UNIVERSITY, "2020001")).nina.value  # type: ignore[union-attr]
    old = verified.clock() - timedelta(days=400)
    trail.record(Verification(old, UNIVERSITY, PRODI, nina, "198.51.100.9", "pdf"))
    assert len(trail.for_diploma(UNIVERSITY, PRODI, nina)) == 2
    retention = TrailRetention([trail], verified.clock, keep=timedelta(days=365))
    assert retention.step() == 1 and retention.step() == 0  # at most once an hour
    [kept] = trail.for_diploma(UNIVERSITY, PRODI, nina)
    assert kept.client_address == "203.0.113.7"


SUBJECT_REPORT = (
    "query($lsp: String, $n: String, $account: String) { personalDataReport(lspCode: $lsp, candidateNumber: $n,"
    " applicantAccount: $account) { __typename ... on PersonalDataReportView { report }"
    " ... on NotAuthorized { message } ... on RuleViolation { ruleId field } } }"
)


def test_a_candidate_gets_their_report_with_who_verified_their_certificate(client: Client, world: World) -> None:
    office = Office(world).setup()
    office.certified(registration="62090 2512 3 0000001 2024")
    world.project()
    trail = world.container.services.assessment.verification_trail
    trail.record("62090 2512 3 0000001 2024", world.clock(), "192.0.2.44", "graphql")
    own = mint(SECRET, subject=CANDIDATE, role=Role.ASESI, institution=LSP)
    body = client.gql(SUBJECT_REPORT, own, lsp=LSP, n=CANDIDATE)["data"]["personalDataReport"]
    assert body["__typename"] == "PersonalDataReportView", body
    report = body["report"]
    assert report["personalData"]["full_name"] == "Siti Rahmawati"
    whats = {e["what"] for e in report["trail"]}
    assert {"Asesi.Registered", "Assessment.Opened", "Certificate.Printed", "Certificate.Signed"} <= whats
    assert any("192.0.2.44" in e["by"] for e in report["trail"])
    other = mint(SECRET, subject="ASESI-0002", role=Role.ASESI, institution=LSP)
    refused = client.gql(SUBJECT_REPORT, other, lsp=LSP, n=CANDIDATE)["data"]["personalDataReport"]
    assert refused["__typename"] == "NotAuthorized"
    staff = mint(SECRET, subject="admin", role=Role.KABAG_ADMINISTRASI, institution=LSP)
    assert client.gql(SUBJECT_REPORT, staff, lsp=LSP, n=CANDIDATE)["data"]["personalDataReport"]["report"]


def test_an_applicant_gets_the_report_of_their_account(client: Client, world: World) -> None:
    directorate = Directorate(world)
    directorate.register()
    world.project()
    own = mint(SECRET, subject="akun-rina", role=Role.APPLICANT, institution=None)
    report = client.gql(SUBJECT_REPORT, own, account="akun-rina")["data"]["personalDataReport"]["report"]
    assert report["personalData"]["full_name"] == "Rina Kusuma"
    assert "EquivalencyApplication.Registered" in {e["what"] for e in report["trail"]}
    other = mint(SECRET, subject="akun-lain", role=Role.APPLICANT, institution=None)
    refused = client.gql(SUBJECT_REPORT, other, account="akun-rina")["data"]["personalDataReport"]
    assert refused["__typename"] == "NotAuthorized"


def test_a_report_names_exactly_one_person(client: Client, world: World) -> None:
    both = client.gql(SUBJECT_REPORT, OPERATOR, lsp=LSP, account="akun-rina")["data"]["personalDataReport"]
    assert both == {"__typename": "RuleViolation", "ruleId": "API.pdp", "field": "subject"}
    none = client.gql(SUBJECT_REPORT, OPERATOR)["data"]["personalDataReport"]
    assert none["__typename"] == "RuleViolation"


def test_the_university_s_operator_erases_a_student_over_graphql_and_the_report_says_so(
    client: Client, verified: World
) -> None:
    erase = (
        "mutation($i: ErasePersonalDataInput!) { erasePersonalData(input: $i) { __typename"
        " ... on NotAuthorized { message } ... on RuleViolation { ruleId field } } }"
    )
    given = {"universityCode": "001002", "nim": "2020001", "reason": "the student asked (UU PDP)"}
    assert client.gql(erase, OTHER_OPERATOR, i=given)["data"]["erasePersonalData"]["__typename"] == "NotAuthorized"
    assert client.gql(erase, STUDENT, i=given)["data"]["erasePersonalData"]["__typename"] == "NotAuthorized"
    blank = client.gql(erase, OPERATOR, i={**given, "reason": " "})["data"]["erasePersonalData"]
    assert blank == {"__typename": "RuleViolation", "ruleId": "PDP.erasure", "field": "reason"}
    assert client.gql(erase, OPERATOR, i=given)["data"]["erasePersonalData"]["__typename"] == "Accepted"
    report = client.gql(REPORT, STUDENT)["data"]["personalDataReport"]["report"]
    assert report["erased"] and "Siti" not in json.dumps(report)


def test_a_reason_as_long_as_allowed_still_prints_in_the_pdf(client: Client, verified: World) -> None:
    long_reason = "Permintaan subjek data. " * 83  # about 2,000 characters, the most a reason holds
    verified.app.erase_personal_data(
        university_code=UNIVERSITY, nim="2020001", cause=replace(ADMIN, reason=long_reason.strip()[:2000])
    )
    response = client.http.get(
        "/personal-data.pdf", params=STUDENT_SUBJECT, headers={"Authorization": f"Bearer {OPERATOR}"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_erased_applicant_s_documents_are_served_to_no_one(client: Client, world: World) -> None:
    directorate = Directorate(world)
    number = directorate.complete(directorate.register()).registration_number
    world.project()
    team = mint(SECRET, subject="tim-a", role=Role.EQUIVALENCY_TEAM, institution=None)
    headers = {"Authorization": f"Bearer {team}"}
    assert client.http.get(f"/files/{directorate.sha}", headers=headers).status_code == 200
    directorate.app.erase_applicant_data(registration_number=number, cause=replace(TEAM, reason="end of retention"))
    world.project()
    assert client.http.get(f"/files/{directorate.sha}", headers=headers).status_code == 404
    own = mint(SECRET, subject="akun-rina", role=Role.APPLICANT, institution=None)
    assert client.http.get(f"/files/{directorate.sha}", headers={"Authorization": f"Bearer {own}"}).status_code == 404


def test_a_retention_of_no_days_is_refused_at_start() -> None:
    with pytest.raises(RuntimeError, match="RETENTION_DAYS"):
        Settings.from_env({"KREDENSIAL_SECRET": "s" * 40, "KREDENSIAL_SIVIL_TRAIL_RETENTION_DAYS": "0"})


def test_an_erased_student_s_evidence_is_served_to_no_one(client: Client, verified: World) -> None:
    desk = Desk(verified).catalog()
    scan = desk.files.put(b"%PDF-1.7\n" + b"scan of a certificate" * 4, student().actor).sha256
    desk.submit(evidence_file=scan, evidence_url=None)
    verified.project()
    headers = {"Authorization": f"Bearer {STUDENT}"}
    assert client.http.get(f"/files/{scan}", headers=headers).status_code == 200
    verified.app.erase_personal_data(
        university_code=UNIVERSITY, nim="2020001", cause=replace(ADMIN, reason="the student asked")
    )
    verified.project()
    assert client.http.get(f"/files/{scan}", headers=headers).status_code == 404
    ssc = mint(SECRET, subject="ssc@contoh", role=Role.SSC_STAFF, institution=UNIVERSITY)
    assert client.http.get(f"/files/{scan}", headers={"Authorization": f"Bearer {ssc}"}).status_code == 404


def test_files_only_erased_people_s_records_name_are_deleted_and_shared_ones_stay(
    client: Client, verified: World, container: Container
) -> None:
    desk = Desk(verified).catalog()
    own_scan = desk.files.put(b"%PDF-1.7\n" + b"only hers" * 8, student().actor).sha256
    brochure = b"%PDF-1.7\n" + b"a common brochure" * 8
    shared = desk.files.put(brochure, student().actor).sha256
    assert desk.files.put(brochure, student("2020002").actor).sha256 == shared  # the same bytes, uploaded by both
    verified.eligible_s1("2020002", name="Budi Santoso")
    desk.submit(evidence_file=own_scan, evidence_url=None)
    desk.submit(entry=desk.entries["TOEFL ITP"], evidence_file=shared, evidence_url=None)
    desk.submit(nim="2020002", evidence_file=shared, evidence_url=None)
    verified.app.erase_personal_data(
        university_code=UNIVERSITY, nim="2020001", cause=replace(ADMIN, reason="the student asked")
    )
    verified.project()
    sweep = container.worker.keepers[-2]  # the worker's own file sweep, as serve and worker run it (the last one
    # finishes interrupted erasures)
    assert sweep() == 1 and sweep() == 0  # at most once an hour
    assert desk.files.stat(own_scan) is None  # only the erased student's record named it
    assert desk.files.stat(shared) is not None  # another student's submission names it too
