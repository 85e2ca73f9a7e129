"""The equivalency flow through the HTTP API, on SQLite and PostgreSQL: registration to SK and a PK, the
applicant's view by account or by number and access code (never by name), the team's queue, legal staff's
decision basis, and who may read the documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_graphql import REFUSALS, SECRET, Client
from tests.world import Clock

APPLICANT = mint(SECRET, subject="akun-rina", role=Role.APPLICANT, institution=None)
OTHER = mint(SECRET, subject="akun-lain", role=Role.APPLICANT, institution=None)
TEAM = mint(SECRET, subject="tim-a", role=Role.EQUIVALENCY_TEAM, institution=None)
OTHER_TEAM = mint(SECRET, subject="tim-c", role=Role.EQUIVALENCY_TEAM, institution=None)
LEGAL = mint(SECRET, subject="hukum-b", role=Role.LEGAL_STAFF, institution=None)
ACCEPTED = "... on ApplicationAccepted { position registrationNumber status missing accessCode }"
VIEW = (
    "registrationNumber applicantName status workingDays waitingForApplicant missing deferralReasons"
    " escalations { number kind outcome } sk { skNumber level ruleVersion unclaimed collectedOn }"
    " reviews { number upheld }"
)


@pytest.fixture
def client(container: Container, clock: Clock) -> Iterator[Client]:
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
    app = create_app(container.services, on_startup=container.start_worker)
    with TestClient(app) as http:
        yield Client(http)


def run(client: Client, mutation: str, input_type: str, token: str | None, **given: Any) -> dict[str, Any]:
    doc = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename {ACCEPTED} {REFUSALS} }} }}"
    body = client.gql(doc, token, input=given)
    assert "errors" not in body, body
    return dict(body["data"][mutation])


def ok(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["__typename"] == "ApplicationAccepted", answer
    return answer


def application(client: Client, token: str | None, number: str, code: str | None = None, at: int | None = None) -> Any:
    body = client.gql(
        "query($n: String!, $c: String, $p: Int) { equivalencyApplication(registrationNumber: $n, accessCode: $c,"
        f" position: $p) {{ __typename ... on EquivalencyApplicationView {{ {VIEW} }} }} }}",
        token,
        n=number,
        c=code,
        p=at,
    )
    assert "errors" not in body, body
    return body["data"]["equivalencyApplication"]


def registered_and_complete(client: Client) -> tuple[str, str, int]:
    form = {
        "fullName": "Rina Kusuma",
        "passportNumber": "C1234567",
        "country": "AU",
        "university": "The University of Melbourne",
        "programme": "Bachelor of Science",
        "level": "S1",
    }
    answer = ok(run(client, "registerEquivalencyApplication", "EquivalencyApplicationInput", APPLICANT, **form))
    number, code = answer["registrationNumber"], answer["accessCode"]
    uploaded = client.http.post("/files", content=b"%PDF-1.7\nscan", headers={"Authorization": f"Bearer {APPLICANT}"})
    assert uploaded.status_code == 201, uploaded.text
    sha = uploaded.json()["sha256"]
    for item in answer["missing"]:
        given = {"url": "https://study.unimelb.edu.au"} if item == "ACADEMIC_CATALOGUE" else {"fileSha256": sha}
        answer = ok(
            run(
                client,
                "addEquivalencyDocument",
                "AddEquivalencyDocumentInput",
                APPLICANT,
                registrationNumber=number,
                itemCode=item,
                **given,
            )
        )
    assert answer["status"] == "IN_REVIEW" and answer["missing"] == []
    return number, code, int(answer["position"])


def test_registration_to_sk_and_a_pk(client: Client, clock: Clock) -> None:
    number, code, at = registered_and_complete(client)
    queue = client.gql(
        "query($p: Int) { equivalencyQueue(position: $p) { __typename ... on EquivalencyQueue { edges"
        " { node { registrationNumber workingDays } } } } }",
        TEAM,
        p=at,
    )["data"]["equivalencyQueue"]
    assert queue["edges"] == [{"node": {"registrationNumber": number, "workingDays": 0}}]
    ref = {"registrationNumber": number}
    ok(run(client, "escalateApplication", "EscalateInput", TEAM, **ref, kind="EXPERT", request="Honours?"))
    early = run(client, "equaliseApplication", "EqualiseInput", TEAM, **ref, skNumber="1/E.E3/KM/2026")
    assert early["__typename"] == "RuleViolation" and early["ruleId"] == "EQV-3"
    ok(run(client, "answerEscalation", "AnswerEscalationInput", TEAM, **ref, number=1, outcome="Tanpa Honours"))
    clock.now = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    decided = ok(run(client, "equaliseApplication", "EqualiseInput", TEAM, **ref, skNumber="1/E.E3/KM/2026"))

    mine = application(client, APPLICANT, number, at=decided["position"])
    assert mine["sk"] == {
        "skNumber": "1/E.E3/KM/2026",
        "level": "D3",
        "ruleVersion": "AU-BACHELOR-2019",
        "unclaimed": False,
        "collectedOn": None,
    }
    assert mine["workingDays"] == 2 and mine["escalations"] == [
        {"number": 1, "kind": "EXPERT", "outcome": "Tanpa Honours"}
    ]
    assert application(client, None, number, code)["registrationNumber"] == number  # the second factor
    assert application(client, None, number, "WRONG") is None
    assert application(client, OTHER, number) is None
    assert application(client, None, "PI-2026-999999", code) is None
    reprint = run(client, "reprintSk", "ApplicationRefInput", TEAM, **ref)
    assert reprint["__typename"] == "RuleViolation" and reprint["ruleId"] == "EQV-7"

    attorney = {
        "signedOn": "2026-03-03",
        "stamps": [{"value": 6000, "newDesign": False}, {"value": 6000, "newDesign": False}],
        "applicantIdCopy": True,
        "representativeIdCopy": True,
    }
    stale = run(
        client, "collectSk", "CollectSkInput", TEAM, **ref, by="REPRESENTATIVE", photos=2, powerOfAttorney=attorney
    )
    assert stale["__typename"] == "RuleViolation" and stale["ruleId"] == "EQV-5.meterai"
    attorney["stamps"] = [{"value": 10000, "newDesign": True}]
    ok(run(client, "collectSk", "CollectSkInput", TEAM, **ref, by="REPRESENTATIVE", photos=2, powerOfAttorney=attorney))

    pk = run(
        client,
        "requestReview",
        "RequestReviewInput",
        APPLICANT,
        **ref,
        letterReference="PK-01/2026",
        reasons="Ijazah dengan Honours",
    )
    ok(pk)
    same = run(client, "decideReview", "DecideReviewInput", LEGAL, **ref, upheld=True, remark="x", deciders=["tim-a"])
    assert same["__typename"] == "RuleViolation" and same["ruleId"] == "EQV-8.independence"
    upheld = ok(run(client, "decideReview", "DecideReviewInput", LEGAL, **ref, upheld=True, remark="Diterima"))
    ok(
        run(
            client,
            "correctApplicationFeatures",
            "CorrectFeaturesInput",
            OTHER_TEAM,
            **ref,
            honours=True,
            reason="Honours",
        )
    )
    again = ok(run(client, "equaliseApplication", "EqualiseInput", OTHER_TEAM, **ref, skNumber="2/E.E3/KM/2026"))
    assert int(again["position"]) > int(upheld["position"])

    basis = client.gql(
        "query($n: String!, $p: Int) { decisionBasis(registrationNumber: $n, decision: 1, position: $p) { __typename"
        " ... on DecisionBasisView { outcome level ruleVersion decidedBy decidedOn ruleIds"
        " documents { itemCode sha256 url } escalations { kind outcome } } } }",
        LEGAL,
        n=number,
        p=again["position"],
    )["data"]["decisionBasis"]
    assert (basis["level"], basis["ruleVersion"], basis["decidedBy"]) == ("D3", "AU-BACHELOR-2019", ["tim-a"])
    assert basis["decidedOn"] == "2026-03-04" and len(basis["documents"]) == 7
    assert basis["escalations"] == [{"kind": "EXPERT", "outcome": "Tanpa Honours"}]
    second = client.gql(
        "query($n: String!) { decisionBasis(registrationNumber: $n, decision: 2) { __typename"
        " ... on DecisionBasisView { level decidedBy } } }",
        LEGAL,
        n=number,
    )["data"]["decisionBasis"]
    assert second == {"__typename": "DecisionBasisView", "level": "S1", "decidedBy": ["tim-c"]}
    forbidden = client.gql(
        "query($n: String!) { decisionBasis(registrationNumber: $n) { __typename } }", APPLICANT, n=number
    )["data"]["decisionBasis"]
    assert forbidden == {"__typename": "NotAuthorized"}


def test_documents_are_read_by_their_applicant_and_the_directorate(client: Client) -> None:
    number, _, at = registered_and_complete(client)
    doc = application(client, TEAM, number, at=at)
    assert doc["status"] == "IN_REVIEW"
    documents = client.gql(
        "query($n: String!) { equivalencyApplication(registrationNumber: $n) { ... on EquivalencyApplicationView"
        " { documents { sha256 url } } } }",
        TEAM,
        n=number,
    )["data"]["equivalencyApplication"]["documents"]
    [sha] = {d["sha256"] for d in documents if d["sha256"]}
    for token, status in ((APPLICANT, 200), (TEAM, 200), (LEGAL, 200), (OTHER, 404)):  # 404: as unknown
        got = client.http.get(f"/files/{sha}", headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == status, (token, got.text)


def test_the_sk_is_a_signed_pdf_anyone_verifies(client: Client, container: Container, tmp_path: Any) -> None:
    from infra.documents.checks import Verdict
    from infra.documents.published import roots_from_pem
    from infra.verify_pdf import verify_pdf_command

    number, _, _ = registered_and_complete(client)
    decided = ok(
        run(client, "equaliseApplication", "EqualiseInput", TEAM, registrationNumber=number, skNumber="9/E/2026")
    )
    container.services.wait("equivalencies", decided["position"], "equivalencies")
    for token, status in ((APPLICANT, 200), (LEGAL, 200), (OTHER, 404)):
        got = client.http.get(f"/equivalency/{number}/sk.pdf", headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == status, got.text
    pdf = client.http.get(f"/equivalency/{number}/sk.pdf", headers={"Authorization": f"Bearer {APPLICANT}"}).content
    keys = container.services.diploma.sivil_public.keys
    roots = roots_from_pem(client.http.get("/.well-known/kredensial-root.pem").content)
    path = tmp_path / "sk.pdf"
    path.write_bytes(pdf)
    verdict, lines = verify_pdf_command(path, keys, None, roots=roots, offline=True)
    assert verdict == Verdict.STATUS_UNKNOWN and lines[-1].startswith("AUTHENTIC, STATUS NOT CHECKED: SK 9/E/2026")

    def http_get(url: str) -> tuple[int, bytes]:  # the verifier asks the server, here in-process
        got = client.http.get(url.removeprefix("http://testserver"))
        return got.status_code, got.content

    verdict, lines = verify_pdf_command(path, keys, "http://testserver", http_get=http_get)  # root asked there
    assert verdict == Verdict.VERIFIED, lines
    assert "root certificate: published at http://testserver/.well-known/kredensial-root.pem (--server)" in lines
    ok(
        run(
            client,
            "requestReview",
            "RequestReviewInput",
            APPLICANT,
            registrationNumber=number,
            letterReference="PK",
            reasons="Honours",
        )
    )
    upheld = ok(
        run(
            client,
            "decideReview",
            "DecideReviewInput",
            LEGAL,
            registrationNumber=number,
            upheld=True,
            remark="Diterima",
        )
    )
    container.services.wait("equivalencies", upheld["position"], "equivalencies")
    verdict, lines = verify_pdf_command(path, keys, "http://testserver", http_get=http_get)
    assert verdict == Verdict.ANNULLED and lines[-1].startswith("REPLACED"), lines
    wrong = client.http.get("/equivalency/sk-status", params={"registration": number, "sk": "X/1"})
    assert wrong.status_code == 404 and wrong.json()["type"] == "/problems/not-found"
    tampered = bytearray(pdf)
    at = pdf.index(b"9/E/2026")
    tampered[at] = ord("8")
    path.write_bytes(bytes(tampered))
    verdict, lines = verify_pdf_command(path, keys, None, roots=roots, offline=True)
    assert verdict == Verdict.NOT_VERIFIED, lines


def test_eqv_6_unclaimed_six_months_to_the_day_as_the_applicant_sees_it(client: Client, clock: Clock) -> None:
    number, _, _ = registered_and_complete(client)
    decided = ok(
        run(client, "equaliseApplication", "EqualiseInput", TEAM, registrationNumber=number, skNumber="7/E/2026")
    )
    clock.now = datetime(2026, 9, 1, 16, 59, tzinfo=UTC)  # 1 September 23:59 WIB: the day before
    sk = application(client, APPLICANT, number, at=decided["position"])["sk"]
    assert (sk["unclaimed"], sk["collectedOn"]) == (False, None)
    clock.now = datetime(2026, 9, 1, 17, 0, tzinfo=UTC)  # 2 September 00:00 WIB: six months to the day
    assert application(client, APPLICANT, number)["sk"]["unclaimed"] is True
