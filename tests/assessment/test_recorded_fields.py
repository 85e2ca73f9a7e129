"""What the assessment context's events record, field by field (issue 31, item 4: survivors of ./run mutation that
gave a recorded event one field's value in place of another's). Projections and auditors read these fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

import pytest

from domain.assessment.asesor import Asesor
from domain.assessment.evidence import RulesOfEvidence
from domain.assessment.kinds import LicenceKind, TukKind
from domain.assessment.licence import Licence
from domain.assessment.people import Asesi, Committee
from domain.assessment.tuk import Tuk
from domain.audit import Actor, Cause, Role
from domain.errors import RuleViolation
from domain.personal import Sealed

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


def test_ASM_2_an_amended_licence_records_its_lsp_and_terms() -> None:
    licence = Licence.grant(
        lsp_code="LSP-P1-UNIV",
        kind=LicenceKind.FIRST_PARTY,
        skema_codes=["SKM/OKUP/001"],
        valid_from=date(2024, 1, 1),
        valid_until=date(2026, 12, 31),
        cause=BNSP,
    )
    licence.collect_events()
    licence.amend(
        skema_codes=["SKM/OKUP/001", "SKM/OKUP/002"],
        valid_from=date(2024, 1, 1),
        valid_until=date(2027, 12, 31),
        cause=BNSP,
    )
    [amended] = licence.collect_events()
    assert isinstance(amended, Licence.Amended) and amended.lsp_code == "LSP-P1-UNIV"
    # since ASM-5's applications an amendment leaves BNSP's remote decision as it was: it carries no flag
    assert (amended.valid_until, amended.remote_assessment) == (date(2027, 12, 31), None)


def test_ASM_4_the_rules_of_evidence_it_fails_are_named_in_order() -> None:
    assert RulesOfEvidence(True, True, True, True).unmet() == []
    assert RulesOfEvidence(True, False, True, False).unmet() == ["authentic", "sufficient"]
    assert RulesOfEvidence(False, True, False, True).unmet() == ["valid", "current"]


def test_PDP_a_candidates_erasure_records_its_ground_once() -> None:
    candidate = Asesi("LSP-P1-UNIV", "ASESI-0001", Sealed(uuid4(), "x"), "PT Contoh", BNSP)
    with pytest.raises(RuleViolation) as attempt:
        candidate.erase_personal_data(BNSP)
    [failure] = attempt.value.failures
    assert (failure.rule_id, failure.field) == ("PDP.erasure", "reason")
    ground = replace(BNSP, reason="masa retensi berakhir")
    assert candidate.erase_personal_data(ground) is True
    assert candidate.erase_personal_data(ground) is False
    assert [type(e).__name__ for e in candidate.collect_events()] == ["Registered", "PersonalDataErased"]


def test_ASM_3_a_candidates_employer_change_is_recorded_only_when_it_changes() -> None:
    candidate = Asesi("LSP-P1-UNIV", "ASESI-0001", Sealed(uuid4(), "x"), "PT Contoh", BNSP)
    candidate.collect_events()
    candidate.change_employer("PT Contoh", BNSP)
    assert candidate.collect_events() == []
    candidate.change_employer("PT Lain", BNSP)
    [changed] = candidate.collect_events()
    assert isinstance(changed, Asesi.EmployerChanged) and changed.employer == "PT Lain" == candidate.employer


def test_ASM_6_identity_a_change_needs_a_reason_and_every_number_held_is_kept_once() -> None:
    ketua = Cause(Actor("ketua@lsp", Role.KETUA_LSP, "LSP-P1-UNIV"), request_id="r2")
    committee = Committee("LSP-P1-UNIV", ketua)
    committee.appoint("komite-1", "MET.A", ketua)
    with pytest.raises(RuleViolation) as attempt:  # no reason at all, not only an empty one
        committee.change_asesor_number("komite-1", "MET.B", ketua)
    [failure] = attempt.value.failures
    assert (failure.rule_id, failure.field) == ("ASM-6.identity", "reason")
    why = replace(ketua, reason="nomor baru dari BNSP")
    committee.change_asesor_number("komite-1", "MET.B", why)
    committee.change_asesor_number("komite-1", "MET.A", why)  # back to the first: held once
    assert committee.held["komite-1"] == ["MET.A", "MET.B"]
    assert committee.numbers_of("komite-1") == {"MET.A", "MET.B"}
    committee.collect_events()
    committee.dismiss("komite-9", ketua)  # not a member: nothing to dismiss
    assert committee.collect_events() == []
    committee.dismiss("komite-1", ketua)
    assert [type(e).__name__ for e in committee.collect_events()] == ["MemberDismissed"]


def test_ASM_5_a_tuk_records_a_facilities_change_only_and_names_itself_in_a_refusal() -> None:
    tuk = Tuk("LSP-P1-UNIV", "TUK-01", "Lab Komputer 1", TukKind.SEWAKTU, ("internet",), BNSP)
    tuk.collect_events()
    tuk.verify_facilities(frozenset({"internet"}), BNSP)
    assert tuk.collect_events() == []
    for requirements in (frozenset(), frozenset({"internet", "webcam"})):
        with pytest.raises(RuleViolation) as attempt:
            tuk.check_remote_requirements("SKM/OKUP/001", requirements)
        [failure] = attempt.value.failures
        assert (failure.rule_id, failure.field) == ("ASM-5.tuk", "tukCode")
    tuk.check_remote_requirements("S", frozenset({"internet"}))
