"""Projections find their handlers by event class (issue 16, item 4), not by ``"on_" + qualname`` strings."""

from __future__ import annotations

from typing import Any

import pytest

from domain.diploma.diploma import Diploma
from domain.registry.university import University
from projections.eligibility.projection import EligibilityProjection
from projections.numbering.projection import NumberingProjection
from projections.projection import Projection, handles
from projections.sivil.projection import SivilProjection
from projections.store import Transaction


class Recorder(Projection):
    name = "recorder"
    ddl = ()
    tables = ()

    def __init__(self) -> None:
        self.seen: list[Any] = []

    @handles
    def any_name_at_all(self, e: University.Registered, tx: Transaction) -> None:
        self.seen.append(e)


def test_a_handler_is_found_by_the_class_its_event_parameter_names_whatever_its_own_name() -> None:
    projection = Recorder()
    assert Recorder.handlers == {University.Registered: "any_name_at_all"}
    event = object.__new__(University.Registered)
    projection.process(event, tx=None)  # type: ignore[arg-type]  # no table is touched
    projection.process(object.__new__(University.Renamed), tx=None)  # type: ignore[arg-type]  # not handled
    assert projection.seen == [event]


def test_a_handler_whose_hint_is_not_an_event_class_is_refused_when_the_projection_is_defined() -> None:
    with pytest.raises(TypeError, match="not a domain event class"):

        class Wrong(Projection):
            @handles
            def on_something(self, e: str, tx: Transaction) -> None: ...


def test_two_handlers_for_one_event_class_are_refused() -> None:
    with pytest.raises(TypeError, match="two handlers"):

        class Twice(Projection):
            @handles
            def first(self, e: Diploma.NINAPaired, tx: Transaction) -> None: ...

            @handles
            def second(self, e: Diploma.NINAPaired, tx: Transaction) -> None: ...


def test_the_read_models_handle_the_events_they_did_by_name_and_no_on_method_is_left_unregistered() -> None:
    for projection in (SivilProjection, EligibilityProjection, NumberingProjection):
        named = {name for name in vars(projection) if name.startswith("on_")}
        assert named == set(projection.handlers.values()), projection.name
        for event_class, name in projection.handlers.items():
            assert name == "on_" + event_class.__qualname__.replace(".", "_")  # the names the tests patch
    assert Diploma.NINAReservedAgain in NumberingProjection.handlers
