"""Issue 32, item 5: the personal data report a person can read (UU PDP). Every event kind that can reach a report
has a sentence in Bahasa Indonesia and English with its facts, who did it (their university by name) and when
(Jakarta, written out); an unknown kind still reads; the PDF is PDF/A-3b with the JSON answer embedded."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from application.audit.sentences import NEVER_PERSONAL, SENTENCES, Fact, Words, sentence, who, written
from infra.audit.personal_data_pdf import ATTACHMENT, render_personal_data_pdf
from infra.bootstrap import Container
from tests.api.test_pdfa import PDFA_1_ONLY, PREFLIGHT_JARS
from tests.audit.test_personal_data import verified  # noqa: F401 (a fixture)
from tests.test_stored_events import event_classes
from tests.world import World

AT = datetime(2024, 2, 3, 2, 30, tzinfo=UTC)  # 3 February 2024, 09:30 in Jakarta


def test_every_event_class_of_the_domain_has_a_sentence_or_is_never_personal() -> None:
    kinds = {cls.__qualname__ for cls in event_classes()}
    missing = sorted(k for k in kinds if k not in SENTENCES and k not in NEVER_PERSONAL)
    assert not missing, f"event kinds a person's report cannot say in words: {missing}"
    assert not (set(SENTENCES) & NEVER_PERSONAL)
    for kind in sorted(kinds - NEVER_PERSONAL):  # and none crashes on an event that recorded nothing
        said = sentence(kind, Fact({}, Words("Seseorang", "Someone"), written(AT)))
        assert said.id and said.en and "3 February 2024" in said.en and "3 Februari 2024" in said.id


def test_a_semester_report_reads_as_the_issue_writes_it() -> None:
    fact = Fact(
        {"report": {"period": {"year": 2023, "term": 1}, "ips": "3.50", "ipk": "3.40", "sks_passed": 80}},
        who("university_operator", None, "Universitas Contoh"),
        written(AT),
    )
    said = sentence("Student.SemesterReported", fact)
    assert said.en.startswith(
        "Universitas Contoh (operator) reported your semester 2023/2024 ganjil on 3 February 2024"
    )
    assert said.id.startswith("Universitas Contoh (operator) melaporkan semester 2023/2024 ganjil Anda pada 3 Februari")


def test_an_unknown_event_kind_gets_the_generic_sentence() -> None:
    said = sentence("Someone.DidSomething", Fact({"x": 1}, Words("Anda", "You"), written(AT, with_time=True)))
    assert said.en == "You recorded Someone.DidSomething about you on 3 February 2024 at 09:30 WIB"


@pytest.mark.parametrize("store", ["sqlite"])
def test_the_student_s_report_says_each_fact_in_words_with_who_saw_their_diploma(
    verified: World,  # noqa: F811
    container: Container,
    tmp_path: Path,
) -> None:
    report = container.services.audit.personal_data.of_student("001002", "2020001")
    assert report is not None
    lines = [p.said.en for p in report.trail if p.said]
    assert len(lines) == len(report.trail)
    assert any(
        line.startswith("Universitas Contoh (operator university_operator@test) reported your semester 20")
        for line in lines
    ), lines
    assert any("reserved NINA" in line and "under ruleset PISN-2021" in line for line in lines)
    assert any(line.startswith("Someone looked up your diploma (NINA") and "203.0.113.7" in line for line in lines)
    assert report.as_json()["trail"][0]["text"]["id"]
    pdf = render_personal_data_pdf(report)
    reader = PdfReader(io.BytesIO(pdf))
    page_text = " ".join(page.extract_text() for page in reader.pages)
    assert "melaporkan semester" in page_text and "Student.SemesterReported" not in page_text
    [attached] = reader.attachments[ATTACHMENT]
    assert json.loads(attached) == report.as_json()
    assert [spec.get_object()["/AFRelationship"] for spec in reader.trailer["/Root"]["/AF"]] == ["/Source"]
    if shutil.which("java") and all(jar.is_file() for jar in PREFLIGHT_JARS):  # PDF/A: as tests/api/test_pdfa.py
        path = tmp_path / "report.pdf"
        path.write_bytes(pdf)
        command = ["java", "-cp", ":".join(map(str, PREFLIGHT_JARS)), "org.apache.pdfbox.preflight.Validator_A1b"]
        done = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=120)
        findings = [line for line in done.stdout.splitlines() if line[:1].isdigit() and " : " in line]
        assert not [line for line in findings if not line.startswith(PDFA_1_ONLY)], done.stdout
