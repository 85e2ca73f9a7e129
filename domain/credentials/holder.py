"""``credentialSubject.id``: who holds a credential, as a pseudonym that discloses nothing.

**(decided)** A holder is named by ``urn:uuid:`` of a keyed hash (HMAC-SHA-256 under a key kept in the credentials'
own log) of the holder's key in the context that issued the credential: a student (university, NIM) for the
diploma and the DPI, an asesi (LSP, candidate number) for an LSP certificate, an applicant's account for an SK.
It is stable, so a verifier can see that two credentials a holder presents name the same holder (OB 3.0 asks an
``AchievementSubject`` for an ``id``), but unlike a ``uuid5`` of a NIM, which anyone can compute for every NIM of
a university, it cannot be reversed or computed without the key. An erased person's credentials keep it: it names
no one.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

HOLDER_KEY_LABEL = b"kredensial/credential-holder"  # derives the holders' key from the status lists' key


def holders_key(status_list_key: bytes) -> bytes:
    """A key of its own, derived once, so the status lists' permutation key is never used for two purposes."""
    return hmac.new(status_list_key, HOLDER_KEY_LABEL, hashlib.sha256).digest()


def holder_id(key: bytes, context: str, *parts: str) -> str:
    """The same holder in the same context always has the same id; a version-4 form, as a keyed hash reads random."""
    digest = hmac.new(key, "/".join((context, *parts)).encode(), hashlib.sha256).digest()
    return f"urn:uuid:{UUID(bytes=digest[:16], version=4)}"
