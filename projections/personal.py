"""Personal data as every read model shows it: the name, or the one marker of an erasure (UU PDP)."""

from __future__ import annotations

from domain.personal import Sealed, Unsealer

ERASED = "[dihapus / erased]"


def full_name(unsealer: Unsealer, sealed: Sealed) -> str:
    """The name sealed in an event, or :data:`ERASED` once its subject's key is destroyed."""
    person = unsealer.unseal(sealed)
    return person.full_name if person else ERASED
