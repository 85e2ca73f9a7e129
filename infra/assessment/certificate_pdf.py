"""The LSP competency certificate as a PDF (ASM-7): what the printed blangko says, bilingual (its blangko and
registration numbers, the holder, the skema with its units, the LSP, the issue date and validity), PDF/A-3b with
the certificate's credential (an Open Badge) embedded and its QR, certified (:mod:`infra.documents.sealing`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm

from application.service import Service
from domain.assessment.standards import Skema
from domain.wib import WIB
from infra.documents.page import compose, fields, grid, heading
from infra.documents.qr import verification_link
from infra.documents.sealing import seal
from infra.documents.signing import DocumentSigner
from projections.assessment.rows import AssessmentRow, CertificateRow
from projections.assessment.view import AssessmentView

KIND = "CERTIFICATE"
TITLE = ("SERTIFIKAT KOMPETENSI", "CERTIFICATE OF COMPETENCE")
STATUS = {"VALID": "Berlaku / Valid", "EXPIRED": "Kedaluwarsa / Expired", "REVOKED": "Dicabut / Revoked"}


def render_certificate_pdf(
    row: CertificateRow,
    units: Sequence[tuple[str, str]],
    signer: DocumentSigner,
    printed_at: datetime,
    *,
    server: str,
    credential: Mapping[str, Any] | None,
) -> bytes:
    """``units``: (code, title) of each unit the holder was found competent in (ASM-4: all of the skema's)."""
    status = row.status(printed_at.astimezone(WIB).date())
    lsp = row.lsp_name or f"Lembaga Sertifikasi Profesi {row.lsp_code}"  # ASM-2.name
    blocks = [
        fields(
            [
                ("Nomor blangko / Certificate number", row.blangko_number),
                ("Nomor registrasi / Registration number", row.registration_number),
                ("Diberikan kepada / Awarded to", row.holder_name),
                ("Skema sertifikasi / Certification scheme", f"{row.skema_title} ({row.skema_code})"),
                ("Diterbitkan oleh / Issued by", lsp),
                ("Tanggal terbit / Issued on", row.issued_on or "-"),
                ("Berlaku sampai / Valid until", row.valid_until or "-"),
                ("Status saat dicetak / Status when printed", STATUS.get(status, status)),
            ]
        ),
        *heading("Unit kompetensi: dinyatakan KOMPETEN / Competency units: found COMPETENT"),
        grid(["Kode unit / Unit code", "Judul unit / Unit title"], units or [["-", "-"]], [48 * mm, 126 * mm]),
    ]
    made = printed_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M")
    page = compose(
        TITLE,
        blocks,
        author=lsp,
        subject=f"Sertifikat kompetensi {row.registration_number}",
        server=server,
        link=verification_link(credential, server),
        signed_by=[
            f"Ketua {lsp}",
            "Ditandatangani secara elektronik atas nama LSP / Signed electronically for the LSP",
            f"Dibuat / Generated: {made} WIB",
        ],
    )
    reason = "Sertifikat Kompetensi / Certificate of Competence"
    return seal(page, kind=KIND, server=server, signer=signer, reason=reason, created=printed_at, credential=credential)


def certificate_document(
    view: AssessmentView,
    standards: Service,
    signer: DocumentSigner,
    clock: Callable[[], datetime],
    credential: Callable[[CertificateRow, Sequence[str]], dict[str, Any] | None],
    server: str,
    row: CertificateRow,
) -> bytes | None:
    """The signed certificate, or None before it is signed (ASM-6 step 8); the caller has checked who asks."""
    if row.issued_on is None:
        return None
    codes = [unit.unit_code for unit in view.units(row.assessment_id)]
    assessment = view.assessment(row.assessment_id)
    return render_certificate_pdf(
        row,
        [(code, _titles(standards, assessment).get(code, "")) for code in codes],
        signer,
        clock(),
        server=server,
        credential=credential(row, codes),
    )


def _titles(standards: Service, assessment: AssessmentRow | None) -> dict[str, str]:
    """The units' titles in the skema version the candidate was assessed under."""
    if assessment is None:
        return {}
    skema = standards.find(Skema, Skema.create_id(assessment.skema_code))
    if skema is None or not 1 <= assessment.skema_version <= skema.current_version:
        return {}
    return {unit.code: unit.title for unit in skema.units_of(assessment.skema_version)}
