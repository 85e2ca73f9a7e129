"""The page a share opens (issue 34): server-rendered, Bahasa Indonesia with English, no script, phone-width first.

Every value passes through ``html.escape``. The page names the holder only as the disclosed facts do; its address
carries the link's secret alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from api.html_page import HEADERS, STYLE

__all__ = ["HEADERS", "Shown", "code_form", "ended_page", "not_found_page", "shared_page"]


@dataclass(frozen=True)
class Shown:
    """What the page shows of one share's credential: the minimum, and each fact the holder chose (SHR-2)."""

    verdict: str  # valid, annulled, cancelled, unknown
    status_date: str
    holder_name: str
    university: str
    level: str
    nina: str
    facts: Sequence[tuple[str, str]]  # (label, value), the disclosed ones
    certifications: Sequence[str] | None  # the DPI's approved certifications, when disclosed
    expires_at: str
    download: str | None  # a link to the signed credential, or None
    download_code: str | None = None  # opened by a code: the download is a form posting it (never in an address)


VERDICTS = {
    "valid": ("found", "SAH — ijazah tercatat dan berlaku / VALID — the diploma is recorded and in force"),
    "annulled": (
        "not-valid",
        "DIBATALKAN — batal sejak awal oleh Direktur Jenderal / ANNULLED — void from the start by the Director General",
    ),
    "cancelled": (
        "not-valid",
        "DIBATALKAN KARENA KEKELIRUAN — digantikan oleh nomor lain / CANCELLED IN ERROR — superseded by another number",
    ),
    "unknown": ("not-valid", "Tidak dapat diperiksa saat ini / Cannot be checked just now"),
}


def _layout(body: str) -> str:
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Verifikasi yang dibagikan / Shared verification</title>"
        f"<style>{STYLE}</style></head><body><main>"
        "<h1>Verifikasi yang dibagikan / Shared verification</h1>"
        "<p>Dibagikan oleh pemilik kredensial / Shared by the credential's holder</p>"
        f'{body}<p class="small">{escape(PRIVACY)}</p></main></body></html>'
    )


PRIVACY = (
    "Setiap pembukaan dicatat untuk pemiliknya: waktu, jaringan Anda (/24 atau /56) dan jenis peramban, tidak lebih "
    "(UU PDP 27/2022). / Each opening is recorded for the holder: the time, your network (/24 or /56) and your "
    "browser's family, nothing more (UU PDP 27/2022)."
)


def shared_page(shown: Shown) -> str:
    kind, verdict = VERDICTS[shown.verdict]
    rows = [
        ("Nama / Name", shown.holder_name),
        ("Perguruan tinggi / University", shown.university),
        ("Jenjang / Level", shown.level),
        ("NINA", shown.nina),
        ("Status sejak / Status since", shown.status_date),
        *shown.facts,
    ]
    items = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in rows)
    certifications = ""
    if shown.certifications is not None:
        listed = "".join(f"<li>{escape(c)}</li>" for c in shown.certifications) or "<li>—</li>"
        certifications = (
            f'<h2>Sertifikasi pada DPI / Certifications on the DPI</h2><ul id="certifications">{listed}</ul>'
        )
    download = ""
    if shown.download is not None:
        download = (
            f'<p><a class="button" id="download" href="{escape(shown.download)}">Unduh kredensial (W3C VC) / '
            "Download the credential (W3C VC)</a></p>"
        )
    elif shown.download_code is not None:
        download = (
            '<form method="post" action="/s/credential">'
            f'<input type="hidden" name="code" value="{escape(shown.download_code)}">'
            '<button type="submit" id="download">Unduh kredensial (W3C VC) / Download the credential (W3C VC)'
            "</button></form>"
        )
    if download:
        download += (
            '<p class="small">Berkas bertanda tangan ini memuat nama, NIM, program studi dan tanggal lulus, dan dapat '
            "diperiksa tanpa situs ini. / This signed file carries the name, NIM, programme and graduation date, and "
            "verifies without this site.</p>"
        )
    return _layout(
        f'<div class="notice {kind}" role="status" id="verdict"><strong>{escape(verdict)}</strong></div>'
        f'<dl id="facts">{items}</dl>{certifications}{download}'
        f'<p class="small">Berlaku sampai / Shared until {escape(shown.expires_at)}</p>'
    )


def ended_page() -> str:
    """SHR-7: an ended share shows that it ended, and nothing of what it showed."""
    return _layout(
        '<div class="notice refused" role="alert" id="ended"><strong>Berbagi ini telah berakhir. / '
        "This share has ended.</strong></div><p>Pemiliknya mencabutnya, masa berlakunya habis, atau batas "
        "tampilannya tercapai. Mintalah tautan baru kepada pemilik. / Its holder revoked it, it expired, or its views "
        "were used up. Ask the holder for a new link.</p>"
    )


def not_found_page() -> str:
    return _layout(
        '<div class="notice refused" role="alert" id="not-found"><strong>Tautan atau kode ini tidak membuka apa pun. / '
        "This link or code opens nothing.</strong></div><p>Periksa tautan atau kode dari pemilik. / Check the link or "
        'code the holder gave you.</p><p><a href="/s">Ketik kode / Type a code</a></p>'
    )


def code_form(notices: Sequence[str] = ()) -> str:
    notice = ""
    if notices:
        items = "".join(f"<li>{escape(n)}</li>" for n in notices)
        notice = f'<div class="notice refused" role="alert" id="refusal"><ul>{items}</ul></div>'
    return _layout(
        f'{notice}<form method="post" action="/s"><label for="code">Kode berbagi / Share code</label>'
        '<input id="code" name="code" maxlength="14" placeholder="7K2QD-M9XAW" autocomplete="off" '
        'autocapitalize="characters" spellcheck="false" required>'
        '<button type="submit">Buka / Open</button></form>'
    )
