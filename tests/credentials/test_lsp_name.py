"""ASM-2.name (issue 33): BNSP names the LSP on its licence, and the LSP's certificates name their issuer by it, in
the Open Badges 3.0 issuer profile and on the PDF; a licence granted before names were recorded (an old log) still
loads, and its certificates name the LSP by its code."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.assessment.lsp import CANDIDATE, LICENSED, LSP, SKEMA, Office
from tests.credentials import digital_bazaar
from tests.credentials.digital_bazaar import documents_for
from tests.credentials.test_diploma_credentials import get
from tests.world import World

REGISTRATION = "62090 2512 3 0000001 2024"
NAME = "LSP Teknologi Informasi Nusantara"
LICENSE = """mutation($i: LicenseLspInput!) { licenseLsp(input: $i) { __typename
  ... on RuleViolation { failures { ruleId field } } } }"""
LICENCES = "query { viewer { ... on BnspViewer { licences { ... on LicenceConnection {"
LICENCES += " edges { node { lspCode lspName } } } } } } }"


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def bearer(container: Container, role: Role, subject: str, institution: str | None) -> dict[str, str]:
    token = mint(container.services.token_secret, subject=subject, role=role, institution=institution)
    return {"Authorization": f"Bearer {token}"}


def gql(client: TestClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]


def licence(name: str | None) -> dict[str, Any]:
    given = {"lspName": name} if name is not None else {}
    return {
        "lspCode": LSP,
        "kind": "FIRST_PARTY",
        "skemaCodes": [SKEMA],
        "validFrom": LICENSED[0].isoformat(),
        "validUntil": LICENSED[1].isoformat(),
        **given,
    }


def test_ASM_2_name_the_certificate_names_its_issuer_by_the_licences_lsp_name(
    world: World, container: Container, client: TestClient
) -> None:
    office = Office(world).setup()  # licensed without a name, as before names were recorded
    office.certified(registration=REGISTRATION)
    world.project()
    holder = bearer(container, Role.ASESI, CANDIDATE, LSP)
    path = f"/sertifikat/{REGISTRATION}/credential.json"
    unnamed = client.get(path, headers=holder).json()
    assert unnamed["issuer"]["name"] == f"Lembaga Sertifikasi Profesi {LSP}"

    bnsp = bearer(container, Role.BNSP_OFFICER, "petugas@bnsp", None)
    assert gql(client, bnsp, LICENSE, i=licence(NAME))["licenseLsp"]["__typename"] == "Accepted"
    assert gql(client, bnsp, LICENSE, i=licence(None))["licenseLsp"]["__typename"] == "Accepted"  # name kept
    world.project()

    named = client.get(path, headers=holder).json()
    assert named["issuer"]["name"] == NAME and NAME in named["description"]
    assert named["issuer"]["otherIdentifier"][0]["identifier"] == LSP
    [result] = digital_bazaar.verify([named], documents_for([named], get(client)), now=world.clock.now)
    assert result["verified"], result["errors"]
    pdf = client.get(f"/sertifikat/{quote(REGISTRATION)}/certificate.pdf", headers=holder)
    assert pdf.status_code == 200, pdf.text
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert NAME in text
    edges = gql(client, bnsp, LICENCES)["viewer"]["licences"]["edges"]
    assert [e["node"] for e in edges] == [{"lspCode": LSP, "lspName": NAME}]


@pytest.mark.parametrize("store", ["sqlite"])
@pytest.mark.parametrize("name", ["x" * 201, "LSP\u0000Nama"])
def test_ASM_2_name_a_name_too_long_or_with_a_control_character_is_refused_and_nothing_appended(
    world: World, container: Container, client: TestClient, name: str
) -> None:
    Office(world).setup()
    log = container.services.assessment.commands.recorder
    before = log.max_notification_id()
    bnsp = bearer(container, Role.BNSP_OFFICER, "petugas@bnsp", None)
    refused = gql(client, bnsp, LICENSE, i=licence(name))["licenseLsp"]
    assert refused == {"__typename": "RuleViolation", "failures": [{"ruleId": "ASM-2.name", "field": "lspName"}]}
    assert log.max_notification_id() == before
    accepted = gql(client, bnsp, LICENSE, i=licence("x" * 200))["licenseLsp"]
    assert accepted["__typename"] == "Accepted"
