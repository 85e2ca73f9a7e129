"""PIN-7: the verification PDF verifies itself, and any change to it fails verification. No database needed."""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from domain.diploma.statement import BadSignature, MalformedStatement, Statement, UnknownKey
from infra.documents.checks import HttpGet, Verdict
from infra.documents.fonts import DEJAVU_DIRECTORY, STANDARD_FONTS, PageFonts, page_fonts
from infra.documents.key_ring import KeyRing, kid_of
from infra.documents.signing import DocumentSigner
from infra.sivil.pdf import compose_page, render_verification_pdf, shown_pattern, sign_pdf, wrapped
from infra.sivil.verify import VerificationResult, verify_pdf
from infra.verify_pdf import verify_pdf_command
from projections.sivil.rows import SivilEntry
from tests.signed_pdfs import ROOTS, SIGNER, old_style_verification_pdf

ENTRY = SivilEntry(
    university_code="001002",
    university_name="Universitas Contoh Nusantara",
    prodi_code="55201",
    programme_name="Teknik Informatika",
    level="S1",
    nina="0010025520230001234",
    nim="2019010203",
    full_name="Ni Luh Putu Ayu Kartika Sari",
    graduation_date="2023-08-17",
    status="VALID",
    status_date="2023-09-01",
)
AT = datetime(2025, 6, 1, 3, 4, 5, 678000, tzinfo=UTC)
OLD_SEED, NEW_SEED = bytes(range(32)), bytes(range(32, 64))
SERVER = "https://sivil.example.go.id"
CANONICAL = (
    '{"at":"2025-06-01T03:04:05Z","grad":"2023-08-17","kid":"0123456789abcdef","lvl":"S1",'
    '"n":"0010025520230001234","name":"Ṣiti","nim":"2019010203","p":"55201","pn":"Teknik Informatika",'
    '"sd":"2023-09-01","st":"VALID","u":"001002","un":"Universitas Contoh Nusantara","v":1}'
)


@pytest.fixture(scope="module")
def keys() -> KeyRing:
    return KeyRing.from_seeds([OLD_SEED])


@pytest.fixture(scope="module")
def pdf(keys: KeyRing) -> bytes:
    return render_verification_pdf(ENTRY, AT, keys, signer=SIGNER, base_url=SERVER)


def outcomes_of(result: VerificationResult) -> dict[str, str]:
    return {check.name: check.outcome for check in result.checks}


