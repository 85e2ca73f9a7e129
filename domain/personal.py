"""Personal data, kept separable from the immutable history (UU PDP 27/2022).

Events carry personal data only sealed with a key of its own per person; destroying that key
erases the data everywhere in history without rewriting an event.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class PersonalData:
    full_name: str
    nik: str | None = None  # Nomor Induk Kependudukan (Indonesian citizens)
    passport_number: str | None = None  # foreign students
    birth_place: str | None = None
    birth_date: date | None = None
    email: str | None = None
    employer: str | None = None  # a competency candidate's (ASM-3 compares it with the asesor's): personal too


@dataclass(frozen=True)
class Sealed:
    """Ciphertext of a PersonalData, readable only while its subject's key exists."""

    subject_id: UUID
    ciphertext: str


class Unsealer(Protocol):
    def unseal(self, sealed: Sealed) -> PersonalData | None:
        """The data, or None once the subject's key has been destroyed (erased)."""
        ...


class BatchUnsealer(Unsealer, Protocol):
    def unsealing(self, subject_ids: Collection[UUID]) -> AbstractContextManager[None]:
        """Within it, on this thread, unsealing these subjects' data reads their keys fetched together beforehand
        (a catch-up batch's names in one query, not one each: issue 35)."""
        ...


class Sealer(Unsealer, Protocol):
    def seal(self, subject_id: UUID, data: PersonalData) -> Sealed: ...

    def erase(self, subject_id: UUID, when: str) -> bool:
        """Destroys the subject's key: every sealed copy, in every event, becomes unreadable.

        Returns whether a key was destroyed now (False when it was already gone): idempotent, so an
        interrupted erasure is completed by calling it again.
        """
        ...
