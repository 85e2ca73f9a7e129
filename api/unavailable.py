"""One answer for every door when a database cannot be reached for now: typed, bilingual, with a retry-after.

A read store raises ``Unavailable`` once its one retry on a fresh connection has failed; the event store's
recorder raises its own ``OperationalError``/``InterfaceError`` once its retries are spent. Either way the
client learns that the failure is temporary and when to try again, never the driver's text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from eventsourcing.persistence import InterfaceError, OperationalError
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionResult

from domain.unavailable import Unavailable

log = logging.getLogger(__name__)

RETRY_AFTER = 5  # seconds: a PostgreSQL restart or a pool refill takes about that long
MESSAGE = (
    "Layanan untuk sementara tidak dapat menjangkau basis datanya; coba lagi dalam beberapa detik. / "
    "The service cannot reach its database just now; try again in a few seconds."
)
TEMPORARY: tuple[type[Exception], ...] = (Unavailable, OperationalError, InterfaceError)
CODE = "UNAVAILABLE"


def is_temporary(error: BaseException | None) -> bool:
    return isinstance(error, TEMPORARY)


def noted(error: BaseException) -> BaseException:
    """Logs the cause once, for operators (the client never sees it); returns the error for chaining."""
    log.warning("a store is unavailable: %s: %s", type(error).__name__, error)
    return error


class UnavailableErrors(MaskErrors):
    """A query whose store is unavailable answers a GraphQL error with ``extensions.code`` UNAVAILABLE and
    ``retryAfter`` (seconds) instead of the driver's text. Mutations answer the ``Unavailable`` union member."""

    def __init__(self) -> None:
        should_mask: Callable[[GraphQLError], bool] = lambda e: is_temporary(e.original_error)  # noqa: E731
        super().__init__(should_mask_error=should_mask, error_message=MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message=MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": CODE, "retryAfter": RETRY_AFTER},
        )

    def mask(self, result: object) -> None:
        """What ``on_operation`` does with the operation's result once it ends (api/graphql/execution.py)."""
        if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            result.errors = [self.anonymise_error(e) if self.should_mask_error(e) else e for e in result.errors]
