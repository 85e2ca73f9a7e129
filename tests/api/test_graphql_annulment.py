"""PIN-5 through the staff GraphQL API: annulNina, proposeAnnulment, decideAnnulment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_graphql import OPERATOR, REFUSALS, SECRET, Client, mutate, register_cohort
from tests.world import PRODI, UNIVERSITY

DIRECTOR_GENERAL = mint(SECRET, subject="dirjen@kemdikbud", role=Role.DIRECTOR_GENERAL, institution=None)
LEADER = mint(SECRET, subject="rektor@contoh", role=Role.UNIVERSITY_LEADER, institution=UNIVERSITY)
OTHER_LEADER = mint(SECRET, subject="rektor@lain", role=Role.UNIVERSITY_LEADER, institution="009999")

DIPLOMA = """
query($p: Int) {
  diploma(universityCode: "001002", nim: "2020001", position: $p) { ... on Diploma {
    nina status annulledOn annulledBy annulmentReason annulmentLegalBasis proposalStatus proposalReason proposalRemark
  } }
}
"""


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    app = create_app(container.services, on_startup=container.start_worker)
    with TestClient(app) as http:
        yield Client(http)


def annulment(client: Client, mutation: str, input_type: str, token: str | None, **input: Any) -> dict[str, Any]:
    doc = (
        f"mutation($input: {input_type}!) {{ {mutation}(input: $input) "
        f"{{ __typename ... on AnnulmentAccepted {{ position nina status }} {REFUSALS} }} }}"
    )
    body = client.gql(doc, token, input=input)
    assert "errors" not in body, body
    return body["data"][mutation]


def paired(client: Client) -> str:
    register_cohort(client)
    nina = mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001")["nina"]
    mutate(
        client,
        "recordGraduation",
        "RecordGraduationInput",
        OPERATOR,
        universityCode=UNIVERSITY,
        nim="2020001",
        yudisiumNumber="SK/YUD/2024/07",
        yudisiumDate="2024-07-20",
    )
    pairing = mutate(client, "pairNina", "PairNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001", nina=nina)
    assert pairing["__typename"] == "NinaAccepted"
    return nina


def position(container: Container) -> int:
    return container.services.diploma.commands.recorder.max_notification_id() or 0


def test_PIN_5_annulNina_by_the_director_general_makes_the_diploma_void_in_the_staff_view_and_sivil(
    client: Client, container: Container
) -> None:
    nina = paired(client)
    annulled = annulment(
        client,
        "annulNina",
        "AnnulNinaInput",
        DIRECTOR_GENERAL,
        universityCode=UNIVERSITY,
        nim="2020001",
        reason="learning process did not comply",
        legalBasis="Decree 318/B/HK/2019",
    )
    assert annulled == {
        "__typename": "AnnulmentAccepted",
        "position": position(container),
        "nina": nina,
        "status": "VOID",
    }

    body = client.gql(DIPLOMA, OPERATOR, p=annulled["position"])
    assert body["data"]["diploma"] == {
        "nina": nina,
        "status": "VOID",
        "annulledOn": "2024-08-01",
        "annulledBy": "dirjen@kemdikbud",
        "annulmentReason": "learning process did not comply",
        "annulmentLegalBasis": "Decree 318/B/HK/2019",
        "proposalStatus": None,
        "proposalReason": None,
        "proposalRemark": None,
    }
    container.services.wait("sivil", annulled["position"])
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None and (entry.status, entry.status_date) == ("VOID", "2024-08-01")


def test_PIN_5_annulNina_without_a_legal_basis_names_the_field_and_changes_nothing(
    client: Client, container: Container
) -> None:
    paired(client)
    before = position(container)
    refused = annulment(
        client,
        "annulNina",
        "AnnulNinaInput",
        DIRECTOR_GENERAL,
        universityCode=UNIVERSITY,
        nim="2020001",
        reason="learning process did not comply",
    )
    assert (refused["__typename"], refused["ruleId"], refused["field"]) == (
        "RuleViolation",
        "PIN-5.legal_basis",
        "legalBasis",
    )
    assert position(container) == before


@pytest.mark.parametrize("token", [OPERATOR, LEADER, None], ids=["operator", "university-leader", "anonymous"])
def test_PIN_5_annulNina_by_anyone_but_the_director_general_is_not_authorized(
    client: Client, container: Container, token: str | None
) -> None:
    paired(client)
    before = position(container)
    refused = annulment(
        client,
        "annulNina",
        "AnnulNinaInput",
        token,
        universityCode=UNIVERSITY,
        nim="2020001",
        reason="r",
        legalBasis="b",
    )
    assert refused["__typename"] == "NotAuthorized"
    assert position(container) == before


def test_PIN_5_proposeAnnulment_then_decideAnnulment_cancels_the_nina_in_error(
    client: Client, container: Container
) -> None:
    nina = paired(client)
    before = position(container)
    foreign = annulment(
        client,
        "proposeAnnulment",
        "ProposeAnnulmentInput",
        OTHER_LEADER,
        universityCode=UNIVERSITY,
        nim="2020001",
        reason="wrong student",
    )
    assert foreign["__typename"] == "NotAuthorized" and position(container) == before

    proposed = annulment(
        client,
        "proposeAnnulment",
        "ProposeAnnulmentInput",
        LEADER,
        universityCode=UNIVERSITY,
        nim="2020001",
        reason="paired with the wrong NIM",
    )
    assert (proposed["__typename"], proposed["status"]) == ("AnnulmentAccepted", "PAIRED")
    again = annulment(
        client,
        "proposeAnnulment",
        "ProposeAnnulmentInput",
        LEADER,
        universityCode=UNIVERSITY,
        nim="2020001",
        reason="another",
    )
    assert (again["__typename"], again["ruleId"]) == ("RuleViolation", "PIN-5.proposal")

    no_remark = annulment(
        client,
        "decideAnnulment",
        "DecideAnnulmentInput",
        DIRECTOR_GENERAL,
        universityCode=UNIVERSITY,
        nim="2020001",
        accept=False,
    )
    assert (no_remark["__typename"], no_remark["ruleId"], no_remark["field"]) == (
        "RuleViolation",
        "PIN-5.remark",
        "remark",
    )
    by_leader = annulment(
        client, "decideAnnulment", "DecideAnnulmentInput", LEADER, universityCode=UNIVERSITY, nim="2020001", accept=True
    )
    assert by_leader["__typename"] == "NotAuthorized"

    accepted = annulment(
        client,
        "decideAnnulment",
        "DecideAnnulmentInput",
        DIRECTOR_GENERAL,
        universityCode=UNIVERSITY,
        nim="2020001",
        accept=True,
    )
    assert accepted == {
        "__typename": "AnnulmentAccepted",
        "position": position(container),
        "nina": nina,
        "status": "CANCELLED_IN_ERROR",
    }
    body = client.gql(DIPLOMA, LEADER, p=accepted["position"])
    diploma = body["data"]["diploma"]
    assert (diploma["status"], diploma["proposalStatus"], diploma["proposalReason"], diploma["annulledOn"]) == (
        "CANCELLED_IN_ERROR",
        "ACCEPTED",
        "paired with the wrong NIM",
        "2024-08-01",
    )

    reserved_again = mutate(
        client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001"
    )
    assert reserved_again["__typename"] == "NinaAccepted" and reserved_again["nina"] != nina


def test_PIN_5_decideAnnulment_rejected_with_a_remark_keeps_the_diploma(client: Client) -> None:
    paired(client)
    annulment(
        client,
        "proposeAnnulment",
        "ProposeAnnulmentInput",
        LEADER,
        universityCode=UNIVERSITY,
        nim="2020001",
        reason="wrong student",
    )
    rejected = annulment(
        client,
        "decideAnnulment",
        "DecideAnnulmentInput",
        DIRECTOR_GENERAL,
        universityCode=UNIVERSITY,
        nim="2020001",
        accept=False,
        remark="the yudisium decree names this student",
    )
    assert (rejected["__typename"], rejected["status"]) == ("AnnulmentAccepted", "PAIRED")
    diploma = client.gql(DIPLOMA, OPERATOR, p=rejected["position"])["data"]["diploma"]
    assert (diploma["status"], diploma["proposalStatus"], diploma["proposalRemark"]) == (
        "PAIRED",
        "REJECTED",
        "the yudisium decree names this student",
    )


def test_PIN_5_annulling_an_unknown_nim_is_not_found(client: Client) -> None:
    register_cohort(client)
    missing = annulment(
        client,
        "annulNina",
        "AnnulNinaInput",
        DIRECTOR_GENERAL,
        universityCode=UNIVERSITY,
        nim="2020001",
        reason="r",
        legalBasis="b",
    )
    assert missing["__typename"] == "NotFound"
