"""What assessments stand on: skema and licences (ASM-1, ASM-2), asesors (ASM-3), an LSP's TUK, committee and
candidates. A mixin of ``Assessments``: the same event store, clock and retry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from application.assessment.base import AssessmentBase
from application.assessment.inputs import CandidateInput, UnitInput, parse_candidate, parse_units
from application.authorization import ASESORS, BNSP, LSP_CERTIFICATION, LSP_DECIDERS, LSP_HEAD, LSP_STAFF, require
from application.erasure_sweep import complete_erasures
from application.receipt import Receipt
from domain.assessment.asesor import Asesor, Registration
from domain.assessment.kinds import LicenceKind, TukKind
from domain.assessment.licence import Licence, check_term_days, parse_lsp_code
from domain.assessment.numbers import parse_candidate_number, parse_number
from domain.assessment.people import IDENTITY, Asesi, Committee, parse_person_key
from domain.assessment.standards import SKEMA_CODE, Skema, parse_code, parse_facilities
from domain.assessment.tuk import TUK_CODE, Tuk
from domain.audit import Cause
from domain.errors import violation
from domain.personal import PersonalData
from domain.text import NAME_CHARS, REMARK_CHARS, optional_text, parse_text

NIK_SHAPED = re.compile(r"\d{16}", re.ASCII)


CODE_FORM = "a code is 1 to 40 ASCII letters, digits, '.', '/' or '-'"


def sealed_with(personal: PersonalData, employer: str | None) -> PersonalData:
    """A candidate's sealed data: their identity and their employer (ASM-3), so an erasure takes both."""
    return replace(personal, employer=employer)


