"""The domain imports only the standard library and eventsourcing.domain (STYLE.md, Layers); the API imports
no module that defines an aggregate or an event.

import-linter checks our own packages' layers; it cannot name a subpackage of an external one.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from pathlib import Path

from eventsourcing.domain import Aggregate, DomainEvent

DOMAIN = Path(__file__).resolve().parent.parent / "domain"


def imported_modules(path: Path, *, submodules: bool = False) -> set[str]:
    """The modules a file imports; with ``submodules``, ``from package import module`` names the module too."""
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if submodules:
                names.update(m for a in node.names if is_module(m := f"{node.module}.{a.name}"))
    return names


def is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent is not a package
        return False


# JCS (RFC 8785) is a format, not a framework: pure, no I/O; a proof must canonicalize exactly as verifiers
# elsewhere do, which is why it is a library and not our code (issue 13).
# Unicode's and ISO's reference data are the same kind of thing (issue 27, defect 8): ICU's TR39 confusable
# skeletons (``icu``, only in domain/lookalike.py) and ISO 3166 countries (``pycountry``, only in domain/countries.py).
PURE_FORMATS = {"rfc8785", "icu", "pycountry"}


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top in ("domain", *PURE_FORMATS) or module == "eventsourcing.domain"


def test_the_domain_imports_only_the_standard_library_and_eventsourcing_domain() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert files
    offending = {f"{p.relative_to(DOMAIN)}: {m}" for p in files for m in imported_modules(p) if not allowed(m)}
    assert not offending


API = DOMAIN.parent / "api"


def defines_aggregate_or_event(module_name: str) -> list[str]:
    """The aggregates and domain events a module defines itself (not the ones it imports)."""
    module = importlib.import_module(module_name)
    found = []
    for value in vars(module).values():
        if not isinstance(value, type) or value.__module__ != module_name:
            continue
        classes = [value, *(v for v in vars(value).values() if isinstance(v, type))]  # events nest in aggregates
        if any(issubclass(c, Aggregate | DomainEvent) for c in classes):
            found.append(value.__qualname__)
    return found


def test_the_api_imports_no_module_that_defines_an_aggregate_or_an_event() -> None:
    """Every context: the API reads read models and runs commands; aggregates and events stay behind them.

    import-linter's contract names today's aggregate modules; this finds a new one the day it is written.
    """
    files = sorted(API.rglob("*.py"))
    assert files
    offending = {
        f"{p.relative_to(API.parent)} imports {m}: {', '.join(names)}"
        for p in files
        for m in imported_modules(p, submodules=True)
        if m.split(".")[0] == "domain" and (names := defines_aggregate_or_event(m))
    }
    assert not offending, "\n".join(sorted(offending))
