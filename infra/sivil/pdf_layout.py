"""The page of the SIVIL verification PDF (PIN-7): its fonts, its rows and how they are drawn.

The page shows the diploma fields, the status category with its date, the instant of verification in WIB and UTC,
a QR code (:mod:`infra.sivil.qr`) and how to verify. Its text is set in DejaVu Sans, embedded as TrueType subsets,
so that names outside Windows-1252 (Vietnamese, Ṣ, ...) show as themselves; where the font files are absent
(Debian package ``fonts-dejavu-core``) it falls back to Bitstream Vera, shipped with reportlab and embedded alike,
which shows such characters as "?". Every font is embedded, as PDF/A requires (:mod:`infra.documents.pdfa`); pages made
before drew with Helvetica, not embedded.

Any stored value fits the one page: a value longer than its display limit is shown cut, with the number of
characters left out (the signed statement keeps it whole), the value font shrinks until the rows fit above the
QR code, and a word wider than the column is broken inside. :func:`shown_pattern` is what the verifier accepts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from domain.diploma.statement import WELL_KNOWN_KEYS_PATH, Statement
from domain.wib import wib_and_utc
from infra.documents.fonts import PageFonts, in_cp1252, page_fonts, printable
from infra.sivil.qr import QR_SIZE, QR_X, QR_Y, credential_link, qr_operators, qr_payload

# Bahasa Indonesia / English, per category; the public sees the category and its date, never a reason (PIN-5)
STATUS_LABELS = {
    "VALID": ("SAH", "VALID"),
    "VOID": ("DIBATALKAN SEJAK AWAL", "VOID: ANNULLED FROM THE START"),
    "CANCELLED_IN_ERROR": ("DIBATALKAN KARENA KEKELIRUAN", "CANCELLED: MADE IN ERROR"),
}
QR_TOKEN_LABELS = ("Pernyataan bertanda tangan", "Signed statement (Ed25519)")
QR_LINK_LABELS = ("Pindai untuk memverifikasi", "Scan to verify (W3C credential)")
NAME_LABEL = "Nama / Name"
# Characters shown before a value is cut; the name's limit is above any name the API accepts, so a name is cut
# only for data stored before names were bounded.
DISPLAY_LIMITS = {NAME_LABEL: 400}
DEFAULT_DISPLAY_LIMIT = 200
VALUE_SIZES = (11.0, 9.5, 8.0, 7.0, 6.0)  # points, tried in turn until the rows fit

_PAGE_WIDTH, _PAGE_HEIGHT = A4
_MARGIN = 20 * mm
_LABEL_WIDTH = 80 * mm  # room for the bold bilingual labels in DejaVu Sans
_VALUE_X = _MARGIN + _LABEL_WIDTH
_VALUE_WIDTH = _PAGE_WIDTH - _MARGIN - _VALUE_X
_ROWS_BOTTOM = QR_Y + QR_SIZE + 4 * mm  # the rows stay above the QR code and the "how to verify" text


def status_label(status: str) -> str:
    indonesian, english = STATUS_LABELS.get(status, (status, status))
    return indonesian if indonesian == english else f"{indonesian} / {english}"


def visible_rows(statement: Statement) -> list[tuple[str, str]]:
    """The (label, value) rows the page shows, values whole; :func:`displayed` is how each appears."""
    return [
        ("Perguruan tinggi / University", f"{statement.university_name} ({statement.university_code})"),
        ("Program studi / Study programme", f"{statement.programme_name} ({statement.prodi_code})"),
        ("Jenjang / Level", statement.level),
        (NAME_LABEL, statement.full_name),
        ("NIM / Student number", statement.nim),
        ("NINA / National diploma number", statement.nina),
        ("Tanggal lulus / Graduation date", statement.graduation_date),
        ("Status", status_label(statement.status)),
        ("Tanggal status / Status date", statement.status_date),
        ("Waktu verifikasi / Verified at", wib_and_utc(statement.verified_at)),
        ("Kunci penanda tangan / Signing key", statement.kid),
    ]


def displayed(label: str, value: str) -> str:
    """``value`` as its row shows it: whole, or cut at the row's display limit with the count left out."""
    limit = DISPLAY_LIMITS.get(label, DEFAULT_DISPLAY_LIMIT)
    value = value.strip()
    if len(value) <= limit:
        return value
    return f"{value[:limit].rstrip()} … [+{len(value) - limit} karakter / characters]"


