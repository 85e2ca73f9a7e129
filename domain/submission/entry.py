"""A catalog entry's details (SUB-1): who issues the certification, its category and its name."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.lookalike import look_alike
from domain.text import NAME_CHARS, parse_text


class IssuerKind(StrEnum):
    """Who issued the certification (seed 000: "institusi pemerintah, swasta, asosiasi profesi, ...")."""

    GOVERNMENT_INSTITUTION = "GOVERNMENT_INSTITUTION"
    PRIVATE_COMPANY = "PRIVATE_COMPANY"
    PROFESSIONAL_ASSOCIATION = "PROFESSIONAL_ASSOCIATION"
    TECHNOLOGY_COMPANY = "TECHNOLOGY_COMPANY"
    ONLINE_EDUCATION_PROVIDER = "ONLINE_EDUCATION_PROVIDER"


class IssuerOrigin(StrEnum):
    NATIONAL = "NATIONAL"  # di Indonesia
    FOREIGN = "FOREIGN"  # negara asing


@dataclass(frozen=True)
class EntryDetails:
    """One revision of a catalog entry: issuer, kind, origin, category and the certification's name."""

    issuer: str
    issuer_kind: IssuerKind
    origin: IssuerOrigin
    category: str
    name: str

    @classmethod
    def parse(
        cls, *, issuer: object, issuer_kind: IssuerKind, origin: IssuerOrigin, category: object, name: object
    ) -> EntryDetails:
        return cls(
            issuer=parse_text(issuer, field="issuer", max_chars=NAME_CHARS, rule_id="SUB-1"),
            issuer_kind=IssuerKind(issuer_kind),
            origin=IssuerOrigin(origin),
            category=parse_text(category, field="category", max_chars=NAME_CHARS, rule_id="SUB-1"),
            name=parse_text(name, field="name", max_chars=NAME_CHARS, rule_id="SUB-1"),
        )

    def same_certification(self, other: EntryDetails) -> bool:
        """SUB-1.duplicate: the same issuer and name as people read them: whatever their case or width, and
        with look-alike letters of other scripts read as the letters they imitate (TR39 skeletons)."""
        return look_alike(self.issuer, other.issuer) and look_alike(self.name, other.name)


@dataclass(frozen=True)
class CatalogRef:
    """What a submission records of the catalog (SUB-1): the entry, its revision, and that revision's details."""

    entry_id: UUID
    revision: int
    details: EntryDetails
