"""The HTTP edge: request ids recorded in events, bounded waits, bounded bodies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.http import MAX_BODY_BYTES, create_app, request_id
from infra.bootstrap import Container
from tests.api.test_graphql import ADMIN, OPERATOR


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services, on_startup=container.start_worker)) as client:
        yield client


REGISTER = 'mutation { registerUniversity(input: {code: "001002", name: "Universitas Contoh"}) { __typename } }'


def test_every_event_names_its_request_and_a_callers_id_is_kept_only_when_sane(
    http: TestClient, container: Container
) -> None:
    app = container.services.diploma.commands
    http.post(
        "/graphql", json={"query": REGISTER}, headers={"Authorization": f"Bearer {ADMIN}", "X-Request-ID": "abc-123"}
    )
    *_, first = app.recorder.select_notifications(start=1, limit=10)
    assert app.mapper.to_domain_event(first).cause.request_id == "client:abc-123"  # type: ignore[attr-defined]
    assert request_id("pddikti:forged\nline").startswith("http:")
    assert request_id("x" * 65).startswith("http:") and request_id(None).startswith("http:")


def test_a_query_refuses_a_position_the_log_has_not_reached(http: TestClient) -> None:
    body = http.post(
        "/graphql",
        json={"query": '{ diploma(universityCode: "001002", nim: "1", position: 999999) { ... on Diploma { nina } } }'},
        headers={"Authorization": f"Bearer {OPERATOR}"},
    ).json()
    assert body["errors"][0]["extensions"] == {"code": "NOT_YET_PROJECTED", "reason": "NOT_WRITTEN"}


def test_a_body_over_the_limit_is_refused_before_parsing(http: TestClient) -> None:
    response = http.post(
        "/sivil/graphql", content=b"{" + b" " * MAX_BODY_BYTES + b"}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
