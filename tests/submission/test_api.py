"""The submission flow through the HTTP API (GraphQL and /files), on SQLite and PostgreSQL, and under uvicorn:
who may do and read what (a forbidden read is NotAuthorized with no data), and a refusal appends nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_graphql import OPERATOR, REFUSALS, SECRET, Client, mutate, register_cohort
from tests.api.test_processes import KREDENSIAL, env_for
from tests.api.test_processes import SECRET as PROCESS_SECRET
from tests.servers import free_port, served_process
from tests.submission.desk import PDF, PNG
from tests.world import UNIVERSITY

STUDENT = mint(SECRET, subject="2020001", role=Role.STUDENT, institution=UNIVERSITY)
OTHER_STUDENT = mint(SECRET, subject="2020002", role=Role.STUDENT, institution=UNIVERSITY)
SSC = mint(SECRET, subject="ssc@contoh", role=Role.SSC_STAFF, institution=UNIVERSITY)
OTHER_SSC = mint(SECRET, subject="ssc@lain", role=Role.SSC_STAFF, institution="009999")

ENTRY = {
    "issuer": "Amazon Web Services",
    "issuerKind": "TECHNOLOGY_COMPANY",
    "origin": "FOREIGN",
    "category": "Cloud",
    "name": "AWS Certified Cloud Practitioner",
}
CERTIFICATION = {
    "outcome": "PASSED",
    "gradingType": "NUMERIC",
    "result": "850",
    "scale": "1000",
    "issuedOn": "2024-06-01",
    "validThru": "2027-06-01",
}
SUCCESSES = {  # by the mutation's input: their fields must not share a name with another type
    "AddCatalogEntryInput": "... on CatalogAccepted { position entryId }",
    "ProposeCatalogEntryInput": "... on ProposalAccepted { position proposalId status entryId }",
}
SUBMISSION_ACCEPTED = "... on SubmissionAccepted { position submissionId status dueOn }"
SUBMISSION_FIELDS = (
    "submissionId nim name catalogRevision status result validThru dueOn overdue remark uploads"
    " evidence { sha256 mediaType url }"
)


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    app = create_app(container.services, on_startup=container.start_worker)
    with TestClient(app) as http:
        yield Client(http)


def command(client: Client, mutation: str, input_type: str, token: str | None, **input: Any) -> dict[str, Any]:
    success = SUCCESSES.get(input_type, SUBMISSION_ACCEPTED)
    doc = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename {success} {REFUSALS} }} }}"
    body = client.gql(doc, token, input=input)
    assert "errors" not in body, body
    return body["data"][mutation]


def query(client: Client, field: str, selection: str, token: str | None, **arguments: Any) -> Any:
    given = ", ".join(f"{k}: ${k}" for k in arguments)
    types = {"universityCode": "String!", "nim": "String!", "submissionId": "String!", "position": "Int"}
    declared = ", ".join(f"${k}: {types[k]}" for k in arguments)
    doc = f"query{f'({declared})' if declared else ''} {{ {field}{f'({given})' if given else ''} {selection} }}"
    body = client.gql(doc, token, **arguments)
    assert "errors" not in body, body
    return body["data"][field]


def upload(http: TestClient | httpx.Client, data: bytes, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/pdf", "X-Filename": "cert.pdf"}
    return http.post("/files", content=data, headers=headers)


def log_head(container: Container) -> int:
    return container.services.submission.commands.recorder.max_notification_id() or 0


def submit(client: Client, entry_id: str, token: str = STUDENT, **certification: Any) -> dict[str, Any]:
    """``submitCertification`` of the usual certification, with the given evidence and changes."""
    given = {"catalogEntryId": entry_id, "certification": {**CERTIFICATION, **certification}}
    return command(client, "submitCertification", "SubmitCertificationInput", token, **given)


@pytest.fixture
def cohort(client: Client) -> str:
    """The registry's students 2020001 and 2020002, and a catalog entry; its id."""
    register_cohort(client)
    mutate(
        client,
        "registerStudent",
        "RegisterStudentInput",
        OPERATOR,
        universityCode=UNIVERSITY,
        nim="2020002",
        prodiCode="55201",
        entryPeriod="20201",
        fullName="Budi Santoso",
        nik="3171234567890002",
    )
    added = command(client, "addCatalogEntry", "AddCatalogEntryInput", SSC, universityCode=UNIVERSITY, entry=ENTRY)
    assert added["__typename"] == "CatalogAccepted", added
    return str(added["entryId"])


