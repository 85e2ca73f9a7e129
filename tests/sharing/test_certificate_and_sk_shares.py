"""Issue 34, second slice: an asesi shares their LSP certificate and an applicant their SK (SHR-1, SHR-11,
SHR-12); a link's GET is a preview that shows and counts nothing (SHR-8); limits name their own rule, and wrong
codes are capped across networks (SHR-9.codes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from application.sharing.shares import Shares
from domain.audit import Actor, Cause, Role
from domain.errors import NotAuthorized, RuleViolation
from domain.sharing.secrets import new_code, shown_code
from infra.bootstrap import Container
from tests.assessment.lsp import CANDIDATE, LSP, Office, asesi
from tests.equivalency.directorate import LEGAL, Directorate, applicant
from tests.world import Clock, World

REGISTRATION = "62090 2512 3 0000001 2024"
SK = "1234/E.E3/KM/2026"


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def share(shares: Shares, cause: Cause, credential: str, number: object, disclose: list[str] | None = None) -> Any:
    return shares.create_share(
        credential=credential,
        number=number,
        disclose=disclose or [],
        label="PT Contoh",
        expires_in_days=None,
        max_views=None,
        cause=cause,
    )


def head(shares: Shares) -> int:
    return shares.recorder.max_notification_id() or 0


def refused(shares: Shares, rule: str, field: str, cause: Cause, credential: str, number: object) -> None:
    before = head(shares)
    with pytest.raises(RuleViolation) as e:
        share(shares, cause, credential, number)
    assert (e.value.failures[0].rule_id, e.value.failures[0].field) == (rule, field)
    assert head(shares) == before


def opened(client: TestClient, link: str) -> str:
    preview = client.get(f"/s/{link}")
    assert preview.status_code == 200 and 'id="open"' in preview.text and 'id="facts"' not in preview.text
    page = client.post(f"/s/{link}")
    assert page.status_code == 200, page.text
    return page.text


def test_SHR_11_an_asesi_shares_their_signed_certificate_with_the_public_minimum(
    world: World, container: Container, client: TestClient
) -> None:
    Office(world).setup().certified(registration=REGISTRATION)
    world.project()
    shares = container.services.sharing.commands
    made = share(shares, asesi(), "certificate", REGISTRATION.lower())  # typed as a person would
    text = opened(client, made.link)
    assert "SAH" in text and "VALID" in text and "competency certificate" in text
    assert "Siti Rahmawati" in text and LSP in text and "2027-07-31" in text  # holder, LSP, validity (ASM-7)
    assert REGISTRATION not in text and 'id="download"' not in text  # not chosen
    assert CANDIDATE not in text

    full = share(shares, asesi(), "certificate", REGISTRATION, ["registration_number", "units", "credential"])
    text = opened(client, full.link)
    assert REGISTRATION in text and 'id="download"' in text
    signed = client.post(f"/s/{full.link}/credential")
    assert signed.status_code == 200 and "OpenBadgeCredential" in signed.json()["type"]
    assert client.get(f"/s/{full.link}/credential").status_code == 405  # a GET downloads nothing, counts nothing
    container.worker.catch_up()
    counts = container.services.sharing.uses.counts([full.share_id])[full.share_id]
    assert counts == {"view": 1, "download": 1}


def test_SHR_1_a_certificate_is_shared_by_its_own_holder_only_and_only_once_signed(
    world: World, container: Container
) -> None:
    office = Office(world).setup()
    office.certified(registration=REGISTRATION)
    world.project()
    shares = container.services.sharing.commands
    refused(shares, "SHR-1", "number", asesi("ASESI-0002"), "certificate", REGISTRATION)  # another's number
    refused(shares, "SHR-1", "number", asesi(), "certificate", "62090 2512 3 0000009 2024")  # none such
    refused(shares, "SHR-1", "number", asesi(), "certificate", None)
    refused(shares, "SHR-1", "number", asesi(), "certificate", "62090\x002512")
    refused(shares, "SHR-1", "credential", asesi(), "diploma", None)  # an asesi holds no diploma here
    with pytest.raises(RuleViolation) as e:
        share(shares, asesi(), "certificate", REGISTRATION, ["programme"])
    assert e.value.rule_ids == ("SHR-2",)
    with pytest.raises(RuleViolation) as e:
        share(shares, asesi(), "certificate", REGISTRATION, ["credential", "units"])
    assert e.value.rule_ids == ("SHR-2.credential",)
    with pytest.raises(NotAuthorized):
        share(shares, Cause(Actor("x", Role.ASESOR, None), "r"), "certificate", REGISTRATION)


def test_SHR_12_an_applicant_shares_their_sk_number_equivalence_and_status_then_a_pk_supersedes_it(
    world: World, container: Container, client: TestClient, clock: Clock
) -> None:
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    directorate = Directorate(world)
    number = directorate.complete(directorate.register()).registration_number
    directorate.equalise(number)
    world.project()
    shares = container.services.sharing.commands
    refused(shares, "SHR-1", "number", applicant("akun-lain"), "sk", number)
    refused(shares, "SHR-1", "number", applicant(), "sk", "PI-2026-999999")
    made = share(shares, applicant(), "sk", number.lower())
    named = share(shares, applicant(), "sk", number, ["name", "foreign_diploma", "credential"])
    text = opened(client, made.link)
    assert "VALID" in text and SK in text and "D3" in text
    row = container.services.equivalency.view.application(number)
    assert row is not None and row.applicant_name not in text and row.university not in text and number not in text
    text = opened(client, named.link)
    assert row.applicant_name in text and row.university in text and 'id="download"' in text

    letter = directorate.files.put(b"%PDF-1.7\nPK letter", applicant().actor)
    directorate.app.request_review(
        registration_number=number,
        letter_reference="PK 01",
        reasons="Honours",
        documents=[letter.sha256],
        cause=applicant(),
    )
    directorate.app.decide_review(registration_number=number, upheld=True, deciders=[], remark="Diterima", cause=LEGAL)
    world.project()
    text = opened(client, made.link)
    assert "SUPERSEDED" in text and SK in text and "D3" in text  # the decision as it was, said superseded
    text = opened(client, named.link)
    assert "SUPERSEDED" in text and 'id="download"' not in text  # a superseded SK is signed no more


def test_SHR_8_a_preview_counts_nothing_and_a_limit_names_its_own_rule(
    world: World, container: Container, client: TestClient
) -> None:
    world.university()
    world.programme()
    world.paired("2020001")
    world.project()
    shares = container.services.sharing.commands
    graduate = Cause(Actor("2020001", Role.STUDENT, "001002"), "r")
    made = share(shares, graduate, "diploma", None)
    for _ in range(5):
        assert 'id="facts"' not in client.get(f"/s/{made.link}").text
    assert container.services.sharing.uses.counts([made.share_id]) == {made.share_id: {}}

    container.services.sharing.client_limiter.reset()
    limited = [client.post(f"/s/{'A' * 43}") for _ in range(25)]  # 20 a minute per client by default
    assert limited[-1].status_code == 429 and "(SHR-9)" in limited[-1].text and "PIN-6" not in limited[-1].text


def test_SHR_9_codes_wrong_codes_are_capped_across_every_network_and_a_link_still_opens(
    world: World, container: Container, client: TestClient
) -> None:
    world.university()
    world.programme()
    world.paired("2020001")
    world.project()
    sharing = container.services.sharing
    made = share(sharing.commands, Cause(Actor("2020001", Role.STUDENT, "001002"), "r"), "diploma", None)
    cap = sharing.wrong_codes.item.amount
    answers = []
    for _ in range(cap + 1):  # as from many networks, each under its own limit (forgotten each time)
        sharing.client_limiter.reset()
        answers.append(client.post("/s", data={"code": shown_code(new_code())}))
    assert {a.status_code for a in answers[:cap]} == {404}
    assert answers[-1].status_code == 429 and "(SHR-9.codes)" in answers[-1].text
    sharing.client_limiter.reset()
    refused_code = client.post("/s", data={"code": made.code})  # even a right code waits: it cannot be told apart
    assert refused_code.status_code == 429
    assert client.post(f"/s/{made.link}").status_code == 200
