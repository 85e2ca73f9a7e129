"""PIN-0 and PIN-1 codes read once per distinct text (issue 35; domain/registry/codes.py): a university code,
prodi code or NIM is checked once and kept in a bounded cache; a personal identifier (NIK, passport number) never
is, nor a text longer than any key."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.registry import codes
from domain.registry.codes import NIK, NIM, PassportNumber, ProdiCode, UniversityCode


@pytest.mark.parametrize(("kind", "text"), [(UniversityCode, "001002"), (ProdiCode, "55201"), (NIM, "2020.001")])
def test_PIN_0_a_key_is_read_once_and_kept(kind: type[codes.Code], text: str) -> None:
    assert kind.parse(text) is kind.parse(text)


@pytest.mark.parametrize(("kind", "text"), [(NIK, "3171000000000001"), (PassportNumber, "A1234567")])
def test_PIN_0_a_personal_identifier_is_never_kept(kind: type[codes.Code], text: str) -> None:
    before = codes._known.cache_info().currsize
    assert kind.parse(text).value == text
    assert codes._known.cache_info().currsize == before


def test_PIN_0_a_text_longer_than_any_key_is_not_kept_and_still_refused() -> None:
    for length, kept in ((codes.CACHED_CHARS, 1), (codes.CACHED_CHARS + 1, 0)):
        text = "9" * (length - 1) + "!"  # refused: '!' is no NIM character
        before = codes._known.cache_info().currsize
        with pytest.raises(RuleViolation) as refused:
            NIM.parse(text)
        assert refused.value.rule_ids == (NIM.rule_id,)
        assert codes._known.cache_info().currsize - before == kept
