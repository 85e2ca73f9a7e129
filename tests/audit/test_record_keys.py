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
