"""The id every event and every staff read names its request by."""

from __future__ import annotations

import os
import re

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id(header: str | None) -> str:
    """A caller's own id is kept (prefixed) when it is a sane token; else a new one."""
    if header and _REQUEST_ID.match(header):
        return f"client:{header}"
    return f"http:{random_uuid()}"


def random_uuid() -> str:
    """``str(uuid.uuid4())``, written without making a UUID object (most of its cost, issue 35)."""
    n = int.from_bytes(os.urandom(16), "big")
    n = n & ~(0xC000 << 48) | 0x8000 << 48  # the RFC 4122 variant, as uuid.UUID(version=4) sets it
    n = n & ~(0xF000 << 64) | 4 << 76  # version 4
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
