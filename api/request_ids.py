"""The id every event and every staff read names its request by."""

from __future__ import annotations

import re
import uuid

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id(header: str | None) -> str:
    """A caller's own id is kept (prefixed) when it is a sane token; else a new one."""
    if header and _REQUEST_ID.match(header):
        return f"client:{header}"
    return f"http:{uuid.uuid4()}"
