"""Issue 32, item 2: auditors and legal staff name a record by the key they have; the viewers show its id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from domain.assessment.certificate import Certificate
from domain.diploma.diploma import Diploma
from domain.equivalency.application import EquivalencyApplication
from domain.registry.student import Student
from infra.bootstrap import Container
from tests.api.authorization_walk import Seeded, seed, token
from tests.world import UNIVERSITY, World

HISTORY = """query($r: RecordKeyInput, $id: String) { history(record: $r, aggregateId: $id) { __typename
  ... on AuditHistory { aggregateId type } ... on RuleViolation { ruleId field } } }"""
AS_OF = (
    """query($r: RecordKeyInput) { asOf(record: $r, version: 1) { __typename ... on AuditState { aggregateId } } }"""
)


@pytest.fixture
def seeded(container: Container, world: World) -> Seeded:
    return seed(container, world)


@pytest.fixture
def history(container: Container, seeded: Seeded) -> Iterator[Any]:
    with TestClient(create_app(container.services)) as http:

        def ask(role: str, document: str = HISTORY, **variables: Any) -> Any:
            response = http.post(
                "/graphql",
                json={"query": document, "variables": variables},
                headers={"Authorization": f"Bearer {token(role)}"},
            )
            body = response.json()
            assert "errors" not in body, body
            return next(iter(body["data"].values()))

        yield ask


@pytest.mark.parametrize("store", ["sqlite"])
def test_an_auditor_follows_a_student_and_their_diploma_from_their_nim_and_nina(history: Any, seeded: Seeded) -> None:
    by_nim = history("auditor", r={"universityCode": UNIVERSITY, "nim": "2020001"})
    assert by_nim["aggregateId"] == str(Student.create_id(UNIVERSITY, "2020001"))
    by_nina = history("auditor", r={"universityCode": UNIVERSITY, "nina": seeded.values["nina"]})
    assert by_nina["aggregateId"] == str(Diploma.create_id(UNIVERSITY, "2020001"))
    assert history("auditor", r={"universityCode": "009999", "nina": seeded.values["nina"]}) is None


@pytest.mark.parametrize("store", ["sqlite"])
def test_legal_staff_name_an_application_by_registration_or_sk_number_and_a_certificate_by_its_number(
    history: Any, seeded: Seeded, container: Container
) -> None:
    number = seeded.values["registrationNumber"]
    application = str(EquivalencyApplication.create_id(number))
    assert history("legal_staff", r={"registrationNumber": number})["aggregateId"] == application
    sk_number = container.services.equivalency.view.application(number).sk_number  # type: ignore[union-attr]
    assert history("legal_staff", r={"skNumber": sk_number.lower()})["aggregateId"] == application
    assert history("legal_staff", AS_OF, r={"skNumber": sk_number})["aggregateId"] == application
    certificate = "62090 2512 3 0000001 2024"
    assert history("auditor", r={"certificateNumber": certificate})["aggregateId"] == str(
        Certificate.create_id(certificate)
    )
    submission = seeded.values["submissionId"]
    assert history("auditor", r={"submissionId": submission})["aggregateId"] == submission


@pytest.mark.parametrize("store", ["sqlite"])
def test_a_record_is_named_by_exactly_one_key_and_each_part_in_its_alphabet(history: Any) -> None:
    two = history("auditor", r={"registrationNumber": "PI-2026-000001", "submissionId": "x"})
    assert two == {"__typename": "RuleViolation", "ruleId": "API.audit", "field": "record"}
    assert history("auditor", r={"nim": "2020001"})["field"] == "record"  # a NIM without its university
    assert history("auditor", r={"universityCode": UNIVERSITY, "nim": "2020 001"})["field"] == "nim"
    assert history("auditor", r={"universityCode": UNIVERSITY, "nina": "12x"})["__typename"] == "RuleViolation"
    assert history("auditor", r={"submissionId": "not-an-id"})["field"] == "submissionId"
    both = history("auditor", r={"submissionId": "x"}, id="00000000-0000-4000-8000-000000000003")
    assert both["__typename"] == "RuleViolation"
    assert history("student", r={"universityCode": UNIVERSITY, "nim": "2020001"})["__typename"] == "NotAuthorized"


REPLAY = """query($r: RecordKeyInput, $d: Int, $v: String!) { replayDecision(record: $r, decision: $d, rulesetId: $v) {
  __typename ... on ReplayedDecisionView { decisionId type recordedOutcome reproduced }
  ... on RuleViolation { ruleId field } } }"""
BASIS = """query($r: RecordKeyInput, $d: Int) { decisionBasis(record: $r, decision: $d) { __typename
  ... on DecisionBasisView { aggregateId decisionId decision skNumber } ... on RuleViolation { ruleId field } } }"""


@pytest.mark.parametrize("store", ["sqlite"])
def test_legal_staff_replay_an_sk_from_its_number_and_a_nina_decision_from_the_nina_or_nim_from_the_live_log(
    history: Any, seeded: Seeded, container: Container
) -> None:
    number = seeded.values["registrationNumber"]
    sk_number = container.services.equivalency.view.application(number).sk_number  # type: ignore[union-attr]
    basis = history("legal_staff", BASIS, r={"skNumber": sk_number.lower()})
    assert basis["skNumber"] == sk_number and basis["aggregateId"] == str(EquivalencyApplication.create_id(number))
    replayed = history("legal_staff", REPLAY, r={"skNumber": sk_number}, v="GENERAL-2019")
    assert replayed["__typename"] == "ReplayedDecisionView" and replayed["decisionId"] == basis["decisionId"]
    assert replayed["type"] == "EquivalencyApplication.Equalised" and replayed["reproduced"]
    by_number = history("legal_staff", BASIS, r={"registrationNumber": number}, d=basis["decision"])
    assert by_number["decisionId"] == basis["decisionId"]
    diploma = str(Diploma.create_id(UNIVERSITY, "2020001"))
    nina = {"universityCode": UNIVERSITY, "nina": seeded.values["nina"]}
    first = history("auditor", REPLAY, r=nina, d=1, v="PISN-2021")
    assert first["decisionId"] == f"{diploma}/1" and first["type"] == "Diploma.NINAReserved"
    latest = history("auditor", REPLAY, r={"universityCode": UNIVERSITY, "nim": "2020001"}, v="PISN-2021")
    assert latest["decisionId"].startswith(diploma) and latest["reproduced"]


@pytest.mark.parametrize("store", ["sqlite"])
def test_a_decision_named_by_key_is_refused_as_data_when_it_names_none(history: Any, seeded: Seeded) -> None:
    nina = {"universityCode": UNIVERSITY, "nina": seeded.values["nina"]}
    assert history("auditor", REPLAY, r=nina, d=99, v="PISN-2021") == {
        "__typename": "RuleViolation",
        "ruleId": "API.audit",
        "field": "decision",
    }
    submission = {"submissionId": seeded.values["submissionId"]}
    assert history("auditor", REPLAY, r=submission, v="PISN-2021")["field"] == "record"  # it holds no decision
    assert history("legal_staff", BASIS, r={"universityCode": UNIVERSITY, "nim": "2020001"})["field"] == "record"
    assert history("legal_staff", BASIS, r={"skNumber": "0999/E.E3/KM/2026"}) is None
    assert history("student", REPLAY, r=nina, v="PISN-2021")["__typename"] == "NotAuthorized"
