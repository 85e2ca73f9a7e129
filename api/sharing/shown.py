"""What a share shows of each kind of credential (SHR-2, SHR-11, SHR-12), read from the read models at opening: the
kind's public minimum, the facts the holder chose, the status as it stands now, and the signed credential.

A diploma shows as SIVIL does (name, university, level, NINA, status); a certificate as ASM-7's public look-up does
(holder, scheme, LSP, status, validity); an SK by its number, its equivalence and its status only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.services import Services
from api.sharing import page
from application.sharing.shares import Opening
from domain.calendar import JAKARTA
from domain.credentials.status_list import CredentialKind as StatusKind
from domain.credentials.status_list import Purpose
from domain.sharing.terms import CredentialKind, Fact, HolderKind
from domain.wib import wib_and_utc
from projections.assessment.rows import CertificateRow
from projections.equivalency.rows import ApplicationRow
from projections.sivil.rows import SivilEntry

DIPLOMA_VERDICTS = {"VALID": "valid", "VOID": "annulled", "CANCELLED_IN_ERROR": "cancelled"}
CERTIFICATE_VERDICTS = {"VALID": "valid", "EXPIRED": "expired", "REVOKED": "revoked"}


def shown(services: Services, opening: Opening, now: datetime, download: str | None, code: str | None) -> page.Shown:
    kind = opening.share.credential.kind
    if kind is CredentialKind.CERTIFICATE:
        return _certificate(services, opening, now, download, code)
    if kind is CredentialKind.SK:
        return _sk(services, opening, now, download, code)
    return _diploma(services, opening, now, download, code)


def signed(services: Services, opening: Opening) -> tuple[dict[str, Any], str] | None:
    """The signed credential and its file's name, when the holder disclosed it and it can be signed now."""
    if Fact.CREDENTIAL not in opening.share.disclosed:
        return None
    kind = opening.share.credential.kind
    if kind is CredentialKind.CERTIFICATE:
        row = services.assessment.view.certificate(opening.share.credential.key)
        if row is None:
            return None
        units = [unit.unit_code for unit in services.assessment.view.units(row.assessment_id)]
        made = services.credentials.certificate(row, units)
        return (made, "sertifikat.vc.json") if made else None
    if kind is CredentialKind.SK:
        application = _sk_application(services, opening)
        made = services.credentials.sk(application) if application is not None else None
        return (made, "sk-penyetaraan.vc.json") if made else None
    entry = _entry(services, opening)
    made = services.credentials.diploma(entry) if entry is not None else None
    return (made, f"ijazah-{entry.nina}.vc.json") if made and entry else None


def _until(opening: Opening) -> str:
    return wib_and_utc(opening.share.expires_at, "%Y-%m-%d %H:%M")


def _diploma(services: Services, opening: Opening, now: datetime, download: str | None, code: str | None) -> page.Shown:
    entry = _entry(services, opening)
    facts = opening.share.disclosed
    rows: list[tuple[str, str]] = []
    if entry is not None and Fact.PROGRAMME in facts:
        rows.append(("Program studi / Programme", f"{entry.programme_name} ({entry.prodi_code})"))
    if entry is not None and Fact.GRADUATION_DATE in facts:
        rows.append(("Tanggal lulus / Graduation date", entry.graduation_date))
    certifications = _certifications(services, opening) if Fact.CERTIFICATIONS in facts else None
    offered = Fact.CREDENTIAL in facts and entry is not None
    minimum = [
        ("Nama / Name", entry.full_name if entry else "—"),
        ("Perguruan tinggi / University", f"{entry.university_name} ({entry.university_code})" if entry else "—"),
        ("Jenjang / Level", entry.level if entry else "—"),
        ("NINA", entry.nina if entry else "—"),
        ("Status sejak / Status since", entry.status_date if entry else "—"),
    ]
    return page.Shown(
        kind=CredentialKind.DIPLOMA.value,
        verdict=DIPLOMA_VERDICTS.get(entry.status, "unknown") if entry else "unknown",
        minimum=minimum,
        facts=rows,
        certifications=certifications,
        expires_at=_until(opening),
        download=download if offered else None,
        download_code=code if offered else None,
    )