def shown_pattern(value: str) -> str:
    """A regular expression for ``value`` as a page made by :func:`compose_page` shows it in its text, whitespace
    collapsed, whichever fonts the maker had: a printable Windows-1252 character as itself, any other character
    as itself or '?' (:func:`printable`). Lines are wrapped at whitespace, and inside a word only where the word
    is wider than the column (one optional space between its characters), so the verifier's own fonts do not
    matter, and a page made with Helvetica (without DejaVu Sans, or before it was used) still verifies."""
    parts = []
    previous_was_char = False
    for run in re.finditer(r"\s+|\S", value.strip()):
        piece = run.group()
        if piece.isspace():  # a space as itself; a tab, line break or other space may have become "?"
            parts.append(r"\s+" if set(piece) == {" "} else r"[\s?]+")
            previous_was_char = False
            continue
        if previous_was_char:
            parts.append(r"\s?")
        if in_cp1252(piece) and piece.isprintable():
            parts.append(re.escape(piece))
        else:
            parts.append(f"(?:{re.escape(piece)}|\\?)")
        previous_was_char = True
    return "".join(parts)


def wrapped(value: str, fonts: PageFonts | None = None, size: float = VALUE_SIZES[0]) -> list[str]:
    """The lines of ``value`` in the value column at ``size``; a word wider than the column is broken."""
    fonts = fonts or page_fonts()
    lines: list[str] = []
    for line in simpleSplit(printable(value, fonts), fonts.regular, size, _VALUE_WIDTH) or [""]:
        while pdfmetrics.stringWidth(line, fonts.regular, size) > _VALUE_WIDTH and len(line) > 1:
            cut = _fitting(line, fonts.regular, size)
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return lines


def _fitting(line: str, font: str, size: float) -> int:
    """How many leading characters of ``line`` fit the value column (at least one)."""
    low, high = 1, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if pdfmetrics.stringWidth(line[:middle], font, size) <= _VALUE_WIDTH:
            low = middle
        else:
            high = middle - 1
    return low


