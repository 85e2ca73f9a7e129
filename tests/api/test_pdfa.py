"""Issue 13: the SIVIL verification PDF is PDF/A-3b (ISO 19005-3, level B), and stays so once signed.

veraPDF is not installable here (no Maven or GitHub downloads), so the requirements are checked structurally with
pypdf, fonts with poppler's ``pdffonts``, and, where Debian's ``libpdfbox2-java`` is installed, with Apache
PDFBox Preflight. Preflight validates PDF/A-1b only: the test accepts exactly the findings that PDF/A-1 forbids
and PDF/A-3 allows (embedded files; a zero-size signature widget without an appearance; pdfaid:part 3).
SQLite only; no database is touched.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageCms
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

from domain.diploma.statement import Statement
from infra.documents.certification import Attachment
from infra.documents.fonts import PageFonts, page_fonts
from infra.documents.key_ring import KeyRing
from infra.documents.pdfa_xmp import NAMESPACE
from infra.documents.srgb_profile import srgb_profile
from infra.sivil.pdf import compose_page, render_verification_pdf, sign_pdf
from infra.sivil.verify import verify_pdf
from tests.api.test_pdf import AT, ENTRY, OLD_SEED, SERVER
from tests.api.test_pdf_signature_tools import signed_credential
from tests.signed_pdfs import ROOTS, SIGNER

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "kredensial": NAMESPACE,
}
_JARS = ("preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api")
PREFLIGHT_JARS = [Path("/usr/share/java") / f"{name}.jar" for name in _JARS]
# What PDF/A-1 forbids and PDF/A-3 allows (ISO 19005-3 6.8, 6.3.3; and the part is 3)
PDFA_1_ONLY = ("1.4.7 ", "1.2.9 ", "5.3.1 : Invalid field value in an annotation definition, widget", "7.11.2 ")
NOTE = Attachment("note.txt", b"a caller's note", "text/plain", "A note", "/Supplement")


@pytest.fixture(scope="module")
def keys() -> KeyRing:
    return KeyRing.from_seeds([OLD_SEED])


@pytest.fixture(scope="module")
def pdf(keys: KeyRing) -> bytes:
    credential = signed_credential(keys)
    return render_verification_pdf(
        ENTRY, AT, keys, signer=SIGNER, base_url=SERVER, attachments=[NOTE], credential=credential
    )


@pytest.fixture(scope="module")
def vera_pdf(keys: KeyRing, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The page as a server without DejaVu Sans sets it (Vera, shipped with reportlab)."""
    return signed_with(keys, page_fonts(tmp_path_factory.mktemp("no-dejavu")))


def signed_with(keys: KeyRing, fonts: PageFonts) -> bytes:
    statement = Statement.of(replace(ENTRY, full_name="Nguyễn Thị Ánh"), verified_at=AT, kid=keys.active_kid)
    token = keys.sign(statement)
    return sign_pdf(compose_page(statement, token, fonts=fonts), keys, token, signer=SIGNER, server=SERVER)


def xmp_of(reader: PdfReader) -> ElementTree.Element:
    metadata = reader.trailer["/Root"]["/Metadata"].get_object()
    assert "/Filter" not in metadata and metadata["/Subtype"] == "/XML"
    return ElementTree.fromstring(metadata.get_data())


def xmp_text(xmp: ElementTree.Element, path: str) -> str:
    found = xmp.find(f".//rdf:Description/{path}", NS)
    assert found is not None and found.text is not None, path
    return found.text


def xmp_date(text: str) -> datetime:
    return datetime.fromisoformat(text)


def info_date(text: str) -> datetime:
    match = re.fullmatch(r"D:(\d{14})(Z|[+-]\d\d'\d\d'?)", text)
    assert match, text
    offset = "+00:00" if match[2] == "Z" else match[2][:3] + ":" + match[2][4:6]
    return datetime.fromisoformat(f"{match[1][:8]}T{match[1][8:]}{offset}")


def all_objects(reader: PdfReader) -> list[Any]:
    found = (reader.get_object(number) for number in range(1, int(reader.trailer["/Size"])))
    return [value for value in found if value is not None]


