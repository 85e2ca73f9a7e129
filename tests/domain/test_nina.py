"""PIN-1: a NINA's form, its prefix, its year and its Damm check digit."""

from __future__ import annotations

import itertools

import pytest

from domain.diploma import damm
from domain.diploma.nina import NINA
from domain.errors import RuleViolation

PRODI_CODES = ("55201", "00001", "61201", "90241", "14401")
YEARS = (2019, 2020, 2021, 2024, 2025, 2099)
SEQUENCES = (1, 2, 9, 10, 99, 12345, 99999)
SAMPLE = [NINA.issue(p, y, s) for p, y, s in itertools.product(PRODI_CODES, YEARS, SEQUENCES)]


def substitutions(value: str):
    for i, digit in enumerate(value):
        for other in "0123456789":
            if other != digit:
                yield value[:i] + other + value[i + 1 :]


def adjacent_transpositions(value: str):
    for i in range(len(value) - 1):
        if value[i] != value[i + 1]:
            yield value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def refusal(text: str, **kw: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        NINA.parse(text, **kw)
    return refused.value


def test_PIN_1_an_issued_nina_has_prodi_year_sequence_and_check_digit_and_parses_back() -> None:
    nina = NINA.issue("55201", 2024, 7)
    assert nina.value[:14] == "55201" + "2024" + "00007"
    assert len(nina.value) == 15
    assert (nina.prodi_code, nina.year, nina.sequence) == ("55201", 2024, 7)
    assert NINA.parse(nina.value, prodi_code="55201") == nina


def test_PIN_1_every_issued_nina_in_the_sample_round_trips_through_parse() -> None:
    for nina in SAMPLE:
        assert NINA.parse(nina.value, prodi_code=nina.prodi_code) == nina
        assert NINA.parse(f"  {nina.value}\n") == nina


def test_PIN_1_damm_detects_every_single_digit_substitution_in_the_sample() -> None:
    checked = 0
    for nina in SAMPLE:
        for typo in substitutions(nina.value):
            assert not damm.is_valid(typo), typo
            assert refusal(typo).rule_ids == ("PIN-1",), typo
            checked += 1
    assert checked == len(SAMPLE) * 15 * 9


def test_PIN_1_damm_detects_every_adjacent_transposition_of_differing_digits_in_the_sample() -> None:
    checked = 0
    for nina in SAMPLE:
        for swapped in adjacent_transpositions(nina.value):
            assert not damm.is_valid(swapped), swapped
            assert refusal(swapped).rule_ids == ("PIN-1",), swapped
            checked += 1
    assert checked > len(SAMPLE) * 5


def test_PIN_1_a_typo_in_sequence_or_check_digit_is_reported_as_a_check_digit_error() -> None:
    for nina in SAMPLE:
        for typo in itertools.chain(substitutions(nina.value), adjacent_transpositions(nina.value)):
            if typo[:9] == nina.value[:9]:  # prodi and year intact: only the check digit can tell
                failure = refusal(typo, prodi_code=nina.prodi_code).failures[0]
                assert "(check digit)" in failure.message, typo


def test_PIN_1_a_nina_with_14_or_16_digits_is_refused_for_its_length() -> None:
    nina = NINA.issue("55201", 2024, 1).value
    for text in (nina[:-1], nina + "0", "1"):
        refused = refusal(text)
        assert refused.rule_ids == ("PIN-1",)
        assert "(length)" in refused.failures[0].message


def test_PIN_1_a_nina_of_another_prodi_is_refused_for_its_prodi_prefix() -> None:
    other = NINA.issue("55202", 2024, 1).value
    refused = refusal(other, prodi_code="55201")
    assert refused.rule_ids == ("PIN-1",)
    assert "(prodi prefix)" in refused.failures[0].message
    assert NINA.parse(other) == NINA(other)  # without a programme to compare, the prefix is not checked


def test_PIN_1_a_nina_whose_digits_6_to_9_are_not_a_year_is_refused_for_its_year() -> None:
    body = "55201" + "0999" + "00001"
    text = body + damm.check_digit(body)  # a correct check digit: only the year is wrong
    refused = refusal(text, prodi_code="55201")
    assert refused.rule_ids == ("PIN-1",)
    assert "(year)" in refused.failures[0].message


def test_PIN_1_a_nina_with_a_wrong_check_digit_is_refused_for_its_check_digit() -> None:
    nina = NINA.issue("55201", 2024, 1).value
    wrong = nina[:-1] + str((int(nina[-1]) + 1) % 10)
    refused = refusal(wrong, prodi_code="55201")
    assert refused.rule_ids == ("PIN-1",)
    assert "(check digit)" in refused.failures[0].message


@pytest.mark.parametrize(
    "text",
    ["55201-2024-00001-2", "5520l2024000012", "55201 2024000012", "", "55201202400001²", "٥٥٢٠١٢٠٢٤٠٠٠٠١١"],
    ids=["dashes", "letter-l", "inner-space", "empty", "superscript-two", "arabic-indic-digits"],
)
def test_PIN_1_a_nina_with_anything_but_ascii_digits_is_refused(text: str) -> None:
    refused = refusal(text)
    assert refused.rule_ids == ("PIN-1",)
    assert "only digits" in refused.failures[0].message


def test_PIN_1_a_parse_error_names_the_field_it_was_given() -> None:
    assert refusal("123", field="pairNina").failures[0].field == "pairNina"


@pytest.mark.parametrize("sequence", [0, 100_000])
def test_PIN_1_a_sequence_outside_1_to_99999_cannot_be_issued(sequence: int) -> None:
    with pytest.raises(RuleViolation) as refused:
        NINA.issue("55201", 2024, sequence)
    assert refused.value.rule_ids == ("PIN-1",)
    assert refused.value.failures[0].field == "sequence"


def with_check_digit(body: str) -> str:
    return body + damm.check_digit(body)


@pytest.mark.parametrize("year", ["1899", "3000", "0000", "9999"])
def test_PIN_1_a_year_of_issue_outside_1900_to_2999_is_refused_for_its_year(year: str) -> None:
    refused = refusal(with_check_digit("55201" + year + "00001"), prodi_code="55201")
    assert refused.rule_ids == ("PIN-1",)
    assert (refused.failures[0].field, "(year)" in refused.failures[0].message) == ("nina", True)


@pytest.mark.parametrize("year", [1900, 2999])
def test_PIN_1_a_year_of_issue_of_1900_or_2999_is_accepted(year: int) -> None:
    text = with_check_digit(f"55201{year}00001")
    assert NINA.parse(text, prodi_code="55201").year == year


@pytest.mark.parametrize(("prodi", "year", "sequence"), [("61201", 2019, 12345), ("90241", 2987, 99999)])
def test_PIN_1_a_nina_is_read_back_as_its_prodi_year_and_sequence(prodi: str, year: int, sequence: int) -> None:
    nina = NINA.parse(NINA.issue(prodi, year, sequence).value)
    assert (nina.prodi_code, nina.year, nina.sequence) == (prodi, year, sequence)
    assert str(nina) == nina.value


@pytest.mark.parametrize("sequence", [1, 99_999])
def test_PIN_1_the_first_and_last_sequence_numbers_can_be_issued(sequence: int) -> None:
    assert NINA.issue("55201", 2024, sequence).sequence == sequence
