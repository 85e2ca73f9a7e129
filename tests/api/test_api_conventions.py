"""One convention across the three GraphQL endpoints (issue 32, item 3), checked by walking their introspection, so a
new field is held to it without being listed here. README "API conventions" says the same in words:

- every list is a connection (``edges { cursor node }``, ``pageInfo``, ``totalCount``) paged by ``first`` and
  ``after``, unless it is listed below as a deliberate exception with why; no ``offset`` anywhere;
- every field taking an argument a caller can get wrong answers a union with ``RuleViolation`` (a staff query and
  mutation also ``NotAuthorized``): the only coded errors are ``QUERY_TOO_LARGE`` and ``NOT_YET_PROJECTED``;
- statuses, kinds, levels and doors (``via``) are enums in answers, as in inputs; ``*At`` is a DateTime, ``*On``
  and ``*Date`` a Date, and every DateTime answered carries its offset, in Asia/Jakarta (checked on a seeded
  world's real answers);
- one spelling per name; a query's union is ``<Field>QueryResult``, a mutation's ``<Thing>Result``;
- the public look-ups of diplomas and certificates have one shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    graphql_sync,
)

from api.graphql.scalars import parse, serialize
from api.http import create_app
from api.schema_files import ENDPOINTS
from infra.bootstrap import Container
from tests.api.authorization_walk import ROLES, Seeded, _value, seed, token
from tests.api.test_authorization_table import documented
from tests.world import World

MAX_PAGE = 500
WAITS = frozenset({"position", "certificatesPosition"})  # a wait's only failure is NOT_YET_PROJECTED, a coded error

# Lists that are not connections, and why. A list of a record's own parts is bounded by the record; a list of
# values is a value. A new list field fails the test until it is a connection or named here.
PARTS_OF_ONE_RECORD = "the parts of one record, bounded by it and read with it"
VALUES = "a value made of a few codes, ids or texts, not rows"
NOT_LISTS = {
    "ApplicationAccepted.missing": VALUES,
    "AssessmentAccepted.assessmentIds": VALUES,
    "AssessmentDetail.members": VALUES,
    "AuditEvent.ruleIds": VALUES,
    "DecisionBasisView.ruleRead": VALUES,
    "DecisionBasisView.reasons": VALUES,
    "DecisionBasisView.decidedBy": VALUES,
    "DecisionBasisView.ruleIds": VALUES,
    "EquivalencyApplicationView.deferralReasons": VALUES,
    "EquivalencyApplicationView.missing": VALUES,
    "Licence.skemaCodes": VALUES,
    "RemoteRequirements.requirements": VALUES,
    "ReviewRecord.documents": VALUES,
    "ReviewRecord.deciders": VALUES,
    "RuleDecision.ruleIds": VALUES,
    "SkOfEquivalency.replacementLetters": VALUES,
    "Skema.unitCodes": VALUES,
    "Skema.remoteRequirements": VALUES,
    "Tuk.facilities": VALUES,
    "Share.disclosed": VALUES,
    "RuleViolation.failures": "a refusal's broken rules: one per input field at most",
    "RuleDecision.failures": "a decision's failed rules: one per rule of the ruleset at most",
    "Asesor.skema": PARTS_OF_ONE_RECORD,
    "AssessmentDetail.steps": PARTS_OF_ONE_RECORD + " (the SOP's ten steps at most)",
    "AssessmentDetail.units": PARTS_OF_ONE_RECORD + " (the skema's units)",
    "AssessmentDetail.evidence": PARTS_OF_ONE_RECORD,
    "AssessmentDetail.appeals": PARTS_OF_ONE_RECORD,
    "AssessmentDetail.handOvers": PARTS_OF_ONE_RECORD,
    "DecisionBasisView.documents": PARTS_OF_ONE_RECORD,
    "DecisionBasisView.escalations": PARTS_OF_ONE_RECORD,
    "Dpi.certifications": PARTS_OF_ONE_RECORD + " (the lines of one printed document)",
    "Dpi.competencyCertificates": PARTS_OF_ONE_RECORD + " (the lines of one printed document)",
    "EquivalencyApplicationView.checklist": PARTS_OF_ONE_RECORD + " (EQV-2's checklist)",
    "EquivalencyApplicationView.documents": PARTS_OF_ONE_RECORD,
    "EquivalencyApplicationView.escalations": PARTS_OF_ONE_RECORD,
    "EquivalencyApplicationView.reviews": PARTS_OF_ONE_RECORD,
    "ReplayedDecisionView.rules": PARTS_OF_ONE_RECORD + " (one result per rule of the ruleset)",
    "PddiktiImport.refusedLines": PARTS_OF_ONE_RECORD + " (an import's first 1,000 line errors, kept with it)",
    "Share.uses": PARTS_OF_ONE_RECORD + " (its latest 50 uses; every use is in the holder's UU PDP report)",
    "Pipeline.perStep": "one count per SOP step: ten at most",
    "RemoteAssessmentStatus.requirements": "one LSP's requirements, one per skema it is licensed for",
}
# Names of fields that answer one of a closed set of values: a status, a kind, a level, a door (issue 32, item 3).
STATUS_NAMES = r"(status|state|kind|stage|level|via)$"
# A status held as anything but an enum, and why.
NOT_STATUSES = {"AuditState.state": "an aggregate's whole state as it stood (JSON), not a status"}
# Answer fields named as an enum input is, that are not that enum, and why.
NAMESAKES = {
    "Submission.result": "the certification's result as printed (850/1000, B+), not an asesor's K/BK",
    "DpiCertification.result": "the certification's result as printed (850/1000, B+), not an asesor's K/BK",
    "EscalationRecord.outcome": "what an escalation concluded, in the team's words",
    "DecisionBasisView.outcome": "what the decision concluded, in its words",
    "SkOfEquivalency.level": "the Indonesian level the SK grants, as EQV-4's rule names it, not the foreign one",
    "DecisionBasisView.level": "the Indonesian level the SK grants, as EQV-4's rule names it, not the foreign one",
}
# Names the convention keeps in two spellings on purpose: British "licence" is the noun (Licence, LicenceKind), and
# "license" the verb in British English too; catalogue only appears in data (EQV-2's ACADEMIC_CATALOGUE item code).
VERBS = frozenset({"licenseLsp", "LicenseLspInput"})
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00$")


def introspection(path: str) -> dict[str, Any]:
    """The answer to the introspection query a client sends (the served schema is the committed one:
    tests/api/test_schema_sdl.py)."""
    endpoint = next(e for e in ENDPOINTS if e.path == path)
    answer = graphql_sync(endpoint.schema()._schema, get_introspection_query(descriptions=True))
    assert not answer.errors and answer.data is not None, answer.errors
    return answer.data


@pytest.fixture(scope="module")
def schemas() -> dict[str, GraphQLSchema]:
    """Each endpoint's schema as a client sees it: built from its introspection."""
    return {e.path: build_client_schema(introspection(e.path)) for e in ENDPOINTS}  # type: ignore[arg-type]


