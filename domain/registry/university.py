"""A university (perguruan tinggi) in the PDDIKTI registry."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause


class University(Aggregate):
    """Perguruan tinggi."""

    class Registered(Aggregate.Created):
        code: str
        name: str
        cause: Cause

    class Renamed(Aggregate.Event):
        code: str
        name: str
        cause: Cause

    @event(Registered)
    def __init__(self, code: str, name: str, cause: Cause) -> None:
        self.code = code
        self.name = name

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/universities/{code}")

    def rename(self, name: str, cause: Cause) -> None:
        if name != self.name:
            self._renamed(code=self.code, name=name, cause=cause)

    @event(Renamed)
    def _renamed(self, code: str, name: str, cause: Cause) -> None:
        self.name = name
