"""A store that cannot be reached for now: a temporary condition, not a refusal and not a bug."""

from __future__ import annotations


class Unavailable(Exception):
    """Raised by a store when a database could not answer (a dropped connection that one retry did not cure,
    a restart, a full pool). The caller may try again; the text is for logs only, never for clients."""
