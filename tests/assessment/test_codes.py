"""The assessment context's codes and numbers at their bounds: each alphabet and length on both sides, and the
rule id a refusal names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.assessment.licence import parse_lsp_code
from domain.assessment.numbers import parse_candidate_number, parse_number
from domain.assessment.people import parse_person_key
from domain.assessment.standards import parse_facilities
from domain.errors import RuleViolation


def refused(parse: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(RuleViolation) as refusal:
        parse()
    [failure] = refusal.value.failures
    return failure.rule_id, failure.field


def test_lsp_codes() -> None:
    assert parse_lsp_code(" lsp-p1/unj.01 ") == "LSP-P1/UNJ.01"
    assert parse_lsp_code("L") == "L"
    assert parse_lsp_code("L" * 40) == "L" * 40
    for bad in ("L" * 41, "", "-LSP", "LSP P1", "LSP\x00", "LSṔ", 7, None):
        assert refused(lambda bad=bad: parse_lsp_code(bad)) == ("ASM-2", "lspCode")


def test_facility_codes() -> None:
    assert parse_facilities(["video_conference", "A", "A" * 40], "requirements", "ASM-5") == frozenset(
        {"VIDEO_CONFERENCE", "A", "A" * 40}
    )
    assert len(parse_facilities([f"F{n}" for n in range(30)], "facilities", "ASM-5")) == 30
    assert refused(lambda: parse_facilities([f"F{n}" for n in range(31)], "facilities", "ASM-5")) == (
        "ASM-5",
        "facilities",
    )
    for bad in ("A" * 41, "1VIDEO", "VIDEO-CALL", "", 3):
        assert refused(lambda bad=bad: parse_facilities([bad], "requirements", "ASM-5")) == ("ASM-5", "requirements")


def test_numbers_are_kept_in_their_canonical_form() -> None:
    """ASM-7: not interpreted, but one number however it is typed (issue 27, defect 8)."""
    assert parse_number(" 62090 2512 3 0000001 2024 ", "registrationNumber") == "62090 2512 3 0000001 2024"
    assert parse_number("62090  2512\u00a03", "registrationNumber") == "62090 2512 3"  # spaces folded
    assert parse_number("x", "blangkoNumber") == "X"
    assert parse_number("a" * 40, "blangkoNumber") == "A" * 40
    assert parse_number("ｍｅｔ.０００.１ ２０１９", "asesorNumber") == "MET.000.1 2019"  # full-width: NFKC
    for bad in ("a" * 41, "", " ", "-12", "12-", "12\t3", "МЕТ.1", "ı2", None, 12):  # Cyrillic, dotless i
        assert refused(lambda bad=bad: parse_number(bad, "blangkoNumber")) == ("ASM-7.number", "blangkoNumber")


def test_candidate_numbers_are_one_however_typed() -> None:
    assert parse_candidate_number(" asesi-0001 ", "candidateNumber", "ASM-7.holder") == "ASESI-0001"
    assert parse_candidate_number("ＡＳＥＳＩ－０００１", "candidateNumber", "ASM-7.holder") == "ASESI-0001"
    for bad in ("АSESI-0001", "ASESI 0001", "k" * 65, "", ".k", "k\u200b", None):
        assert refused(lambda bad=bad: parse_candidate_number(bad, "candidateNumber", "ASM-7.holder")) == (
            "ASM-7.holder",
            "candidateNumber",
        )


def test_person_keys() -> None:
    assert parse_person_key(" komite-1@lsp ", "memberId", "ASM-6.committee") == "komite-1@lsp"
    assert parse_person_key("k" * 64, "memberId", "ASM-6.committee") == "k" * 64
    for bad in ("k" * 65, "", ".k", "k k", "k\u200b"):
        assert refused(lambda bad=bad: parse_person_key(bad, "memberId", "ASM-6.committee")) == (
            "ASM-6.committee",
            "memberId",
        )
