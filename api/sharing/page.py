"""The page a share opens (issue 34): server-rendered, Bahasa Indonesia with English, no script, phone-width first.

Every value passes through ``html.escape``. The page names the holder only as the disclosed facts do; its address
carries the link's secret alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from api.html_page import HEADERS, STYLE

__all__ = ["HEADERS", "Shown", "code_form", "ended_page", "not_found_page", "preview_page", "shared_page"]


@dataclass(frozen=True)
class Shown:
    """What the page shows of one share's credential: its kind's minimum, and each fact the holder chose (SHR-2,
    SHR-11, SHR-12)."""

    kind: str  # diploma, certificate, sk (domain.sharing.terms.CredentialKind)
    verdict: str  # a key of VERDICTS
    minimum: Sequence[tuple[str, str]]  # (label, value): what every share of the kind shows
    facts: Sequence[tuple[str, str]]  # (label, value), the disclosed ones
    certifications: Sequence[str] | None  # a diploma's DPI's approved certifications, when disclosed
    expires_at: str
    download: str | None  # where the form posts for the signed credential, or None
    download_code: str | None = None  # opened by a code: the form posts it (never in an address)


NOUNS = {  # the credential in a verdict, in both languages
    "diploma": ("ijazah", "the diploma"),
    "certificate": ("sertifikat kompetensi", "the competency certificate"),
    "sk": ("SK penyetaraan", "the SK of equivalency"),
}
VERDICTS = {  # (notice class, Indonesian, English); {id} and {en} name the credential
    "valid": ("found", "SAH — {id} tercatat dan berlaku", "VALID — {en} is recorded and in force"),
    "annulled": (
        "not-valid",
        "DIBATALKAN — batal sejak awal oleh Direktur Jenderal",
        "ANNULLED — void from the start by the Director General",
    ),
    "cancelled": (
        "not-valid",
        "DIBATALKAN KARENA KEKELIRUAN — digantikan oleh nomor lain",
        "CANCELLED IN ERROR — superseded by another number",
    ),
    "revoked": ("not-valid", "DICABUT — {id} dicabut oleh penerbitnya", "REVOKED — {en} was withdrawn by its issuer"),
    "expired": ("not-valid", "KEDALUWARSA — masa berlaku {id} telah habis", "EXPIRED — {en} is past its validity"),
    "superseded": (
        "not-valid",
        "DIGANTIKAN — keputusan ini dibuka kembali oleh peninjauan kembali (PK)",
        "SUPERSEDED — a formal review (PK) reopened this decision",
    ),
    "suspended": (
        "not-valid",
        "DITANGGUHKAN — peninjauan kembali (PK) sedang berjalan",
        "SUSPENDED — a formal review (PK) is under way",
    ),
    "unknown": ("not-valid", "Tidak dapat diperiksa saat ini", "Cannot be checked just now"),
}
CARRIES = {  # what the signed file shows beyond the page's minimum (SHR-2.credential)
    "diploma": (
        "Berkas bertanda tangan ini memuat nama, NIM, program studi dan tanggal lulus",
        "This signed file carries the name, NIM, programme and graduation date",
    ),
    "certificate": (
        "Berkas bertanda tangan ini (juga Open Badge 3.0) memuat nama, nomor registrasi, skema dan unit kompetensi",
        "This signed file (also an Open Badge 3.0) carries the name, registration number, scheme and units",
    ),
    "sk": (
        "Berkas bertanda tangan ini memuat nama, nomor pendaftaran, ijazah luar negeri dan tanggal keputusan",
        "This signed file carries the name, registration number, foreign diploma and decision date",
    ),
}


def verdict_text(kind: str, verdict: str) -> tuple[str, str]:
    style, said_id, said_en = VERDICTS[verdict]
    noun_id, noun_en = NOUNS.get(kind, NOUNS["diploma"])
    return style, f"{said_id.format(id=noun_id)} / {said_en.format(en=noun_en)}"


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
    kind, verdict = verdict_text(shown.kind, shown.verdict)
    rows = [*shown.minimum, *shown.facts]
    items = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in rows)
    certifications = ""
    if shown.certifications is not None:
        listed = "".join(f"<li>{escape(c)}</li>" for c in shown.certifications) or "<li>—</li>"
        certifications = (
            f'<h2>Sertifikasi pada DPI / Certifications on the DPI</h2><ul id="certifications">{listed}</ul>'
        )
    download = ""
    if shown.download is not None:
        hidden = ""
        if shown.download_code is not None:
            hidden = f'<input type="hidden" name="code" value="{escape(shown.download_code)}">'
        download = (
            f'<form method="post" action="{escape(shown.download)}">{hidden}'
            '<button type="submit" id="download">Unduh kredensial (W3C VC) / Download the credential (W3C VC)'
            "</button></form>"
        )
        carried_id, carried_en = CARRIES.get(shown.kind, CARRIES["diploma"])
        download += (
            f'<p class="small">{escape(carried_id)}, dan dapat diperiksa tanpa situs ini. / {escape(carried_en)}, '
            "and verifies without this site.</p>"
        )
    return _layout(
        f'<div class="notice {kind}" role="status" id="verdict"><strong>{escape(verdict)}</strong></div>'
        f'<dl id="facts">{items}</dl>{certifications}{download}'
        f'<p class="small">Berlaku sampai / Shared until {escape(shown.expires_at)}</p>'
    )


def preview_page() -> str:
    """A GET of a link (a person's click, or a chat app's preview): a button, and nothing of the share; the view is
    counted, and the facts shown, only when the button posts (SHR-8: a preview does not use up a view)."""
    return _layout(
        '<p id="preview">Seseorang membagikan kredensial kepada Anda. Membukanya dihitung sebagai satu tampilan dan '
        "dicatat untuk pemiliknya. / Someone shared a credential with you. Opening it counts as one view and is "
        "recorded for its holder.</p>"
        '<form method="post"><button type="submit" id="open">'
        "Buka kredensial yang dibagikan / Open this shared credential</button></form>"
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
