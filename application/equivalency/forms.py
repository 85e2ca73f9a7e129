"""The equivalency context's forms as they arrive, parsed once into the domain's values (EQV-1, EQV-2, EQV-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.audit import Cause
from domain.countries import parse_country
from domain.equivalency.checklist import ForeignLevel, Study
from domain.equivalency.sk import PowerOfAttorney
from domain.equivalency.stamp_duty import Stamp
from domain.errors import Collected, Failure, RuleViolation, violation
from domain.personal import PersonalData
from domain.registry.identity import parse_personal
from domain.text import NAME_CHARS, parse_text

MAX_REASONS, REASON_CHARS = 20, 1000


@dataclass(frozen=True)
class ApplicationForm:
    full_name: str
    passport_number: str | None
    nik: str | None
    birth_date: date | None
    country: str
    university: str
    programme: str
    level: ForeignLevel
    honours: bool
    documents_in_english: bool
    research_based: bool
    civil_servant: bool
    online: bool
    university_registered: bool
    passport_lost: bool
    double_or_joint_degree: bool


@dataclass(frozen=True)
class ParsedForm:
    personal: PersonalData
    study: Study
    features: frozenset[str]
    university: str
    programme: str


def parse_form(form: ApplicationForm, today: date) -> ParsedForm:
    """EQV-1: every field checked and every failure named at once; the identity is what gets sealed."""
    collected = Collected()
    personal = collected.attempt(lambda: _personal(form, today))
    country = collected.attempt(lambda: parse_country(form.country))
    university = collected.attempt(
        lambda: parse_text(form.university, field="university", max_chars=NAME_CHARS, rule_id="EQV-1")
    )
    programme = collected.attempt(
        lambda: parse_text(form.programme, field="programme", max_chars=NAME_CHARS, rule_id="EQV-1")
    )
    collected.raise_any()
    assert personal is not None and country is not None and university is not None and programme is not None
    study = Study(
        level=form.level,
        country=country,
        documents_in_english=form.documents_in_english,
        research_based=form.research_based,
        civil_servant=form.civil_servant,
        online=form.online,
        university_registered=form.university_registered,
        passport_lost=form.passport_lost,
        double_or_joint_degree=form.double_or_joint_degree,
    )
    return ParsedForm(personal, study, frozenset({"HONOURS"}) if form.honours else frozenset(), university, programme)


def _personal(form: ApplicationForm, today: date) -> PersonalData:
    try:
        personal = parse_personal(
            full_name=form.full_name,
            nik=form.nik,
            passport_number=form.passport_number,
            birth_date=form.birth_date,
            today=today,
        )
    except RuleViolation as refused:
        raise RuleViolation(*(Failure("EQV-1", f.field, f.message) for f in refused.failures)) from None
    if personal.passport_number is None and personal.nik is None:
        raise violation("EQV-1", "passportNumber", "an applicant is identified by a passport number or a NIK")
    return personal


def parse_reasons(given: list[str], field: str, rule_id: str) -> tuple[str, ...]:
    if not 1 <= len(given) <= MAX_REASONS:
        raise violation(rule_id, field, f"1 to {MAX_REASONS} reasons")
    collected = Collected()
    reasons = [
        collected.attempt(lambda r=r: parse_text(r, field=field, max_chars=REASON_CHARS, rule_id=rule_id))  # type: ignore[misc]
        for r in given
    ]
    collected.raise_any()
    return tuple(r for r in reasons if r is not None)


@dataclass(frozen=True)
class AttorneyForm:
    signed_on: date
    stamps: list[tuple[int, bool]]  # (value in rupiah, new design)
    applicant_id_copy: bool
    representative_id_copy: bool

    def parsed(self) -> PowerOfAttorney:
        return PowerOfAttorney(
            self.signed_on,
            tuple(Stamp(value, new) for value, new in self.stamps[:11]),
            self.applicant_id_copy,
            self.representative_id_copy,
        )


MAX_LISTED = 30  # deciders, or documents asked for at once


def parse_deciders(given: list[str], cause: Cause, rule_id: str) -> tuple[str, ...]:
    """Who decided: those named and the caller who records it."""
    if len(given) > MAX_LISTED:
        raise violation(rule_id, "deciders", f"at most {MAX_LISTED} deciders")
    people = {parse_text(d, field="deciders", max_chars=100, rule_id=rule_id) for d in given}
    return tuple(sorted(people | {cause.actor.id}))
