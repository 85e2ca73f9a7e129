"""Every error outside GraphQL is an RFC 9457 problem detail (issue 32): the walk finds every route of the real app
and sends each a bad request (wrong parameters, no token, a method it does not answer); each answer is
``application/problem+json`` with ``type``, ``title``, ``status`` and ``detail``, ``rule`` and ``field`` where a rule
refused it, and the status code each route gave before. A route added without a bad request here fails the walk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import WebSocketRoute

from api.http import MAX_BODY_BYTES, create_app
from infra.bootstrap import Container

PROBLEM = "application/problem+json"
DIGEST = "ab" * 32
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


class Bad(NamedTuple):
    method: str
    url: str
    status: int
    kind: str
    body: bytes | None = None
    headers: dict[str, str] | None = None


# (method, route path) -> a bad request to it and the answer it gives.
BAD: dict[tuple[str, str], Bad] = {
    ("GET", "/openapi.json"): Bad("POST", "/openapi.json", 405, "method-not-allowed"),
    ("GET", "/docs"): Bad("POST", "/docs", 405, "method-not-allowed"),
    ("GET", "/problems/{kind}"): Bad("GET", "/problems/no-such-kind", 404, "not-found"),
    ("GET", "/"): Bad("POST", "/", 405, "method-not-allowed"),
    ("GET", "/health"): Bad("POST", "/health", 405, "method-not-allowed"),
    ("GET", "/.well-known/sivil-keys.json"): Bad("POST", "/.well-known/sivil-keys.json", 405, "method-not-allowed"),
    ("GET", "/.well-known/kredensial-root.pem"): Bad(
        "PUT", "/.well-known/kredensial-root.pem", 405, "method-not-allowed"
    ),
    ("GET", "/audit/checkpoints"): Bad("GET", "/audit/checkpoints?after=soon", 422, "invalid-request"),
    ("GET", "/static/graphiql/{name:path}"): Bad("GET", "/static/graphiql/../http.py", 404, "not-found"),
    ("GET", "/static/swagger-ui/{name:path}"): Bad("GET", "/static/swagger-ui/README.md", 404, "not-found"),
    # The GraphQL endpoints: what strawberry or our transport refuses before any GraphQL is read.
    ("GET", "/graphql"): Bad("GET", "/graphql", 400, "invalid-request", headers={"Accept": "application/json"}),
    ("POST", "/graphql"): Bad("POST", "/graphql", 400, "invalid-json", b"{not json", JSON),
    ("GET", "/graphql/schema.graphql"): Bad("POST", "/graphql/schema.graphql", 405, "method-not-allowed"),
    ("GET", "/sivil/graphql"): Bad(
        "GET", "/sivil/graphql", 400, "invalid-request", headers={"Accept": "application/json"}
    ),
    ("POST", "/sivil/graphql"): Bad("POST", "/sivil/graphql", 400, "invalid-request", b'"x"', JSON),
    ("GET", "/sivil/graphql/schema.graphql"): Bad("PUT", "/sivil/graphql/schema.graphql", 405, "method-not-allowed"),
    ("GET", "/sertifikat/graphql"): Bad(
        "GET", "/sertifikat/graphql?variables=[", 400, "invalid-json", headers={"Accept": "application/json"}
    ),
    ("POST", "/sertifikat/graphql"): Bad(
        "POST", "/sertifikat/graphql", 400, "json-too-deep", b"[" * 40 + b"]" * 40, JSON
    ),
    ("GET", "/sertifikat/graphql/schema.graphql"): Bad(
        "DELETE", "/sertifikat/graphql/schema.graphql", 405, "method-not-allowed"
    ),
    # SIVIL, for programs (a browser asking for text/html gets the page instead).
    ("GET", "/sivil"): Bad("PATCH", "/sivil", 405, "method-not-allowed"),
    ("POST", "/sivil"): Bad(
        "POST", "/sivil", 400, "invalid-request", "&".join(f"f{i}=1" for i in range(30)).encode(), FORM
    ),
    ("GET", "/sivil/pdf"): Bad("GET", "/sivil/pdf?token=forged", 403, "rule-violation"),
    ("GET", "/sivil/credential"): Bad("GET", "/sivil/credential?token=forged", 403, "rule-violation"),
    ("GET", "/sivil/credential/verify"): Bad(
        "GET", "/sivil/credential/verify?vc=garbage", 400, "credential-in-address"
    ),
    ("POST", "/sivil/credential/verify"): Bad(
        "POST", "/sivil/credential/verify", 400, "invalid-request", b"vc=x", FORM
    ),
    ("GET", "/sivil/status"): Bad("GET", "/sivil/status?statement=forged", 403, "statement-rejected"),
    # Files and documents: no token.
    ("POST", "/files"): Bad("POST", "/files", 401, "not-authorized", b"%PDF-1.4\n"),
    ("GET", "/files/{sha256}"): Bad("GET", f"/files/{DIGEST}", 401, "not-authorized"),
    ("GET", "/equivalency/{registration_number}/sk.pdf"): Bad(
        "GET", "/equivalency/PI-2026-000001/sk.pdf", 401, "not-authorized"
    ),
    ("GET", "/equivalency/{registration_number}/sk.json"): Bad(
        "GET", "/equivalency/PI-2026-000001/sk.json", 401, "not-authorized"
    ),
    ("GET", "/sertifikat/{registration_number}/credential.json"): Bad(
        "GET", "/sertifikat/1/credential.json", 401, "not-authorized"
    ),
    ("GET", "/personal-data.pdf"): Bad("GET", "/personal-data.pdf?nim=1", 403, "not-authorized"),
    ("GET", "/equivalency/sk-status"): Bad(
        "GET", "/equivalency/sk-status?registration=PI-2026-000001", 422, "invalid-request"
    ),
    ("GET", "/dpi/{university_code}/{nim}.pdf"): Bad("GET", "/dpi/001002/2022001.pdf", 401, "not-authorized"),
    ("GET", "/dpi/{university_code}/{nim}/credential.json"): Bad(
        "GET", "/dpi/001002/2022001/credential.json", 401, "not-authorized"
    ),
    ("GET", "/sertifikat/{registration_number}/certificate.pdf"): Bad(
        "GET", "/sertifikat/1/certificate.pdf", 401, "not-authorized"
    ),
    ("GET", "/assessments/{assessment_id}/bk-letter.pdf"): Bad(
        "GET", "/assessments/00000000-0000-0000-0000-000000000000/bk-letter.pdf", 401, "not-authorized"
    ),
    ("GET", "/equivalency/{registration_number}/replacement.pdf"): Bad(
        "GET", "/equivalency/PI-2026-000001/replacement.pdf", 401, "not-authorized"
    ),
    # Signing in to the pages (issue 29): an address elsewhere as next, a callback of no sign-in.
    ("GET", "/signin"): Bad("GET", "/signin?next=//evil.example", 400, "rule-violation"),
    ("GET", "/signin/callback"): Bad("GET", "/signin/callback?code=x&state=y", 400, "invalid-request"),
    ("GET", "/signout"): Bad("POST", "/signout", 405, "method-not-allowed"),
    ("GET", "/me"): Bad("POST", "/me", 405, "method-not-allowed"),
    # Open credentials: public documents, refused parameters.
    ("GET", "/did.json"): Bad("POST", "/did.json", 405, "method-not-allowed"),
    ("GET", "/.well-known/did.json"): Bad("POST", "/.well-known/did.json", 405, "method-not-allowed"),
    ("GET", "/credentials/v1"): Bad("DELETE", "/credentials/v1", 405, "method-not-allowed"),
    ("GET", "/credentials/status/{kind}/{purpose}/{number}"): Bad(
        "GET", "/credentials/status/car/revocation/0", 400, "rule-violation"
    ),
    ("GET", "/credentials/status/{kind}/annulment/{number}/{index}"): Bad(
        "GET", "/credentials/status/diploma/annulment/0/-1", 400, "rule-violation"
    ),
    # Sharing (issue 34): the share pages answer a person with a page (a wrong code, an ended share: SHR-7, SHR-9);
    # a method they do not take is a problem like any other route's.
    ("GET", "/s"): Bad("PUT", "/s", 405, "method-not-allowed"),
    ("POST", "/s"): Bad("DELETE", "/s", 405, "method-not-allowed"),
    ("POST", "/s/credential"): Bad("DELETE", "/s/credential", 405, "method-not-allowed"),
    ("GET", "/s/{link}"): Bad("PUT", "/s/x", 405, "method-not-allowed"),
    ("POST", "/s/{link}"): Bad("PATCH", "/s/x", 405, "method-not-allowed"),
    ("POST", "/s/{link}/credential"): Bad("GET", "/s/x/credential", 405, "method-not-allowed"),
}


def routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app answers over HTTP, included routers walked."""
    found: set[tuple[str, str]] = set()

    def walk(entries: list[Any], prefix: str) -> None:
        for entry in entries:
            if hasattr(entry, "original_router"):  # an included router (FastAPI keeps it as one entry)
                walk(entry.original_router.routes, prefix + (entry.include_context.prefix or ""))
            elif not isinstance(entry, WebSocketRoute) and getattr(entry, "methods", None):
                found.update((m, prefix + entry.path) for m in entry.methods if m != "HEAD")

    walk(app.routes, "")
    return found


