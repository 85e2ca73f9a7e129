"""Issue 27, defect 9: a client's retry created duplicates: 20 identical ``openAssessment`` or
``registerEquivalencyApplication`` calls created 20 records. A creating command takes an ``Idempotency-Key`` header
(IDEM-1): the same caller's same key with the same input answers the first result, however many calls race; with
another input it is refused (``IDEM-1.reused``) and appends nothing; another caller's same key is their own.
Tested through a real ``kredensial serve`` process, on both stores.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import httpx

from api.auth import mint
from application.service import Service
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_processes import KREDENSIAL
from tests.assessment.lsp import CANDIDATE, LSP, SKEMA, Office
from tests.servers import free_port, process_env, served_process
from tests.world import World

CALLS = 20
OPEN = (
    "mutation($input: OpenAssessmentInput!) { openAssessment(input: $input) { __typename"
    " ... on AssessmentAccepted { position assessmentIds stage nextStep dueAt }"
    " ... on RuleViolation { ruleId field } } }"
)
REGISTER = (
    "mutation($input: EquivalencyApplicationInput!) { registerEquivalencyApplication(input: $input) { __typename"
    " ... on ApplicationAccepted { position registrationNumber status missing accessCode }"
    " ... on RuleViolation { ruleId field } } }"
)
ASSESSMENT = {
    "lspCode": LSP,
    "candidateNumber": CANDIDATE,
    "skemaCode": SKEMA,
    "assessedOn": "2027-03-01",
    "tukCode": "TUK-01",
}
FORM = {
    "fullName": "Rina Kusuma",
    "passportNumber": "C1234567",
    "country": "AU",
    "university": "The University of Melbourne",
    "programme": "Bachelor of Science",
    "level": "S1",
}


def ask(url: str, query: str, token: str, variables: dict[str, Any], key: str | None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
    response = httpx.post(url + "/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(next(iter(body["data"].values())))


def race(url: str, query: str, token: str, variables: dict[str, Any], key: str) -> list[dict[str, Any]]:
    with ThreadPoolExecutor(CALLS) as pool:
        return list(pool.map(lambda _: ask(url, query, token, variables, key), range(CALLS)))


def created(app: Service, after: int, event: str) -> int:
    """How many events of one class the log holds after a position."""
    notifications = app.recorder.select_notifications(start=after + 1, limit=10_000)
    return sum(1 for n in notifications if n.topic.endswith(event))


def head(app: Service) -> int:
    return app.recorder.max_notification_id() or 0


def test_IDEM_1_concurrent_openAssessment_with_one_key_opens_one_assessment(container: Container, world: World) -> None:
    Office(world).setup(
        licensed=(date(2024, 1, 1), date(2030, 12, 31)), registered=(date(2024, 1, 1), date(2030, 12, 31))
    )
    app = container.services.assessment.commands
    secret = container.settings.secret
    staff = mint(secret, subject="sertifikasi@lsp", role=Role.KABAG_SERTIFIKASI, institution=LSP)
    colleague = mint(secret, subject="sertifikasi-2@lsp", role=Role.KABAG_SERTIFIKASI, institution=LSP)
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], process_env(container), port) as url:
        before = head(app)
        answers = race(url, OPEN, staff, {"input": ASSESSMENT}, "retry-7f3a")
        assert answers[0]["__typename"] == "AssessmentAccepted", answers[0]
        assert all(a == answers[0] for a in answers), answers  # the first result, twenty times
        assert created(app, before, "Assessment.Opened") == 1

        refused_at = head(app)
        other = ask(url, OPEN, staff, {"input": {**ASSESSMENT, "assessedOn": "2027-03-02"}}, "retry-7f3a")
        assert (other["__typename"], other["ruleId"], other["field"]) == (
            "RuleViolation",
            "IDEM-1.reused",
            "Idempotency-Key",
        )
        assert head(app) == refused_at, "a refused command appended an event"

        theirs = ask(url, OPEN, colleague, {"input": ASSESSMENT}, "retry-7f3a")  # another person's key
        assert theirs["__typename"] == "AssessmentAccepted" and theirs["assessmentIds"] != answers[0]["assessmentIds"]
        assert ask(url, OPEN, staff, {"input": ASSESSMENT}, "retry-7f3a") == answers[0]  # later, still the first
        assert created(app, before, "Assessment.Opened") == 2
        bad = ask(url, OPEN, staff, {"input": ASSESSMENT}, "no spaces allowed")
        assert (bad["__typename"], bad["ruleId"], bad["field"]) == ("RuleViolation", "IDEM-1.key", "Idempotency-Key")


def test_IDEM_1_concurrent_registrations_with_one_key_register_one_application(container: Container) -> None:
    app = container.services.equivalency.commands
    secret = container.settings.secret
    rina = mint(secret, subject="akun-rina", role=Role.APPLICANT, institution=None)
    other = mint(secret, subject="akun-lain", role=Role.APPLICANT, institution=None)
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], process_env(container), port) as url:
        before = head(app)
        answers = race(url, REGISTER, rina, {"input": FORM}, "c0ffee-01")
        assert answers[0]["__typename"] == "ApplicationAccepted" and answers[0]["accessCode"], answers[0]
        assert all(a == answers[0] for a in answers), answers
        assert created(app, before, "EquivalencyApplication.Registered") == 1

        refused_at = head(app)
        changed = ask(url, REGISTER, rina, {"input": {**FORM, "programme": "Bachelor of Arts"}}, "c0ffee-01")
        assert (changed["__typename"], changed["ruleId"]) == ("RuleViolation", "IDEM-1.reused")
        assert head(app) == refused_at, "a refused command appended an event"

        theirs = ask(url, REGISTER, other, {"input": FORM}, "c0ffee-01")
        assert theirs["__typename"] == "ApplicationAccepted"
        assert theirs["registrationNumber"] != answers[0]["registrationNumber"]
        without_key = [ask(url, REGISTER, rina, {"input": FORM}, None) for _ in range(2)]  # no key: no promise
        assert len({a["registrationNumber"] for a in without_key}) == 2
        assert created(app, before, "EquivalencyApplication.Registered") == 4
