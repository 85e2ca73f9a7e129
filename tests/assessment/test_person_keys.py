"""ASM-6: a committee member's id (a token's subject) is parsed once, at the edge (gaps the mutation run showed in
``domain/assessment/people.py``: no test refused a bad id, none accepted the shortest good one)."""

from __future__ import annotations

import pytest

from domain.assessment.people import parse_person_key
from domain.errors import RuleViolation


@pytest.mark.parametrize("good", ["a", "ketua@lsp-contoh", "anggota.1/komite_teknis", "A" * 64, "  b  "])
def test_ASM_6_a_person_key_of_1_to_64_ascii_characters_is_accepted(good: str) -> None:
    assert parse_person_key(good, "memberId", "ASM-6.committee") == good.strip()


@pytest.mark.parametrize("bad", ["", " ", "-a", "A" * 65, "ketua lsp", "ke\x00tua", "ketuа", 7, None])
def test_ASM_6_any_other_person_key_is_refused_naming_the_field_and_rule(bad: object) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_person_key(bad, "memberId", "ASM-6.committee")
    [failure] = refused.value.failures
    assert (failure.rule_id, failure.field) == ("ASM-6.committee", "memberId")