def test_the_submission_flow_from_upload_to_the_dpi(client: Client, cohort: str, container: Container) -> None:
    uploaded = upload(client.http, PNG, STUDENT)  # sent as "cert.pdf", application/pdf: stored as what it is
    assert uploaded.status_code == 201 and uploaded.json()["mediaType"] == "image/png"
    sha256 = uploaded.json()["sha256"]
    submitted = submit(client, cohort, evidenceFile=sha256)
    assert submitted["__typename"] == "SubmissionAccepted" and submitted["dueOn"] == "2024-08-06", submitted
    submission_id, at = submitted["submissionId"], submitted["position"]

    queue = query(
        client,
        "reviewQueue",
        f"{{ __typename ... on ReviewQueue {{ overdueCount totalCount edges {{ node {{ {SUBMISSION_FIELDS} }} }} }} }}",
        SSC,
        universityCode=UNIVERSITY,
        position=at,
    )
    assert [e["node"]["submissionId"] for e in queue["edges"]] == [submission_id] and queue["totalCount"] == 1
    assert queue["edges"][0]["node"]["evidence"] == {"sha256": sha256, "mediaType": "image/png", "url": None}

    rejected = command(
        client,
        "rejectSubmission",
        "ReviewSubmissionInput",
        SSC,
        universityCode=UNIVERSITY,
        submissionId=submission_id,
        remark="Upload the whole certificate, both pages.",
    )
    assert rejected["status"] == "REJECTED"
    again = command(
        client,
        "reuploadSubmission",
        "ReuploadSubmissionInput",
        STUDENT,
        submissionId=submission_id,
        certification={**CERTIFICATION, "evidenceFile": upload(client.http, PDF, STUDENT).json()["sha256"]},
    )
    assert again["status"] == "WAITING_FOR_APPROVAL"
    approved = command(
        client, "approveSubmission", "ReviewSubmissionInput", SSC, universityCode=UNIVERSITY, submissionId=submission_id
    )
    assert approved["status"] == "APPROVED"

    mine = query(
        client,
        "mySubmissions",
        f"{{ __typename ... on SubmissionConnection {{ edges {{ node {{ {SUBMISSION_FIELDS} }} }} }} }}",
        STUDENT,
        position=approved["position"],
    )
    assert [(e["node"]["status"], e["node"]["uploads"], e["node"]["evidence"]["mediaType"]) for e in mine["edges"]] == [
        ("APPROVED", 2, "application/pdf")
    ]
    dpi_selection = (
        "{ __typename ... on Dpi { status certifications { name result validThru } } ... on NotAuthorized { message } }"
    )
    dpi = query(client, "dpi", dpi_selection, STUDENT, universityCode=UNIVERSITY, nim="2020001")
    assert dpi == {
        "__typename": "Dpi",
        "status": "OPEN",
        "certifications": [{"name": ENTRY["name"], "result": "850/1000", "validThru": "2027-06-01"}],
    }


