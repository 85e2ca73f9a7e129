"""A share's link secret and its short code (SHR-9): made here, kept only as digests.

The link carries 256 random bits (URL-safe base64, 43 characters): it cannot be guessed, so its plain SHA-256 is
stored. The code is for typing (10 Crockford base32 characters, the last a check character): 45 bits could be found
by trying every code against a stolen digest, so a code is kept as an HMAC under the installation's key, which the
event log and the read models never hold.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.errors import violation

LINK_BYTES = 32
LINK_CHARS = 43
_LINK = re.compile(r"[A-Za-z0-9_-]{43}")

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CHECK_SYMBOLS = ALPHABET + "*~$=U"  # Crockford's check symbols (mod 37); only codes checked by ALPHABET are made
CODE_DATA = 9
CODE_CHARS = CODE_DATA + 1
_READ_AS = {"O": "0", "I": "1", "L": "1"}  # Crockford: what a person may type for what the code shows
CODE_FORM = "a share code is 10 letters and digits, as shown to the holder (e.g. 7K2QD-M9XAW)"


def new_link() -> str:
    return secrets.token_urlsafe(LINK_BYTES)


def parse_link(text: str) -> str | None:
    """The link secret, or None for anything that cannot be one (answered as an unknown share, SHR-9)."""
    return text if len(text) == LINK_CHARS and _LINK.fullmatch(text) else None


def link_digest(link: str) -> str:
    return hashlib.sha256(link.encode("ascii")).hexdigest()


def share_id(digest: str) -> UUID:
    """A share's id is derived from its link's digest: the link finds its share, and the id tells nothing of it."""
    return uuid5(NAMESPACE_URL, f"/shares/links/{digest}")


def _check(data: str) -> str:
    value = 0
    for char in data:
        value = value * 32 + ALPHABET.index(char)
    return CHECK_SYMBOLS[value % 37]


def new_code() -> str:
    """Nine random symbols and their check symbol; drawn again while the check would be one of * ~ $ = U, which
    are hard to type (so about 44.8 bits)."""
    while True:
        data = "".join(secrets.choice(ALPHABET) for _ in range(CODE_DATA))
        check = _check(data)
        if check in ALPHABET:
            return data + check


def shown_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def parse_code(text: object, field: str = "code") -> str:
    """A typed code in its canonical form: spaces and hyphens dropped, case folded, O read as 0 and I, L as 1.
    A malformed code or a wrong check character is refused (SHR-9.code): a typing error, never an answer about
    whether some share exists."""
    if not isinstance(text, str) or len(text) > 40:
        raise violation("SHR-9.code", field, CODE_FORM)
    folded = unicodedata.normalize("NFKC", text).upper()
    compact = "".join(_READ_AS.get(c, c) for c in folded if c not in " -")
    if len(compact) != CODE_CHARS or any(c not in ALPHABET for c in compact):
        raise violation("SHR-9.code", field, CODE_FORM)
    if _check(compact[:CODE_DATA]) != compact[CODE_DATA]:
        raise violation("SHR-9.code", field, "the code's last character does not match: check it for a typing error")
    return compact


def code_digest(key: bytes, code: str) -> str:
    return hmac.new(key, f"kredensial/share-code/{code}".encode("ascii"), hashlib.sha256).hexdigest()


def code_claim_id(digest: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/shares/codes/{digest}")
