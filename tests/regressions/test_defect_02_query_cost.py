"""Defect 2: anyone could freeze the API with one document (2,500 aliases without a token, one traceback each;
400 aliases of ``diplomas(first: 500)``). Both schemas now refuse costly documents before any resolver runs and
log a refusal once per request. PIN-6: the public SIVIL schema has the same limits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql.language.lexer import Lexer

from api.graphql.schema import LIMITS
from api.http import create_app
from infra.bootstrap import Container
from tests.api.test_graphql import OPERATOR

STAFF_FIELD = 'diploma(universityCode: "001002", nim: "1") { ... on Diploma { nina } }'


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


@pytest.fixture
def register_calls(container: Container, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Counts reads of the staff register: a refused document must never reach it."""
    calls: list[Any] = []
    numbering = container.services.diploma.numbering
    original = numbering.register
    monkeypatch.setattr(numbering, "register", lambda *a, **kw: calls.append(kw) or original(*a, **kw))
    return calls


def post(http: TestClient, path: str, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = http.post(path, json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def aliased(field: str, count: int) -> str:
    return "{ " + " ".join(f"a{i}: {field}" for i in range(count)) + " }"


def test_2500_aliases_without_a_token_are_refused_at_once_and_logged_in_one_line(
    http: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "At once" as a count, not a clock: the lexer stops at the token limit (2,000) of a document of ~42,000 tokens.
    read = Lexer.read_next_token
    tokens: list[None] = []
    monkeypatch.setattr(Lexer, "read_next_token", lambda lexer, *a: tokens.append(None) or read(lexer, *a))
    caplog.set_level(logging.DEBUG)
    body = post(http, "/graphql", aliased(STAFF_FIELD, 2500))
    assert len(tokens) <= LIMITS.max_tokens + 1
    assert body.get("data") is None
    assert any("token" in e["message"].lower() for e in body["errors"])  # the token limit stops the parser
    records = [r for r in caplog.records if r.name.startswith(("strawberry", "kredensial"))]
    assert len(records) == 1 and records[0].exc_info is None


def test_the_public_sivil_schema_refuses_an_alias_bomb_before_issuing_a_single_challenge(
    http: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = post(http, "/sivil/graphql", aliased("challenge { token }", 11))
    assert body.get("data") is None and "aliases" in body["errors"][0]["message"]
    assert len([r for r in caplog.records if r.name.startswith(("strawberry", "kredensial"))]) == 1


def test_a_document_over_the_alias_limit_is_refused_whole_before_resolving(
    http: TestClient, register_calls: list[Any]
) -> None:
    field = 'diplomas(universityCode: "001002", first: 10) { ... on DiplomaConnection { edges { node { nina } } } }'
    body = post(http, "/graphql", aliased(field, 21), OPERATOR)
    assert body.get("data") is None and "aliases" in body["errors"][0]["message"]
    assert register_calls == []


PAGE_RESULT = "{ __typename ... on RuleViolation { ruleId field } }"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ diplomas(universityCode: "001002", first: 501) ' + PAGE_RESULT + " }", {}),
        ('query($n: Int!) { diplomas(universityCode: "001002", first: $n) ' + PAGE_RESULT + " }", {"n": 100_000}),
        ('query($n: Int! = 600) { diplomas(universityCode: "001002", first: $n) ' + PAGE_RESULT + " }", {}),
        ('{ diplomas(universityCode: "001002", first: 0) ' + PAGE_RESULT + " }", {}),
    ],
)
def test_a_page_over_the_limit_is_refused_as_data_like_an_empty_page_before_reading(
    http: TestClient, register_calls: list[Any], query: str, variables: dict[str, Any]
) -> None:
    """One page limit, answered one way (issue 32): first is 1-500, and 0 or 501 is the field's RuleViolation."""
    body = post(http, "/graphql", query, OPERATOR, **variables)
    assert body == {"data": {"diplomas": {"__typename": "RuleViolation", "ruleId": "API.page", "field": "first"}}}
    assert register_calls == []


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (
            aliased(
                'diplomas(universityCode: "001002", first: 400) { ... on DiplomaConnection { totalCount } }',
                3,
            ),
            {},
        ),  # 1,200 rows in all
        (
            aliased('diplomas(universityCode: "001002") { ... on DiplomaConnection { edges { node { nina } } } }', 11),
            {},
        ),  # the default page of 100, 11 times
    ],
)
def test_list_sizes_are_bounded_per_request_before_resolving(
    http: TestClient, register_calls: list[Any], query: str, variables: dict[str, Any]
) -> None:
    body = post(http, "/graphql", query, OPERATOR, **variables)
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert register_calls == []


def test_pages_within_the_limits_are_answered(http: TestClient, register_calls: list[Any]) -> None:
    body = post(
        http,
        "/graphql",
        aliased(
            'diplomas(universityCode: "001002", first: 500) { ... on DiplomaConnection { edges { node { nina } } } }', 2
        ),
        OPERATOR,
    )
    assert body == {"data": {"a0": {"edges": []}, "a1": {"edges": []}}}
    assert len(register_calls) == 2


def test_depth_and_operation_count_are_bounded_on_both_endpoints(http: TestClient) -> None:
    too_deep = "{ " + "a { " * 10 + "b" + " }" * 10 + " }"
    operations = " ".join(f"query q{i} {{ __typename }}" for i in range(6))
    for path in ("/graphql", "/sivil/graphql"):
        refused = http.post(path, json={"query": too_deep}).json()
        assert refused.get("data") is None
        assert any("depth" in e["message"] for e in refused["errors"])
        refused = http.post(path, json={"query": operations, "operationName": "q0"}).json()
        assert refused.get("data") is None and "operations" in refused["errors"][0]["message"]


def test_graphiqls_introspection_still_passes_the_limits(http: TestClient) -> None:
    from graphql import get_introspection_query

    for path in ("/graphql", "/sivil/graphql"):
        body = post(http, path, get_introspection_query(descriptions=True))
        assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_per_field_refusals_log_one_line_without_tracebacks(http: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # Under the limits, each field waits for a position never written: an error per field (a refusal of the caller
    # is a union member since issue 32, and logs nothing).
    field = 'diploma(universityCode: "001002", nim: "1", position: 999999) { ... on Diploma { nina } }'
    body = post(http, "/graphql", aliased(field, 15), OPERATOR)
    assert len(body["errors"]) == 15
    records = [r for r in caplog.records if r.name.startswith(("strawberry", "kredensial"))]
    assert len(records) == 1 and records[0].exc_info is None
