"""The registers read model (issue 32): BNSP's and an LSP's registers as written, rebuilt equal from the log."""

from __future__ import annotations

from projections.registers.projection import RegistersProjection
from tests.assessment.lsp import KETUA, LSP, Office
from tests.projections.test_read_models import dump
from tests.world import World


def test_a_rebuilt_registers_model_equals_the_live_one(world: World) -> None:
    office = Office(world).setup()
    office.certified()  # a blangko received and used
    office.app.dismiss_committee_member(lsp_code=LSP, member_id="komite-b", cause=KETUA)
    world.project()
    worker = world.container.worker
    tables = RegistersProjection.tables
    live = dump(worker.store, tables)
    assert all(live[t] for t in tables), {t: len(rows) for t, rows in live.items()}
    assert [r["dismissed_at"] is not None for r in live["reg_committee"] if r["member_id"] == "komite-b"] == [True]
    worker.rebuild(RegistersProjection.name)
    assert dump(worker.store, tables) == live
    assert worker.position(RegistersProjection.name, "assessments") == office.position()
