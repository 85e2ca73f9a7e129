"""ASM-6 steps 9 and 10 and ASM-9 through GraphQL, on SQLite and PostgreSQL (issue 30): the pipeline as an LSP's
staff read it shows the last steps and the reviews owed, the overdue first; the new mutations answer typed
refusals naming rule and field, appending nothing; reviews are read by BNSP and auditors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.assessment.sop import Result, Step
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_graphql import REFUSALS, SECRET, Client
from tests.assessment.lsp import ASESOR, KABAG_ADMINISTRASI, LSP, Office, wib
from tests.world import World

DAY = date(2024, 8, 1)
ADM = mint(SECRET, subject="administrasi@lsp", role=Role.KABAG_ADMINISTRASI, institution=LSP)
KOMITE_A = mint(SECRET, subject="komite-a", role=Role.KOMITE_TEKNIS, institution=LSP)
KOMITE_ASESOR = mint(SECRET, subject="komite-asesor", role=Role.KOMITE_TEKNIS, institution=LSP)
BNSP = mint(SECRET, subject="officer@bnsp", role=Role.BNSP_OFFICER, institution=None)
AUDITOR = mint(SECRET, subject="bpk-1", role=Role.AUDITOR, institution=None)
ASESI = mint(SECRET, subject="ASESI-0001", role=Role.ASESI, institution=LSP)
ASESOR_TOKEN = mint(SECRET, subject=ASESOR, role=Role.ASESOR, institution=None)
OTHER_LSP = mint(SECRET, subject="administrasi@lain", role=Role.KABAG_ADMINISTRASI, institution="LSP-LAIN")
ASSESSMENT = "... on AssessmentAccepted { position assessmentIds stage nextStep dueAt }"
PIPELINE = (
    "query($lsp: String!, $position: Int) { lspPipeline(lspCode: $lsp, position: $position) { __typename"
    " ... on Pipeline { edges { node { assessmentId stage nextStep overdue } } perStep { step candidates overdue }"
    " reviewsDue { totalCount edges { node { assessmentId reviewDueAt reviewOverdue } } } reviewsOverdue }"
    " ... on NotAuthorized { message } } }"
)


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    with TestClient(create_app(container.services, on_startup=container.start_worker)) as http:
        yield Client(http)


def run(client: Client, mutation: str, input_type: str, token: str, **given: Any) -> dict[str, Any]:
    doc = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename {ASSESSMENT} {REFUSALS} }} }}"
    body = client.gql(doc, token, input=given)
    assert "errors" not in body, body
    answer: dict[str, Any] = body["data"][mutation]
    return answer


def refused(office: Office, answer: dict[str, Any], rule_id: str, field: str, before: int) -> None:
    assert (answer["__typename"], answer["ruleId"], answer["field"]) == ("RuleViolation", rule_id, field), answer
    assert office.position() == before, "a refused mutation appended an event"


def test_asm_6_and_asm_9_the_pipeline_shows_the_last_steps_and_overdue_reviews(world: World, client: Client) -> None:
    office = Office(world).setup().at(wib(DAY, 10))
    certified = str(office.certified())
    bk = office.decided(Result.BK)
    office.step(bk, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "SKBK/2024/007")
    office.at(wib(DAY + timedelta(days=8), 10))  # a week and a day later: every step and review is overdue

    body = client.gql(PIPELINE, ADM, lsp=LSP, position=office.position())["data"]["lspPipeline"]
    steps = {i["assessmentId"]: (i["stage"], i["nextStep"], i["overdue"]) for i in nodes(body)}
    assert steps == {certified: ("CERTIFIED", Step(9).name, True), str(bk): ("NOT_YET_COMPETENT", Step(10).name, True)}
    assert body["perStep"] == [
        {"step": Step(9).name, "candidates": 1, "overdue": 1},
        {"step": Step(10).name, "candidates": 1, "overdue": 1},
    ]
    assert {r["assessmentId"] for r in nodes(body["reviewsDue"])} == {certified, str(bk)}
    assert all(r["reviewOverdue"] for r in nodes(body["reviewsDue"])) and body["reviewsOverdue"] == 2
    assert client.gql(PIPELINE, OTHER_LSP, lsp=LSP)["data"]["lspPipeline"]["__typename"] == "NotAuthorized"

    archived = run(
        client,
        "completeSopStep",
        "CompleteSopStepInput",
        ADM,
        lspCode=LSP,
        assessmentIds=[certified],
        step="ARCHIVE_CERTIFICATE",
        reference="ARSIP/2024/08/001",
    )
    assert (archived["__typename"], archived["nextStep"]) == ("AssessmentAccepted", "HAND_OVER"), archived
    before = office.position()
    handed = {"lspCode": LSP, "assessmentId": certified, "receiver": "REPRESENTATIVE", "representativeName": "Budi"}
    refused(office, run(client, "handOverCertificate", "HandOverInput", ADM, **handed), "ASM-6.receipt",
            "representativeRelation", before)  # fmt: skip
    handed["representativeRelation"] = "ayah"
    answer = run(client, "handOverCertificate", "HandOverInput", ADM, **handed)
    assert (answer["__typename"], answer["nextStep"], answer["stage"]) == ("AssessmentAccepted", None, "CERTIFIED")

    findings = {"planning": "Sesuai", "evidence": "Sesuai", "decision": "Sesuai", "records": "Sesuai"}
    review = {"lspCode": LSP, "assessmentId": certified, **findings}
    before = office.position()
    bad = run(
        client, "reviewAssessmentProcess", "ReviewAssessmentProcessInput", KOMITE_A, **{**review, "planning": "a\u0000"}
    )
    refused(office, bad, "ASM-9", "planning", before)
    refused(
        office,
        run(client, "reviewAssessmentProcess", "ReviewAssessmentProcessInput", KOMITE_ASESOR, **review),
        "ASM-9.independence",
        "reviewerId",
        before,
    )
    reviewed = run(client, "reviewAssessmentProcess", "ReviewAssessmentProcessInput", KOMITE_A, followUp="-", **review)
    assert reviewed["__typename"] == "AssessmentAccepted", reviewed

    body = client.gql(PIPELINE, ADM, lsp=LSP, position=reviewed["position"])["data"]["lspPipeline"]
    assert [i["assessmentId"] for i in nodes(body)] == [str(bk)]  # the certificate is handed over
    assert [r["assessmentId"] for r in nodes(body["reviewsDue"])] == [str(bk)] and body["reviewsOverdue"] == 1

    reviews = "query($lsp: String!) { processReviews(lspCode: $lsp) { __typename ... on ProcessReviewConnection {"
    reviews += " edges { node { assessmentId reviewer planning followUp overdue } } } } }"
    for reader in (BNSP, AUDITOR, ADM):
        (only,) = nodes(client.gql(reviews, reader, lsp=LSP)["data"]["processReviews"])
        assert (only["assessmentId"], only["reviewer"], only["overdue"]) == (certified, "komite-a", True)
    for outsider in (ASESI, ASESOR_TOKEN, OTHER_LSP):
        assert client.gql(reviews, outsider, lsp=LSP)["data"]["processReviews"]["__typename"] == "NotAuthorized"

    detail = "query($id: String!) { assessment(assessmentId: $id) { ... on AssessmentDetail {"
    detail += " steps { step overdue } handOvers { receiver representativeName relation overdue } } } }"
    mine = client.gql(detail, ADM, id=certified)["data"]["assessment"]
    assert [s["step"] for s in mine["steps"]] == [Step(n).name for n in (1, 2, 3, 4, 6, 7, 8, 9, 10)]
    assert mine["handOvers"] == [  # step 10 came straight after step 9: on time
        {"receiver": "REPRESENTATIVE", "representativeName": "Budi", "relation": "ayah", "overdue": False}
    ]
    seen = client.gql(detail, ASESOR_TOKEN, id=certified)["data"]["assessment"]["handOvers"]
    assert seen[0]["representativeName"] is None  # not the asesor's business