def test_who_may_read_and_act(client: Client, cohort: str, container: Container) -> None:
    sha256 = upload(client.http, PNG, STUDENT).json()["sha256"]
    submitted = submit(client, cohort, evidenceFile=sha256)
    at = submitted["position"]
    head = log_head(container)
    # Other students and another university's staff act on nothing here.
    review = {"universityCode": UNIVERSITY, "submissionId": submitted["submissionId"]}
    for token in (STUDENT, OTHER_SSC):
        refusal = command(client, "approveSubmission", "ReviewSubmissionInput", token, **review)
        assert refusal["__typename"] == "NotAuthorized"
    reupload = {
        "submissionId": submitted["submissionId"],
        "certification": {**CERTIFICATION, "evidenceUrl": "https://example.com/x"},
    }
    assert (
        command(client, "reuploadSubmission", "ReuploadSubmissionInput", OTHER_STUDENT, **reupload)["__typename"]
        == "NotFound"
    )
    assert log_head(container) == head
    # Reads: NotAuthorized and no data.
    refused = "{ __typename ... on NotAuthorized { message } }"
    assert (
        query(client, "dpi", refused, OTHER_STUDENT, universityCode=UNIVERSITY, nim="2020001")["__typename"]
        == "NotAuthorized"
    )
    assert (
        query(client, "dpi", refused, OTHER_SSC, universityCode=UNIVERSITY, nim="2020001")["__typename"]
        == "NotAuthorized"
    )
    assert query(client, "reviewQueue", refused, STUDENT, universityCode=UNIVERSITY)["__typename"] == "NotAuthorized"
    assert query(client, "reviewQueue", refused, OPERATOR, universityCode=UNIVERSITY)["__typename"] == "NotAuthorized"
    assert query(client, "mySubmissions", refused, SSC)["__typename"] == "NotAuthorized"
    # Another university's SSC: as absent, so a refusal never tells that the submission exists.
    assert query(client, "submission", refused, OTHER_SSC, submissionId=submitted["submissionId"], position=at) is None
    assert query(client, "submission", refused, OPERATOR, submissionId=submitted["submissionId"])["__typename"] == (
        "NotAuthorized"
    )
    assert query(client, "submission", refused, OTHER_STUDENT, submissionId=submitted["submissionId"]) is None
    others = query(client, "mySubmissions", "{ ... on SubmissionConnection { totalCount } }", OTHER_STUDENT)
    assert others == {"totalCount": 0}
    # Evidence: its student and their SSC download it; nobody else.
    headers = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    assert client.http.get(f"/files/{sha256}", headers=headers(STUDENT)).content == PNG
    got = client.http.get(f"/files/{sha256}", headers=headers(SSC))
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    # Anyone else: as an unknown digest (issue 27), which tells nothing of whether the file exists.
    assert client.http.get(f"/files/{sha256}", headers=headers(OTHER_STUDENT)).status_code == 404
    assert client.http.get(f"/files/{sha256}", headers=headers(OTHER_SSC)).status_code == 404
    assert client.http.get(f"/files/{sha256}").status_code == 401
    assert client.http.get("/files/../../etc/passwd", headers=headers(SSC)).status_code == 404


def test_uploads_are_typed_by_their_bytes_and_bounded(client: Client, container: Container) -> None:
    gif = upload(client.http, b"GIF89a" + b"\x00" * 64, STUDENT)
    assert gif.status_code == 415 and gif.json()["rule"] == "SUB-6"
    assert upload(client.http, b"", STUDENT).status_code == 415
    assert upload(client.http, PNG, OPERATOR).status_code == 403
    assert client.http.post("/files", content=PNG).status_code == 401
    too_big = PNG + b"\x00" * container.services.submission.max_upload_bytes
    assert upload(client.http, too_big, STUDENT).status_code == 413
    assert not any(
        container.services.submission.files.stat(__import__("hashlib").sha256(d).hexdigest()) for d in (too_big,)
    )


def test_refused_submissions_name_field_and_rule_and_append_nothing(
    client: Client, cohort: str, container: Container
) -> None:
    head = log_head(container)
    refusal = command(
        client,
        "submitCertification",
        "SubmitCertificationInput",
        STUDENT,
        catalogEntryId=cohort,
        certification={**CERTIFICATION, "validThru": "2024-07-31", "result": "1000.5"},
    )
    assert refusal["__typename"] == "RuleViolation"
    assert {(f["ruleId"], f["field"]) for f in refusal["failures"]} >= {("SUB-5", "result")}
    bad_id = command(
        client,
        "submitCertification",
        "SubmitCertificationInput",
        STUDENT,
        catalogEntryId="x" * 5000,
        certification={**CERTIFICATION, "evidenceUrl": "https://example.com/c"},
    )
    assert (bad_id["ruleId"], bad_id["field"]) == ("SUB-1", "catalogEntryId")
    nul = command(
        client,
        "addCatalogEntry",
        "AddCatalogEntryInput",
        SSC,
        universityCode=UNIVERSITY,
        entry={**ENTRY, "name": "A\x00B"},
    )
    assert (nul["ruleId"], nul["field"]) == ("SUB-1", "name")
    assert log_head(container) == head


