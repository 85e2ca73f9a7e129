"""The security number (angka pengaman) of PIN-6: a sum that a person answers, signed, short-lived, used once.

The token carries its id and expiry and two HMACs under a key derived from the configured secret: one
proves the token is ours, the other binds it to the right answer without revealing it. A wrong answer
spends the token at once, so the answer cannot be guessed by retrying it. A right answer is spent by the
look-up once it has an answer (``spending``): a look-up that fails because a database is unavailable
leaves it usable, and of two look-ups racing on one token only the first to spend it is answered.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Protocol

from api.unavailable import TEMPORARY

VERSION = "c1"
log = logging.getLogger(__name__)


class ChallengeLedger(Protocol):
    def claim(self, token_id: str, expires_at: datetime, now: datetime) -> bool:
        """True the first time ``token_id`` is claimed, in any process; False ever after."""
        ...

    def release(self, token_id: str) -> None:
        """Forgets a claim whose look-up could not be answered, so that the challenge may be answered again."""
        ...


@dataclass(frozen=True)
class Ticket:
    """A challenge of ours, unexpired and rightly answered, not yet spent."""

    token_id: str
    expires_at: datetime


@dataclass(frozen=True)
class Challenge:
    question_id: str  # "Berapa 3 + 4?"
    question_en: str  # "What is 3 + 4?"
    token: str
    expires_at: datetime

    @property
    def question(self) -> str:
        return f"{self.question_id} / {self.question_en}"


class Refusal(Enum):
    INVALID = "INVALID"
    EXPIRED = "EXPIRED"
    REUSED = "REUSED"
    WRONG_ANSWER = "WRONG_ANSWER"


MESSAGES = {
    Refusal.INVALID: (
        "challengeToken",
        "Token angka pengaman tidak sah; minta pertanyaan baru. / The challenge token is not valid; ask for a new "
        "question.",
    ),
    Refusal.EXPIRED: (
        "challengeToken",
        "Waktu menjawab angka pengaman sudah habis; jawab pertanyaan baru. / The challenge has expired; answer a "
        "new question.",
    ),
    Refusal.REUSED: (
        "challengeToken",
        "Angka pengaman ini sudah dipakai; setiap pertanyaan hanya berlaku sekali. / This challenge has already "
        "been used; each question is good for one look-up only.",
    ),
    Refusal.WRONG_ANSWER: (
        "answer",
        "Jawaban angka pengaman salah; jawab pertanyaan baru. / Wrong answer to the challenge; answer a new question.",
    ),
}


class ChallengeRefused(Exception):
    """PIN-6: the look-up was refused before the read model was asked."""

    rule_id = "PIN-6"

    def __init__(self, reason: Refusal) -> None:
        self.reason = reason
        self.field, self.message = MESSAGES[reason]
        super().__init__(self.message)


class Challenges:
    def __init__(
        self,
        *,
        secret: str,
        ledger: ChallengeLedger,
        clock: Callable[[], datetime],
        ttl: timedelta = timedelta(minutes=5),
        largest: int = 20,
    ) -> None:
        self._key = hmac.new(secret.encode(), b"kredensial/sivil/challenge", hashlib.sha256).digest()
        self.ledger = ledger
        self.clock = clock
        self.ttl = ttl
        self.largest = largest

    def issue(self) -> Challenge:
        a, b = 1 + secrets.randbelow(self.largest), 1 + secrets.randbelow(self.largest)
        token_id = secrets.token_urlsafe(12)
        expires_at = (self.clock() + self.ttl).astimezone(UTC).replace(microsecond=0)
        exp = str(int(expires_at.timestamp()))
        token = ".".join(
            (VERSION, token_id, exp, self._mac("token", token_id, exp), self._mac("answer", token_id, exp, str(a + b)))
        )
        return Challenge(f"Berapa {a} + {b}?", f"What is {a} + {b}?", token, expires_at)

    def redeem(self, token: str, answer: str) -> None:
        """Checks and spends the token at once, for a caller with nothing to look up."""
        self.spend(self.check(token, answer))

    def check(self, token: str, answer: str) -> Ticket:
        """Raises ChallengeRefused unless the token is ours, unexpired, unspent so far and rightly answered.

        A wrong answer spends the token here; a right one is spent by ``spending`` (PIN-6)."""
        token = (token or "").strip()
        # Every token we issue is ASCII; anything else is not ours (and would make compare_digest raise).
        if not token.isascii():
            raise ChallengeRefused(Refusal.INVALID)
        parts = token.split(".")
        if len(parts) != 5 or parts[0] != VERSION or not parts[2].isdigit():
            raise ChallengeRefused(Refusal.INVALID)
        _, token_id, exp, token_mac, answer_mac = parts
        if not hmac.compare_digest(token_mac, self._mac("token", token_id, exp)):
            raise ChallengeRefused(Refusal.INVALID)
        ticket = Ticket(token_id, datetime.fromtimestamp(int(exp), UTC))
        if self.clock() >= ticket.expires_at:
            raise ChallengeRefused(Refusal.EXPIRED)
        given = (answer or "").strip()
        number = str(int(given)) if given.isascii() and given.isdigit() and len(given) <= 6 else ""
        if not hmac.compare_digest(answer_mac, self._mac("answer", token_id, exp, number)):
            self.spend(ticket)  # no second guess on one token; REUSED if it was spent before
            raise ChallengeRefused(Refusal.WRONG_ANSWER)
        return ticket

    def spend(self, ticket: Ticket) -> None:
        """Atomic in the ledger: of two look-ups racing on one token, the second is refused as REUSED."""
        if not self.ledger.claim(ticket.token_id, ticket.expires_at, self.clock()):
            raise ChallengeRefused(Refusal.REUSED)

    @contextmanager
    def spending(self, ticket: Ticket) -> Iterator[None]:
        """Spends ``ticket`` for the answer built inside the block; if that answer cannot be given because a
        store is unavailable, gives the ticket back (best effort), so the person can ask again (PIN-6)."""
        self.spend(ticket)
        try:
            yield
        except TEMPORARY:
            try:
                self.ledger.release(ticket.token_id)
            except Exception:  # the ledger's store may be down too: then the challenge stays spent
                log.warning("could not give back challenge %s after a failed look-up", ticket.token_id)
            raise

    def _mac(self, purpose: str, *fields: str) -> str:
        digest = hmac.new(self._key, "|".join((purpose, *fields)).encode(), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
