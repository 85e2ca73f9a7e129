"""Issue 7, defect 1 (input side): text that a store cannot hold or that makes a second identity is refused (PIN-0).

A NUL byte in a name or a NIM, a 2,700-byte NIM, a zero-width space, a trailing space, a fullwidth, Arabic-Indic
or Cyrillic look-alike character were accepted and stored; on PostgreSQL the projection then stopped on that
event for everybody. Every door (GraphQL, the PDDIKTI import, the application commands) now parses inputs into
the same value objects: a refusal is a typed RuleViolation naming the field and PIN-0 (PIN-1 for a prodi code,
PIN-5.* for an annulment's free text) and appends no event; text is stored NFC with its spaces collapsed.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from application.registry.pddikti_import import import_pddikti
from domain.audit import Actor, Role
from domain.errors import RuleViolation
from infra.bootstrap import Container
from tests.api.test_graphql import ADMIN, OPERATOR, REFUSALS, Client, mutate, register_cohort
from tests.application.test_pddikti_import import PROGRAMME_LINE, UNIVERSITY_LINE, jsonl, student_line
from tests.world import DIRECTOR_GENERAL, PRODI, UNIVERSITY, World, position

STUDENT = {
    "universityCode": UNIVERSITY,
    "nim": "2020002",
    "prodiCode": PRODI,
    "entryPeriod": "20201",
    "fullName": "Budi Santoso",
    "nik": "3171234567890002",
}

BAD_STUDENTS = {
    "NUL in the full name": ({"fullName": "Budi\x00Santoso"}, "fullName"),
    "NUL in the NIM": ({"nim": "2020\x00002"}, "nim"),
    "a NIM of 2,700 bytes": ({"nim": "9" * 2700}, "nim"),
    "a zero-width space in the NIM": ({"nim": "2020002\u200b"}, "nim"),
    "a fullwidth NIM": ({"nim": "２０２０００２"}, "nim"),
    "a Cyrillic look-alike letter in the NIM": ({"nim": "2020002А"}, "nim"),  # U+0410
    "Arabic-Indic digits in the NIK": ({"nik": "٣١٧١٢٣٤٥٦٧٨٩٠٠٠٢"}, "nik"),
    "a zero-width space in the NIK": ({"nik": "3171234567890002\u200b"}, "nik"),
    "a bidi override in the full name": ({"fullName": "Budi \u202eSantoso"}, "fullName"),
    "a newline in the full name": ({"fullName": "Budi\nSantoso"}, "fullName"),
    "a full name of 201 characters": ({"fullName": "B" * 201}, "fullName"),
    "a university code with a trailing NUL": ({"universityCode": "001002\x00"}, "universityCode"),
    "a prodi code in fullwidth digits": ({"prodiCode": "５５２０１"}, "prodiCode"),
}


@pytest.mark.parametrize("case", list(BAD_STUDENTS))
def test_PIN_0_register_student_refuses_text_no_store_or_person_can_tell_apart(
    client: Client, container: Container, case: str
) -> None:
    register_cohort(client)
    change, field = BAD_STUDENTS[case]
    before = position(container)
    refused = mutate(client, "registerStudent", "RegisterStudentInput", OPERATOR, **{**STUDENT, **change})
    assert refused["__typename"] == "RuleViolation", refused
    assert refused["field"] == field
    assert refused["ruleId"] == ("PIN-1" if field == "prodiCode" else "PIN-0")
    assert position(container) == before  # nothing appended
    assert len(refused["message"]) < 300  # a huge input is not echoed back


def test_PIN_0_a_lone_surrogate_escaped_in_JSON_is_refused(client: Client, container: Container) -> None:
    """JSON may carry "\\ud800"; no UTF-8 store can hold it."""
    register_cohort(client)
    before = position(container)
    doc = f"mutation($i: RegisterStudentInput!) {{ registerStudent(input: $i) {{ __typename {REFUSALS} }} }}"
    payload = {"query": doc, "variables": {"i": {**STUDENT, "birthPlace": "Jakarta\ud800"}}}
    response = client.http.post(
        "/graphql",
        content=json.dumps(payload),  # ASCII with \\u escapes, as a client would send it
        headers={"Authorization": f"Bearer {OPERATOR}", "Content-Type": "application/json"},
    )
    if response.status_code == 400:  # the transport's strict JSON parser refuses it first
        assert response.json()["type"] == "/problems/invalid-json"
    else:
        refused = response.json()["data"]["registerStudent"]
        assert (refused["__typename"], refused["ruleId"], refused["field"]) == ("RuleViolation", "PIN-0", "birthPlace")
    assert position(container) == before


def test_PIN_0_a_trailing_space_does_not_make_a_second_student(client: Client, container: Container) -> None:
    register_cohort(client)  # NIM 2020001, NIK 3171234567890001
    before = position(container)
    again = mutate(
        client,
        "registerStudent",
        "RegisterStudentInput",
        OPERATOR,
        **{**STUDENT, "nim": "2020001 ", "nik": " 3171234567890001", "fullName": "  Siti   Aminah "},
    )
    assert again == {"__typename": "Accepted", "position": None, "changed": False}  # the same student
    assert position(container) == before


def test_PIN_0_names_are_stored_in_NFC_with_their_spaces_collapsed(client: Client, container: Container) -> None:
    register_cohort(client)
    decomposed = unicodedata.normalize("NFD", "Budi  Séno\u00a0Santoso")
    accepted = mutate(
        client, "registerStudent", "RegisterStudentInput", OPERATOR, **{**STUDENT, "fullName": decomposed}
    )
    assert accepted["__typename"] == "Accepted"
    # The same name typed precomposed is the same person, not "other personal data".
    same = mutate(
        client, "registerStudent", "RegisterStudentInput", OPERATOR, **{**STUDENT, "fullName": "Budi Séno Santoso"}
    )
    assert same == {"__typename": "Accepted", "position": None, "changed": False}


@pytest.mark.parametrize(
    ("mutation", "input_type", "token", "fields", "field", "rule_id"),
    [
        ("registerUniversity", "RegisterUniversityInput", ADMIN, {"code": "001003", "name": "U\x00"}, "name", "PIN-0"),
        ("registerUniversity", "RegisterUniversityInput", ADMIN, {"code": "00100３", "name": "U"}, "code", "PIN-0"),
        (
            "registerProgramme",
            "RegisterProgrammeInput",
            ADMIN,
            {
                "universityCode": UNIVERSITY,
                "prodiCode": "55202",
                "name": "Ilmu\u200bKomputer",
                "level": "S1",
                "orientation": "ACADEMIC",
            },
            "name",
            "PIN-0",
        ),
        (
            "recordGraduation",
            "RecordGraduationInput",
            OPERATOR,
            {"universityCode": UNIVERSITY, "nim": "2020001", "yudisiumNumber": "SK/\x00", "yudisiumDate": "2024-07-20"},
            "yudisiumNumber",
            "PIN-0",
        ),
        (
            "reportSemester",
            "ReportSemesterInput",
            OPERATOR,
            {
                "universityCode": UNIVERSITY,
                "nim": "2020001\x00",
                "period": "20232",
                "status": "ACTIVE",
                "sksTaken": 20,
                "ips": "3.50",
                "ipk": "3.50",
                "sksPassed": 160,
            },
            "nim",
            "PIN-0",
        ),
    ],
    ids=["university-name-NUL", "university-code-fullwidth", "prodi-name-zero-width", "yudisium-NUL", "report-nim"],
)
def test_PIN_0_every_mutation_parses_its_text_the_same_way(
    client: Client,
    container: Container,
    mutation: str,
    input_type: str,
    token: str,
    fields: dict[str, Any],
    field: str,
    rule_id: str,
) -> None:
    register_cohort(client)
    before = position(container)
    refused = mutate(client, mutation, input_type, token, **fields)
    assert (refused["__typename"], refused["ruleId"], refused["field"]) == ("RuleViolation", rule_id, field), refused
    assert position(container) == before


def test_PIN_5_an_annulment_reason_with_a_NUL_byte_is_refused_and_appends_nothing(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1()
    world.reserve()
    before = world.position()
    with pytest.raises(RuleViolation) as refused:
        world.annul(reason="salah\x00input", by=DIRECTOR_GENERAL)
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-5.reason", "reason")]
    assert world.position() == before


def test_PIN_0_the_import_refuses_the_same_inputs_line_by_line_and_applies_the_good_ones(world: World) -> None:
    bad = {
        "nul-name": student_line("2020011", full_name="Siti\x00Aminah"),
        "long-nim": student_line("7" * 2700),
        "zero-width-nik": student_line("2020013", nik="3171234567890013\u200b"),
        "cyrillic-nim": student_line("2020014А"),
        "lone-surrogate": student_line("2020015", nik="3171234567890015", birth_place="Jakarta\ud800"),
    }
    lines = jsonl(UNIVERSITY_LINE, PROGRAMME_LINE, student_line("2020001"), *bad.values())
    sync = Actor("pddikti-import", Role.PDDIKTI_SYNC, None)
    report = import_pddikti(world.app, lines, actor=sync, source="defect-01")
    assert report.applied == 3
    assert {(e.line_number, e.rule_id, e.field) for e in report.errors} == {
        (4, "PIN-0", "fullName"),
        (5, "PIN-0", "nim"),
        (6, "PIN-0", "nik"),
        (7, "PIN-0", "nim"),
        (8, "PIN-0", "birthPlace"),
    }
    assert all(len(e.message) < 300 for e in report.errors)


def test_PIN_0_read_models_keep_projecting_after_refused_inputs(client: Client, container: Container) -> None:
    """On PostgreSQL a stored NUL stopped the projection; refused inputs leave every read model moving."""
    register_cohort(client)
    for case in ("NUL in the full name", "NUL in the NIM", "a NIM of 2,700 bytes"):
        change, _ = BAD_STUDENTS[case]
        mutate(client, "registerStudent", "RegisterStudentInput", OPERATOR, **{**STUDENT, **change})
    reserved = mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001")
    assert reserved["__typename"] == "NinaAccepted"
    body = client.gql(
        'query($p: Int) { diploma(universityCode: "001002", nim: "2020001", position: $p) '
        "{ ... on Diploma { nina status } } }",
        OPERATOR,
        p=reserved["position"],
    )
    assert body["data"]["diploma"] == {"nina": reserved["nina"], "status": "RESERVED"}
