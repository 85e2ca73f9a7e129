"""Issue 7, defect 1 (projection side): one event a projection cannot apply never stops a read model.

PIN-4 and PIN-6 depend on it: a paired diploma must reach SIVIL however bad an earlier event was. The
event that cannot be applied is recorded, skipped and shown (``/health``, ``kredensial projection-status``);
a transient database error is retried and never skipped.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from domain.personal import PersonalData
from domain.registry.period import Period
from domain.registry.student import Student
from domain.unavailable import Unavailable
from projections import failures
from projections.worker import ProjectionWorker
from tests.world import OPERATOR, PRODI, UNIVERSITY, World


def stored_without_validation(world: World, nim: str, full_name: str) -> int:
    """Appends a Student.Registered as an old, unvalidated request did: straight to the log."""
    student_id = Student.create_id(UNIVERSITY, nim)
    student = Student(
        university_code=UNIVERSITY,
        nim=nim,
        prodi_code=PRODI,
        entry_period=Period.parse("20201"),
        identity_kind="NIK",
        personal=world.app.sealer.seal(student_id, PersonalData(full_name=full_name, nik="3171234567890009")),
        cause=OPERATOR,
    )
    position = world.app.commit(student)
    assert position is not None
    return position


def paired_later(world: World) -> str:
    world.eligible_s1("2020001")
    nina = world.reserve("2020001").nina
    world.graduate("2020001")
    world.pair("2020001", nina=nina)
    assert nina is not None
    return nina


def health(world: World) -> tuple[int, dict[str, Any]]:
    with TestClient(create_app(world.container.services)) as client:
        response = client.get("/health")
    return response.status_code, response.json()


def test_a_poison_event_is_skipped_and_later_diplomas_reach_sivil(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On both stores: a handler that fails on one event (twice, in two transactions) skips only that event."""
    world.university()
    world.programme()
    poison = stored_without_validation(world, "2020999", "Poison")
    numbering = world.container.worker.projections["numbering"]
    original = numbering.on_Student_Registered

    def fails_on_one(event: Any, tx: Any) -> None:
        if event.nim == "2020999":
            raise ValueError("cannot apply this one")
        original(event, tx)

    monkeypatch.setattr(numbering, "on_Student_Registered", fails_on_one)
    nina = paired_later(world)
    world.project()  # old code: raises here on every attempt, and the position never passes the poison event

    worker = world.container.worker
    assert all(worker.position(name, "diplomas") == world.position() for name in diploma_projections(worker))
    services = world.container.services
    entry = services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None and entry.full_name == "Siti Aminah"
    assert services.diploma.numbering.diploma(UNIVERSITY, "2020001") is not None

    code, body = health(world)
    assert code == 200 and body["status"] == "degraded"
    skipped = body["projections"]["numbering"]
    assert skipped["failure_count"] == 1 and skipped["lag"] == 0
    assert skipped["failures"][0]["position"] == poison
    assert skipped["failures"][0]["topic"].endswith("Student.Registered")
    assert skipped["failures"][0]["error"] == "ValueError: cannot apply this one"
    assert body["projections"]["sivil"]["failure_count"] == 0


def test_a_nul_byte_and_an_oversized_nim_already_in_the_log_stop_no_read_model(world: World) -> None:
    """The events defect 1 found: PostgreSQL refuses NUL in text and index rows over ~2,700 bytes."""
    world.university()
    world.programme()
    nul = stored_without_validation(world, "2020998", "Siti\x00Aminah")
    huge_nim = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(3000))  # incompressible
    huge = stored_without_validation(world, huge_nim, "Budi")
    nina = paired_later(world)
    world.project()

    worker = world.container.worker
    assert all(worker.position(name, "diplomas") == world.position() for name in diploma_projections(worker))
    assert world.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina) is not None
    statuses = {s.name: s for s in worker.status()}
    if worker.store.dialect == "postgresql":
        assert {f.position for f in statuses["numbering"].failures} == {nul, huge}
        assert [f.position for f in statuses["eligibility"].failures] == [huge]
        errors = {f.position: f.error for f in statuses["numbering"].failures}
        assert "NUL" in errors[nul] and "\x00" not in errors[nul]
        assert errors[huge].startswith("ProgramLimitExceeded [54000]")
        assert health(world)[1]["status"] == "degraded"
    else:  # SQLite stores both; nothing to skip
        assert all(s.failure_count == 0 for s in statuses.values())
        assert health(world)[1]["status"] == "ok"


