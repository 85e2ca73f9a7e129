"""Issue 14, item 1: every query and mutation of the GraphQL endpoints fuzzed through the HTTP app, on PostgreSQL.

For each root field the schema serves (read by introspection: a new field is fuzzed without being listed here),
hypothesis draws valid documents whose arguments carry the seeded world's values but for one or two hostile ones,
and sends them mostly with a token of a role docs/AUTHORIZATION.md lets in, sometimes another role's, none or a
forged one. Each answer must be HTTP 200 without a GraphQL error, bar the coded refusals made before any resolver
runs (BEFORE_RESOLVING); every other refusal must be one of the result union's typed members, and a refused command
or a query must have appended nothing to any event log. Afterwards every read model catches up on what the accepted
commands wrote without skipping an event.

Shown to fail on two deliberately broken builds: ``Page.parse`` without its offset bound (the database's "OFFSET must
not be negative" reached the client) and ``optional_text`` without its control-character check (a NUL was stored in
an event, and the numbering read model skipped it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import graphql
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from api.http import create_app
from infra.bootstrap import Container
from tests.api.authorization_walk import ROLES, seed, token
from tests.api.test_authorization_table import documented
from tests.reliability.schema_fuzzing import (
    REFUSALS,
    Field,
    argument_names,
    documents,
    refusal_types,
    root_fields,
    seeded,
    served_schema,
)
from tests.world import World

pytestmark = pytest.mark.postgres
EXAMPLES = 20  # per root field and endpoint: about 2,000 requests in all
ENDPOINTS = ("/graphql", "/sivil/graphql", "/sertifikat/graphql")
# A read is refused with a coded GraphQL error only when it asks for a position the read model does not have
# (API.wait), and a document over the cost limits is refused before it runs (API.limits); every other refusal, a
# caller not entitled to the field included, is a member of the result union (issue 32).
BEFORE_RESOLVING = {"QUERY_TOO_LARGE", "NOT_YET_PROJECTED"}
TABLE = documented()


@dataclass(frozen=True)
class Fuzzed:
    http: TestClient
    container: Container
    values: dict[str, Any]


@pytest.fixture
def store() -> str:
    return "postgres"  # the fuzzing runs on the production store


@pytest.fixture
def fuzzed(container: Container, world: World) -> Iterator[Fuzzed]:
    # A record in every context, by the argument names that find it, and a page that is neither too long nor late
    values = {**seed(container, world).values, "first": 20, "position": None}
    # No worker thread: what is in the logs changes only by the fuzzed commands, counted around each one.
    with TestClient(create_app(container.services)) as http:
        yield Fuzzed(http, container, values)


def heads(container: Container) -> dict[str, int]:
    return {name: app.recorder.max_notification_id() or 0 for name, app in container.services.applications.items()}


def tokens(field: Field) -> st.SearchStrategy[str | None]:
    """Mostly a role the authorization table lets in (so the arguments are what is refused), sometimes any, none,
    or a token that is not one."""
    cells = TABLE.get(f"{field.root} {field.name}", {})
    let_in = sorted(role for role, cell in cells.items() if cell != "no")
    anyone = st.sampled_from([*ROLES, "forged"]).map(lambda role: "not-a-token" if role == "forged" else token(role))
    if not let_in:
        return anyone
    return st.integers(0, 4).flatmap(lambda n: anyone if n == 0 else st.sampled_from(let_in).map(token))


def with_typename(document: str) -> tuple[str, str]:
    """The document with ``__typename`` asked of the root field (to tell a refusal), and the field's answer key."""
    tree = graphql.parse(document)
    operation = tree.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    root = operation.selection_set.selections[0]
    assert isinstance(root, graphql.FieldNode)
    if root.selection_set is not None:  # the nodes are frozen: the root field and its operation are made anew
        typename = graphql.FieldNode(name=graphql.NameNode(value="__typename"), arguments=(), directives=())
        selections = graphql.SelectionSetNode(selections=(*root.selection_set.selections, typename))
        asked = graphql.FieldNode(
            alias=root.alias, name=root.name, arguments=root.arguments, directives=root.directives,
            selection_set=selections,
        )  # fmt: skip
        operation = graphql.OperationDefinitionNode(
            operation=operation.operation, name=operation.name, directives=operation.directives,
            variable_definitions=operation.variable_definitions,
            selection_set=graphql.SelectionSetNode(selections=(asked,)),
        )  # fmt: skip
        tree = graphql.DocumentNode(definitions=(operation,))
    return graphql.print_ast(tree), (root.alias or root.name).value


def check(fuzzed: Fuzzed, field: Field, refusals: tuple[str, ...], document: str, token: str | None) -> None:
    container = fuzzed.container
    sent, key = with_typename(document)
    before = heads(container)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = fuzzed.http.post(field.endpoint, json={"query": sent}, headers=headers)
    assert response.status_code == 200, (str(field), sent, response.status_code, response.text[:500])
    body = response.json()
    coded = {error.get("extensions", {}).get("code") for error in body.get("errors", ())}
    assert coded <= BEFORE_RESOLVING, (str(field), sent, body["errors"])
    answer = body["data"][key] if body.get("data") else None
    typename = answer.get("__typename") if isinstance(answer, dict) else None
    if typename in REFUSALS:
        assert typename in refusals, (str(field), typename)
        assert heads(container) == before, (str(field), sent, "a refused command appended events")
    if field.root == "query":
        assert heads(container) == before, (str(field), sent, "a query appended events")


def fuzzer(fuzzed: Fuzzed, schema: graphql.GraphQLSchema, field: Field) -> Any:
    refusals = refusal_types(schema, field)
    names = argument_names(schema, field)
    # All but one or two of the arguments carry a seeded value where there is one; those one or two stay as drawn.
    chosen = st.sets(st.sampled_from(names), min_size=1, max_size=2).map(lambda drawn: set(names) - drawn)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same documents on every run: a failure here is reproducible
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failing document is reported as it is
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(document=documents(schema, field), token=tokens(field), chosen=chosen if names else st.just(set()))
    def fuzz(document: str, token: str | None, chosen: set[str]) -> None:
        check(fuzzed, field, refusals, seeded(document, fuzzed.values, chosen), token)

    return fuzz


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_root_field_answers_fuzzed_documents_with_data_or_a_typed_refusal(fuzzed: Fuzzed, endpoint: str) -> None:
    schema = served_schema(fuzzed.http.post, endpoint)
    fields = root_fields(endpoint, schema)
    assert fields, endpoint
    for field in fields:
        fuzzer(fuzzed, schema, field)()
    # The read models take in whatever the accepted commands wrote, and none skipped an event.
    fuzzed.container.worker.catch_up()
    unhealthy = [s for s in fuzzed.container.worker.status() if not s.healthy]
    assert unhealthy == [], [(s.name, s.failures) for s in unhealthy]
