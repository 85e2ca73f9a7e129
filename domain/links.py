"""Links people give as evidence (SUB-6, EQV-2.6): parsed as URLs and stored in one normal form.

A link is shown back to staff and may be opened or rendered; so it is an absolute http(s) address with a host,
in printable ASCII without spaces, quotes, angle brackets or the other characters RFC 3986 never allows
(``<script>`` and ``"onmouseover=`` cannot hide in one), its %-escapes well formed and none of them a control
character, and no user name or password. Scheme and host are lower-cased and a default port dropped, so one
address is stored one way.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from domain.errors import violation
from domain.text import refused_character, shown

URL_CHARS = 2000
# RFC 3986's characters: unreserved, reserved and '%'; everything else (space, "<>\"{}|\\^`) is not a URL's.
URL_ALPHABET = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.ASCII)
ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})|%[01][0-9A-Fa-f]|%7[Ff]", re.ASCII)  # malformed, or a control character
LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII)
DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_link(value: object, *, field: str, rule_id: str, schemes: tuple[str, ...] = ("https", "http")) -> str:
    """An absolute URL of one of ``schemes``, in its normal form; refused with ``rule_id`` otherwise."""
    form = f"a link is an absolute {' or '.join(s + '://' for s in schemes)} address"
    if not isinstance(value, str):
        raise violation(rule_id, field, f"{form}; got {value!r:.40}")
    url = value.strip()
    if (bad := refused_character(url)) is not None:
        raise violation(rule_id, field, f"{form}; it contains {bad}")
    if len(url) > URL_CHARS:
        raise violation(rule_id, field, f"{form} of at most {URL_CHARS} characters")
    if not URL_ALPHABET.fullmatch(url) or ESCAPE.search(url):
        raise violation(
            rule_id, field, f"{form} in ASCII, without spaces, quotes, '<', '>' or control characters; got {shown(url)}"
        )
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise violation(rule_id, field, f"{form}; got {shown(url)}") from None
    scheme = parts.scheme.lower()
    if scheme not in schemes or not host or not _valid_host(host):
        raise violation(rule_id, field, f"{form} with a host name; got {shown(url)}")
    if parts.username is not None or parts.password is not None:
        raise violation(rule_id, field, f"{form}, without a user name or password")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))


def _valid_host(host: str) -> bool:
    """A DNS name of letters, digits and hyphens (an internationalised one in its xn-- form), or an IP address."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.removesuffix(".").split(".")
    return len(host) <= 253 and all(LABEL.fullmatch(label) for label in labels)
