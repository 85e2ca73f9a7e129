"""PIN-0, PIN-1, PIN-2, PIN-3, PIN-5: the rules the aggregates apply themselves, called directly.

The application parses most inputs before they reach an aggregate; these tests make sure the aggregate's
own check holds too, so that no other door (an import, a future command) can slip past it.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from domain.diploma.diploma import Diploma, NotEligible, pairing_blocker, reservation_blocker
from domain.diploma.nina import MAX_SEQUENCE, NINA
from domain.diploma.numbering import NINASequence
from domain.diploma.ruleset import Decision
from domain.diploma.status import DiplomaStatus
from domain.errors import RuleViolation
from domain.personal import PersonalData, Sealed
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level, Orientation
from domain.registry.period import Period
from domain.registry.programme import Programme
from domain.registry.record import AcademicRecord, Graduation, SemesterReport
from domain.registry.student import Student
from tests.domain.test_ruleset import PISN, graduate, record, semesters
from tests.world import ADMIN, DIRECTOR_GENERAL, LEADER, OPERATOR, PRODI, UNIVERSITY, cause, report

TODAY = date(2024, 8, 1)


def student(entry: str = "20201") -> Student:
    return Student(
        university_code=UNIVERSITY,
        nim="2020001",
        prodi_code=PRODI,
        entry_period=Period.parse(entry),
        identity_kind="NIK",
        personal=Sealed(uuid.uuid4(), "sealed"),
        cause=OPERATOR,
    )


def refusal(command) -> tuple[tuple[str, str], ...]:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation) as refused:
        command()
    return tuple((f.rule_id, f.field) for f in refused.value.failures)


# Semester reports (PIN-0) ------------------------------------------------------------------------


@pytest.mark.parametrize(("sks", "ok"), [(-1, False), (0, True), (60, True), (61, False)])
def test_PIN_0_sks_taken_is_0_to_60(sks: int, ok: bool) -> None:
    s = student()
    command = lambda: s.report_semester(report("20201", sks=sks, passed=0), TODAY, OPERATOR)  # noqa: E731
    if ok:
        assert command() is True
    else:
        assert refusal(command) == (("PIN-0", "sksTaken"),)
        assert s.reports == {}


@pytest.mark.parametrize(("passed", "ok"), [(-1, False), (0, True), (500, True), (501, False)])
def test_PIN_0_sks_passed_is_0_to_500(passed: int, ok: bool) -> None:
    s = student()
    command = lambda: s.report_semester(report("20201", passed=passed), TODAY, OPERATOR)  # noqa: E731
    if ok:
        assert command() is True
    else:
        assert refusal(command) == (("PIN-0", "sksPassed"),)


def test_PIN_0_a_report_for_the_entry_period_is_accepted_and_one_before_it_refused() -> None:
    s = student("20202")
    assert s.report_semester(report("20202", passed=20), TODAY, OPERATOR)
    assert refusal(lambda: s.report_semester(report("20201", passed=20), TODAY, OPERATOR)) == (("PIN-0", "period"),)


def test_PIN_0_a_report_for_a_period_from_its_first_day_on_and_not_before() -> None:
    s = student()
    first_day = Period.parse("20241").starts_on
    assert s.report_semester(report("20241", passed=20), first_day, OPERATOR)
    later = report("20242", passed=20)
    day_before = later.period.starts_on - timedelta(days=1)
    assert refusal(lambda: s.report_semester(later, day_before, OPERATOR)) == (("PIN-0", "period"),)


@pytest.mark.parametrize(("field", "kw"), [("ips", {"ips": "4.01"}), ("ipk", {"ipk": "4.01"})])
def test_PIN_0_each_gpa_of_a_report_is_checked_under_its_own_name(field: str, kw: dict[str, str]) -> None:
    s = student()
    assert refusal(lambda: s.report_semester(report("20201", passed=0, **kw), TODAY, OPERATOR)) == (("PIN-0", field),)
    assert s.report_semester(report("20201", passed=0, ips="4.00", ipk="4.00"), TODAY, OPERATOR)


def test_PIN_0_every_broken_bound_of_a_report_is_named_at_once() -> None:
    bad = SemesterReport(
        Period.parse("20191"), report("20201").status, 61, report("20201").ips, report("20201").ipk, -1
    )
    assert refusal(lambda: student().report_semester(bad, TODAY, OPERATOR)) == (
        ("PIN-0", "period"),
        ("PIN-0", "sksTaken"),
        ("PIN-0", "sksPassed"),
    )


def test_PIN_0_a_corrected_report_supersedes_and_an_identical_one_changes_nothing() -> None:
    s = student()
    assert s.report_semester(report("20201", passed=20), TODAY, OPERATOR)
    assert not s.report_semester(report("20201", passed=20), TODAY, OPERATOR)
    assert s.report_semester(report("20201", passed=18), TODAY, OPERATOR)
    reported = [e for e in s.collect_events() if isinstance(e, Student.SemesterReported)]
    assert [e.supersedes for e in reported] == [False, True]


def test_PIN_0_a_withdrawal_needs_a_reason_and_a_reported_period() -> None:
    s = student()
    s.report_semester(report("20201", passed=20), TODAY, OPERATOR)
    assert refusal(lambda: s.withdraw_semester_report(Period.parse("20201"), OPERATOR)) == (("PIN-0", "reason"),)
    blank = cause(reason="  ")
    assert refusal(lambda: s.withdraw_semester_report(Period.parse("20201"), blank)) == (("PIN-0", "reason"),)
    why = cause(reason="mistyped period")
    assert refusal(lambda: s.withdraw_semester_report(Period.parse("20202"), why)) == (("PIN-0", "period"),)
    s.withdraw_semester_report(Period.parse("20201"), why)
    assert s.reports == {}


# Graduation (PIN-0) ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["", "   "])
def test_PIN_0_a_blank_yudisium_number_is_refused(number: str) -> None:
    s = student()
    assert refusal(lambda: s.record_graduation(Graduation(number, date(2024, 7, 20)), TODAY, OPERATOR)) == (
        ("PIN-0", "yudisiumNumber"),
    )
    assert s.graduation is None


def test_PIN_0_a_yudisium_dated_in_a_year_before_the_entry_year_is_refused() -> None:
    s = student("20201")
    assert refusal(lambda: s.record_graduation(Graduation("SK/1", date(2019, 12, 31)), TODAY, OPERATOR)) == (
        ("PIN-0", "yudisiumDate"),
    )
    assert s.record_graduation(Graduation("SK/1", date(2020, 1, 1)), TODAY, OPERATOR)  # the entry year: accepted


def test_PIN_0_a_yudisium_on_the_decision_day_is_accepted_and_one_after_it_refused() -> None:
    s = student()
    assert refusal(lambda: s.record_graduation(Graduation("SK/1", TODAY + timedelta(days=1)), TODAY, OPERATOR)) == (
        ("PIN-0", "yudisiumDate"),
    )
    assert s.record_graduation(Graduation("SK/1", TODAY), TODAY, OPERATOR)
    assert not s.record_graduation(Graduation("SK/1", TODAY), TODAY, OPERATOR)  # the same decree again
    assert s.record_graduation(Graduation("SK/2", TODAY), TODAY, OPERATOR)  # a correction


def test_PIN_8_a_student_without_nik_or_passport_has_no_identity_number_in_the_record() -> None:
    s = student()
    assert s.record(Level.S1, accredited_at_graduation=False).has_identity_number
    s.identity_kind = None
    assert not s.record(Level.S1, accredited_at_graduation=False).has_identity_number


def test_a_record_and_a_decision_made_without_their_constructors_equal_what_their_constructors_make() -> None:
    """Issue 35: ``Student.record`` and a ruleset's decision set their frozen fields at once; the values are the ones
    the constructors make, field for field and in the same order (a decision's fields are stored in that order)."""
    s = student()
    for period in Period.parse("20201").regular_until(Period.parse("20232")):
        s.report_semester(report(period.code), TODAY, OPERATOR)
    made = s.record(Level.S1, accredited_at_graduation=False)
    fields = {f: getattr(made, f) for f in AcademicRecord.__dataclass_fields__}
    assert made == AcademicRecord(**fields) and list(vars(made)) == list(vars(AcademicRecord(**fields)))
    decision = PISN.reservation(made)
    assert list(vars(decision)) == ["ruleset_id", "rule_ids", "failures", "inputs"]
    assert decision == Decision(decision.ruleset_id, decision.rule_ids, decision.failures, dict(decision.inputs))


# Accreditation (PIN-3.accreditation) ------------------------------------------------------------

VALID = Accreditation("UNGGUL", date(2020, 1, 1), date(2024, 12, 31))


def test_PIN_3_accreditation_covers_its_first_and_last_day_and_not_the_days_around() -> None:
    assert VALID.covers(date(2020, 1, 1)) and VALID.covers(date(2024, 12, 31))
    assert not VALID.covers(date(2019, 12, 31)) and not VALID.covers(date(2025, 1, 1))


def test_PIN_3_accreditation_tidak_terakreditasi_is_not_accredited() -> None:
    assert not Accreditation("TIDAK_TERAKREDITASI", VALID.valid_from, VALID.valid_until).covers(date(2022, 1, 1))
    assert Accreditation("BAIK", VALID.valid_from, VALID.valid_until).covers(date(2022, 1, 1))


def informatika() -> Programme:
    """An academic S1 prodi registered without an accreditation."""
    return Programme(
        university_code=UNIVERSITY,
        prodi_code=PRODI,
        name="Informatika",
        level=Level.S1,
        orientation=Orientation.ACADEMIC,
        accreditation=None,
        cause=ADMIN,
    )


def test_PIN_3_accreditation_a_programme_is_accredited_on_a_day_any_of_its_accreditations_covers() -> None:
    programme = informatika()
    assert not programme.accredited_on(date(2022, 1, 1))
    programme.record_accreditation(VALID, ADMIN)
    programme.record_accreditation(Accreditation("BAIK", date(2026, 1, 1), date(2030, 12, 31)), ADMIN)
    programme.record_accreditation(VALID, ADMIN)  # the same again changes nothing
    assert len(programme.accreditations) == 2
    assert programme.accredited_on(date(2024, 12, 31)) and programme.accredited_on(date(2026, 1, 1))
    assert not programme.accredited_on(date(2025, 6, 1))


@pytest.mark.parametrize(
    ("accreditation", "fields"),
    [
        (Accreditation("UNGGUL", date(1950, 1, 1), date(2034, 8, 1)), ()),
        (Accreditation("UNGGUL", date(1949, 12, 31), date(2030, 1, 1)), ("accreditationValidFrom",)),
        (Accreditation("UNGGUL", date(2020, 1, 1), date(2034, 8, 2)), ("accreditationValidUntil",)),
        (Accreditation("UNGGUL", date(2020, 1, 2), date(2020, 1, 1)), ("accreditationValidUntil",)),
        (Accreditation("UNGGUL", date(2020, 1, 1), date(2020, 1, 1)), ()),
        (Accreditation("-A", date(2020, 1, 1), date(2021, 1, 1)), ("accreditationGrade",)),
        (Accreditation("A" * 40, date(2020, 1, 1), date(2021, 1, 1)), ()),
    ],
)
def test_PIN_0_an_accreditation_is_plausible_from_1950_to_10_years_ahead(
    accreditation: Accreditation, fields: tuple[str, ...]
) -> None:
    if not fields:
        assert accreditation.parsed(TODAY) == accreditation
    else:
        assert refusal(lambda: accreditation.parsed(TODAY)) == tuple(("PIN-0", f) for f in fields)


def test_PIN_0_ten_years_ahead_of_29_february_is_28_february() -> None:
    leap = date(2024, 2, 29)
    assert Accreditation("A", date(2020, 1, 1), date(2034, 2, 28)).parsed(leap)
    assert refusal(lambda: Accreditation("A", date(2020, 1, 1), date(2034, 3, 1)).parsed(leap)) == (
        ("PIN-0", "accreditationValidUntil"),
    )


# Numbering (PIN-1) -------------------------------------------------------------------------------


def test_PIN_1_a_sequence_hands_out_1_then_2() -> None:
    sequence = NINASequence(university_code=UNIVERSITY, prodi_code=PRODI, year=2024, cause=OPERATOR)
    assert [sequence.claim_next(OPERATOR).sequence for _ in range(2)] == [1, 2]
    assert sequence.claim_next(OPERATOR).value[:9] == PRODI + "2024"


def test_PIN_1_a_sequence_hands_out_99999_and_then_refuses() -> None:
    sequence = NINASequence(university_code=UNIVERSITY, prodi_code=PRODI, year=2024, cause=OPERATOR)
    sequence.last = MAX_SEQUENCE - 1  # as if 99,998 NINAs had been reserved this year
    assert sequence.claim_next(OPERATOR) == NINA.issue(PRODI, 2024, 99_999)
    with pytest.raises(RuleViolation) as refused:
        sequence.claim_next(OPERATOR)
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-1", "sequence")]
    assert sequence.last == MAX_SEQUENCE


# One NINA per student (PIN-2.once), pairing preconditions (PIN-3), annulment (PIN-5) ------------


def reserved_diploma() -> Diploma:
    return Diploma.reserve(
        university_code=UNIVERSITY,
        prodi_code=PRODI,
        nim="2020001",
        student_id=uuid.uuid4(),
        nina=NINA.issue(PRODI, 2024, 1),
        ruleset=PISN,
        record=record(semesters(8)),
        cause=OPERATOR,
    )


def test_PIN_2_once_a_reserved_or_paired_nina_blocks_a_second_reservation_naming_the_nim() -> None:
    for status in (DiplomaStatus.RESERVED, DiplomaStatus.PAIRED):
        failure = reservation_blocker(status, "552012024000011", "2020001")
        assert failure is not None and (failure.rule_id, failure.field) == ("PIN-2.once", "nim")
    assert reservation_blocker(None, "", "2020001") is None
    assert reservation_blocker(DiplomaStatus.CANCELLED_IN_ERROR, "552012024000011", "2020001") is None
    void = reservation_blocker(DiplomaStatus.VOID, "552012024000011", "2020001")
    assert void is not None and (void.rule_id, void.field) == ("PIN-5.void", "nim")


def test_PIN_2_once_the_aggregate_refuses_a_second_reservation_of_a_reserved_nina() -> None:
    diploma = reserved_diploma()
    next_nina = NINA.issue(PRODI, 2024, 2)
    assert refusal(
        lambda: diploma.reserve_again(nina=next_nina, ruleset=PISN, record=record(semesters(8)), cause=OPERATOR)
    ) == (("PIN-2.once", "nim"),)
    assert diploma.nina == NINA.issue(PRODI, 2024, 1)


def test_PIN_3_reservation_pairing_blockers_name_their_fields() -> None:
    missing = pairing_blocker(None, "", "2020001")
    paired = pairing_blocker(DiplomaStatus.PAIRED, "552012024000011", "2020001")
    assert missing is not None and (missing.rule_id, missing.field) == ("PIN-3.reservation", "nim")
    assert paired is not None and (paired.rule_id, paired.field) == ("PIN-3.reservation", "nina")
    assert "already paired" in paired.message
    assert pairing_blocker(DiplomaStatus.RESERVED, "552012024000011", "2020001") is None
    for status in (DiplomaStatus.VOID, DiplomaStatus.CANCELLED_IN_ERROR):
        annulled = pairing_blocker(status, "552012024000011", "2020001")
        assert annulled is not None and (annulled.rule_id, annulled.field) == ("PIN-5.annulled", "nim")


def test_PIN_3_reservation_the_aggregate_pairs_only_its_own_nina_and_only_once() -> None:
    diploma = reserved_diploma()
    holder = Sealed(uuid.uuid4(), "sealed")
    other = NINA.issue(PRODI, 2024, 2)
    pair = lambda nina: diploma.pair(  # noqa: E731
        nina=nina, ruleset=PISN, record=graduate(semesters(8)), holder=holder, on=TODAY, cause=OPERATOR
    )
    assert refusal(lambda: pair(other)) == (("PIN-3.reservation", "nina"),)
    pair(diploma.nina)
    assert diploma.status is DiplomaStatus.PAIRED
    assert refusal(lambda: pair(diploma.nina)) == (("PIN-3.reservation", "nina"),)


def test_PIN_2_after_a_cancellation_in_error_the_ruleset_still_decides_a_new_reservation() -> None:
    diploma = reserved_diploma()
    diploma.propose_annulment(reason="wrong student", on=TODAY, cause=LEADER)
    diploma.decide_annulment_proposal(accept=True, remark=None, on=TODAY, cause=DIRECTOR_GENERAL)
    assert diploma.status is DiplomaStatus.CANCELLED_IN_ERROR
    new = NINA.issue(PRODI, 2024, 2)
    with pytest.raises(NotEligible) as refused:
        diploma.reserve_again(nina=new, ruleset=PISN, record=record(semesters(8, ipk="1.99")), cause=OPERATOR)
    assert refused.value.rule_ids == ("PIN-2.ipk",)
    assert diploma.status is DiplomaStatus.CANCELLED_IN_ERROR
    assert refusal(
        lambda: diploma.reserve_again(nina=diploma.nina, ruleset=PISN, record=record(semesters(8)), cause=OPERATOR)
    ) == (("PIN-5.reuse", "nina"),)
    diploma.reserve_again(nina=new, ruleset=PISN, record=record(semesters(8)), cause=OPERATOR)
    assert (diploma.status, diploma.nina) == (DiplomaStatus.RESERVED, new)


def test_PIN_5_refusals_of_an_annulled_or_unproposed_nina_name_the_nim() -> None:
    diploma = reserved_diploma()
    assert refusal(
        lambda: diploma.decide_annulment_proposal(accept=True, remark=None, on=TODAY, cause=DIRECTOR_GENERAL)
    ) == (("PIN-5.proposal", "nim"),)
    diploma.annul(reason="fabricated reports", legal_basis="318/B/HK/2019 art. 5", on=TODAY, cause=DIRECTOR_GENERAL)
    assert refusal(lambda: diploma.annul(reason="again", legal_basis="x", on=TODAY, cause=DIRECTOR_GENERAL)) == (
        ("PIN-5.annulled", "nim"),
    )


@pytest.mark.parametrize("reason", [None, "", "  \t "])
def test_PIN_5_reason_a_blank_reason_is_no_reason(reason: str | None) -> None:
    diploma = reserved_diploma()
    assert refusal(lambda: diploma.annul(reason=reason, legal_basis="x", on=TODAY, cause=DIRECTOR_GENERAL)) == (
        ("PIN-5.reason", "reason"),
    )
    assert refusal(lambda: diploma.propose_annulment(reason=reason, on=TODAY, cause=LEADER)) == (
        ("PIN-5.reason", "reason"),
    )


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_PDP_erasure_needs_a_ground(reason: str | None) -> None:
    s = student()
    assert refusal(lambda: s.erase_personal_data(cause(reason=reason))) == (("PDP.erasure", "reason"),)
    assert not s.erased


def test_PDP_erasure_is_recorded_once() -> None:
    s = student()
    ground = cause(reason="end of retention")
    assert s.erase_personal_data(ground) is True
    assert s.erased
    assert s.erase_personal_data(ground) is False
    assert sum(isinstance(e, Student.PersonalDataErased) for e in s.collect_events()) == 1


def test_PIN_0_an_accreditation_grade_with_an_invisible_character_is_refused_naming_the_grade() -> None:
    bad = Accreditation("UNGGUL\u200b", date(2020, 1, 1), date(2021, 1, 1))
    assert refusal(lambda: bad.parsed(TODAY)) == (("PIN-0", "accreditationGrade"),)


# Registration again (PIN-0): the aggregates keep what was registered ------------------------------


class PlainSealer:
    """Seals by keeping the data in memory: enough for the aggregate's own comparison."""

    def __init__(self) -> None:
        self.kept: dict[str, PersonalData] = {}

    def erase(self, subject_id: uuid.UUID, when: str) -> bool:
        return self.kept.pop(str(subject_id), None) is not None

    def seal(self, subject_id: uuid.UUID, data: PersonalData) -> Sealed:
        self.kept[str(subject_id)] = data
        return Sealed(subject_id, str(subject_id))

    def unseal(self, sealed: Sealed) -> PersonalData | None:
        return self.kept.get(sealed.ciphertext)


SITI = PersonalData(full_name="Siti Aminah", nik="3171234567890123")


def registered(sealer: PlainSealer, entry: str = "20201") -> Student:
    return Student.register(
        university_code=UNIVERSITY,
        nim="2020001",
        prodi_code=PRODI,
        entry_period=Period.parse(entry),
        personal=SITI,
        today=TODAY,
        sealer=sealer,
        cause=OPERATOR,
    )


def test_PIN_0_a_student_enters_in_a_regular_semester_that_has_started() -> None:
    sealer = PlainSealer()
    assert registered(sealer).identity_kind == "NIK"
    assert refusal(lambda: registered(sealer, "20203")) == (("PIN-0", "entryPeriod"),)
    assert refusal(lambda: registered(sealer, "20251")) == (("PIN-0", "entryPeriod"),)


def test_PIN_0_a_student_registered_again_must_say_what_the_record_says() -> None:
    sealer = PlainSealer()
    s = registered(sealer)
    same = {"prodi_code": PRODI, "entry_period": Period.parse("20201"), "sealer": sealer}
    s.register_again(**same, personal=SITI)  # a re-sent feed: nothing to do
    assert len(s.collect_events()) == 1
    other_prodi = {**same, "prodi_code": "55202"}
    assert refusal(lambda: s.register_again(**other_prodi, personal=SITI)) == (("PIN-0", "nim"),)
    other_entry = {**same, "entry_period": Period.parse("20211")}
    assert refusal(lambda: s.register_again(**other_entry, personal=SITI)) == (("PIN-0", "nim"),)
    someone_else = PersonalData(full_name="Siti Aminah", nik="3171234567890124")
    assert refusal(lambda: s.register_again(**same, personal=someone_else)) == (("PIN-0", "nim"),)


def test_PDP_an_erased_student_registered_again_changes_nothing_and_is_not_refused() -> None:
    sealer = PlainSealer()
    s = registered(sealer)
    s.erase_personal_data(cause(reason="permintaan subjek data"))
    s.register_again(prodi_code="55202", entry_period=Period.parse("20211"), personal=SITI, sealer=sealer)
    assert [type(e) for e in s.collect_events()] == [Student.Registered, Student.PersonalDataErased]


def test_PIN_0_a_programme_registered_again_keeps_its_level_and_orientation() -> None:
    programme = informatika()
    again = {"name": "Teknik Informatika", "accreditation": VALID, "cause": ADMIN}
    assert refusal(lambda: programme.register_again(level=Level.D4, orientation=Orientation.ACADEMIC, **again)) == (
        ("PIN-0", "level"),
    )
    assert refusal(lambda: programme.register_again(level=Level.S1, orientation=Orientation.APPLIED, **again)) == (
        ("PIN-0", "level"),
    )
    assert programme.name == "Informatika" and programme.accreditations == []
    programme.register_again(level=Level.S1, orientation=Orientation.ACADEMIC, **again)
    assert (programme.name, programme.accreditations) == ("Teknik Informatika", [VALID])
