"""Issue 33: the public verification page the QR opens takes every kind of credential the issuer signs (a diploma, a
DPI, an LSP certificate, an SK of equivalency), names its kind and the issuer's host, shows the fields of a genuine
one (ASM-7: a certificate only its holder, skema, LSP and validity) and nothing of a tampered one."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from domain.credentials.packing import pack
from infra.bootstrap import Container
from tests.assessment.lsp import KETUA, LSP, Office
from tests.credentials.test_dpi_credentials import approved
from tests.equivalency.directorate import Directorate
from tests.submission.desk import NIM, Desk
from tests.world import PRODI, UNIVERSITY, Clock, World

REGISTRATION = "62090 2512 3 0000001 2024"


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def diploma(world: World, container: Container, clock: Clock) -> dict[str, Any]:
    clock.now = datetime.now(UTC)
    world.university()
    world.programme()
    nina = world.paired(NIM)
    world.project()
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None
    signed = container.services.credentials.diploma(entry)
    assert signed is not None
    return signed


def dpi(world: World, container: Container, clock: Clock) -> dict[str, Any]:
    diploma(world, container, clock)
    approved(Desk(world).catalog())
    services = container.services
    row = services.submission.view.dpi(UNIVERSITY, NIM)
    registered = services.diploma.numbering.diploma(UNIVERSITY, NIM)
    assert row is not None and registered is not None
    signed = services.credentials.dpi(row, services.diploma.sivil.entry(UNIVERSITY, PRODI, registered.nina))
    assert signed is not None
    return signed


def certificate(world: World, container: Container, clock: Clock) -> dict[str, Any]:
    office = Office(world).setup()
    office.certified(registration=REGISTRATION)
    world.project()
    row = container.services.assessment.view.certificate(REGISTRATION)
    assert row is not None
    signed = container.services.credentials.certificate(row, ["J.620100.001.01"])
    assert signed is not None
    return signed


def sk(world: World, container: Container, clock: Clock) -> dict[str, Any]:
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    directorate = Directorate(world)
    number = directorate.complete(directorate.register()).registration_number
    directorate.equalise(number)
    world.project()
    row = container.services.equivalency.view.application(number)
    assert row is not None
    signed = container.services.credentials.sk(row)
    assert signed is not None
    return signed


KINDS: dict[str, tuple[Callable[[World, Container, Clock], dict[str, Any]], str]] = {
    "DiplomaCredential": (diploma, "Siti Aminah"),
    "DpiCredential": (dpi, "AWS Certified Cloud Practitioner"),
    "CompetencyCertificateCredential": (certificate, "Okupasi Programmer"),
    "EquivalencyCredential": (sk, "1234/E.E3/KM/2026"),
}


def checked(client: TestClient, credential: dict[str, Any]) -> tuple[str, str, str]:
    """Posted as the page's own script posts what the QR's fragment carries."""
    response = client.post("/sivil/credential/verify", data={"vc": pack(credential)})
    assert response.status_code == 200, response.text
    verdict = re.search(r'data-verdict="([A-Z_]+)"', response.text)
    kind = re.search(r'data-kind="([A-Za-z]+)"', response.text)
    return (verdict.group(1) if verdict else ""), (kind.group(1) if kind else ""), response.text


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_verify_page_takes_every_kind_and_shows_the_issuers_host(
    kind: str, world: World, container: Container, clock: Clock, client: TestClient
) -> None:
    make, shown = KINDS[kind]
    credential = make(world, container, clock)
    forged = copy.deepcopy(credential)
    forged["validFrom"] = "2019-01-01T00:00:00Z"
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    host = unquote(issuer.removeprefix("did:web:").split(":")[0])

    verdict, named, page = checked(client, credential)
    forged_verdict, _, forged_page = checked(client, forged)

    assert (verdict, named) == ("VERIFIED", kind)
    assert "Penerbit / Issuer" in page and host in page and shown in page
    if "validUntil" in credential:  # ASM-7: a certificate shows its validity
        assert f"Valid until</dt><dd>{credential['validUntil'][:10]}" in page
    assert forged_verdict == "NOT_VERIFIED"
    assert shown not in forged_page and "Penerbit / Issuer" not in forged_page  # nothing unsigned shown as signed


def test_ASM_7_the_verify_page_reads_a_revoked_certificate_as_revoked_by_the_lsp(
    world: World, container: Container, clock: Clock, client: TestClient
) -> None:
    credential = certificate(world, container, clock)
    office = Office(world)
    office.app.revoke_certificate(
        lsp_code=LSP, registration_number=REGISTRATION, reason="forged portfolio", cause=KETUA
    )
    world.project()
    clock.now = datetime.now(UTC)  # the list changed at the revocation's (wall clock) instant: read it after

    verdict, _, page = checked(client, credential)

    assert verdict == "REVOKED"
    assert "Dicabut oleh LSP / Revoked by the LSP" in page
