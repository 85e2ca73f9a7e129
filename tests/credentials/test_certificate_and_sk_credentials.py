"""Issue 13: the same issuer serves LSP certificates (ASM-7) and SKs of equivalency (EQV-4) as credentials that
Digital Bazaar's verifier accepts; a revoked certificate and an SK whose review reopened the decision read revoked
from the published lists, while an SK under review stays in force (decided); each is downloaded only by those who
may read it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.assessment.lsp import CANDIDATE, KETUA, LSP, Office
from tests.credentials import digital_bazaar
from tests.credentials.digital_bazaar import documents_for
from tests.credentials.test_diploma_credentials import get
from tests.equivalency.directorate import LEGAL, Directorate, applicant
from tests.world import Clock, World

REGISTRATION = "62090 2512 3 0000001 2024"


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def bearer(container: Container, role: Role, subject: str, institution: str | None) -> dict[str, str]:
    token = mint(container.services.token_secret, subject=subject, role=role, institution=institution)
    return {"Authorization": f"Bearer {token}"}


def test_an_lsp_certificate_verifies_with_digital_bazaar_until_its_revocation(
    world: World, container: Container, client: TestClient
) -> None:
    office = Office(world).setup()
    office.certified(registration=REGISTRATION)
    world.project()
    path = f"/sertifikat/{REGISTRATION}/credential.json"
    holder = bearer(container, Role.ASESI, CANDIDATE, LSP)

    credential = client.get(path, headers=holder).json()
    changed = copy.deepcopy(credential)
    changed["validUntil"] = "2099-12-31T16:59:59Z"
    at = world.clock.now  # the certificate is valid for three years from the world's day, whatever today is
    valid, tampered = digital_bazaar.verify([credential, changed], documents_for([credential], get(client)), now=at)
    office.app.revoke_certificate(
        lsp_code=LSP, registration_number=REGISTRATION, reason="forged portfolio", cause=KETUA
    )
    world.project()
    [revoked] = digital_bazaar.verify([credential], documents_for([credential], get(client)), now=at)

    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential", "CompetencyCertificateCredential"]
    assert set(credential["credentialSubject"]) == {
        "id", "type", "name", "registrationNumber", "skemaCode", "skemaTitle", "lspCode", "achievement",
        "competencyUnits",
    }  # fmt: skip
    assert credential["validUntil"] > credential["validFrom"]
    assert valid["verified"], valid["errors"]  # with JSON-LD safe mode over VC 2.0, OB 3.0 and our contexts
    assert not tampered["verified"]
    assert not revoked["verified"] and ("revocation", True) in [(s["purpose"], s["set"]) for s in revoked["status"]]
    assert client.get(path).status_code == 401
    assert client.get(path, headers=bearer(container, Role.ASESI, "ASESI-0002", LSP)).status_code == 404
    assert client.get(path, headers=bearer(container, Role.KETUA_LSP, "ketua@other", "LSP-OTHER")).status_code == 404
    assert client.get(path, headers=bearer(container, Role.KETUA_LSP, "ketua@lsp", LSP)).status_code == 200


def test_an_sk_stays_in_force_while_its_review_is_decided_and_is_revoked_when_the_review_reopens_the_decision(
    world: World, container: Container, client: TestClient, clock: Clock
) -> None:
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    directorate = Directorate(world)
    number = directorate.complete(directorate.register()).registration_number
    directorate.equalise(number)
    world.project()
    path = f"/equivalency/{number}/sk.json"
    own = bearer(container, Role.APPLICANT, "akun-rina", None)
    credential = client.get(path, headers=own).json()
    [valid] = digital_bazaar.verify([credential], documents_for([credential], get(client)))

    clock.now = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
    letter = directorate.files.put(b"%PDF-1.7\nPK letter", applicant().actor)
    directorate.app.request_review(
        registration_number=number,
        letter_reference="Surat PK 01/2026",
        reasons="Ijazah menyatakan Honours",
        documents=[letter.sha256],
        cause=applicant(),
    )
    world.project()
    [under_review] = digital_bazaar.verify([credential], documents_for([credential], get(client)))
    directorate.app.decide_review(registration_number=number, upheld=True, deciders=[], remark="Diterima", cause=LEGAL)
    world.project()
    [revoked] = digital_bazaar.verify([credential], documents_for([credential], get(client)))
    statement = client.get(credential["credentialStatus"][0]["statusReference"].split("8000", 1)[1]).json()

    assert credential["type"] == ["VerifiableCredential", "EquivalencyCredential"]
    assert credential["credentialSubject"]["skNumber"] == "1234/E.E3/KM/2026"
    assert valid["verified"], valid["errors"]
    assert under_review["verified"], under_review["errors"]
    assert [(s["purpose"], s["set"]) for s in revoked["status"]] == [("revocation", True), ("suspension", False)]
    assert statement["credentialSubject"]["annulmentKind"] == "SUPERSEDED"
    assert client.get(path, headers=bearer(container, Role.APPLICANT, "akun-lain", None)).status_code == 404
    assert client.get(path, headers=own).status_code == 404  # the decision is reopened: no current SK
