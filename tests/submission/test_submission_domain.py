"""The submission context's rules on the domain objects alone (no store): each rule id, field and boundary.

Fast, so the mutation tool (``./run mutation --only domain/submission``) judges its mutants here first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain.audit import Actor, Cause, Role
from domain.calendar import WorkingCalendar
from domain.errors import RuleViolation
from domain.files import SHA256, StoredFile, parse_sha256, sniff
from domain.submission.calendar import review_due
from domain.submission.catalog import Catalog
from domain.submission.claim import (
    GradingType,
    Outcome,
    Result,
    UrlEvidence,
    Validity,
    check_passed,
    parse_evidence,
    parse_url,
)
from domain.submission.dpi import Dpi
from domain.submission.entry import EntryDetails, IssuerKind, IssuerOrigin
from domain.submission.proposal import CatalogProposal, check_open
from domain.submission.submission import Claim, Submission
from tests.submission.desk import AWS, TOEFL

CAUSE = Cause(Actor("ssc@test", Role.SSC_STAFF, "001002"), request_id="req")
DAY = date(2024, 8, 1)  # a Thursday
NO_HOLIDAYS = WorkingCalendar("weekends only", lambda day: False)


def broken(command: Callable[[], Any]) -> list[tuple[str, str]]:
    with pytest.raises(RuleViolation) as refusal:
        command()
    return [(f.rule_id, f.field) for f in refusal.value.failures]


def details(**changes: Any) -> Any:
    given = {"issuer": "ETS", "issuer_kind": IssuerKind.PRIVATE_COMPANY, "origin": IssuerOrigin.FOREIGN}
    return lambda: EntryDetails.parse(**{**given, "category": "Language", "name": "TOEFL ITP", **changes})


# SUB-1 ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["issuer", "category", "name"])
@pytest.mark.parametrize("value", ["", "  ", "A\x00B", "x" * 201])
def test_sub_1_entry_text_is_parsed(field: str, value: str) -> None:
    assert broken(details(**{field: value})) == [("SUB-1", field)]


def test_sub_1_catalog_entries_revisions_and_duplicates() -> None:
    catalog = Catalog(university_code="001002", cause=CAUSE)
    assert broken(lambda: catalog.entry(uuid4())) == [("SUB-1", "catalogEntryId")]
    aws, toefl = catalog.add(AWS, CAUSE), catalog.add(TOEFL, CAUSE)
    assert catalog.revise(aws, AWS, CAUSE) is False  # nothing new: no event
    assert len(catalog.pending_events) == 3
    renamed = EntryDetails(**{**vars(AWS), "name": "AWS Cloud Practitioner"})
    assert catalog.revise(aws, renamed, CAUSE) is True
    assert catalog.entry(aws).revision == 2 and catalog.entry(toefl).revision == 1
    assert catalog.revise(aws, EntryDetails(**{**vars(renamed), "category": "Cloud computing"}), CAUSE)
    assert catalog.entry(aws).revision == 3
    assert broken(lambda: catalog.revise(aws, TOEFL, CAUSE)) == [("SUB-1.duplicate", "name")]
    catalog.withdraw(toefl, CAUSE)
    assert broken(lambda: catalog.entry(toefl)) == [("SUB-1", "catalogEntryId")]
    assert catalog.revise(aws, TOEFL, CAUSE)  # a withdrawn entry's name is free again
    assert broken(lambda: catalog.add(EntryDetails(**{**vars(TOEFL), "issuer": "ets"}), CAUSE)) == [
        ("SUB-1.duplicate", "name")
    ]


# SUB-2 ---------------------------------------------------------------------------------------------------------


def test_sub_2_closed_from_its_day_and_decided_once() -> None:
    closed_from = date(2026, 2, 1)
    check_open(closed_from - timedelta(days=1), closed_from, 3)
    assert broken(lambda: check_open(closed_from, closed_from, 3)) == [("SUB-2.closed", "proposal")]
    catalog = Catalog(university_code="001002", cause=CAUSE)
    new = lambda: CatalogProposal(  # noqa: E731
        university_code="001002",
        nim="1",
        details=AWS,
        proposed_on=DAY,
        closed_from=closed_from,
        rule_ids=("SUB-2",),
        cause=CAUSE,
    )
    proposal = new()
    assert broken(lambda: proposal.reject(None, CAUSE)) == [("SUB-2.remark", "remark")]
    entry_id = proposal.accept(catalog, None, CAUSE)
    assert catalog.entry(entry_id).details == AWS and proposal.status == "ACCEPTED"
    reworded = new()
    staff_wording = EntryDetails(**{**vars(TOEFL), "name": "TOEFL ITP (Institutional)"})
    assert catalog.entry(reworded.accept(catalog, staff_wording, CAUSE)).details == staff_wording
    assert broken(lambda: proposal.reject("late", CAUSE)) == [("SUB-2.decided", "proposalId")]
    rejected = new()
    rejected.reject("not a certification", CAUSE)
    assert rejected.status == "REJECTED"
    assert broken(lambda: rejected.accept(catalog, None, CAUSE)) == [("SUB-2.decided", "proposalId")]


# SUB-3 .. SUB-6 ------------------------------------------------------------------------------------------------


def test_sub_3_passed_only() -> None:
    check_passed(Outcome.PASSED)
    for outcome in (Outcome.FAILED, Outcome.PENDING):
        assert broken(lambda outcome=outcome: check_passed(outcome)) == [("SUB-3", "outcome")]


@pytest.mark.parametrize(
    ("grading", "result", "scale", "expected"),
    [
        (GradingType.LETTER, " b+ ", None, Result(GradingType.LETTER, grade="B+")),
        (GradingType.LETTER, "E", None, Result(GradingType.LETTER, grade="E")),
        (GradingType.NUMERIC, "99.5", None, Result(GradingType.NUMERIC, score=Decimal("99.5"), scale=Decimal(100))),
        (GradingType.NUMERIC, "100", None, Result(GradingType.NUMERIC, score=Decimal(100), scale=Decimal(100))),
        (GradingType.NUMERIC, "9", "9", Result(GradingType.NUMERIC, score=Decimal(9), scale=Decimal(9))),
        (GradingType.NUMERIC, "0", "10000", Result(GradingType.NUMERIC, score=Decimal(0), scale=Decimal(10000))),
        (GradingType.NUMERIC, "1", "1", Result(GradingType.NUMERIC, score=Decimal(1), scale=Decimal(1))),
        (GradingType.NUMERIC, "0.25", "0.5", Result(GradingType.NUMERIC, score=Decimal("0.25"), scale=Decimal("0.5"))),
        (GradingType.NUMERIC, "5", 10, Result(GradingType.NUMERIC, score=Decimal(5), scale=Decimal(10))),
    ],
)
def test_sub_5_results_taken(grading: GradingType, result: str, scale: Any, expected: Result) -> None:
    assert Result.parse(grading, result, scale) == expected


@pytest.mark.parametrize(
    ("grading", "result", "scale", "field"),
    [
        (GradingType.LETTER, "A", "100", "scale"),
        (GradingType.LETTER, "AB", None, "result"),
        (GradingType.LETTER, "A+-", None, "result"),
        (GradingType.LETTER, None, None, "result"),
        (GradingType.NUMERIC, "100.01", None, "result"),
        (GradingType.NUMERIC, "1.234", "10", "result"),
        (GradingType.NUMERIC, "123456", "200000", "result"),
        (GradingType.NUMERIC, "5", "10000.01", "scale"),
        (GradingType.NUMERIC, "0", "0", "scale"),
        (GradingType.NUMERIC, "1e2", None, "result"),
        (GradingType.NUMERIC, "٩٠", None, "result"),  # Arabic-Indic digits
        (GradingType.NUMERIC, "5", 10.5, "scale"),  # a float is never exact: refused, not guessed
        (GradingType.NUMERIC, "5", object(), "scale"),
    ],
)
def test_sub_5_results_refused(grading: GradingType, result: Any, scale: Any, field: str) -> None:
    assert broken(lambda: Result.parse(grading, result, scale)) == [("SUB-5", field)]


def test_sub_5_a_result_reads_as_printed() -> None:
    assert str(Result.parse(GradingType.NUMERIC, "850", "1000")) == "850/1000"
    assert str(Result.parse(GradingType.LETTER, "a-")) == "A-"


def test_sub_4_validity() -> None:
    assert Validity.parse(issued_on=DAY, valid_thru=DAY, no_expiry=False, today=DAY).valid_thru == DAY
    assert Validity.parse(issued_on=DAY, valid_thru=None, no_expiry=True, today=DAY).valid_thru is None
    future = DAY + timedelta(days=1)
    assert broken(lambda: Validity.parse(issued_on=future, valid_thru=None, no_expiry=True, today=DAY)) == [
        ("SUB-3", "issuedOn")
    ]
    for thru, no_expiry in ((DAY, True), (None, False), (DAY - timedelta(days=1), False)):
        assert broken(
            lambda t=thru, n=no_expiry: Validity.parse(issued_on=DAY, valid_thru=t, no_expiry=n, today=DAY)
        ) == [("SUB-4", "validThru")]
    validity = Validity(DAY, DAY)
    validity.check_valid_on(DAY)
    assert broken(lambda: validity.check_valid_on(DAY + timedelta(days=1))) == [("SUB-4", "validThru")]
    Validity(DAY, None).check_valid_on(date(2099, 1, 1))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "https://",
        "https://exa mple.com",
        "https://example.com/\u200b",
        "https://contoh.ac.id/sertifikat/é",
        "https://user@example.com/",
        "https://:secret@example.com/",
        "https://example.com:99999/",
        "https://example.com/" + "x" * 1981,  # 2,001 characters
        42,
    ],
)
def test_sub_6_urls_refused(url: Any) -> None:
    assert broken(lambda: parse_url(url)) == [("SUB-6", "evidenceUrl")]


def test_sub_6_exactly_one_evidence_of_an_allowed_type() -> None:
    at_limit = "https://example.com/" + "x" * 1980  # 2,000 characters: the limit (URL_CHARS)
    assert parse_url(f" {at_limit} ") == UrlEvidence(at_limit)
    png = StoredFile("a" * 64, 10, "image/png")
    assert parse_evidence(file=png, url=None) == png
    assert broken(lambda: parse_evidence(file=png, url="https://x.id")) == [("SUB-6", "evidence")]
    assert broken(lambda: parse_evidence(file=None, url=None)) == [("SUB-6", "evidence")]
    gif = StoredFile("a" * 64, 10, "image/gif")
    assert broken(lambda: parse_evidence(file=gif, url=None)) == [("SUB-6", "evidenceFile")]


def test_files_are_typed_and_named_by_their_bytes() -> None:
    assert [sniff(h) for h in (b"%PDF-1.7", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xdb", b"%PDF", b"")] == [
        "application/pdf",
        "image/png",
        "image/jpeg",
        "application/octet-stream",
        "application/octet-stream",
    ]
    assert parse_sha256(" " + "AB" * 32 + " ", "f", "SUB-6") == "ab" * 32
    assert SHA256.fullmatch("ab" * 32)
    for bad in ("ab" * 31, "g" * 64, None, "ab" * 32 + "a"):
        assert broken(lambda bad=bad: parse_sha256(bad, "evidenceFile", "SUB-6")) == [("SUB-6", "evidenceFile")]


# SUB-7 .. SUB-9 ------------------------------------------------------------------------------------------------


def test_sub_9_working_days() -> None:
    holiday = WorkingCalendar("one holiday", lambda day: day == date(2024, 8, 5))
    assert review_due(NO_HOLIDAYS, DAY) == date(2024, 8, 6)  # Fri, Mon, Tue
    assert review_due(holiday, DAY) == date(2024, 8, 7)
    assert NO_HOLIDAYS.add_working_days(date(2024, 8, 3), 1) == date(2024, 8, 5)  # from a Saturday
    assert NO_HOLIDAYS.add_working_days(DAY, 0) == DAY
    assert [NO_HOLIDAYS.is_working_day(DAY + timedelta(days=i)) for i in range(4)] == [True, True, False, False]


def dpi() -> Dpi:
    return Dpi(university_code="001002", nim="1", student_id=uuid4(), cause=CAUSE)


def test_sub_7_the_deadline_day_counts() -> None:
    open_dpi = dpi()
    open_dpi.check_deadline(date(2099, 1, 1))  # no deadline yet
    assert open_dpi.set_deadline(DAY, CAUSE) is True
    assert open_dpi.set_deadline(DAY, CAUSE) is False
    open_dpi.check_deadline(DAY)
    assert broken(lambda: open_dpi.check_deadline(DAY + timedelta(days=1))) == [("SUB-7", "submittedOn")]


def claim(entry_id: Any = None) -> Claim:
    from domain.submission.entry import CatalogRef

    return Claim(
        catalog=CatalogRef(entry_id or uuid4(), 1, AWS),
        outcome=Outcome.PASSED,
        result=Result.parse(GradingType.LETTER, "A"),
        validity=Validity(DAY, None),
        evidence=UrlEvidence("https://example.com/c"),
    )


def submitted(on_dpi: Dpi, the_claim: Claim | None = None) -> Submission:
    return Submission.submit(
        university_code="001002",
        nim="1",
        student_id=on_dpi.student_id,
        claim=the_claim or claim(),
        dpi=on_dpi,
        today=DAY,
        calendar=NO_HOLIDAYS,
        cause=CAUSE,
    )


def test_sub_8_flow_and_sub_9_overdue_on_the_day_after_due() -> None:
    on_dpi = dpi()
    on_time, late = submitted(on_dpi), submitted(on_dpi)
    assert on_time.review.due_on == date(2024, 8, 6) and on_time.review.deadline is None
    assert on_time.review.rule_ids == ("SUB-1", "SUB-3", "SUB-4", "SUB-5", "SUB-6", "SUB-7", "SUB-9")
    on_time.approve(dpi=on_dpi, on=date(2024, 8, 6), cause=CAUSE)
    late.approve(dpi=on_dpi, on=date(2024, 8, 7), cause=CAUSE)
    approvals = [s.pending_events[-1] for s in (on_time, late)]
    assert [a.overdue for a in approvals] == [False, True]  # type: ignore[attr-defined]
    assert approvals[0].rule_ids == ("SUB-8", "SUB-9")  # type: ignore[attr-defined]
    assert len(on_dpi.listings) == 2
    assert broken(lambda: on_time.check_new()) == [("SUB-8.once", "catalogEntryId")]
    assert broken(lambda: on_time.approve(dpi=on_dpi, on=DAY, cause=CAUSE)) == [("SUB-8", "submissionId")]

    rejected = submitted(on_dpi)
    assert broken(lambda: rejected.reject(dpi=on_dpi, remark=None, on=DAY, cause=CAUSE)) == [("SUB-8.remark", "remark")]
    rejected.reject(dpi=on_dpi, remark="unreadable", on=rejected.review.due_on, cause=CAUSE)  # on the due day
    rejection = rejected.pending_events[-1]
    assert rejection.cause.reason == "unreadable"  # type: ignore[attr-defined]
    assert (rejection.overdue, rejection.rule_ids) == (False, ("SUB-8", "SUB-9"))  # type: ignore[attr-defined]
    late = submitted(on_dpi, claim())
    late.reject(dpi=on_dpi, remark="late", on=late.review.due_on + timedelta(days=1), cause=CAUSE)
    assert late.pending_events[-1].overdue is True  # type: ignore[attr-defined]
    assert broken(lambda: rejected.check_new()) == [("SUB-8.reupload", "catalogEntryId")]
    same = rejected.claim
    reupload = lambda c: rejected.reupload(claim=c, dpi=on_dpi, today=DAY, calendar=NO_HOLIDAYS, cause=CAUSE)  # noqa: E731
    assert broken(lambda: reupload(same)) == [("SUB-8.reupload", "evidence")]
    assert broken(lambda: reupload(claim())) == [("SUB-8.reupload", "catalogEntryId")]
    corrected = Claim(same.catalog, same.outcome, Result.parse(GradingType.LETTER, "B"), same.validity, same.evidence)
    reupload(corrected)
    assert rejected.status == "WAITING_FOR_APPROVAL" and rejected.claim == corrected
    assert broken(lambda: reupload(corrected)) == [("SUB-8.reupload", "submissionId")]


def test_sub_8_a_finished_dpi_is_final() -> None:
    on_dpi = dpi()
    waiting = submitted(on_dpi)
    on_dpi.finish(on=DAY, graduation_decree="SK/1", cause=CAUSE)
    assert on_dpi.pending_events[-1].rule_ids == ("SUB-8",)  # type: ignore[attr-defined]
    final = [("SUB-8.finished", "nim")]
    assert broken(lambda: waiting.approve(dpi=on_dpi, on=DAY, cause=CAUSE)) == final
    assert broken(lambda: waiting.reject(dpi=on_dpi, remark="x", on=DAY, cause=CAUSE)) == final
    assert broken(lambda: submitted(on_dpi)) == final
    assert broken(lambda: on_dpi.set_deadline(DAY, CAUSE)) == final
    assert broken(lambda: on_dpi.finish(on=DAY, graduation_decree="SK/1", cause=CAUSE)) == final


def test_sub_3_a_certification_is_issued_from_1_january_1950() -> None:
    def issued(day: date) -> Validity:
        return Validity.parse(issued_on=day, valid_thru=None, no_expiry=True, today=DAY)

    assert issued(date(1950, 1, 1)).issued_on == date(1950, 1, 1)
    assert broken(lambda: issued(date(1949, 12, 31))) == [("SUB-3", "issuedOn")]


def test_sub_4_a_valid_thru_date_is_at_most_30_years_after_today() -> None:
    def until(day: date) -> Validity:
        return Validity.parse(issued_on=DAY, valid_thru=day, no_expiry=False, today=DAY)

    assert until(date(2054, 8, 1)).valid_thru == date(2054, 8, 1)
    assert broken(lambda: until(date(2054, 8, 2))) == [("SUB-4", "validThru")]
    leap = date(2024, 2, 29)  # 30 years on there is no 29 February: the 28th is the last day
    assert Validity.parse(issued_on=leap, valid_thru=date(2054, 2, 28), no_expiry=False, today=leap).valid_thru
    assert broken(lambda: Validity.parse(issued_on=leap, valid_thru=date(2054, 3, 1), no_expiry=False, today=leap)) == [
        ("SUB-4", "validThru")
    ]


def test_sub_1_each_catalog_decision_records_its_university_entry_and_proposal() -> None:
    catalog = Catalog(university_code="001002", cause=CAUSE)
    proposal = uuid4()
    added = catalog.add(AWS, CAUSE, proposal_id=proposal)
    catalog.revise(added, TOEFL, CAUSE)
    catalog.withdraw(added, CAUSE)
    _opened, add, revise, withdraw = catalog.collect_events()
    assert isinstance(add, Catalog.EntryAdded) and isinstance(revise, Catalog.EntryRevised)
    assert isinstance(withdraw, Catalog.EntryWithdrawn)
    assert (add.university_code, add.entry_id, add.details, add.proposal_id) == ("001002", added, AWS, proposal)
    assert (revise.university_code, revise.entry_id, revise.revision, revise.details) == ("001002", added, 2, TOEFL)
    assert (withdraw.university_code, withdraw.entry_id) == ("001002", added)


def test_sub_7_a_thesis_deadline_is_from_2000_to_10_years_after_today() -> None:
    Dpi.check_deadline_day(date(2000, 1, 1), DAY)
    Dpi.check_deadline_day(date(2034, 8, 1), DAY)
    for wrong in (date(1999, 12, 31), date(2034, 8, 2)):
        assert broken(lambda d=wrong: Dpi.check_deadline_day(d, DAY)) == [("SUB-7", "deadline")]  # type: ignore[misc]


def test_sub_7_and_sub_8_each_dpi_decision_records_its_university_and_nim() -> None:
    on_dpi = dpi()
    on_dpi.set_deadline(DAY, CAUSE)
    submitted(on_dpi).approve(dpi=on_dpi, on=DAY, cause=CAUSE)
    on_dpi.finish(on=DAY, graduation_decree="SK/YUD/1", cause=CAUSE)
    _opened, deadline, listed, finished = on_dpi.collect_events()
    assert isinstance(deadline, Dpi.ThesisDeadlineSet) and isinstance(finished, Dpi.Finished)
    assert isinstance(listed, Dpi.CertificationListed)
    assert (deadline.university_code, deadline.nim, deadline.deadline) == ("001002", "1", DAY)
    assert (listed.university_code, listed.nim, listed.listing) == ("001002", "1", *on_dpi.listings.values())
    assert (finished.university_code, finished.nim, finished.on, finished.listings) == ("001002", "1", DAY, 1)
    assert (finished.graduation_decree, finished.rule_ids) == ("SK/YUD/1", ("SUB-8",))


def test_sub_1_duplicate_the_same_name_from_another_issuer_is_another_certification() -> None:
    assert TOEFL.same_certification(EntryDetails(**{**vars(TOEFL), "issuer": "ets"}))
    assert not TOEFL.same_certification(EntryDetails(**{**vars(TOEFL), "issuer": "British Council"}))


def test_sub_2_each_proposal_decision_records_its_university_nim_and_entry() -> None:
    catalog = Catalog(university_code="001002", cause=CAUSE)
    made = [
        CatalogProposal(
            university_code="001002",
            nim="2020001",
            details=AWS,
            proposed_on=DAY,
            closed_from=DAY,
            rule_ids=("SUB-2",),
            cause=CAUSE,
        )
        for _ in range(2)
    ]
    entry_id = made[0].accept(catalog, TOEFL, CAUSE)
    made[1].reject("not a certification", CAUSE)
    accepted, rejected = made[0].collect_events()[-1], made[1].collect_events()[-1]
    assert isinstance(accepted, CatalogProposal.Accepted) and isinstance(rejected, CatalogProposal.Rejected)
    assert (accepted.university_code, accepted.nim, accepted.entry_id, accepted.details) == (
        "001002",
        "2020001",
        entry_id,
        TOEFL,
    )
    assert (rejected.university_code, rejected.nim) == ("001002", "2020001")


def test_sub_8_each_submission_decision_records_its_university_nim_and_day() -> None:
    on_dpi = Dpi(university_code="001002", nim="2020001", student_id=uuid4(), cause=CAUSE)
    decided = []
    for verb in ("approve", "reject"):
        made = Submission.submit(
            university_code="001002",
            nim="2020001",
            student_id=on_dpi.student_id,
            claim=claim(),
            dpi=on_dpi,
            today=DAY,
            calendar=NO_HOLIDAYS,
            cause=CAUSE,
        )
        if verb == "approve":
            made.approve(dpi=on_dpi, on=DAY, cause=CAUSE)
        else:
            made.reject(dpi=on_dpi, remark="unreadable", on=DAY, cause=CAUSE)
            corrected = replace(made.claim, evidence=UrlEvidence("https://example.com/new"))
            made.reupload(claim=corrected, dpi=on_dpi, today=DAY, calendar=NO_HOLIDAYS, cause=CAUSE)
        decided.append(made.collect_events())
    (submitted_, approved), (_, rejected, reuploaded) = decided
    assert isinstance(approved, Submission.Approved) and isinstance(rejected, Submission.Rejected)
    assert isinstance(submitted_, Submission.Submitted) and isinstance(reuploaded, Submission.Reuploaded)
    for event in (submitted_, approved, rejected, reuploaded):
        assert (event.university_code, event.nim) == ("001002", "2020001")  # type: ignore[attr-defined]
    assert (approved.on, rejected.on) == (DAY, DAY)