@pytest.mark.parametrize("name", ["pdf", "vera_pdf"])
def test_13_the_signed_pdf_declares_pdfa_3b_in_xmp_agreeing_with_the_information_dictionary(
    name: str, request: pytest.FixtureRequest
) -> None:
    reader = PdfReader(io.BytesIO(request.getfixturevalue(name)))
    xmp = xmp_of(reader)
    assert (xmp_text(xmp, "pdfaid:part"), xmp_text(xmp, "pdfaid:conformance")) == ("3", "B")
    info = reader.metadata
    assert info is not None
    assert xmp_text(xmp, "dc:title/rdf:Alt/rdf:li") == info["/Title"]
    assert xmp_text(xmp, "dc:creator/rdf:Seq/rdf:li") == info["/Author"]
    assert xmp_text(xmp, "dc:description/rdf:Alt/rdf:li") == info["/Subject"]
    assert xmp_text(xmp, "xmp:CreatorTool") == info["/Creator"]
    assert xmp_text(xmp, "pdf:Producer") == info["/Producer"]
    assert xmp_date(xmp_text(xmp, "xmp:CreateDate")) == info_date(info["/CreationDate"]) == AT.replace(microsecond=0)
    assert xmp_date(xmp_text(xmp, "xmp:ModifyDate")) == info_date(info["/ModDate"])
    # every other information entry is a declared property of ours, with the same value
    custom = {key[1:] for key in info} - {
        "Title",
        "Author",
        "Subject",
        "Creator",
        "Producer",
        "CreationDate",
        "ModDate",
    }
    assert custom == {"SIVILStatement", "SIVILServer"}
    declared = {element.text for element in xmp.iterfind(".//pdfaProperty:name", NS)}
    assert declared == custom
    schema = xmp.find(".//pdfaSchema:namespaceURI", NS)
    assert schema is not None and schema.text == NAMESPACE
    for key in custom:
        assert xmp_text(xmp, f"kredensial:{key}") == info[f"/{key}"]


