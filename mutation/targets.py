"""What is mutated, and which fast tests judge each mutant.

A new context adds its rule modules and rulesets here as it lands. Only rule code is listed: event
mutators (``@event``), ids, ``__str__`` and renames change no rule, so the Python operators skip them.
"""

from __future__ import annotations

RULE_MODULES = (
    "domain/diploma/ruleset.py",
    "domain/diploma/nina.py",
    "domain/diploma/damm.py",
    "domain/registry/period.py",
    "domain/registry/gpa.py",
    "domain/registry/codes.py",
    "domain/diploma/numbering.py",
    "domain/registry/record.py",
    "domain/diploma/diploma.py",
    "domain/diploma/annulment.py",
    "domain/registry/student.py",
    "domain/registry/programme.py",
    "domain/registry/accreditation.py",
    "domain/submission/catalog.py",
    "domain/submission/entry.py",
    "domain/submission/proposal.py",
    "domain/submission/claim.py",
    "domain/submission/calendar.py",
    "domain/calendar.py",
    "domain/submission/dpi.py",
    "domain/submission/submission.py",
    "domain/files.py",
    "domain/assessment/standards.py",
    "domain/assessment/licence.py",
    "domain/assessment/asesor.py",
    "domain/assessment/tuk.py",
    "domain/assessment/sop.py",
    "domain/assessment/assessment.py",
    "domain/assessment/blangko.py",
    "domain/assessment/certificate.py",
    "domain/assessment/people.py",
    "domain/equivalency/checklist.py",
    "domain/equivalency/stamp_duty.py",
    "domain/equivalency/unclaimed.py",
    "domain/equivalency/country_rules.py",
)
RULESETS = (
    "domain/diploma/rulesets/318-B-HK-2019.json",
    "domain/diploma/rulesets/pisn-2021.json",
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
# A context's own rule modules are judged by its own rule tests (a mutant elsewhere by TESTS above).
CONTEXT_TESTS = {
    "domain/assessment/": ("tests/assessment",),
    "domain/equivalency/": ("tests/equivalency",),
    "domain/submission/": (
        "tests/submission/test_submission_domain.py",
        "tests/submission/test_working_days.py",
        "tests/submission/test_submission_rules.py",
    ),
    "domain/calendar.py": ("tests/submission/test_working_days.py", "tests/assessment/test_working_hours.py"),
    "domain/files.py": ("tests/submission/test_submission_domain.py", "tests/submission/test_file_store.py"),
}


def tests_for(path: str) -> tuple[str, ...]:
    for prefix, tests in CONTEXT_TESTS.items():
        if path.startswith(prefix):
            return tests
    return TESTS


PYTEST_ARGS = ("-x", "-q", "-m", "not postgres", "-p", "no:cacheprovider", "--no-header", "-o", "addopts=")
