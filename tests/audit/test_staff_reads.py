"""Who saw the data and when (UU PDP; issue 32, item 5; PDP-R), on both stores, through the API: a staff member's
read of a student's data is in that student's personal data report, in words and in its JSON; the student's own
reads are not listed; no one else's report names it; the trail is append-only and written even when the process
closes with reads still waiting."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.auth import mint
from api.http import create_app
from application.audit.reads import SeenView, StaffRead
from domain.audit import Actor, Role
from domain.registry.student import Student
from infra.audit.read_trail import BufferedReadTrail
from infra.bootstrap import Container
from tests.api.test_graphql import SECRET, Client
from tests.assessment.lsp import CANDIDATE, LSP, Office
from tests.equivalency.directorate import Directorate
from tests.submission.desk import Desk
from tests.world import UNIVERSITY, World

STUDENT = mint(SECRET, subject="2020001", role=Role.STUDENT, institution=UNIVERSITY)
OTHER_STUDENT = mint(SECRET, subject="2020002", role=Role.STUDENT, institution=UNIVERSITY)
OPERATOR = mint(SECRET, subject="operator@contoh", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
SEMESTERS = 'query { viewer { ... on UniversityViewer { semesters(nim: "2020001") { ... on SemesterConnection {'
SEMESTERS += " totalCount } } } ... on StudentViewer { semesters { totalCount } } } }"
REPORT = (
    'query($nim: String!) { personalDataReport(universityCode: "001002", nim: $nim) { __typename'
    " ... on PersonalDataReportView { report } } }"
)
CANDIDATE_REPORT = (
    "query($lsp: String, $n: String) { personalDataReport(lspCode: $lsp, candidateNumber: $n) { __typename"
    " ... on PersonalDataReportView { report } } }"
)

APPLICANT_REPORT = (
    "query($account: String) { personalDataReport(applicantAccount: $account) { __typename"
    " ... on PersonalDataReportView { report } } }"
)


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    with TestClient(create_app(container.services)) as http:
        yield Client(http)


@pytest.fixture
def students(world: World) -> World:
    world.university()
    world.programme()
    world.eligible_s1("2020001", name="Siti Aminah")
    world.eligible_s1("2020002", name="Budi Santoso")
    world.project()
    return world


def reads_in(client: Client, token: str, nim: str) -> list[dict[str, Any]]:
    body = client.gql(REPORT, token, nim=nim)["data"]["personalDataReport"]
    assert body["__typename"] == "PersonalDataReportView", body
    return [e for e in body["report"]["trail"] if e["context"] == "reads"]


def test_PDP_R_an_operators_read_of_a_students_semesters_is_in_the_students_report(
    client: Client, students: World
) -> None:
    seen = client.gql(SEMESTERS, OPERATOR)["data"]["viewer"]["semesters"]
    assert seen["totalCount"] > 0
    [read] = reads_in(client, STUDENT, "2020001")
    assert read["what"] == "read semesters" and read["by"] == f"university_operator:operator@contoh@{UNIVERSITY}"
    assert read["text"]["id"].startswith("Staf Universitas Contoh (operator operator@contoh) melihat data semester")
    assert "Anda pada " in read["text"]["id"] and " WIB" in read["text"]["id"]
    assert read["text"]["en"].startswith("Staff of Universitas Contoh (operator operator@contoh) viewed your semester")
    assert read["requestId"]


def test_PDP_R_the_students_own_reads_are_not_listed_and_no_one_elses_report_names_the_read(
    client: Client, students: World
) -> None:
    client.gql(SEMESTERS, STUDENT)  # their own
    assert reads_in(client, STUDENT, "2020001") == []
    client.gql(SEMESTERS, OPERATOR)  # 2020001's, not 2020002's
    assert reads_in(client, OTHER_STUDENT, "2020002") == []
    assert len(reads_in(client, STUDENT, "2020001")) == 1


def test_PDP_R_a_list_of_students_is_a_read_of_each_shown_and_the_operators_report_read_is_in_the_next(
    client: Client, students: World
) -> None:
    listed = "query { viewer { ... on UniversityViewer { students(first: 1) { ... on StudentConnection { totalCount"
    client.gql(listed + " } } } } }", OPERATOR)  # the first page: 2020001 only
    assert [r["what"] for r in reads_in(client, STUDENT, "2020001")] == ["read student_list"]
    assert reads_in(client, OTHER_STUDENT, "2020002") == []
    pdf = client.http.get(
        "/personal-data.pdf", params={"universityCode": UNIVERSITY, "nim": "2020001"}, headers=_bearer(OPERATOR)
    )
    assert pdf.status_code == 200
    whats = [r["what"] for r in reads_in(client, STUDENT, "2020001")]
    assert whats == ["read student_list", "read personal_data_report"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "melihat data Anda di daftar mahasiswa" in text  # the read before it, in words


def test_PDP_R_ssc_staff_reading_a_students_submission_and_the_review_queue_are_in_the_students_report(
    client: Client, students: World
) -> None:
    desk = Desk(students).catalog()
    receipt = desk.submit()
    students.project()
    ssc = mint(SECRET, subject="ssc@contoh", role=Role.SSC_STAFF, institution=UNIVERSITY)
    one = "query($id: String!) { submission(submissionId: $id) { __typename } }"
    assert client.gql(one, ssc, id=str(receipt.submission_id))["data"]["submission"]["__typename"] == "Submission"
    queue = "query { viewer { ... on SscViewer { reviewQueue { ... on SubmissionConnection { totalCount } } } } }"
    assert client.gql(queue, ssc)["data"]["viewer"]["reviewQueue"]["totalCount"] == 1
    client.gql(one, STUDENT, id=str(receipt.submission_id))  # the student's own: not listed
    reads = reads_in(client, STUDENT, "2020001")
    assert [r["what"] for r in reads] == ["read submission", "read submission"]
    assert reads[0]["text"]["en"].startswith("Staff of Universitas Contoh (student service centre staff ssc@contoh)")
    assert "viewed your certification submission on" in reads[0]["text"]["en"]


def test_PDP_R_an_lsps_staff_reading_a_candidates_assessment_is_in_the_candidates_report(
    client: Client, world: World
) -> None:
    assessment_id = Office(world).setup().certified()
    world.project()
    staff = mint(SECRET, subject="sertifikasi@lsp", role=Role.KABAG_SERTIFIKASI, institution=LSP)
    one = "query($id: String!) { assessment(assessmentId: $id) { __typename } }"
    assert client.gql(one, staff, id=str(assessment_id))["data"]["assessment"]["__typename"] == "AssessmentDetail"
    own = mint(SECRET, subject=CANDIDATE, role=Role.ASESI, institution=LSP)
    body = client.gql(CANDIDATE_REPORT, own, lsp=LSP, n=CANDIDATE)["data"]["personalDataReport"]
    [read] = [e for e in body["report"]["trail"] if e["context"] == "reads"]
    assert read["what"] == "read assessment" and read["by"] == f"kabag_sertifikasi:sertifikasi@lsp@{LSP}"
    assert read["text"]["id"].startswith(f"Staf {LSP} (Kabag Sertifikasi sertifikasi@lsp) melihat data asesmen")


def test_PDP_R_the_directorates_read_of_an_application_is_in_its_applicants_report(
    client: Client, world: World
) -> None:
    number = Directorate(world).register().registration_number
    world.project()
    team = mint(SECRET, subject="tim-a", role=Role.EQUIVALENCY_TEAM, institution=None)
    one = "query($n: String!) { equivalencyApplication(registrationNumber: $n) { __typename } }"
    assert client.gql(one, team, n=number)["data"]["equivalencyApplication"]["__typename"] != "RuleViolation"
    own = mint(SECRET, subject="akun-rina", role=Role.APPLICANT, institution=None)
    client.gql(one, own, n=number)  # their own: not listed
    body = client.gql(APPLICANT_REPORT, own, account="akun-rina")["data"]["personalDataReport"]
    [read] = [e for e in body["report"]["trail"] if e["context"] == "reads"]
    assert read["what"] == "read application" and read["by"] == "equivalency_team:tim-a"
    assert read["text"]["en"].startswith("The directorate's equivalency team tim-a viewed your diploma equivalency")


def test_PDP_R_reads_still_waiting_are_written_when_the_trail_closes_and_kept_append_only(
    container: Container, students: World
) -> None:
    reads = container.stores[0]
    person = Student.create_id(UNIVERSITY, "2020001")
    actor = Actor("bpk-1", Role.AUDITOR)
    trail = BufferedReadTrail(reads, every=3600)  # no flush by time within the test
    trail.record([StaffRead(students.clock(), person, SeenView.STUDENT_RECORD, actor, "r1")])
    trail.close()
    again = BufferedReadTrail(reads).of_person(person, 10)
    assert [(r.view, r.actor, r.request_id) for r in again] == [(SeenView.STUDENT_RECORD, actor, "r1")]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_PDP_R_staff_downloading_a_persons_documents_are_in_their_report_and_the_persons_own_are_not(
    client: Client, world: World, clock: Any
) -> None:
    """An LSP's staff member downloads a candidate's certificate; the directorate downloads an applicant's SK: each is
    named in that person's report ("... mengunduh ..."); the person downloading their own is not."""
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    Office(world).setup().certified(blangko="0012345", registration="62090 2512 3 0000001 2024")
    directorate = Directorate(world)
    number = directorate.complete(directorate.register()).registration_number
    directorate.equalise(number)
    world.project()
    staff = mint(SECRET, subject="sertifikasi@lsp", role=Role.KABAG_SERTIFIKASI, institution=LSP)
    asesi = mint(SECRET, subject=CANDIDATE, role=Role.ASESI, institution=LSP)
    team = mint(SECRET, subject="tim-a", role=Role.EQUIVALENCY_TEAM, institution=None)
    applicant = mint(SECRET, subject="akun-rina", role=Role.APPLICANT, institution=None)
    certificate = f"/sertifikat/{quote('62090 2512 3 0000001 2024')}/certificate.pdf"
    for path, token in ((certificate, staff), (certificate, asesi), (f"/equivalency/{number}/sk.pdf", team)):
        got = client.http.get(path, headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == 200 and got.headers["content-type"] == "application/pdf", (path, got.text[:200])
    client.http.get(f"/equivalency/{number}/sk.pdf", headers={"Authorization": f"Bearer {applicant}"})

    body = client.gql(CANDIDATE_REPORT, asesi, lsp=LSP, n=CANDIDATE)["data"]["personalDataReport"]
    [read] = [e for e in body["report"]["trail"] if e["context"] == "reads"]
    assert read["what"] == f"read {SeenView.CERTIFICATE_PDF}"
    assert read["text"]["id"].startswith(f"Staf {LSP} (Kabag Sertifikasi sertifikasi@lsp) mengunduh sertifikat")
    assert "downloaded your competency certificate on" in read["text"]["en"]
    body = client.gql(APPLICANT_REPORT, applicant, account="akun-rina")["data"]["personalDataReport"]
    [read] = [e for e in body["report"]["trail"] if e["context"] == "reads"]
    assert read["what"] == f"read {SeenView.SK_PDF}" and read["by"] == "equivalency_team:tim-a"
    assert "downloaded your SK of diploma equivalency" in read["text"]["en"]


def test_PDP_R_the_directorate_reading_an_applicants_report_is_in_the_applicants_next_report(
    client: Client, world: World
) -> None:
    Directorate(world).register()
    world.project()
    team = mint(SECRET, subject="tim-a", role=Role.EQUIVALENCY_TEAM, institution=None)
    own = mint(SECRET, subject="akun-rina", role=Role.APPLICANT, institution=None)
    first = client.gql(APPLICANT_REPORT, team, account="akun-rina")["data"]["personalDataReport"]
    assert first["__typename"] == "PersonalDataReportView", first
    body = client.gql(APPLICANT_REPORT, own, account="akun-rina")["data"]["personalDataReport"]
    [read] = [e for e in body["report"]["trail"] if e["context"] == "reads"]
    assert read["what"] == f"read {SeenView.PERSONAL_DATA_REPORT}" and read["by"] == "equivalency_team:tim-a"
