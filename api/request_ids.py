"""The id every event and every staff read names its request by."""

from __future__ import annotations

import os
import re
import threading

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# Random ids drawn from one read of the kernel's source (issue 35): a read per request was a system call on the event
# loop's thread, which gives up the GIL for it and then waits for it behind the command threads.
_IDS_PER_READ = 256


class _RandomBits:
    """128 random bits at a time from ``os.urandom``, read 256 ids' worth at once; a forked child reads its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: list[int] = []
        os.register_at_fork(after_in_child=self._forget)

    def take(self) -> int:
        with self._lock:
            if not self._ids:
                read = os.urandom(16 * _IDS_PER_READ)
                self._ids = [int.from_bytes(read[i : i + 16], "big") for i in range(0, len(read), 16)]
            return self._ids.pop()

    def _forget(self) -> None:
        self._lock = threading.Lock()  # a lock held at the fork by another thread stays held in the child
        self._ids = []


_random_bits = _RandomBits()


def request_id(header: str | None) -> str:
    """A caller's own id is kept (prefixed) when it is a sane token; else a new one."""
    if header and _REQUEST_ID.match(header):
        return f"client:{header}"
    return f"http:{random_uuid()}"


def random_uuid() -> str:
    """``str(uuid.uuid4())``, written without making a UUID object (most of its cost, issue 35), from the same source
    (``os.urandom``)."""
    n = _random_bits.take()
    n = n & ~(0xC000 << 48) | 0x8000 << 48  # the RFC 4122 variant, as uuid.UUID(version=4) sets it
    n = n & ~(0xF000 << 64) | 4 << 76  # version 4
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
