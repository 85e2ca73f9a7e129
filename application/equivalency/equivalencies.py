"""Foreign diploma equivalency (EQV-1 .. EQV-8): its own log (``equivalencies``).

The applicant acts through their account for their own applications; the directorate's team reviews, escalates
and decides; legal staff answer a formal review (PK) and read exactly what a decision was based on.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from application.authorization import EQUIVALENCY_TEAM, require
from application.equivalency.after_decision import AfterDecisionCommands
from application.equivalency.erasure import ApplicantErasure
from application.equivalency.forms import MAX_LISTED, ApplicationForm, parse_deciders, parse_form, parse_reasons
from application.equivalency.receipt import ApplicationReceipt
from application.files import OwnFile
from application.idempotency import Keyed, keyed
from domain.audit import Cause, Role
from domain.calendar import WorkingCalendar
from domain.equivalency.application import Document, EquivalencyApplication
from domain.equivalency.country_rules import equivalence
from domain.equivalency.kinds import Escalation, parse_sk_number
from domain.equivalency.numbers import RegistrationSequence, SkNumber
from domain.errors import NotAuthorized, violation
from domain.files import named_upload, parse_sha256
from domain.links import parse_link
from domain.personal import Sealer
from domain.text import REMARK_CHARS, parse_text

ACCESS_CODE_BYTES = 8  # 64 bits: a second factor no one guesses, even without a limit on tries


def access_code_hash(registration_number: str, code: str) -> str:
    return hashlib.sha256(f"kredensial/eqv/{registration_number}/{code.strip().upper()}".encode()).hexdigest()


class Equivalencies(AfterDecisionCommands, ApplicantErasure):
    name = "equivalencies"
    snapshot_every: ClassVar[dict[type[Aggregate], int]] = {RegistrationSequence: 50}  # an event per application

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        sealer: Sealer,
        calendar: WorkingCalendar,
        own_file: OwnFile,
        access_code_secret: bytes | None = None,
        **kw: Any,
    ):
        super().__init__(env, **kw)
        self.sealer = sealer
        self.calendar = calendar
        self.own_file = own_file
        self.access_code_secret = access_code_secret

    # EQV-1, EQV-2: registration and documents ------------------------------------------------------------------

    def _access_code(self, key: Keyed | None) -> str:
        """Random; with an idempotency key, derived from it by a secret of the server's, so that a retry answers
        the same code to the caller who holds the key (IDEM-1) and no one else can derive it."""
        if key is None or self.access_code_secret is None:
            return secrets.token_hex(ACCESS_CODE_BYTES).upper()
        derived = hmac.new(self.access_code_secret, key.key_id.bytes, hashlib.sha256).digest()
        return derived[:ACCESS_CODE_BYTES].hex().upper()

    def register_application(
        self, *, form: ApplicationForm, cause: Cause, idempotency_key: str | None = None
    ) -> ApplicationReceipt:
        if cause.actor.role is not Role.APPLICANT:
            raise NotAuthorized("an application is opened by the applicant's own account")
        parsed = parse_form(form, self.today())
        key = keyed(idempotency_key, cause, "registerEquivalencyApplication", form=form)
        code = self._access_code(key)

        def command() -> ApplicationReceipt:
            if (earlier := self.earlier(key, EquivalencyApplication)) is not None:  # IDEM-1: the first result
                first, position = earlier
                same = hmac.compare_digest(first.access_code_hash, access_code_hash(first.registration_number, code))
                return self._receipt(first, position, access_code=code if same else None)
            year = self.today().year
            sequence = self.find(RegistrationSequence, RegistrationSequence.create_id(year)) or RegistrationSequence(
                year=year, cause=cause
            )
            number = sequence.next(cause)
            application = EquivalencyApplication.register(
                registration_number=number,
                account_id=cause.actor.id,
                study=parsed.study,
                features=parsed.features,
                applicant=self.sealer.seal(EquivalencyApplication.create_id(number), parsed.personal),
                access_code_hash=access_code_hash(number, code),
                university=parsed.university,
                programme=parsed.programme,
                on=self.today(),
                cause=cause,
            )
            claims = (key.claim(application),) if key else ()
            position = self.commit(sequence, application, *claims)
            return self._receipt(application, position, access_code=code)

        # EQV-1: every registration of a year claims the next number of one sequence: taken in turn in this process
        return self.retrying(command, serial=f"registrations/{self.today().year}")

    def add_document(
        self, *, registration_number: str, item_code: str, file: str | None, url: str | None, cause: Cause
    ) -> ApplicationReceipt:
        """The applicant uploads a document against an item of their checklist: a stored file by its SHA-256, or
        a link where the rule allows one (EQV-2)."""
        number = self._number(registration_number)
        code = parse_text(item_code, field="itemCode", max_chars=40, rule_id="EQV-2").upper()
        if (file is None) == (url is None):
            raise violation("EQV-2", "file", "a document is a file or, where allowed, a link: one of the two")
        sha256 = parse_sha256(file, "file", "EQV-2") if file is not None else None
        link = _link(url) if url is not None else None

        def command() -> ApplicationReceipt:
            application = self._own(number, cause)  # who first: another's digest is looked at for no one else
            stored = named_upload(self.own_file(cause.actor, sha256), "file") if sha256 is not None else None
            application.add_document(Document(code, stored, link), self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    # EQV-3: escalations; EQV-4: deferral and decision -----------------------------------------------------------

    def escalate(
        self, *, registration_number: str, kind: Escalation, request: str, items: list[str], cause: Cause
    ) -> ApplicationReceipt:
        require(cause.actor, EQUIVALENCY_TEAM)
        number = self._number(registration_number)
        text = parse_text(request, field="request", max_chars=REMARK_CHARS, rule_id="EQV-3", multiline=True)
        if len(items) > MAX_LISTED:
            raise violation("EQV-3", "items", f"at most {MAX_LISTED} documents at once")
        codes = tuple(parse_text(i, field="items", max_chars=40, rule_id="EQV-3").upper() for i in items)

        def command() -> ApplicationReceipt:
            application = self._application(number)
            application.escalate(kind, text, codes, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def answer_escalation(
        self, *, registration_number: str, number: int, outcome: str, cause: Cause
    ) -> ApplicationReceipt:
        require(cause.actor, EQUIVALENCY_TEAM)
        key = self._number(registration_number)
        text = parse_text(outcome, field="outcome", max_chars=REMARK_CHARS, rule_id="EQV-3", multiline=True)

        def command() -> ApplicationReceipt:
            application = self._application(key)
            application.answer_escalation(number, text, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def correct_features(
        self, *, registration_number: str, honours: bool, reason: str, cause: Cause
    ) -> ApplicationReceipt:
        """The team corrects what the diploma states (Honours) from its documents, before deciding (EQV-4)."""
        require(cause.actor, EQUIVALENCY_TEAM)
        number = self._number(registration_number)
        why = parse_text(reason, field="reason", max_chars=REMARK_CHARS, rule_id="EQV-4", multiline=True)

        def command() -> ApplicationReceipt:
            application = self._application(number)
            application.correct_features(frozenset({"HONOURS"}) if honours else frozenset(), why, cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def defer(self, *, registration_number: str, reasons: list[str], cause: Cause) -> ApplicationReceipt:
        require(cause.actor, EQUIVALENCY_TEAM)
        number = self._number(registration_number)
        listed = parse_reasons(reasons, "reasons", "EQV-4")

        def command() -> ApplicationReceipt:
            application = self._application(number)
            application.defer(listed, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def answer_deferral(self, *, registration_number: str, answer: str, cause: Cause) -> ApplicationReceipt:
        number = self._number(registration_number)
        text = parse_text(answer, field="answer", max_chars=REMARK_CHARS, rule_id="EQV-4", multiline=True)

        def command() -> ApplicationReceipt:
            application = self._own(number, cause)
            application.answer_deferral(text, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)

    def equalise(
        self, *, registration_number: str, sk_number: str, deciders: list[str], cause: Cause
    ) -> ApplicationReceipt:
        """EQV-4: the SK of equivalency: the level the country rule in force today gives, its version recorded;
        the SK number claimed once. The team member recording it is one of the deciders."""
        require(cause.actor, EQUIVALENCY_TEAM)
        number, sk = self._number(registration_number), parse_sk_number(sk_number)
        people = parse_deciders(deciders, cause, "EQV-4")

        def command() -> ApplicationReceipt:
            application = self._application(number)
            if self.find(SkNumber, SkNumber.create_id(sk)) is not None:
                raise violation("EQV-4.sk", "skNumber", f"SK number {sk} is already issued")
            today = self.today()
            rule = equivalence(application.study.country, application.study.level, application.features, today)
            application.equalise(rule, sk, people, today, cause)
            claim = SkNumber(sk_number=sk, registration_number=number, cause=cause)
            return self._receipt(application, self.commit(application, claim))

        return self.retrying(command)

    def refuse(
        self, *, registration_number: str, reasons: list[str], deciders: list[str], cause: Cause
    ) -> ApplicationReceipt:
        require(cause.actor, EQUIVALENCY_TEAM)
        number = self._number(registration_number)
        listed = parse_reasons(reasons, "reasons", "EQV-4")
        people = parse_deciders(deciders, cause, "EQV-4")

        def command() -> ApplicationReceipt:
            application = self._application(number)
            application.refuse(listed, people, self.today(), cause)
            return self._receipt(application, self.commit(application))

        return self.retrying(command)


def _link(url: str) -> str:
    """EQV-2.6: the academic catalogue's link, an https:// address parsed and stored in its normal form."""
    return parse_link(url, field="url", rule_id="EQV-2.6", schemes=("https",))
