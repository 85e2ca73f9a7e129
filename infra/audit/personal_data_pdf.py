"""The personal data report as a readable PDF (UU PDP; issue 12, item 6; issue 32, item 5): the person's data, what
was done with it and who saw it, one fact a line in Bahasa Indonesia with English under it, and what is held about
them. The machine-readable JSON (the GraphQL answer) is embedded whole as ``personal-data.json``, a PDF/A-3
associated file, so the file is archival (PDF/A-3b, :mod:`infra.documents.pdfa`) and both readings travel together."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from application.audit.personal_data import PersonalDataReport
from application.audit.sentences import period, written
from infra.documents import pdfa
from infra.documents.fonts import page_fonts, printable

ATTACHMENT = "personal-data.json"
MAX_HELD_LINES = 120  # per record: the rest is in the attachment

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

    made = written(report.generated_at, with_time=True)
    english = ParagraphStyle("english", parent=body, textColor=colors.HexColor("#444444"), leftIndent=4 * mm)
    story: list[Any] = [
        text("Laporan Data Pribadi / Personal Data Report", ParagraphStyle("t", fontName=fonts.bold, fontSize=15)),
        Spacer(1, 3 * mm),
        text(f"{report.subject} - dibuat {made.id} / made {made.en} - UU 27/2022 tentang Pelindungan Data Pribadi"),
        text(
            f"Data lengkap yang dapat dibaca mesin terlampir dalam berkas ini ({ATTACHMENT}) / "
            f"The full machine-readable data is attached to this file ({ATTACHMENT})"
        ),
        text("Data pribadi / Personal data", heading),
    ]
    if report.personal is None:
        story.append(text("Dihapus atas permintaan atau akhir masa retensi / Erased (request or end of retention)"))
    else:
        rows = [[text("Data", bold), text("Isi / Value", bold)]]
        rows += [[text(LABELS.get(k, k)), text(v)] for k, v in report.personal.items() if v is not None]
        story.append(table(rows, [60 * mm, 110 * mm]))
    story.append(
        text(
            "Apa yang dilakukan dengan data Anda, dan siapa yang melihatnya / What was done with your data, "
            "and who saw it",
            heading,
        )
    )
    for p in report.trail:
        said = p.said
        if said is None:
            continue
        story.append(KeepTogether([text(said.id), text(said.en, english), Spacer(1, 1.2 * mm)]))
    if report.omitted:
        story.append(text(f"... dan {report.omitted} entri lagi / and {report.omitted} more entries"))
    story.append(text("Catatan yang disimpan tentang Anda / Records held about you", heading))
    for name, record in report.records.items():
        story.append(text(name.replace("_", " ").capitalize(), bold))
        lines = list(_held(record))
        story += [text(line) for line in lines[:MAX_HELD_LINES]]
        if len(lines) > MAX_HELD_LINES:
            story.append(
                text(f"... {len(lines) - MAX_HELD_LINES} baris lagi di lampiran / more lines in the attachment")
            )
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, title="Laporan Data Pribadi / Personal data report", leftMargin=18 * mm, rightMargin=18 * mm
    ).build(story)
    return _archival(out.getvalue(), report)


def _archival(page: bytes, report: PersonalDataReport) -> bytes:
    """PDF/A-3b with the JSON answer embedded as the page's source."""
    writer = pdfa.archival_writer(page)
    pdfa.embed_associated(
        writer,
        file_name=ATTACHMENT,
        data=json.dumps(report.as_json(), ensure_ascii=False, indent=1).encode("utf-8"),
        mime_type="application/json",
        description="Laporan data pribadi, dapat dibaca mesin / Personal data report, machine-readable",
        relationship="/Source",
        modified=report.generated_at,
    )
    pdfa.conform(writer, created=report.generated_at)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _held(value: Any, label: str = "") -> Iterator[str]:
    """A record as "what: value" lines, nested parts named by their path."""
    if isinstance(value, dict):
        if value == {"sealed": "personal data"}:
            return
        if set(value) in ({"year", "term"}, {"value"}):  # a semester, a NINA: as people write them
            yield f"{label}: {period(value) if 'term' in value else value['value']}"
            return
        for key, inner in value.items():
            key = period(key) if len(key) == 5 and key.isdigit() else key  # a semester's report, by its period
            yield from _held(inner, f"{label} > {key}".strip(" >").replace("_", " "))
    elif isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            if value:
                yield f"{label}: {', '.join(str(v) for v in value)}"
        else:
            for index, inner in enumerate(value, 1):
                yield from _held(inner, f"{label} {index}")
    elif value not in (None, ""):
        yield f"{label}: {value}"
