"""Which of the project's modules import a given one, directly or through others, read from their import
statements (those inside functions too). The mutation worker keeps every other module imported between mutants:
importing the project's event classes is most of what a mutant's run would otherwise spend."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGES = ("domain", "application", "projections", "api", "infra")


def modules(tree: Path) -> dict[str, Path]:
    """Module name -> file, for the packages that the tests import (not the tests themselves)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for file in sorted((tree / package).rglob("*.py")):
            parts = file.relative_to(tree).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return found


def _imported(name: str, file: Path, known: dict[str, Path]) -> set[str]:
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from package import module`
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.partition(":")[0] in known:
            # A module named in a string is imported by name (domain.moved's topics, which infra.topics imports
            # when the transcoder loads): left loaded, it would judge the mutant against the unmutated module.
            found.add(node.value.partition(":")[0])
    # Importing a.b.c runs a and a.b first.
    return {".".join(m.split(".")[: i + 1]) for m in found for i in range(m.count(".") + 1)} & known.keys()


def importers(tree: Path, target: str) -> set[str]:
    """The modules that import ``target`` (a file's path in the tree), directly or not, and the target itself."""
    known = modules(tree)
    by = {name: _imported(name, file, known) for name, file in known.items()}
    parts = Path(target).with_suffix("").parts
    start = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    reached = {start}
    while True:
        more = {name for name, imports in by.items() if imports & reached} - reached
        if not more:
            return reached
        reached |= more


def independent(tree: Path, target: str) -> list[str]:
    """The modules that can stay imported while ``target`` is mutated; none for a data file (it is read by code
    whose import statements do not name it)."""
    if not target.endswith(".py"):
        return []
    return sorted(modules(tree).keys() - importers(tree, target))
