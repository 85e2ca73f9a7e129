"""What is mutated, and which fast tests judge each mutant.

Only rule code is mutated: event mutators (``@event``), ids, ``__str__`` and renames change no rule, so the
Python operators skip them. A new context adds its directory to ``CONTEXTS`` and its tests to ``CONTEXT_TESTS``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every module of a context that decides is a target, found rather than listed, so a new one is mutated from the
# day it lands; only these are left out, each with why.
CONTEXTS = (
    "domain/diploma",
    "domain/registry",
    "domain/submission",
    "domain/assessment",
    "domain/equivalency",
    "domain/sharing",
)
SHARED = ("domain/calendar.py", "domain/files.py")
NOT_RULES = {
    "domain/diploma/statement.py": "the signed statement's format: pinned byte for byte by the verifier tests",
}


def rule_modules() -> tuple[str, ...]:
    found = [p.relative_to(ROOT).as_posix() for c in CONTEXTS for p in sorted((ROOT / c).glob("*.py"))]
    return tuple(p for p in [*found, *SHARED] if p not in NOT_RULES and not p.endswith("__init__.py"))


RULE_MODULES = rule_modules()
RULESETS = (
    "domain/diploma/rulesets/318-B-HK-2019.json",
    "domain/diploma/rulesets/pisn-2021.json",
    "domain/equivalency/rules/country-rules.json",
    "domain/equivalency/rules/stamp-duty.json",
)
# Functions (by name) that hold no rule, in any target module.
SKIPPED_FUNCTIONS = frozenset({"create_id", "__str__", "rename", "stored", "parse_programme_name"})

# The fast tests: pure domain tests first (they kill most mutants in a second), then the SQLite side of
# the rule tests that go through the commands. PostgreSQL adds nothing to a rule and is deselected.
TESTS = (
    "tests/domain",
    "tests/application/test_pin_boundaries.py",
    "tests/application/test_pin_rules.py",
    "tests/application/test_annulment.py",
    "tests/application/test_registry_and_records.py",
)
# A context's own rule modules are judged by its own rule tests (a mutant elsewhere by TESTS above). Of these, a
# mutant runs only the tests that call the function it is in (recorded by mutation/calls.py in the unmutated run),
# quickest first; a mutant run at import time (a constant, a class body) runs them all.
CONTEXT_TESTS = {
    "domain/assessment/": ("tests/assessment",),
    "domain/equivalency/": ("tests/equivalency",),
    "domain/submission/": (
        "tests/submission/test_submission_domain.py",
        "tests/submission/test_working_days.py",
        "tests/submission/test_submission_rules.py",
    ),
    "domain/calendar.py": (
        "tests/domain/test_calendar.py",
        "tests/submission/test_working_days.py",
        "tests/assessment/test_working_hours.py",
        "tests/equivalency/test_application_domain.py",
        "tests/equivalency/test_application_refusals.py",
    ),
    "domain/sharing/": (
        "tests/sharing/test_share_domain.py",
        "tests/sharing/test_share_rules.py",
        "tests/sharing/test_certificate_and_sk_shares.py",
    ),
    "domain/files.py": (
        "tests/domain/test_files.py",
        "tests/submission/test_submission_domain.py",
        "tests/submission/test_file_store.py",
    ),
}


def tests_for(path: str) -> tuple[str, ...]:
    for prefix, tests in CONTEXT_TESTS.items():
        if path.startswith(prefix):
            return tests
    return TESTS


PYTEST_ARGS = (
    "-x",
    "-q",
    "-m",
    "not postgres",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:xdist",
    "--no-header",
    "-o",
    "addopts=",
)
