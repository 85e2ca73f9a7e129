"""What a share is of and what it shows (SHR-1 .. SHR-5): the holder, the credential, the facts, the terms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.audit import Actor, Role
from domain.errors import Collected, NotAuthorized, violation
from domain.text import parse_text

DEFAULT_DAYS = 30  # SHR-4
MAX_DAYS = 366 - 1  # SHR-4: at most a year
MAX_VIEWS = 1000  # SHR-5
LABEL_CHARS = 100  # SHR-3


class HolderKind(StrEnum):
    GRADUATE = "graduate"  # a student's diploma and DPI: the token's NIM at its university
    CERTIFICATE_HOLDER = "certificate_holder"  # an asesi's certificates: their candidate number at the LSP
    APPLICANT = "applicant"  # an equivalency applicant's SK: their portal account


_KINDS = {
    Role.STUDENT: HolderKind.GRADUATE,
    Role.ASESI: HolderKind.CERTIFICATE_HOLDER,
    Role.APPLICANT: HolderKind.APPLICANT,
}


@dataclass(frozen=True)
class Holder:
    """SHR-1: a share is its holder's own; who they are is read from the sign-in alone, never from an argument."""

    kind: HolderKind
    institution: str  # the university's or the LSP's code; "" for an applicant
    person: str  # the NIM, the candidate number or the portal account

    @classmethod
    def of(cls, actor: Actor) -> Holder:
        kind = _KINDS.get(actor.role)
        if kind is None:
            raise NotAuthorized(f"role {actor.role} holds no credential to share (SHR-1)")
        return cls(kind=kind, institution=actor.institution or "", person=actor.id)

    @property
    def key(self) -> str:
        return f"{self.kind.value}/{self.institution}/{self.person}"


class CredentialKind(StrEnum):
    DIPLOMA = "diploma"  # a graduate's: key "university/prodi/NINA"
    CERTIFICATE = "certificate"  # an asesi's LSP certificate (an Open Badge): key its registration number
    SK = "sk"  # an applicant's SK of equivalency: key "registration number/SK number" (sk_subject_key)


HOLDS = {  # SHR-1: which holder may share which kind of credential
    HolderKind.GRADUATE: frozenset({CredentialKind.DIPLOMA}),
    HolderKind.CERTIFICATE_HOLDER: frozenset({CredentialKind.CERTIFICATE}),
    HolderKind.APPLICANT: frozenset({CredentialKind.SK}),
}


class Fact(StrEnum):
    """SHR-2: what a holder may choose to show beyond the minimum of each kind (SHR-2, SHR-11, SHR-12). The NIK is
    never one of them."""

    PROGRAMME = "programme"
    GRADUATION_DATE = "graduation_date"
    CERTIFICATIONS = "certifications"  # the DPI's approved certifications
    CREDENTIAL = "credential"  # the signed credential to download: it carries what CARRIED names, and more
    REGISTRATION_NUMBER = "registration_number"  # a certificate's: the number anyone may look it up by (ASM-7)
    UNITS = "units"  # a certificate's competency units
    NAME = "name"  # an SK's applicant
    FOREIGN_DIPLOMA = "foreign_diploma"  # an SK's foreign university, programme, country and level


OFFERED = {
    CredentialKind.DIPLOMA: frozenset({Fact.PROGRAMME, Fact.GRADUATION_DATE, Fact.CERTIFICATIONS, Fact.CREDENTIAL}),
    CredentialKind.CERTIFICATE: frozenset({Fact.REGISTRATION_NUMBER, Fact.UNITS, Fact.CREDENTIAL}),
    CredentialKind.SK: frozenset({Fact.NAME, Fact.FOREIGN_DIPLOMA, Fact.CREDENTIAL}),
}
# SHR-2.credential: a signature cannot be cut down, so the signed credential comes only with the facts it carries
CARRIED = {
    CredentialKind.DIPLOMA: frozenset({Fact.PROGRAMME, Fact.GRADUATION_DATE}),
    CredentialKind.CERTIFICATE: frozenset({Fact.REGISTRATION_NUMBER, Fact.UNITS}),
    CredentialKind.SK: frozenset({Fact.NAME, Fact.FOREIGN_DIPLOMA}),
}


@dataclass(frozen=True)
class CredentialRef:
    """The credential a share is of, as the holder's own records name it when the share is made."""

    kind: CredentialKind
    key: str  # as CredentialKind says; a diploma's is domain.credentials.diploma.diploma_subject_key


def parse_facts(kind: CredentialKind, facts: Iterable[str]) -> tuple[Fact, ...]:
    """SHR-2: facts offered for the credential's kind, each once, in a stable order; the signed credential only
    with the facts it carries (a signature cannot be cut down: showing it shows them)."""
    chosen: set[Fact] = set()
    for text in facts:
        try:
            fact = Fact(text)
        except ValueError:
            raise violation("SHR-2", "disclose", f"disclose is among {', '.join(sorted(OFFERED[kind]))}") from None
        if fact not in OFFERED[kind]:
            raise violation("SHR-2", "disclose", f"{fact} is not offered for a {kind}")
        chosen.add(fact)
    if Fact.CREDENTIAL in chosen and not CARRIED[kind] <= chosen:
        carried = " and ".join(sorted(CARRIED[kind]))
        raise violation(
            "SHR-2.credential", "disclose", f"the signed credential carries {carried}: disclose them too, or not it"
        )
    return tuple(f for f in Fact if f in chosen)


@dataclass(frozen=True)
class Terms:
    label: str
    expires_at: datetime
    max_views: int | None

    @classmethod
    def parse(cls, *, label: object, days: int | None, max_views: int | None, now: datetime) -> Terms:
        """SHR-3 (a label of at most 100 characters), SHR-4 (1 to 365 days, 30 unless given), SHR-5 (no limit, or
        1 to 1000 views); every problem named at once."""
        collected = Collected()
        text = collected.attempt(lambda: parse_text(label, field="label", max_chars=LABEL_CHARS, rule_id="SHR-3"))
        days = DEFAULT_DAYS if days is None else days
        if not 1 <= days <= MAX_DAYS:
            collected.failures.extend(
                violation("SHR-4", "expiresInDays", f"a share lasts 1 to {MAX_DAYS} days; got {days}").failures
            )
        if max_views is not None and not 1 <= max_views <= MAX_VIEWS:
            collected.failures.extend(
                violation("SHR-5", "maxViews", f"maxViews is 1 to {MAX_VIEWS}, or none; got {max_views}").failures
            )
        collected.raise_any()
        assert text is not None
        return cls(label=text, expires_at=now + timedelta(days=days), max_views=max_views)
