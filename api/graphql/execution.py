"""A GraphQL request executed as strawberry's ``Schema.execute`` executes it for our schemas, without the extension
runner (issue 35).

Each of our schemas has two extensions: the document cache and limits (api/graphql/cost.py) and the masking of a
store away (api/unavailable.py). Strawberry runs them as context managers, four stages of hooks entered and left
per request, which cost more of a request than graphql-core's execution of it. Here the same steps run in
strawberry's order, as plain calls: the document parsed and validated (or taken from the cache), the list budget,
execution, the errors logged (``Schema.process_errors``) before they are masked, masking only when the operation
ended without raising, and the result built by strawberry's own ``_handle_execution_result``. The answer and the log
are the same; tests/api/test_plain_posts.py compares the two on many documents, for each of our schemas. A schema
with any other extension, with directives or with incremental execution is executed by strawberry itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.execution import optimized_is_awaitable
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import (
    DEFAULT_ALLOWED_OPERATION_TYPES,
    _coerce_error,
    _parse_operation_document,
    _run_validation,
)
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from api.graphql.cost import DocumentCache, Documents
from api.unavailable import UnavailableErrors

if TYPE_CHECKING:
    from strawberry.extensions.runner import SchemaExtensionsRunner

    from api.graphql.transport import Schema


class Lean:
    """The lean execution of one schema; :meth:`of` says whether the schema has what it reproduces."""

    def __init__(self, schema: Schema, documents: DocumentCache) -> None:
        self.schema = schema
        self.documents = documents
        self.masking = UnavailableErrors()  # stateless for a result that is not streamed: shared

    @classmethod
    def of(cls, schema: Schema) -> Lean | None:
        extensions = schema.extensions
        if (
            len(extensions) == 2
            and isinstance(extensions[0], DocumentCache)
            and extensions[1] is UnavailableErrors
            and not schema.directives
            and not schema.config.enable_experimental_incremental_execution
        ):
            return cls(schema, extensions[0])
        return None

    async def execute(  # strawberry's signature
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        schema = self.schema
        ec = schema._create_execution_context(
            query=query,
            allowed_operation_types=DEFAULT_ALLOWED_OPERATION_TYPES
            if allowed_operation_types is None
            else allowed_operation_types,
            variable_values=variable_values,
            context_value=context_value,
            root_value=root_value,
            operation_name=operation_name,
            operation_extensions=operation_extensions,
        )
        documents = self.documents()
        documents.execution_context = ec
        runner = schema.create_extensions_runner(ec, [documents, self.masking])  # for the results' extensions
        try:
            handled, result = await self._operation(ec, documents, runner, operation_extensions)
            self.masking.mask(ec.result)  # MaskErrors.on_operation: once the operation has ended without raising
            if handled:
                return result
        except (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError):
            raise
        except Exception as exc:  # as strawberry: an error result, logged, not masked
            error = PreExecutionError(data=None, errors=[_coerce_error(exc)])
            return await schema._handle_execution_result(ec, error, runner)
        return await schema._handle_execution_result(ec, result, runner, skip_process_errors=True)

    async def _operation(
        self,
        ec: ExecutionContext,
        documents: Documents,
        runner: SchemaExtensionsRunner,
        operation_extensions: dict[str, Any] | None,
    ) -> tuple[bool, Any]:
        """(True, the answer) when refused before execution; (False, graphql-core's result) once executed."""
        schema = self.schema
        if not ec.query and ec.graphql_document is None:
            raise MissingQueryError
        documents.parse(ec)  # on_parse: what it raises ends the operation
        try:
            _parse_operation_document(ec)
        except Exception as e:  # a syntax error as it is, anything else wrapped (as strawberry's _parse_and_validate)
            error = e if isinstance(e, GraphQLError) else GraphQLError(str(e), original_error=e)
            ec.pre_execution_errors = [error]
            return True, await schema._handle_execution_result(ec, PreExecutionError(data=None, errors=[error]), runner)
        try:
            operation_type = ec.operation_type
        except RuntimeError as error:
            raise CannotGetOperationTypeError(ec.operation_name) from error
        if operation_type not in ec.allowed_operations:
            raise InvalidOperationTypeError(operation_type)
        documents.validate(ec)  # on_validate
        _run_validation(ec)
        if ec.pre_execution_errors:
            refused = PreExecutionError(data=None, errors=ec.pre_execution_errors)
            return True, await schema._handle_execution_result(ec, refused, runner)
        documents.budget(ec)  # on_execute
        if not ec.result:
            assert ec.graphql_document is not None
            result = await await_maybe(
                schema._get_execute_function()(
                    schema._schema,
                    ec.graphql_document,
                    root_value=ec.root_value,
                    middleware=schema._get_middleware_manager(runner.extensions),
                    variable_values=ec.variables,
                    operation_name=ec.operation_name,
                    context_value=ec.context,
                    is_awaitable=optimized_is_awaitable,
                    **execution_context_class_kwargs(schema.execution_context_class),
                    **schema._get_custom_context_kwargs(operation_extensions),
                )
            )
            ec.result = result
        else:
            result = ec.result
        if isinstance(result, GraphQLExecutionResult) and result.errors:
            ec.pre_execution_errors = result.errors
            schema._process_errors(result.errors, ec)  # logged before masking, as strawberry does
        return False, result