def defaults(path: str) -> dict[tuple[str, str, str], str | None]:
    """Each argument's default, as introspection gives it (GraphQL text)."""
    return {
        (kind["name"], field["name"], arg["name"]): arg["defaultValue"]
        for kind in introspection(path)["__schema"]["types"]
        for field in kind.get("fields") or ()
        for arg in field["args"]
    }


def object_fields(schema: GraphQLSchema) -> Iterator[tuple[GraphQLNamedType, str, GraphQLField]]:
    for name, kind in sorted(schema.type_map.items()):
        if not name.startswith("__") and isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                yield kind, field_name, field


def is_connection(kind: GraphQLType) -> bool:
    named = get_named_type(kind)
    if not isinstance(named, GraphQLObjectType):
        return False
    fields = named.fields
    if not {"edges", "pageInfo", "totalCount"} <= fields.keys():
        return False
    edge = get_named_type(fields["edges"].type)
    return isinstance(edge, GraphQLObjectType) and {"cursor", "node"} <= edge.fields.keys()


def members(kind: GraphQLType) -> list[GraphQLNamedType]:
    named = get_named_type(kind)
    return list(named.types) if isinstance(named, GraphQLUnionType) else [named]


def _unwrapped(kind: GraphQLType) -> GraphQLType:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


