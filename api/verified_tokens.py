"""Bearer tokens verified a moment ago, by their hash (issue 35): a client sends the same token with every request,
and checking its signature again was a tenth of the API's own time per request.

Kept until the token's ``exp``, at most ``SECONDS``, and for an issuer's token only while the key set it was verified
with is current (a withdrawn key stops signing anyone in as soon as it would without this cache); bounded, the oldest
going first. Only tokens that passed are kept: a refused token is checked (and its
reason logged) every time. The token itself is never kept, only its SHA-256.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import jwt

from domain.audit import Actor

SECONDS = 60.0
Holds = Callable[[], bool]  # whether the verdict still holds (an issuer's token: its key set is still current)
MAX_TOKENS = 4096


class VerifiedTokens:
    def __init__(self, clock: Callable[[], float] = time.time, maximum: int = MAX_TOKENS) -> None:
        self._clock = clock
        self._maximum = maximum
        self._lock = threading.Lock()
        self._actors: OrderedDict[bytes, tuple[Actor, float, Holds]] = OrderedDict()

    def known(self, token: str) -> Actor | None:
        """The actor of a token verified within the last minute and not yet expired, else None."""
        with self._lock:
            kept = self._actors.get(_key(token))
        return kept[0] if kept is not None and self._clock() < kept[1] and kept[2]() else None

    def actor(self, token: str, verify: Callable[[str], tuple[Actor, Holds]]) -> Actor:
        """The token's actor, from ``verify`` unless the same token passed it within the last minute."""
        known = self.known(token)
        if known is not None:
            return known
        actor, holds = verify(token)  # raises for a refused token, which is not kept
        key, until = _key(token), min(self._clock() + SECONDS, _expiry(token))
        with self._lock:
            self._actors[key] = (actor, until, holds)
            self._actors.move_to_end(key)
            while len(self._actors) > self._maximum:
                self._actors.popitem(last=False)
        return actor


def _key(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _expiry(token: str) -> float:
    """The verified token's ``exp`` (``verify`` required it and checked the signature over it)."""
    exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    return float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else 0.0
