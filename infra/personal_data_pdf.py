"""The personal data report as a readable PDF (UU PDP; issue 12, item 6): the person's data, what is held about
them, and who processed it when, in Bahasa Indonesia with English. The same content as the JSON answer."""

from __future__ import annotations

import io
import json
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from api.sivil.wib import WIB
from application.audit.personal_data import PersonalDataReport
from infra.sivil.pdf_layout import page_fonts, printable

LABELS = {
    "full_name": "Nama lengkap / Full name",
    "nik": "NIK",
    "passport_number": "Nomor paspor / Passport number",
    "birth_place": "Tempat lahir / Place of birth",
    "birth_date": "Tanggal lahir / Date of birth",
    "email": "Surel / E-mail",
}


def render_personal_data_pdf(report: PersonalDataReport) -> bytes:
    fonts = page_fonts()
    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=8.5, leading=10.5)
    bold = ParagraphStyle("bold", parent=body, fontName=fonts.bold)
    heading = ParagraphStyle("heading", fontName=fonts.bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)

    def text(value: Any, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(printable(str(value) if value is not None else "-", fonts)), style)

    def table(rows: list[list[Any]], widths: list[float]) -> LongTable:
        t = LongTable(rows, colWidths=widths, repeatRows=1, splitInRow=1)  # a long reason may cross a page
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    made = report.generated_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")
    story: list[Any] = [
        text("Laporan Data Pribadi / Personal Data Report", ParagraphStyle("t", fontName=fonts.bold, fontSize=15)),
        Spacer(1, 3 * mm),
        text(f"{report.subject} - dibuat / made {made} - UU 27/2022 tentang Pelindungan Data Pribadi"),
        text("Data pribadi / Personal data", heading),
    ]
    if report.personal is None:
        story.append(text("Dihapus atas permintaan atau akhir masa retensi / Erased (request or end of retention)"))
    else:
        rows = [[text("Data", bold), text("Isi / Value", bold)]]
        rows += [[text(LABELS.get(k, k)), text(v)] for k, v in report.personal.items() if v is not None]
        story.append(table(rows, [60 * mm, 110 * mm]))
    story.append(text("Catatan yang disimpan / Records held", heading))
    for name, record in report.records.items():
        story.append(text(name, bold))
        story.append(text(json.dumps(record, ensure_ascii=False, sort_keys=True)[:4000]))
    story.append(text("Jejak pemrosesan / Processing trail", heading))
    rows = [[text(h, bold) for h in ("Waktu / When", "Apa / What", "Oleh / By", "Alasan / Reason")]]
    rows += [
        [text(p.at.astimezone(WIB).strftime("%Y-%m-%d %H:%M")), text(p.what), text(p.by), text(p.reason)]
        for p in report.trail
    ]
    story.append(table(rows, [28 * mm, 52 * mm, 55 * mm, 35 * mm]))
    if report.omitted:
        story.append(text(f"... dan {report.omitted} entri lagi / and {report.omitted} more entries"))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="Personal data report", leftMargin=18 * mm, rightMargin=18 * mm).build(
        story
    )
    return out.getvalue()
