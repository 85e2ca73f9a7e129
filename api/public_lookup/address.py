"""Whose look-up is this: the peer's address, or the client named by a trusted proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ClientAddress:
    """``trusted_proxies``: addresses or networks ("10.0.0.0/8") whose X-Forwarded-For is believed."""

    def __init__(self, trusted_proxies: Iterable[str] = ()) -> None:
        self.trusted: tuple[Network, ...] = tuple(ipaddress.ip_network(p, strict=False) for p in trusted_proxies)

    def __call__(self, request: HTTPConnection) -> str:
        peer = request.client.host if request.client else "unknown"
        if not self._is_trusted(peer):
            return peer
        # Walk the chain from the nearest hop; the first hop we do not trust is the client.
        hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                return hop if _is_ip(hop) else peer
        return peer

    def _is_trusted(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)


# A site is usually given a /48 or a /56 and each of its hosts a /64 it can rotate through at will: counting a /64
# as one client let one site escape the limit (issue 27), so by default a /56 is one client (PIN-6).
DEFAULT_IPV6_PREFIX = 56


def rate_key(address: str, ipv6_prefix: int = DEFAULT_IPV6_PREFIX) -> str:
    """The client a look-up is counted against (PIN-6): an IPv4 address, or the IPv6 network of ``ipv6_prefix``
    bits that holds the address (an IPv4-mapped IPv6 address counts as its IPv4 address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{ipv6_prefix}", strict=False))
    return str(ip)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
