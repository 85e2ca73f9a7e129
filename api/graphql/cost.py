"""Query cost limits shared by both GraphQL schemas: depth, aliases, tokens, operations and list sizes.

Every limit refuses a document before any resolver runs, so an expensive request costs a parse and a walk of
its syntax tree, never a read of the database. The numbers are generous for the documents our clients send
(GraphiQL's introspection query is under 200 tokens and ignored by the depth limit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    parse,
)
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

PAGE_ARGUMENTS = ("first", "limit")  # the arguments that say how many rows a list field returns


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_aliases: int
    max_tokens: int
    max_operations: int = 5
    max_page: int = 500  # rows one list field may return
    max_list_items: int = 1000  # rows all list fields of one request may return together


def extensions(limits: Limits) -> list[Any]:
    """The schema extension that enforces ``limits``: a :class:`DocumentCache`, which makes a fresh
    :class:`Documents` for each request."""
    return [DocumentCache(limits)]


class DocumentCache:
    """A schema's documents parsed and validated once per text, and the rules that enforce its limits.

    A document seen before, by its text, is neither parsed nor validated again (validating was a quarter of a
    SIVIL look-up's time, issue 8), and one extension does what four of strawberry's did (token limit, parser
    cache, added rules, validation cache): each extension costs every request its hooks (issue 35). The limit
    rules are built once here: strawberry's validation keys on the rule classes. Called, it is the extension's
    factory strawberry asks for each request; api/graphql/execution.py runs the same steps without the hooks."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rules: tuple[type[ASTValidationRule], ...] = (
            *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
            _max_operations(limits.max_operations),
        )
        self.prepared: Callable[[str], Prepared] = lru_cache(maxsize=CACHED_DOCUMENTS)(self._prepare)

    def _prepare(self, query: str) -> Prepared:
        # The token limit stops the parser itself; a document that fails to parse is not kept (it raises).
        return Prepared(parse(query, max_tokens=self.limits.max_tokens))

    def __call__(self) -> Documents:
        return Documents(self.limits, self.rules, self.prepared)


# Distinct documents kept parsed and validated: clients send a few fixed documents with variables; a hostile
# stream of distinct ones only evicts (each entry is one small parsed document).
CACHED_DOCUMENTS = 256


@dataclass
class Prepared:
    """A document parsed once for its text, with what is known of it once it has been seen."""

    document: DocumentNode
    errors: list[GraphQLError] | None = None  # validation's, once validated
    unpaged: set[str | None] = field(default_factory=set)  # operations that reach no list field: no budget walk


def _max_operations(maximum: int) -> type[ValidationRule]:
    class MaxOperations(ValidationRule):
        def __init__(self, context: Any) -> None:
            super().__init__(context)
            count = sum(isinstance(d, OperationDefinitionNode) for d in context.document.definitions)
            if count > maximum:
                context.report_error(
                    GraphQLError(f"a document may hold at most {maximum} operations; this one holds {count}")
                )

    return MaxOperations


