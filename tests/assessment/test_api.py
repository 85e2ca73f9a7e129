"""The assessment flow through the HTTP API, on SQLite and PostgreSQL: skema to signed certificate, the certificate
on the student's DPI and its expiry reflected there (issue 10's scenario), who reads what, and the public's
verification after a challenge."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.assessment.sop import Step
from domain.audit import Actor, Cause, Role
from infra.bootstrap import Container
from tests.api.test_graphql import REFUSALS, SECRET, Client, register_cohort
from tests.submission.desk import PDF
from tests.submission.test_api import pdf_text
from tests.world import UNIVERSITY, Clock

LSP = "LSP-P1-CONTOH"
ASESOR_NUMBER = "MET.000.001234.2019"
BNSP = mint(SECRET, subject="officer@bnsp", role=Role.BNSP_OFFICER, institution=None)
SERT = mint(SECRET, subject="sertifikasi@lsp", role=Role.KABAG_SERTIFIKASI, institution=LSP)
ADM = mint(SECRET, subject="administrasi@lsp", role=Role.KABAG_ADMINISTRASI, institution=LSP)
KETUA = mint(SECRET, subject="ketua@lsp", role=Role.KETUA_LSP, institution=LSP)
KOMITE = mint(SECRET, subject="komite-1", role=Role.KOMITE_TEKNIS, institution=LSP)
ASESOR = mint(SECRET, subject=ASESOR_NUMBER, role=Role.ASESOR, institution=None)
ASESI = mint(SECRET, subject="ASESI-001", role=Role.ASESI, institution=LSP)
OTHER_SERT = mint(SECRET, subject="sertifikasi@lain", role=Role.KABAG_SERTIFIKASI, institution="LSP-LAIN")
STUDENT = mint(SECRET, subject="2020001", role=Role.STUDENT, institution=UNIVERSITY)
ACCEPTED = "... on Accepted { position changed }"
ASSESSMENT = "... on AssessmentAccepted { position assessmentIds stage nextStep dueAt }"
UNIT = {
    "code": "J.620100.004.02",
    "title": "Menggunakan Struktur Data",
    "descriptor": "Menggunakan struktur data dalam pemrograman.",
    "elements": [{"title": "Menerapkan struktur data", "criteria": ["Struktur data diterapkan"]}],
    "rangeStatement": "Pemrograman terstruktur.",
    "evidenceGuide": "Observasi praktik.",
}


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    app = create_app(container.services, on_startup=container.start_worker)
    with TestClient(app) as http:
        yield Client(http)


def run(client: Client, mutation: str, input_type: str, token: str, success: str = ASSESSMENT, **given: Any) -> Any:
    doc = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename {success} {REFUSALS} }} }}"
    body = client.gql(doc, token, input=given)
    assert "errors" not in body, body
    return body["data"][mutation]


def ok(answer: dict[str, Any], typename: str = "AssessmentAccepted") -> dict[str, Any]:
    assert answer["__typename"] == typename, answer
    return answer


def setup_lsp(client: Client) -> None:
    ok(
        run(
            client,
            "publishSkema",
            "PublishSkemaInput",
            BNSP,
            ACCEPTED,
            code="SKM/PROG",
            title="Pemrogram",
            units=[UNIT],
        ),
        "Accepted",
    )
    ok(
        run(
            client,
            "licenseLsp",
            "LicenseLspInput",
            BNSP,
            ACCEPTED,
            lspCode=LSP,
            kind="FIRST_PARTY",
            skemaCodes=["SKM/PROG"],
            validFrom="2024-01-01",
            validUntil="2026-12-31",
        ),
        "Accepted",
    )
    given = {"skemaCode": "SKM/PROG", "validFrom": "2024-01-01", "validUntil": "2026-12-31", "employer": None}
    ok(
        run(client, "registerAsesor", "RegisterAsesorInput", BNSP, ACCEPTED, asesorNumber=ASESOR_NUMBER, **given),
        "Accepted",
    )
    tuk = {"lspCode": LSP, "tukCode": "TUK-1", "name": "Lab", "kind": "SEWAKTU", "facilities": []}
    ok(run(client, "registerTuk", "RegisterTukInput", SERT, ACCEPTED, **tuk), "Accepted")
    member = {"lspCode": LSP, "memberId": "komite-1"}
    ok(run(client, "appointCommitteeMember", "AppointCommitteeMemberInput", KETUA, ACCEPTED, **member), "Accepted")
    candidate = {"lspCode": LSP, "candidateNumber": "ASESI-001", "fullName": "Siti Aminah", "nik": "3171234567890001"}
    ok(run(client, "registerCandidate", "RegisterCandidateInput", ADM, ACCEPTED, **candidate), "Accepted")


def assessed(client: Client, container: Container | None = None) -> str:
    """Opened, assigned, evidenced and concluded; with ``container``, projected before it returns."""
    opened = ok(
        run(
            client,
            "openAssessment",
            "OpenAssessmentInput",
            SERT,
            lspCode=LSP,
            candidateNumber="ASESI-001",
            skemaCode="SKM/PROG",
            assessedOn="2024-08-01",
            tukCode="TUK-1",
        )
    )
    assessment_id = opened["assessmentIds"][0]
    ref = {"lspCode": LSP, "assessmentId": assessment_id}
    ok(run(client, "assignAsesor", "AssignAsesorInput", SERT, **ref, asesorNumber=ASESOR_NUMBER))
    uploaded = client.http.post("/files", content=PDF, headers={"Authorization": f"Bearer {ASESOR}"})
    assert uploaded.status_code == 201, uploaded.text
    evidence = {
        "unitCode": UNIT["code"],
        "element": 1,
        "fileSha256": uploaded.json()["sha256"],
        "description": "Observasi",
        "valid": True,
        "authentic": True,
        "current": True,
        "sufficient": True,
    }
    ok(run(client, "recordEvidence", "RecordEvidenceInput", ASESOR, **ref, **evidence))
    ok(run(client, "recommendUnit", "RecommendUnitInput", ASESOR, **ref, unitCode=UNIT["code"], recommendation="K"))
    concluded = ok(run(client, "concludeAssessment", "AssessmentRefInput", ASESOR, **ref))
    assert concluded["nextStep"] == "INVITE_COMMITTEE" and concluded["stage"] == "IN_SOP"
    if container is not None:  # read your write: the queries below pass no position
        container.services.wait("assessments", concluded["position"], "assessments")
    return str(assessment_id)


def step(client: Client, token: str, assessment_id: str, name: str, reference: str | None = None) -> dict[str, Any]:
    given = {"lspCode": LSP, "assessmentIds": [assessment_id], "step": name, "reference": reference}
    return run(client, "completeSopStep", "CompleteSopStepInput", token, **given)


def signed(client: Client, assessment_id: str) -> int:
    ref = {"lspCode": LSP, "assessmentId": assessment_id}
    ok(step(client, SERT, assessment_id, "INVITE_COMMITTEE"))
    ok(step(client, ADM, assessment_id, "PREPARE_DOCUMENTS"))
    ok(run(client, "decideInPlenary", "DecideInPlenaryInput", KOMITE, **ref, result="K", members=["komite-1"]))
    ok(step(client, SERT, assessment_id, "ANNOUNCE_RESULT", "SK/LSP/2024/01"))
    blangko = {"lspCode": LSP, "batchReference": "BNSP/2024/42", "numbers": ["0012345"]}
    ok(run(client, "issueBlangko", "IssueBlangkoInput", BNSP, ACCEPTED, **blangko), "Accepted")
    ok(run(client, "assignBlangko", "AssignBlangkoInput", SERT, **ref, blangkoNumber="0012345"))
    ok(run(client, "printCertificate", "PrintCertificateInput", ADM, **ref, registrationNumber="REG 2024 0001"))
    return int(ok(run(client, "signCertificate", "AssessmentRefInput", KETUA, **ref))["position"])


def dpi_certificates(client: Client, position: int) -> list[dict[str, Any]]:
    body = client.gql(
        'query($p: Int) { dpi(universityCode: "001002", nim: "2020001", certificatesPosition: $p) { __typename'
        " ... on Dpi { competencyCertificates { registrationNumber blangkoNumber skemaTitle lspCode holderName"
        " status issuedOn validUntil } } } }",
        STUDENT,
        p=position,
    )
    assert "errors" not in body, body
    return list(body["data"]["dpi"]["competencyCertificates"])


def test_from_skema_to_signed_certificate_on_the_dpi_then_expired(
    client: Client, container: Container, clock: Clock
) -> None:
    register_cohort(client)  # student 2020001, NIK 3171234567890001: the candidate's
    setup_lsp(client)
    assessment_id = assessed(client)
    position = signed(client, assessment_id)
    operator = Cause(Actor("operator@contoh", Role.UNIVERSITY_OPERATOR, UNIVERSITY), request_id="req-test")
    deadline = container.services.submission.commands.set_thesis_deadline(  # the DPI exists once it has a deadline
        university_code=UNIVERSITY, nim="2020001", deadline=date(2025, 1, 1), cause=operator
    )
    container.services.wait("submissions", deadline.position, "submissions")
    certificates = dpi_certificates(client, position)
    assert certificates == [
        {
            "registrationNumber": "REG 2024 0001",
            "blangkoNumber": "0012345",
            "skemaTitle": "Pemrogram",
            "lspCode": LSP,
            "holderName": "Siti Aminah",
            "status": "VALID",
            "issuedOn": "2024-08-01",
            "validUntil": "2027-07-31",
        }
    ]
    pdf = client.http.get("/dpi/001002/2020001.pdf", headers={"Authorization": f"Bearer {STUDENT}"})
    assert pdf.status_code == 200 and "REG 2024 0001 Pemrogram (SKM/PROG)" in pdf_text(pdf.content)
    clock.now = datetime(2027, 8, 1, 3, 0, tzinfo=UTC)  # 10:00 WIB the day after its last valid day
    assert [c["status"] for c in dpi_certificates(client, position)] == ["EXPIRED"]
    pdf = client.http.get("/dpi/001002/2020001.pdf", headers={"Authorization": f"Bearer {STUDENT}"})
    text = pdf_text(pdf.content)
    assert "2027-07-31" in text and "Expired" in text, text  # the DPI prints the status in words (issue 33)

    detail = client.gql(
        "query($id: String!) { assessment(assessmentId: $id) { __typename ... on AssessmentDetail {"
        " summary { stage candidateName } steps { step overdue reference } units { unitCode recommendation }"
        " evidence { sha256 valid } certificate { registrationNumber status } } } }",
        ASESI,
        id=assessment_id,
    )["data"]["assessment"]
    assert detail["summary"] == {"stage": "CERTIFIED", "candidateName": "Siti Aminah"}
    assert [s["step"] for s in detail["steps"]] == [Step(n).name for n in (1, 2, 3, 4, 6, 7, 8)]
    assert detail["certificate"] == {"registrationNumber": "REG 2024 0001", "status": "EXPIRED"}


def test_who_reads_what(client: Client, container: Container) -> None:
    setup_lsp(client)
    assessment_id = assessed(client, container)
    pipeline = (
        '{ lspPipeline(lspCode: "%s") { __typename ... on Pipeline { edges { node { assessmentId overdue } }'
        " perStep { step candidates overdue } } ... on NotAuthorized { message } } }"
    )
    mine = client.gql(pipeline % LSP, SERT)["data"]["lspPipeline"]
    assert [e["node"]["assessmentId"] for e in mine["edges"]] == [assessment_id]
    assert client.gql(pipeline % LSP, OTHER_SERT)["data"]["lspPipeline"]["__typename"] == "NotAuthorized"
    assert client.gql(pipeline % LSP, ASESI)["data"]["lspPipeline"]["__typename"] == "NotAuthorized"
    own = "{ myAssessments { __typename ... on AssessmentSummaryConnection { edges { node { assessmentId } } } } }"
    assert [e["node"]["assessmentId"] for e in client.gql(own, ASESI)["data"]["myAssessments"]["edges"]] == [
        assessment_id
    ]
    other = mint(SECRET, subject="ASESI-999", role=Role.ASESI, institution=LSP)
    assert client.gql(own, other)["data"]["myAssessments"]["edges"] == []
    one = "query($id: String!) { assessment(assessmentId: $id) { __typename } }"
    assert client.gql(one, other, id=assessment_id)["data"]["assessment"] is None
    # Another LSP's staff, or an asesor never assigned: as absent, so a refusal never tells that it exists.
    assert client.gql(one, OTHER_SERT, id=assessment_id)["data"]["assessment"] is None
    assert client.gql(one, ASESOR, id=assessment_id)["data"]["assessment"]["__typename"] == "AssessmentDetail"
    stranger = mint(SECRET, subject="MET.999", role=Role.ASESOR, institution=None)
    assert client.gql(one, stranger, id=assessment_id)["data"]["assessment"] is None
    outsider = mint(SECRET, subject="op", role=Role.UNIVERSITY_OPERATOR, institution="001002")
    assert client.gql(one, outsider, id=assessment_id)["data"]["assessment"]["__typename"] == "NotAuthorized"
    assigned = "{ myAssignments { __typename ... on AssessmentSummaryConnection { edges { node { assessmentId } } } } }"
    assert [e["node"]["assessmentId"] for e in client.gql(assigned, ASESOR)["data"]["myAssignments"]["edges"]] == [
        assessment_id
    ]
    # Evidence (ASM-5): the LSP, its assigned asesors and the candidate; anyone else reads it as unknown.
    sha = client.gql(
        "query($id: String!) { assessment(assessmentId: $id) { ... on AssessmentDetail { evidence { sha256 } } } }",
        SERT,
        id=assessment_id,
    )["data"]["assessment"]["evidence"][0]["sha256"]
    for token, status in ((SERT, 200), (ASESI, 200), (ASESOR, 200), (OTHER_SERT, 404), (stranger, 404), (other, 404)):
        got = client.http.get(f"/files/{sha}", headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == status, (token, got.text)


def test_a_refusal_is_typed_and_appends_nothing(client: Client, container: Container) -> None:
    setup_lsp(client)
    log = container.services.assessment.commands.recorder
    before = log.max_notification_id()
    late = run(
        client,
        "openAssessment",
        "OpenAssessmentInput",
        SERT,
        lspCode=LSP,
        candidateNumber="ASESI-001",
        skemaCode="SKM/PROG",
        assessedOn="2027-01-01",
        tukCode="TUK-1",
    )
    assert (
        late["__typename"] == "RuleViolation" and late["ruleId"] == "ASM-2.validity" and late["field"] == "assessedOn"
    )
    bad_id = run(client, "concludeAssessment", "AssessmentRefInput", ASESOR, lspCode=LSP, assessmentId="x\x00")
    assert bad_id["__typename"] == "RuleViolation" and bad_id["field"] == "assessmentId"
    numbers = run(
        client,
        "issueBlangko",
        "IssueBlangkoInput",
        BNSP,
        ACCEPTED,
        lspCode=LSP,
        batchReference="B",
        numbers=["00\u202e12"],
    )
    assert numbers["__typename"] == "RuleViolation" and numbers["ruleId"] == "ASM-7.number"
    assert log.max_notification_id() == before


def test_the_public_verifies_a_certificate_after_a_challenge(client: Client, container: Container) -> None:
    register_cohort(client)
    setup_lsp(client)
    container.services.wait("assessments", signed(client, assessed(client)), "assessments")

    def verify(number: str, answer: str | None = None) -> dict[str, Any]:
        challenge = client.http.post("/sertifikat/graphql", json={"query": "{ challenge { question token } }"})
        data = challenge.json()["data"]["challenge"]
        right = str(sum(int(n) for n in re.findall(r"\d+", data["question"])[:2]))
        query = (
            "mutation($i: VerifyCertificateInput!) { verifyCertificate(input: $i) { __typename"
            " ... on VerifiedCertificate { registrationNumber holderName skemaCode skemaTitle lspCode status validFrom"
            " validUntil } ... on RuleViolation { ruleId field } ... on ChallengeRefused { ruleId field reason }"
            " ... on CertificateNotFoundResult { message } } }"
        )
        given = {"registrationNumber": number, "challengeToken": data["token"], "answer": answer or right}
        variables = {"i": given}
        response = client.http.post("/sertifikat/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return dict(response.json()["data"]["verifyCertificate"])

    assert verify("REG 2024 0001") == {
        "__typename": "VerifiedCertificate",
        "registrationNumber": "REG 2024 0001",
        "holderName": "Siti Aminah",
        "skemaCode": "SKM/PROG",
        "skemaTitle": "Pemrogram",
        "lspCode": LSP,
        "status": "VALID",
        "validFrom": "2024-08-01",
        "validUntil": "2027-07-31",
    }
    assert verify("REG 2024 0002")["__typename"] == "CertificateNotFoundResult"
    wrong = verify("REG 2024 0001", answer="999")
    assert (wrong["__typename"], wrong["ruleId"], wrong["reason"]) == ("ChallengeRefused", "ASM-7", "WRONG_ANSWER")
    assert verify("REG\x002024")["__typename"] == "RuleViolation"
    # UU PDP: the one answered look-up is in the certificate's verification trail, for its holder's report.
    [(_, via, address)] = container.services.assessment.verification_trail.for_certificate("REG 2024 0001")
    assert via == "graphql" and address
    assert container.services.assessment.verification_trail.for_certificate("REG 2024 0002") == []
    schema = client.http.post("/sertifikat/graphql", json={"query": "{ __schema { types { name } } }"}).json()
    assert "nik" not in str(schema).lower()
