"""Receiving an upload (issue 27): a bounded number at a time per process, each streamed to a temporary file while
it is hashed, so that twenty stalled uploads of 9 MiB hold neither twenty threads nor 180 MiB of memory. The time
a body may take is bounded by the server's protocol (infra/http_protocol.py, KREDENSIAL_BODY_TIMEOUT)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from fastapi.responses import Response
from starlette.requests import ClientDisconnect

from api.problems import problem
from api.unavailable import RETRY_AFTER
from application.files import Files, Incoming
from domain.audit import Actor
from domain.files import SNIFF_BYTES, StoredFile, sniff
from domain.submission.claim import EVIDENCE_TYPES

FLUSH_BYTES = 256 * 1024  # what one upload holds in memory before it is written out
BUSY = (
    "Terlalu banyak unggahan sedang berlangsung; coba lagi dalam beberapa detik. / "
    "Too many uploads are in progress; try again in a few seconds."
)


class UploadSlots:
    """At most ``count`` uploads received at once; a thread-safe counter, as one app may serve several loops."""

    def __init__(self, count: int) -> None:
        self._free = threading.BoundedSemaphore(count)

    @contextmanager
    def slot(self) -> Iterator[bool]:
        admitted = self._free.acquire(blocking=False)
        try:
            yield admitted
        finally:
            if admitted:
                self._free.release()


def busy() -> Response:
    """503 at once, before the body is read; the connection is closed so the body is not read either."""
    return problem(503, "unavailable", BUSY, headers={"Retry-After": str(RETRY_AFTER), "Connection": "close"})


async def received(request: Request, files: Files, by: Actor) -> StoredFile | None:
    """The body, stored as ``by``'s upload; None (nothing kept) when it is empty or not evidence by its first bytes
    (SUB-6), which is known, and answered, before the rest is read. A client that goes away leaves nothing behind.
    QuotaExceeded (FILE.quota) before the body is read when the uploader's share is used up, or once its size is
    known when this file does not fit in what is left."""
    incoming = await asyncio.to_thread(files.incoming, by)
    try:
        head, pending = b"", bytearray()
        async for chunk in request.stream():
            if len(head) < SNIFF_BYTES:
                head = (head + chunk)[:SNIFF_BYTES]
                if len(head) == SNIFF_BYTES and sniff(head) not in EVIDENCE_TYPES:
                    return None
            pending += chunk
            if len(pending) >= FLUSH_BYTES:
                await _write(incoming, pending)
        await _write(incoming, pending)
        if incoming.size == 0 or incoming.media_type not in EVIDENCE_TYPES:
            return None
        return await asyncio.to_thread(incoming.commit)
    except ClientDisconnect:
        return None  # cut off (the body's deadline, or the client left): nobody reads this answer
    finally:
        incoming.discard()


async def _write(incoming: Incoming, pending: bytearray) -> None:
    if pending:
        await asyncio.to_thread(incoming.write, bytes(pending))
        pending.clear()
