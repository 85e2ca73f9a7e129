"""After the decision: collecting the SK (EQV-5, EQV-6), the replacement letter instead of a reprint (EQV-7), and
the formal review, peninjauan kembali (EQV-8). A base of ``EquivalencyApplication``: these events are the
application's, raised and stored as ``AfterDecision.*`` (the class that defines them), and projected by that name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.equivalency.kinds import Collector
from domain.equivalency.stamp_duty import Stamp, check_meterai
from domain.equivalency.unclaimed import is_unclaimed
from domain.errors import violation

PHOTOS_PER_DIPLOMA = 2  # 3x4 cm, handed in at collection (EQV-5)


@dataclass(frozen=True)
class PowerOfAttorney:
    signed_on: date
    stamps: tuple[Stamp, ...]
    applicant_id_copy: bool  # copies of both identity cards (EQV-5)
    representative_id_copy: bool


@dataclass(frozen=True)
class Review:
    """A PK request: the applicant's letter, its reasons and supporting documents (by hash)."""

    number: int
    letter_reference: str
    reasons: str
    documents: tuple[str, ...]  # SHA-256 of each supporting document
    on: date
    decision: int  # which decision it reviews: one review per decision (a PK is not reviewed again)
    upheld: bool | None = None
    deciders: tuple[str, ...] = ()
    remark: str | None = None


class AfterDecision(Aggregate):
    # The application's state this part reads and writes (set by EquivalencyApplication).
    registration_number: str
    sk_number: str | None
    decided_on: date
    deciders: tuple[str, ...]
    collected_on: date | None
    replacements: list[str]
    reviews: list[Review]
    decisions: int

    class Collected(Aggregate.Event):
        by: Collector
        power_of_attorney: PowerOfAttorney | None
        meterai_rule: str | None  # the stamp-duty version checked (EQV-5)
        photos: int
        on: date
        unclaimed: bool  # collected after it had become unclaimed (EQV-6): the directorate was not liable
        rule_ids: tuple[str, ...]
        cause: Cause

    class ReplacementIssued(Aggregate.Event):
        """EQV-7: a Surat Keterangan Pengganti SK, never a reprint."""

        letter_number: str
        refers_to: str  # the original SK's number
        reason: str
        on: date
        rule_ids: tuple[str, ...]
        cause: Cause

    class ReviewRequested(Aggregate.Event):
        review: Review
        rule_ids: tuple[str, ...]
        cause: Cause

    class ReviewDecided(Aggregate.Event):
        number: int
        upheld: bool
        deciders: tuple[str, ...]
        remark: str
        on: date
        rule_ids: tuple[str, ...]
        cause: Cause

    # EQV-5, EQV-6 --------------------------------------------------------------------------------------------

    def collect(
        self, by: Collector, power_of_attorney: PowerOfAttorney | None, photos: int, on: date, cause: Cause
    ) -> None:
        if self.sk_number is None:
            raise violation("EQV-5", "registrationNumber", "no SK of equivalency has been issued to collect")
        if self.collected_on is not None:
            raise violation("EQV-5", "registrationNumber", f"the SK was collected on {self.collected_on}")
        meterai = None
        if by is Collector.REPRESENTATIVE:
            if power_of_attorney is None:
                raise violation("EQV-5.attorney", "powerOfAttorney", "a representative brings a power of attorney")
            if not (power_of_attorney.applicant_id_copy and power_of_attorney.representative_id_copy):
                raise violation("EQV-5.attorney", "powerOfAttorney", "copies of both identity cards are needed")
            if power_of_attorney.signed_on > on:
                raise violation("EQV-5.attorney", "signedOn", "a power of attorney is dated on or before its use")
            meterai = check_meterai(power_of_attorney.signed_on, power_of_attorney.stamps)
        elif power_of_attorney is not None:
            raise violation("EQV-5.attorney", "powerOfAttorney", "the applicant collects without a power of attorney")
        if photos < PHOTOS_PER_DIPLOMA:  # an application equalises one diploma
            raise violation("EQV-5.photos", "photos", f"{PHOTOS_PER_DIPLOMA} photos 3x4 cm per diploma")
        self._collected(
            by=by,
            power_of_attorney=power_of_attorney,
            meterai_rule=meterai,
            photos=photos,
            on=on,
            unclaimed=is_unclaimed(self.decided_on, None, on),
            rule_ids=("EQV-5", "EQV-6"),
            cause=cause,
        )

    @event(Collected)
    def _collected(
        self,
        by: Collector,
        power_of_attorney: PowerOfAttorney | None,
        meterai_rule: str | None,
        photos: int,
        on: date,
        unclaimed: bool,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.collected_on = on

    # EQV-7 ----------------------------------------------------------------------------------------------------

    def issue_replacement(self, letter_number: str, reason: str, on: date, cause: Cause) -> None:
        if self.sk_number is None:
            raise violation("EQV-7", "registrationNumber", "no SK was issued: there is nothing to replace")
        if letter_number in self.replacements:
            raise violation("EQV-7", "letterNumber", f"letter {letter_number} was issued already")
        self._replacement_issued(
            letter_number=letter_number,
            refers_to=self.sk_number,
            reason=reason,
            on=on,
            rule_ids=("EQV-7",),
            cause=cause,
        )

    @event(ReplacementIssued)
    def _replacement_issued(
        self, letter_number: str, refers_to: str, reason: str, on: date, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.replacements.append(letter_number)

    # EQV-8 ----------------------------------------------------------------------------------------------------

    def request_review(
        self, letter_reference: str, reasons: str, documents: tuple[str, ...], on: date, cause: Cause
    ) -> int:
        if not self.deciders:
            raise violation("EQV-8", "registrationNumber", "only a decision can be reviewed")
        if any(r.decision == self.decisions for r in self.reviews):
            raise violation("EQV-8", "registrationNumber", "this decision has been reviewed (or is being reviewed)")
        review = Review(len(self.reviews) + 1, letter_reference, reasons, documents, on, self.decisions)
        self._review_requested(review=review, rule_ids=("EQV-8",), cause=cause)
        return review.number

    @event(ReviewRequested)
    def _review_requested(self, review: Review, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.reviews.append(review)

    def decide_review(self, upheld: bool, deciders: tuple[str, ...], remark: str, on: date, cause: Cause) -> None:
        """EQV-8: by people other than those who took the decision under review."""
        pending = [r for r in self.reviews if r.upheld is None]
        if not pending:
            raise violation("EQV-8", "registrationNumber", "no review is pending")
        if not deciders:
            raise violation("EQV-8", "deciders", "a review's decision names who took it")
        overlap = sorted(set(deciders) & set(self.deciders))
        if overlap:
            raise violation("EQV-8.independence", "deciders", f"{', '.join(overlap)} took the decision under review")
        self._review_decided(
            number=pending[0].number,
            upheld=upheld,
            deciders=deciders,
            remark=remark,
            on=on,
            rule_ids=("EQV-8",),
            cause=cause,
        )

    @event(ReviewDecided)
    def _review_decided(
        self,
        number: int,
        upheld: bool,
        deciders: tuple[str, ...],
        remark: str,
        on: date,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        r = self.reviews[number - 1]
        self.reviews[number - 1] = Review(
            r.number, r.letter_reference, r.reasons, r.documents, r.on, r.decision, upheld, deciders, remark
        )
        if upheld:
            self._reopen_for_review(on)

    def _reopen_for_review(self, on: date) -> None:
        raise NotImplementedError  # EquivalencyApplication: the decision is taken again, by others
