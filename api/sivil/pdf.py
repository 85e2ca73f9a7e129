"""The verification PDF of SIVIL (PIN-7): it replaces wet-ink legalisation and carries what verifies it again.

The page shows the diploma fields, the status category with its date, the instant of verification and a QR code
holding the signed statement (:mod:`api.sivil.statement`). Its text is set in DejaVu Sans, embedded as TrueType
subsets, so that names outside Windows-1252 (Vietnamese, Ṣ, ...) show as themselves; where the font files are
absent (Debian package ``fonts-dejavu-core``) it falls back to Helvetica, which shows such characters as "?".

The same statement token is stored twice more, so that checking it never needs the QR image: in the document
information dictionary (``/SIVILStatement``) and as the embedded file ``sivil-statement.txt``. The whole file is
then signed as a PDF certification signature (pyHanko, CMS with Ed25519 over SHA-512, no changes permitted) with
the same active SIVIL key, wrapped in a self-signed X.509 certificate made for it. The signature covers every
byte except its own ``/Contents``, which :mod:`api.sivil.verify` checks byte for byte; so any change to the file
fails verification.

pyHanko runs its own event loop; signing steps out of a running one (see ``blocking``).
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import segno
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from api.sivil.blocking import outside_event_loop
from api.sivil.statement import WELL_KNOWN_KEYS_PATH, KeyRing, Statement, kid_of
from projections.sivil.rows import SivilEntry

INFO_KEY = "/SIVILStatement"
ATTACHMENT_NAME = "sivil-statement.txt"
SIGNATURE_FIELD = "SIVIL"
WIB = timezone(timedelta(hours=7), "WIB")

# Bahasa Indonesia / English, per category; the public sees the category and its date, never a reason (PIN-5)
STATUS_LABELS = {
    "VALID": ("SAH", "VALID"),
    "VOID": ("DIBATALKAN SEJAK AWAL", "VOID: ANNULLED FROM THE START"),
    "CANCELLED_IN_ERROR": ("DIBATALKAN KARENA KEKELIRUAN", "CANCELLED: MADE IN ERROR"),
}

_PAGE_WIDTH, _PAGE_HEIGHT = A4
_MARGIN = 20 * mm
_LABEL_WIDTH = 80 * mm  # room for the bold bilingual labels in DejaVu Sans
_VALUE_X = _MARGIN + _LABEL_WIDTH
_VALUE_WIDTH = _PAGE_WIDTH - _MARGIN - _VALUE_X
_QR_SIZE = 55 * mm
_QR_X, _QR_Y = _PAGE_WIDTH - _MARGIN - _QR_SIZE, _MARGIN + 30 * mm
DEJAVU_DIRECTORY = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class PageFonts:
    """The fonts of the page text. ``glyphs``: the code points the regular (value) font draws; None for the
    standard PDF fonts, which draw Windows-1252 only."""

    regular: str
    bold: str
    italic: str
    glyphs: frozenset[int] | None = None

    def shows(self, char: str) -> bool:
        if self.glyphs is None:
            return _in_cp1252(char)
        return ord(char) in self.glyphs


STANDARD_FONTS = PageFonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")


@functools.cache
def page_fonts(directory: Path = DEJAVU_DIRECTORY) -> PageFonts:
    """DejaVu Sans (and Bold, and Oblique when installed) registered with reportlab, or the standard fonts."""
    regular, bold, oblique = (directory / f"DejaVuSans{style}.ttf" for style in ("", "-Bold", "-Oblique"))
    if not (regular.is_file() and bold.is_file()):
        return STANDARD_FONTS
    try:
        value_font = TTFont("DejaVuSans", str(regular))
        pdfmetrics.registerFont(value_font)
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        italic = STANDARD_FONTS.italic  # the italic lines are fixed ASCII text; fonts-dejavu-core has no oblique
        if oblique.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans-Oblique", str(oblique)))
            italic = "DejaVuSans-Oblique"
    except (OSError, TTFError):
        return STANDARD_FONTS
    glyphs = frozenset(value_font.face.charToGlyph)
    return PageFonts("DejaVuSans", "DejaVuSans-Bold", italic, glyphs)


def render_verification_pdf(
    entry: SivilEntry, verified_at: datetime, keys: KeyRing, *, base_url: str | None = None
) -> bytes:
    statement = Statement.of(entry, verified_at=verified_at, kid=keys.active_kid)
    token = keys.sign(statement)
    return sign_pdf(compose_page(statement, token, base_url=base_url), keys, token)


def status_label(status: str) -> str:
    indonesian, english = STATUS_LABELS.get(status, (status, status))
    return indonesian if indonesian == english else f"{indonesian} / {english}"


def visible_rows(statement: Statement) -> list[tuple[str, str]]:
    """The (label, value) rows the page shows; :mod:`api.sivil.verify` expects exactly these in its text."""
    at = statement.verified_at
    return [
        ("Perguruan tinggi / University", f"{statement.university_name} ({statement.university_code})"),
        ("Program studi / Study programme", f"{statement.programme_name} ({statement.prodi_code})"),
        ("Jenjang / Level", statement.level),
        ("Nama / Name", statement.full_name),
        ("NIM / Student number", statement.nim),
        ("NINA / National diploma number", statement.nina),
        ("Tanggal lulus / Graduation date", statement.graduation_date),
        ("Status", status_label(statement.status)),
        ("Tanggal status / Status date", statement.status_date),
        (
            "Waktu verifikasi / Verified at",
            f"{at.astimezone(WIB):%Y-%m-%d %H:%M:%S} WIB ({at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)",
        ),
        ("Kunci penanda tangan / Signing key", statement.kid),
    ]


def printable(text: str, fonts: PageFonts | None = None) -> str:
    """The text as ``fonts`` (default :func:`page_fonts`) show it: a character they have no glyph for becomes
    '?'. With the standard PDF fonts that is every character outside Windows-1252."""
    fonts = fonts or page_fonts()
    if fonts.glyphs is None:
        return text.encode("cp1252", "replace").decode("cp1252")
    return "".join(char if fonts.shows(char) else "?" for char in text)


def shown_pattern(value: str) -> str:
    """A regular expression for ``value`` as a page made by :func:`compose_page` shows it in its text, whitespace
    collapsed, whichever fonts the maker had: a printable Windows-1252 character as itself, any other character
    as itself or '?' (:func:`printable`). Lines are wrapped at whitespace only, so the verifier's own fonts do not
    matter, and a page made with Helvetica (without DejaVu Sans, or before it was used) still verifies."""
    parts = []
    for run in re.finditer(r"\s+|\S", value.strip()):
        piece = run.group()
        if piece.isspace():
            parts.append(r"\s+" if _in_cp1252(piece) else r"[\s?]+")
        elif _in_cp1252(piece) and piece.isprintable():
            parts.append(re.escape(piece))
        else:
            parts.append(f"(?:{re.escape(piece)}|\\?)")
    return "".join(parts)


def _in_cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def wrapped(value: str, fonts: PageFonts | None = None) -> list[str]:
    fonts = fonts or page_fonts()
    return simpleSplit(printable(value, fonts), fonts.regular, 11, _VALUE_WIDTH) or [""]


def compose_page(
    statement: Statement, token: str, *, base_url: str | None = None, fonts: PageFonts | None = None
) -> bytes:
    """The unsigned page; ``token`` is what the QR code and the metadata carry. ``fonts``: :func:`page_fonts`."""
    fonts = fonts or page_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=0)
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
    canvas.setFont(fonts.bold, 12)
    banner = "Ijazah tercatat SAH / Diploma recorded as VALID" if valid else "Ijazah TIDAK BERLAKU / Diploma NOT valid"
    canvas.drawString(_MARGIN + 4 * mm, y, banner)
    canvas.setFillColor(colors.black)
    y -= 14 * mm

    for label, value in visible_rows(statement):
        canvas.setFont(fonts.bold, 10)
        canvas.drawString(_MARGIN, y, label)
        canvas.setFont(fonts.regular, 11)
        for line in wrapped(value, fonts):
            canvas.drawString(_VALUE_X, y, line)
            y -= 5.5 * mm
        y -= 2 * mm

    canvas.addLiteral(qr_operators(token))
    canvas.setFont(fonts.regular, 8)
    canvas.drawCentredString(_QR_X + _QR_SIZE / 2, _QR_Y - 4 * mm, "Pernyataan bertanda tangan")
    canvas.drawCentredString(_QR_X + _QR_SIZE / 2, _QR_Y - 7.5 * mm, "Signed statement (Ed25519)")

    text = canvas.beginText(_MARGIN, _QR_Y + _QR_SIZE - 4 * mm)
    text.setFont(fonts.bold, 10)
    text.textLine("Cara memverifikasi / How to verify")
    text.setFont(fonts.regular, 9)
    for paragraph in _how_to_verify(base_url):
        for line in simpleSplit(paragraph, fonts.regular, 9, _PAGE_WIDTH - 2 * _MARGIN - _QR_SIZE - 6 * mm):
            text.textLine(line)
    canvas.drawText(text)

    canvas.setFont(fonts.italic, 8)
    canvas.drawString(
        _MARGIN,
        _MARGIN,
        "Dokumen ini menggantikan legalisasi basah (PIN-7). / This document replaces wet-ink legalisation.",
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def sign_pdf(unsigned: bytes, keys: KeyRing, token: str) -> bytes:
    """Embed the statement token and certify the whole file with the active key."""
    verified_at = keys.verify(token).verified_at
    writer = IncrementalPdfFileWriter(io.BytesIO(unsigned))
    info_reference = writer.trailer.raw_get("/Info")
    info = info_reference.get_object()
    info[generic.NameObject(INFO_KEY)] = generic.TextStringObject(token)
    info[generic.NameObject("/CreationDate")] = generic.pdf_date(verified_at)
    writer.mark_update(info_reference)
    data = token.encode("ascii")
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=ATTACHMENT_NAME,
            file_name=ATTACHMENT_NAME,
            embedded_data=embed.EmbeddedFileObject.from_file_data(writer, data, mime_type="text/plain"),
            description="Pernyataan SIVIL bertanda tangan / Signed SIVIL statement",
        ),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha512",
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        reason="Hasil verifikasi SIVIL / SIVIL verification result",
        name=f"SIVIL {keys.active_kid}",
    )
    pdf_signer = signers.PdfSigner(metadata, signer=_signer(keys.signing_key))
    return outside_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())


def document_certificate(key: Ed25519PrivateKey) -> x509.Certificate:
    """A self-signed certificate for a SIVIL key; deterministic, so the same key always gives the same one."""
    kid = kid_of(key.public_key())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"SIVIL verification statement key {kid}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kredensial SIVIL"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        ]
    )
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(kid, 16) or 1)
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
        .add_extension(usage, critical=True)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, None)
    )


def _signer(key: Ed25519PrivateKey) -> signers.SimpleSigner:
    certificate = asn1_x509.Certificate.load(document_certificate(key).public_bytes(Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=private,
        cert_registry=SimpleCertificateStore(),
    )


def qr_operators(token: str) -> str:
    """The page operators that draw the QR code of ``token``: written as literal PDF so that a verifier can
    regenerate them from the embedded statement and find them byte for byte in the page (QR module units, one
    rectangle per run of dark modules, 4 modules of quiet zone)."""
    rows = list(segno.make(token, error="m", micro=False).matrix_iter(scale=1, border=4))
    size = len(rows)
    module = _QR_SIZE / size
    runs = []
    for row_index, row in enumerate(rows):
        column = 0
        while column < size:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < size and row[column]:
                column += 1
            runs.append(f"{start} {size - 1 - row_index} {column - start} 1 re")
    return "\n".join(
        [
            "q",
            f"{module:.5f} 0 0 {module:.5f} {_QR_X:.5f} {_QR_Y:.5f} cm",
            f"1 g 0 0 {size} {size} re f",
            "0 g",
            *runs,
            "f",
            "Q",
        ]
    )


def _how_to_verify(base_url: str | None) -> list[str]:
    lines = [
        "Setiap perubahan pada berkas ini membatalkan tanda tangannya.",
        "Any change to this file breaks its signature.",
        "Periksa berkas ini / Check this file: kredensial verify-pdf FILE",
    ]
    if base_url:
        root = base_url.rstrip("/")
        lines += [
            f"Status terkini / Current status: kredensial verify-pdf FILE --server {root}",
            f"Kunci publik / Public keys: {root}{WELL_KNOWN_KEYS_PATH}",
        ]
    return lines