def flipped(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def server(answers: dict[str, tuple[int, bytes]]) -> HttpGet:
    def get(url: str) -> tuple[int, bytes]:
        for prefix, answer in answers.items():
            if url.startswith(prefix):
                return answer
        raise OSError("connection refused")

    return get


def status_answer(status: str, status_date: str) -> tuple[int, bytes]:
    return 200, json.dumps({"status": status, "status_date": status_date}).encode()


# Round trip


def test_PIN_7_a_rendered_pdf_verifies_its_file_signature_statement_and_page(pdf: bytes, keys: KeyRing) -> None:
    result = verify_pdf(pdf, keys, roots=ROOTS)
    assert result.ok, result.checks
    assert [(check.name, check.outcome) for check in result.checks] == [
        ("file signature", "ok"),
        ("signed statement", "ok"),
        ("page", "ok"),
    ]
    assert result.statement == Statement.of(ENTRY, verified_at=AT, kid=keys.active_kid)
    assert result.statement.verified_at == datetime(2025, 6, 1, 3, 4, 5, tzinfo=UTC)


def test_PIN_7_the_page_is_bilingual_and_shows_the_fields_status_date_and_time_of_verification(pdf: bytes) -> None:
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for shown in (
        "Hasil Verifikasi Ijazah",
        "Diploma Verification Result",
        "Nama / Name Ni Luh Putu Ayu Kartika Sari",
        "NINA / National diploma number 0010025520230001234",
        "Status SAH / VALID",
        "Tanggal status / Status date 2023-09-01",
        "2025-06-01 10:04:05 WIB (2025-06-01 03:04:05 UTC)",
        f"{SERVER}/.well-known/sivil-keys.json",
    ):
        assert shown in text


def test_PIN_7_the_statement_is_in_the_metadata_and_an_embedded_file_so_no_qr_decoding_is_needed(
    pdf: bytes, keys: KeyRing
) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    token = reader.metadata["/SIVILStatement"]
    assert reader.attachments["sivil-statement.txt"] == [token.encode()]
    assert keys.verify(token).nina == ENTRY.nina
    assert len(token) < 600  # keeps the QR code at a scannable version


def test_PIN_7_an_annulled_diploma_shows_its_category_and_date_and_verifies(keys: KeyRing) -> None:
    void = replace(ENTRY, status="VOID", status_date="2025-02-03")
    data = render_verification_pdf(void, AT, keys, signer=SIGNER)
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Status DIBATALKAN SEJAK AWAL / VOID: ANNULLED FROM THE START" in text
    assert "Tanggal status / Status date 2025-02-03" in text
    assert "Ijazah tercatat, tetapi DIBATALKAN / Diploma recorded, but ANNULLED" in text
    assert "this document is NOT valid as legalisation" in text and "replaces wet-ink" not in text
    assert verify_pdf(data, keys, roots=ROOTS).ok


def test_PIN_7_a_name_outside_the_standard_font_still_verifies_and_the_statement_keeps_it_exactly(
    keys: KeyRing,
) -> None:
    data = render_verification_pdf(replace(ENTRY, full_name="Ṣiti Nur’aini"), AT, keys, signer=SIGNER)
    result = verify_pdf(data, keys, roots=ROOTS)
    assert result.ok and result.statement is not None and result.statement.full_name == "Ṣiti Nur’aini"


def page_text(data: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def signed_page(keys: KeyRing, entry: SivilEntry, fonts: PageFonts | None = None) -> bytes:
    statement = Statement.of(entry, verified_at=AT, kid=keys.active_kid)
    token = keys.sign(statement)
    return sign_pdf(compose_page(statement, token, fonts=fonts), keys, token, signer=SIGNER)


@pytest.mark.skipif(not (DEJAVU_DIRECTORY / "DejaVuSans.ttf").is_file(), reason="fonts-dejavu-core is not installed")
def test_PIN_7_a_vietnamese_name_is_shown_on_the_page_as_itself_with_dejavu_sans(keys: KeyRing) -> None:
    assert page_fonts().regular == "DejaVuSans"
    vietnamese = replace(ENTRY, full_name="Nguyễn Thị Ánh", programme_name="Kỹ thuật Phần mềm")
    data = render_verification_pdf(vietnamese, AT, keys, signer=SIGNER)
    text = page_text(data)
    assert "Nama / Name Nguyễn Thị Ánh" in text and "Kỹ thuật Phần mềm (55201)" in text
    assert "?" not in text
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    assert any("DejaVuSans" in font.get_object()["/BaseFont"] for font in fonts.values())
    assert verify_pdf(data, keys, roots=ROOTS).ok
    # The same page with one accent dropped from the name is not the signed one.
    statement = Statement.of(vietnamese, verified_at=AT, kid=keys.active_kid)
    token = keys.sign(statement)
    other = sign_pdf(compose_page(replace(statement, full_name="Nguyễn Thị Anh"), token), keys, token, signer=SIGNER)
    detail = verify_pdf(other, keys).check("page").detail
    assert detail == "the page does not show the signed Nama / Name: Nguyễn Thị Ánh"


def test_PIN_7_without_dejavu_sans_the_page_falls_back_to_vera_and_still_verifies(
    keys: KeyRing, tmp_path: Path
) -> None:
    fonts = page_fonts(tmp_path)
    assert (fonts.regular, fonts.bold, fonts.italic) == ("Vera", "Vera-Bold", "Vera-Oblique")  # embedded (PDF/A)
    for used in (fonts, STANDARD_FONTS):  # Helvetica: as pages were set before every font was embedded
        data = signed_page(keys, replace(ENTRY, full_name="Nguyễn Thị Ánh"), used)
        assert "Nama / Name Nguy?n Th? Ánh" in page_text(data)
        assert verify_pdf(data, keys, roots=ROOTS).ok  # wherever it is verified, with or without DejaVu Sans


@pytest.mark.parametrize(
    "name", ["Nguyễn Thị Ánh", "Λ Ж 漢字", "Nguye\u0302\u0303n", "a\u2003b  c", "Ni Luh Putu Ayu Kartika Sari"]
)
def test_PIN_7_the_page_check_accepts_each_character_as_itself_or_as_a_question_mark_the_font_put_for_it(
    name: str,
) -> None:
    pattern = shown_pattern(name)
    for fonts in (STANDARD_FONTS, page_fonts(), page_fonts(Path("/nonexistent"))):
        assert re.fullmatch(pattern, " ".join(" ".join(wrapped(name, fonts)).split())), (fonts.regular, name)
    assert not re.fullmatch(pattern, "Budi Santoso")


# Any change fails


def _signature_value(pdf: bytes, gap_start: int, gap_end: int) -> int:
    """The middle of the signer's signature in the /Contents hex: not a fixed offset, which may fall in a copy of the
    root certificate (the CMS's certificates are a DER SET, sorted by their bytes), which no verifier relies on."""
    contents = pdf[gap_start + 1 : gap_end - 1]
    signed = cms.ContentInfo.load(bytes.fromhex(contents.decode()), strict=False)["content"]
    signature = signed["signer_infos"][0]["signature"].native.hex().encode()
    return gap_start + 1 + contents.lower().index(signature) + len(signature) // 2


def _positions(pdf: bytes) -> dict[str, int]:
    start = pdf.index(b"/ByteRange [") + len(b"/ByteRange [")
    gap_start = int(pdf[start:].split()[1])
    gap_end = int(pdf[start:].split()[2])
    embedded = pdf.index(b"stream", pdf.index(b"/EmbeddedFile")) + len(b"stream\n") + 3
    return {
        "header": 1,
        "NINA in the content stream": pdf.index(b"(0010025520230001234)") + 5,
        "QR code in the content stream": pdf.index(b" 1 re\n") - 1,
        "statement in the metadata": pdf.index(b"/SIVILStatement (") + 40,
        "title in the metadata": pdf.index(b"/Title (") + 10,
        "embedded statement file": embedded,
        "signature value": _signature_value(pdf, gap_start, gap_end),
        "signature padding": gap_end - 3,
        "byte range": start + 1,
        "cross-reference table": pdf.rindex(b"startxref") - 20,
        "end of file": len(pdf) - 2,
    }


@pytest.mark.parametrize(
    "where",
    [
        "header",
        "NINA in the content stream",
        "QR code in the content stream",
        "statement in the metadata",
        "title in the metadata",
        "embedded statement file",
        "signature value",
        "signature padding",
        "byte range",
        "cross-reference table",
        "end of file",
    ],
)
def test_PIN_7_one_changed_byte_fails_verification(pdf: bytes, keys: KeyRing, where: str) -> None:
    result = verify_pdf(flipped(pdf, _positions(pdf)[where]), keys, roots=ROOTS)
    assert not result.ok
    assert result.check("file signature").outcome == "failed"


def test_PIN_7_one_changed_byte_anywhere_in_a_sweep_of_the_file_fails_verification(pdf: bytes, keys: KeyRing) -> None:
    step = len(pdf) // 16
    for position in range(step // 2, len(pdf), step):
        assert not verify_pdf(flipped(pdf, position), keys, roots=ROOTS).ok, position


def test_PIN_7_a_case_change_in_the_signature_hex_fails_even_though_it_decodes_the_same(
    pdf: bytes, keys: KeyRing
) -> None:
    gap = pdf.index(b"/Contents <") + len(b"/Contents ")
    letter = next(i for i in range(gap, gap + 400) if pdf[i : i + 1] in b"ABCDEF")
    tampered = pdf[:letter] + pdf[letter : letter + 1].lower() + pdf[letter + 1 :]
    assert verify_pdf(tampered, keys).check("file signature").detail == "the signature value was altered"


@pytest.mark.parametrize("change", ["a byte appended", "the last byte removed", "an incremental update"])
def test_PIN_7_bytes_added_or_removed_after_signing_fail_verification(pdf: bytes, keys: KeyRing, change: str) -> None:
    if change == "a byte appended":
        tampered = pdf + b"\n"
    elif change == "the last byte removed":
        tampered = pdf[:-1]
    else:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        info = writer.trailer.raw_get("/Info")
        info.get_object()[generic.NameObject("/Title")] = generic.TextStringObject("NINA 0010025520230009999")
        writer.mark_update(info)
        output = io.BytesIO()
        writer.write(output)
        tampered = output.getvalue()
    result = verify_pdf(tampered, keys, roots=ROOTS)
    assert not result.ok and result.check("file signature").outcome == "failed"


def test_PIN_7_the_NINA_edited_in_the_page_fails_the_file_signature_and_the_page(pdf: bytes, keys: KeyRing) -> None:
    tampered = pdf.replace(b"(0010025520230001234)", b"(0010025520230009999)")
    assert tampered != pdf and len(tampered) == len(pdf)
    result = verify_pdf(tampered, keys, roots=ROOTS)
    assert result.check("file signature").detail == "the signed bytes were changed"
    assert result.check("page").outcome == "failed" and "NINA" in result.check("page").detail


def test_PIN_7_a_page_regenerated_with_another_name_but_the_old_statement_fails_even_when_signed_by_sivil(
    keys: KeyRing,
) -> None:
    statement = Statement.of(ENTRY, verified_at=AT, kid=keys.active_kid)
    token = keys.sign(statement)
    page = compose_page(replace(statement, full_name="Budi Santoso"), token)
    result = verify_pdf(sign_pdf(page, keys, token, signer=SIGNER), keys, roots=ROOTS)
    assert outcomes_of(result) == {"file signature": "ok", "signed statement": "ok", "page": "failed"}
    assert result.check("page").detail == "the page does not show the signed Nama / Name: Ni Luh Putu Ayu Kartika Sari"


def test_PIN_7_a_qr_code_of_another_statement_fails_even_when_signed_by_sivil(keys: KeyRing) -> None:
    statement = Statement.of(ENTRY, verified_at=AT, kid=keys.active_kid)
    other = keys.sign(replace(statement, status="VOID"))
    page = compose_page(statement, other)
    result = verify_pdf(sign_pdf(page, keys, keys.sign(statement), signer=SIGNER), keys, roots=ROOTS)
    assert result.check("page").detail == "the QR code on the page is not the signed statement"


def test_PIN_7_a_pdf_regenerated_with_another_key_and_another_root_fails_both_signatures(keys: KeyRing) -> None:
    stranger, _ = DocumentSigner.generate()
    forged = render_verification_pdf(
        replace(ENTRY, full_name="Budi Santoso"), AT, KeyRing.from_seeds([b"\x07" * 32]), signer=stranger
    )
    result = verify_pdf(forged, keys, roots=ROOTS)
    assert outcomes_of(result) == {"file signature": "failed", "signed statement": "failed", "page": "not checked"}
    assert result.check("file signature").detail == (
        "the signing certificate does not chain to the kredensial root certificate"
    )
    assert "unknown key id" in result.check("signed statement").detail


def test_PIN_7_a_pdf_signed_by_kredensial_around_a_statement_of_an_unknown_key_fails(keys: KeyRing) -> None:
    forged = render_verification_pdf(ENTRY, AT, KeyRing.from_seeds([b"\x07" * 32]), signer=SIGNER)
    result = verify_pdf(forged, keys, roots=ROOTS)
    assert outcomes_of(result) == {"file signature": "ok", "signed statement": "failed", "page": "not checked"}
    assert "unknown key id" in result.check("signed statement").detail
    assert not result.authentic and result.verdict == Verdict.NOT_VERIFIED


# PDFs signed before the kredensial root: the file certified by the SIVIL key itself


@pytest.fixture(scope="module")
def old_pdf(keys: KeyRing) -> bytes:
    return old_style_verification_pdf(ENTRY, AT, keys, base_url=SERVER)


def test_PIN_7_a_pdf_signed_the_old_way_by_the_sivil_key_still_verifies_without_any_root(
    old_pdf: bytes, keys: KeyRing, tmp_path: Path
) -> None:
    result = verify_pdf(old_pdf, keys)
    assert result.ok, result.checks
    assert result.check("file signature").detail == (
        f"certified by SIVIL key {keys.active_kid} (active), covering the whole file"
    )
    assert verify_pdf(old_pdf, keys, roots=ROOTS).ok  # a root given is not needed, and does no harm
    rotated = KeyRing.from_seeds([NEW_SEED, OLD_SEED])
    assert "(retired)" in verify_pdf(old_pdf, rotated).check("file signature").detail
    path = tmp_path / "old.pdf"
    path.write_bytes(old_pdf)
    code, lines = verify_pdf_command(path, keys, None, offline=True)  # no root asked for
    assert code == Verdict.STATUS_UNKNOWN, lines
    assert lines[0] == "keys: given" and not any(line.startswith("root certificate") for line in lines)


def test_PIN_7_a_pdf_signed_the_old_way_still_fails_when_changed_or_signed_by_another_key(
    old_pdf: bytes, keys: KeyRing
) -> None:
    tampered = old_pdf.replace(b"(0010025520230001234)", b"(0010025520230009999)")
    assert verify_pdf(tampered, keys).check("file signature").detail == "the signed bytes were changed"
    step = len(old_pdf) // 8
    for position in range(step // 2, len(old_pdf), step):
        assert not verify_pdf(flipped(old_pdf, position), keys).ok, position
    forged = old_style_verification_pdf(ENTRY, AT, KeyRing.from_seeds([b"\x07" * 32]))
    result = verify_pdf(forged, keys, roots=ROOTS)
    assert outcomes_of(result) == {"file signature": "failed", "signed statement": "failed", "page": "not checked"}
    assert "unknown key id" in result.check("file signature").detail


def test_PIN_7_a_new_pdf_without_a_root_to_check_it_against_is_not_authentic(pdf: bytes, keys: KeyRing) -> None:
    result = verify_pdf(pdf, keys)
    assert not result.authentic
    assert (
        result.check("file signature").detail
        == "no kredensial root certificate to check the signing certificate against"
    )


# Key rotation


def test_PIN_7_a_pdf_signed_with_a_key_later_retired_still_verifies_after_rotation(pdf: bytes, keys: KeyRing) -> None:
    rotated = KeyRing.from_seeds([NEW_SEED, OLD_SEED])
    assert rotated.active_kid != keys.active_kid
    for ring in (rotated, keys.rotated(NEW_SEED), KeyRing.from_published(rotated.published_json())):
        result = verify_pdf(pdf, ring, roots=ROOTS)
        assert result.ok, result.checks
        assert "(retired)" in result.check("signed statement").detail
    fresh = verify_pdf(render_verification_pdf(ENTRY, AT, rotated, signer=SIGNER), rotated, roots=ROOTS)
    assert fresh.ok and fresh.check("signed statement").detail.endswith(f"{rotated.active_kid} (active)")
    newer = render_verification_pdf(ENTRY, AT, rotated, signer=SIGNER)
    assert not verify_pdf(newer, keys, roots=ROOTS).ok  # the old ring lacks the new key


def test_PIN_7_published_keys_list_the_active_key_first_and_every_retired_key_public_only() -> None:
    ring = KeyRing.from_seeds([NEW_SEED, OLD_SEED])
    published = json.loads(ring.published_json())
    assert [(key["status"], key["alg"]) for key in published["keys"]] == [("active", "Ed25519"), ("retired", "Ed25519")]
    first = published["keys"][0]
    raw = base64.urlsafe_b64decode(first["public_key"] + "=")
    assert len(raw) == 32 and first["kid"] == ring.active_kid and len(first["kid"]) == 16
    assert set(first) == {"kid", "alg", "public_key", "status"}
    offline = KeyRing.from_published(published)
    with pytest.raises(ValueError, match="public keys only"):
        offline.sign(Statement.of(ENTRY, verified_at=AT, kid=offline.active_kid))


def test_PIN_7_a_published_key_whose_id_does_not_match_its_public_key_is_refused() -> None:
    published = KeyRing.from_seeds([NEW_SEED]).published()
    published["keys"][0]["kid"] = "00" * 8
    with pytest.raises(MalformedStatement, match="does not match its public key"):
        KeyRing.from_published(published)


def test_PIN_7_the_setting_is_comma_separated_hex_seeds_first_active_rest_retired() -> None:
    ring = KeyRing.from_setting(f" {NEW_SEED.hex()} , {OLD_SEED.hex()} ")
    assert [key.status for key in ring.keys] == ["active", "retired"]
    assert ring.active_kid == KeyRing.from_seeds([NEW_SEED]).active_kid
    for bad in ("", "zz" * 32, "ab" * 31):
        with pytest.raises(ValueError, match="64 hex digits"):
            KeyRing.from_setting(bad)
    assert len(KeyRing.generate().active_kid) == 16


# The statement


def test_PIN_7_the_canonical_json_of_a_statement_is_stable_sorted_compact_utf8(keys: KeyRing) -> None:
    entry = replace(ENTRY, full_name="Ṣiti")
    statement = Statement.of(entry, verified_at=AT, kid="0123456789abcdef")
    again = Statement.of(entry, verified_at=AT.replace(microsecond=1), kid="0123456789abcdef")
    assert statement.canonical_json() == again.canonical_json() == CANONICAL.encode()
    signed = Statement.of(ENTRY, verified_at=AT, kid=keys.active_kid)
    assert keys.sign(signed) == keys.sign(signed)
    assert Statement.from_canonical_json(signed.canonical_json()) == signed


def test_PIN_7_a_tampered_statement_signature_or_payload_is_refused_naming_why(keys: KeyRing) -> None:
    token = keys.sign(Statement.of(ENTRY, verified_at=AT, kid=keys.active_kid))
    payload, signature = token.split(".")
    bad_signature = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(BadSignature, match="bad signature"):
        keys.verify(f"{payload}.{bad_signature}")
    altered = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    altered["name"] = "Budi Santoso"
    encoded = base64.urlsafe_b64encode(json.dumps(altered, sort_keys=True, separators=(",", ":")).encode()).rstrip(b"=")
    with pytest.raises(BadSignature):
        keys.verify(f"{encoded.decode()}.{signature}")


def test_PIN_7_an_unknown_key_or_malformed_token_is_refused_naming_why(keys: KeyRing) -> None:
    stranger = KeyRing.from_seeds([b"\x09" * 32])
    token = stranger.sign(Statement.of(ENTRY, verified_at=AT, kid=stranger.active_kid))
    with pytest.raises(UnknownKey, match=f"unknown key id '{stranger.active_kid}'"):
        keys.verify(token)
    payload = base64.urlsafe_b64encode(b'{"v":1, "u":"x"}').rstrip(b"=").decode()
    for malformed, why in [
        ("no-dot-here", "two base64url parts"),
        ("a.b.c", "two base64url parts"),
        ("@@@.AAAA", "not base64url"),
        (f"{payload}.AAAA", "missing"),
        (token.split(".")[0] + ".AB", "not canonical base64url"),
    ]:
        with pytest.raises(MalformedStatement, match=why):
            keys.verify(malformed)


def test_PIN_7_a_statement_in_non_canonical_json_is_refused(keys: KeyRing) -> None:
    statement = Statement.of(ENTRY, verified_at=AT, kid=keys.active_kid)
    spaced = json.dumps(json.loads(statement.canonical_json()), sort_keys=True).encode()
    with pytest.raises(MalformedStatement, match="not in canonical form"):
        Statement.from_canonical_json(spaced)
    assert kid_of(keys.signing_key.public_key()) == keys.active_kid


# Online status and the command


def test_PIN_7_online_the_current_status_is_asked_with_the_signed_statement_and_an_unreachable_server_is_not_a_failure(
    pdf: bytes, keys: KeyRing
) -> None:
    token = PdfReader(io.BytesIO(pdf)).metadata["/SIVILStatement"]
    status_url = f"{SERVER}/sivil/status?statement={token}"  # the diploma comes from the statement, not the asker
    same = verify_pdf(
        pdf, keys, roots=ROOTS, base_url=SERVER, http_get=server({status_url: status_answer("VALID", "2023-09-01")})
    )
    assert same.ok and same.check("current status").outcome == "ok"
    annulled = verify_pdf(
        pdf, keys, roots=ROOTS, base_url=SERVER, http_get=server({status_url: status_answer("VOID", "2025-02-03")})
    )
    assert not annulled.ok
    assert annulled.check("current status").detail.startswith("changed since the PDF was made: now DIBATALKAN")
    for not_found in (  # a problem detail (issue 32), and an older server's answer
        {"type": "/problems/not-found", "status": 404, "detail": "Ijazah tidak ditemukan."},
        {"error": "NOT_FOUND", "message": "Ijazah tidak ditemukan."},
    ):
        answer = (404, json.dumps(not_found).encode())
        gone = verify_pdf(pdf, keys, roots=ROOTS, base_url=SERVER, http_get=server({status_url: answer}))
        assert gone.check("current status").outcome == "failed"
        assert gone.check("current status").detail == f"{SERVER} no longer finds this diploma"
    offline = verify_pdf(pdf, keys, roots=ROOTS, base_url=SERVER, http_get=server({}))
    assert offline.ok and offline.check("current status").outcome == "not checked"
    assert offline.check("current status").detail.startswith("could not check online")


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (
            (403, b'{"error": "STATEMENT_REJECTED", "message": "Signed statement rejected: unknown key id"}'),
            "refused the statement: Signed statement rejected: unknown key id",
        ),
        ((404, b'{"error": "NOT_AVAILABLE", "message": "not available"}'), "answered HTTP 404"),
        (
            (403, b'{"type": "/problems/statement-rejected", "status": 403, "detail": "Signed statement rejected: x"}'),
            "refused the statement: Signed statement rejected: x",
        ),
        ((404, b'{"type": "/problems/not-offered", "status": 404, "detail": "not available"}'), "answered HTTP 404"),
        ((404, b'{"detail": "Not Found"}'), "answered HTTP 404"),
        ((200, b"[]"), "unexpected answer"),
        ((200, b"\xff"), "unexpected answer"),
    ],
)
def test_PIN_7_a_server_that_refuses_or_cannot_answer_the_status_question_leaves_it_not_checked(
    pdf: bytes, keys: KeyRing, answer: tuple[int, bytes], detail: str
) -> None:
    result = verify_pdf(pdf, keys, roots=ROOTS, base_url=SERVER, http_get=server({f"{SERVER}/sivil/status?": answer}))
    assert result.ok and result.check("current status").outcome == "not checked"
    assert detail in result.check("current status").detail


def test_PIN_7_verify_pdf_command_exit_codes_say_what_was_and_was_not_checked(
    pdf: bytes, keys: KeyRing, tmp_path: Path
) -> None:
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(pdf)
    bad.write_bytes(pdf.replace(b"(Ni Luh Putu", b"(Ni Luh Pute"))
    status_url = f"{SERVER}/sivil/status?"
    code, lines = verify_pdf_command(
        good, keys, None, roots=ROOTS, http_get=server({status_url: status_answer("VALID", "2023-09-01")})
    )
    assert code == Verdict.VERIFIED == 0
    assert lines[-1].startswith("VERIFIED: the PDF is unchanged, its statement signed by SIVIL key")
    assert lines[-1].endswith(f"{SERVER} confirms the diploma is still SAH / VALID")
    assert "NINA 0010025520230001234, Ni Luh Putu Ayu Kartika Sari: SAH / VALID since 2023-09-01" in lines[-2]
    for why, web in {
        f"{SERVER} unreachable": server({}),
        "HTTP 429, too many requests; retry in 60 s": server(
            {status_url: (429, b'{"error": "RATE_LIMITED", "retry_after_seconds": 60}')}
        ),
        "HTTP 429, too many requests; retry in 30 s": server(
            {status_url: (429, b'{"type": "/problems/rate-limited", "status": 429, "retryAfter": 30}')}
        ),
        "HTTP 503": server({status_url: (503, b"")}),
    }.items():
        code, lines = verify_pdf_command(good, keys, None, roots=ROOTS, http_get=web)
        assert code == Verdict.STATUS_UNKNOWN == 3, lines
        assert any(
            line.startswith("NOT CHECKED  current status: could not check online") and why in line for line in lines
        )
        assert lines[-1].startswith("AUTHENTIC, STATUS NOT CHECKED:") and "was NOT checked" in lines[-1]
    code, lines = verify_pdf_command(good, keys, None, roots=ROOTS, offline=True)
    assert code == 3 and "NOT CHECKED  current status: not asked (--offline was given)" in lines
    annulled = server({status_url: status_answer("VOID", "2025-02-03")})
    code, lines = verify_pdf_command(good, keys, None, roots=ROOTS, http_get=annulled)
    assert code == Verdict.ANNULLED == 4
    assert lines[-1].startswith("ANNULLED:") and "DIBATALKAN SEJAK AWAL" in lines[-1] and "NOT valid" in lines[-1]
    code, lines = verify_pdf_command(bad, keys, None, roots=ROOTS, http_get=annulled)
    assert code == Verdict.NOT_VERIFIED == 1 and lines[-1] == "NOT VERIFIED: file signature, page failed"
    assert "NOT CHECKED  current status: not asked: the document itself did not verify" in lines
    assert verify_pdf_command(tmp_path / "missing.pdf", keys, None, roots=ROOTS)[0] == Verdict.USAGE == 2
    assert verify_pdf_command(good, None, None, offline=True) == (
        2,
        ["no keys to verify with: --offline was given; pass --keys KEYS_JSON_FILE or --server URL"],
    )
    unnamed = tmp_path / "unnamed.pdf"
    unnamed.write_bytes(render_verification_pdf(ENTRY, AT, keys, signer=SIGNER))
    assert verify_pdf_command(unnamed, None, None) == (
        2,
        ["no keys to verify with: the PDF names no SIVIL server; pass --keys KEYS_JSON_FILE or --server URL"],
    )
    code, lines = verify_pdf_command(unnamed, keys, None, roots=ROOTS)
    assert code == 3
    assert "NOT CHECKED  current status: not asked (no server: the PDF names none; pass --server URL)" in lines
    assert verify_pdf_command(good, keys, None, offline=True) == (
        2,
        [
            "keys: given",
            "no kredensial root certificate to verify the file signature with: --offline was given; pass --root "
            "ROOT_PEM_FILE or --server URL",
        ],
    )
    code, lines = verify_pdf_command(good, keys, None, http_get=server({}))
    assert code == Verdict.NOT_VERIFIED and lines[-2] == (
        f"could not fetch the kredensial root certificate from {SERVER}/.well-known/kredensial-root.pem: "
        "connection refused"
    )


def test_PIN_7_verify_pdf_command_with_only_a_server_fetches_the_published_keys_after_rotation(
    pdf: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "old.pdf"
    path.write_bytes(pdf)
    rotated = KeyRing.from_seeds([NEW_SEED, OLD_SEED])
    web = server(
        {
            f"{SERVER}/.well-known/sivil-keys.json": (200, rotated.published_json().encode()),
            f"{SERVER}/.well-known/kredensial-root.pem": (200, SIGNER.root_pem()),
            f"{SERVER}/sivil/status?": status_answer("VALID", "2023-09-01"),
        }
    )
    code, lines = verify_pdf_command(path, None, SERVER, http_get=web)
    assert code == 0, lines
    assert lines[0] == f"keys: published at {SERVER}/.well-known/sivil-keys.json (--server)"
    assert lines[1] == f"root certificate: published at {SERVER}/.well-known/kredensial-root.pem (--server)"
    assert lines[5].startswith("OK           current status: still SAH / VALID since 2023-09-01")
    assert verify_pdf_command(path, None, SERVER, http_get=server({}))[0] == 1  # no keys: nothing verified
    # Without --server, the keys and the status come from the server the PDF names.
    code, lines = verify_pdf_command(path, None, None, http_get=web)
    assert code == 0 and lines[0].startswith(f"keys: published at {SERVER}/.well-known/sivil-keys.json, the server")
