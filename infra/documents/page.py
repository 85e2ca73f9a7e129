"""The A4 page of a signed document (issue 33): a bilingual title, blocks of labelled fields and tables, then the QR
code that opens the public verification page beside the "how to verify" lines. Every font embedded (DejaVu Sans,
or Vera: :func:`.fonts.page_fonts`), as PDF/A requires."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from infra.documents.fonts import page_fonts, printable
from infra.documents.qr import QrCode
from infra.documents.sealing import how_to_verify

WIDTH = A4[0] - 36 * mm
_FONTS = page_fonts()
BODY = ParagraphStyle("body", fontName=_FONTS.regular, fontSize=9.5, leading=12.5)
BOLD = ParagraphStyle("bold", parent=BODY, fontName=_FONTS.bold)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5)
_TITLE = ParagraphStyle("title", fontName=_FONTS.bold, fontSize=15, leading=19)
_SUBTITLE = ParagraphStyle("subtitle", fontName=_FONTS.italic, fontSize=12, leading=16)


def text(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(printable(value, _FONTS)), style)


def fields(rows: Sequence[tuple[str, str]], label_width: float = 62 * mm) -> Table:
    """Labelled values, the label bold (``Indonesian / English``)."""
    table = Table(
        [[text(k, BOLD), text(v)] for k, v in rows], colWidths=[label_width, WIDTH - label_width], hAlign="LEFT"
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0)]))
    return table


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    table = Table(
        [[text(h, BOLD) for h in header], *[[text(cell) for cell in row] for row in rows]],
        colWidths=list(widths),
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def heading(value: str) -> list[Flowable]:
    return [Spacer(0, 5 * mm), text(value, BOLD), Spacer(0, 2 * mm)]


def compose(
    title: tuple[str, str],
    blocks: Sequence[Flowable],
    *,
    author: str,
    subject: str,
    server: str,
    link: str | None,
    signed_by: Sequence[str] = (),
    every_page: str | None = None,
) -> bytes:
    """The page(s): ``signed_by`` lines stand to the right of the QR code (who signs, and how); ``every_page``, a
    line in red at the foot of every page (a draft says so)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{title[0]} / {title[1]}",
        author=author,
        subject=subject,
        creator="kredensial",
        invariant=True,
    )
    closing: list[Flowable] = [text(line, BOLD if n == 0 else BODY) for n, line in enumerate(signed_by)]
    closing += [Spacer(0, 3 * mm), text(how_to_verify(server, link is not None), SMALL)]
    foot = Table([[QrCode(link) if link else "", closing]], colWidths=[64 * mm, WIDTH - 64 * mm], hAlign="LEFT")
    foot.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0)]))
    story: list[Flowable] = [text(title[0], _TITLE), text(title[1], _SUBTITLE), Spacer(0, 6 * mm), *blocks]
    story += [Spacer(0, 8 * mm), KeepTogether([foot])]
    document.build(story, onFirstPage=_footer(every_page), onLaterPages=_footer(every_page))
    return buffer.getvalue()


def _footer(line: str | None) -> Callable[[Canvas, object], None]:
    def draw(canvas: Canvas, _: object) -> None:
        if line:
            canvas.saveState()
            canvas.setFont(_FONTS.bold, 9)
            canvas.setFillColor(colors.HexColor("#b3261e"))
            canvas.drawString(18 * mm, 10 * mm, printable(line, _FONTS))
            canvas.restoreState()

    return draw
