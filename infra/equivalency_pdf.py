"""The SK of foreign diploma equivalency as a signed PDF (EQV-4), and its verification by anyone.

The page shows the SK bilingually; the document information dictionary carries the SK's fields (``/EQVSKNumber``,
``/EQVRegistration``, ``/EQVLevel``, and the server's address as ``/SIVILServer``), and the whole file is certified
like SIVIL's own PDFs (PAdES, the document-signing key), so any PAdES verifier trusting the published kredensial root
checks it, and ``kredensial verify-pdf`` checks it end to end: the signature over every byte, and the page against
the fields. An SK signed before (an Ed25519 SIVIL key) is still checked against the published SIVIL keys.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from api.sivil.wib import WIB
from api.well_known import ROOT_CERTIFICATE_PATH
from infra.document_signing import DocumentSigner
from infra.sivil.keys import KeyRing
from infra.sivil.pdf import SERVER_KEY, certify
from infra.sivil.pdf_layout import page_fonts, printable
from infra.sivil.verify import Check, HttpGet, Verdict, file_signature, urllib_get

SK_KEY, REGISTRATION_KEY, LEVEL_KEY = "/EQVSKNumber", "/EQVRegistration", "/EQVLevel"
TITLE = (
    "SURAT KEPUTUSAN PENYETARAAN IJAZAH LUAR NEGERI",
    "DECREE OF EQUIVALENCY OF A FOREIGN DIPLOMA",
)


@dataclass(frozen=True)
class SkFields:
    sk_number: str
    registration_number: str
    applicant_name: str
    university: str
    programme: str
    country: str
    foreign_level: str
    level: str
    rule_version: str
    issued_on: str


def render_sk_pdf(sk: SkFields, signer: DocumentSigner, printed_at: datetime, *, server: str | None = None) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(_compose(sk, printed_at)))
    info_reference = writer.trailer.raw_get("/Info")
    info = info_reference.get_object()
    for key, value in ((SK_KEY, sk.sk_number), (REGISTRATION_KEY, sk.registration_number), (LEVEL_KEY, sk.level)):
        info[generic.NameObject(key)] = generic.TextStringObject(value)
    if server:
        info[generic.NameObject(SERVER_KEY)] = generic.TextStringObject(server.rstrip("/"))
    writer.mark_update(info_reference)
    return certify(writer, signer, reason="SK Penyetaraan Ijazah Luar Negeri / Foreign diploma equivalency")


def _compose(sk: SkFields, printed_at: datetime) -> bytes:
    fonts = page_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"SK {sk.sk_number}",
        author="Direktorat Jenderal Pendidikan Tinggi",
        creator="kredensial",
        invariant=True,
    )
    style = ParagraphStyle("cell", fontName=fonts.regular, fontSize=10, leading=13)
    bold = ParagraphStyle("bold", parent=style, fontName=fonts.bold)

    def text(value: str, look: ParagraphStyle = style) -> Paragraph:
        return Paragraph(escape(printable(value, fonts)), look)

    rows = [
        ("Nomor SK / Decree number", sk.sk_number),
        ("Nomor registrasi / Registration number", sk.registration_number),
        ("Nama / Name", sk.applicant_name),
        ("Perguruan tinggi / University", f"{sk.university} ({sk.country})"),
        ("Program / Programme", f"{sk.programme} ({sk.foreign_level})"),
        ("Setara dengan / Equivalent to", sk.level),
        ("Aturan / Rule", sk.rule_version),
        ("Tanggal / Date", sk.issued_on),
    ]
    table = Table([[text(k, bold), text(v)] for k, v in rows], colWidths=[62 * mm, 108 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [
        text(TITLE[0], ParagraphStyle("title", fontName=fonts.bold, fontSize=14, leading=18)),
        text(TITLE[1], ParagraphStyle("subtitle", fontName=fonts.italic, fontSize=12, leading=16)),
        Spacer(0, 8 * mm),
        table,
        Spacer(0, 8 * mm),
        text(
            "Dokumen ini ditandatangani secara elektronik; keasliannya dapat diperiksa dengan sertifikat akar "
            f"kredensial ({ROOT_CERTIFICATE_PATH}). / This document is signed electronically; its authenticity can "
            f"be checked with the kredensial root certificate ({ROOT_CERTIFICATE_PATH})."
        ),
        text(f"Dibuat / Generated: {printed_at.astimezone(WIB).strftime('%Y-%m-%d %H:%M')} WIB"),
    ]
    document.build(story)
    return buffer.getvalue()


def is_sk_pdf(data: bytes) -> bool:
    try:
        return SK_KEY in dict(PdfReader(io.BytesIO(data)).metadata or {})
    except Exception:  # a damaged file is not one of ours
        return False


def verify_sk_pdf(
    data: bytes,
    keys: KeyRing,
    *,
    roots: Sequence[x509.Certificate] = (),
    base_url: str | None = None,
    http_get: HttpGet | None = None,
) -> tuple[Verdict, list[str]]:
    """The signature over the whole file (chained to the kredensial root ``roots``, or in an old SK by a published
    SIVIL key) and the page showing the signed fields; with ``base_url``, whether the SK is still the application's
    (a PK may have replaced it)."""
    signature, _ = file_signature(data, keys, roots)
    checks = [signature]
    try:
        reader = PdfReader(io.BytesIO(data))
        fields = {k: str(v) for k, v in dict(reader.metadata or {}).items()}
        page = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    except Exception as error:
        fields, page = {}, ""
        checks.append(Check("page", "failed", f"unreadable ({error})"))
    wanted = [fields.get(k, "") for k in (SK_KEY, REGISTRATION_KEY, LEVEL_KEY)]
    flat = re.sub(r"\s+", "", page)
    if all(wanted) and all(re.sub(r"\s+", "", w) in flat for w in wanted):
        checks.append(Check("page", "ok", f"shows SK {wanted[0]}, registration {wanted[1]}, equivalent to {wanted[2]}"))
    elif all(wanted):
        checks.append(Check("page", "failed", "the page does not show the signed SK fields"))
    authentic = all(c.outcome == "ok" for c in checks)
    current = None
    if authentic and base_url:
        current = _current(base_url, wanted[1], wanted[0], http_get or urllib_get)
        checks.append(current)
    lines = [f"{c.outcome.upper():<12} {c.name}: {c.detail}" for c in checks]
    signed = (
        f"SK {wanted[0]} for registration {wanted[1]} (equivalent to {wanted[2]}) is unchanged and signed by kredensial"
    )
    if not authentic:
        lines.append("NOT VERIFIED: " + ", ".join(c.name for c in checks if c.outcome != "ok") + " failed")
        return Verdict.NOT_VERIFIED, lines
    if current is None or current.outcome == "not checked":
        lines.append(
            f"AUTHENTIC, STATUS NOT CHECKED: {signed}; whether a formal review (PK) replaced it was not checked"
        )
        return Verdict.STATUS_UNKNOWN, lines
    if current.outcome == "ok":
        lines.append(f"VERIFIED: {signed}, and {base_url} confirms it is the application's SK")
        return Verdict.VERIFIED, lines
    lines.append(f"REPLACED: {signed}, but {current.detail}: it is NOT the SK in force")
    return Verdict.ANNULLED, lines


def _current(base_url: str, registration: str, sk: str, http_get: HttpGet) -> Check:
    root = base_url.rstrip("/")
    query = urllib.parse.urlencode({"registration": registration, "sk": sk})
    try:
        status, body = http_get(f"{root}/equivalency/sk-status?{query}")
        answer = json.loads(body)
    except (OSError, ValueError, RecursionError) as error:
        return Check("current status", "not checked", f"could not check online: {error}")
    said = answer.get("status") if isinstance(answer, dict) else None
    if status == 200 and said == "CURRENT":
        return Check("current status", "ok", f"still the SK in force, says {root}")
    if status == 200 and said == "SUPERSEDED":
        return Check("current status", "failed", f"{root} says a formal review (PK) replaced it")
    if status == 404:
        return Check("current status", "failed", f"{root} does not know this SK")
    return Check("current status", "not checked", f"{root} answered HTTP {status}")
