"""A projection turns events into rows of one read model; it never loads an aggregate.

Handlers are found by event class, not by name: each is marked :func:`handles` and its event parameter's
type hint names the class it projects, so renaming or moving an event class keeps (or visibly breaks) the
link instead of silently dropping the event. The map is built once, when the projection class is defined.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, get_type_hints

from eventsourcing.domain import DomainEvent

from projections.columns import add_column
from projections.store import ReadStore, Transaction

H = TypeVar("H", bound=Callable[..., None])


def handles(handler: H) -> H:
    """Marks a method ``(self, event: SomeAggregate.SomeEvent, tx: Transaction)`` as the handler of that class."""
    handler.__dict__["projects_events"] = True
    return handler


class Projection:
    name: ClassVar[str]  # tracking key; pinned, since renaming it means a rebuild
    applications: ClassVar[tuple[str, ...]] = ()  # the logs it follows, by application name; () means all
    ddl: ClassVar[tuple[str, ...]]  # CREATE TABLE IF NOT EXISTS ... statements
    tables: ClassVar[tuple[str, ...]]  # dropped by a rebuild
    # (table, column, definition): columns ``ddl`` has that tables made by an earlier version lack (added on start)
    added_columns: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    handlers: ClassVar[dict[type[DomainEvent], str]] = {}  # event class -> the name of its handler method

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        cls.handlers = {**cls.handlers}
        for name, attribute in vars(cls).items():
            if not getattr(attribute, "projects_events", False):
                continue
            event_class = _event_class(attribute)
            if event_class in cls.handlers:
                raise TypeError(f"{cls.__qualname__}: two handlers for {event_class.__qualname__}")
            cls.handlers[event_class] = name

    def create_tables(self, store: ReadStore) -> None:
        with store.transaction() as tx:
            for statement in self.ddl:
                tx.execute(statement)
            for table, column, definition in self.added_columns:
                add_column(tx, store.dialect, table, column, definition)

    def drop_tables(self, tx: Transaction) -> None:
        for table in self.tables:
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    def bound_handlers(self) -> dict[type[DomainEvent], Callable[[Any, Transaction], None]]:
        """Each event class it projects with its handler, bound now (the worker asks once per batch, so that a test may
        replace one handler on one instance between batches)."""
        return {event_class: getattr(self, name) for event_class, name in self.handlers.items()}

    def process(self, event: Any, tx: Transaction) -> None:
        """Writes the rows for one event; events this read model does not need are ignored."""
        name = self.handlers.get(type(event))
        if name is not None:  # the bound method, so that a test may replace one handler on one instance
            getattr(self, name)(event, tx)


def _event_class(handler: Callable[..., None]) -> type[DomainEvent]:
    """The class named by the type hint of the handler's event parameter (the first after ``self``)."""
    parameter = list(inspect.signature(handler).parameters)[1]
    hint = get_type_hints(handler).get(parameter)
    if not (isinstance(hint, type) and issubclass(hint, DomainEvent)):
        raise TypeError(f"{handler.__qualname__}: the event parameter's hint {hint!r} is not a domain event class")
    return hint
