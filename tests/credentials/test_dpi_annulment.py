"""Issue 33, PIN-5: a DPI cites its student's paired NINA, so when that NINA is annulled the DPI's version is revoked
with it (its status list bit flips, its statement says VOID, ``verify-pdf`` says it is not in force); a new NINA
paired after one cancelled in error lets the DPI's next version stand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from domain.audit import Role
from infra.bootstrap import Container
from infra.sivil.verify import Verdict
from tests.api.test_documents import bearer, pdf_of, verify
from tests.credentials import digital_bazaar
from tests.credentials.digital_bazaar import documents_for
from tests.credentials.test_diploma_credentials import get
from tests.credentials.test_dpi_credentials import PATH, approved, bits, client, download, own
from tests.submission.desk import NIM, TOEFL, Desk
from tests.world import UNIVERSITY, Clock, World

__all__ = ["client"]  # the fixture, shared


@pytest.fixture
def desk(world: World, clock: Clock) -> Desk:
    clock.now = datetime.now(UTC)  # events carry the wall clock's instant; the issuer's clock follows it
    world.university()
    world.programme()
    return Desk(world).catalog()


def statement(client: TestClient, credential: dict[str, Any]) -> Any:
    return client.get(urlsplit(credential["credentialStatus"][0]["statusReference"]).path).json()


def test_PIN_5_annulling_the_nina_revokes_the_dpi_built_on_it_and_verify_pdf_says_so(
    desk: Desk, world: World, container: Container, client: TestClient, tmp_path: Path
) -> None:
    world.paired(NIM)
    approved(desk)
    before = download(client, container)
    pdf = pdf_of(client, f"/dpi/{UNIVERSITY}/{NIM}.pdf", bearer(container, Role.STUDENT, NIM, UNIVERSITY))
    assert verify(client, container, pdf, tmp_path)[0] == Verdict.VERIFIED

    world.annul(NIM)
    world.project()

    [result] = digital_bazaar.verify([before], documents_for([before], get(client)))
    assert not result["verified"] and bits(result) == [("revocation", True), ("suspension", False)]
    assert statement(client, before)["credentialSubject"]["annulmentKind"] == "VOID"
    code, lines = verify(client, container, pdf, tmp_path, "annulled.pdf")
    assert code == Verdict.ANNULLED, lines


def test_PIN_5_a_dpi_version_opened_after_the_annulment_is_revoked_as_it_opens_and_never_issued(
    desk: Desk, world: World, container: Container, client: TestClient
) -> None:
    world.paired(NIM)
    approved(desk)
    world.annul(NIM)
    world.project()
    approved(desk, entry=desk.entries[TOEFL.name])  # a new version, on a NINA no longer in force
    assert client.get(PATH, headers=own(container)).status_code == 404  # no credential cites an annulled NINA
    rows = container.stores[0].query(
        "SELECT subject, annulment FROM credential_annulments WHERE kind = 'dpi' ORDER BY subject"
    )
    assert [r["annulment"] for r in rows] == ["VOID", "VOID"]  # the version it had, and the one opened since


def test_PIN_5_after_a_nina_cancelled_in_error_and_a_new_one_paired_the_next_dpi_version_stands(
    desk: Desk, world: World, container: Container, client: TestClient
) -> None:
    world.paired(NIM)
    approved(desk)
    first = download(client, container)
    world.propose_annulment(NIM)
    world.decide_annulment(NIM, accept=True)
    nina = world.reserve(NIM).nina
    assert nina is not None
    world.pair(NIM, nina)
    world.project()
    approved(desk, entry=desk.entries[TOEFL.name])
    second = download(client, container)
    results = digital_bazaar.verify([first, second], documents_for([first, second], get(client)))
    assert [r["verified"] for r in results] == [False, True], [r["errors"] for r in results]
    assert statement(client, first)["credentialSubject"]["annulmentKind"] == "CANCELLED_IN_ERROR"
    assert second["credentialSubject"]["nina"] == nina
