"""An LSP's code as BNSP lists it (ASM-2), parsed once at the edge; apart from the licence aggregate, so that the
API may parse it too."""

from __future__ import annotations

import re

from domain.text import canonical_code

LSP_CODE = re.compile(r"[A-Z0-9][A-Z0-9./-]{0,39}", re.ASCII)  # as BNSP lists it (decided: upper-cased ASCII)


def parse_lsp_code(value: object, field: str = "lspCode") -> str:
    form = "an LSP code is 1 to 40 ASCII letters, digits, '.', '/' or '-'"
    return canonical_code(value, field=field, rule_id="ASM-2", form=form, pattern=LSP_CODE)
