"""The order the suite's files start in: the heaviest first, so that the workers end together.

``./run test`` runs the files on three workers (pytest-xdist, ``--dist loadfile``), each taking the next file when it
runs out. xdist would order them by their number of tests, which sends a few long files (real servers, real
processes) to the end, where one worker runs them alone while the others wait. Started first, they are spread over
the workers, and the many short files fill in at the end.

The figures are seconds each file took in a run of the whole suite on this 2-core machine (2026-12-07); they only
order the run, so a file's drift or a new file (counted 0, after these) costs a little balance, never a test.
"""

from __future__ import annotations

import pytest

SECONDS = {
    "regressions/test_defect_14_readme.py": 127,
    "reliability/test_schema_fuzzing.py": 99,
    "scale/test_connection_budget.py": 52,
    "regressions/test_defect_05_verify_pdf.py": 50,
    "regressions/test_defect_12_typed_errors.py": 41,
    "application/test_lending_differential.py": 37,
    "sign_in/test_sign_in.py": 35,
    "reliability/test_properties.py": 34,
    "application/test_bulk_import.py": 31,
    "regressions/test_issue27_09_idempotency_keys.py": 30,
    "reliability/test_crashes.py": 30,
    "regressions/test_issue27_05_uploads.py": 30,
    "regressions/test_defect_01_inputs.py": 29,
    "regressions/test_issue27_01_files_by_digest.py": 29,
    "regressions/test_issue27_07_institutionless_tokens.py": 28,
    "install/test_defaults.py": 27,
    "regressions/test_defect_09_periods.py": 26,
    "regressions/test_defect_06_dropped_connections.py": 25,
    "api/test_pdf.py": 25,
    "api/test_documents.py": 24,
    "api/test_sivil_public.py": 24,
    "regressions/test_issue27_10_one_rebuild_at_a_time.py": 23,
    "regressions/test_defect_04_forwarded_for.py": 22,
    "application/test_parallel_import.py": 21,
    "sign_in/test_page_sign_in.py": 19,
    "api/test_graphql.py": 19,
    "install/test_readme_production.py": 19,
    "api/test_served_public_documents.py": 17,
    "regressions/test_issue27_02_asesor_number.py": 17,
    "audit/test_personal_data.py": 17,
    "oidc/test_served.py": 15,
    "api/test_pades_long_term.py": 15,
    "application/test_lending.py": 15,
    "application/test_pin_rules.py": 14,
    "regressions/test_issue27_08_identifiers.py": 14,
    "submission/test_api.py": 13,
    "api/test_graphql_annulment.py": 13,
    "audit/test_api.py": 13,
    "credentials/test_diploma_credentials.py": 13,
    "sharing/test_shares_served.py": 12,
    "audit/test_staff_reads.py": 12,
    "regressions/test_issue27_06_mail_retries.py": 11,
    "sharing/test_share_rules.py": 11,
    "api/test_viewer_served.py": 11,
    "assessment/test_sop_last_steps_and_review.py": 11,
    "regressions/test_issue27_03_hung_redis.py": 11,
    "regressions/test_defect_02_query_cost.py": 10,
    "api/test_processes.py": 10,
    "assessment/test_assessment_rules.py": 10,
    "regressions/test_issue27_10_erasure_while_running.py": 10,
    "submission/test_notifications.py": 9,
    "regressions/test_issue27_04_slow_bodies.py": 9,
    "api/test_authorization_table.py": 9,
    "projections/test_annulment_read_models.py": 9,
    "equivalency/test_api.py": 8,
    "projections/test_read_models.py": 8,
}


def heaviest_first(items: list[pytest.Item]) -> None:
    """Reorders ``items`` in place by their file's seconds, each file's tests kept in their order (a stable sort)."""
    items.sort(key=lambda item: -SECONDS.get(item.nodeid.split("::")[0].removeprefix("tests/"), 0))
