"""The DPI (Dokumen Pendamping Ijazah) as a PDF (SUB-8): bilingual, the student's diploma as SIVIL shows it (NINA,
level, graduation date), the yudisium, the approved certifications and the competency certificates held (ASM-7);
PDF/A-3b with the DPI's credential embedded and its QR, certified (:mod:`infra.documents.sealing`).

Before graduation the DPI is open and each page says it is a draft; once printed at graduation it no longer changes.
A DPI is a credential once its student's NINA is paired (:mod:`domain.credentials.dpi`): before, the PDF has no QR.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from application.service import Service
from domain.personal import Unsealer
from domain.registry.programme import Programme
from domain.registry.student import Student
from domain.registry.university import University
from domain.wib import WIB
from infra.documents.page import compose, fields, grid, heading
from infra.documents.qr import verification_link
from infra.documents.sealing import seal
from infra.documents.signing import DocumentSigner
from projections.assessment.rows import CertificateRow
from projections.personal import ERASED
from projections.sivil.rows import SivilEntry
from projections.submission.rows import DpiRow
from projections.submission.view import SubmissionView

KIND = "DPI"
TITLE = ("DOKUMEN PENDAMPING IJAZAH", "DIPLOMA SUPPLEMENT")
DRAFT = "DRAF: belum dicetak pada wisuda / DRAFT: not yet printed at graduation"
STATUS = {"VALID": "Berlaku / Valid", "EXPIRED": "Kedaluwarsa / Expired", "REVOKED": "Dicabut / Revoked"}


@dataclass(frozen=True)
class DpiHolder:
    """Who the DPI is for, from the registry and SIVIL at rendering time (an erased name prints as erased)."""

    full_name: str
    university_name: str
    prodi_code: str
    prodi_name: str
    level: str = "-"
    nina: str | None = None  # once paired (PIN-3)
    graduation_date: str | None = None
    yudisium: str | None = None  # the decree's number
    yudisium_date: str | None = None


def render_dpi_pdf(
    dpi: DpiRow,
    holder: DpiHolder,
    signer: DocumentSigner,
    printed_at: datetime,
    certificates: Sequence[CertificateRow] = (),
    *,
    server: str,
    credential: Mapping[str, Any] | None = None,
) -> bytes:
    page = compose_dpi(dpi, holder, printed_at, certificates, server=server, credential=credential)
    reason = "Dokumen Pendamping Ijazah / Diploma Supplement"
    return seal(page, kind=KIND, server=server, signer=signer, reason=reason, created=printed_at, credential=credential)


def compose_dpi(
    dpi: DpiRow,
    holder: DpiHolder,
    printed_at: datetime,
    certificates: Sequence[CertificateRow] = (),
    *,
    server: str,
    credential: Mapping[str, Any] | None = None,
) -> bytes:
    yudisium = "-"
    if holder.yudisium:
        yudisium = holder.yudisium + (f", {holder.yudisium_date}" if holder.yudisium_date else "")
    blocks: list[Flowable] = [
        fields(
            [
                ("Nama / Name", holder.full_name),
                ("NIM / Student number", dpi.nim),
                ("NINA / National diploma number", holder.nina or "belum dipasangkan / not yet paired"),
                ("Perguruan tinggi / University", f"{holder.university_name} ({dpi.university_code})"),
                ("Program studi / Study programme", f"{holder.prodi_name} ({holder.prodi_code})"),
                ("Jenjang / Level", holder.level),
                ("Yudisium (nomor, tanggal) / Graduation decree (number, date)", yudisium),
                ("Tanggal lulus / Graduation date", holder.graduation_date or "-"),
            ]
        ),
        *heading("Sertifikasi Non Credit Earning / Non-credit-earning certifications"),
        grid(
            [
                "No.",
                "Sertifikasi / Certification",
                "Penerbit / Issuer",
                "Kategori / Category",
                "Hasil / Result",
                "Berlaku s.d. / Valid thru",
            ],
            [
                [str(n), line.name, line.issuer, line.category, line.result, line.valid_thru or "tanpa batas / none"]
                for n, line in enumerate(dpi.lines, start=1)
            ]
            or [["-", "tidak ada / none", "", "", "", ""]],
            [11 * mm, 49 * mm, 36 * mm, 26 * mm, 22 * mm, 30 * mm],
        ),
    ]
    if certificates:  # ASM-7: competency certificates the student holds, with their status when printed
        today = printed_at.astimezone(WIB).date()
        blocks += heading("Sertifikat kompetensi BNSP / BNSP competency certificates")
        blocks.append(
            grid(
                [
                    "Nomor registrasi / Registration number",
                    "Skema / Scheme",
                    "LSP",
                    "Terbit / Issued",
                    "Berlaku s.d. / Valid until",
                    "Status",
                ],
                [
                    [
                        c.registration_number,
                        f"{c.skema_title} ({c.skema_code})",
                        c.lsp_code,
                        c.issued_on or "-",
                        c.valid_until or "-",
                        STATUS.get(c.status(today), c.status(today)),
                    ]
                    for c in certificates
                ],
                [32 * mm, 44 * mm, 26 * mm, 22 * mm, 26 * mm, 24 * mm],
            )
        )
    made = printed_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M")
    printed = f"Dicetak pada wisuda / Printed at graduation: {dpi.finished_on}" if dpi.finished_on else DRAFT
    return compose(
        TITLE,
        blocks,
        author=holder.university_name,
        subject=f"DPI NIM {dpi.nim}",
        server=server,
        link=verification_link(credential, server),
        signed_by=[holder.university_name, printed, f"Dibuat / Generated: {made} WIB"],
        every_page=None if dpi.finished_on else DRAFT,
    )


def dpi_document(
    view: SubmissionView,
    certificates: Callable[[str, str, str | None], list[CertificateRow]],
    registry: Service,
    unsealer: Unsealer,
    signer: DocumentSigner,
    clock: Callable[[], datetime],
    diploma: Callable[[str, str], SivilEntry | None],
    credential: Callable[[DpiRow, SivilEntry | None], dict[str, Any] | None],
    server: str,
    university_code: str,
    nim: str,
) -> bytes | None:
    """The signed PDF of a student's DPI, or None when they have none; the caller has checked who asks.
    ``diploma``: the diploma SIVIL shows for the student (their paired NINA), ``credential``: the DPI's."""
    dpi = view.dpi(university_code, nim)
    student = registry.find(Student, Student.create_id(university_code, nim))
    if dpi is None or student is None:
        return None
    programme = registry.find(Programme, Programme.create_id(university_code, student.prodi_code))
    university = registry.find(University, University.create_id(university_code))
    personal = unsealer.unseal(student.personal)
    graduation = student.graduation
    decree = dpi.graduation_decree or (graduation.decree_number if graduation else None)
    dated = graduation is not None and graduation.decree_number == decree  # the decree the DPI was printed with
    shown = diploma(university_code, nim)
    holder = DpiHolder(
        full_name=personal.full_name if personal is not None else ERASED,
        university_name=university.name if university is not None else university_code,
        prodi_code=student.prodi_code,
        prodi_name=programme.name if programme is not None else student.prodi_code,
        level=shown.level if shown else (programme.level.value if programme is not None else "-"),
        nina=shown.nina if shown else None,
        graduation_date=shown.graduation_date if shown else None,
        yudisium=decree,
        yudisium_date=graduation.decree_date.isoformat() if graduation is not None and dated else None,
    )
    held = certificates(university_code, nim, dpi.finished_on)  # ASM-7
    signed = credential(dpi, shown)
    return render_dpi_pdf(dpi, holder, signer, clock(), held, server=server, credential=signed)
