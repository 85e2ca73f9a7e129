"""A short-lived signed link to the PDF of a look-up that already passed its challenge (PIN-7).

The link names the diploma and is bound to the asker's address, so that it is no use to anyone else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from api.sivil.lookup import Asked

EXPIRED = (
    "Tautan unduhan sudah kedaluwarsa atau tidak sah; periksa ijazah sekali lagi. / The download link has expired "
    "or is not valid; verify the diploma again."
)


class DownloadRefused(Exception):
    def __init__(self) -> None:
        super().__init__(EXPIRED)
        self.message = EXPIRED


class DownloadTokens:
    def __init__(self, *, secret: str, clock: Callable[[], datetime], ttl: timedelta = timedelta(minutes=10)) -> None:
        self._key = hmac.new(secret.encode(), b"kredensial/sivil/download", hashlib.sha256).digest()
        self.clock = clock
        self.ttl = ttl

    def issue(self, asked: Asked, address: str) -> str:
        claims = {
            "u": asked.university_code,
            "p": asked.prodi_code,
            "n": asked.nina,
            "a": self._address(address),
            "exp": int((self.clock() + self.ttl).timestamp()),
        }
        body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{self._mac(body)}"

    def open(self, token: str, address: str) -> Asked:
        token = token or ""
        # Every link we issue is ASCII; anything else is not ours (and would make compare_digest raise).
        if not token.isascii():
            raise DownloadRefused()
        body, _, mac = token.partition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            raise DownloadRefused()
        try:
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            raise DownloadRefused() from None
        if claims["a"] != self._address(address) or self.clock().timestamp() >= claims["exp"]:
            raise DownloadRefused()
        return Asked(claims["u"], claims["p"], claims["n"])

    def _address(self, address: str) -> str:
        return self._mac("address|" + address)[:16]

    def _mac(self, text: str) -> str:
        return _b64(hmac.new(self._key, text.encode(), hashlib.sha256).digest()[:20])


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
