"""Query arguments, parsed like command inputs: a bad one is a RuleViolation, never a database's error text."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from api.graphql.cost import Limits
from domain.errors import violation
from domain.registry.codes import ProdiCode

MAX_PAGE = Limits.max_page  # the cost limits refuse a larger page before resolving; this bound names the rule
PAGE_RULE = "API.page"  # not a PIN rule: how much one request may read


def optional_prodi(code: str | None) -> str | None:
    return None if code is None else ProdiCode.parse(code).value


def parse_id(value: str, field: str, rule_id: str) -> UUID:
    """An id this API returned: a UUID in its 36-character form."""
    text = value.strip()
    try:
        if len(text) == 36:
            return UUID(text)
    except ValueError:
        pass
    raise violation(rule_id, field, f"{field} is an id as this API returned it (a UUID)")


def optional_day(text: str | None) -> date | None:
    """A read model's ISO date, or None where it has none."""
    return date.fromisoformat(text) if text else None
