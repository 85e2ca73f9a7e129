"""A PDDIKTI file split by university for worker processes, and their reports merged (issue 35): pure."""

from __future__ import annotations

import json

import pytest

from application.registry import pddikti_parts
from application.registry.pddikti_import import import_pddikti, import_records, records
from application.registry.pddikti_parts import merge, split
from domain.registry.pddikti_import import RefusedLine, UniversityTally
from tests.application.test_pddikti_import import SYNC
from tests.world import World


def line(university: str, nim: str) -> str:
    return json.dumps({"kind": "semester", "university": university, "nim": nim})


def test_every_university_s_lines_go_to_one_part_in_file_order_and_the_parts_end_about_equal() -> None:
    numbered = [(n, line(u, str(n))) for n, u in enumerate(["001001"] * 6 + ["002002", "003003"] * 3, start=1)]
    numbered.insert(4, (99, "not json"))  # names no university: any part takes it

    parts = split(numbered, 2)

    assert sorted(n for part in parts for n, _ in part) == sorted(n for n, _ in numbered)
    assert [[n for n, _ in part] for part in parts] == [[1, 2, 3, 4, 5, 6, 99], [7, 8, 9, 10, 11, 12]]


def test_a_university_code_is_read_as_the_import_reads_it() -> None:
    numbered = [
        (1, json.dumps({"kind": "university", "code": " 001001 "})),
        (2, line("001001", "1")),
        (3, line("x", "2")),
    ]
    assert split(numbered, 3) == [numbered[:2], numbered[2:]]


def tally(university: str | None, *lines: int) -> UniversityTally:
    refused = tuple(RefusedLine(n, "nim", "PIN-0") for n in lines)
    return UniversityTally(university, 1, len(lines), 0, refused, 0)


def test_merged_tallies_keep_the_file_s_first_line_errors_and_count_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pddikti_parts, "MAX_RECORDED_ERRORS", 3)
    merged = pddikti_parts.merge_tallies([tally("001001", 2, 9), tally("002002", 1, 5), tally(None, 3)])
    assert [(t.university_code, [r.line for r in t.refused_lines], t.unrecorded_errors) for t in merged] == [
        (None, [3], 0),
        ("001001", [2], 1),
        ("002002", [1], 1),
    ]


@pytest.mark.parametrize("store", ["sqlite"])
def test_parts_imported_one_after_the_other_report_what_the_whole_file_reports(world: World) -> None:
    texts = [
        json.dumps({"kind": "university", "code": "001001", "name": "Universitas Satu"}),
        json.dumps({"kind": "university", "code": "002002", "name": "Universitas Dua"}),
        '{"kind": "university"',
        json.dumps({"kind": "university", "code": "12", "name": "Pendek"}),
    ]
    numbered = list(records(texts))
    whole = import_pddikti(world.app, texts, actor=SYNC, source="whole")
    reports = [import_records(world.app, part, actor=SYNC, source="whole") for part in split(numbered, 2)]

    merged = merge("whole", reports)

    assert (merged.errors, merged.tallies, merged.lines_read) == (whole.errors, whole.tallies, whole.lines_read)
