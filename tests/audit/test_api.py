"""The auditors' GraphQL queries and command line (issue 12, items 1 and 3): ``history`` and ``asOf`` for auditors
and legal staff only, refusals typed; ``kredensial audit history | as-of | verify | checkpoint``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from domain.diploma.diploma import Diploma
from domain.registry.student import Student
from infra.bootstrap import Container
from infra.main import cli
from tests.api.test_graphql import SECRET, Client
from tests.world import UNIVERSITY, World

AUDITOR = mint(SECRET, subject="bpk-1", role=Role.AUDITOR, institution=None)
LEGAL = mint(SECRET, subject="hukum-b", role=Role.LEGAL_STAFF, institution=None)
OPERATOR = mint(SECRET, subject="op-1", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
STUDENT = mint(SECRET, subject="2020001", role=Role.STUDENT, institution=UNIVERSITY)

HISTORY = (
    "query($id: String!, $first: Int) { history(aggregateId: $id, first: $first) { __typename"
    " ... on AuditHistory { context type version totalCount pageInfo { hasNextPage endCursor }"
    " edges { node { position version type at requestId reason ruleIds"
    " ruleset inputs payload actor { id role institution } } } }"
    " ... on NotAuthorized { message } ... on RuleViolation { ruleId field } } }"
)
HISTORY_AFTER = (
    "query($id: String!, $after: String) { history(aggregateId: $id, first: 2, after: $after) { __typename"
    " ... on AuditHistory { edges { node { version } } } } }"
)
AS_OF = (
    "query($id: String!, $v: Int, $at: DateTime) { asOf(aggregateId: $id, version: $v, at: $at) { __typename"
    " ... on AuditState { version at asked state } ... on NotAuthorized { message }"
    " ... on RuleViolation { ruleId field } } }"
)


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    with TestClient(create_app(container.services)) as http:
        yield Client(http)


@pytest.fixture
def student_id(world: World) -> str:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    return str(Student.create_id(UNIVERSITY, "2020001"))


@pytest.mark.parametrize("token", [AUDITOR, LEGAL])
def test_auditors_and_legal_staff_read_history_and_past_state(client: Client, student_id: str, token: str) -> None:
    body = client.gql(HISTORY, token, id=student_id, first=3)
    history = body["data"]["history"]
    assert history["__typename"] == "AuditHistory" and history["context"] == "diplomas", body
    events = [edge["node"] for edge in history["edges"]]
    assert history["version"] == history["totalCount"] == 9 and [e["version"] for e in events] == [1, 2, 3]
    assert history["pageInfo"]["hasNextPage"]
    following = client.gql(HISTORY_AFTER, token, id=student_id, after=history["pageInfo"]["endCursor"])
    assert [e["node"]["version"] for e in following["data"]["history"]["edges"]] == [4, 5]  # a page after the last
    registered = events[0]
    assert registered["actor"]["role"] == "university_operator" and registered["requestId"] == "req-test"
    assert registered["payload"]["personal"] == {"sealed": "personal data"}  # never the name or NIK
    assert "Siti" not in json.dumps(body)
    state = client.gql(AS_OF, token, id=student_id, v=2)["data"]["asOf"]
    assert state["__typename"] == "AuditState" and state["version"] == 2 and state["asked"] == "version 2"


@pytest.mark.parametrize("token", [OPERATOR, STUDENT, None])
def test_everyone_else_is_refused_and_learns_nothing(client: Client, student_id: str, token: str | None) -> None:
    assert client.gql(HISTORY, token, id=student_id)["data"]["history"]["__typename"] == "NotAuthorized"
    assert client.gql(AS_OF, token, id=student_id, v=1)["data"]["asOf"]["__typename"] == "NotAuthorized"


def test_bad_arguments_are_typed_refusals_and_unknown_ids_are_null(client: Client, student_id: str) -> None:
    refused = client.gql(HISTORY, AUDITOR, id="not-a-uuid")["data"]["history"]
    assert refused == {"__typename": "RuleViolation", "ruleId": "API.audit", "field": "aggregateId"}
    assert client.gql(HISTORY, AUDITOR, id=student_id, first=0)["data"]["history"]["__typename"] == "RuleViolation"
    both = client.gql(AS_OF, AUDITOR, id=student_id, v=1, at="2026-01-01T00:00:00+07:00")["data"]["asOf"]
    assert both["__typename"] == "RuleViolation"
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.gql(HISTORY, AUDITOR, id=unknown)["data"]["history"] is None


def test_the_command_line_prints_history_state_and_verifies_the_chain(world: World, container: Container) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    student = str(Student.create_id(UNIVERSITY, "2020001"))
    runner = CliRunner()
    app = cli(lambda: container_like(container), serve_settings=lambda: ("127.0.0.1", 0, False))

    shown = runner.invoke(app, ["audit", "history", student])
    assert shown.exit_code == 0, shown.output
    assert "Student" in shown.output and "request=req-test" in shown.output
    past = runner.invoke(app, ["audit", "as-of", student, "--version", "1"])
    assert past.exit_code == 0 and json.loads(past.output)["version"] == 1
    signed = runner.invoke(app, ["audit", "checkpoint"])
    assert signed.exit_code == 0 and {c["log"] for c in json.loads(signed.output)} == {"diplomas", "credentials"}
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "diplomas: intact" in verified.output, verified.output
    refused = runner.invoke(app, ["audit", "history", "nonsense"])
    assert refused.exit_code == 2


class _Kept:
    """The test's container, which the command line must not close: the fixture does."""

    def __init__(self, container: Container) -> None:
        self.services = container.services

    def start_worker(self) -> None:
        pass

    def close(self) -> None:
        pass