class AssessmentSetup(AssessmentBase):
    # ASM-1: skema, kept nationally (each LSP sets its TUK's requirements for remote assessment: ``remote``) ------

    def publish_skema(self, *, code: str, title: str, units: Sequence[UnitInput], cause: Cause) -> Receipt:
        require(cause.actor, BNSP)
        parsed = parse_units(units)

        def command() -> Receipt:
            skema = Skema.publish(code=code, title=title, units=parsed, cause=cause)
            existing = self.find(Skema, skema.id)
            if existing is None:
                return self.receipt(self.commit(skema))
            existing.revise(parsed, cause)  # a new version; open assessments keep theirs
            return self.receipt(self.commit(existing))

        return self.retrying(command)

    # ASM-2: licences ------------------------------------------------------------------------------------------

    def license_lsp(
        self,
        *,
        lsp_code: str,
        kind: LicenceKind,
        skema_codes: Sequence[str],
        valid_from: date,
        valid_until: date,
        cause: Cause,
        lsp_name: str | None = None,
    ) -> Receipt:
        """Grants the licence, or amends it (a renewal or a change of scope is a new term of the same licence). Its
        approval for remote assessment is the outcome of the LSP's application (ASM-5.approval), kept as it was.
        The LSP's name (ASM-2.name) names the issuer of its certificates; an amendment without one keeps it."""
        require(cause.actor, BNSP)
        lsp = parse_lsp_code(lsp_code)
        name = optional_text(lsp_name, field="lspName", max_chars=200, rule_id="ASM-2.name")
        codes = [parse_code(c, SKEMA_CODE, "skemaCodes", CODE_FORM, "ASM-2.scope") for c in skema_codes]
        check_term_days(valid_from, valid_until, self.today(), "ASM-2.validity")

        def command() -> Receipt:
            for code in codes:
                self.load(Skema, Skema.create_id(code), "skema", code)
            term: dict[str, Any] = {
                "skema_codes": codes,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "cause": cause,
                "lsp_name": name,
            }
            licence = self.find(Licence, Licence.create_id(lsp))
            if licence is None:
                licence = Licence.grant(lsp_code=lsp, kind=kind, **term)
            else:
                licence.amend(**term)
            return self.receipt(self.commit(licence))

        return self.retrying(command)

    # ASM-3: asesors -------------------------------------------------------------------------------------------

    def register_asesor(
        self,
        *,
        asesor_number: str,
        employer: str | None,
        skema_code: str,
        valid_from: date,
        valid_until: date,
        cause: Cause,
    ) -> Receipt:
        require(cause.actor, BNSP)
        number = parse_number(asesor_number, "asesorNumber")
        works_for = optional_text(employer, field="employer", max_chars=NAME_CHARS, rule_id="ASM-3")
        code = parse_code(skema_code, SKEMA_CODE, "skemaCode", CODE_FORM, "ASM-3.registration")
        check_term_days(valid_from, valid_until, self.today(), "ASM-3.registration")

        def command() -> Receipt:
            self.load(Skema, Skema.create_id(code), "skema", code)
            asesor = self.find(Asesor, Asesor.create_id(number)) or Asesor(
                asesor_number=number, employer=works_for, cause=cause
            )
            asesor.change_employer(works_for, cause)
            asesor.register_for(Registration(code, valid_from, valid_until), cause)
            return self.receipt(self.commit(asesor))

        return self.retrying(command)

    def declare_relation(self, *, lsp_code: str, candidate_number: str, cause: Cause) -> Receipt:
        """The asesor themself declares a relation with a candidate (ASM-3: never assigned to them)."""
        require(cause.actor, ASESORS)
        lsp = parse_lsp_code(lsp_code)
        number = parse_candidate_number(candidate_number, "candidateNumber", "ASM-3")

        def command() -> Receipt:
            asesor = self.load(Asesor, Asesor.create_id(cause.actor.id), "asesor", cause.actor.id)
            candidate = self.load(Asesi, Asesi.create_id(lsp, number), "candidate", number)
            asesor.declare_relation(candidate.key, cause)
            return self.receipt(self.commit(asesor))

        return self.retrying(command)

    # An LSP's own: TUK, committee, candidates -----------------------------------------------------------------

    def register_tuk(
        self, *, lsp_code: str, tuk_code: str, name: str, kind: TukKind, facilities: Sequence[str], cause: Cause
    ) -> Receipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_CERTIFICATION, lsp)
        code = parse_code(tuk_code, TUK_CODE, "tukCode", CODE_FORM, "ASM-5")
        title = parse_text(name, field="name", max_chars=NAME_CHARS, rule_id="ASM-5")
        verified = parse_facilities(facilities, "facilities", "ASM-5")

        def command() -> Receipt:
            tuk = self.find(Tuk, Tuk.create_id(lsp, code))
            if tuk is None:
                tuk = Tuk(
                    lsp_code=lsp, tuk_code=code, name=title, kind=kind, facilities=tuple(sorted(verified)), cause=cause
                )
            else:
                tuk.verify_facilities(verified, cause)
            return self.receipt(self.commit(tuk))

        return self.retrying(command)

    def appoint_committee_member(
        self, *, lsp_code: str, member_id: str, asesor_number: str | None, cause: Cause
    ) -> Receipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_HEAD, lsp)
        member = parse_person_key(member_id, "memberId", "ASM-6.committee")
        number = parse_number(asesor_number, "asesorNumber") if asesor_number is not None else None

        def command() -> Receipt:
            committee = self.find(Committee, Committee.create_id(lsp)) or Committee(lsp_code=lsp, cause=cause)
            committee.appoint(member, self._registered(number) if number is not None else None, cause)
            return self.receipt(self.commit(committee))

        return self.retrying(command)

    def declare_asesor_number(self, *, lsp_code: str, asesor_number: str, cause: Cause) -> Receipt:
        """The Ketua LSP or a committee member declares the asesor number they also hold, so that they are never
        the one deciding on a candidate they assessed (ASM-6, ASM-8): their first one only (ASM-6.identity)."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_DECIDERS, lsp)
        number = parse_number(asesor_number, "asesorNumber")

        def command() -> Receipt:
            committee = self.find(Committee, Committee.create_id(lsp)) or Committee(lsp_code=lsp, cause=cause)
            committee.declare_asesor_number(cause.actor.id, self._registered(number), cause)
            return self.receipt(self.commit(committee))

        return self.retrying(command)

    def change_asesor_number(self, *, lsp_code: str, person_id: str, asesor_number: str, cause: Cause) -> Receipt:
        """ASM-6.identity: the LSP's staff record that one of its people now holds another asesor number, with the
        reason (the cause's); the earlier numbers stay theirs for every conflict check (ASM-6, ASM-8)."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_STAFF, lsp)
        person = parse_person_key(person_id, "personId", IDENTITY)
        number = parse_number(asesor_number, "asesorNumber")
        why = parse_text(cause.reason, field="reason", max_chars=REMARK_CHARS, multiline=True, rule_id=IDENTITY)
        cause = replace(cause, reason=why)

        def command() -> Receipt:
            # No committee yet reads as a person who holds no number: the same refusal.
            committee = self.find(Committee, Committee.create_id(lsp)) or Committee(lsp_code=lsp, cause=cause)
            committee.change_asesor_number(person, self._registered(number), cause)
            return self.receipt(self.commit(committee))

        return self.retrying(command)

    def _registered(self, asesor_number: str) -> str:
        """A person holds a number BNSP registered (ASM-3), as registered: a look-alike never passes for it."""
        asesor = self.find(Asesor, Asesor.create_id(asesor_number))
        if asesor is None:
            raise violation("ASM-3.registration", "asesorNumber", f"no asesor is registered as {asesor_number!r}")
        return asesor.asesor_number

    def dismiss_committee_member(self, *, lsp_code: str, member_id: str, cause: Cause) -> Receipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_HEAD, lsp)
        member = parse_person_key(member_id, "memberId", "ASM-6.committee")

        def command() -> Receipt:
            committee = self.load(Committee, Committee.create_id(lsp), "committee", lsp)
            committee.dismiss(member, cause)
            return self.receipt(self.commit(committee))

        return self.retrying(command)

    def erase_candidate_data(self, *, lsp_code: str, candidate_number: str, cause: Cause) -> Receipt:
        """UU PDP: the LSP, controller of its candidates' data, erases one with its ground; as for students, the
        event first, then the key, so a retry or the worker's start-up sweep finishes an interrupted erasure."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_STAFF, lsp)
        number = parse_candidate_number(candidate_number, "candidateNumber", "ASM-7.holder")
        why = optional_text(cause.reason, field="reason", max_chars=REMARK_CHARS, multiline=True, rule_id="PDP.erasure")
        cause = replace(cause, reason=why)

        def command() -> Receipt:
            asesi = self.load(Asesi, Asesi.create_id(lsp, number), "candidate", number)
            asesi.erase_personal_data(cause)
            position = self.commit(asesi)
            self.sealer.erase(asesi.id, self.clock().isoformat())
            return self.receipt(position)

        return self.retrying(command)

    def complete_erasures(self) -> int:
        """Destroys the key of every recorded candidate erasure whose key still exists (the worker, on start-up)."""
        return complete_erasures(self, self.sealer, Asesi.PersonalDataErased)

    def register_candidate(self, *, lsp_code: str, candidate: CandidateInput, cause: Cause) -> Receipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_STAFF, lsp)
        number = parse_candidate_number(candidate.candidate_number, "candidateNumber", "ASM-7.holder")
        personal, employer = parse_candidate(candidate, self.today())
        if NIK_SHAPED.fullmatch(number) or number in (personal.nik, personal.passport_number):
            raise violation(  # it would put the identity number in the clear everywhere the candidate is named
                "ASM-7.holder", "candidateNumber", "a candidate number is the LSP's own, never a NIK or passport number"
            )

        def command() -> Receipt:
            asesi = self.find(Asesi, Asesi.create_id(lsp, number))
            if asesi is None:
                sealed = self.sealer.seal(Asesi.create_id(lsp, number), sealed_with(personal, employer))
                asesi = Asesi(lsp_code=lsp, candidate_number=number, personal=sealed, employer=None, cause=cause)
                return self.receipt(self.commit(asesi))
            if asesi.erased:
                raise violation(
                    "ASM-7.holder", "candidateNumber", f"candidate {number} was erased: register under a new number"
                )
            known = self.sealer.unseal(asesi.personal)
            if known is None or replace(known, employer=None) != personal:
                raise violation(
                    "ASM-7.holder", "candidateNumber", f"candidate {number} is registered with another identity"
                )
            if employer != (asesi.employer or known.employer):  # a new employer: sealed as well (ASM-3)
                asesi.change_personal(self.sealer.seal(asesi.id, sealed_with(personal, employer)), cause)
            return self.receipt(self.commit(asesi))

        return self.retrying(command)