def _certificate(
    services: Services, opening: Opening, now: datetime, download: str | None, code: str | None
) -> page.Shown:
    """SHR-11: ASM-7's public minimum (holder, scheme, LSP, status, validity); the number and units if chosen."""
    row: CertificateRow | None = services.assessment.view.certificate(opening.share.credential.key)
    facts = opening.share.disclosed
    status = row.status(now.astimezone(JAKARTA).date()) if row else ""
    minimum = [
        ("Nama / Name", row.holder_name if row else "—"),
        ("Skema / Scheme", f"{row.skema_code} {row.skema_title}" if row else "—"),
        ("LSP", row.lsp_code if row else "—"),
        ("Berlaku / Valid", f"{row.issued_on} — {row.valid_until}" if row else "—"),
    ]
    if row is not None and row.revoked_on:
        minimum.append(("Dicabut pada / Revoked on", row.revoked_on))
    rows: list[tuple[str, str]] = []
    if row is not None and Fact.REGISTRATION_NUMBER in facts:
        rows.append(("Nomor registrasi / Registration number", row.registration_number))
    if row is not None and Fact.UNITS in facts:
        units = [unit.unit_code for unit in services.assessment.view.units(row.assessment_id)]
        rows.append(("Unit kompetensi / Competency units", ", ".join(units) or "—"))
    offered = Fact.CREDENTIAL in facts and row is not None
    return page.Shown(
        kind=CredentialKind.CERTIFICATE.value,
        verdict=CERTIFICATE_VERDICTS.get(status, "unknown"),
        minimum=minimum,
        facts=rows,
        certifications=None,
        expires_at=_until(opening),
        download=download if offered else None,
        download_code=code if offered else None,
    )


def _sk(services: Services, opening: Opening, now: datetime, download: str | None, code: str | None) -> page.Shown:
    """SHR-12: the SK's number, its equivalence and its status (current, suspended by a PK under way, superseded);
    the applicant's name and the foreign diploma if chosen."""
    registration, sk_number = opening.share.credential.key.split("/", 1)
    view = services.equivalency.view
    status = view.sk_status(registration, sk_number)
    application = view.application(registration)
    level = application.equal_level if status == "CURRENT" and application else None
    if status == "SUPERSEDED":
        issued = view.decision_of_sk(sk_number.upper())
        decision = view.decision(*issued) if issued else None
        level = decision.equal_level if decision else None
    verdict = {"CURRENT": "valid", "SUPERSEDED": "superseded"}.get(status, "unknown")
    if verdict == "valid" and Purpose.SUSPENSION in services.credentials.purposes_set(
        StatusKind.SK, opening.share.credential.key
    ):
        verdict = "suspended"
    minimum = [("Nomor SK / SK number", sk_number), ("Setara dengan / Equivalent to", level or "—")]
    facts = opening.share.disclosed
    rows: list[tuple[str, str]] = []
    if application is not None and Fact.NAME in facts:
        rows.append(("Nama / Name", application.applicant_name))
    if application is not None and Fact.FOREIGN_DIPLOMA in facts:
        rows.append(
            (
                "Ijazah luar negeri / Foreign diploma",
                f"{application.level}, {application.programme}, {application.university} ({application.country})",
            )
        )
    offered = Fact.CREDENTIAL in facts and verdict == "valid"  # only the application's current SK is signed
    return page.Shown(
        kind=CredentialKind.SK.value,
        verdict=verdict,
        minimum=minimum,
        facts=rows,
        certifications=None,
        expires_at=_until(opening),
        download=download if offered else None,
        download_code=code if offered else None,
    )


def _sk_application(services: Services, opening: Opening) -> ApplicationRow | None:
    """The application, while the shared SK is still its current one (a superseded SK is signed no more)."""
    registration, sk_number = opening.share.credential.key.split("/", 1)
    application = services.equivalency.view.application(registration)
    if application is None or (application.sk_number or "").upper() != sk_number.upper():
        return None
    return application


def _entry(services: Services, opening: Opening) -> SivilEntry | None:
    university, prodi, nina = opening.share.credential.key.split("/", 2)
    return services.diploma.sivil.entry(university, prodi, nina)


def _certifications(services: Services, opening: Opening) -> list[str]:
    """The DPI's approved certifications (SUB-8), as the graduate's DPI lists them: name, issuer and result."""
    holder = opening.holder
    if holder.kind is not HolderKind.GRADUATE:
        return []
    row = services.submission.view.dpi(holder.institution, holder.person)
    lines: Any = row.lines if row is not None else ()
    return [f"{line.name} — {line.issuer} ({line.result}, {line.issued_on})" for line in lines]
