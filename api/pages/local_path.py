"""Where a sign-in returns: a path of this server, never another site (no open redirect)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from domain.errors import violation

SIGN_IN_RULE = "API.signin"  # not a domain rule: how a sign-in to the pages is asked for
HOME = "/me"
MAX_CHARS = 512
_LOCAL = re.compile(r"^/(?![/\\])[\x21-\x5b\x5d-\x7e]*$")  # printable ASCII, no backslash, not "//" nor "/\"


def local_path(text: str | None) -> str:
    """``text`` when it is a path of this server (``/me``, ``/dpi/001002/2020001.pdf``); HOME when absent. A full
    URL, a scheme-relative ``//host``, a backslash (which browsers read as a slash), a space or a control character
    is refused, naming the field ``next`` and API.signin."""
    if text is None or text == "":
        return HOME
    parts = urlsplit(text) if len(text) <= MAX_CHARS and _LOCAL.match(text) else None
    if parts is None or parts.scheme or parts.netloc:
        raise violation(SIGN_IN_RULE, "next", "next is a path of this server, such as /me")
    return text
