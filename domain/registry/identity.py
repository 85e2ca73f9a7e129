"""A student's personal data as reported (PIN-0), parsed once before it is sealed into an event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from domain.errors import Failure, RuleViolation
from domain.personal import PersonalData
from domain.registry.codes import NIK, PassportNumber
from domain.text import NAME_CHARS, PLACE_CHARS, optional_text, parse_text

T = TypeVar("T")

EARLIEST_BIRTH = date(1900, 1, 1)  # (decided) an earlier birth date is a typing error
EMAIL_CHARS = 254  # RFC 5321's limit on a forward path


def parse_personal(
    *,
    full_name: object,
    nik: object = None,
    passport_number: object = None,
    birth_place: object = None,
    birth_date: date | None = None,
    email: object = None,
    employer: object = None,
    today: date,
) -> PersonalData:
    """Every field checked, every failure named at once (PIN-0); the result is what gets sealed."""
    failures: list[Failure] = []

    def attempt(parse: Callable[..., T], *args: Any, **kw: Any) -> T | None:
        try:
            return parse(*args, **kw)
        except RuleViolation as e:
            failures.extend(e.failures)
            return None

    name = attempt(parse_text, full_name, field="fullName", max_chars=NAME_CHARS)
    nik_value = attempt(NIK.parse, nik) if nik is not None else None
    passport = attempt(PassportNumber.parse, passport_number) if passport_number is not None else None
    place = attempt(optional_text, birth_place, field="birthPlace", max_chars=PLACE_CHARS)
    mail = attempt(optional_text, email, field="email", max_chars=EMAIL_CHARS)
    works_for = attempt(optional_text, employer, field="employer", max_chars=NAME_CHARS)
    if mail is not None and (" " in mail or mail.count("@") != 1 or mail.startswith("@") or mail.endswith("@")):
        failures.append(Failure("PIN-0", "email", "an e-mail address is local-part@domain, without spaces"))
    if birth_date is not None and not EARLIEST_BIRTH <= birth_date <= today:
        failures.append(Failure("PIN-0", "birthDate", f"a birth date is from {EARLIEST_BIRTH} to today ({today})"))
    if failures:
        raise RuleViolation(*failures)
    assert name is not None  # parse_text returns text or raises
    return PersonalData(
        full_name=name,
        nik=nik_value.value if nik_value else None,
        passport_number=passport.value if passport else None,
        birth_place=place,
        birth_date=birth_date,
        email=mail,
        employer=works_for,
    )
