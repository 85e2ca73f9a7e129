"""The assessment context's kinds and stages, apart from its aggregates so that every layer may name them."""

from __future__ import annotations

from enum import StrEnum


class LicenceKind(StrEnum):
    """BNSP classifies an LSP by who set it up and whom it certifies (seed 001)."""

    FIRST_PARTY = "FIRST_PARTY"  # LSP pihak kesatu: an institution certifying its own people (students, staff)
    SECOND_PARTY = "SECOND_PARTY"  # LSP pihak kedua: for its supply chain
    THIRD_PARTY = "THIRD_PARTY"  # LSP pihak ketiga: for the public, set up by an association or the industry


class TukKind(StrEnum):
    SEWAKTU = "SEWAKTU"  # set up for the occasion
    TEMPAT_KERJA = "TEMPAT_KERJA"  # at the workplace
    MANDIRI = "MANDIRI"  # an independent, standing site


class Mode(StrEnum):
    ONSITE = "ONSITE"
    REMOTE = "REMOTE"  # asesmen jarak jauh (ASM-5)


class Stage(StrEnum):
    ASSESSING = "ASSESSING"  # asesors assigned, evidence collected, K/BK per unit
    IN_SOP = "IN_SOP"  # the recommendation concluded: the SOP's steps run
    APPEALED = "APPEALED"  # a BK result under appeal (ASM-8)
    CERTIFIED = "CERTIFIED"  # step 8 done: the certificate is issued
    NOT_YET_COMPETENT = "NOT_YET_COMPETENT"  # step 5 done: the Surat Keterangan Belum Kompeten is issued


class ApplicationStatus(StrEnum):
    """An LSP's application to BNSP for remote assessment (ASM-5.application, ASM-5.approval)."""

    PENDING = "PENDING"  # with BNSP
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"


class CertificateStatus(StrEnum):
    """A competency certificate's status on a day (ASM-7); the API names it in answers too."""

    PRINTED = "PRINTED"  # not yet signed: not a certificate to the public
    VALID = "VALID"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
