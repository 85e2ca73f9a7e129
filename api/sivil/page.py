"""The SIVIL web page (PIN-6): server-rendered HTML in Bahasa Indonesia with English, no script at all.

Every value that reaches the page passes through ``html.escape``; the form has no field that takes a name.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape

from api.html_page import STYLE
from api.public_lookup.challenge import Challenge
from api.sivil.lookup import Verified, status_label
from domain.wib import wib_and_utc

FIELDS = (
    ("university", "Kode perguruan tinggi / University code", "6", "001002"),
    ("prodi", "Kode prodi / Programme code", "5", "55201"),
    ("nina", "NINA (Nomor Ijazah Nasional) / National diploma number", "15", "552012024000173"),
)

PRIVACY = (
    "SIVIL tidak pernah mencari berdasarkan nama. Setiap verifikasi yang berhasil dicatat (waktu, ijazah, alamat "
    "jaringan) agar pemilik ijazah dapat mengetahui siapa yang memeriksanya (UU PDP 27/2022). / SIVIL never searches "
    "by name. Every successful verification is recorded (time, diploma, network address) so that the holder can "
    "learn who checked their diploma (UU PDP 27/2022)."
)


def _layout(body: str) -> str:
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>SIVIL · Verifikasi Ijazah / Diploma Verification</title>"
        f"<style>{STYLE}</style></head><body><main>"
        "<h1>SIVIL · Verifikasi Ijazah / Diploma Verification</h1>"
        "<p>Sistem Verifikasi Ijazah secara Elektronik / Electronic Diploma Verification System</p>"
        f'{body}<p class="small">{escape(PRIVACY)}</p></main></body></html>'
    )


def form_page(challenge: Challenge, values: Mapping[str, str] | None = None, notices: Sequence[str] = ()) -> str:
    values = values or {}
    notice = ""
    if notices:
        items = "".join(f"<li>{escape(n)}</li>" for n in notices)
        notice = f'<div class="notice refused" role="alert" id="refusal"><ul>{items}</ul></div>'
    inputs = "".join(
        f'<label for="{field}">{escape(label)}</label>'
        f'<input id="{field}" name="{field}" value="{escape(values.get(field, ""))}" inputmode="numeric" '
        f'maxlength="{int(size) + 4}" placeholder="{escape(example)}" autocomplete="off" required>'
        for field, label, size, example in FIELDS
    )
    expires = wib_and_utc(challenge.expires_at, "%H:%M")
    return _layout(
        f'{notice}<form method="post" action="/sivil">{inputs}'
        "<fieldset><legend>Angka pengaman / Security question</legend>"
        f'<p id="question">{escape(challenge.question)}</p>'
        f'<input type="hidden" name="token" value="{escape(challenge.token)}">'
        '<label for="answer">Jawaban / Answer</label>'
        '<input id="answer" name="answer" inputmode="numeric" maxlength="6" autocomplete="off" required>'
        f'<p class="small">Berlaku sekali, sampai {escape(expires)}. / Good for one look-up, until '
        f"{escape(expires)}.</p></fieldset>"
        '<button type="submit">Periksa / Verify</button></form>'
    )


def found_page(verified: Verified, pdf_href: str | None, credential_href: str | None = None) -> str:
    e = verified.entry
    rows = (
        ("Perguruan tinggi / University", f"{e.university_name} ({e.university_code})"),
        ("Nama lengkap / Full name", e.full_name),
        ("NIM / Student number", e.nim),
        ("Jenjang / Level", e.level),
        ("Program studi / Programme", f"{e.programme_name} ({e.prodi_code})"),
        ("NINA", e.nina),
        ("Tanggal lulus / Graduation date", e.graduation_date),
        ("Status", status_label(e.status)),
        ("Tanggal status / Status date", e.status_date),
        ("Diperiksa pada / Verified at", verified_at_text(verified.verified_at)),
    )
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    valid = e.status == "VALID"
    kind, heading = ("found", FOUND_VALID) if valid else ("not-valid", FOUND_ANNULLED)
    download = (
        f'<a class="button" id="download" href="{escape(pdf_href)}">Unduh PDF / Download PDF</a>' if pdf_href else ""
    )
    if credential_href:  # W3C Verifiable Credential (issue 13): for wallets and verifiers' own software
        download += (
            f'<a class="button" id="credential" href="{escape(credential_href)}">'
            "Unduh kredensial digital (W3C VC) / Download digital credential (W3C VC)</a>"
        )
    return _layout(
        f'<section class="notice {kind}" id="result"><h2>{escape(heading)}</h2>'
        f"<dl>{items}</dl></section>{download}"
        '<a class="button" href="/sivil">Periksa ijazah lain / Verify another diploma</a>'
    )


FOUND_VALID = "Ijazah ditemukan / Diploma found"
# PIN-5: an annulled diploma is on record, but it is not a valid diploma; the heading must not read as a success.
FOUND_ANNULLED = "Ijazah tercatat, tetapi dibatalkan / Diploma recorded, but annulled"


def message_page(message: str) -> str:
    return _layout(
        f'<div class="notice refused" role="alert" id="refusal">{escape(message)}</div>'
        '<a class="button" href="/sivil">Kembali / Back</a>'
    )


def verified_at_text(instant: datetime) -> str:
    return wib_and_utc(instant)


# The verdicts of a credential the PDF's QR carries (issue 13), Bahasa Indonesia / English.
CREDENTIAL_VERDICTS = {
    "VERIFIED": ("found", "Kredensial sah: tanda tangan benar dan tidak dicabut / Credential valid: the signature is "
                 "genuine and it is not revoked"),
    "REVOKED": ("not-valid", "Kredensial asli, tetapi DICABUT / Genuine credential, but REVOKED"),
    "SUSPENDED": ("not-valid", "Kredensial asli, tetapi sedang diusulkan untuk dibatalkan / Genuine credential, but "
                  "an annulment is under decision"),
    "EXPIRED": ("not-valid", "Kredensial asli, tetapi masa berlakunya sudah habis / Genuine credential, but it has "
                "expired"),
    "NOT_YET_VALID": ("not-valid", "Kredensial asli, tetapi belum berlaku / Genuine credential, but not valid yet"),
    "STATUS_UNKNOWN": ("not-valid", "Kredensial asli, tetapi statusnya tidak dapat diperiksa saat ini / Genuine "
                       "credential, but its status cannot be checked just now"),
    "NOT_VERIFIED": ("refused", "Kredensial TIDAK sah: tanda tangannya tidak cocok / Credential NOT valid: its "
                     "signature does not match"),
}  # fmt: skip
_DIPLOMA_ROWS = (
    ("universityName", "Perguruan tinggi / University"),
    ("name", "Nama lengkap / Full name"),
    ("nim", "NIM / Student number"),
    ("level", "Jenjang / Level"),
    ("programmeName", "Program studi / Programme"),
    ("nina", "NINA"),
    ("graduationDate", "Tanggal lulus / Graduation date"),
)
# Each kind of credential the page verifies: its type, what to call it, and the subject's fields it shows.
CREDENTIAL_KINDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "DiplomaCredential": ("Ijazah / Diploma", _DIPLOMA_ROWS),
    "DpiCredential": (
        "Dokumen Pendamping Ijazah / Diploma Supplement (DPI)",
        (
            *_DIPLOMA_ROWS,
            ("graduationDecree", "Yudisium / Graduation decree"),
            ("dpiStatus", "Status DPI / DPI status"),
            ("printedOn", "Dicetak / Printed"),
            ("certifications", "Sertifikasi disetujui / Approved certifications"),
        ),
    ),
    "CompetencyCertificateCredential": (
        "Sertifikat Kompetensi / Certificate of Competence",
        (  # ASM-7: holder name, skema, LSP and validity
            ("name", "Nama pemegang / Holder"),
            ("skemaTitle", "Skema / Scheme"),
            ("lspCode", "LSP"),
            ("registrationNumber", "Nomor registrasi / Registration number"),
        ),
    ),
    "NotYetCompetentCredential": (
        "Surat Keterangan Belum Kompeten / Letter of Not Yet Competent",
        (
            ("name", "Nama / Name"),
            ("letterNumber", "Nomor surat / Letter number"),
            ("skemaTitle", "Skema / Scheme"),
            ("lspCode", "LSP"),
            ("issuedOn", "Tanggal / Date"),
            ("notYetCompetentUnits", "Unit belum kompeten / Units not yet competent"),
        ),
    ),
    "EquivalencyCredential": (
        "SK Penyetaraan Ijazah / Equivalency decree",
        (
            ("name", "Nama / Name"),
            ("skNumber", "Nomor SK / Decree number"),
            ("foreignUniversity", "Perguruan tinggi asal / Foreign university"),
            ("country", "Negara / Country"),
            ("foreignLevel", "Jenjang asal / Foreign level"),
            ("equivalentLevel", "Setara dengan / Equivalent to"),
            ("decidedOn", "Tanggal keputusan / Decided on"),
        ),
    ),
}
ANNULMENT_KINDS = {
    "VOID": "Batal sejak awal / Void from the start",
    "CANCELLED_IN_ERROR": "Dibatalkan karena kekeliruan / Cancelled: made in error",
    "REVOKED": "Dicabut oleh LSP / Revoked by the LSP",
    "SUPERSEDED": "Digantikan oleh versi yang lebih baru / Superseded by a newer version",
}


def credential_kind(types: object) -> str | None:
    """The kind of a credential of ours by its ``type``; None for any other."""
    listed = types if isinstance(types, list) else [types]
    return next((kind for kind in CREDENTIAL_KINDS if kind in listed), None)


def credential_page(
    verdict: str,
    kind: str,
    subject: Mapping[str, object],
    annulment: Mapping[str, object] | None,
    issuer_host: str | None,
    valid_until: object = None,
) -> str:
    """What the QR's link shows: the verdict and the issuer's host first; the subject's fields only when the
    signature is genuine (the host is then the one whose published key made it)."""
    heading_kind, heading = CREDENTIAL_VERDICTS[verdict]
    label, shown = CREDENTIAL_KINDS[kind]
    rows = [("Jenis / Kind", label)]
    if verdict != "NOT_VERIFIED":
        rows.append(("Penerbit / Issuer", issuer_host or "?"))
        rows.extend((name, _shown(subject.get(key))) for key, name in shown if subject.get(key) is not None)
        if isinstance(valid_until, str):  # ASM-7: a certificate's validity
            rows.append(("Berlaku sampai / Valid until", valid_until[:10]))
    if annulment is not None and annulment.get("annulled"):
        rows.append(("Pembatalan / Annulment", ANNULMENT_KINDS.get(str(annulment.get("annulmentKind")), "?")))
        rows.append(("Berlaku sejak / Effective from", str(annulment.get("effectiveOn", ""))))
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return _layout(
        f'<section class="notice {heading_kind}" id="result" data-verdict="{escape(verdict)}"'
        f' data-kind="{escape(kind)}"><h2>{escape(heading)}</h2><dl>{items}</dl></section>'
        '<a class="button" href="/sivil">Periksa ijazah lain / Verify another diploma</a>'
    )


def _shown(value: object) -> str:
    """A subject's field as text: a DPI's certifications by name, issuer and grade."""
    if isinstance(value, list):
        return (
            "; ".join(
                " - ".join(str(item.get(k)) for k in ("name", "certificationIssuer", "grade") if item.get(k))
                if isinstance(item, Mapping)
                else str(item)
                for item in value
            )
            or "-"
        )
    return str(value)


# The QR's link carries the credential after "#vc=": a browser never sends a fragment, so the page posts it.
READER_SCRIPT = (
    "(function(){var m=/[#&]vc=([A-Za-z0-9_-]+)/.exec(location.hash);if(!m){return;}"
    'var f=document.getElementById("reader");f.elements.vc.value=m[1];'
    'history.replaceState(null,"",location.pathname);f.submit();})();'
)
READER_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{base64.b64encode(hashlib.sha256(READER_SCRIPT.encode()).digest()).decode()}'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def credential_reader_page() -> str:
    """Reads the credential from the link's fragment and posts it here; without script, says what else works."""
    return _layout(
        '<form id="reader" method="post"><input type="hidden" name="vc">'
        '<p id="reading">Memeriksa kredensial... / Checking the credential...</p>'
        '<button type="submit">Periksa / Verify</button></form>'
        '<noscript><div class="notice refused">Halaman ini memerlukan JavaScript untuk membaca kode QR; atau '
        "periksa berkas PDF-nya dengan kredensial verify-credential. / This page needs JavaScript to read the QR "
        "code; or check the PDF file with kredensial verify-credential.</div></noscript>"
        f"<script>{READER_SCRIPT}</script>"
    )
