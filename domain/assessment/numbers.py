"""Numbers BNSP and LSPs give (ASM-7): blangko, registration, asesor and candidate numbers.

Their codification is not public, so their form is not interpreted; but a number is one number however it is
typed: case, full-width forms and runs of spaces are not part of it (``canonical_code``), and a look-alike letter
from another script is refused. So "met.000.001234 2019" and "ＭＥＴ.000.001234 2019" are asesor
MET.000.001234 2019, once.
"""

from __future__ import annotations

import re

from domain.text import canonical_code

# Letters, digits and the separators seen on printed forms.
NUMBER = re.compile(r"[A-Z0-9][A-Z0-9./ -]{0,38}[A-Z0-9]|[A-Z0-9]", re.ASCII)
# A candidate number is the LSP's own (an asesi's token names it): letters, digits and a few separators.
CANDIDATE_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9._@/-]{0,63}", re.ASCII)
MAX_NUMBERS_A_BATCH = 1000


def parse_number(value: object, field: str) -> str:
    """A blangko, registration or asesor number in its canonical form: upper-cased ASCII, spaces folded."""
    form = "a number of 1 to 40 ASCII letters, digits, '.', '/', '-' or spaces"
    return canonical_code(value, field=field, rule_id="ASM-7.number", form=form, pattern=NUMBER)


def parse_candidate_number(value: object, field: str, rule_id: str) -> str:
    """A candidate number in its canonical form: "asesi-0001", "ＡＳＥＳＩ-0001" and "ASESI-0001" are one
    candidate; "АSESI-0001" with a Cyrillic А is refused."""
    form = "a candidate number is 1 to 64 ASCII letters, digits, '.', '_', '@', '/' or '-'"
    return canonical_code(value, field=field, rule_id=rule_id, form=form, pattern=CANDIDATE_NUMBER)
