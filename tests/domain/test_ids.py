"""The ids of the aggregates a reservation derives: uuid5 of a path, kept in a bounded cache (issue 35). A cached id
is the id of its key however it is asked for (the library passes keywords, the application positions)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, RFC_4122, SafeUUID, uuid5

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINAClaim, NINASequence
from domain.ids import url_id
from domain.registry.programme import Programme
from domain.registry.student import Student
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


@given(st.text())
def test_url_id_is_uuid5_of_the_url_namespace_for_every_path(path: str) -> None:
    try:
        path.encode()
    except UnicodeEncodeError:  # a lone surrogate: uuid5 refuses it, and so does url_id
        with pytest.raises(UnicodeEncodeError):
            url_id(path)
        return
    made = url_id(path)
    assert made == uuid5(NAMESPACE_URL, path)
    assert (made.version, made.variant, made.is_safe) == (5, RFC_4122, SafeUUID.unknown)


def test_the_ids_a_reservation_derives_are_uuid5_of_their_paths() -> None:
    student = uuid5(NAMESPACE_URL, "/universities/001002/students/2020001")
    claim = uuid5(NAMESPACE_URL, "/universities/001002/nina/552012024000019")
    assert Student.create_id.__wrapped__(UNIVERSITY, "2020001") == student  # uncached
    assert NINAClaim.create_id(UNIVERSITY, NINA("552012024000019")) == claim
