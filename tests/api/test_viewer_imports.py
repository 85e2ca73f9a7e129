"""Issue 32: an operator reads what a PDDIKTI import did with their university's lines (counts, and each refused
line's number, field and rule id), and another university's operator reads none of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from application.registry.pddikti_import import import_file
from domain.audit import Actor, Role
from domain.registry import pddikti_import
from infra.bootstrap import Container
from tests.api.test_graphql import SECRET

OURS, THEIRS = "001002", "003004"
IMPORTS = """query($p: Int) { viewer { ... on UniversityViewer { imports(position: $p) {
  ... on PddiktiImportConnection { totalCount edges { node { sha256 importedBy accepted refused superseded
    refusedLines { line field ruleId } unrecordedErrors } } } } } } }"""


def lines(university: str, nim: str, *, bad_ipk: bool = False) -> list[dict[str, Any]]:
    semester = {"kind": "semester", "university": university, "nim": nim, "status": "A", "sks_taken": 20}
    return [
        {"kind": "university", "code": university, "name": f"Universitas {university}"},
        {"kind": "programme", "university": university, "prodi": "55201", "name": "Informatika", "level": "S1",
         "orientation": "academic"},
        {"kind": "student", "university": university, "nim": nim, "prodi": "55201", "entry_period": "20221",
         "full_name": "Siti Aminah"},
        {**semester, "period": "20221", "ips": "3.00", "ipk": "3.00", "sks_passed": 20},
        {**semester, "period": "20221", "ips": "3.10", "ipk": "3.10", "sks_passed": 20},  # corrects the line above
        {**semester, "period": "20222", "ips": "3.00", "ipk": "9.99" if bad_ipk else "3.00", "sks_passed": 40},
    ]  # fmt: skip


def read(http: TestClient, university: str, position: int | None) -> Any:
    token = mint(SECRET, subject=f"operator@{university}", role=Role.UNIVERSITY_OPERATOR, institution=university)
    answer = http.post(
        "/graphql", json={"query": IMPORTS, "variables": {"p": position}}, headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert "errors" not in answer, answer
    return answer["data"]["viewer"]["imports"]


def test_an_import_with_bad_lines_is_read_by_its_universitys_operator_only(
    container: Container, tmp_path: Path
) -> None:
    file = tmp_path / "cohort.jsonl"
    records = [*lines(OURS, "2022001", bad_ipk=True), *lines(THEIRS, "2022002")]
    text = "\n".join(json.dumps(r) for r in records) + "\n{not json\n"  # line 13: refused, no university read
    file.write_text(text, encoding="utf-8")
    report = import_file(container.services.registry, file, actor=Actor("pddikti-import", Role.PDDIKTI_SYNC, None))
    assert report.failed == 2

    with TestClient(create_app(container.services, on_startup=container.start_worker)) as http:
        ours = read(http, OURS, report.last_position)
        [node] = [e["node"] for e in ours["edges"]]
        assert (node["accepted"], node["refused"], node["superseded"], node["unrecordedErrors"]) == (5, 1, 1, 0)
        assert node["refusedLines"] == [{"line": 6, "field": "ipk", "ruleId": "PIN-0"}]
        assert node["importedBy"] == "pddikti-import" and len(node["sha256"]) == 64

        theirs = read(http, THEIRS, report.last_position)
        [node] = [e["node"] for e in theirs["edges"]]
        assert (node["accepted"], node["refused"], node["refusedLines"]) == (6, 0, [])  # not our line 6, nor 13
        assert read(http, "005006", None)["totalCount"] == 0


def test_an_import_records_at_most_its_bound_of_line_errors_and_counts_the_rest(
    container: Container, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr("application.registry.pddikti_import.MAX_RECORDED_ERRORS", 2)
    file = tmp_path / "bad.jsonl"
    bad = {"kind": "semester", "university": OURS, "nim": "x y"}  # several errors per line
    file.write_text("\n".join(json.dumps(bad) for _ in range(3)), encoding="utf-8")
    report = import_file(container.services.registry, file, actor=Actor("pddikti-import", Role.PDDIKTI_SYNC, None))
    [tally] = report.tallies
    assert tally.refused == 3 and len(tally.refused_lines) == 2
    assert len(tally.refused_lines) + tally.unrecorded_errors == len(report.errors)
    assert pddikti_import.MAX_RECORDED_ERRORS == 1000  # the domain's bound; the test lowered the importer's copy


FEED_IMPORTS = """query { viewer { ... on UniversityViewer { imports { ... on PddiktiImportConnection { totalCount
  edges { node { importId via sha256 importedBy accepted refused superseded refusedLines { line } } } } } }
  ... on FeedViewer { imports { ... on PddiktiImportConnection { totalCount edges { node { via accepted } } } } } } }"""


def test_a_universitys_feed_by_client_credentials_is_in_its_imports_a_day_at_a_time_beside_the_file_imports(
    container: Container, tmp_path: Path
) -> None:
    """Issue 32: the operator sees what the national file import and their own feed did; the feed sees its own."""
    from tests.api.test_graphql import Client, mutate, register_cohort
    from tests.world import PRODI, UNIVERSITY

    file = tmp_path / "cohort.jsonl"
    file.write_text("\n".join(json.dumps(r) for r in lines(UNIVERSITY, "2022001")[2:]), encoding="utf-8")
    feed = mint(SECRET, subject="pddikti-feed", role=Role.PDDIKTI_SYNC, institution=UNIVERSITY)
    operator = mint(SECRET, subject="operator@contoh", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
    semester = {"universityCode": UNIVERSITY, "nim": "2020009", "status": "ACTIVE", "sksTaken": 20, "sksPassed": 20}
    with TestClient(create_app(container.services, on_startup=container.start_worker)) as http:
        client = Client(http)
        register_cohort(client)
        # the registry is the ministry's (register_cohort); the feed reports students and semesters
        student = {"universityCode": UNIVERSITY, "nim": "2020009", "prodiCode": PRODI, "entryPeriod": "20201",
                   "fullName": "Sari Dewi", "nik": "3171234567890088"}  # fmt: skip
        assert mutate(client, "registerStudent", "RegisterStudentInput", feed, **student)["__typename"] == "Accepted"
        for ipk in ("3.00", "3.20"):  # the second corrects the first (PIN-0)
            done = mutate(client, "reportSemester", "ReportSemesterInput", feed, **semester, period="20201",
                          ips=ipk, ipk=ipk)  # fmt: skip
            assert done["__typename"] == "Accepted", done
        refused = mutate(client, "reportSemester", "ReportSemesterInput", feed, **semester, period="20205",
                         ips="3.00", ipk="3.00")  # fmt: skip
        assert refused["__typename"] == "RuleViolation"  # answered to the feed; nothing recorded
        report = import_file(container.services.registry, file, actor=Actor("pddikti-import", Role.PDDIKTI_SYNC, None))
        position = report.last_position

        def read_as(token: str) -> Any:
            query = FEED_IMPORTS.replace("imports {", f"imports(position: {position}) {{")
            answer = http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
            assert "errors" not in answer.json(), answer.text
            return answer.json()["data"]["viewer"]["imports"]

        seen = read_as(operator)
        by_via = {e["node"]["via"]: e["node"] for e in seen["edges"]}
        assert seen["totalCount"] == 2 and set(by_via) == {"FILE", "FEED"}
        day = by_via["FEED"]
        assert (day["accepted"], day["refused"], day["superseded"], day["refusedLines"]) == (3, 0, 1, [])
        assert day["importedBy"] == "pddikti-feed" and day["sha256"] is None
        assert day["importId"].startswith("feed:pddikti-feed:")
        assert by_via["FILE"]["importedBy"] == "pddikti-import" and len(by_via["FILE"]["sha256"]) == 64
        own = read_as(feed)
        assert {e["node"]["via"] for e in own["edges"]} == {"FILE", "FEED"}
    rows = "SELECT * FROM pddikti_imports ORDER BY import_id, university_code"
    live = container.stores[0].query(rows)
    container.worker.rebuild("pddikti_imports")
    assert container.stores[0].query(rows) == live  # the feed's days are rebuilt from the log as they were
