"""Identifiers as PDDIKTI issues them, in their real (ASCII) alphabets (PIN-0, PIN-1).

A key that admitted a trailing space, a zero-width space, a fullwidth or Arabic-Indic digit or a Cyrillic
look-alike letter would let one person be registered twice; so each code is parsed here, once, and every
door (GraphQL, the PDDIKTI import, the application commands, the read-side queries) uses the same parser.
Surrounding spaces are trimmed (they are nobody's intent); anything else outside the alphabet is refused.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from domain.errors import RuleViolation, violation
from domain.text import refused_character, shown


@dataclass(frozen=True)
class Code:
    """An ASCII code; subclasses give its alphabet, its rule id and what to say when it is wrong."""

    value: str

    pattern: ClassVar[re.Pattern[str]]
    rule_id: ClassVar[str] = "PIN-0"
    field: ClassVar[str]
    form: ClassVar[str]

    # Keys read again and again (a file names its university on every line, and a line's NIM is read by the import
    # and again at the registry's door): each distinct one is checked once, in a bounded cache (issue 35). Only
    # keys opt in: personal identifiers (NIK, passport) are never kept beyond their reading.
    cached: ClassVar[bool] = False

    @classmethod
    def parse(cls, text: object, field: str | None = None) -> Self:
        if cls.cached and isinstance(text, str) and len(text) <= CACHED_CHARS:
            kind: Any = cls  # typed, not cast: ``typing.cast`` is a call, and a file's line reads two codes twice
            known: Self | None = _known(kind, text)
            if known is not None:
                return known
        return cls._read(text, field or cls.field)

    @classmethod
    def _read(cls, text: object, name: str) -> Self:
        if not isinstance(text, str):
            raise violation(cls.rule_id, name, f"{cls.form}; got {text!r}")
        if (bad := refused_character(text)) is not None:
            raise violation(cls.rule_id, name, f"{cls.form}; it contains {bad}")
        value = text.strip(" ")
        if not cls.pattern.fullmatch(value):
            raise violation(cls.rule_id, name, f"{cls.form}; got {shown(text)}")
        return cls(value)

    def __str__(self) -> str:
        return self.value


CACHED_CHARS = 40  # longer texts are no key (a NIM has at most 30 characters): never kept


@functools.lru_cache(maxsize=1 << 14)
def _known(kind: Any, text: str) -> Any:  # (a Code class, its text) -> the Code, or None
    """The code ``text`` reads as, or None when it is refused (``parse`` then says why, naming its field)."""
    try:
        return kind._read(text, kind.field)
    except RuleViolation:
        return None


def _ascii(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)  # \d and [a-z] would otherwise admit other scripts' digits


@dataclass(frozen=True)
class UniversityCode(Code):
    """Kode perguruan tinggi: 6 digits."""

    pattern = _ascii(r"[0-9]{6}")
    field = "universityCode"
    form = "a PDDIKTI university code has 6 ASCII digits"
    cached = True


@dataclass(frozen=True)
class ProdiCode(Code):
    """Kode program studi: 5 digits, the first part of every NINA (PIN-1)."""

    pattern = _ascii(r"[0-9]{5}")
    rule_id = "PIN-1"
    field = "prodiCode"
    form = "a PDDIKTI prodi code has 5 ASCII digits"
    cached = True


@dataclass(frozen=True)
class NIM(Code):
    """Nomor induk mahasiswa (decided): 1-30 ASCII letters and digits, with '.', '-' or '/' after the first."""

    pattern = _ascii(r"[A-Za-z0-9][A-Za-z0-9./-]{0,29}")
    field = "nim"
    form = "a NIM has 1-30 ASCII letters or digits, and may use '.', '-' or '/' after the first"
    cached = True


@dataclass(frozen=True)
class NIK(Code):
    """Nomor induk kependudukan: 16 digits."""

    pattern = _ascii(r"[0-9]{16}")
    field = "nik"
    form = "a NIK has 16 ASCII digits"


@dataclass(frozen=True)
class PassportNumber(Code):
    """A foreign student's passport number: 5-20 upper-case ASCII letters or digits."""

    pattern = _ascii(r"[A-Z0-9]{5,20}")
    field = "passportNumber"
    form = "a passport number has 5-20 upper-case ASCII letters or digits"


def student_key(university_code: object, nim: object) -> tuple[str, str]:
    """PIN-0: a student's key (university code, NIM) in its alphabets, before anything is loaded."""
    return UniversityCode.parse(university_code).value, NIM.parse(nim).value
