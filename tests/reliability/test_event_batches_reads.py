"""A command's batched reads (infra/event_batches.py) answer exactly what the recorder's own ``select_events`` does,
on both stores, however cheaply they build it (issue 35)."""

from __future__ import annotations

import dataclasses
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from infra.event_batches import EventBatches, _array_params, _array_text, stored_event
from tests.world import World


def test_a_stored_event_built_cheaply_is_the_dataclass_in_every_way() -> None:
    oid = uuid4()
    cheap, made = stored_event(oid, 3, "a.b:C", b"\x00'"), StoredEvent(oid, 3, "a.b:C", b"\x00'")
    assert type(cheap) is StoredEvent
    assert cheap == made and hash(cheap) == hash(made) and repr(cheap) == repr(made)
    assert dataclasses.astuple(cheap) == dataclasses.astuple(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cheap.topic = "x"  # type: ignore[misc]


def test_batched_reads_answer_what_the_recorder_reads(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    recorder = world.app.recorder
    ids = list(dict.fromkeys(n.originator_id for n in world.notifications()))
    batches = EventBatches(recorder)

    whole = {i: list(recorder.select_events(i)) for i in ids}
    assert batches.events_of(ids) == whole
    assert batches.events_after(dict.fromkeys(ids, 0)) == whole
    assert batches.events_after(dict.fromkeys(ids, 1)) == {i: e[1:] for i, e in whole.items() if len(e) > 1}
    assert all(type(e.state) is bytes for events in batches.events_of(ids).values() for e in events)


def test_ids_and_versions_go_as_array_text_only_when_each_is_exactly_a_uuid_or_an_int() -> None:
    """The text of an array is parsed by the server: only values whose text has no ``,``, ``{`` or quote are put in
    it; any other list goes to psycopg's array dumper."""
    ids = [uuid4(), uuid4()]
    assert _array_text(ids, UUID) == "{" + f"{ids[0].hex},{ids[1].hex}" + "}"  # 32 hex digits: PostgreSQL reads them
    assert _array_text([*ids, "a,b}"], UUID) == [*ids, "a,b}"]  # type: ignore[list-item,misc]
    assert _array_text([0, 12], int) == "{0,12}"
    assert _array_text([0, True], int) == [0, True]


def test_libpq_gets_the_same_array_texts_as_bytes_or_none_when_the_cursor_must_dump_them() -> None:
    """``events_after``'s parameters past psycopg's cursor (``_array_params``) are ``_array_text``'s texts, encoded;
    when either would be a list (a value not exactly a UUID or an int), there are none, and the cursor reads."""
    a, b = uuid4(), uuid4()
    versions = {a: 0, b: 12}
    texts = [_array_text(list(versions), UUID), _array_text(list(versions.values()), int)]
    assert _array_params(versions) == [t.encode() for t in texts if isinstance(t, str)]
    assert _array_params({a: -3}) == [f"{{{a.hex}}}".encode(), b"{-3}"]
    assert _array_params({}) == [b"{}", b"{}"]
    assert _array_params({a: True}) is None
    assert _array_params({a: 0, "x": 0}) is None  # type: ignore[dict-item]
