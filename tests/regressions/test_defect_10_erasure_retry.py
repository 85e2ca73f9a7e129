"""Issue 7, defect 10: an erasure (UU PDP) interrupted after its event and before its key was destroyed.

The retry destroys the key and says so; the worker's start-up sweep destroys the key of every erasure event
whose key still exists. On both stores.
"""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from application.registry.erasure import ALREADY_ERASED, ERASED, ERASURE_COMPLETED
from domain.registry.student import Student
from infra.bootstrap import bootstrap
from infra.keys import KeyVault
from infra.main import cli as build_cli
from projections.sivil.projection import ERASED as ERASED_NAME
from tests.world import PRODI, UNIVERSITY, World, cause

GROUND = "retensi berakhir / retention ended"


class Killed(BaseException):
    """The process stopping between the erasure event and the key's destruction."""


def paired(world: World, nim: str) -> str:
    world.eligible_s1(nim)
    nina = world.reserve(nim).nina
    world.graduate(nim)
    world.pair(nim, nina=nina)
    assert nina is not None
    return nina


def interrupted_erasure(world: World, nim: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def killed(self: KeyVault, subject_id: object, when: str) -> bool:
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr(KeyVault, "erase", killed)
        with pytest.raises(Killed):
            world.app.erase_personal_data(university_code=UNIVERSITY, nim=nim, cause=cause(reason=GROUND))
    student = world.app.repository.get(Student.create_id(UNIVERSITY, nim))
    assert student.erased  # the event is stored...
    assert world.app.sealer.unseal(student.personal) is not None  # ...and the data still decrypts


def readable(world: World, nim: str) -> bool:
    student = world.app.repository.get(Student.create_id(UNIVERSITY, nim))
    return world.app.sealer.unseal(student.personal) is not None


def test_a_retry_destroys_the_key_left_by_an_interrupted_erasure_and_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.university()
    world.programme()
    nina = paired(world, "2020001")
    interrupted_erasure(world, "2020001", monkeypatch)
    before = world.position()

    retry = world.app.erase_personal_data(university_code=UNIVERSITY, nim="2020001", cause=cause(reason=GROUND))
    assert retry.outcome == ERASURE_COMPLETED and not retry.changed  # old code: "already erased", silently
    assert world.position() == before  # no second erasure event
    assert not readable(world, "2020001")
    world.project()
    assert world.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina).full_name == ERASED_NAME
    again = world.app.erase_personal_data(university_code=UNIVERSITY, nim="2020001", cause=cause(reason=GROUND))
    assert again.outcome == ALREADY_ERASED


def test_the_cli_says_the_interrupted_erasure_is_completed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    world.student("2020002")
    interrupted_erasure(world, "2020001", monkeypatch)
    settings = world.container.settings
    cli = build_cli(lambda: bootstrap(settings), serve_settings=lambda: (settings.host, settings.port, True))

    def erase(nim: str) -> str:
        result = CliRunner().invoke(cli, ["erase-personal-data", UNIVERSITY, nim, "--reason", GROUND])
        assert result.exit_code == 0, result.output
        return result.output

    assert "erasure completed" in erase("2020001")
    assert "already erased" in erase("2020001")
    assert erase("2020002").strip().endswith("erased") and not readable(world, "2020002")
    assert not readable(world, "2020001")


def test_the_worker_destroys_left_keys_on_start_up(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world.university()
    world.programme()
    nina = paired(world, "2020001")
    world.student("2020002")
    world.student("2020003")
    interrupted_erasure(world, "2020001", monkeypatch)
    done = world.app.erase_personal_data(university_code=UNIVERSITY, nim="2020002", cause=cause(reason=GROUND))
    assert done.outcome == ERASED

    with caplog.at_level(logging.WARNING, logger="application.registry.erasure"):
        world.container.start_worker()  # the sweep runs before the worker's first catch-up
        world.container.services.wait("sivil", world.position())
    assert not readable(world, "2020001")
    assert not readable(world, "2020002")
    assert readable(world, "2020003")  # never erased: untouched
    assert any("2020001" in r.getMessage() and "completed the erasure" in r.getMessage() for r in caplog.records)
    assert not any("2020002" in r.getMessage() for r in caplog.records)
    assert world.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina).full_name == ERASED_NAME
    assert world.app.complete_erasures() == 0  # nothing left
