"""The domain imports only the standard library and eventsourcing.domain (STYLE.md, Layers).

import-linter checks our own packages' layers; it cannot name a subpackage of an external one.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "domain"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top == "domain" or module == "eventsourcing.domain"


def test_the_domain_imports_only_the_standard_library_and_eventsourcing_domain() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert files
    offending = {f"{p.relative_to(DOMAIN)}: {m}" for p in files for m in imported_modules(p) if not allowed(m)}
    assert not offending