@pytest.mark.parametrize("path", [e.path for e in ENDPOINTS])
def test_every_list_is_a_connection_paged_by_first_and_after_unless_named_with_why(
    schemas: dict[str, GraphQLSchema], path: str
) -> None:
    schema, unlisted, paging, given = schemas[path], [], [], defaults(path)
    for kind, name, field in object_fields(schema):
        listed = f"{kind.name}.{name}" in NOT_LISTS
        if isinstance(_unwrapped(field.type), GraphQLList) and not is_connection(kind) and not listed:
            unlisted.append(f"{kind.name}.{name}")
        if "offset" in field.args:
            paging.append(f"{kind.name}.{name}(offset:): page by first and after")
        if any(is_connection(m) for m in members(field.type)):
            if ("first" in field.args) != ("after" in field.args):
                paging.append(f"{kind.name}.{name}: a connection takes both first and after, or neither (whole)")
            first = given.get((kind.name, name, "first"))
            if "first" in field.args and not 1 <= int(first or 0) <= MAX_PAGE:
                paging.append(f"{kind.name}.{name}(first:) defaults within 1-{MAX_PAGE}")
    assert not unlisted, f"lists that are not connections (make them one, or name them in NOT_LISTS): {unlisted}"
    assert not paging, paging


def test_every_exception_still_exists() -> None:
    """A listed exception that no schema has any more is stale."""
    names = {f"{k.name}.{n}" for e in ENDPOINTS for k, n, _ in object_fields(e.schema()._schema)}
    assert set(NOT_LISTS) | set(NOT_STATUSES) | set(NAMESAKES) <= names


@pytest.mark.parametrize("path", [e.path for e in ENDPOINTS])
def test_every_field_taking_arguments_refuses_as_a_union_member(schemas: dict[str, GraphQLSchema], path: str) -> None:
    schema, wrong = schemas[path], []
    staff = path == "/graphql"
    for kind, name, field in object_fields(schema):
        if not set(field.args) - WAITS:
            continue
        answers = {m.name for m in members(field.type)}
        needed = {"RuleViolation"}
        if staff and kind in (schema.query_type, schema.mutation_type):
            needed.add("NotAuthorized")  # a staff field may refuse the caller: as data, never as an error
        if not needed <= answers:
            wrong.append(f"{kind.name}.{name} answers {sorted(answers)}, without {sorted(needed - answers)}")
    assert not wrong, wrong


@pytest.mark.parametrize("path", [e.path for e in ENDPOINTS])
def test_unions_are_named_for_what_answers_them(schemas: dict[str, GraphQLSchema], path: str) -> None:
    schema, wrong = schemas[path], []
    for root, suffix in ((schema.query_type, "QueryResult"), (schema.mutation_type, "Result")):
        for name, field in (root.fields if root else {}).items():
            named = get_named_type(field.type)
            if not isinstance(named, GraphQLUnionType):
                continue
            if not named.name.endswith(suffix) or (suffix == "Result" and named.name.endswith("QueryResult")):
                wrong.append(f"{root.name}.{name} answers {named.name}")  # type: ignore[union-attr]
    for kind, name, field in object_fields(schema):
        named = get_named_type(field.type)
        if isinstance(named, GraphQLUnionType) and not named.name.endswith("Result"):
            wrong.append(f"{kind.name}.{name} answers {named.name}")
    assert not wrong, wrong


@pytest.mark.parametrize("path", [e.path for e in ENDPOINTS])
def test_statuses_are_enums_and_times_are_typed_by_their_names(schemas: dict[str, GraphQLSchema], path: str) -> None:
    wrong = []
    for kind, name, field in object_fields(schemas[path]):
        named = get_named_type(field.type)
        status = re.search(STATUS_NAMES, name, re.I) and f"{kind.name}.{name}" not in NOT_STATUSES
        if status and not isinstance(named, GraphQLEnumType):
            wrong.append(f"{kind.name}.{name}: {named.name}, not an enum")
        if name.endswith("At") and named.name != "DateTime":
            wrong.append(f"{kind.name}.{name}: {named.name}, not a DateTime")
        root = kind.name in ("Query", "Mutation")
        if not root and re.search(r"(On|Date)$", name) and named.name != "Date":
            wrong.append(f"{kind.name}.{name}: {named.name}, not a Date")
    assert not wrong, wrong