def test_13_the_output_intent_is_srgb_with_its_icc_profile_embedded(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    [intent] = [i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"].get_object()
    data = profile.get_data()
    assert profile["/N"] == 3 and data == srgb_profile()
    assert data[12:20] == b"mntrRGB " and data[36:40] == b"acsp" and data[8] == 2  # display, RGB, ICC version 2
    assert int.from_bytes(data[:4], "big") == len(data)


def test_13_the_icc_profile_is_srgb_as_lcms_understands_it() -> None:
    ours = ImageCms.ImageCmsProfile(io.BytesIO(srgb_profile()))
    assert ours.profile.profile_description == "sRGB IEC61966-2.1"
    to_srgb = ImageCms.buildTransform(ours, ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")), "RGB", "RGB")
    colours = [(255, 255, 255), (255, 0, 0), (0, 255, 0), (0, 0, 255), (128, 128, 128), (27, 127, 59), (0, 0, 0)]
    image = Image.new("RGB", (len(colours), 1))
    for x, colour in enumerate(colours):
        image.putpixel((x, 0), colour)
    converted = ImageCms.applyTransform(image, to_srgb)
    assert converted is not None
    for x, colour in enumerate(colours):
        assert all(abs(a - b) <= 1 for a, b in zip(converted.getpixel((x, 0)), colour, strict=True)), colour  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["pdf", "vera_pdf"])
def test_13_every_font_is_embedded(name: str, request: pytest.FixtureRequest) -> None:
    reader = PdfReader(io.BytesIO(request.getfixturevalue(name)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in fonts.values():
        font = font.get_object()
        descriptors = [font.get("/FontDescriptor")]
        descriptors += [d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
        descriptors = [d.get_object() for d in descriptors if d is not None]
        assert descriptors, font["/BaseFont"]  # no standard 14 font (which has none)
        for descriptor in descriptors:
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
    expected = "DejaVuSans" if name == "pdf" else "Vera"
    assert all(expected in str(font.get_object()["/BaseFont"]) for font in fonts.values())


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed (./run test installs it)")
@pytest.mark.parametrize("name", ["pdf", "vera_pdf"])
def test_13_pdffonts_lists_every_font_embedded(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    path = tmp_path / "checked.pdf"
    path.write_bytes(request.getfixturevalue(name))
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, timeout=60, check=True)
    rows = done.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        emb = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", row)
        assert emb and emb[1] == "yes", row


def test_13_every_embedded_file_is_an_associated_file(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    specs = [names[i + 1].get_object() for i in range(0, len(names), 2)]
    associated = [spec.get_object() for spec in root["/AF"]]
    assert [spec["/F"] for spec in specs] == [spec["/F"] for spec in associated]
    assert len(specs) == 3
    for spec in specs:
        assert spec["/Type"] == "/Filespec" and spec["/F"] == spec["/UF"] and spec["/Desc"]
        assert spec["/AFRelationship"] in {"/Source", "/Data", "/Alternative", "/Supplement", "/Unspecified"}
        stream = spec["/EF"]["/F"].get_object()
        assert stream["/Type"] == "/EmbeddedFile"
        assert re.fullmatch(r"/[a-z]+/[a-z0-9.+-]+", stream["/Subtype"]), stream["/Subtype"]  # a MIME type
        assert info_date(stream["/Params"]["/ModDate"]) == AT.replace(microsecond=0)


def test_13_the_file_is_pdf_1_7_unencrypted_with_an_id_no_javascript_or_lzw_and_printable_annotations(
    pdf: bytes,
) -> None:
    assert pdf.startswith(b"%PDF-1.")
    assert int(pdf[7:8]) <= 7 and all(byte > 127 for byte in pdf.split(b"\n")[1][1:5])  # the binary comment
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root.get("/Version", "/1.7") in {"/1.4", "/1.5", "/1.6", "/1.7"}
    assert "/Encrypt" not in reader.trailer and len(reader.trailer["/ID"]) == 2
    assert "/JavaScript" not in root.get("/Names", {}) and "/OpenAction" not in root
    for raw in all_objects(reader):
        value = raw.get_object() if isinstance(raw, IndirectObject) else raw
        if isinstance(value, DictionaryObject):
            assert value.get("/S") != "/JavaScript" and "/JS" not in value
        if isinstance(value, StreamObject):
            filters = value.get("/Filter", [])
            assert "/LZWDecode" not in (filters if isinstance(filters, list) else [filters])
    for annotation in reader.pages[0].get("/Annots", []):
        annotation = annotation.get_object()
        flags = annotation["/F"]
        assert flags & 4 and not flags & (1 | 2 | 32 | 256), flags  # Print; not Invisible, Hidden, NoView, ToggleNoView
        if "/AP" not in annotation:  # ISO 19005-3 6.3.3: only a zero-size annotation may lack an appearance
            left, bottom, right, top = (float(v) for v in annotation["/Rect"])
            assert left == right and bottom == top
    assert b"\nendstream" in pdf and re.search(rb"[^\r\n]endstream", pdf) is None  # an EOL before each endstream


def test_13_the_pdfa_file_still_verifies(pdf: bytes, keys: KeyRing) -> None:
    result = verify_pdf(pdf, keys, roots=ROOTS)
    assert result.ok, result.checks
    assert result.check("file signature").outcome == "ok" and result.check("credential").outcome == "ok"


@pytest.mark.skipif(
    not (shutil.which("java") and all(jar.is_file() for jar in PREFLIGHT_JARS)),
    reason="PDFBox Preflight is not installed (Debian: libpdfbox2-java libactivation-java libjaxb-api-java)",
)
@pytest.mark.parametrize("name", ["pdf", "vera_pdf"])
def test_13_pdfbox_preflight_finds_nothing_that_pdfa_3_forbids(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path = tmp_path / "checked.pdf"
    path.write_bytes(request.getfixturevalue(name))
    classpath = ":".join(str(jar) for jar in PREFLIGHT_JARS)
    command = ["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    findings = [line for line in done.stdout.splitlines() if re.match(r"\d+(\.\d+)* : ", line)]
    assert "is not a valid PDF/A-1b file" in done.stdout, done.stdout + done.stderr  # it ran, and part is 3
    unexpected = [line for line in findings if not line.startswith(PDFA_1_ONLY)]
    assert not unexpected, done.stdout
