"""ASM-1 .. ASM-3 on the domain objects (issue 10, first slice): units and skema, LSP licences, asesor
registrations and conflicts of interest, each rule at its boundary on both sides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from domain.assessment.asesor import Asesor, Candidate, Registration
from domain.assessment.kinds import LicenceKind
from domain.assessment.licence import Licence
from domain.assessment.standards import CompetencyUnit, Skema
from domain.audit import Actor, Cause, Role
from domain.errors import RuleViolation

CAUSE = Cause(Actor("bnsp@test", Role.MINISTRY_ADMIN, None), request_id="req")
DAY = date(2026, 3, 2)


def broken(command: Callable[[], Any]) -> list[tuple[str, str]]:
    with pytest.raises(RuleViolation) as refusal:
        command()
    return [(f.rule_id, f.field) for f in refusal.value.failures]


def unit(code: str = "J.620100.004.02", **changes: Any) -> CompetencyUnit:
    given: dict[str, Any] = {
        "code": code,
        "title": "Menggunakan Struktur Data",
        "descriptor": "Unit ini berhubungan dengan pengetahuan, keterampilan dan sikap kerja ...",
        "elements": [
            ("Mengidentifikasi konsep data dan struktur data", ["Konsep data diidentifikasi sesuai kebutuhan"]),
            ("Menerapkan struktur data", ["Struktur data diterapkan", "Akses terhadap data dinyatakan"]),
        ],
        "range_statement": "Konteks variabel: unit ini berlaku untuk ...",
        "evidence_guide": "Penilaian dapat dilakukan dengan cara tes tertulis, praktik ...",
    }
    return CompetencyUnit.parse(**{**given, **changes})


# ASM-1 ---------------------------------------------------------------------------------------------------------


def test_asm_1_a_unit_has_every_rmcs_part() -> None:
    parsed = unit(" j.620100.004.02 ")
    assert parsed.code == "J.620100.004.02" and len(parsed.elements) == 2
    assert parsed.elements[1].criteria == ("Struktur data diterapkan", "Akses terhadap data dinyatakan")
    assert sorted(broken(lambda: unit(descriptor=" ", range_statement=None, evidence_guide="\x00"))) == [
        ("ASM-1", "descriptor"),
        ("ASM-1", "evidenceGuide"),
        ("ASM-1", "rangeStatement"),
    ]
    assert broken(lambda: unit("J 620100")) == [("ASM-1", "code")]
    assert broken(lambda: unit(elements=[])) == [("ASM-1", "elements")]
    assert broken(lambda: unit(elements=[("Elemen", [])])) == [("ASM-1", "elements[1]")]
    assert broken(lambda: unit(elements=[("Elemen", ["ok"]), ("", ["ok"])])) == [("ASM-1", "elements[2]")]
    assert broken(lambda: unit(elements=[("Elemen", ["ok", " "])])) == [("ASM-1", "elements[1]")]


def test_asm_1_every_part_lands_in_its_place() -> None:
    parsed = unit(descriptor="Baris satu\nBaris dua", range_statement="Batasan", evidence_guide="Panduan")
    assert (parsed.descriptor, parsed.range_statement, parsed.evidence_guide) == (
        "Baris satu\nBaris dua",
        "Batasan",
        "Panduan",
    )
    assert parsed.title == "Menggunakan Struktur Data"
    assert broken(lambda: unit(title=" ")) == [("ASM-1", "title")]


@pytest.mark.parametrize(
    ("code", "taken"),
    [
        ("J", True),
        ("ABCDEFGHIJKL.123456789012", True),  # parts of 12
        ("ABCDEFGHIJKLM", False),
        ("A.ABCDEFGHIJKLM", False),  # 13
        ("A.B.C.D.E.F", True),  # six parts
        ("A.B.C.D.E.F.G", False),
        ("A.", False),
        (".A", False),
        ("A..B", False),
    ],
)
def test_asm_1_unit_codes(code: str, taken: bool) -> None:
    if taken:
        assert unit(code).code == code
    else:
        assert broken(lambda: unit(code)) == [("ASM-1", "code")]


@pytest.mark.parametrize(("length", "taken"), [(40, True), (41, False)])
def test_asm_1_skema_codes(length: int, taken: bool) -> None:
    code = "S" * length
    if taken:
        assert Skema.publish(code=code, title="S", units=[unit()], cause=CAUSE).code == code
    else:
        assert broken(lambda: Skema.publish(code=code, title="S", units=[unit()], cause=CAUSE)) == [("ASM-1", "code")]


def test_asm_1_the_bounds_of_a_unit_and_a_skema() -> None:
    assert len(unit(elements=[(f"Elemen {i}", ["ok"] * 30) for i in range(30)]).elements) == 30
    assert broken(lambda: unit(elements=[(f"Elemen {i}", ["ok"]) for i in range(31)])) == [("ASM-1", "elements")]
    assert broken(lambda: unit(elements=[("Elemen", ["ok"] * 31)])) == [("ASM-1", "elements[1]")]
    units = [unit(f"U.{i}") for i in range(100)]
    assert Skema.publish(code="S", title="S", units=units, cause=CAUSE).current_version == 1
    assert broken(lambda: Skema.publish(code="S", title="S", units=[*units, unit("U.100")], cause=CAUSE)) == [
        ("ASM-1", "units")
    ]


def test_asm_1_a_skema_is_a_versioned_set_of_distinct_units() -> None:
    skema = Skema.publish(code="skm/jwd/2024", title="Junior Web Developer", units=[unit()], cause=CAUSE)
    assert (skema.code, skema.current_version) == ("SKM/JWD/2024", 1)
    assert skema.revise([unit()], CAUSE) is False  # nothing new
    assert skema.revise([unit(), unit("J.620100.005.02")], CAUSE) is True
    assert skema.current_version == 2 and len(skema.units_of(1)) == 1 and len(skema.units_of(2)) == 2
    revised = skema.pending_events[-1]
    assert isinstance(revised, Skema.Revised)  # ASM-1: what a revision records
    assert (revised.code, revised.skema_version, revised.units) == ("SKM/JWD/2024", 2, skema.units_of(2))
    assert skema.revise([unit()], CAUSE) is True  # back to version 1's units: still a new version
    assert skema.current_version == 3 and skema.pending_events[-1].skema_version == 3  # type: ignore[attr-defined]
    for missing in (0, 4):
        assert broken(lambda v=missing: skema.units_of(v)) == [("ASM-1", "skemaVersion")]  # type: ignore[misc]
    with pytest.raises(RuleViolation) as twice:
        skema.revise([unit(), unit("J.620100.005.02"), unit()], CAUSE)
    assert [(f.rule_id, f.field) for f in twice.value.failures] == [("ASM-1.duplicate", "units")]
    assert "J.620100.004.02" in str(twice.value) and "005" not in str(twice.value)
    assert broken(lambda: skema.revise([], CAUSE)) == [("ASM-1", "units")]
    assert broken(lambda: Skema.publish(code="", title="x", units=[unit()], cause=CAUSE)) == [("ASM-1", "code")]
    assert broken(lambda: Skema.publish(code="S", title=" ", units=[unit()], cause=CAUSE)) == [("ASM-1", "title")]


# ASM-2 ---------------------------------------------------------------------------------------------------------


def licence(**changes: Any) -> Licence:
    given: dict[str, Any] = {
        "lsp_code": "LSP-P1-STMI",
        "kind": LicenceKind.FIRST_PARTY,
        "skema_codes": ["SKM/JWD/2024"],
        "valid_from": date(2024, 1, 1),
        "valid_until": DAY,
        "cause": CAUSE,
    }
    return Licence.grant(**{**given, **changes})


def test_asm_2_an_lsp_assesses_within_its_licence_on_the_day() -> None:
    held = licence()
    held.check_covers("SKM/JWD/2024", DAY)  # the last day counts
    held.check_covers("SKM/JWD/2024", date(2024, 1, 1))  # and the first
    assert broken(lambda: held.check_covers("SKM/JWD/2024", DAY + timedelta(days=1))) == [
        ("ASM-2.validity", "assessedOn")
    ]
    assert broken(lambda: held.check_covers("SKM/JWD/2024", date(2023, 12, 31))) == [("ASM-2.validity", "assessedOn")]
    assert broken(lambda: held.check_covers("SKM/OTHER", DAY)) == [("ASM-2.scope", "skemaCode")]
    held.amend(
        skema_codes=["SKM/JWD/2024", "SKM/OTHER"],
        valid_from=DAY,
        valid_until=date(2029, 3, 1),
        cause=CAUSE,
    )
    held.check_covers("SKM/OTHER", DAY + timedelta(days=1))
    assert broken(held.check_remote) == [("ASM-5.approval", "mode")]  # an amendment approves nothing (ASM-5)
    held.record_remote_decision(True, 1, CAUSE)
    held.check_remote()
    assert broken(lambda: licence(skema_codes=[])) == [("ASM-2.scope", "skemaCodes")]
    assert broken(lambda: licence(valid_until=date(2023, 12, 31))) == [("ASM-2.validity", "validUntil")]
    licence(valid_from=DAY, valid_until=DAY).check_covers("SKM/JWD/2024", DAY)  # a one-day licence


# ASM-3 ---------------------------------------------------------------------------------------------------------


def asesor(employer: str | None = "PT Maju Jaya") -> Asesor:
    registered = Asesor(asesor_number="MET.000.001234.2019", employer=employer, cause=CAUSE)
    registered.register_for(Registration("SKM/JWD/2024", date(2023, 1, 1), DAY), CAUSE)
    return registered


def test_asm_3_a_registration_valid_on_the_day() -> None:
    candidate = Candidate("asesi-1", "Universitas Contoh")
    assessor = asesor()
    assessor.check_may_assess("SKM/JWD/2024", DAY, candidate)
    assessor.check_may_assess("SKM/JWD/2024", date(2023, 1, 1), candidate)  # the first day counts too
    expired = [("ASM-3.registration", "asesorNumber")]
    assert broken(lambda: assessor.check_may_assess("SKM/JWD/2024", DAY + timedelta(days=1), candidate)) == expired
    assert broken(lambda: assessor.check_may_assess("SKM/JWD/2024", date(2022, 12, 31), candidate)) == expired
    assert broken(lambda: assessor.check_may_assess("SKM/OTHER", DAY, candidate)) == expired
    bad = Registration("SKM/X", DAY, DAY - timedelta(days=1))
    assert broken(lambda: assessor.register_for(bad, CAUSE)) == [("ASM-3.registration", "validUntil")]
    assessor.register_for(Registration("SKM/ONE-DAY", DAY, DAY), CAUSE)
    assessor.check_may_assess("SKM/ONE-DAY", DAY, candidate)


def test_asm_3_no_conflict_of_interest() -> None:
    assessor = asesor()
    conflict = [("ASM-3.conflict", "asesorNumber")]
    assert broken(lambda: assessor.check_may_assess("SKM/JWD/2024", DAY, Candidate("a", "pt maju jaya"))) == conflict
    with pytest.raises(RuleViolation, match="same employer"):
        assessor.check_may_assess("SKM/JWD/2024", DAY, Candidate("a", "PT MAJU JAYA"))
    assessor.declare_relation("asesi-2", CAUSE)
    assessor.declare_relation("asesi-2", CAUSE)  # once is enough
    assert len(assessor.pending_events) == 3
    assert broken(lambda: assessor.check_may_assess("SKM/JWD/2024", DAY, Candidate("asesi-2", None))) == conflict
    with pytest.raises(RuleViolation, match="declared a relation"):
        assessor.check_may_assess("SKM/JWD/2024", DAY, Candidate("asesi-2", "Universitas Contoh"))
    assessor.check_may_assess("SKM/JWD/2024", DAY, Candidate("asesi-3", None))
    assessor.change_employer(None, CAUSE)
    assessor.check_may_assess("SKM/JWD/2024", DAY, Candidate("a", "PT Maju Jaya"))  # no employer: no clash
    asesor(employer=None).check_may_assess("SKM/JWD/2024", DAY, Candidate("a", None))


def test_asm_2_name_the_licence_records_the_lsps_name_when_granted_and_amended() -> None:
    """ASM-2.name: the name given is the one recorded (an amendment without one records none: the name stays)."""
    granted = licence(lsp_name="LSP Informatika Nusantara")
    assert granted.collect_events()[-1].lsp_name == "LSP Informatika Nusantara"  # type: ignore[attr-defined]
    term: dict[str, Any] = {"skema_codes": ["SKM/JWD/2024"], "valid_from": date(2024, 1, 1), "valid_until": DAY}
    granted.amend(**term, cause=CAUSE, lsp_name="LSP Informatika Indonesia")
    granted.amend(**term, cause=CAUSE)
    renamed, unnamed = granted.collect_events()[-2:]
    assert renamed.lsp_name == "LSP Informatika Indonesia" and unnamed.lsp_name is None  # type: ignore[attr-defined]
