"""ASM-6.identity (issue 27, defect 2): who holds which asesor number is a fact with a history. A person declares
their first number (or is appointed with it); a later one is the LSP staff's to record, with a reason; every number a
person ever held counts in the plenary's conflict check (ASM-6) and in the appeal's (ASM-8). First on the committee
itself, then through the application on both stores."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from uuid import UUID

import pytest

from domain.assessment.people import Committee
from domain.assessment.sop import Result, Step
from domain.audit import Cause, Role
from domain.errors import NotAuthorized, RuleViolation
from tests.assessment.lsp import (
    ASESOR,
    KABAG_ADMINISTRASI,
    KABAG_SERTIFIKASI,
    KETUA,
    LSP,
    OTHER_ASESOR,
    Office,
    actor,
    asesi,
    member,
)
from tests.world import World

A, B, C = "MET.000.000001 2019", "MET.000.000002 2020", "MET.000.000003 2021"
STAFF = actor(Role.KABAG_ADMINISTRASI, "administrasi@lsp")


def committee() -> Committee:
    started = Committee(lsp_code=LSP, cause=KETUA)
    started.appoint("komite-1", A, KETUA)
    started.collect_events()
    return started


def refused(target: Committee, rule_field: tuple[str, str], command: Callable[[], Any]) -> None:
    with pytest.raises(RuleViolation) as refusal:
        command()
    assert [(f.rule_id, f.field) for f in refusal.value.failures] == [rule_field]
    assert target.collect_events() == [], "a refused command recorded an event"


def because(reason: str | None) -> Cause:
    return replace(STAFF, reason=reason)


# On the committee ----------------------------------------------------------------------------------------------


def test_asm_6_identity_a_person_declares_their_first_number_only() -> None:
    held = committee()
    held.declare_asesor_number("komite-1", A, member("komite-1"))  # the one they hold: nothing new
    assert held.collect_events() == []
    refused(held, ("ASM-6.identity", "asesorNumber"), lambda: held.declare_asesor_number("komite-1", B, KETUA))
    refused(held, ("ASM-6.identity", "asesorNumber"), lambda: held.appoint("komite-1", B, KETUA))
    held.appoint("komite-1", None, KETUA)  # already a member: nothing new, and the number stays
    held.declare_asesor_number("ketua@lsp", B, KETUA)  # the Ketua's first
    assert [type(e) for e in held.collect_events()] == [Committee.AsesorNumberDeclared]
    assert held.numbers_of("komite-1") == {A} and held.numbers_of("ketua@lsp") == {B}


def test_asm_6_identity_a_change_is_the_staffs_with_a_reason_and_every_number_stays() -> None:
    held = committee()
    refused(held, ("ASM-6.identity", "reason"), lambda: held.change_asesor_number("komite-1", B, because(" ")))
    refused(held, ("ASM-6.identity", "personId"), lambda: held.change_asesor_number("nobody", B, because("x")))
    same_person = replace(actor(Role.KABAG_ADMINISTRASI, "komite-1"), reason="Nomor saya")
    refused(held, ("ASM-6.identity", "personId"), lambda: held.change_asesor_number("komite-1", B, same_person))
    held.change_asesor_number("komite-1", B, because("Registrasi ulang BNSP"))
    held.change_asesor_number("komite-1", B, because("Registrasi ulang BNSP"))  # a repeat changes nothing
    (changed,) = held.collect_events()
    assert isinstance(changed, Committee.AsesorNumberChanged)
    assert (changed.person_id, changed.previous, changed.asesor_number) == ("komite-1", A, B)
    assert changed.rule_ids == ("ASM-6.identity",)
    assert changed.cause.actor == STAFF.actor and changed.cause.reason == "Registrasi ulang BNSP"
    assert held.asesor_numbers["komite-1"] == B and held.numbers_of("komite-1") == {A, B}
    assert held.deciding(["komite-1"]) == {"komite-1": frozenset({A, B})}
    refused(held, ("ASM-6.identity", "asesorNumber"), lambda: held.declare_asesor_number("komite-1", A, KETUA))


def test_asm_6_identity_a_number_binds_everyone_who_ever_held_it() -> None:
    held = committee()
    held.change_asesor_number("komite-1", B, because("Salah ketik"))
    held.appoint("komite-2", A, KETUA)  # another id (the same person under another token, or a mistake)...
    assert held.holders_of(A) == {"komite-1", "komite-2"}  # ...never takes it from the one who held it
    assert held.numbers_of("komite-1") == {A, B}


def test_asm_6_identity_a_log_written_before_the_rule_still_loads_and_keeps_every_number() -> None:
    """Before ASM-6.identity a second declaration overwrote the first; replayed, it is the number of today and the
    earlier one still counts."""
    old = Committee(lsp_code=LSP, cause=KETUA)
    old._member_appointed(member_id="komite-1", asesor_number=A, cause=KETUA)
    old._asesor_number_declared(person_id="komite-1", asesor_number=B, cause=member("komite-1"))
    old._member_appointed(member_id="komite-1", asesor_number=C, cause=KETUA)
    replayed: Committee | None = None
    for stored in old.collect_events():
        replayed = stored.mutate(replayed)
    assert replayed is not None and replayed.members == {"komite-1"}
    assert replayed.asesor_numbers == {"komite-1": C} and replayed.numbers_of("komite-1") == {A, B, C}


# Through the application: the plenary (ASM-6) and the appeal (ASM-8) ----------------------------------------


@pytest.fixture
def office(world: World) -> Office:
    return Office(world).setup()  # "komite-asesor" was appointed with ASESOR's number


def application_refused(office: Office, rule_id: str, command: Callable[[], Any]) -> None:
    before = office.position()
    with pytest.raises(RuleViolation) as refusal:
        command()
    assert rule_id in refusal.value.rule_ids, refusal.value
    assert office.position() == before


def change(office: Office, person_id: str, number: str, cause: Cause | None = None) -> Any:
    return office.app.change_asesor_number(
        lsp_code=LSP, person_id=person_id, asesor_number=number, cause=cause or because("Nomor registrasi baru")
    )


def test_asm_6_identity_only_the_lsps_staff_change_a_number(office: Office) -> None:
    for someone in (member("komite-asesor"), KETUA, actor(Role.KABAG_SERTIFIKASI, "x", "LSP-LAIN")):
        before = office.position()
        with pytest.raises(NotAuthorized):
            change(office, "komite-asesor", OTHER_ASESOR, someone)
        assert office.position() == before
    application_refused(office, "ASM-3.registration", lambda: change(office, "komite-asesor", "MET.999"))
    application_refused(office, "ASM-6.identity", lambda: change(office, "komite-asesor", OTHER_ASESOR, STAFF))
    assert change(office, "komite-asesor", OTHER_ASESOR, replace(KABAG_SERTIFIKASI, reason="Salah ketik")).changed


def test_asm_6_a_member_is_known_by_every_number_they_held_in_the_plenary(office: Office) -> None:
    assessment_id = office.assessed()  # by ASESOR
    office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
    office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
    change(office, "komite-asesor", OTHER_ASESOR)
    application_refused(
        office, "ASM-6.committee", lambda: office.plenary(assessment_id, members=("komite-asesor", "komite-a"))
    )
    office.plenary(assessment_id, members=("komite-a", "komite-b"))


def _appealed(office: Office) -> UUID:
    assessment_id = office.decided(Result.BK)  # by ASESOR; decided by komite-a and komite-b
    office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="Asesor keliru", cause=asesi())
    return assessment_id


def test_asm_8_the_appeal_is_not_decided_under_a_later_number(office: Office) -> None:
    assessment_id = _appealed(office)
    office.app.declare_asesor_number(lsp_code=LSP, asesor_number=ASESOR, cause=KETUA)  # the Ketua assessed
    office.app.declare_asesor_number(lsp_code=LSP, asesor_number=ASESOR, cause=KETUA)  # the same: nothing new
    application_refused(
        office,
        "ASM-6.identity",
        lambda: office.app.declare_asesor_number(lsp_code=LSP, asesor_number=OTHER_ASESOR, cause=KETUA),
    )
    change(office, "ketua@lsp", OTHER_ASESOR)

    def decide() -> Any:
        return office.app.decide_appeal(
            lsp_code=LSP, assessment_id=assessment_id, upheld=True, remark="Diterima", cause=KETUA
        )

    application_refused(office, "ASM-8.independence", decide)


def test_asm_8_a_decider_who_declares_a_number_later_does_not_reassess_under_it(office: Office) -> None:
    assessment_id = _appealed(office)  # komite-b sat in the plenary, with no number then
    office.app.decide_appeal(lsp_code=LSP, assessment_id=assessment_id, upheld=True, remark="Diterima", cause=KETUA)
    office.app.declare_asesor_number(lsp_code=LSP, asesor_number=OTHER_ASESOR, cause=member("komite-b"))
    application_refused(office, "ASM-8.reassessment", lambda: office.assign(assessment_id, OTHER_ASESOR))
