"""After the decision: collection (EQV-5, EQV-6), the replacement letter (EQV-7), the formal review and what a
decision was based on (EQV-8). A mixin of ``Equivalencies``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from application.authorization import EQUIVALENCY_READERS, EQUIVALENCY_TEAM, LEGAL, require
from application.equivalency.base import EquivalencyBase
from application.equivalency.forms import AttorneyForm, parse_deciders
from application.equivalency.receipt import ApplicationReceipt
from domain.audit import Cause
from domain.equivalency.application import Asked, Document, EquivalencyApplication
from domain.equivalency.kinds import Collector
from domain.errors import NotFound, violation
from domain.files import named_upload, parse_sha256
from domain.text import REMARK_CHARS, parse_text


@dataclass(frozen=True)
class DecisionBasis:
    """EQV-8: exactly what one decision saw, rebuilt from the log as of that decision's event."""

    registration_number: str
    decision: int  # 1 for the first decision, 2 after an upheld PK, ...
    version: int  # the application's version at the decision
    decided_on: date  # the day in Jakarta the decision took effect
    recorded_at: datetime  # when its event was stored
    decided_by: tuple[str, ...]
    recorded_by: str
    outcome: str  # EQUIVALENT or REFUSED
    level: str | None
    rule_version: str | None
    rule_read: tuple[str, ...]  # what the rule read: country, foreign level, features (e.g. HONOURS)
    rule_ids: tuple[str, ...]
    reasons: tuple[str, ...]
    checklist: tuple[str, ...]
    documents: tuple[Document, ...]
    escalations: tuple[Asked, ...]


class AfterDecisionCommands(EquivalencyBase):
    def collect_sk(
        self,
        *,
        registration_number: str,
        by: Collector,
        power_of_attorney: AttorneyForm | None,
        photos: int,
        cause: Cause,
    ) -> ApplicationReceipt:
        """At the counter: by the applicant, or a representative with a power of attorney (EQV-5)."""
        require(cause.actor, EQUIVALENCY_TEAM)
        number = self._number(registration_number)
        attorney = power_of_attorney.parsed() if power_of_attorney is not None else None

        def command() -> ApplicationReceipt:
            application = self._application(number)
            application.collect(by, attorney, photos, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def issue_replacement(
        self, *, registration_number: str, letter_number: str, reason: str, cause: Cause
    ) -> ApplicationReceipt:
        """EQV-7: for the applicant's own data error, a Surat Keterangan Pengganti SK; the SK is never reprinted."""
        require(cause.actor, EQUIVALENCY_TEAM)
        number = self._number(registration_number)
        letter = parse_text(letter_number, field="letterNumber", max_chars=100, rule_id="EQV-7")
        why = parse_text(reason, field="reason", max_chars=REMARK_CHARS, rule_id="EQV-7", multiline=True)

        def command() -> ApplicationReceipt:
            application = self._application(number)
            application.issue_replacement(letter, why, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def reprint_sk(self, *, registration_number: str, cause: Cause) -> ApplicationReceipt:
        """EQV-7: refused, always; the answer names the replacement letter instead."""
        require(cause.actor, EQUIVALENCY_TEAM)
        self._number(registration_number)
        raise violation(
            "EQV-7", "registrationNumber", "an SK is never reprinted: issue a Surat Keterangan Pengganti SK"
        )

    def request_review(
        self, *, registration_number: str, letter_reference: str, reasons: str, documents: list[str], cause: Cause
    ) -> ApplicationReceipt:
        """EQV-8: the applicant's PK letter, its reasons and supporting documents (stored files, by SHA-256)."""
        number = self._number(registration_number)
        letter = parse_text(letter_reference, field="letterReference", max_chars=100, rule_id="EQV-8")
        why = parse_text(reasons, field="reasons", max_chars=REMARK_CHARS, rule_id="EQV-8", multiline=True)
        if len(documents) > 20:
            raise violation("EQV-8", "documents", "at most 20 supporting documents")
        hashes = tuple(parse_sha256(d, "documents", "EQV-8") for d in documents)

        def command() -> ApplicationReceipt:
            application = self._own(number, cause)
            for sha256 in hashes:  # FILE.uploader: every supporting document is a file the applicant uploaded
                named_upload(self.own_file(cause.actor, sha256), "documents")
            application.request_review(letter, why, hashes, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def decide_review(
        self, *, registration_number: str, upheld: bool, deciders: list[str], remark: str, cause: Cause
    ) -> ApplicationReceipt:
        """EQV-8: legal staff, with the others who decide it; none of them took the decision under review."""
        require(cause.actor, LEGAL)
        number = self._number(registration_number)
        text = parse_text(remark, field="remark", max_chars=REMARK_CHARS, rule_id="EQV-8", multiline=True)
        people = parse_deciders(deciders, cause, "EQV-8")

        def command() -> ApplicationReceipt:
            application = self._application(number)
            application.decide_review(upheld, people, text, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def decision_basis(self, *, registration_number: str, decision: int, cause: Cause) -> DecisionBasis:
        """EQV-8: the application as it was when decision ``decision`` was taken, whatever happened since: its
        checklist, the documents with their hashes, the escalations with their outcomes, the rule version, who
        decided and when. Read from the log itself, not from a read model, so it is exact by construction."""
        require(cause.actor, EQUIVALENCY_READERS)
        number = self._number(registration_number)
        application_id = EquivalencyApplication.create_id(number)
        self._application(number)
        decisions = [
            e
            for e in self.repository.event_store.get(application_id)
            if isinstance(e, (EquivalencyApplication.Equalised, EquivalencyApplication.Refused))
        ]
        if not 1 <= decision <= len(decisions):
            raise NotFound("decision", f"{number} #{decision}")
        taken = decisions[decision - 1]
        then: EquivalencyApplication = self.repository.get(application_id, version=taken.originator_version)
        level = rule_version = None
        reasons: tuple[str, ...] = ()
        read: tuple[str, ...] = ()
        if isinstance(taken, EquivalencyApplication.Equalised):
            level, rule_version = taken.level, taken.rule_version
            read = (taken.country, taken.foreign_level, *taken.features)
        else:
            reasons = taken.reasons
        return DecisionBasis(
            registration_number=number,
            decision=decision,
            version=taken.originator_version,
            decided_on=taken.on,
            recorded_at=taken.timestamp,
            decided_by=taken.deciders,
            recorded_by=taken.cause.actor.id,
            outcome="EQUIVALENT" if level is not None else "REFUSED",
            level=level,
            rule_version=rule_version,
            rule_read=read,
            rule_ids=taken.rule_ids,
            reasons=reasons,
            checklist=tuple(then.checklist),
            documents=tuple(then.documents.values()),
            escalations=tuple(then.asked),
        )
