"""A foreign diploma equivalency application (EQV-1 .. EQV-4): registered under a unique number, its checklist
computed from what it states (EQV-2), documents uploaded against the checklist, the team's escalations (EQV-3),
and the decision: an SK of the Indonesian level the country rule in force gives, a refusal with reasons, or a
deferral the applicant answers (EQV-4).

Every decision event records what it saw: the checklist and its documents by hash are in the events before it,
so the state as of the decision's version is exactly what the decision was based on (EQV-8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.equivalency.checklist import SUPPORTING, Item, Study, checklist
from domain.equivalency.clock import Pause
from domain.equivalency.country_rules import Equivalence
from domain.equivalency.kinds import Escalation, Status
from domain.equivalency.sk import AfterDecision, Review
from domain.errors import violation
from domain.files import StoredFile
from domain.personal import Sealed


@dataclass(frozen=True)
class Document:
    item_code: str
    file: StoredFile | None
    url: str | None  # only where the rule allows a link (EQV-2.6)


@dataclass(frozen=True)
class Asked:
    number: int
    kind: Escalation
    request: str
    items: tuple[str, ...]  # documents asked for (MORE_DOCUMENTS)
    outcome: str | None = None
    answered_by: str | None = None


DECIDED = (Status.EQUIVALENT, Status.REFUSED)


class EquivalencyApplication(AfterDecision):
    class Registered(Aggregate.Created):
        registration_number: str
        account_id: str  # the applicant's account (token subject)
        study: Study
        features: tuple[str, ...]  # what the diploma states that a country rule reads (e.g. HONOURS)
        applicant: Sealed  # name, passport or NIK, birth date: sealed with the application's own key
        access_code_hash: str  # the second factor (EQV-1): only its hash is kept
        university: str
        programme: str
        checklist: tuple[Item, ...]
        registered_on: date
        rule_ids: tuple[str, ...]
        cause: Cause

    class ApplicantDataErased(Aggregate.Event):
        """Penghapusan data pribadi (UU PDP 27/2022): the key of the applicant's sealed data is destroyed after it."""

        registration_number: str
        cause: Cause

    class DocumentAdded(Aggregate.Event):
        document: Document
        completes_file: bool  # the last required document: the clock starts today (EQV-1)
        resumes: bool  # answers what the team asked: the pause ends today
        on: date
        cause: Cause

    class Escalated(Aggregate.Event):
        asked: Asked
        on: date
        rule_ids: tuple[str, ...]
        cause: Cause

    class EscalationAnswered(Aggregate.Event):
        number: int
        outcome: str
        on: date
        resumes: bool
        cause: Cause

    class Deferred(Aggregate.Event):
        """Ditunda: the reasons the applicant sees and answers; the clock pauses."""

        reasons: tuple[str, ...]
        on: date
        rule_ids: tuple[str, ...]
        cause: Cause

    class FeaturesCorrected(Aggregate.Event):
        """What the diploma states, corrected by the team from the documents (e.g. HONOURS), before a decision."""

        features: tuple[str, ...]
        reason: str
        rule_ids: tuple[str, ...]
        cause: Cause

    class DeferralAnswered(Aggregate.Event):
        answer: str
        on: date
        cause: Cause

    class Equalised(Aggregate.Event):
        """EQV-4: the SK of equivalency, with the level and the rule version that gave it, and what the rule read."""

        sk_number: str
        level: str
        rule_version: str
        country: str
        foreign_level: str
        features: tuple[str, ...]
        deciders: tuple[str, ...]
        on: date
        rule_ids: tuple[str, ...]
        cause: Cause

    class Refused(Aggregate.Event):
        reasons: tuple[str, ...]
        deciders: tuple[str, ...]
        on: date
        rule_ids: tuple[str, ...]
        cause: Cause

    @classmethod
    def register(
        cls,
        *,
        registration_number: str,
        account_id: str,
        study: Study,
        features: frozenset[str],
        applicant: Sealed,
        access_code_hash: str,
        university: str,
        programme: str,
        on: date,
        cause: Cause,
    ) -> EquivalencyApplication:
        items = checklist(study)  # EQV-2.12: an online doctorate is refused here
        registered: EquivalencyApplication = cls(
            registration_number=registration_number,
            account_id=account_id,
            study=study,
            features=tuple(sorted(features)),
            applicant=applicant,
            access_code_hash=access_code_hash,
            university=university,
            programme=programme,
            checklist=items,
            registered_on=on,
            rule_ids=("EQV-1", "EQV-2"),
            cause=cause,
        )
        return registered

    @event(Registered)
    def __init__(
        self,
        registration_number: str,
        account_id: str,
        study: Study,
        features: tuple[str, ...],
        applicant: Sealed,
        access_code_hash: str,
        university: str,
        programme: str,
        checklist: tuple[Item, ...],
        registered_on: date,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.registration_number = registration_number
        self.account_id = account_id
        self.study = study
        self.features = frozenset(features)
        self.applicant = applicant
        self.access_code_hash = access_code_hash
        self.university, self.programme, self.registered_on = university, programme, registered_on
        self.checklist = {item.code: item for item in checklist}
        self.documents: dict[str, Document] = {}  # the latest per item; earlier ones stay in the log
        self.requested: dict[str, Item] = {}  # asked for by the team (EQV-3) and not uploaded since
        self.asked: list[Asked] = []
        self.deferral: tuple[str, ...] = ()
        self.status = Status.INCOMPLETE
        self.complete_on: date | None = None
        self.pauses: list[Pause] = []
        self.sk_number: str | None = None
        self.level: str | None = None
        self.rule_version: str | None = None
        self.deciders: tuple[str, ...] = ()
        self.excluded: frozenset[str] = frozenset()  # deciders of a decision a PK overturned (EQV-8)
        self.collected_on: date | None = None
        self.replacements: list[str] = []
        self.reviews: list[Review] = []
        self.decisions = 0  # taken so far; a PK is of the latest

    @staticmethod
    def create_id(registration_number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/belmawa/equivalency/{registration_number}")

    # What is missing (EQV-1, EQV-2) ----------------------------------------------------------------------------

    @property
    def missing(self) -> tuple[Item, ...]:
        """The checklist's documents not yet uploaded, then those the team asked for (again) since, in order."""
        unsent = [item for code, item in self.checklist.items() if code not in self.documents]
        return (*unsent, *(item for code, item in self.requested.items() if code not in self.checklist))

    def _item(self, code: str) -> Item | None:
        return self.checklist.get(code) or SUPPORTING.get(code)

    def add_document(self, document: Document, on: date, cause: Cause) -> None:
        if self.status in DECIDED:
            raise violation("EQV-2", "itemCode", f"application {self.registration_number} is decided")
        item = self._item(document.item_code)
        if item is None or (item.code not in self.checklist and item.code not in self.requested):
            raise violation("EQV-2", "itemCode", f"{document.item_code} is not in this application's checklist")
        if document.url is not None and not item.link_allowed:
            raise violation(item.rule_id, "url", f"{item.code} is a file; only the academic catalogue may be a link")
        still_missing = {i.code for i in self.missing} - {document.item_code}
        completes = self.status is Status.INCOMPLETE and not still_missing
        resumes = self.status is Status.WAITING_FOR_APPLICANT and not still_missing and not self.deferral
        self._document_added(document=document, completes_file=completes, resumes=resumes, on=on, cause=cause)

    @event(DocumentAdded)
    def _document_added(self, document: Document, completes_file: bool, resumes: bool, on: date, cause: Cause) -> None:
        self.documents[document.item_code] = document
        self.requested.pop(document.item_code, None)
        if completes_file:
            self.status, self.complete_on = Status.IN_REVIEW, on
        if resumes:
            self._resume(on)

    def correct_features(self, features: frozenset[str], reason: str, cause: Cause) -> None:
        self._check_in_review()
        if features != self.features:
            self._features_corrected(features=tuple(sorted(features)), reason=reason, rule_ids=("EQV-4",), cause=cause)

    @event(FeaturesCorrected)
    def _features_corrected(
        self, features: tuple[str, ...], reason: str, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.features = frozenset(features)

    # EQV-3: escalations ----------------------------------------------------------------------------------------

    def escalate(self, kind: Escalation, request: str, items: tuple[str, ...], on: date, cause: Cause) -> int:
        self._check_in_review()
        if kind is Escalation.MORE_DOCUMENTS:
            unknown = [c for c in items if self._item(c) is None]
            if not items or unknown:
                raise violation("EQV-3", "items", f"documents to ask for are checklist or supporting items: {unknown}")
        elif items:
            raise violation("EQV-3", "items", "only a request for more documents names documents")
        asked = Asked(len(self.asked) + 1, kind, request, items)
        self._escalated(asked=asked, on=on, rule_ids=("EQV-3",), cause=cause)
        return asked.number

    @event(Escalated)
    def _escalated(self, asked: Asked, on: date, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.asked.append(asked)
        if asked.kind is Escalation.MORE_DOCUMENTS:
            for code in asked.items:
                item = self._item(code)
                assert item is not None
                self.requested[code] = item
                self.documents.pop(code, None)  # asked again: the earlier upload no longer counts
            self._pause(on)

    def answer_escalation(self, number: int, outcome: str, on: date, cause: Cause) -> None:
        """The outcome of an expert's opinion, a plenary or an external party (EQV-3); documents answer a
        request for more documents by being uploaded."""
        if self.status in DECIDED:
            raise violation("EQV-3", "number", f"application {self.registration_number} is decided")
        if not 1 <= number <= len(self.asked):
            raise violation("EQV-3", "number", f"escalations are numbered 1 to {len(self.asked)}")
        if self.asked[number - 1].outcome is not None:
            raise violation("EQV-3", "number", f"escalation {number} already has its outcome")
        self._escalation_answered(number=number, outcome=outcome, on=on, resumes=False, cause=cause)

    @event(EscalationAnswered)
    def _escalation_answered(self, number: int, outcome: str, on: date, resumes: bool, cause: Cause) -> None:
        asked = self.asked[number - 1]
        self.asked[number - 1] = Asked(asked.number, asked.kind, asked.request, asked.items, outcome, cause.actor.id)

    # UU PDP ----------------------------------------------------------------------------------------------------

    def erase_applicant_data(self, cause: Cause) -> bool:
        """Records why and by whom; the application then destroys the key. Erasing twice changes nothing."""
        if not (cause.reason or "").strip():
            raise violation("PDP.erasure", "reason", "an erasure records its ground (end of retention, or a request)")
        if getattr(self, "erased", False):  # applications stored before erasure existed have no flag
            return False
        self._applicant_data_erased(registration_number=self.registration_number, cause=cause)
        return True

    @event(ApplicantDataErased)
    def _applicant_data_erased(self, registration_number: str, cause: Cause) -> None:
        self.erased = True

    # EQV-4: the decision ----------------------------------------------------------------------------------------

    def defer(self, reasons: tuple[str, ...], on: date, cause: Cause) -> None:
        self._check_in_review()
        if not reasons:
            raise violation("EQV-4", "reasons", "a deferral lists the reasons the applicant answers")
        self._deferred(reasons=reasons, on=on, rule_ids=("EQV-4",), cause=cause)

    @event(Deferred)
    def _deferred(self, reasons: tuple[str, ...], on: date, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.deferral = reasons
        self._pause(on)

    def answer_deferral(self, answer: str, on: date, cause: Cause) -> None:
        if not self.deferral:
            raise violation("EQV-4", "answer", "the application is not deferred")
        self._deferral_answered(answer=answer, on=on, cause=cause)

    @event(DeferralAnswered)
    def _deferral_answered(self, answer: str, on: date, cause: Cause) -> None:
        self.deferral = ()
        if not self.missing:
            self._resume(on)

    def equalise(
        self, equivalence: Equivalence, sk_number: str, deciders: tuple[str, ...], on: date, cause: Cause
    ) -> None:
        self._check_decidable(deciders)
        self._equalised(
            sk_number=sk_number,
            level=equivalence.level,
            rule_version=equivalence.rule_version,
            country=self.study.country,
            foreign_level=self.study.level.value,
            features=tuple(sorted(self.features)),
            deciders=deciders,
            on=on,
            rule_ids=("EQV-2", "EQV-4"),
            cause=cause,
        )

    @event(Equalised)
    def _equalised(
        self,
        sk_number: str,
        level: str,
        rule_version: str,
        country: str,
        foreign_level: str,
        features: tuple[str, ...],
        deciders: tuple[str, ...],
        on: date,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.decisions += 1
        self.status, self.sk_number, self.level = Status.EQUIVALENT, sk_number, level
        self.rule_version, self.deciders, self.decided_on = rule_version, deciders, on

    def refuse(self, reasons: tuple[str, ...], deciders: tuple[str, ...], on: date, cause: Cause) -> None:
        self._check_decidable(deciders)
        if not reasons:
            raise violation("EQV-4", "reasons", "a refusal gives its reasons")
        self._refused(reasons=reasons, deciders=deciders, on=on, rule_ids=("EQV-4",), cause=cause)

    @event(Refused)
    def _refused(
        self, reasons: tuple[str, ...], deciders: tuple[str, ...], on: date, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.decisions += 1
        self.status, self.deciders, self.decided_on = Status.REFUSED, deciders, on

    def _check_decidable(self, deciders: tuple[str, ...]) -> None:
        self._check_in_review()
        if not deciders:
            raise violation("EQV-4", "deciders", "a decision names who took it")
        again = sorted(set(deciders) & self.excluded)
        if again:
            raise violation("EQV-8.independence", "deciders", f"{', '.join(again)} took the decision a PK overturned")
        open_escalations = [a.number for a in self.asked if a.kind is not Escalation.MORE_DOCUMENTS and not a.outcome]
        if open_escalations:
            raise violation("EQV-3", "number", f"escalation(s) {open_escalations} still wait for their outcome")

    def _check_in_review(self) -> None:
        if self.status is not Status.IN_REVIEW:
            raise violation("EQV-1", "status", f"application {self.registration_number} is {self.status}")

    def _reopen_for_review(self, on: date) -> None:
        """EQV-8: an upheld review: the decision is taken again, by people other than those who took it."""
        self.excluded |= set(self.deciders)
        self.status, self.sk_number, self.level, self.rule_version = Status.IN_REVIEW, None, None, None
        self.deciders = ()
        self.collected_on, self.replacements = None, []  # the new decision's SK is collected afresh
        self.complete_on, self.pauses = on, []  # the team's clock starts again with the review's decision

    def _pause(self, on: date) -> None:
        self.status = Status.WAITING_FOR_APPLICANT
        self.pauses.append(Pause(on, None))

    def _resume(self, on: date) -> None:
        self.status = Status.IN_REVIEW
        if self.pauses and self.pauses[-1].ended is None:
            self.pauses[-1] = Pause(self.pauses[-1].started, on)
