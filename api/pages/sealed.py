"""Cookies only this server can read or make: AES-GCM with a key of their own purpose, derived from the installation's
secret, so a sign-in's cookie never passes for a session's, and neither can be read or altered in the browser.

The value is ``base64url(nonce || ciphertext)`` of JSON carrying its own expiry (``exp``, Unix seconds), checked on
opening, whatever ``Max-Age`` the browser was told. A value that does not open is no value: never an error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAX_VALUE_CHARS = 3800  # a browser keeps about 4096 bytes per cookie, its name and attributes included


class SealedCookie:
    def __init__(self, secret: str, purpose: str, clock: Callable[[], float] = time.time) -> None:
        key = hmac.new(secret.encode(), f"kredensial/cookie/{purpose}/v1".encode(), hashlib.sha256).digest()
        self._aead = AESGCM(key)
        self._purpose = purpose.encode()
        self._clock = clock

    def seal(self, data: dict[str, Any], *, expires: int) -> str:
        """The cookie's value; ValueError when it would be too long for a browser to keep."""
        nonce = os.urandom(12)
        plain = json.dumps({**data, "exp": expires}, separators=(",", ":")).encode()
        value = base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, plain, self._purpose)).decode()
        if len(value) > MAX_VALUE_CHARS:
            raise ValueError(f"a sealed cookie of {len(value)} characters is too long for a browser")
        return value.rstrip("=")

    def open(self, value: str | None) -> dict[str, Any] | None:
        """What ``seal`` sealed, or None: absent, altered, sealed for another purpose or key, or expired."""
        if not value or len(value) > MAX_VALUE_CHARS:
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            data = json.loads(self._aead.decrypt(raw[:12], raw[12:], self._purpose))
        except (binascii.Error, ValueError, InvalidTag):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("exp"), int) or data["exp"] <= self._clock():
            return None
        return data
