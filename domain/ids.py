"""Ids derived from public keys (a student's university and NIM, a NINA): ``uuid5(NAMESPACE_URL, path)``."""

from __future__ import annotations

from hashlib import sha1
from uuid import NAMESPACE_URL, UUID, SafeUUID

_NAMESPACE = NAMESPACE_URL.bytes  # uuid5 rebuilds these bytes from the namespace's int on each call
_KEPT = ~((0xF000 << 64) | (0xC000 << 48))  # all but where uuid5 writes the version (5) and the RFC 4122 variant
_VERSION_5 = (5 << 76) | (0x8000 << 48)
_new, _set = object.__new__, object.__setattr__
_UNKNOWN = SafeUUID.unknown


def url_id(path: str) -> UUID:
    """``uuid5(NAMESPACE_URL, path)``, equal to it for every path, for a third of its cost: uuid5 imports hashlib and
    builds its UUID from bytes and a version, and ``UUID.__init__`` checks which of its five forms it was given; a
    digest's int needs neither (a reservation derives three such ids that no cache holds yet, issue 35). The UUID's
    two slots are set as its ``__init__`` sets them."""
    uuid = _new(UUID)
    _set(uuid, "int", int.from_bytes(sha1(_NAMESPACE + path.encode()).digest()[:16]) & _KEPT | _VERSION_5)
    _set(uuid, "is_safe", _UNKNOWN)
    return uuid
