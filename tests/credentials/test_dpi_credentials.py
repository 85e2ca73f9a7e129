"""Issue 33: the DPI is a W3C Verifiable Credential (SUB-8) that Digital Bazaar's verifier accepts: its student's NINA
and level, the yudisium once printed, the approved certifications; each change of what it lists is a new version and
supersedes the one before (decided); downloaded by its student and their university's staff only (DPI_READERS)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.credentials import digital_bazaar
from tests.credentials.digital_bazaar import documents_for
from tests.credentials.test_diploma_credentials import get
from tests.submission.desk import NIM, TOEFL, Desk
from tests.world import OPERATOR, PRODI, UNIVERSITY, Clock, World

PATH = f"/dpi/{UNIVERSITY}/{NIM}/credential.json"


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


@pytest.fixture
def desk(world: World, clock: Clock) -> Desk:
    clock.now = datetime.now(UTC)  # events carry the wall clock's instant; the issuer's clock follows it
    world.university()
    world.programme()
    return Desk(world).catalog()


def bearer(container: Container, role: Role, subject: str, institution: str | None = UNIVERSITY) -> dict[str, str]:
    token = mint(container.services.token_secret, subject=subject, role=role, institution=institution)
    return {"Authorization": f"Bearer {token}"}


def own(container: Container) -> dict[str, str]:
    return bearer(container, Role.STUDENT, NIM)


def approved(desk: Desk, **changes: Any) -> None:
    receipt = desk.submit(**changes)
    desk.approve(receipt.submission_id)
    desk.world.project()


def download(client: TestClient, container: Container) -> dict[str, Any]:
    response = client.get(PATH, headers=own(container))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vc")
    credential: dict[str, Any] = response.json()
    return credential


def bits(result: dict[str, Any]) -> list[tuple[str, bool]]:
    return [(s["purpose"], s["set"]) for s in result["status"]]


def test_SUB_8_a_dpi_with_a_paired_nina_is_a_credential_digital_bazaar_verifies(
    desk: Desk, world: World, container: Container, client: TestClient
) -> None:
    world.eligible_s1(NIM)
    approved(desk)
    assert client.get(PATH, headers=own(container)).status_code == 404  # no NINA yet: not a credential
    nina = world.reserve(NIM).nina
    assert nina is not None
    world.graduate(NIM)
    world.pair(NIM, nina)
    world.project()

    credential = download(client, container)
    [result] = digital_bazaar.verify([credential], documents_for([credential], get(client)))

    assert result["verified"], result["errors"]
    assert bits(result) == [("revocation", False), ("suspension", False)]
    assert credential["type"] == ["VerifiableCredential", "DpiCredential"]
    assert credential["name"] == "Dokumen Pendamping Ijazah / Diploma Supplement"
    assert nina in credential["description"]
    subject = credential["credentialSubject"]
    assert (subject["nina"], subject["level"], subject["nim"], subject["dpiStatus"]) == (nina, "S1", NIM, "OPEN")
    assert "graduationDecree" not in subject and "printedOn" not in subject  # not printed yet
    assert [(c["name"], c["grade"], c["validThru"]) for c in subject["certifications"]] == [
        ("AWS Certified Cloud Practitioner", "850/1000", "2027-06-01")
    ]
    assert subject["id"].startswith("urn:uuid:") and NIM not in subject["id"]
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None
    diploma = container.services.credentials.diploma(entry)
    assert diploma is not None and diploma["credentialSubject"]["id"] == subject["id"]  # one student, one holder id


def test_SUB_8_each_change_of_the_dpi_supersedes_the_version_before_and_the_printed_one_carries_the_yudisium(
    desk: Desk, world: World, container: Container, client: TestClient
) -> None:
    world.paired(NIM)
    approved(desk)
    first = download(client, container)
    approved(desk, entry=desk.entries[TOEFL.name])
    second = download(client, container)
    desk.app.finish_dpi(university_code=UNIVERSITY, nim=NIM, cause=OPERATOR)  # printed at graduation
    world.project()
    printed = download(client, container)

    results = digital_bazaar.verify([first, second, printed], documents_for([first, second, printed], get(client)))

    assert len({first["id"], second["id"], printed["id"]}) == 3
    assert [len(c["credentialSubject"]["certifications"]) for c in (first, second, printed)] == [1, 2, 2]
    assert [r["verified"] for r in results] == [False, False, True], [r["errors"] for r in results]
    assert bits(results[0]) == bits(results[1]) == [("revocation", True), ("suspension", False)]
    subject = printed["credentialSubject"]
    assert (subject["dpiStatus"], subject["graduationDecree"]) == ("FINISHED", "SK/YUD/2024/07")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", subject["printedOn"])
    statement = client.get(urlsplit(second["credentialStatus"][0]["statusReference"]).path).json()
    assert statement["credentialSubject"]["annulmentKind"] == "SUPERSEDED"


def tampered_copies(credential: dict[str, Any]) -> list[dict[str, Any]]:
    """Every field a forger would change, one at a time."""
    changes: list[Callable[[dict[str, Any]], None]] = [
        lambda c: c["credentialSubject"].update(name="Someone Else"),
        lambda c: c["credentialSubject"].update(nina="000000000000000"),
        lambda c: c["credentialSubject"].update(level="S3"),
        lambda c: c["credentialSubject"].update(dpiStatus="FINISHED"),
        lambda c: c["credentialSubject"].update(graduationDecree="SK/YUD/FAKE"),
        lambda c: c["credentialSubject"]["certifications"][0].update(grade="1000/1000"),
        lambda c: c["credentialSubject"]["certifications"][0].update(name="CISSP"),
        lambda c: c["credentialSubject"]["certifications"].append(dict(c["credentialSubject"]["certifications"][0])),
        lambda c: c["credentialSubject"].update(certifications=[]),
        lambda c: c["credentialSubject"].update(id="urn:uuid:00000000-0000-4000-8000-000000000000"),
        lambda c: c.update(name="Ijazah"),
        lambda c: c.update(description="forged"),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["credentialStatus"][0].update(statusListIndex="0"),
        lambda c: c["credentialStatus"].pop(),
        lambda c: c["proof"].update(created="2020-01-01T00:00:00Z"),
    ]
    copies = []
    for change in changes:
        forged = copy.deepcopy(credential)
        change(forged)
        copies.append(forged)
    return copies


def test_a_tampered_copy_of_a_dpi_credential_fails_with_digital_bazaar(
    desk: Desk, world: World, container: Container, client: TestClient
) -> None:
    world.paired(NIM)
    approved(desk)
    credential = download(client, container)
    forged = tampered_copies(credential)

    results = digital_bazaar.verify(forged, documents_for([credential], get(client)))

    assert [r["verified"] for r in results] == [False] * len(forged)


def test_DPI_READERS_a_dpi_credential_goes_to_its_student_and_their_universitys_staff_only(
    desk: Desk, world: World, container: Container, client: TestClient
) -> None:
    world.paired(NIM)
    approved(desk)

    assert client.get(PATH).status_code == 401
    assert client.get(PATH, headers=bearer(container, Role.STUDENT, "2020002")).status_code == 403
    assert client.get(PATH, headers=bearer(container, Role.SSC_STAFF, "ssc@other", "099999")).status_code == 403
    assert client.get(PATH, headers=bearer(container, Role.ASESI, "ASESI-0001", "LSP-P1-UNIV")).status_code == 403
    assert client.get(PATH, headers=bearer(container, Role.SSC_STAFF, "ssc@test")).status_code == 200
    assert client.get(PATH, headers=bearer(container, Role.UNIVERSITY_OPERATOR, "op@test")).status_code == 200
    assert client.get(f"/dpi/{UNIVERSITY}/2020002/credential.json", headers=own(container)).status_code == 403
