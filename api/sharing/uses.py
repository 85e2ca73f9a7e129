"""Who opened a share (SHR-8): the time, the verifier's network and their browser's family, never more.

A use is appended to a trail in the read database (``infra/sharing/uses.py``), not to the event log: the opener signs
in as no one (a cause would name no actor), a write per view on the holder's own record would contend with the
holder's commands and grow their history without end, and a verifier's network is their personal data, to be
purged after the trail's retention as SIVIL's trail is, which an event that is kept forever cannot be. A share's
view limit (SHR-5) is counted in the same transaction as its use.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

IPV4_PREFIX, IPV6_PREFIX = 24, 56


@dataclass(frozen=True)
class Use:
    share_id: str
    used_at: datetime
    kind: str  # "view" or "download"
    network: str  # e.g. 203.0.113.0/24, 2001:db8:0:100::/56
    agent: str  # a browser family (agent_family)


class ShareUses(Protocol):
    def record(self, use: Use, max_uses: int | None) -> bool:
        """Appends the use unless the share's uses of its kind reached ``max_uses`` (SHR-5): then False."""
        ...

    def of_shares(self, share_ids: Sequence[str], per_share: int) -> dict[str, list[Use]]: ...

    def counts(self, share_ids: Sequence[str]) -> dict[str, dict[str, int]]: ...


def network_prefix(address: str) -> str:
    """SHR-8: an IPv4 address's /24, an IPv6 address's /56 (an IPv4-mapped one as IPv4); "unknown" otherwise."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    bits = IPV4_PREFIX if isinstance(ip, ipaddress.IPv4Address) else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{bits}", strict=False))


_FAMILIES = (  # the first that matches; order matters (Edge and Opera also say Chrome, Chrome also says Safari)
    ("bot", ("bot", "crawler", "spider", "preview", "facebookexternalhit", "whatsapp", "slack", "telegram")),
    ("curl", ("curl/",)),
    ("python", ("python",)),
    ("Edge", ("edg/",)),
    ("Opera", ("opr/",)),
    ("Samsung Internet", ("samsungbrowser",)),
    ("Firefox", ("firefox/", "fxios")),
    ("Chrome", ("chrome/", "crios", "chromium")),
    ("Safari", ("safari/",)),
)


def agent_family(user_agent: str | None) -> str:
    """SHR-8: the browser's family only (no version, no platform): enough for a holder to tell a person from a
    link preview, too little to single anyone out."""
    text = (user_agent or "")[:512].lower()
    for family, marks in _FAMILIES:
        if any(mark in text for mark in marks):
            return family
    return "other"
