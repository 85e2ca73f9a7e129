"""The ids of the aggregates a reservation derives: uuid5 of a path, kept in a bounded cache (issue 35). A cached id
is the id of its key however it is asked for (the library passes keywords, the application positions)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, uuid5

from domain.diploma.diploma import Diploma
from domain.diploma.numbering import NINASequence
from domain.registry.programme import Programme
from tests.world import OPERATOR, PRODI, UNIVERSITY


def test_a_diploma_programme_and_sequence_id_is_the_uuid5_of_its_path_however_it_is_asked_for() -> None:
    diploma = uuid5(NAMESPACE_URL, "/universities/001002/diplomas/2020001")
    programme = uuid5(NAMESPACE_URL, "/universities/001002/prodi/55201")
    sequence = uuid5(NAMESPACE_URL, "/universities/001002/prodi/55201/nina-sequence/2024")
    for _ in range(2):  # the second time from the cache
        assert Diploma.create_id(UNIVERSITY, "2020001") == diploma
        assert Diploma.create_id(university_code=UNIVERSITY, nim="2020001") == diploma
        assert Programme.create_id(UNIVERSITY, PRODI) == programme
        assert Programme.create_id(university_code=UNIVERSITY, prodi_code=PRODI) == programme
        assert NINASequence.create_id(UNIVERSITY, PRODI, 2024) == sequence
        assert NINASequence.create_id(university_code=UNIVERSITY, prodi_code=PRODI, year=2024) == sequence
    assert Diploma.create_id(UNIVERSITY, "2020002") != diploma  # a key is all of its parts
    assert Diploma.create_id("001003", "2020001") != diploma
    assert NINASequence.create_id(UNIVERSITY, PRODI, 2025) != sequence
    assert NINASequence.create_id(UNIVERSITY, "55202", 2024) != sequence
    assert Programme.create_id(UNIVERSITY, "55202") != programme
    started = NINASequence(university_code=UNIVERSITY, prodi_code=PRODI, year=2024, cause=OPERATOR)
    assert started.id == sequence  # the library derives it by keyword when the aggregate is created