@pytest.fixture
def store() -> str:
    return "sqlite"  # the answers' shape does not depend on the store


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services), raise_server_exceptions=False) as client:
        yield client


def assert_problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, (response.request.url, response.status_code, response.text[:300])
    assert response.headers["content-type"] == PROBLEM, (response.request.url, response.headers["content-type"])
    body = response.json()
    assert body["type"] == f"/problems/{kind}" and body["status"] == status, body
    assert isinstance(body["title"], str) and body["title"] and isinstance(body["detail"], str) and body["detail"]
    if kind == "rule-violation":
        assert isinstance(body["rule"], str) and isinstance(body["field"], str), body
    return body


def test_the_walk_knows_a_bad_request_for_every_route(http: TestClient) -> None:
    served = routes(http.app)  # type: ignore[arg-type]
    assert served - BAD.keys() == set(), "a new route: add a bad request for it to BAD"
    assert BAD.keys() - served == set(), "a route in BAD is no longer served"


@pytest.mark.parametrize("route", sorted(BAD), ids=lambda r: f"{r[0]} {r[1]}")
def test_every_route_answers_a_bad_request_with_a_problem(http: TestClient, route: tuple[str, str]) -> None:
    bad = BAD[route]
    response = http.request(bad.method, bad.url, content=bad.body, headers=bad.headers)
    body = assert_problem(response, bad.status, bad.kind)
    if "Retry-After" in response.headers:
        assert body["retryAfter"] == int(response.headers["Retry-After"])
    explained = http.get(body["type"])  # the type is a resolvable URI that says what it means
    assert explained.status_code == 200 and body["title"] in explained.text


def test_an_unknown_address_and_a_body_over_the_limit_are_problems(http: TestClient) -> None:
    assert_problem(http.get("/no/such/address"), 404, "not-found")
    too_large = http.post("/graphql", content=b"x" * (MAX_BODY_BYTES + 1), headers=JSON)
    assert assert_problem(too_large, 413, "request-too-large")["maxBytes"] == MAX_BODY_BYTES


def test_API_credentials_a_refused_parameter_names_its_rule_and_field(http: TestClient) -> None:
    body = assert_problem(http.get("/credentials/status/car/revocation/0"), 400, "rule-violation")
    assert body["rule"] == "API.credentials" and body["field"] == "kind"


def test_a_wrongly_typed_parameter_names_its_field(http: TestClient) -> None:
    body = assert_problem(http.get("/audit/checkpoints?after=soon"), 422, "invalid-request")
    assert body["field"] == "after"


def test_a_browser_still_gets_the_sivil_page_for_an_error(http: TestClient) -> None:
    page = http.get("/sivil/pdf?token=forged", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
