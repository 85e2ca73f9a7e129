"""What the assessment context's events record, field by field (issue 31, item 4: survivors of ./run mutation that
gave a recorded event one field's value in place of another's). Projections and auditors read these fields."""

from __future__ import annotations

from domain.assessment.asesor import Asesor
from domain.audit import Actor, Cause, Role

BNSP = Cause(Actor("bnsp@test", Role.BNSP_OFFICER, None), request_id="r1")
ASESOR = "MET.000.001234 2019"


def test_ASM_3_a_declared_relation_records_the_asesor_and_the_candidate() -> None:
    asesor = Asesor(ASESOR, "Politeknik Negeri", BNSP)
    asesor.collect_events()
    asesor.declare_relation("LSP-P1-UNIV/ASESI-0001", BNSP)
    asesor.declare_relation("LSP-P1-UNIV/ASESI-0001", BNSP)  # declared already: nothing new
    [declared] = asesor.collect_events()
    assert isinstance(declared, Asesor.RelationDeclared)
    assert (declared.asesor_number, declared.candidate_key) == (ASESOR, "LSP-P1-UNIV/ASESI-0001")
    asesor.change_employer("PT Lain", BNSP)
    asesor.change_employer("PT Lain", BNSP)
    [changed] = asesor.collect_events()
    assert isinstance(changed, Asesor.EmployerChanged) and (changed.asesor_number, changed.employer) == (
        ASESOR,
        "PT Lain",
    )
