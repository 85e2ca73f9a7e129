"""Defect 11 (HTTP part): JSON nested 20,000 deep, a body that is not UTF-8, and a SIVIL form with more than 20
fields each answered HTTP 500. Each is now a 4xx with a clear message (the PDF-name part is tested with the PDF).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from infra.bootstrap import Container

ENDPOINTS = ["/graphql", "/sivil/graphql"]
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("depth", [20_000, 1_000, 40])
def test_json_nested_too_deep_is_a_400_naming_the_reason(http: TestClient, path: str, depth: int) -> None:
    body = b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * depth + b"]" * depth + b"}}"
    response = http.post(path, content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/json-too-deep" and "nested" in response.json()["detail"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_ordinary_nesting_still_passes(http: TestClient, path: str) -> None:
    body = b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 10 + b"]" * 10 + b"}}"
    assert http.post(path, content=body, headers=JSON).json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("path", ENDPOINTS)
def test_deep_variables_in_a_get_query_string_are_a_400(http: TestClient, path: str) -> None:
    response = http.get(path, params={"query": "{ __typename }", "variables": "[" * 5000 + "]" * 5000})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("raw", [b'{"query": "\xff\xfe"}', b'{"query": "{ __typename }", "x": "\xc3"}'])
def test_a_body_that_is_not_utf8_is_a_400(http: TestClient, path: str, raw: bytes) -> None:
    response = http.post(path, content=raw, headers=JSON)
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/invalid-json" and "UTF-8" in response.json()["detail"]


def test_a_sivil_form_with_too_many_fields_is_a_400_page_saying_so(http: TestClient) -> None:
    fields = "&".join(f"f{i}=1" for i in range(30))
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}  # a browser's
    response = http.post("/sivil", content=fields, headers=form)
    assert response.status_code == 400
    assert "text/html" in response.headers["content-type"]
    assert "more than 20 form fields" in response.text and "lebih dari 20 isian" in response.text


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("raw", [b'"x"', b"null", b"42", b"true"])
def test_a_json_body_that_is_not_an_object_is_a_400(http: TestClient, path: str, raw: bytes) -> None:
    """Found by the outside check: strawberry read ``.get`` of a bare JSON string or null and answered 500."""
    response = http.post(path, content=raw, headers=JSON)
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/invalid-request"
