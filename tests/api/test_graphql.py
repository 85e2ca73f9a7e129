"""GraphQL documents through the HTTP app, with the projections running in-process as in ``serve``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.world import PRODI, UNIVERSITY, regular_periods

SECRET = "test-secret-" + "x" * 32


class Client:
    def __init__(self, http: TestClient) -> None:
        self.http = http

    def gql(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    app = create_app(container.services, on_startup=container.start_worker)
    with TestClient(app) as http:
        yield Client(http)


ADMIN = mint(SECRET, subject="admin@kemdikbud", role=Role.MINISTRY_ADMIN, institution=None)
OPERATOR = mint(SECRET, subject="operator@contoh", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
OTHER_OPERATOR = mint(SECRET, subject="operator@lain", role=Role.UNIVERSITY_OPERATOR, institution="009999")

REFUSALS = """
  ... on RuleViolation { ruleId field message failures { ruleId field message } }
  ... on NotAuthorized { message }
  ... on Conflict { message }
  ... on NotFound { what key message }
"""


NINA_MUTATIONS = ("reserveNina", "pairNina")


def mutate(client: Client, mutation: str, input_type: str, token: str | None, **input: Any) -> dict[str, Any]:
    success = (
        "... on NinaAccepted { position nina }"
        if mutation in NINA_MUTATIONS
        else "... on Accepted { position changed }"
    )
    doc = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename {success} {REFUSALS} }} }}"
    body = client.gql(doc, token, input=input)
    assert "errors" not in body, body
    return body["data"][mutation]


def register_cohort(client: Client, ipk: str = "3.50") -> None:
    assert (
        mutate(
            client, "registerUniversity", "RegisterUniversityInput", ADMIN, code=UNIVERSITY, name="Universitas Contoh"
        )["__typename"]
        == "Accepted"
    )
    programme = mutate(
        client,
        "registerProgramme",
        "RegisterProgrammeInput",
        ADMIN,
        universityCode=UNIVERSITY,
        prodiCode=PRODI,
        name="Informatika",
        level="S1",
        orientation="ACADEMIC",
        accreditation={"grade": "UNGGUL", "validFrom": "2019-01-01", "validUntil": "2029-12-31"},
    )
    assert programme["__typename"] == "Accepted"
    student = mutate(
        client,
        "registerStudent",
        "RegisterStudentInput",
        OPERATOR,
        universityCode=UNIVERSITY,
        nim="2020001",
        prodiCode=PRODI,
        entryPeriod="20201",
        fullName="Siti Aminah",
        nik="3171234567890001",
    )
    assert student["__typename"] == "Accepted"
    for i, period in enumerate(regular_periods("20201", 8), start=1):
        reported = mutate(
            client,
            "reportSemester",
            "ReportSemesterInput",
            OPERATOR,
            universityCode=UNIVERSITY,
            nim="2020001",
            period=period,
            status="ACTIVE",
            sksTaken=20,
            ips="3.50",
            ipk=ipk,
            sksPassed=20 * i,
        )
        assert reported["__typename"] == "Accepted", reported


def test_a_first_session_reserves_pairs_and_reads_back_its_own_write(client: Client) -> None:
    register_cohort(client)
    reserved = mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001")
    assert reserved["__typename"] == "NinaAccepted"
    assert reserved["nina"].startswith(PRODI + "2024")
    graduated = mutate(
        client,
        "recordGraduation",
        "RecordGraduationInput",
        OPERATOR,
        universityCode=UNIVERSITY,
        nim="2020001",
        yudisiumNumber="SK/YUD/2024/07",
        yudisiumDate="2024-07-20",
    )
    assert graduated["__typename"] == "Accepted"
    paired = mutate(
        client, "pairNina", "PairNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001", nina=reserved["nina"]
    )
    assert paired["__typename"] == "NinaAccepted"

    body = client.gql(
        'query($p: Int) { diploma(universityCode: "001002", nim: "2020001", position: $p) '
        "{ ... on Diploma { nina status fullName pairingRuleset yudisiumNumber } } }",
        OPERATOR,
        p=paired["position"],
    )
    assert body["data"]["diploma"] == {
        "nina": reserved["nina"],
        "status": "PAIRED",
        "fullName": "Siti Aminah",
        "pairingRuleset": "PISN-2021",
        "yudisiumNumber": "SK/YUD/2024/07",
    }


def test_PIN_2_eligibility_query_names_the_failing_rule_and_the_mutation_refuses_the_same(
    client: Client, container: Container
) -> None:
    register_cohort(client, ipk="1.99")
    position = container.services.diploma.commands.recorder.max_notification_id()
    body = client.gql(
        'query($p: Int) { ninaEligibility(universityCode: "001002", nim: "2020001", position: $p) '
        "{ ... on NinaEligibility { reservation { allowed rulesetId failures { ruleId field } } } } }",
        OPERATOR,
        p=position,
    )
    reservation = body["data"]["ninaEligibility"]["reservation"]
    assert reservation == {
        "allowed": False,
        "rulesetId": "PISN-2021",
        "failures": [{"ruleId": "PIN-2.ipk", "field": "ipk"}],
    }

    refused = mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001")
    assert (refused["__typename"], refused["ruleId"], refused["field"]) == ("RuleViolation", "PIN-2.ipk", "ipk")
    assert container.services.diploma.commands.recorder.max_notification_id() == position


def test_bad_input_is_refused_with_the_field_and_rule_and_changes_nothing(client: Client, container: Container) -> None:
    register_cohort(client)
    before = container.services.diploma.commands.recorder.max_notification_id()
    refused = mutate(
        client,
        "reportSemester",
        "ReportSemesterInput",
        OPERATOR,
        universityCode=UNIVERSITY,
        nim="2020001",
        period="20245",
        status="ACTIVE",
        sksTaken=20,
        ips="3.5x",
        ipk="3.50",
        sksPassed=20,
    )
    assert (refused["__typename"], refused["ruleId"], refused["field"]) == ("RuleViolation", "PIN-0", "period")
    refused_gpa = mutate(
        client,
        "reportSemester",
        "ReportSemesterInput",
        OPERATOR,
        universityCode=UNIVERSITY,
        nim="2020001",
        period="20241",
        status="ACTIVE",
        sksTaken=20,
        ips="3.5x",
        ipk="3.50",
        sksPassed=20,
    )
    assert (refused_gpa["ruleId"], refused_gpa["field"]) == ("PIN-0", "ips")
    assert container.services.diploma.commands.recorder.max_notification_id() == before


def test_an_operator_acts_only_for_their_own_university(client: Client, container: Container) -> None:
    register_cohort(client)
    before = container.services.diploma.commands.recorder.max_notification_id()
    foreign = mutate(
        client, "reserveNina", "ReserveNinaInput", OTHER_OPERATOR, universityCode=UNIVERSITY, nim="2020001"
    )
    anonymous = mutate(client, "reserveNina", "ReserveNinaInput", None, universityCode=UNIVERSITY, nim="2020001")
    forged = mutate(
        client,
        "reserveNina",
        "ReserveNinaInput",
        mint("wrong-secret-" + "y" * 32, subject="x", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY),
        universityCode=UNIVERSITY,
        nim="2020001",
    )
    assert [r["__typename"] for r in (foreign, anonymous, forged)] == ["NotAuthorized"] * 3
    assert container.services.diploma.commands.recorder.max_notification_id() == before
    read = client.gql(
        '{ diploma(universityCode: "001002", nim: "2020001") { __typename ... on Diploma { nina } } }', OTHER_OPERATOR
    )
    assert read["data"]["diploma"] == {"__typename": "NotAuthorized"}  # a union member, as every refusal (issue 32)


def test_unknown_student_is_not_found_and_a_second_reservation_breaks_PIN_2_once(client: Client) -> None:
    register_cohort(client)
    missing = mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="9999999")
    assert missing["__typename"] == "NotFound"
    assert (
        mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001")[
            "__typename"
        ]
        == "NinaAccepted"
    )
    again = mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001")
    assert (again["__typename"], again["ruleId"], again["field"]) == ("RuleViolation", "PIN-2.once", "nim")


def test_graphiql_is_served(client: Client) -> None:
    page = client.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


# Staff reads (UU PDP: personal data only to those who need it) -----------------------------------------

UNIVERSITY_FEED = mint(SECRET, subject="pddikti@contoh", role=Role.PDDIKTI_SYNC, institution=UNIVERSITY)
# A feed without an institution: ``mint`` refuses to make one (issue 27, defect 7), so it is signed by hand.
NATIONAL_FEED = jwt.encode(
    {"iss": "kredensial", "sub": "pddikti", "role": "pddikti_sync", "inst": None, "exp": 2**31}, SECRET, "HS256"
)

STAFF_READS = {
    "diplomas": 'query($p: Int) { diplomas(universityCode: "001002", position: $p) '
    "{ __typename ... on DiplomaConnection { edges { node { nim fullName nina status } } } } }",
    "ninaEligibility": 'query($p: Int) { ninaEligibility(universityCode: "001002", nim: "2020001", position: $p) '
    "{ __typename ... on NinaEligibility { nim nina diplomaStatus reservation { rulesetId } } } }",
    "diploma": 'query($p: Int) { diploma(universityCode: "001002", nim: "2020001", position: $p) '
    "{ __typename ... on Diploma { nim fullName nina status } } }",
}


def reserved_cohort(client: Client, container: Container) -> tuple[str, int]:
    """Siti Aminah, registered and reserved at 001002; her NINA and the position of the reservation."""
    register_cohort(client)
    reserved = mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001")
    assert reserved["__typename"] == "NinaAccepted"
    return reserved["nina"], container.services.diploma.commands.recorder.max_notification_id()


@pytest.mark.parametrize("query", list(STAFF_READS))
def test_UU_PDP_staff_reads_refuse_an_anonymous_caller_another_universitys_operator_and_the_pddikti_feed(
    client: Client, container: Container, query: str
) -> None:
    nina, position = reserved_cohort(client, container)
    callers = {
        "anonymous": None,
        "operator of another university": OTHER_OPERATOR,
        "pddikti_sync feed of the university": UNIVERSITY_FEED,
        "national pddikti_sync feed": NATIONAL_FEED,
    }
    for caller, token in callers.items():
        body = client.gql(STAFF_READS[query], token, p=position)
        assert "errors" not in body and body["data"][query] == {"__typename": "NotAuthorized"}, (caller, body)
        assert "Siti Aminah" not in repr(body) and nina not in repr(body), caller


@pytest.mark.parametrize("query", list(STAFF_READS))
def test_UU_PDP_staff_reads_answer_the_universitys_own_operator_and_a_ministry_admin(
    client: Client, container: Container, query: str
) -> None:
    nina, position = reserved_cohort(client, container)
    expected = {
        "diplomas": {
            "__typename": "DiplomaConnection",
            "edges": [{"node": {"nim": "2020001", "fullName": "Siti Aminah", "nina": nina, "status": "RESERVED"}}],
        },
        "ninaEligibility": {
            "__typename": "NinaEligibility",
            "nim": "2020001",
            "nina": nina,
            "diplomaStatus": "RESERVED",
            "reservation": {"rulesetId": "PISN-2021"},
        },
        "diploma": {
            "__typename": "Diploma",
            "nim": "2020001",
            "fullName": "Siti Aminah",
            "nina": nina,
            "status": "RESERVED",
        },
    }[query]
    for caller, token in {"own operator": OPERATOR, "ministry_admin": ADMIN}.items():
        body = client.gql(STAFF_READS[query], token, p=position)
        assert "errors" not in body, (caller, body)
        assert body["data"][query] == expected, caller