@pytest.mark.parametrize("path", [e.path for e in ENDPOINTS])
def test_an_answer_names_a_value_as_the_input_does(schemas: dict[str, GraphQLSchema], path: str) -> None:
    """A field an input or argument takes as an enum is that enum where an answer shows it (an outcome, an origin,
    a level, a step), unless it is a namesake of another meaning, named in NAMESAKES."""
    schema, named = schemas[path], {}
    for kind in schema.type_map.values():
        if isinstance(kind, GraphQLInputObjectType):
            named |= {n: get_named_type(f.type) for n, f in kind.fields.items()}
        elif isinstance(kind, GraphQLObjectType):
            named |= {n: get_named_type(a.type) for f in kind.fields.values() for n, a in f.args.items()}
    enums = {n for n, t in named.items() if isinstance(t, GraphQLEnumType)}
    wrong = [
        f"{kind.name}.{name}: {get_named_type(field.type).name}, where an input takes an enum"
        for kind, name, field in object_fields(schema)
        if name in enums
        and not isinstance(get_named_type(field.type), GraphQLEnumType)
        and f"{kind.name}.{name}" not in NAMESAKES
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("path", [e.path for e in ENDPOINTS])
def test_one_spelling_per_concept(schemas: dict[str, GraphQLSchema], path: str) -> None:
    schema = schemas[path]
    names = set(schema.type_map) | {n for _, n, _ in object_fields(schema)}
    names |= {v for t in schema.type_map.values() if isinstance(t, GraphQLEnumType) for v in t.values}
    assert not {n for n in names if re.search("licens", n, re.I)} - VERBS  # the noun is "licence"
    assert not {n for n in names if re.search("catalogue", n, re.I)}  # the SUB register is the "catalog"
    assert not {n for n in schema.type_map if n.endswith(("ResultQuery", "Page"))}


def test_the_public_look_ups_of_diplomas_and_certificates_have_one_shape(schemas: dict[str, GraphQLSchema]) -> None:
    sivil, sertifikat = schemas["/sivil/graphql"], schemas["/sertifikat/graphql"]
    look_ups = [(sivil, "verifyDiploma", "VerifiedDiploma"), (sertifikat, "verifyCertificate", "VerifiedCertificate")]
    refusals = []
    for schema, field_name, found in look_ups:
        assert schema.mutation_type is not None and field_name in schema.mutation_type.fields  # it spends a challenge
        field = schema.mutation_type.fields[field_name]
        assert list(field.args) == ["input"]
        given = get_named_type(field.args["input"].type)
        assert {"challengeToken", "answer"} <= given.fields.keys()  # type: ignore[union-attr]
        answers = {m.name for m in members(field.type)}
        assert found in answers and "verifiedAt" in schema.type_map[found].fields  # type: ignore[union-attr]
        refusals.append({n for n in answers if n != found and not n.endswith("NotFoundResult")})
        assert len(answers) - len(refusals[-1]) == 2  # the record, or one answer for every miss
    assert refusals[0] == refusals[1] == {"RuleViolation", "ChallengeRefused", "RateLimitedResult", "Unavailable"}
    for shared in ("RuleViolation", "ChallengeRefused", "RateLimitedResult", "Unavailable", "Challenge"):
        assert _shape(sivil.type_map[shared]) == _shape(sertifikat.type_map[shared]), shared


def _shape(kind: GraphQLNamedType) -> dict[str, str]:
    return {n: str(f.type) for n, f in kind.fields.items()}  # type: ignore[attr-defined]


# Every DateTime answered, on a seeded world ------------------------------------------------------------------------


def test_the_datetime_scalar_answers_jakarta_with_its_offset_and_refuses_an_instant_without_one() -> None:
    assert serialize(datetime(2024, 8, 1, 3, 0, tzinfo=UTC)) == "2024-08-01T10:00:00+07:00"
    assert serialize(datetime(2024, 8, 1, 12, 0, tzinfo=timezone(timedelta(hours=9)))) == "2024-08-01T10:00:00+07:00"
    with pytest.raises(ValueError, match="offset"):
        serialize(datetime(2024, 8, 1, 3, 0))
    assert parse("2024-08-01T03:00:00Z") == datetime(2024, 8, 1, 3, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="offset"):
        parse("2024-08-01T03:00:00")


def datetime_selection(schema: GraphQLSchema, kind: GraphQLNamedType, depth: int) -> str | None:
    """A selection of every DateTime reachable from ``kind`` (within ``depth``), through fields without required
    arguments; None when there is none."""
    if isinstance(kind, GraphQLUnionType | GraphQLInterfaceType):
        possible = kind.types if isinstance(kind, GraphQLUnionType) else schema.get_possible_types(kind)
        parts = [f"... on {m.name} {s}" for m in possible if (s := datetime_selection(schema, m, depth))]
        return "{ __typename " + " ".join(parts) + " }" if parts else None
    if not isinstance(kind, GraphQLObjectType) or depth == 0:
        return None
    parts = []
    for name, field in kind.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        named = get_named_type(field.type)
        if isinstance(named, GraphQLScalarType):
            if named.name == "DateTime":
                parts.append(name)
        elif sub := datetime_selection(schema, named, depth - 1):
            parts.append(f"{name} {sub}")
    return "{ " + " ".join(parts) + " }" if parts else None


def instants(answer: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(answer, dict):
        for k, v in answer.items():
            if k != "__typename":
                yield from instants(v, k)
    elif isinstance(answer, list):
        for item in answer:
            yield from instants(item, key)
    elif answer is not None and key not in ("cursor",):
        yield key, answer


@pytest.fixture
def seeded(container: Container, world: World) -> Seeded:
    return seed(container, world)


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def test_every_datetime_answered_carries_the_jakarta_offset(http: TestClient, seeded: Seeded) -> None:
    """Every query of the staff schema that can answer an instant, and every role's viewer, asked by someone the
    authorization table lets in, on a world seeded in every context; and both public challenges."""
    schema = ENDPOINTS[0].schema()._schema
    table, seen, asked = documented(), list[tuple[str, Any]](), 0
    assert schema.query_type is not None
    for name, field in schema.query_type.fields.items():
        selection = datetime_selection(schema, get_named_type(field.type), 6)
        entitled = [r for r in ROLES if table.get(f"query {name}", {}).get(r, "no") != "no"]
        if selection is None or not entitled or name == "viewer":
            continue
        variables = {
            a: _value(a, t.type, seeded)
            for a, t in field.args.items()
            if a not in WAITS and (isinstance(t.type, GraphQLNonNull) or a in seeded.values)
        }
        declared = ", ".join(f"${a}: {field.args[a].type}" for a in variables)
        passed = ", ".join(f"{a}: ${a}" for a in variables)
        head = f"query({declared})" if declared else "query"
        document = f"{head} {{ {name}{f'({passed})' if passed else ''} {selection} }}"
        seen += _asked(http, "/graphql", document, variables, token(entitled[-1]))
        asked += 1
    for role in ROLES:
        viewer = datetime_selection(schema, schema.type_map["Viewer"], 6)  # type: ignore[arg-type]
        if role != "public" and viewer:
            seen += _asked(http, "/graphql", f"{{ viewer {viewer} }}", {}, token(role))
    for path in ("/sivil/graphql", "/sertifikat/graphql"):
        seen += _asked(http, path, "{ challenge { expiresAt } }", {}, None)
    assert asked >= 10
    wrong = [(k, v) for k, v in seen if not isinstance(v, str) or not OFFSET.match(v)]
    assert not wrong, wrong
    # The instants of every context were answered, not only a few.
    names = {k for k, _ in seen}
    assert {"reservedAt", "pairedAt", "verifiedAt", "dueAt", "at", "expiresAt", "grantedAt"} <= names, names


def _asked(
    http: TestClient, path: str, document: str, variables: dict[str, Any], tok: str | None
) -> list[tuple[str, Any]]:
    headers = {"Authorization": f"Bearer {tok}"} if tok else {}
    response = http.post(path, json={"query": document, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), (document, body["errors"])
    return list(instants(body["data"]))
