"""PIN-5 in the read models: SIVIL's status and date, its status history, the register and eligibility."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.diploma.diploma import Diploma
from projections.sivil.projection import JAKARTA, paired_on
from tests.projections.test_read_models import dump
from tests.world import PRODI, UNIVERSITY, Clock, World

REASON = "the 2022 semester reports were fabricated"
LEGAL_BASIS = "Decree 318/B/HK/2019, art. 5"
ON_1_OCTOBER = datetime(2024, 10, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def s1(world: World) -> World:
    world.university()
    world.programme()
    return world


def paired(world: World, nim: str = "2020001") -> str:
    return world.paired(nim)


def sivil_tables(world: World) -> dict[str, list[dict[str, object]]]:
    worker = world.container.worker
    return dump(worker.store, worker.projections["sivil"].tables)


def test_PIN_4_the_sivil_status_date_of_a_valid_diploma_is_the_pairing_day_in_jakarta(s1: World, clock: Clock) -> None:
    s1.eligible_s1()
    nina = s1.reserve().nina
    s1.graduate()
    clock.now = datetime(2024, 8, 1, 18, 0, tzinfo=UTC)  # 01:00 on 2 August in Jakarta
    s1.pair(nina=nina)
    s1.project()
    entry = s1.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None and (entry.status, entry.status_date) == ("VALID", "2024-08-02")


def test_PIN_5_sivil_shows_a_void_diploma_with_the_annulment_date_and_never_the_reason(s1: World, clock: Clock) -> None:
    nina = paired(s1)
    clock.now = ON_1_OCTOBER
    s1.annul(reason=REASON, legal_basis=LEGAL_BASIS)
    s1.project()
    entry = s1.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None
    assert (entry.status, entry.status_date) == ("VOID", "2024-10-01")
    assert (entry.nim, entry.full_name, entry.graduation_date) == ("2020001", "Siti Aminah", "2024-07-20")
    public = repr(sivil_tables(s1))
    assert REASON not in public and LEGAL_BASIS not in public


def test_PIN_5_a_proposal_accepted_shows_cancelled_in_error_in_sivil_with_the_date(s1: World, clock: Clock) -> None:
    nina = paired(s1)
    s1.propose_annulment(reason="paired with the wrong NIM")
    clock.now = ON_1_OCTOBER
    accepted = s1.decide_annulment(accept=True)
    s1.project()
    s1.container.services.wait("sivil", accepted.position)
    entry = s1.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None and (entry.status, entry.status_date) == ("CANCELLED_IN_ERROR", "2024-10-01")
    assert "paired with the wrong NIM" not in repr(sivil_tables(s1))


def test_PIN_5_an_annulled_reservation_never_reaches_sivil(s1: World) -> None:
    s1.eligible_s1()
    nina = s1.reserve().nina
    assert nina is not None
    s1.annul()
    s1.project()
    sivil = s1.container.services.diploma.sivil
    assert sivil.entry(UNIVERSITY, PRODI, nina) is None
    assert sivil.status_on(UNIVERSITY, PRODI, nina, date(2024, 12, 1)) is None


# Status as of a date (issue 4, item 6) ---------------------------------------------------------


def test_PIN_5_status_on_a_day_before_a_void_annulment_says_it_was_recorded_valid_but_is_void_from_the_start(
    s1: World, clock: Clock
) -> None:
    nina = paired(s1)  # on 2024-08-01
    clock.now = ON_1_OCTOBER
    s1.annul()
    s1.project()
    sivil = s1.container.services.diploma.sivil

    before_pairing = sivil.status_on(UNIVERSITY, PRODI, nina, date(2024, 7, 31))
    assert before_pairing is not None
    assert (before_pairing.recorded_status, before_pairing.current_status) == (None, "VOID")
    assert not before_pairing.valid
    assert (before_pairing.status, before_pairing.status_date) == ("NOT_YET_RECORDED", None)

    in_september = sivil.status_on(UNIVERSITY, PRODI, nina, date(2024, 9, 15))
    assert in_september is not None
    assert (in_september.recorded_status, in_september.recorded_since) == ("VALID", "2024-08-01")
    assert in_september.void_from_start_since == "2024-10-01"
    assert (in_september.current_status, in_september.current_status_date) == ("VOID", "2024-10-01")
    assert not in_september.valid  # never valid: a verifier is not misled by the old record
    assert (in_september.status, in_september.status_date) == ("VOID", "2024-10-01")

    on_the_day = sivil.status_on(UNIVERSITY, PRODI, nina, date(2024, 10, 1))
    assert on_the_day is not None
    assert (on_the_day.recorded_status, on_the_day.recorded_since) == ("VOID", "2024-10-01")
    assert on_the_day.void_from_start_since is None and not on_the_day.valid


def test_PIN_5_status_on_a_day_before_a_cancellation_in_error_is_valid_and_names_the_later_status(
    s1: World, clock: Clock
) -> None:
    nina = paired(s1)
    s1.propose_annulment()
    clock.now = ON_1_OCTOBER
    s1.decide_annulment(accept=True)
    s1.project()
    sivil = s1.container.services.diploma.sivil

    in_september = sivil.status_on(UNIVERSITY, PRODI, nina, date(2024, 9, 30))
    assert in_september is not None
    assert in_september.recorded_status == "VALID" and in_september.void_from_start_since is None
    assert in_september.valid  # a cancellation in error is not retroactive...
    assert (in_september.status, in_september.status_date) == ("VALID", "2024-08-01")
    assert (in_september.current_status, in_september.current_status_date) == ("CANCELLED_IN_ERROR", "2024-10-01")

    later = sivil.status_on(UNIVERSITY, PRODI, nina, date(2025, 1, 1))
    assert later is not None and later.recorded_status == "CANCELLED_IN_ERROR" and not later.valid


def test_PIN_5_the_status_history_has_one_row_per_change_with_its_effective_date(s1: World, clock: Clock) -> None:
    nina = paired(s1)
    clock.now = ON_1_OCTOBER
    s1.annul()
    s1.project()
    history = s1.container.worker.store.query(
        "SELECT status, effective_on, version FROM sivil_status_history WHERE nina = :n ORDER BY version",
        {"n": nina},
    )
    assert [(r["status"], r["effective_on"]) for r in history] == [("VALID", "2024-08-01"), ("VOID", "2024-10-01")]
    assert [r["version"] for r in history] == [2, 3]  # the events' places in the diploma's stream


def test_PIN_5_status_on_a_nina_that_is_not_in_sivil_is_none(s1: World) -> None:
    nina = paired(s1)
    s1.project()
    sivil = s1.container.services.diploma.sivil
    assert sivil.status_on(UNIVERSITY, "55202", nina, date(2024, 9, 1)) is None
    status = sivil.status_on(UNIVERSITY, PRODI, nina, date(2024, 9, 1))
    assert status is not None and status.valid and status.current_status == "VALID"


def test_a_pairing_recorded_before_paired_on_was_kept_dates_from_its_timestamp_in_jakarta(s1: World) -> None:
    paired(s1)
    pairing = next(e for e in s1.events() if isinstance(e, Diploma.NINAPaired))
    old = s1.app.mapper.to_domain_event(s1.app.mapper.to_stored_event(pairing))
    del old.__dict__["paired_on"]  # as an event stored before the field existed decodes
    assert old.paired_on is None
    assert paired_on(old) == old.timestamp.astimezone(JAKARTA).date()


# The university's register and eligibility ------------------------------------------------------


def test_PIN_5_the_register_shows_the_annulled_nina_and_the_new_one_that_replaces_it(s1: World, clock: Clock) -> None:
    first = paired(s1)
    clock.now = datetime(2024, 9, 2, 3, 0, tzinfo=UTC)
    s1.propose_annulment(reason="paired with the wrong NIM")
    clock.now = ON_1_OCTOBER
    s1.decide_annulment(accept=True)
    second = s1.reserve().nina
    s1.project()
    numbering = s1.container.services.diploma.numbering

    latest = numbering.diploma(UNIVERSITY, "2020001")
    assert latest is not None and (latest.nina, latest.status, latest.replaces_nina) == (second, "RESERVED", first)
    old, new = numbering.ninas(UNIVERSITY, "2020001")
    assert (old.nina, old.status, old.annulled_on, old.annulled_by) == (
        first,
        "CANCELLED_IN_ERROR",
        "2024-10-01",
        "director_general@test",
    )
    assert (old.proposal_status, old.proposed_on, old.proposal_reason) == (
        "ACCEPTED",
        "2024-09-02",
        "paired with the wrong NIM",
    )
    assert old.annulment_reason == "paired with the wrong NIM"  # staff see why; the public does not
    assert new.nina == second
    assert [d.nina for d in numbering.register(UNIVERSITY, status="CANCELLED_IN_ERROR")] == [first]


def test_PIN_5_the_register_keeps_a_rejected_proposal_with_its_remark(s1: World) -> None:
    paired(s1)
    s1.propose_annulment()
    s1.decide_annulment(accept=False, remark="no error found")
    s1.project()
    row = s1.container.services.diploma.numbering.diploma(UNIVERSITY, "2020001")
    assert row is not None
    assert (row.status, row.proposal_status, row.proposal_remark) == ("PAIRED", "REJECTED", "no error found")


def test_PIN_5_the_register_shows_a_void_nina_with_its_legal_basis_and_a_superseded_proposal(s1: World) -> None:
    paired(s1)
    s1.propose_annulment()
    s1.annul(reason=REASON, legal_basis=LEGAL_BASIS)
    s1.project()
    row = s1.container.services.diploma.numbering.diploma(UNIVERSITY, "2020001")
    assert row is not None
    assert (row.status, row.annulment_reason, row.annulment_legal_basis, row.proposal_status) == (
        "VOID",
        REASON,
        LEGAL_BASIS,
        "SUPERSEDED",
    )


def test_PIN_5_eligibility_after_a_cancellation_in_error_allows_a_new_reservation(s1: World) -> None:
    paired(s1)
    s1.propose_annulment()
    s1.decide_annulment(accept=True)
    s1.project()
    eligibility = s1.container.services.diploma.eligibility.eligibility(UNIVERSITY, "2020001", date(2024, 10, 1))
    assert eligibility is not None
    assert eligibility.diploma_status == "CANCELLED_IN_ERROR"
    assert eligibility.reservation.allowed
    assert "PIN-5.annulled" in [f.rule_id for f in eligibility.pairing.failures]

    again = s1.reserve()
    s1.project()
    eligibility = s1.container.services.diploma.eligibility.eligibility(UNIVERSITY, "2020001", date(2024, 10, 1))
    assert eligibility is not None and (eligibility.nina, eligibility.diploma_status) == (again.nina, "RESERVED")


def test_PIN_5_eligibility_after_a_void_annulment_names_the_rule_the_command_refuses_with(s1: World) -> None:
    paired(s1)
    s1.annul()
    s1.project()
    eligibility = s1.container.services.diploma.eligibility.eligibility(UNIVERSITY, "2020001", date(2024, 10, 1))
    assert eligibility is not None and eligibility.diploma_status == "VOID"
    assert [f.rule_id for f in eligibility.reservation.failures] == ["PIN-5.void"]
