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
