"""The synthetic cohort: deterministic, in the import format, realistic, and with every planted case."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from application.registry.pddikti_import import parse_line
from infra.demo_data import PRODI, write_cohort

FIELDS = {
    "university": {"kind", "code", "name"},
    "programme": {"kind", "university", "prodi", "name", "level", "orientation", "accreditation"},
    "student": {
        "kind",
        "university",
        "nim",
        "prodi",
        "entry_period",
        "full_name",
        "nik",
        "passport_number",
        "birth_place",
        "birth_date",
        "email",
    },
    "semester": {"kind", "university", "nim", "period", "status", "sks_taken", "ips", "ipk", "sks_passed"},
    "graduation": {"kind", "university", "nim", "yudisium_number", "yudisium_date"},
}
KNOWN_PRODI = {code: level for level, programmes in PRODI.items() for code, _ in programmes}


def generate(tmp_path: Path, name: str = "cohort.jsonl", **kw: Any) -> Path:
    path = tmp_path / name
    write_cohort(path, **kw)
    return path


def records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if not line.startswith("#")]


def of_kind(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [row for row in rows if row["kind"] == kind]


def effective(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per NIM and period, the last semester line (a later line corrects an earlier one)."""
    reports: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in of_kind(rows, "semester"):
        reports[row["nim"]][row["period"]] = row
    return reports


def ordinal(period: str) -> int:
    return int(period[:4]) * 2 + min(int(period[4]), 2) - 1


def test_demo_data_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    size = {"universities": 1, "programmes_per_university": 2, "students_per_programme": 5}
    first = generate(tmp_path, "a.jsonl", seed=11, **size).read_bytes()
    again = generate(tmp_path, "b.jsonl", seed=11, **size).read_bytes()
    other = generate(tmp_path, "c.jsonl", seed=12, **size).read_bytes()
    assert first == again
    assert first != other


def test_write_cohort_returns_the_lines_written_and_reports_progress(tmp_path: Path) -> None:
    done: list[int] = []
    path = tmp_path / "cohort.jsonl"
    written = write_cohort(
        path, universities=1, programmes_per_university=1, students_per_programme=3, progress=done.append
    )
    assert written == len(path.read_text("utf-8").splitlines()) == len(done)
    assert done == list(range(1, written + 1))


def test_every_generated_line_is_in_the_PIN_0_import_format(tmp_path: Path) -> None:
    path = generate(tmp_path, universities=2, programmes_per_university=3, students_per_programme=10)
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        row = json.loads(line)
        assert set(row) == FIELDS[row["kind"]], row
        parse_line(line)  # raises RuleViolation on any missing or ill-typed field


def test_generated_registry_uses_pddikti_shaped_codes_and_mixes_levels(tmp_path: Path) -> None:
    rows = records(generate(tmp_path, universities=3, programmes_per_university=3, students_per_programme=2))
    codes = [u["code"] for u in of_kind(rows, "university")]
    assert len(set(codes)) == 3 and all(len(c) == 6 and c.isdigit() for c in codes)
    assert all(u["name"].startswith(("Universitas", "Institut")) for u in of_kind(rows, "university"))
    for programme in of_kind(rows, "programme"):
        assert KNOWN_PRODI[programme["prodi"]] == programme["level"]
        assert programme["orientation"] == ("applied" if programme["level"] == "D3" else "academic")
    levels = Counter(p["level"] for p in of_kind(rows, "programme"))
    assert set(levels) == {"D3", "S1", "S2"}


def test_generated_students_have_a_nik_encoding_their_birth_date_or_a_passport(tmp_path: Path) -> None:
    students = of_kind(records(generate(tmp_path)), "student")
    niks = [s["nik"] for s in students if s["nik"]]
    assert len(set(niks)) == len(niks)
    foreign = [s for s in students if s["nik"] is None]
    assert foreign and all(s["passport_number"] for s in foreign)
    for s in students:
        assert s["entry_period"][:4] in {"2019", "2020", "2021"}
        assert len(s["full_name"].split()) >= 2
        if s["nik"]:
            nik, born = s["nik"], date.fromisoformat(s["birth_date"])
            assert len(nik) == 16 and nik.isdigit() and s["passport_number"] is None
            day = int(nik[6:8])
            assert (day % 40, int(nik[8:10]), int(nik[10:12])) == (born.day, born.month, born.year % 100)


def test_generated_semesters_respect_the_PIN_2_load_and_a_gpa_scale(tmp_path: Path) -> None:
    rows = records(generate(tmp_path))
    entries = {s["nim"]: s["entry_period"] for s in of_kind(rows, "student")}
    for nim, reports in effective(rows).items():
        ordered = [reports[p] for p in sorted(reports)]
        passed = [r["sks_passed"] for r in ordered]
        assert passed == sorted(passed), nim
        regular = {ordinal(p): r for p, r in reports.items() if not p.endswith("3")}
        for r in ordered:
            assert Decimal("0") <= Decimal(r["ips"]) <= 4 and Decimal(r["ipk"]) <= 4
            assert len(r["ips"].split(".")[1]) == len(r["ipk"].split(".")[1]) == 2
            if r["status"] != "A":
                assert (r["sks_taken"], r["ips"]) == (0, "0.00")
            if r["period"].endswith("3"):
                assert r["sks_taken"] <= 9
                continue
            assert r["sks_taken"] <= 24
            if r["sks_taken"] > 20:
                number = ordinal(r["period"]) - ordinal(entries[nim]) + 1
                previous = regular.get(ordinal(r["period"]) - 1)
                assert number >= 3 and (previous is None or Decimal(previous["ips"]) > 3), (nim, r)


def test_a_cohort_plants_leave_gaps_corrections_short_semesters_and_graduations(tmp_path: Path) -> None:
    rows = records(generate(tmp_path, universities=1, programmes_per_university=2, students_per_programme=5))
    semesters = of_kind(rows, "semester")
    statuses = Counter(r["status"] for r in semesters)
    assert statuses["C"] >= 1 and statuses["N"] >= 1
    assert any(r["period"].endswith("3") for r in semesters)
    repeated = Counter((r["nim"], r["period"]) for r in semesters)
    corrected = [key for key, n in repeated.items() if n > 1]
    assert corrected
    lines = {(r["nim"], r["period"]): r for r in semesters}  # the later line wins
    first = next(r for r in semesters if (r["nim"], r["period"]) == corrected[0])
    assert first != lines[corrected[0]]
    entries = {s["nim"]: s["entry_period"] for s in of_kind(rows, "student")}
    with_gap = [
        nim
        for nim, reports in effective(rows).items()
        if {ordinal(p) for p in reports if not p.endswith("3")}
        != set(range(ordinal(entries[nim]), max(ordinal(p) for p in reports) + 1))
    ]
    assert with_gap
    graduates = {g["nim"] for g in of_kind(rows, "graduation")}
    assert 0 < len(graduates) < len(entries)