def compose_page(
    statement: Statement,
    token: str,
    *,
    base_url: str | None = None,
    fonts: PageFonts | None = None,
    credential: Mapping[str, Any] | None = None,
) -> bytes:
    """The unsigned page; ``token`` is what the metadata carries and the QR code stands for (:func:`qr_payload`).
    ``fonts``: :func:`page_fonts`. ``base_url``: the public address of this SIVIL, printed for verifiers."""
    fonts = fonts or page_fonts()
    buffer = io.BytesIO()
    # the initial font is in the page's resources even if unused: one of ours, so that it is embedded too
    canvas = Canvas(  # stubs before types-reportlab 5.1 type initialFontName as a number; reportlab takes the name
        buffer,
        pagesize=A4,
        invariant=True,
        pageCompression=0,
        initialFontName=fonts.regular,  # type: ignore[arg-type,unused-ignore]
    )
    canvas.setTitle(f"Hasil Verifikasi Ijazah / Diploma Verification Result: NINA {statement.nina}")
    canvas.setAuthor("SIVIL (kredensial)")
    canvas.setSubject("Hasil Verifikasi Ijazah / Diploma Verification Result")
    canvas.setCreator("kredensial SIVIL")

    y = _PAGE_HEIGHT - _MARGIN - 6 * mm
    canvas.setFont(fonts.bold, 20)
    canvas.drawString(_MARGIN, y, "Hasil Verifikasi Ijazah")
    y -= 8 * mm
    canvas.setFont(fonts.italic, 14)
    canvas.drawString(_MARGIN, y, "Diploma Verification Result")
    y -= 6 * mm
    canvas.setFont(fonts.regular, 9)
    canvas.drawString(
        _MARGIN, y, "SIVIL: Sistem Verifikasi Ijazah secara Elektronik / Electronic Diploma Verification System"
    )
    y -= 4 * mm
    canvas.setStrokeColor(colors.grey)
    canvas.line(_MARGIN, y, _PAGE_WIDTH - _MARGIN, y)
    y -= 12 * mm

    valid = statement.status == "VALID"
    canvas.setFillColor(colors.HexColor("#1b7f3b" if valid else "#b3261e"))
    canvas.rect(_MARGIN, y - 3 * mm, _PAGE_WIDTH - 2 * _MARGIN, 11 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    banner = BANNER_VALID if valid else BANNER_ANNULLED
    banner_width = _PAGE_WIDTH - 2 * _MARGIN - 8 * mm
    canvas.setFont(fonts.bold, min(12.0, 12.0 * banner_width / pdfmetrics.stringWidth(banner, fonts.bold, 12)))
    canvas.drawString(_MARGIN + 4 * mm, y, banner)
    canvas.setFillColor(colors.black)
    y -= 14 * mm

    rows = [(label, displayed(label, value)) for label, value in visible_rows(statement)]
    size, laid_out = _fit_rows(rows, fonts, y)
    for label, lines in laid_out:
        canvas.setFont(fonts.bold, 10)
        canvas.drawString(_MARGIN, y, label)
        canvas.setFont(fonts.regular, size)
        for line in lines:
            canvas.drawString(_VALUE_X, y, line)
            y -= _leading(size)
        y -= _ROW_GAP

    canvas.addLiteral(qr_operators(qr_payload(token, statement, base_url, credential)))
    canvas.setFont(fonts.regular, 8)
    under_qr = QR_LINK_LABELS if credential_link(credential, base_url) else QR_TOKEN_LABELS
    canvas.drawCentredString(QR_X + QR_SIZE / 2, QR_Y - 4 * mm, under_qr[0])
    canvas.drawCentredString(QR_X + QR_SIZE / 2, QR_Y - 7.5 * mm, under_qr[1])

    text = canvas.beginText(_MARGIN, QR_Y + QR_SIZE - 4 * mm)
    text.setFont(fonts.bold, 10)
    text.textLine("Cara memverifikasi / How to verify")
    text.setFont(fonts.regular, 9)
    for paragraph in how_to_verify(base_url):
        for line in simpleSplit(paragraph, fonts.regular, 9, _PAGE_WIDTH - 2 * _MARGIN - QR_SIZE - 6 * mm):
            text.textLine(line)
    canvas.drawText(text)

    canvas.setFont(fonts.italic, 8)
    indonesian, english = FOOTER_VALID if valid else FOOTER_ANNULLED
    canvas.drawString(_MARGIN, _MARGIN + 4 * mm, indonesian)
    canvas.drawString(_MARGIN, _MARGIN, english)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


BANNER_VALID = "Ijazah tercatat SAH / Diploma recorded as VALID"
BANNER_ANNULLED = "Ijazah tercatat, tetapi DIBATALKAN / Diploma recorded, but ANNULLED"
# PIN-7: only a valid diploma's PDF replaces wet-ink legalisation; an annulled one's says it does not (PIN-5).
FOOTER_VALID = (
    "Dokumen ini menggantikan legalisasi basah (PIN-7).",
    "This document replaces wet-ink legalisation.",
)
FOOTER_ANNULLED = (
    "Ijazah ini telah dibatalkan: dokumen ini TIDAK berlaku sebagai legalisasi (PIN-5).",
    "This diploma has been annulled: this document is NOT valid as legalisation.",
)
_ROW_GAP = 2 * mm


def _leading(size: float) -> float:
    return size * 0.5 * float(mm)  # 5.5 mm at 11 pt, as before


def _fit_rows(rows: list[tuple[str, str]], fonts: PageFonts, top: float) -> tuple[float, list[tuple[str, list[str]]]]:
    """The largest value size at which every row fits between ``top`` and the QR code, with the rows' lines."""
    for size in VALUE_SIZES:
        laid_out = [(label, wrapped(value, fonts, size)) for label, value in rows]
        height = sum(len(lines) * _leading(size) + _ROW_GAP for _, lines in laid_out)
        if top - height >= _ROWS_BOTTOM:
            break
    return size, laid_out


def how_to_verify(base_url: str | None) -> list[str]:
    lines = [
        "Setiap perubahan pada berkas ini membatalkan tanda tangannya.",
        "Any change to this file breaks its signature.",
    ]
    if not base_url:
        return [*lines, "Periksa berkas ini / Check this file: kredensial verify-pdf FILE --server SIVIL_URL"]
    root = base_url.rstrip("/")
    return [
        *lines,
        f"Periksa status terkini / Check the current status: {root}/sivil "
        "(kode PT / university code, kode prodi / prodi code, NINA)",
        "Periksa berkas ini / Check this file: kredensial verify-pdf FILE",
        f"Kunci publik / Public keys: {root}{WELL_KNOWN_KEYS_PATH}",
    ]
