"""The issuers file of the tests: one of each kind the README shows (issue 29)."""

from __future__ import annotations

from typing import Any

UNIVERSITY = "001002"
OTHER_UNIVERSITY = "009999"
LSP = "LSP-0042"


def university_sso(issuer: str) -> dict[str, Any]:
    """A university's SSO: its own operators, students and PDDIKTI feed, for its own university only."""
    return {
        "issuer": issuer,
        "audience": "kredensial",
        "algorithms": ["RS256", "ES256"],
        "institutions": [UNIVERSITY],
        "mappings": [
            {
                "when": {"claim": "roles", "contains": "operator"},
                "role": "university_operator",
                "institution": {"claim": "university"},
                "id": {"claim": "sub"},
            },
            {
                "when": {"claim": "nim", "present": True},
                "role": "student",
                "institution": {"value": UNIVERSITY},
                "id": {"claim": "nim"},
            },
            {
                "when": {"claim": "client_id", "equals": "pddikti-feed"},
                "role": "pddikti_sync",
                "institution": {"value": UNIVERSITY},
                "id": {"claim": "client_id"},
            },
        ],
    }


def national_sso(issuer: str) -> dict[str, Any]:
    """The ministry's SSO and the applicant portal in one: national roles, an LSP's staff and applicants."""
    return {
        "issuer": issuer,
        "audience": "kredensial",
        "mappings": [
            {"when": {"claim": "roles", "contains": "dirjen"}, "role": "director_general"},
            {
                "when": {"claim": "roles", "contains": "lsp_certification"},
                "role": "kabag_sertifikasi",
                "institution": {"claim": "lsp"},
            },
            {"when": {"claim": "roles", "contains": "asesor"}, "role": "asesor", "id": {"claim": "asesor_number"}},
            {"when": {"claim": "scope", "contains": "applicant"}, "role": "applicant"},
        ],
    }


def issuers_file(*issuers: dict[str, Any]) -> dict[str, Any]:
    return {"issuers": list(issuers)}
