"""EQV-1 .. EQV-8: what the decisions record and cite (issue 31, item 1: gaps an outside mutation run found, each a
wrong rule no test noticed). The rule ids in each decision event and on each checklist item, the working days the
clock counts, the SK's refusals with their rule ids, and a review decided once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.calendar import WorkingCalendar
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.checklist import ForeignLevel, Study, checklist
from domain.equivalency.clock import Pause, working_days_elapsed
from domain.equivalency.country_rules import equivalence
from domain.equivalency.kinds import Collector, Escalation
from domain.equivalency.sk import AfterDecision
from domain.errors import RuleViolation
from tests.equivalency.test_application_domain import DAY, STUDY, TEAM, WEEKDAYS, complete, decided, registered

EVERYTHING = Study(ForeignLevel.S2, "CN", False, True, True, True, False, False, True)
# Every item of the seed's list (002, 5.1 .. 5.13) cites the rule that asks for it.
CITED = {
    "DIPLOMA_TRANSCRIPT_SCAN": "EQV-2.1",
    "DIPLOMA_TRANSCRIPT_TRANSLATION": "EQV-2.1",
    "CDGDC_VERIFICATION": "EQV-2.2",
    "CDGDC_TRANSLATION": "EQV-2.2",
    "ACADEMIC_RECORD": "EQV-2.3",
    "ACADEMIC_RECORD_TRANSLATION": "EQV-2.3",
    "THESIS_EXCERPT": "EQV-2.4",
    "THESIS_EXCERPT_TRANSLATION": "EQV-2.4",
    "JOURNAL_ARTICLE": "EQV-2.5",
    "ACADEMIC_CATALOGUE": "EQV-2.6",
    "SUPERVISION_REPORT": "EQV-2.7",
    "PASSPORT_PAGES": "EQV-2.8",
    "STUDY_VISAS": "EQV-2.8",
    "POLICE_REPORT": "EQV-2.8",
    "STUDY_CONFIRMATION": "EQV-2.8",
    "PREVIOUS_DIPLOMA": "EQV-2.9",
    "STUDY_PERMIT": "EQV-2.10",
    "RECOGNITION_LETTER": "EQV-2.11",
    "ONLINE_RECOGNITION": "EQV-2.12",
}  # EQV-2.13: the MoU is a supporting document the team asks for, not an item of the checklist (issue 30)


def refused(rule_id: str, field: str, attempt: pytest.ExceptionInfo[RuleViolation]) -> None:
    [failure] = attempt.value.failures
    assert (failure.rule_id, failure.field) == (rule_id, field)


def test_EQV_2_each_checklist_item_cites_its_rule() -> None:
    lost = replace(EVERYTHING, level=ForeignLevel.S3, online=False, passport_lost=True)
    cited = {i.code: i.rule_id for study in (EVERYTHING, lost, STUDY) for i in checklist(study)}
    assert cited.keys() >= CITED.keys()
    assert {code: cited[code] for code in CITED} == CITED
    assert [i.code for i in checklist(EVERYTHING) if i.link_allowed] == ["ACADEMIC_CATALOGUE"]


@pytest.mark.parametrize(
    ("study", "asked", "not_asked"),
    [
        # A bachelor's from Australia in English: the seven items every application needs.
        (STUDY, {"DIPLOMA_TRANSCRIPT_SCAN", "PASSPORT_PAGES", "STUDY_VISAS"}, {"CDGDC_VERIFICATION", "STUDY_PERMIT"}),
        # A research master's from China, translated: no study visa (EQV-2.8), CDGDC with its translation.
        (
            EVERYTHING,
            {"CDGDC_VERIFICATION", "CDGDC_TRANSLATION", "SUPERVISION_REPORT", "STUDY_PERMIT"},
            {"STUDY_VISAS", "JOURNAL_ARTICLE", "POLICE_REPORT", "DEGREE_MOU"},
        ),
        # A bachelor's by research still needs its study visas; only a master's or doctorate by research does not.
        (replace(STUDY, research_based=True), {"STUDY_VISAS", "SUPERVISION_REPORT"}, {"STUDY_PERMIT"}),
        (replace(STUDY, level=ForeignLevel.S3), {"JOURNAL_ARTICLE", "STUDY_VISAS"}, {"SUPERVISION_REPORT"}),
        (
            replace(STUDY, level=ForeignLevel.S3, research_based=True, passport_lost=True, country="CN"),
            {"POLICE_REPORT", "STUDY_CONFIRMATION", "CDGDC_VERIFICATION"},
            {"PASSPORT_PAGES", "STUDY_VISAS", "CDGDC_TRANSLATION", "DIPLOMA_TRANSCRIPT_TRANSLATION"},
        ),
    ],
)
def test_EQV_2_the_checklist_follows_what_the_form_says(study: Study, asked: set[str], not_asked: set[str]) -> None:
    codes = {i.code for i in checklist(study)}
    assert asked <= codes and not codes & not_asked


def test_EQV_2_12_an_online_doctorate_is_refused_naming_the_field() -> None:
    with pytest.raises(RuleViolation) as attempt:
        checklist(replace(STUDY, level=ForeignLevel.S3, online=True))
    refused("EQV-2.12", "online", attempt)
    assert "ONLINE_RECOGNITION" in {i.code for i in checklist(replace(STUDY, level=ForeignLevel.S2, online=True))}


def test_EQV_1_weekends_and_holidays_are_not_working_days() -> None:
    # Complete on Friday 6 March 2026: Monday 9 is the first working day; Tuesday 10 a holiday in this calendar.
    holiday = WorkingCalendar("test", lambda day: day == date(2026, 3, 10))
    friday = date(2026, 3, 6)
    assert working_days_elapsed(friday, (), date(2026, 3, 8), holiday) == 0  # Saturday, Sunday
    assert working_days_elapsed(friday, (), date(2026, 3, 9), holiday) == 1
    assert working_days_elapsed(friday, (), date(2026, 3, 10), holiday) == 1
    assert working_days_elapsed(friday, (), date(2026, 3, 11), holiday) == 2
    assert working_days_elapsed(friday, (), date(2026, 3, 11), WEEKDAYS) == 3
    assert working_days_elapsed(None, (), date(2026, 3, 11), WEEKDAYS) == 0  # not complete: no clock
    # A pause still open stops the clock from the day after it started.
    assert working_days_elapsed(friday, (Pause(date(2026, 3, 9), None),), date(2026, 3, 20), WEEKDAYS) == 1


def test_EQV_1_EQV_2_registration_records_both_rules() -> None:
    application = registered()
    [event] = application.collect_events()
    assert isinstance(event, EquivalencyApplication.Registered) and event.rule_ids == ("EQV-1", "EQV-2")


def test_EQV_3_an_escalation_records_its_rule_and_what_was_asked() -> None:
    application = registered()
    complete(application)
    application.collect_events()
    application.escalate(Escalation.MORE_DOCUMENTS, "Kronologi", ("STUDY_CHRONOLOGY",), date(2026, 3, 4), TEAM)
    [event] = application.collect_events()
    assert isinstance(event, EquivalencyApplication.Escalated)
    assert (event.rule_ids, event.on, event.asked.items) == (("EQV-3",), date(2026, 3, 4), ("STUDY_CHRONOLOGY",))


def test_EQV_4_a_decision_records_its_rules_deferral_and_refusal_theirs() -> None:
    application = registered(features=frozenset({"HONOURS"}))
    complete(application)
    application.collect_events()
    application.correct_features(frozenset(), "Bukan Honours menurut transkrip", TEAM)
    application.defer(("Transkrip tidak terbaca",), DAY, TEAM)
    application.answer_deferral("Diunggah ulang", DAY, TEAM)
    rule = equivalence("AU", ForeignLevel.S1, application.features, DAY)
    application.equalise(rule, "SK-1", ("tim-a",), date(2026, 3, 3), TEAM)
    corrected, deferred, answered, equalised = application.collect_events()
    assert isinstance(corrected, EquivalencyApplication.FeaturesCorrected) and corrected.rule_ids == ("EQV-4",)
    assert (corrected.features, corrected.reason) == ((), "Bukan Honours menurut transkrip")
    assert isinstance(deferred, EquivalencyApplication.Deferred) and deferred.rule_ids == ("EQV-4",)
    assert (deferred.reasons, deferred.on) == (("Transkrip tidak terbaca",), DAY)
    assert isinstance(answered, EquivalencyApplication.DeferralAnswered)
    assert (answered.answer, answered.on) == ("Diunggah ulang", DAY)
    assert isinstance(equalised, EquivalencyApplication.Equalised)
    assert (equalised.rule_ids, equalised.sk_number, equalised.deciders, equalised.on) == (
        ("EQV-2", "EQV-4"),
        "SK-1",
        ("tim-a",),
        date(2026, 3, 3),
    )
    assert (equalised.level, equalised.rule_version, equalised.country) == ("D3", rule.rule_version, "AU")
    application = registered()
    complete(application)
    application.collect_events()
    with pytest.raises(RuleViolation) as attempt:
        application.refuse((), ("tim-a",), DAY, TEAM)
    refused("EQV-4", "reasons", attempt)
    application.refuse(("Program tidak diakui",), ("tim-a",), DAY, TEAM)
    [refusal] = application.collect_events()
    assert isinstance(refusal, EquivalencyApplication.Refused) and refusal.rule_ids == ("EQV-4",)
    assert (refusal.reasons, refusal.deciders, refusal.on) == (("Program tidak diakui",), ("tim-a",), DAY)


def test_EQV_5_nothing_to_collect_before_an_sk_and_a_collection_records_its_rules() -> None:
    application = registered()
    with pytest.raises(RuleViolation) as attempt:
        application.collect(Collector.APPLICANT, None, 2, DAY, TEAM)
    refused("EQV-5", "registrationNumber", attempt)
    application = decided()
    application.collect_events()
    application.collect(Collector.APPLICANT, None, 3, date(2026, 3, 5), TEAM)
    [event] = application.collect_events()
    assert isinstance(event, AfterDecision.Collected) and event.rule_ids == ("EQV-5", "EQV-6")
    assert (event.by, event.photos, event.on) == (Collector.APPLICANT, 3, date(2026, 3, 5))
    assert event.power_of_attorney is None
    with pytest.raises(RuleViolation) as attempt:
        application.collect(Collector.APPLICANT, None, 2, DAY, TEAM)
    refused("EQV-5", "registrationNumber", attempt)


def test_EQV_7_a_replacement_letter_records_its_rule() -> None:
    with pytest.raises(RuleViolation) as attempt:
        registered().issue_replacement("SKP-1", "Nama salah ketik", DAY, TEAM)
    refused("EQV-7", "registrationNumber", attempt)
    application = decided()
    application.collect_events()
    application.issue_replacement("SKP-1", "Nama salah ketik", date(2026, 3, 5), TEAM)
    [event] = application.collect_events()
    assert isinstance(event, AfterDecision.ReplacementIssued) and event.rule_ids == ("EQV-7",)
    assert (event.letter_number, event.reason, event.on) == ("SKP-1", "Nama salah ketik", date(2026, 3, 5))
    with pytest.raises(RuleViolation) as attempt:
        application.issue_replacement("SKP-1", "Lagi", date(2026, 3, 6), TEAM)
    refused("EQV-7", "letterNumber", attempt)


def test_EQV_8_only_a_decision_is_reviewed_and_a_review_is_decided_once() -> None:
    application = registered()
    complete(application)
    with pytest.raises(RuleViolation) as attempt:
        application.request_review("PK-1", "x", (), DAY, TEAM)
    refused("EQV-8", "registrationNumber", attempt)
    application = decided()
    with pytest.raises(RuleViolation) as attempt:
        application.decide_review(False, ("hukum-b",), "Ditolak", DAY, TEAM)
    refused("EQV-8", "registrationNumber", attempt)  # nothing pending
    application.collect_events()
    assert application.request_review("PK-1", "Honours", (f"{7:064x}",), date(2026, 3, 9), TEAM) == 1
    [requested] = application.collect_events()
    assert isinstance(requested, AfterDecision.ReviewRequested) and requested.rule_ids == ("EQV-8",)
    assert (requested.review.letter_reference, requested.review.on) == ("PK-1", date(2026, 3, 9))
    with pytest.raises(RuleViolation) as attempt:
        application.decide_review(False, (), "Ditolak", DAY, TEAM)
    refused("EQV-8", "deciders", attempt)
    application.decide_review(False, ("hukum-b",), "Ditolak", date(2026, 3, 10), TEAM)
    [decided_event] = application.collect_events()
    assert isinstance(decided_event, AfterDecision.ReviewDecided) and decided_event.rule_ids == ("EQV-8",)
    assert (decided_event.number, decided_event.upheld, decided_event.deciders, decided_event.remark) == (
        1,
        False,
        ("hukum-b",),
        "Ditolak",
    )
    assert decided_event.on == date(2026, 3, 10)
    with pytest.raises(RuleViolation) as attempt:  # decided already: not again, either way
        application.decide_review(True, ("hukum-c",), "Diterima", date(2026, 3, 11), TEAM)
    refused("EQV-8", "registrationNumber", attempt)
    assert application.collect_events() == [] and application.reviews[0].upheld is False
