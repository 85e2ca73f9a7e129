"""Issue 7, defect 11 (the PDF part): the verification PDF of a name over about 1,500 bytes failed with segno's
``DataOverflowError``, an HTTP 500 (PIN-7).

The statement token no longer has to fit a QR code: a long one is carried whole in the metadata and embedded file,
and the QR carries a compact pointer bound to it by SHA-256; a long value is cut on the page (the statement keeps
it whole) and the text shrinks and wraps until it fits the one page. Names the API now refuses may already be
stored, so the entry here stands for a stored row, whatever its length; served through /sivil/pdf on both stores.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime

import pytest
from pypdf import PdfReader

from infra.bootstrap import Container
from infra.documents.key_ring import KeyRing
from infra.sivil.pdf import render_verification_pdf
from infra.sivil.qr import QR_TOKEN_LIMIT
from infra.sivil.verify import verify_pdf
from projections.sivil.rows import SivilEntry
from projections.sivil.view import SivilView
from tests.api.test_pdf import AT, ENTRY
from tests.api.test_sivil_public import KEYS, Public, paired_diploma, sivil_app
from tests.signed_pdfs import ROOTS, SIGNER
from tests.world import Clock, World

SERVER = "https://sivil.example.go.id"
KEYRING = KeyRing.from_seeds([b"\x0b" * 32])


class StoredLongName(SivilView):
    """The read model as it is for a name stored before names were bounded."""

    def __init__(self, view: SivilView, full_name: str) -> None:
        super().__init__(view.store)
        self.full_name = full_name

    def entry(self, university_code: str, prodi_code: str, nina: str) -> SivilEntry | None:
        found = super().entry(university_code, prodi_code, nina)
        return replace(found, full_name=self.full_name) if found else None


def page_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


@pytest.mark.parametrize("length", [1_600, 5_000])
def test_defect_11_PIN_7_a_stored_name_over_1500_bytes_downloads_as_a_pdf_that_verifies_online(
    container: Container, clock: Clock, world: World, length: int
) -> None:
    nina = paired_diploma(world)
    world.project()
    name = ("Nguyễn Thị Ánh " * length)[:length]  # about 1.2 bytes a character in UTF-8

    def render(entry: SivilEntry, at: datetime) -> bytes:
        return render_verification_pdf(entry, at, KEYS, signer=SIGNER, base_url=SERVER)

    view = StoredLongName(container.services.diploma.sivil, name)
    public = Public(sivil_app(container, clock, view=view, pdf_renderer=render))
    response = public.http.get(public.verify(nina)["pdfUrl"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"

    def ask(url: str) -> tuple[int, bytes]:  # the status check, answered by the same app
        answered = public.http.get(url.removeprefix(SERVER))
        return answered.status_code, answered.content

    result = verify_pdf(response.content, KEYS, roots=ROOTS, base_url=SERVER, http_get=ask)
    assert [(check.name, check.outcome) for check in result.checks] == [
        ("file signature", "ok"),
        ("signed statement", "ok"),
        ("page", "ok"),
        ("current status", "ok"),
    ]
    assert result.statement is not None and result.statement.full_name == name  # signed whole
    assert f"Nama / Name {name[:40]}" in page_text(response.content)


@pytest.mark.parametrize(
    "name",
    [
        "A" * 1_600,  # one word wider than the page
        "Siti Aminah " * 250,
        "Ṣiti Nur’aini " * 200,
        "x" * 300_000,  # as long as a request body could make it
    ],
)
def test_defect_11_PIN_7_any_stored_name_renders_on_one_page_and_verifies(name: str) -> None:
    data = render_verification_pdf(replace(ENTRY, full_name=name), AT, KEYRING, signer=SIGNER, base_url=SERVER)
    result = verify_pdf(data, KEYRING, roots=ROOTS)
    assert result.ok, result.checks
    assert result.statement is not None and result.statement.full_name == name
    text = page_text(data)
    if len(name) > 400:  # cut on the page, saying how much was left out
        assert f"[+{len(name.strip()) - 400} karakter / characters]" in text
    token = PdfReader(io.BytesIO(data)).metadata["/SIVILStatement"]
    assert len(token) > QR_TOKEN_LIMIT  # the QR holds the compact pointer, not the token


def test_defect_11_PIN_7_the_compact_qr_is_bound_to_the_statement() -> None:
    """The QR of a long statement is still checked: a page whose QR points at another statement fails."""
    from domain.diploma.statement import Statement
    from infra.sivil.pdf import compose_page, sign_pdf

    long = replace(ENTRY, full_name="Siti Aminah " * 200)
    statement = Statement.of(long, verified_at=AT, kid=KEYRING.active_kid)
    token = KEYRING.sign(statement)
    other = KEYRING.sign(replace(statement, status="VOID"))
    forged = sign_pdf(compose_page(statement, other, base_url=SERVER), KEYRING, token, signer=SIGNER, server=SERVER)
    detail = verify_pdf(forged, KEYRING, roots=ROOTS).check("page").detail
    assert detail == "the QR code on the page is not the signed statement"
    genuine = sign_pdf(compose_page(statement, token, base_url=SERVER), KEYRING, token, signer=SIGNER, server=SERVER)
    assert verify_pdf(genuine, KEYRING, roots=ROOTS).ok