def test_a_student_submits_through_a_real_server(tmp_path: Path) -> None:
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], env_for(tmp_path / "var"), port) as url:
        student = mint(PROCESS_SECRET, subject="2020001", role=Role.STUDENT, institution=UNIVERSITY)
        with httpx.Client(base_url=url, timeout=30) as http:
            stored = upload(http, PDF, student)
            assert stored.status_code == 201 and stored.json()["mediaType"] == "application/pdf"
            body = http.post(
                "/graphql",
                json={"query": f'query {{ dpi(universityCode: "{UNIVERSITY}", nim: "2020001") {{ __typename }} }}'},
                headers={"Authorization": f"Bearer {student}"},
            ).json()
            assert body == {"data": {"dpi": None}}  # nothing yet, and no error


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_the_dpi_pdf_is_bilingual_signed_and_only_for_its_readers(
    client: Client, cohort: str, container: Container
) -> None:
    from infra.documents.file_signature import file_signature
    from infra.documents.published import roots_from_pem

    submitted = command(
        client,
        "submitCertification",
        "SubmitCertificationInput",
        STUDENT,
        catalogEntryId=cohort,
        certification={**CERTIFICATION, "evidenceUrl": "https://www.credly.com/badges/0f1e"},
    )
    approved = command(
        client,
        "approveSubmission",
        "ReviewSubmissionInput",
        SSC,
        universityCode=UNIVERSITY,
        submissionId=submitted["submissionId"],
    )
    query(
        client,
        "dpi",
        "{ __typename }",
        STUDENT,
        universityCode=UNIVERSITY,
        nim="2020001",
        position=approved["position"],
    )
    path = f"/dpi/{UNIVERSITY}/2020001.pdf"
    got = client.http.get(path, headers={"Authorization": f"Bearer {STUDENT}"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    text = pdf_text(got.content)
    for expected in ("DOKUMEN PENDAMPING IJAZAH", "DIPLOMA SUPPLEMENT", "2020001", ENTRY["name"], "850/1000", "DRAF"):
        assert expected in text, expected
    keys = container.services.diploma.sivil_public.keys
    roots = roots_from_pem(client.http.get("/.well-known/kredensial-root.pem").content)
    check, _ = file_signature(got.content, keys, roots)
    assert check.outcome == "ok" and check.detail.startswith("PAdES by kredensial document signing"), check
    tampered = bytearray(got.content)
    tampered[len(tampered) // 4] ^= 0x01  # one bit in the signed bytes
    assert file_signature(bytes(tampered), keys, roots)[0].outcome == "failed"
    for token, status in ((SSC, 200), (OPERATOR, 200), (OTHER_STUDENT, 403), (OTHER_SSC, 403)):
        assert client.http.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == status
    assert client.http.get(path).status_code == 401
    none_yet = client.http.get(f"/dpi/{UNIVERSITY}/2020002.pdf", headers={"Authorization": f"Bearer {SSC}"})
    assert none_yet.status_code == 404


def test_students_propose_entries_and_read_only_their_own_proposals(client: Client, cohort: str) -> None:
    at = 0
    for token, name in ((STUDENT, "TOEFL iBT"), (OTHER_STUDENT, "IELTS Academic")):
        proposed = command(
            client,
            "proposeCatalogEntry",
            "ProposeCatalogEntryInput",
            token,
            entry={**ENTRY, "issuer": "ETS" if "TOEFL" in name else "British Council", "name": name},
        )
        assert proposed["status"] == "PROPOSED", proposed
        at = proposed["position"]
    doc = (  # read your own write: wait for the last proposal's position
        "query($u: String!, $p: Int) { catalogProposals(universityCode: $u, position: $p) "
        "{ __typename ... on CatalogProposalConnection { edges { node { nim name } } } } }"
    )
    seen = {
        who: [
            (e["node"]["nim"], e["node"]["name"])
            for e in client.gql(doc, token, u=UNIVERSITY, p=at)["data"]["catalogProposals"]["edges"]
        ]
        for who, token in (("student", STUDENT), ("ssc", SSC))
    }
    assert seen["student"] == [("2020001", "TOEFL iBT")]
    assert sorted(seen["ssc"]) == [("2020001", "TOEFL iBT"), ("2020002", "IELTS Academic")]
    refused = client.gql(doc, OPERATOR, u=UNIVERSITY)["data"]["catalogProposals"]
    assert refused["__typename"] == "NotAuthorized"
