"""The people of an assessment besides asesors: the candidate (asesi) registered with an LSP, and the LSP's
technical committee (komite teknis) whose members decide in the plenary (ASM-6)."""

from __future__ import annotations

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import violation
from domain.personal import Sealed
from domain.text import shown

# A committee member's id (their account, a token's subject), kept as given; candidate numbers: numbers.py.
PERSON_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@/-]{0,63}", re.ASCII)


def parse_person_key(value: object, field: str, rule_id: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not PERSON_KEY.fullmatch(text):
        given = shown(value) if isinstance(value, str) else repr(value)
        raise violation(rule_id, field, f"1 to 64 ASCII letters, digits, '.', '_', '@', '/' or '-'; got {given}")
    return text


class Asesi(Aggregate):
    """A candidate at one LSP. Their name, NIK and employer are sealed with a key of their own (domain.personal);
    the asesor's conflict check (ASM-3) unseals the employer when it runs. Candidates registered before the
    employer was sealed have it in the clear (``employer``); an erasure cannot reach those copies."""

    class Registered(Aggregate.Created):
        lsp_code: str
        candidate_number: str
        personal: Sealed
        employer: str | None
        cause: Cause

    class EmployerChanged(Aggregate.Event):
        employer: str | None
        cause: Cause

    class PersonalDataChanged(Aggregate.Event):
        """Their sealed data again, after a change of employer (ASM-3); the earlier copy stays sealed in the log."""

        personal: Sealed
        cause: Cause

    class PersonalDataErased(Aggregate.Event):
        """Penghapusan data pribadi (UU PDP 27/2022): the key of the candidate's sealed data is destroyed after it."""

        lsp_code: str
        candidate_number: str
        cause: Cause

    @event(Registered)
    def __init__(
        self, lsp_code: str, candidate_number: str, personal: Sealed, employer: str | None, cause: Cause
    ) -> None:
        self.lsp_code = lsp_code
        self.candidate_number = candidate_number
        self.personal = personal
        self.employer = employer

    @staticmethod
    def create_id(lsp_code: str, candidate_number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/lsp/{lsp_code}/asesi/{candidate_number}")

    @property
    def key(self) -> str:
        return f"{self.lsp_code}/{self.candidate_number}"

    def change_employer(self, employer: str | None, cause: Cause) -> None:
        """For a candidate whose employer is in the clear (registered before it was sealed)."""
        if employer != self.employer:
            self._employer_changed(employer=employer, cause=cause)

    def change_personal(self, personal: Sealed, cause: Cause) -> None:
        self._personal_changed(personal=personal, cause=cause)

    @event(PersonalDataChanged)
    def _personal_changed(self, personal: Sealed, cause: Cause) -> None:
        self.personal = personal
        self.employer = None  # sealed from now on

    @event(EmployerChanged)
    def _employer_changed(self, employer: str | None, cause: Cause) -> None:
        self.employer = employer

    @property
    def erased(self) -> bool:
        return getattr(self, "_erased", False)

    def erase_personal_data(self, cause: Cause) -> bool:
        """Records why and by whom; the application then destroys the key. Erasing twice changes nothing."""
        if not (cause.reason or "").strip():
            raise violation("PDP.erasure", "reason", "an erasure records its ground (end of retention, or a request)")
        if self.erased:
            return False
        self._personal_data_erased(lsp_code=self.lsp_code, candidate_number=self.candidate_number, cause=cause)
        return True

    @event(PersonalDataErased)
    def _personal_data_erased(self, lsp_code: str, candidate_number: str, cause: Cause) -> None:
        self._erased = True
        self.employer = None  # a copy in the clear (registered before it was sealed) is no longer shown


IDENTITY = "ASM-6.identity"  # a person's asesor numbers: first declared, changed only by the LSP's staff


class Committee(Aggregate):
    """An LSP's technical committee, appointed by the Ketua LSP; a member who is also an asesor is known by their
    asesor number too, so that assessing a candidate and deciding on them are never the same person (ASM-6).

    Who holds which asesor number is a fact with a history (ASM-6.identity): a person declares their first number
    themself (or is appointed with it); any later change is the LSP's staff's, with a reason. Every number a person
    ever held stays theirs: the plenary (ASM-6) and the appeal (ASM-8) check them all. Another id may hold a number
    too (the Ketua LSP and a committee member may be one person, under two tokens), which never takes it from anyone
    who held it: a number binds everyone who ever held it."""

    class Started(Aggregate.Created):
        lsp_code: str
        cause: Cause

    class MemberAppointed(Aggregate.Event):
        member_id: str
        asesor_number: str | None
        cause: Cause

    class MemberDismissed(Aggregate.Event):
        member_id: str
        cause: Cause

    class AsesorNumberDeclared(Aggregate.Event):
        """A person of the LSP (its head, a member) declares the asesor number they also hold: their first one (a
        log written before ASM-6.identity may hold later ones; each adds to the numbers the person held)."""

        person_id: str
        asesor_number: str
        cause: Cause

    class AsesorNumberChanged(Aggregate.Event):
        """The LSP's staff record that a person now holds another asesor number; the reason is the cause's. The
        earlier numbers stay the person's (ASM-6.identity)."""

        person_id: str
        previous: str
        asesor_number: str
        rule_ids: tuple[str, ...]
        cause: Cause

    @event(Started)
    def __init__(self, lsp_code: str, cause: Cause) -> None:
        self.lsp_code = lsp_code
        self.members: set[str] = set()  # today's members
        # Everyone ever linked to an asesor number: a dismissal ends a membership, not who someone is (ASM-8).
        self.asesor_numbers: dict[str, str] = {}  # each person's number today
        self.held: dict[str, list[str]] = {}  # every number each person ever held, in order

    @staticmethod
    def create_id(lsp_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/lsp/{lsp_code}/committee")

    def numbers_of(self, person_id: str) -> frozenset[str]:
        """Every asesor number the person ever held here."""
        return frozenset(self.held.get(person_id, ()))

    def holders_of(self, asesor_number: str) -> frozenset[str]:
        """Every id that ever held the number here."""
        return frozenset(p for p, numbers in self.held.items() if asesor_number in numbers)

    def appoint(self, member_id: str, asesor_number: str | None, cause: Cause) -> None:
        """Appointed with a number, it is the member's first one, or the one they hold (ASM-6.identity)."""
        first = asesor_number is not None and self._first_number(member_id, asesor_number)
        if first or member_id not in self.members:
            self._member_appointed(member_id=member_id, asesor_number=asesor_number, cause=cause)

    @event(MemberAppointed)
    def _member_appointed(self, member_id: str, asesor_number: str | None, cause: Cause) -> None:
        self.members.add(member_id)
        if asesor_number is not None:
            self._hold(member_id, asesor_number)

    def declare_asesor_number(self, person_id: str, asesor_number: str, cause: Cause) -> None:
        if self._first_number(person_id, asesor_number):
            self._asesor_number_declared(person_id=person_id, asesor_number=asesor_number, cause=cause)

    @event(AsesorNumberDeclared)
    def _asesor_number_declared(self, person_id: str, asesor_number: str, cause: Cause) -> None:
        self._hold(person_id, asesor_number)

    def change_asesor_number(self, person_id: str, asesor_number: str, cause: Cause) -> None:
        """ASM-6.identity: by someone else than the person, with a reason; repeating the change changes nothing."""
        if not (cause.reason or "").strip():
            raise violation(IDENTITY, "reason", "a change of asesor number records why")
        if person_id == cause.actor.id:
            raise violation(IDENTITY, "personId", "a person's asesor number is changed by someone else")
        previous = self.asesor_numbers.get(person_id)
        if previous is None:
            raise violation(
                IDENTITY, "personId", f"{person_id} holds no asesor number at LSP {self.lsp_code}: nothing to change"
            )
        if previous == asesor_number:
            return
        self._asesor_number_changed(
            person_id=person_id, previous=previous, asesor_number=asesor_number, rule_ids=(IDENTITY,), cause=cause
        )

    @event(AsesorNumberChanged)
    def _asesor_number_changed(
        self, person_id: str, previous: str, asesor_number: str, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self._hold(person_id, asesor_number)

    def _first_number(self, person_id: str, asesor_number: str) -> bool:
        """Whether ``asesor_number`` would be the person's first; False when it is the one they hold."""
        current = self.asesor_numbers.get(person_id)
        if current == asesor_number:
            return False
        if current is not None:
            raise violation(
                IDENTITY,
                "asesorNumber",
                f"{person_id} holds asesor number {current}: a change of number is recorded by the LSP's staff, "
                "with a reason (changeAsesorNumber)",
            )
        return True

    def _hold(self, person_id: str, asesor_number: str) -> None:
        self.asesor_numbers[person_id] = asesor_number
        numbers = self.held.setdefault(person_id, [])
        if asesor_number not in numbers:
            numbers.append(asesor_number)

    def dismiss(self, member_id: str, cause: Cause) -> None:
        if member_id in self.members:
            self._member_dismissed(member_id=member_id, cause=cause)

    @event(MemberDismissed)
    def _member_dismissed(self, member_id: str, cause: Cause) -> None:
        self.members.discard(member_id)

    def deciding(self, member_ids: list[str]) -> dict[str, frozenset[str]]:
        """The named members with every asesor number each ever held; each must be appointed (ASM-6.committee)."""
        strangers = sorted(set(member_ids) - self.members)
        if strangers:
            raise violation(
                "ASM-6.committee",
                "members",
                f"not members of the technical committee of LSP {self.lsp_code}: {', '.join(strangers)}",
            )
        return {m: self.numbers_of(m) for m in member_ids}
