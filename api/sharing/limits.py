"""What each limit on opening shares says when its window is full, under its own rule (not SIVIL's PIN-6)."""

from __future__ import annotations

# SHR-9: links and codes tried from one client (its IPv4 address, or its IPv6 network)
SHARE_CLIENT = ("Terlalu banyak tautan atau kode dari alamat Anda", "Too many links or codes from your address")
# SHR-8: openings of one share, whoever opens it
SHARE_OPENINGS = ("Berbagi ini dibuka terlalu sering", "This share was opened too often")
# SHR-9.codes: a code is about 45 bits, so wrong codes are capped across every network together: many networks
# (a botnet) each under their own limit must still not be able to try codes at speed. A link still opens.
WRONG_CODES = (
    "Terlalu banyak kode salah dicoba di seluruh jaringan; gunakan tautan dari pemilik",
    "Too many wrong codes were tried across all networks; use the holder's link",
)
