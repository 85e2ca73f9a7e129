"""The request path of a GraphQL POST (issue 35, item 1): a document is parsed and validated once per text, the
list budget still counts every request's variables, POSTs reach strawberry's view past FastAPI's routing with the
same answers, and a store away while signing in is a 503 there too."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient

from api.auth import SignIn
from api.graphql import cost
from api.graphql.transport import MAX_JSON_DEPTH, Posts, RequestRefused, decode_request_json
from api.http import create_app
from api.request_ids import request_id
from infra.bootstrap import Container
from tests.api.test_graphql import OPERATOR

PAGED = 'diplomas(universityCode: "001002", first: $n) { ... on DiplomaConnection { totalCount } }'


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def post(http: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = http.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {OPERATOR}"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def fresh(document: str) -> str:
    """The document with a comment of its own, so that no earlier test's request has it cached."""
    return f"# {uuid.uuid4()}\n{document}"


def test_a_document_is_parsed_and_validated_once_for_its_text(
    http: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed, validated = [], []
    parse, validate = cost.parse, cost.validate_document
    monkeypatch.setattr(cost, "parse", lambda *a, **kw: parsed.append(a) or parse(*a, **kw))
    monkeypatch.setattr(cost, "validate_document", lambda *a: validated.append(a) or validate(*a))
    query = fresh("query($n: Int) { a: " + PAGED + " }")
    for _ in range(3):
        assert "errors" not in post(http, query, n=10)
    assert (len(parsed), len(validated)) == (1, 1)


def test_a_document_refused_by_validation_is_refused_again_from_the_cache(http: TestClient) -> None:
    query = fresh(PAGED.replace("$n", "10").join(["{ a: ", " b { c } }"]))
    first, second = post(http, query), post(http, query)
    assert first == second and first["errors"] and first.get("data") is None


def test_the_list_budget_counts_each_requests_variables_for_the_same_document(http: TestClient) -> None:
    query = fresh("query($n: Int) { a: " + PAGED + " b: " + PAGED + " c: " + PAGED + " }")
    assert "errors" not in post(http, query, n=300)  # 900 rows in all
    refused = post(http, query, n=400)  # 1,200
    assert refused.get("data") is None and refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert "errors" not in post(http, query, n=300)


def test_an_operation_that_reaches_no_list_field_is_walked_for_the_budget_once(
    http: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[str | None] = []
    original = cost._Walk.operation
    monkeypatch.setattr(cost._Walk, "operation", lambda self, name: walks.append(name) or original(self, name))
    query = fresh('query One { diploma(universityCode: "001002", nim: "1") { __typename } }')
    paged = fresh("query Two($n: Int) { a: " + PAGED + " }")
    for _ in range(3):
        post(http, query)
        post(http, paged, n=5)
    assert walks == ["One", "Two", "Two", "Two"]


def test_posts_to_graphql_go_past_the_router_and_every_other_request_reaches_it(http: TestClient) -> None:
    assert post(http, "{ __typename }") == {"data": {"__typename": "Query"}}
    assert "graphiql" in http.get("/graphql", headers={"Accept": "text/html"}).text.lower()
    assert http.get("/graphql/schema.graphql").text.startswith(("type ", "schema", '"""', "directive", "input", "enum"))
    refused = http.post("/graphql", content=b"{", headers={"Content-Type": "application/json"})
    assert refused.status_code == 400 and refused.json()["type"] == "/problems/invalid-json"
    unknown = http.post("/graphql", content=b"x", headers={"Content-Type": "text/plain"})
    assert unknown.status_code == 400 and unknown.headers["content-type"] == "application/problem+json"


def test_posts_routes_only_a_post_to_an_endpoints_exact_path() -> None:
    seen: list[str] = []

    def app(name: str) -> Any:
        async def called(scope: Any, receive: Any, send: Any) -> None:
            seen.append(name)

        return called

    posts = Posts(app("app"), endpoints={"/graphql": app("endpoint")})
    for method, path in [("POST", "/graphql"), ("GET", "/graphql"), ("POST", "/graphql/"), ("POST", "/sivil/graphql")]:
        asyncio.run(posts({"type": "http", "method": method, "path": path}, None, None))  # type: ignore[arg-type]
    assert seen == ["endpoint", "app", "app", "app"]


def test_a_store_away_while_signing_in_answers_503_with_retry_after(
    http: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def away(self: SignIn, authorization: str | None) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(SignIn, "actor_async", away)
    response = http.post("/graphql", json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {OPERATOR}"})
    assert response.status_code == 503 and response.headers["retry-after"]
    assert response.json()["type"] == "/problems/unavailable"


@pytest.mark.parametrize("text", [False, True])
def test_request_json_is_refused_from_one_level_past_the_limit_whether_or_not_it_is_walked(text: bool) -> None:
    def body(depth: int, padding: str = "") -> str | bytes:
        wrapped = "[" * (depth - 1) + "1" + "]" * (depth - 1)
        raw = f'{{"query": "{padding}q", "x": {wrapped}}}'
        return raw if text else raw.encode()

    assert decode_request_json(body(MAX_JSON_DEPTH))  # the object and 31 lists: 32 brackets, not walked
    assert decode_request_json(body(MAX_JSON_DEPTH, padding="{[" * 40))  # walked: brackets in strings do not nest
    with pytest.raises(RequestRefused) as refused:
        decode_request_json(body(MAX_JSON_DEPTH + 1))
    assert refused.value.error == "json-too-deep"


def test_a_request_without_an_id_of_its_own_gets_a_random_uuid4() -> None:
    ids = {request_id(None) for _ in range(1000)} | {request_id("not an id!")}
    assert len(ids) == 1001
    for given in ids:
        assert given.startswith("http:")
        parsed = uuid.UUID(given.removeprefix("http:"))
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == given[5:]
    assert request_id("abc-1") == "client:abc-1"


@pytest.mark.parametrize("camel", [True, False])
def test_the_schemas_names_are_strawberrys_worked_out_once(camel: bool) -> None:
    from strawberry.schema.name_converter import NameConverter

    from api.graphql.transport import Names

    names, strawberry_s = Names(camel), NameConverter(camel)
    for name in ["university_code", "nim", "a__b", "_private", "trailing_", "x_1_y", "already_camelCase"]:
        assert (
            names.apply_naming_config(name) == names.apply_naming_config(name) == strawberry_s.apply_naming_config(name)
        )
    names.auto_camel_case = not camel  # as StrawberryConfig(auto_camel_case=...) sets it after
    assert names.apply_naming_config("university_code") == NameConverter(not camel).apply_naming_config(
        "university_code"
    )


def test_an_answered_request_is_freed_at_once_not_left_to_the_collector(http: TestClient) -> None:
    """graphql-core's executor is a reference cycle holding the context; the request it held is let go."""
    import gc

    from starlette.requests import Request

    post(http, "{ __typename }")  # warm
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        post(http, "{ __typename }")
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, Request)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []


def test_a_forked_child_draws_request_ids_of_its_own() -> None:
    request_id(None)  # the parent holds ids read ahead
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's
        os.write(writing, request_id(None).encode())
        os._exit(0)
    os.waitpid(child, 0)
    os.close(writing)
    from_child = os.read(reading, 100).decode()
    os.close(reading)
    assert from_child != request_id(None)
    assert uuid.UUID(from_child.removeprefix("http:")).version == 4