def test_rebuild_does_not_stop_on_a_poison_event(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.university()
    world.programme()
    poison = stored_without_validation(world, "2020999", "Poison")
    nina = paired_later(world)
    world.project()
    sivil = world.container.worker.projections["sivil"]

    def broken(event: Any, tx: Any) -> None:
        raise KeyError("a bug in a handler")

    monkeypatch.setattr(sivil, "on_University_Registered", broken)
    world.container.worker.batch_size = 3  # the poison event in the first batch, the pairing in a later one
    world.container.worker.rebuild("sivil")
    status = next(s for s in world.container.worker.status() if s.name == "sivil")
    assert status.position == world.position()
    assert [f.position for f in status.failures] == [world.started + 1]  # the university's name was skipped
    assert poison > 1
    assert world.container.services.diploma.sivil.status_on(UNIVERSITY, PRODI, nina, world.app.today()) is not None


class OperationalError(Exception):
    """Named as sqlite3's and psycopg's connection-level errors are: the worker must retry, not skip."""


@pytest.mark.parametrize("error", [OperationalError, Unavailable])
def test_a_transient_error_is_retried_and_never_skipped(
    world: World, monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    """``Unavailable`` is what the read stores raise when the database could not answer (defect 6)."""
    world.university()
    sivil = world.container.worker.projections["sivil"]
    original = sivil.on_University_Registered

    def connection_lost(event: Any, tx: Any) -> None:
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(sivil, "on_University_Registered", connection_lost)
    for _ in range(3):
        with pytest.raises(error):
            world.container.worker.run_once(only=["sivil"])
    assert world.container.worker.position("sivil") == 0
    assert next(s for s in world.container.worker.status() if s.name == "sivil").failure_count == 0
    monkeypatch.setattr(sivil, "on_University_Registered", original)
    world.project()
    assert world.container.worker.position("sivil") == world.position()
    assert health(world)[1]["status"] == "ok"


def test_errors_are_classified_by_sqlstate_not_by_the_drivers_class_name() -> None:
    import psycopg
    import psycopg.errors

    assert failures.transient(psycopg.OperationalError("connection lost"))  # no SQLSTATE: the connection
    assert failures.transient(psycopg.errors.AdminShutdown())
    assert failures.transient(psycopg.errors.SerializationFailure())
    assert not failures.transient(psycopg.errors.ProgramLimitExceeded())  # an OperationalError, yet the event's fault
    assert not failures.transient(psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))
    assert not failures.transient(ValueError("bad event"))
    assert failures.transient(Unavailable("PostgreSQL: connection lost"))


def test_the_read_store_calls_an_outage_unavailable_but_lets_a_statements_own_fault_through() -> None:
    import psycopg
    import psycopg.errors

    from infra.database import outage

    assert outage(psycopg.OperationalError("connection lost"))
    assert outage(psycopg.errors.AdminShutdown())
    assert not outage(psycopg.errors.ProgramLimitExceeded())  # an event's oversized value: it must be skipped
    assert failures.describe(ValueError("a\x00b\nDETAIL: the whole row")) == "ValueError: a b"
    assert len(failures.describe(ValueError("x" * 5000))) == failures.MAX_ERROR_CHARS


def test_projection_status_prints_the_skipped_event_and_exits_1(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from infra.bootstrap import bootstrap
    from infra.main import cli as build_cli

    world.university()
    settings = world.container.settings
    cli = build_cli(lambda: bootstrap(settings), serve_settings=lambda: (settings.host, settings.port, True))
    world.project()
    healthy = CliRunner().invoke(cli, ["projection-status"])
    head = world.position()
    assert healthy.exit_code == 0 and f"sivil: position {head} of {head} (lag 0), ok" in healthy.output

    poison = stored_without_validation(world, "2020999", "Poison")
    eligibility = world.container.worker.projections["eligibility"]
    monkeypatch.setattr(eligibility, "on_Student_Registered", lambda e, tx: [][0])  # an IndexError: a bug
    world.project()
    degraded = CliRunner().invoke(cli, ["projection-status"])
    assert degraded.exit_code == 1
    assert f"skipped position {poison} (domain.registry.student:Student.Registered)" in degraded.output
    assert "IndexError: list index out of range" in degraded.output
    body = json.loads(CliRunner().invoke(cli, ["projection-status", "--json"]).output)
    assert body["status"] == "degraded" and body["projections"]["eligibility"]["failures"][0]["position"] == poison


def diploma_projections(worker: ProjectionWorker) -> list[str]:
    """The read models of the diplomas log, which these tests fill (the submissions log stays empty)."""
    return [name for name, projection in worker.projections.items() if projection.applications == ("diplomas",)]
