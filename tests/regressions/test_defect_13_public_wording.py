"""Issue 7, defect 13: the public wording of SIVIL (PIN-5, PIN-6, PIN-7).

NINA typing errors on /sivil were English only and showed rule ids; an annulled diploma was headed "Diploma
found"; its PDF still said it replaces wet-ink legalisation; times were UTC only; and the PDF's "How to verify"
named only a command line. Now: Bahasa Indonesia with English and no rule ids on the page (the GraphQL API for
programs keeps them), "recorded, but annulled", no legalisation claim for an annulled diploma, WIB beside UTC,
and the public /sivil address printed where one is configured. On both stores.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from infra.bootstrap import Container
from infra.documents.key_ring import KeyRing
from infra.sivil.pdf import render_verification_pdf
from tests.api.test_pdf import AT, ENTRY
from tests.api.test_sivil_public import Public, fake_pdf, malformed, paired_diploma, sivil_app
from tests.signed_pdfs import SIGNER
from tests.world import PRODI, UNIVERSITY, Clock, World

SERVER = "https://sivil.example.go.id"
KEYRING = KeyRing.from_seeds([b"\x0d" * 32])


@pytest.fixture
def public(container: Container, clock: Clock) -> Public:
    return Public(sivil_app(container, clock, pdf_renderer=fake_pdf))


def form_post(public: Public, nina: str, university: str = UNIVERSITY, prodi: str = PRODI) -> tuple[int, str]:
    page = public.http.get("/sivil").text
    a, b = re.search(r"Berapa (\d+) \+ (\d+)\?", page).groups()  # type: ignore[union-attr]
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"university": university, "prodi": prodi, "nina": nina, "token": token, "answer": str(int(a) + int(b))}
    answered = public.http.post("/sivil", data=form)
    return answered.status_code, answered.text


def refusal(html: str) -> str:
    return re.search(r'<div class="notice refused" role="alert" id="refusal">(.*?)</div>', html, re.S).group(1)  # type: ignore[union-attr]


BOTH_LANGUAGES = {
    "digits 0-9": ("NINA hanya berisi angka 0-9.", "A NINA has only the digits 0-9."),
    "length": ("NINA terdiri atas 15 digit.", "A NINA has 15 digits."),
    "prodi prefix": ("5 digit pertama NINA adalah kode prodi", "The first 5 digits of a NINA are the prodi code"),
    "year": ("Digit ke-6 sampai ke-9 NINA adalah tahun terbit", "Digits 6 to 9 of a NINA are the year of issue"),
    "check digit": ("Digit terakhir NINA (digit periksa) tidak cocok", "The last digit of the NINA (its check digit)"),
}


@pytest.mark.parametrize("part", list(BOTH_LANGUAGES))
def test_defect_13_PIN_6_a_mistyped_nina_is_named_in_both_languages_without_rule_ids(
    world: World, public: Public, part: str
) -> None:
    nina = paired_diploma(world)
    world.project()
    status, html = form_post(public, malformed(nina)[part])
    assert status == 422
    notice = refusal(html)
    indonesian, english = BOTH_LANGUAGES[part]
    assert indonesian in notice and english in notice
    assert "PIN-" not in html and "ruleId" not in html
    # The GraphQL API for programs keeps the rule id.
    assert public.verify(malformed(nina)[part])["ruleId"] == "PIN-1"


def test_defect_13_PIN_6_mistyped_codes_are_named_in_both_languages(world: World, public: Public) -> None:
    nina = paired_diploma(world)
    world.project()
    status, html = form_post(public, nina, university="1002", prodi="552O1")
    assert status == 422
    notice = refusal(html)
    assert "Kode perguruan tinggi terdiri atas 6 digit. / A university code has 6 digits." in notice
    assert "Kode prodi terdiri atas 5 digit. / A prodi code has 5 digits." in notice
    assert "PIN-" not in html and "got '1002'" not in html


def test_defect_13_PIN_5_an_annulled_diploma_reads_recorded_but_annulled_with_times_in_wib(
    world: World, public: Public
) -> None:
    nina = paired_diploma(world)
    world.project()
    status, html = form_post(public, nina)
    assert status == 200 and "<h2>Ijazah ditemukan / Diploma found</h2>" in html
    assert "2024-08-01 10:00:00 WIB (2024-08-01 03:00:00 UTC)" in html  # the test clock: 03:00 UTC
    world.annul()
    world.project()
    status, html = form_post(public, nina)
    assert status == 200
    assert "<h2>Ijazah tercatat, tetapi dibatalkan / Diploma recorded, but annulled</h2>" in html
    assert "Diploma found" not in html and 'class="notice not-valid"' in html
    assert re.search(r"sampai \d\d:\d\d WIB \(\d\d:\d\d UTC\)", public.http.get("/sivil").text)


@pytest.mark.parametrize("status", ["VOID", "CANCELLED_IN_ERROR"])
def test_defect_13_PIN_7_the_pdf_of_an_annulled_diploma_does_not_claim_to_replace_legalisation(status: str) -> None:
    data = render_verification_pdf(replace(ENTRY, status=status, status_date="2025-02-03"), AT, KEYRING, signer=SIGNER)
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "replaces wet-ink legalisation" not in text and "menggantikan legalisasi" not in text
    assert "Ijazah tercatat, tetapi DIBATALKAN / Diploma recorded, but ANNULLED" in text
    assert "dokumen ini TIDAK berlaku sebagai legalisasi" in text
    assert "this document is NOT valid as legalisation" in text
    valid = render_verification_pdf(ENTRY, AT, KEYRING, signer=SIGNER)
    assert "This document replaces wet-ink legalisation." in PdfReader(io.BytesIO(valid)).pages[0].extract_text()


def test_defect_13_PIN_7_the_pdf_prints_the_public_sivil_address_where_one_is_configured() -> None:
    data = render_verification_pdf(ENTRY, AT, KEYRING, signer=SIGNER, base_url=SERVER + "/")
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert f"Periksa status terkini / Check the current status: {SERVER}/sivil" in text
    assert f"Kunci publik / Public keys: {SERVER}/.well-known/sivil-keys.json" in text
    assert PdfReader(io.BytesIO(data)).metadata["/SIVILServer"] == SERVER
    unconfigured = render_verification_pdf(ENTRY, AT, KEYRING, signer=SIGNER)
    text = " ".join(PdfReader(io.BytesIO(unconfigured)).pages[0].extract_text().split())
    assert "kredensial verify-pdf FILE --server SIVIL_URL" in text and "/SIVILServer" not in str(
        PdfReader(io.BytesIO(unconfigured)).metadata
    )
