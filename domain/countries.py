"""Countries by their ISO 3166-1 alpha-2 code, only as ISO has assigned them (EQV-1).

A code ISO never assigned (``XX``, ``ZZ``, the user-assigned ``AA``, ``QM``..``QZ``, ``XA``..``XZ``) or only
reserved (``UK``, ``EU``) names no country, so no country rule could ever read it. The list is pycountry's (its
ISO 3166 data, kept current by its maintainers) rather than our own copy.
"""

from __future__ import annotations

import re

import pycountry

from domain.errors import violation
from domain.text import canonical_code

ALPHA_2 = re.compile(r"[A-Z]{2}", re.ASCII)
ASSIGNED = frozenset(country.alpha_2 for country in pycountry.countries)


def parse_country(value: object, *, field: str = "country", rule_id: str = "EQV-1") -> str:
    """An officially assigned ISO 3166-1 alpha-2 code, upper-cased ("id" and "ＩＤ" are ID)."""
    form = "a country is its ISO 3166-1 two-letter code, such as ID or AU"
    code = canonical_code(value, field=field, rule_id=rule_id, form=form, pattern=ALPHA_2)
    if code not in ASSIGNED:
        raise violation(rule_id, field, f"{form}; ISO 3166-1 assigns no country the code {code}")
    return code
