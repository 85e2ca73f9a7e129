"""Documents for every query and mutation of a GraphQL endpoint, generated from the schema it serves (issue 14).

The schema is read by introspection over HTTP, so a field added later is fuzzed without anyone listing it.
``hypothesis-graphql`` builds valid documents (arguments of the right types, with hostile values: NUL, long and
odd Unicode strings, extreme integers) for one root field at a time; the custom scalars get values of their type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

INTROSPECTION = graphql.get_introspection_query(descriptions=False)


def served_schema(post: Any, path: str) -> graphql.GraphQLSchema:
    """The schema as the endpoint describes it to any client."""
    response = post(path, json={"query": INTROSPECTION})
    assert response.status_code == 200, response.text
    return graphql.build_client_schema(response.json()["data"])


def _date_values() -> st.SearchStrategy[date]:
    near = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
    return st.one_of(near, st.dates())  # mostly plausible days, sometimes 0001-01-01 or 9999-12-31


def _json_values() -> st.SearchStrategy[graphql.ValueNode]:
    leaves = st.one_of(
        st.text(max_size=40).map(nodes.String),
        st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int),
        st.booleans().map(nodes.Boolean),
        st.just(nodes.Null),
    )
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4).map(nodes.List),
            st.dictionaries(st.text(min_size=1, max_size=12), children, max_size=4).map(
                lambda fields: nodes.Object([nodes.ObjectField(name=k, value=v) for k, v in fields.items()])
            ),
        ),
        max_leaves=8,
    )


# Values that pass some rules, so commands get past their first check: codes of the seeded world and their kin.
PLAUSIBLE = (
    "001002", "55201", "2020001", "2020002", "S1", "20201", "3.50", "4.00", "0.00", "120", "2024-07-20",
    "SK/YUD/2024/07", "3171234567890001", "Siti Aminah", "LSP-P1-UNIV", "SKM/OKUP/001", "J.620100.004.02",
    "MET.000.001234 2019", "ASESI-0001", "0010025520124000011", "VALID", "PAIRED", "RESERVED", "EQV-2024-000001",
    "https://example.org/", "application/pdf", "sha256:" + "0" * 64,
)  # fmt: skip


def _hostile(text: str) -> st.SearchStrategy[str]:
    """A plausible value made wrong the ways clients and attackers do: NUL and controls, padding, width, length."""
    return st.sampled_from(
        [
            text + "\x00",
            "\x00" + text,
            f" {text} ",
            text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # Arabic-Indic digits
            text.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # fullwidth digits
            text + "\u202e",  # right-to-left override
            text + "\ud7ff\ufeff",
            text * 400,
            text.lower(),
            text + "\n" + text,
        ]
    )


def _strings() -> st.SearchStrategy[str]:
    plausible = st.sampled_from(PLAUSIBLE)
    return st.one_of(plausible, plausible.flatmap(_hostile), st.text(max_size=30), st.just(""))


def _integers() -> st.SearchStrategy[int]:
    edges = st.sampled_from([0, 1, -1, 2, 6, 20, 24, 120, 144, 500, 501, 2024, 2**31 - 1, -(2**31)])
    return st.one_of(edges, st.integers(min_value=-(2**31), max_value=2**31 - 1))


CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "String": _strings().map(nodes.String),
    "Int": _integers().map(nodes.Int),
    "Date": _date_values().map(lambda d: nodes.String(d.isoformat())),
    "DateTime": st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)).map(
        lambda t: nodes.String(t.isoformat())
    ),
    "JSON": _json_values(),
}


@dataclass(frozen=True)
class Field:
    endpoint: str
    root: str  # "query" or "mutation"
    name: str

    def __str__(self) -> str:
        return f"{self.endpoint} {self.root} {self.name}"


def root_fields(endpoint: str, schema: graphql.GraphQLSchema) -> list[Field]:
    found = [Field(endpoint, "query", name) for name in (schema.query_type.fields if schema.query_type else {})]
    if schema.mutation_type:
        found += [Field(endpoint, "mutation", name) for name in schema.mutation_type.fields]
    return found


def documents(schema: graphql.GraphQLSchema, field: Field) -> st.SearchStrategy[str]:
    build = mutations if field.root == "mutation" else queries
    return build(schema, fields=[field.name], custom_scalars=CUSTOM_SCALARS).map(str)


def refusal_types(schema: graphql.GraphQLSchema, field: Field) -> tuple[str, ...]:
    """The union members of a field's result that are refusals (what is not a success)."""
    root = schema.mutation_type if field.root == "mutation" else schema.query_type
    assert root is not None
    named = graphql.get_named_type(root.fields[field.name].type)
    if not isinstance(named, graphql.GraphQLUnionType):
        return ()
    return tuple(t.name for t in named.types if t.name in REFUSALS)


REFUSALS = frozenset({"RuleViolation", "NotAuthorized", "Conflict", "NotFound", "Unavailable", "Refused"})
TOKEN_LIFETIME = timedelta(hours=8)


def literal(value: Any) -> graphql.ValueNode:
    if value is None:
        return nodes.Null
    if isinstance(value, list):
        return nodes.List([literal(item) for item in value])
    if isinstance(value, int):
        return nodes.Int(value)
    return nodes.String(str(value))


def argument_names(schema: graphql.GraphQLSchema, field: Field) -> list[str]:
    """The names of a field's arguments and of the fields of its input objects, at any depth."""
    root = schema.mutation_type if field.root == "mutation" else schema.query_type
    assert root is not None
    names: set[str] = set()
    pending = list(root.fields[field.name].args.items())
    while pending:
        name, argument = pending.pop()
        names.add(name)
        kind = graphql.get_named_type(argument.type)
        if isinstance(kind, graphql.GraphQLInputObjectType):
            pending.extend((n, f) for n, f in kind.fields.items() if n not in names)
    return sorted(names)


class Seeding(graphql.Visitor):
    """Puts a seeded record's value into the chosen arguments named like it (``nim``, ``assessmentId``, ``first``),
    so that a document gets past the arguments that name a record and its other, hostile arguments meet the deeper
    rules."""

    def __init__(self, values: dict[str, Any], chosen: set[str]) -> None:
        super().__init__()
        self.values, self.chosen = values, chosen

    def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> graphql.ArgumentNode | None:
        return self._seeded(node, graphql.ArgumentNode)

    def enter_object_field(self, node: graphql.ObjectFieldNode, *_: Any) -> graphql.ObjectFieldNode | None:
        return self._seeded(node, graphql.ObjectFieldNode)

    def _seeded(self, node: Any, kind: Any) -> Any:
        name = node.name.value
        # an argument of the value's kind (an enum or an input object keeps its drawn value)
        kinds = graphql.StringValueNode | graphql.ListValueNode | graphql.IntValueNode | graphql.NullValueNode
        if name in self.chosen and name in self.values and isinstance(node.value, kinds):
            value = self.values[name]
            if _fits(node.value, value):  # one name may be a String here and an Int there (``number``)
                return kind(name=node.name, value=literal(value))
        return None


def _fits(drawn: graphql.ValueNode, value: Any) -> bool:
    if isinstance(drawn, graphql.IntValueNode):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(drawn, graphql.ListValueNode):
        return isinstance(value, list)
    return isinstance(value, str)  # a string, or a null drawn where the schema takes one


def seeded(document: str, values: dict[str, Any], chosen: set[str]) -> str:
    return graphql.print_ast(graphql.visit(graphql.parse(document), Seeding(values, chosen)))
