"""An equivalency application on the domain: the checklist it carries, the clock's start and pauses (EQV-1),
escalations (EQV-3), the decision with its rule version (EQV-4), and the state as of the decision (EQV-8)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

import pytest

from domain.audit import Actor, Cause, Role
from domain.calendar import WorkingCalendar
from domain.equivalency.application import Document, EquivalencyApplication
from domain.equivalency.checklist import SUPPORTING, ForeignLevel, Study
from domain.equivalency.clock import Pause, working_days_elapsed
from domain.equivalency.country_rules import equivalence
from domain.equivalency.kinds import Collector, Escalation, Status
from domain.equivalency.sk import AfterDecision, PowerOfAttorney
from domain.equivalency.stamp_duty import Stamp
from domain.errors import RuleViolation
from domain.files import StoredFile
from domain.personal import Sealed

TEAM = Cause(Actor("tim@belmawa", Role.MINISTRY_ADMIN, None), request_id="req")
STUDY = Study(ForeignLevel.S1, "AU", True, False, False, False, True, False, False)
WEEKDAYS = WorkingCalendar("weekdays", lambda day: False)
DAY = date(2026, 3, 2)  # a Monday


def file(n: int) -> StoredFile:
    return StoredFile(f"{n:064x}", 100, "application/pdf")


def registered(study: Study = STUDY, features: frozenset[str] = frozenset()) -> EquivalencyApplication:
    return EquivalencyApplication.register(
        registration_number="PI-2026-000001",
        account_id="applicant-1",
        study=study,
        features=features,
        applicant=Sealed(uuid4(), "x"),
        access_code_hash="h",
        university="University of Melbourne",
        programme="Bachelor of Science",
        on=DAY,
        cause=TEAM,
    )


def complete(application: EquivalencyApplication, on: date = DAY) -> None:
    for n, item in enumerate(application.missing):
        url = "https://example.edu/catalogue" if item.link_allowed else None
        application.add_document(Document(item.code, None if url else file(n), url), on, TEAM)


def test_eqv_1_the_clock_starts_when_the_file_is_complete() -> None:
    application = registered()
    assert application.status is Status.INCOMPLETE and len(application.missing) == 7
    complete(application)
    assert application.status is Status.IN_REVIEW and application.complete_on == DAY and not application.missing


def test_eqv_2_a_link_only_where_the_rule_allows_it() -> None:
    application = registered()
    with pytest.raises(RuleViolation) as refusal:
        application.add_document(Document("PASSPORT_PAGES", None, "https://x"), DAY, TEAM)
    assert refusal.value.rule_ids == ("EQV-2.8",)
    with pytest.raises(RuleViolation):
        application.add_document(Document("CDGDC_VERIFICATION", file(1), None), DAY, TEAM)  # not asked of AU


def test_eqv_3_more_documents_pause_the_clock_until_they_come() -> None:
    application = registered()
    complete(application)
    application.escalate(Escalation.MORE_DOCUMENTS, "Kronologi studi", ("STUDY_CHRONOLOGY",), date(2026, 3, 4), TEAM)
    assert application.status is Status.WAITING_FOR_APPLICANT
    assert [i.code for i in application.missing] == ["STUDY_CHRONOLOGY"]
    application.add_document(Document("STUDY_CHRONOLOGY", file(9), None), date(2026, 3, 10), TEAM)
    assert application.status is Status.IN_REVIEW
    assert application.pauses == [Pause(date(2026, 3, 4), date(2026, 3, 10))]
    # Mon 2 complete; Tue 3, Wed 4 count; Thu 5 .. Tue 10 paused; Wed 11, Thu 12 count
    assert working_days_elapsed(DAY, tuple(application.pauses), date(2026, 3, 12), WEEKDAYS) == 4


def test_eqv_3_an_expert_or_plenary_needs_its_outcome_before_the_decision() -> None:
    application = registered()
    complete(application)
    number = application.escalate(Escalation.EXPERT, "Pendapat ahli tentang Honours", (), DAY, TEAM)
    rule = equivalence("AU", ForeignLevel.S1, application.features, DAY)
    with pytest.raises(RuleViolation) as refusal:
        application.equalise(rule, "SK-1", ("tim@belmawa",), DAY, TEAM)
    assert refusal.value.rule_ids == ("EQV-3",)
    application.answer_escalation(number, "Bukan Honours", DAY, TEAM)
    assert application.asked[0].outcome == "Bukan Honours" and application.asked[0].answered_by == "tim@belmawa"
    application.equalise(rule, "SK-1", ("tim@belmawa",), DAY, TEAM)
    assert (application.status, application.level) == (Status.EQUIVALENT, "D3")


def test_eqv_4_a_deferral_is_answered_by_the_applicant() -> None:
    application = registered()
    complete(application)
    application.defer(("Transkrip tidak terbaca",), DAY, TEAM)
    assert application.status is Status.WAITING_FOR_APPLICANT
    with pytest.raises(RuleViolation):
        application.refuse(("x",), ("tim",), DAY, TEAM)
    application.answer_deferral("Transkrip baru diunggah", date(2026, 3, 3), TEAM)
    assert application.status is Status.IN_REVIEW
    application.refuse(("Program tidak diakui",), ("tim",), date(2026, 3, 4), TEAM)
    assert application.status is Status.REFUSED


def test_eqv_8_the_state_as_of_the_decision_is_what_it_saw() -> None:
    application = registered(features=frozenset({"HONOURS"}))
    complete(application)
    application.equalise(equivalence("AU", ForeignLevel.S1, application.features, DAY), "SK-1", ("tim",), DAY, TEAM)
    events = application.collect_events()
    at_decision = None
    for e in events:
        at_decision = e.mutate(at_decision)
    assert at_decision is not None and at_decision.level == "S1"
    assert {c: d.file.sha256 if d.file else d.url for c, d in at_decision.documents.items()}["PASSPORT_PAGES"]


def test_eqv_2_12_online_s3_is_not_registered() -> None:
    with pytest.raises(RuleViolation) as refusal:
        registered(replace(STUDY, level=ForeignLevel.S3, online=True))
    assert refusal.value.rule_ids == ("EQV-2.12",)


def decided(features: frozenset[str] = frozenset({"HONOURS"})) -> EquivalencyApplication:
    application = registered(features=features)
    complete(application)
    application.equalise(equivalence("AU", ForeignLevel.S1, application.features, DAY), "SK-1", ("tim-a",), DAY, TEAM)
    return application


OLD_6000, NEW_10000 = Stamp(6000, False), Stamp(10000, True)


def attorney(signed_on: date, *stamps: Stamp, copies: bool = True) -> PowerOfAttorney:
    return PowerOfAttorney(signed_on, stamps, applicant_id_copy=copies, representative_id_copy=True)


def test_eqv_5_collected_by_the_applicant_or_a_representative_with_the_meterai_of_the_day() -> None:
    application = decided()
    with pytest.raises(RuleViolation) as refusal:
        application.collect(Collector.APPLICANT, None, 1, DAY, TEAM)
    assert refusal.value.rule_ids == ("EQV-5.photos",)
    for bad in (None, attorney(date(2022, 5, 1), OLD_6000), attorney(date(2022, 5, 1), NEW_10000, copies=False)):
        with pytest.raises(RuleViolation):
            application.collect(Collector.REPRESENTATIVE, bad, 2, DAY, TEAM)
    application.collect(Collector.REPRESENTATIVE, attorney(date(2020, 3, 1), OLD_6000), 2, DAY, TEAM)
    assert application.collected_on == DAY
    [collected] = [e for e in application.collect_events() if isinstance(e, AfterDecision.Collected)]
    assert collected.meterai_rule == "STAMP-DUTY-1985" and not collected.unclaimed
    with pytest.raises(RuleViolation):
        application.collect(Collector.APPLICANT, None, 2, DAY, TEAM)


def test_eqv_6_a_late_collection_is_recorded_as_unclaimed() -> None:
    application = decided()  # issued 2 March 2026: unclaimed from 2 September 2026
    application.collect(Collector.APPLICANT, None, 2, date(2026, 9, 2), TEAM)
    [collected] = [e for e in application.collect_events() if isinstance(e, AfterDecision.Collected)]
    assert collected.unclaimed


def test_eqv_7_a_replacement_letter_refers_to_the_original_sk() -> None:
    application = registered()
    with pytest.raises(RuleViolation):
        application.issue_replacement("SKP-1", "Nama salah ketik oleh pemohon", DAY, TEAM)
    application = decided()
    application.issue_replacement("SKP-1", "Nama salah ketik oleh pemohon", DAY, TEAM)
    [letter] = [e for e in application.collect_events() if isinstance(e, AfterDecision.ReplacementIssued)]
    assert (letter.refers_to, application.sk_number, application.replacements) == ("SK-1", "SK-1", ["SKP-1"])


def test_eqv_8_a_review_is_decided_by_others_and_upheld_the_decision_is_taken_again_by_others() -> None:
    application = decided(frozenset())  # D3: the applicant says it was an Honours degree
    number = application.request_review("Surat PK 1/2026", "Ijazah Honours", (f"{7:064x}",), date(2026, 3, 9), TEAM)
    assert number == 1
    with pytest.raises(RuleViolation):
        application.request_review("Surat PK 2/2026", "lagi", (), date(2026, 3, 9), TEAM)
    with pytest.raises(RuleViolation) as refusal:
        application.decide_review(True, ("tim-a", "hukum-b"), "Diterima", date(2026, 3, 10), TEAM)
    assert refusal.value.rule_ids == ("EQV-8.independence",)
    application.decide_review(True, ("hukum-b",), "Diterima", date(2026, 3, 10), TEAM)
    assert application.status is Status.IN_REVIEW and application.sk_number is None
    rule = equivalence("AU", ForeignLevel.S1, frozenset({"HONOURS"}), date(2026, 3, 11))
    with pytest.raises(RuleViolation) as refusal:
        application.equalise(rule, "SK-2", ("tim-a",), date(2026, 3, 11), TEAM)
    assert refusal.value.rule_ids == ("EQV-8.independence",)
    application.equalise(rule, "SK-2", ("tim-c",), date(2026, 3, 11), TEAM)
    assert (application.sk_number, application.level) == ("SK-2", "S1")


# From review ---------------------------------------------------------------------------------------------------


def test_eqv_8_after_an_upheld_review_the_new_sk_is_collected_afresh_and_the_clock_restarts() -> None:
    application = decided(frozenset())
    application.collect(Collector.APPLICANT, None, 2, DAY, TEAM)
    application.issue_replacement("SKP-1", "Nama salah ketik", DAY, TEAM)
    application.request_review("PK-1", "Honours", (), date(2026, 3, 9), TEAM)
    application.decide_review(True, ("hukum-b",), "Diterima", date(2026, 6, 1), TEAM)
    assert (application.collected_on, application.replacements) == (None, [])
    assert (application.complete_on, application.pauses) == (date(2026, 6, 1), [])
    rule = equivalence("AU", ForeignLevel.S1, frozenset({"HONOURS"}), date(2026, 6, 2))
    application.equalise(rule, "SK-2", ("tim-c",), date(2026, 6, 2), TEAM)
    application.collect(Collector.APPLICANT, None, 2, date(2026, 6, 3), TEAM)
    assert application.collected_on == date(2026, 6, 3)


def test_eqv_8_one_review_per_decision() -> None:
    application = decided()
    application.request_review("PK-1", "x", (), DAY, TEAM)
    application.decide_review(False, ("hukum-b",), "Ditolak", DAY, TEAM)
    with pytest.raises(RuleViolation) as refusal:
        application.request_review("PK-2", "lagi", (), DAY, TEAM)
    assert refusal.value.rule_ids == ("EQV-8",)


def test_eqv_7_a_letter_number_once() -> None:
    application = decided()
    application.issue_replacement("SKP-1", "x", DAY, TEAM)
    with pytest.raises(RuleViolation) as refusal:
        application.issue_replacement("SKP-1", "y", DAY, TEAM)
    assert refusal.value.rule_ids == ("EQV-7",)


def test_eqv_5_a_power_of_attorney_is_not_dated_after_its_use() -> None:
    application = decided()
    with pytest.raises(RuleViolation) as refusal:
        application.collect(Collector.REPRESENTATIVE, attorney(date(2026, 3, 3), NEW_10000), 2, DAY, TEAM)
    assert refusal.value.rule_ids == ("EQV-5.attorney",)
    application.collect(Collector.REPRESENTATIVE, attorney(DAY, NEW_10000), 2, DAY, TEAM)


def test_eqv_3_the_mou_may_be_asked_for_and_no_outcome_after_the_decision() -> None:
    application = registered()
    complete(application)
    application.escalate(Escalation.MORE_DOCUMENTS, "MoU", ("DEGREE_MOU",), DAY, TEAM)
    assert [i.code for i in application.missing] == ["DEGREE_MOU"]
    application = decided()
    with pytest.raises(RuleViolation):
        application.answer_escalation(1, "late", DAY, TEAM)


# EQV-2.13: a double or joint degree's MoU is asked for by the team, not required at registration -----------------

DOUBLE_DEGREE = replace(STUDY, double_or_joint_degree=True)


def test_eqv_2_13_a_double_degree_starts_the_clock_with_the_other_documents() -> None:
    application = registered(DOUBLE_DEGREE)
    assert "DEGREE_MOU" not in {i.code for i in application.missing}
    complete(application)
    assert application.status is Status.IN_REVIEW and application.complete_on == DAY


def test_eqv_2_13_the_mou_is_refused_until_the_team_asks_for_it_then_answers_the_request() -> None:
    application = registered(DOUBLE_DEGREE)
    complete(application)
    application.collect_events()  # what is saved so far
    with pytest.raises(RuleViolation) as refusal:
        application.add_document(Document("DEGREE_MOU", file(20), None), DAY, TEAM)
    assert refusal.value.rule_ids == ("EQV-2",) and not application.collect_events()  # nothing recorded
    application.escalate(Escalation.MORE_DOCUMENTS, "MoU double degree", ("DEGREE_MOU",), date(2026, 3, 4), TEAM)
    assert application.status is Status.WAITING_FOR_APPLICANT
    assert [(i.code, i.rule_id) for i in application.missing] == [("DEGREE_MOU", "EQV-2.13")]
    application.add_document(Document("DEGREE_MOU", file(20), None), date(2026, 3, 6), TEAM)
    assert application.status is Status.IN_REVIEW
    assert application.pauses == [Pause(date(2026, 3, 4), date(2026, 3, 6))]


def test_eqv_2_13_an_application_registered_with_the_mou_in_its_checklist_replays_as_recorded() -> None:
    """A log from before this reading: its Registered event carries the MoU, so it is still awaited there."""
    items = (*registered().checklist.values(), SUPPORTING["DEGREE_MOU"])
    old = EquivalencyApplication(
        registration_number="PI-2025-000009",
        account_id="applicant-9",
        study=DOUBLE_DEGREE,
        features=(),
        applicant=Sealed(uuid4(), "x"),
        access_code_hash="h",
        university="University of Melbourne",
        programme="Bachelor of Science",
        checklist=items,
        registered_on=DAY,
        rule_ids=("EQV-1", "EQV-2"),
        cause=TEAM,
    )
    replayed = None
    for stored in old.collect_events():
        replayed = stored.mutate(replayed)
    assert isinstance(replayed, EquivalencyApplication)
    assert "DEGREE_MOU" in {i.code for i in replayed.missing}
    complete(replayed)
    assert replayed.status is Status.IN_REVIEW
