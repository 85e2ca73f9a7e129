"""The DPI (Dokumen Pendamping Ijazah) as a PDF (SUB-8): bilingual like the seed's example, listing the approved
certifications, and certified like SIVIL's PDF (one PAdES signature over the whole file, the document-signing key
of :mod:`infra.document_signing`).

Before graduation the DPI is OPEN and each page says it is a draft; once FINISHED it is the printed document.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from api.sivil.wib import WIB
from application.service import Service
from domain.personal import Unsealer
from domain.registry.programme import Programme
from domain.registry.student import Student
from domain.registry.university import University
from infra.document_signing import DocumentSigner
from infra.sivil.pdf import certify
from infra.sivil.pdf_layout import PageFonts, page_fonts, printable
from projections.assessment.rows import CertificateRow
from projections.personal import ERASED
from projections.submission.rows import DpiRow
from projections.submission.view import SubmissionView

TITLE = ("DOKUMEN PENDAMPING IJAZAH", "DIPLOMA SUPPLEMENT")
CERTIFICATE_HEADERS = (
    ("Nomor registrasi", "Registration number"),
    ("Skema", "Scheme"),
    ("LSP", "LSP"),
    ("Terbit", "Issued"),
    ("Berlaku s.d.", "Valid until"),
    ("Status", "Status"),
)
DRAFT = "DRAF: belum dicetak pada wisuda / DRAFT: not yet printed at graduation"
HEADERS = (
    ("No.", "No."),
    ("Sertifikasi", "Certification"),
    ("Penerbit", "Issuer"),
    ("Kategori", "Category"),
    ("Hasil", "Result"),
    ("Berlaku s.d.", "Valid thru"),
)


@dataclass(frozen=True)
class DpiHolder:
    """Who the DPI is for, from the registry at rendering time (an erased name prints as erased)."""

    full_name: str
    university_name: str
    prodi_code: str
    prodi_name: str


def render_dpi_pdf(
    dpi: DpiRow,
    holder: DpiHolder,
    signer: DocumentSigner,
    printed_at: datetime,
    certificates: Sequence[CertificateRow] = (),
) -> bytes:
    return certify(
        IncrementalPdfFileWriter(io.BytesIO(compose_dpi(dpi, holder, printed_at, certificates=certificates))),
        signer,
        reason="Dokumen Pendamping Ijazah / Diploma Supplement",
    )


def compose_dpi(
    dpi: DpiRow,
    holder: DpiHolder,
    printed_at: datetime,
    fonts: PageFonts | None = None,
    certificates: Sequence[CertificateRow] = (),
) -> bytes:
    fonts = fonts or page_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{TITLE[0]} / {TITLE[1]}: NIM {dpi.nim}",
        author=holder.university_name,
        subject="Sertifikasi Non Credit Earning / Non-credit-earning certifications",
        creator="kredensial",
        invariant=True,
    )
    style = ParagraphStyle("cell", fontName=fonts.regular, fontSize=8.5, leading=10.5)
    bold = ParagraphStyle("bold", parent=style, fontName=fonts.bold)

    def text(value: str, look: ParagraphStyle = style) -> Paragraph:
        return Paragraph(escape(printable(value, fonts)), look)

    story: list[Flowable] = [
        text(TITLE[0], ParagraphStyle("title", fontName=fonts.bold, fontSize=17, leading=21)),
        text(TITLE[1], ParagraphStyle("subtitle", fontName=fonts.italic, fontSize=13, leading=17)),
        Spacer(0, 5 * mm),
    ]
    identity = [
        ("Nama / Name", holder.full_name),
        ("NIM / Student number", dpi.nim),
        ("Perguruan tinggi / University", f"{holder.university_name} ({dpi.university_code})"),
        ("Program studi / Study programme", f"{holder.prodi_name} ({holder.prodi_code})"),
        ("Yudisium / Graduation decree", dpi.graduation_decree or "-"),
    ]
    facts = Table([[text(k, bold), text(v)] for k, v in identity], colWidths=[60 * mm, 114 * mm])
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(facts)
    story.append(Spacer(0, 6 * mm))
    story.append(text("Sertifikasi Non Credit Earning / Non-credit-earning certifications", bold))
    story.append(Spacer(0, 2 * mm))
    header = [text(i if i == e else f"{i} / {e}", bold) for i, e in HEADERS]
    rows = [
        [
            text(str(number)),
            text(line.name),
            text(line.issuer),
            text(line.category),
            text(line.result),
            text(line.valid_thru or "tanpa batas / no expiry"),
        ]
        for number, line in enumerate(dpi.lines, start=1)
    ]
    if not rows:
        rows = [[text("-"), text("tidak ada / none"), text(""), text(""), text(""), text("")]]
    table = Table([header, *rows], colWidths=[10 * mm, 52 * mm, 36 * mm, 28 * mm, 20 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(0, 6 * mm)]
    if certificates:  # ASM-7: competency certificates the student holds, with their status when printed
        today = printed_at.astimezone(WIB).date()
        story += [text("Sertifikat kompetensi BNSP / BNSP competency certificates", bold), Spacer(0, 2 * mm)]
        head = [text(i if i == e else f"{i} / {e}", bold) for i, e in CERTIFICATE_HEADERS]
        lines = [
            [
                text(c.registration_number),
                text(f"{c.skema_title} ({c.skema_code})"),
                text(c.lsp_code),
                text(c.issued_on or "-"),
                text(c.valid_until or "-"),
                text(c.status(today)),
            ]
            for c in certificates
        ]
        held = Table([head, *lines], colWidths=[30 * mm, 42 * mm, 30 * mm, 23 * mm, 23 * mm, 26 * mm], repeatRows=1)
        held.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [held, Spacer(0, 6 * mm)]
    if dpi.finished_on:
        story.append(text(f"Dicetak / Printed: {dpi.finished_on} (FINISHED)", bold))
    else:
        story.append(text(DRAFT, bold))
    story.append(text(f"Dibuat / Generated: {printed_at.astimezone(WIB).strftime('%Y-%m-%d %H:%M')} WIB"))

    def on_page(canvas: Canvas, _: object) -> None:
        if not dpi.finished_on:  # every page of a draft says so
            canvas.saveState()
            canvas.setFont(fonts.bold, 9)
            canvas.setFillColor(colors.HexColor("#b3261e"))
            canvas.drawString(18 * mm, 10 * mm, DRAFT)
            canvas.restoreState()

    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def dpi_document(
    view: SubmissionView,
    certificates: Callable[[str, str, str | None], list[CertificateRow]],
    registry: Service,
    unsealer: Unsealer,
    signer: DocumentSigner,
    clock: Callable[[], datetime],
    university_code: str,
    nim: str,
) -> bytes | None:
    """The signed PDF of a student's DPI, or None when they have none; the caller has checked who asks."""
    dpi = view.dpi(university_code, nim)
    student = registry.find(Student, Student.create_id(university_code, nim))
    if dpi is None or student is None:
        return None
    programme = registry.find(Programme, Programme.create_id(university_code, student.prodi_code))
    university = registry.find(University, University.create_id(university_code))
    personal = unsealer.unseal(student.personal)
    holder = DpiHolder(
        full_name=personal.full_name if personal is not None else ERASED,
        university_name=university.name if university is not None else university_code,
        prodi_code=student.prodi_code,
        prodi_name=programme.name if programme is not None else student.prodi_code,
    )
    held = certificates(university_code, nim, dpi.finished_on)  # ASM-7
    return render_dpi_pdf(dpi, holder, signer, clock(), held)
