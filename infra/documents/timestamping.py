"""An RFC 3161 time-stamp authority asked over HTTP (``KREDENSIAL_TSA_URL``): it dates our PDF signatures, so that
they stay valid after the document-signing certificate expires (PAdES B-LTA, :mod:`infra.documents.pades`).

The standard library's ``urllib`` posts the request (``application/timestamp-query``, RFC 3161 section 3.4): pyHanko's
own clients need ``requests`` or an aiohttp session, neither of which signing otherwise needs.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

from asn1crypto import tsp
from pyhanko.sign.timestamps.api import TimeStamper

from domain.unavailable import Unavailable

QUERY, REPLY = "application/timestamp-query", "application/timestamp-reply"
MAX_REPLY = 1 << 20  # a token with its certificates is a few kilobytes


class TimestampUnavailable(Unavailable):
    """The time-stamp authority did not answer, or answered nothing usable. Temporary: the document is not signed
    (a document without its timestamp would die with its certificate) and the caller is told to try again."""


class HttpTimeStamper(TimeStamper):
    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        super().__init__()
        self.url = url
        self.timeout = timeout

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return await asyncio.to_thread(self._post, req.dump())

    def _post(self, body: bytes) -> tsp.TimeStampResp:
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": QUERY}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                kind = response.headers.get_content_type()
                reply = response.read(MAX_REPLY + 1)
        except (OSError, urllib.error.URLError) as error:
            raise TimestampUnavailable(f"time-stamp authority {self.url}: {error}") from None
        if kind != REPLY or len(reply) > MAX_REPLY:
            raise TimestampUnavailable(f"time-stamp authority {self.url}: not a time-stamp reply ({kind})")
        try:
            return tsp.TimeStampResp.load(reply, strict=True)
        except ValueError as error:
            raise TimestampUnavailable(f"time-stamp authority {self.url}: unreadable reply ({error})") from None
