"""The pages a signed-in person reads (issue 29): ``/me``, who is signed in and links to their own documents, in
Bahasa Indonesia with English; the sign-in's choice of issuer and its refusals. Server-rendered, no script; every value
passes through ``html.escape`` and every link's parts through ``quote``. The holder's views (issue 30 on) build on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote, urlencode

from api.html_page import STYLE
from api.oidc.issuers import Issuer
from domain.audit import Actor, Role

ROLE_NAMES = {
    Role.STUDENT: "Mahasiswa / Student",
    Role.ASESI: "Asesi (peserta uji kompetensi) / Competency candidate",
    Role.APPLICANT: "Pemohon penyetaraan ijazah / Equivalency applicant",
}


def page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · kredensial</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def me_page(actor: Actor | None, issuers: Sequence[Issuer], documents: Sequence[tuple[str, str]]) -> str:
    """Who is signed in and their own documents (label, local address); or, signed out, the ways to sign in."""
    if actor is None:
        return page("Halaman saya / My page", "<p>Anda belum masuk. / You are not signed in.</p>" + _choices(issuers))
    facts = [
        ("Peran / Role", ROLE_NAMES.get(actor.role, actor.role.value)),
        ("Nomor / Id", actor.id),
        ("Institusi / Institution", actor.institution or "—"),
        ("Masuk melalui / Signed in by", actor.issuer or "—"),
        ("Nama Anda di sana / Your name there", actor.subject or "—"),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    links = "".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for label, href in documents)
    own = (
        f'<h2>Dokumen saya / My documents</h2><ul id="documents">{links}</ul>'
        if documents
        else "<p>Tidak ada dokumen pribadi di halaman ini untuk peran Anda. / No personal documents are on this page "
        "for your role.</p>"
    )
    return page(
        "Halaman saya / My page",
        f'<dl id="signed-in">{rows}</dl>{own}<p><a class="button" href="/signout" id="signout">'
        "Keluar / Sign out</a></p>",
    )


def documents(actor: Actor) -> list[tuple[str, str]]:
    """The person's own documents: what the routes behind them serve to this person (and to no one else)."""
    report = "Laporan data pribadi (UU PDP), PDF / Personal data report, PDF"
    if actor.role is Role.STUDENT and actor.institution:
        subject = {"universityCode": actor.institution, "nim": actor.id}
        return [
            (
                "Dokumen Pendamping Ijazah (DPI), PDF bertanda tangan / Diploma supplement, signed PDF",
                f"/dpi/{quote(actor.institution, safe='')}/{quote(actor.id, safe='')}.pdf",
            ),
            (report, "/personal-data.pdf?" + urlencode(subject)),
        ]
    if actor.role is Role.ASESI and actor.institution:
        candidate = {"lspCode": actor.institution, "candidateNumber": actor.id}
        return [(report, "/personal-data.pdf?" + urlencode(candidate))]
    if actor.role is Role.APPLICANT:
        return [(report, "/personal-data.pdf?" + urlencode({"applicantAccount": actor.id}))]
    return []


def sk_documents(numbers: Sequence[str]) -> list[tuple[str, str]]:
    """An applicant's SKs of equivalency, one per application (the route answers not-found until one is issued)."""
    return [
        (f"SK penyetaraan {n}, PDF / SK of equivalency {n}, PDF", f"/equivalency/{quote(n, safe='')}/sk.pdf")
        for n in numbers
    ]


def choose_page(issuers: Sequence[Issuer], next_path: str) -> str:
    return page("Masuk / Sign in", _choices(issuers, next_path))


def failed_page(message: str) -> str:
    return page(
        "Masuk gagal / Sign-in failed",
        f'<div class="notice refused" role="alert" id="refusal">{escape(message)}</div>'
        '<p><a href="/signin">Coba lagi / Try again</a></p>',
    )


def signed_out_page() -> str:
    return page(
        "Keluar / Signed out",
        '<p>Anda sudah keluar. / You are signed out.</p><p><a href="/me">Halaman saya / My page</a></p>',
    )


def _choices(issuers: Sequence[Issuer], next_path: str = "/me") -> str:
    if not issuers:
        return "<p>Tidak ada penyedia identitas untuk masuk di sini. / No identity provider is configured here.</p>"
    items = "".join(
        f'<li><a href="/signin?{escape(urlencode({"issuer": i.client.name, "next": next_path}))}">'
        f"Masuk melalui / Sign in with {escape(i.client.label or i.issuer)}</a></li>"
        for i in issuers
        if i.client is not None
    )
    return f'<ul id="issuers">{items}</ul>'
