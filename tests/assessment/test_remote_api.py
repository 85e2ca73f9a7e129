"""ASM-5 through the HTTP API, on SQLite and PostgreSQL: the Ketua LSP uploads and applies, BNSP reads the queue
and decides, the LSP reads its application's status and sets its TUK's requirements; refusals are typed unions
naming rule and field, and the licence's approval opens a remote assessment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_graphql import SECRET, Client
from tests.assessment.test_api import ACCEPTED, ASSESSMENT, BNSP, KETUA, LSP, OTHER_SERT, SERT, ok, run, setup_lsp

STATUS = (
    "... on RemoteAssessmentStatus { edges { node { lspCode number status technology sopSha256 reason decidedBy } }"
    " requirements { skemaCode requirements } } ... on NotAuthorized { message }"
    " ... on RuleViolation { ruleId field }"
)
OTHER_KETUA = mint(SECRET, subject="ketua@lain", role=Role.KETUA_LSP, institution="LSP-LAIN")


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    app = create_app(container.services, on_startup=container.start_worker)
    with TestClient(app) as http:
        yield Client(http)


def upload(client: Client, token: str, body: bytes) -> str:
    answer = client.http.post("/files", content=b"%PDF-1.7\n" + body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    sha: str = answer.json()["sha256"]
    return sha


def status(client: Client, token: str, position: int | None = None, **args: Any) -> Any:
    params = ", ".join(f"{k}: {v}" for k, v in {**args, "position": position or "null"}.items())
    body = client.gql(f"{{ remoteAssessment({params}) {{ __typename {STATUS} }} }}", token)
    assert "errors" not in body, body
    return body["data"]["remoteAssessment"]


def test_asm_5_the_application_flow_through_the_api(client: Client) -> None:
    setup_lsp(client)
    sop, tech = upload(client, KETUA, b"SOP jarak jauh"), upload(client, KETUA, b"Teknologi")
    given = {"lspCode": LSP, "sopFile": sop, "technologyFile": tech, "technology": "Zoom dan proctoring"}
    wrong = run(client, "applyForRemoteAssessment", "ApplyForRemoteAssessmentInput", SERT, ACCEPTED, **given)
    assert wrong["__typename"] == "NotAuthorized"
    theirs = {**given, "sopFile": upload(client, OTHER_KETUA, b"bukan miliknya")}
    refusal = run(client, "applyForRemoteAssessment", "ApplyForRemoteAssessmentInput", KETUA, ACCEPTED, **theirs)
    assert (refusal["__typename"], refusal["ruleId"], refusal["field"]) == ("RuleViolation", "FILE.uploader", "sopFile")
    applied = ok(
        run(client, "applyForRemoteAssessment", "ApplyForRemoteAssessmentInput", KETUA, ACCEPTED, **given), "Accepted"
    )

    queue = status(client, BNSP, applied["position"], status="PENDING")
    applications = [e["node"] for e in queue["edges"]]
    assert [(a["lspCode"], a["number"], a["status"]) for a in applications] == [(LSP, 1, "PENDING")]
    assert applications[0]["sopSha256"] == sop
    assert status(client, OTHER_SERT, lspCode=f'"{LSP}"')["__typename"] == "NotAuthorized"
    assert status(client, SERT)["__typename"] == "NotAuthorized"  # an LSP reads its own, by its code
    assert status(client, SERT, lspCode='"bad code"')["__typename"] == "RuleViolation"

    decision = {"lspCode": LSP, "number": 1, "approved": False}
    refusal = run(client, "decideRemoteAssessment", "DecideRemoteAssessmentInput", BNSP, ACCEPTED, **decision)
    assert (refusal["ruleId"], refusal["field"]) == ("ASM-5.approval", "reason")
    assert (
        run(client, "decideRemoteAssessment", "DecideRemoteAssessmentInput", KETUA, ACCEPTED, **decision)["__typename"]
        == "NotAuthorized"
    )
    decided = ok(
        run(
            client,
            "decideRemoteAssessment",
            "DecideRemoteAssessmentInput",
            BNSP,
            ACCEPTED,
            **{**decision, "approved": True, "reason": "SOP dan teknologi memadai"},
        ),
        "Accepted",
    )
    own = status(client, KETUA, decided["position"], lspCode=f'"{LSP}"')
    assert [(e["node"]["status"], e["node"]["reason"], e["node"]["decidedBy"]) for e in own["edges"]] == [
        ("APPROVED", "SOP dan teknologi memadai", "officer@bnsp")
    ]

    requirements = {"lspCode": LSP, "skemaCode": "SKM/PROG", "requirements": ["VIDEO_CONFERENCE"]}
    assert (
        run(client, "setRemoteRequirements", "SetRemoteRequirementsInput", BNSP, ACCEPTED, **requirements)["__typename"]
        == "NotAuthorized"
    )
    bad = run(
        client,
        "setRemoteRequirements",
        "SetRemoteRequirementsInput",
        KETUA,
        ACCEPTED,
        **{**requirements, "requirements": ["a b"]},
    )
    assert (bad["ruleId"], bad["field"]) == ("ASM-5.tuk", "requirements")
    set_ = ok(
        run(client, "setRemoteRequirements", "SetRemoteRequirementsInput", KETUA, ACCEPTED, **requirements), "Accepted"
    )
    own = status(client, SERT, set_["position"], lspCode=f'"{LSP}"')
    assert own["requirements"] == [{"skemaCode": "SKM/PROG", "requirements": ["VIDEO_CONFERENCE"]}]

    tuk = {"lspCode": LSP, "tukCode": "TUK-DARING", "name": "Daring", "kind": "MANDIRI", "facilities": []}
    ok(run(client, "registerTuk", "RegisterTukInput", SERT, ACCEPTED, **tuk), "Accepted")
    opening = {
        "lspCode": LSP,
        "candidateNumber": "ASESI-001",
        "skemaCode": "SKM/PROG",
        "assessedOn": "2024-08-01",
        "tukCode": "TUK-DARING",
        "mode": "REMOTE",
    }
    lacking = run(client, "openAssessment", "OpenAssessmentInput", SERT, **opening)
    assert (lacking["ruleId"], lacking["field"]) == ("ASM-5.tuk", "tukCode")
    ok(
        run(client, "registerTuk", "RegisterTukInput", SERT, ACCEPTED, **{**tuk, "facilities": ["VIDEO_CONFERENCE"]}),
        "Accepted",
    )
    assert ok(run(client, "openAssessment", "OpenAssessmentInput", SERT, ASSESSMENT, **opening))["stage"] == "ASSESSING"

    # The SOP stays named: BNSP and the LSP's people read it, another LSP's do not (answered as unknown).
    for token, code in ((BNSP, 200), (SERT, 200), (KETUA, 200), (OTHER_KETUA, 404), (OTHER_SERT, 404)):
        assert client.http.get(f"/files/{sop}", headers={"Authorization": f"Bearer {token}"}).status_code == code