def container_like(container: Container) -> _Kept:
    return _Kept(container)


def test_verify_exits_1_and_names_the_position_when_the_log_was_tampered(
    world: World, container: Container, tmp_path: Path
) -> None:
    world.university()
    world.programme()
    container.services.audit.chain.catch_up()
    with container.services.worker.store.transaction() as tx:  # a forged link stands in for an edited event
        tx.execute("UPDATE audit_chain SET event_hash = :h WHERE position = 2", {"h": "00" * 32})
    app = cli(lambda: container_like(container), serve_settings=lambda: ("127.0.0.1", 0, False))
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "first at position 2" in result.output, result.output


REPLAY = (
    "query($d: String!, $r: String!) { replayDecision(decisionId: $d, rulesetId: $r) { __typename"
    " ... on ReplayedDecisionView { type recordedRuleset replayedRuleset recordedOutcome replayedOutcome reproduced"
    " differs rules { ruleId recorded replayed differs } } ... on NotAuthorized { message }"
    " ... on RuleViolation { ruleId field } } }"
)


def test_legal_staff_replay_a_decision_named_in_its_history(client: Client, world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    diploma = str(Diploma.create_id(UNIVERSITY, "2020001"))
    events = [e["node"] for e in client.gql(HISTORY, LEGAL, id=diploma, first=5)["data"]["history"]["edges"]]
    decision = client.gql(
        "query($id: String!) { history(aggregateId: $id) { ... on AuditHistory { edges { node { decisionId } } } } }",
        LEGAL,
        id=diploma,
    )["data"]["history"]["edges"][0]["node"]["decisionId"]
    assert events[0]["ruleset"] == "PISN-2021" and decision == f"{diploma}/1"
    body = client.gql(REPLAY, LEGAL, d=decision, r="318/B/HK/2019")["data"]["replayDecision"]
    assert body["__typename"] == "ReplayedDecisionView" and body["reproduced"] and body["differs"], body
    assert {"ruleId": "PIN-8.identity_number", "recorded": "pass", "replayed": None, "differs": True} in body["rules"]
    refused = client.gql(REPLAY, OPERATOR, d=decision, r="318/B/HK/2019")["data"]["replayDecision"]
    assert refused["__typename"] == "NotAuthorized"
    malformed = client.gql(REPLAY, LEGAL, d="nonsense", r="318/B/HK/2019")["data"]["replayDecision"]
    assert malformed == {"__typename": "RuleViolation", "ruleId": "API.audit", "field": "decisionId"}


ELIGIBILITY = (
    'query($on: Date) { ninaEligibility(universityCode: "001002", nim: "2020001", on: $on) { __typename'
    " ... on NinaEligibility { recordsAsOf reservation { rulesetId allowed failures { ruleId } } } } }"
)


def test_nina_eligibility_on_a_past_day_reads_the_records_as_they_stood_that_day(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events are stamped by the test's clock here, as they are by the real one in service."""
    monkeypatch.setattr("eventsourcing.domain.datetime_now_with_tzinfo", world.clock)
    world.clock.now = datetime(2024, 1, 10, 3, 0, tzinfo=UTC)
    world.university()
    world.programme()
    world.student("2020001")
    world.semesters("2020001", 4)  # 80 sks passed: too few to reserve (PIN-2.sks)
    world.clock.now = datetime(2024, 8, 1, 3, 0, tzinfo=UTC)
    world.semesters("2020001", 8)  # now 160
    world.project()

    then = client.gql(ELIGIBILITY, OPERATOR, on="2024-01-15")["data"]["ninaEligibility"]
    assert then["recordsAsOf"] == "2024-01-16T00:00:00+07:00"  # the end of that day in Jakarta
    assert not then["reservation"]["allowed"] and {"ruleId": "PIN-2.sks"} in then["reservation"]["failures"]
    now = client.gql(ELIGIBILITY, OPERATOR, on=None)["data"]["ninaEligibility"]
    assert now["recordsAsOf"] is None and now["reservation"]["allowed"], now
    before = client.gql(ELIGIBILITY, OPERATOR, on="2024-01-09")["data"]["ninaEligibility"]
    assert before is None  # not registered yet
    # The student reads their own (issue 32); another student is refused as a union member.
    assert client.gql(ELIGIBILITY, STUDENT, on="2024-01-15")["data"]["ninaEligibility"] == then
    other = mint(SECRET, subject="2020002", role=Role.STUDENT, institution=UNIVERSITY)
    assert client.gql(ELIGIBILITY, other, on="2024-01-15")["data"]["ninaEligibility"] == {"__typename": "NotAuthorized"}