class Documents(SchemaExtension):
    """Parses (at most ``max_tokens``) and validates (with the depth, alias and operation limits) a document once
    per text, and refuses before execution a request whose list fields could return more rows than allowed in
    all (``QUERY_TOO_LARGE``). One field's page over ``max_page`` is that field's own refusal (a RuleViolation, as
    a page of 0 is: issue 32), counted here as a full page.

    The budget runs at execution time rather than validation because ``first`` may come from a variable; an
    operation that reaches no list field at all is not walked again."""

    def __init__(
        self, limits: Limits, rules: tuple[type[ASTValidationRule], ...], prepared: Callable[[str], Prepared]
    ) -> None:
        self.limits = limits
        self.rules = rules
        self.prepared = prepared
        self.entry: Prepared | None = None

    def on_parse(self) -> Iterator[None]:
        self.parse(self.execution_context)
        yield

    def on_validate(self) -> Iterator[None]:
        self.validate(self.execution_context)
        yield

    def on_execute(self) -> Iterator[None]:
        self.budget(self.execution_context)
        yield

    def parse(self, ec: ExecutionContext) -> None:
        if ec.query is not None:
            self.entry = self.prepared(ec.query)
            ec.graphql_document = self.entry.document

    def validate(self, ec: ExecutionContext) -> None:
        entry = self.entry
        if entry is not None and ec.graphql_document is entry.document:
            if entry.errors is None:
                entry.errors = validate_document(ec.schema._schema, entry.document, (*ec.validation_rules, *self.rules))
            ec.pre_execution_errors = list(entry.errors)

    def budget(self, ec: ExecutionContext) -> None:
        """Sets the request's result to the refusal when its lists could return more rows than allowed."""
        entry = self.entry
        document = ec.graphql_document
        if document is not None and not ec.result and (entry is None or ec.operation_name not in entry.unpaged):
            walk = _Walk(ec.schema._schema, document.definitions, ec.variables or {}, self.limits)
            try:
                walk.operation(ec.operation_name)
            except GraphQLError as refused:
                ec.result = ExecutionResult(data=None, errors=[refused])
            else:
                if entry is not None and not walk.paged:
                    entry.unpaged.add(ec.operation_name)  # which fields it reaches does not depend on variables


class _Walk:
    def __init__(self, schema: GraphQLSchema, definitions: Any, variables: Mapping[str, Any], limits: Limits) -> None:
        self.schema = schema
        self.variables = variables
        self.limits = limits
        self.operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
        self.fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
        self.defaults: dict[str, Any] = {}
        self.total = 0
        self.paged = False  # whether a field with a page size was reached

    def operation(self, name: str | None) -> None:
        chosen = [o for o in self.operations if name is None or (o.name and o.name.value == name)]
        if len(chosen) != 1:
            return  # graphql-core answers "which operation?" itself
        op = chosen[0]
        root = self.schema.get_root_type(op.operation)
        for definition in op.variable_definitions or ():
            if isinstance(definition.default_value, IntValueNode):
                self.defaults[definition.variable.name.value] = int(definition.default_value.value)
        if root is not None:
            self.selections(op.selection_set, root, 1, frozenset())

    def selections(self, selection_set: SelectionSetNode, parent: Any, multiplier: int, seen: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent, multiplier, seen)
            elif isinstance(selection, InlineFragmentNode):
                on = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else None
                self.selections(selection.selection_set, on or parent, multiplier, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:  # cycles are refused by validation anyway
                    on = self.schema.get_type(fragment.type_condition.name.value)
                    self.selections(fragment.selection_set, on or parent, multiplier, seen | {name})

    def field(self, node: FieldNode, parent: Any, multiplier: int, seen: frozenset[str]) -> None:
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None:
            return
        rows = 1
        for argument in PAGE_ARGUMENTS:
            if argument in definition.args:
                self.paged = True
                # A page over max_page is the field's own refusal (RuleViolation API.page, answered as data like
                # first: 0): it reads nothing, so it counts as no more than a full page towards the request's total.
                asked = self.page_size(node, argument, definition.args[argument].default_value)
                rows = max(min(asked, self.limits.max_page), 0)
                self.total += multiplier * rows
                if self.total > self.limits.max_list_items:
                    raise GraphQLError(
                        f"this request asks for more than {self.limits.max_list_items} list rows in all; "
                        "split it into smaller requests",
                        extensions={"code": "QUERY_TOO_LARGE"},
                    )
        if node.selection_set is not None:
            self.selections(node.selection_set, get_named_type(definition.type), multiplier * rows, seen)

    def page_size(self, node: FieldNode, argument: str, default: Any) -> int:
        for given in node.arguments or ():
            if given.name.value != argument:
                continue
            if isinstance(given.value, IntValueNode):
                return int(given.value.value)
            if isinstance(given.value, VariableNode):
                name = given.value.name.value
                return _int(self.variables.get(name, self.defaults.get(name, default)))
        return _int(default)


def _int(value: Any) -> int:
    """A page size as graphql-core will coerce it (an integral float counts); anything else it refuses later."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1
