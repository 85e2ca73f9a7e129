"""Issue 34, second slice: the holder's UU PDP report says each share and each use in words; an erasure of the
holder's personal data ends their shares and forgets who opened them (SHR-10), then no share is made again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from domain.audit import Actor, Cause, Role
from domain.errors import RuleViolation
from infra.bootstrap import Container
from infra.sharing.erasure import ErasedHolders
from tests.assessment.lsp import CANDIDATE, KABAG_SERTIFIKASI, LSP, Office, asesi
from tests.world import ADMIN, UNIVERSITY, World

GRADUATE = Cause(Actor("2020001", Role.STUDENT, UNIVERSITY), "req-share")
REGISTRATION = "62090 2512 3 0000001 2024"


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def sweep(container: Container) -> ErasedHolders:
    apps = container.services.applications
    return ErasedHolders(
        container.services.sharing.commands,
        container.services.sharing.uses,  # type: ignore[arg-type]
        registry=apps["diplomas"],
        assessments=apps["assessments"],
        equivalencies=apps["equivalencies"],
    )


def make(container: Container, cause: Cause, **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {"credential": "diploma", "disclose": [], "label": "PT Contoh, 2027-01"}
    args.update({"expires_in_days": None, "max_views": None, **kw})
    return container.services.sharing.commands.create_share(cause=cause, **args)  # type: ignore[arg-type]


def test_the_report_says_each_share_and_each_use_and_an_erasure_ends_them_and_forgets_the_uses(
    world: World, container: Container, client: TestClient
) -> None:
    world.university()
    world.programme()
    world.paired("2020001")
    world.project()
    sharing = container.services.sharing
    live, revoked = make(container, GRADUATE), make(container, GRADUATE, label="Bank X")
    sharing.commands.revoke_share(share_id=revoked.share_id, cause=GRADUATE)
    assert client.post(f"/s/{live.link}", headers={"User-Agent": "Mozilla/5.0 Firefox/128"}).status_code == 200
    world.project()

    report = container.services.audit.personal_data.of_student(UNIVERSITY, "2020001")
    assert report is not None
    said = [p.said.en for p in report.trail if p.said]
    assert any(s.startswith("You shared a verification of your diploma labelled “PT Contoh, 2027-01”") for s in said)
    assert any(s.startswith("You revoked one share") for s in said)
    opened = "Someone opened your share “PT Contoh, 2027-01” from network unknown (Firefox)"  # the test client
    assert any(s.startswith(opened) for s in said), said  # has no address: its network is unknown
    assert any("membagikan verifikasi ijazah Anda" in p.said.id for p in report.trail if p.said)
    assert "shares" in report.records

    world.app.erase_personal_data(university_code=UNIVERSITY, nim="2020001", cause=replace(ADMIN, reason="asked"))
    assert sweep(container).step() == 2
    assert sweep(container).step() == 2  # a second sweep (another process) appends nothing more
    world.project()
    assert sharing.commands.opened(live.link).ended == "revoked"  # type: ignore[union-attr]
    assert client.post(f"/s/{live.link}").status_code == 410
    assert sharing.uses.counts([live.share_id]) == {live.share_id: {}}
    assert sharing.uses.of_shares([live.share_id], 10) == {live.share_id: []}
    with pytest.raises(RuleViolation) as e:
        make(container, GRADUATE)
    assert e.value.rule_ids == ("SHR-10",)
    report = container.services.audit.personal_data.of_student(UNIVERSITY, "2020001")
    assert report is not None
    said = [p.said.en for p in report.trail if p.said]
    assert any("your shares were ended and who opened them forgotten" in s for s in said)
    assert not any(s.startswith("Someone opened your share") for s in said)


def test_SHR_10_a_candidate_s_erasure_ends_their_certificate_shares(world: World, container: Container) -> None:
    Office(world).setup().certified(registration=REGISTRATION)
    world.project()
    made = make(container, asesi(), credential="certificate", number=REGISTRATION)
    report = container.services.audit.personal_data.of_candidate(LSP, CANDIDATE)
    assert report is not None and any(p.said and "competency certificate" in p.said.en for p in report.trail)
    container.services.assessment.commands.erase_candidate_data(
        lsp_code=LSP, candidate_number=CANDIDATE, cause=replace(KABAG_SERTIFIKASI, reason="asked")
    )
    assert sweep(container).step() == 1
    assert container.services.sharing.commands.opened(made.link).ended == "revoked"  # type: ignore[union-attr]
