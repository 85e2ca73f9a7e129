"""The event store's write as one simple-query text with its values as literals, or as one round trip of prepared
statements with the same values as binary parameters (issue 35; infra/eventstore.py, infra/raw_pq.py).

A value must never end or escape its literal: a state is written as bytea hex, which holds nothing but hex digits,
and a topic only when it is made of the characters a module path and class name are; any other goes as a parameter
of psycopg's. Either way what is read back is exactly what was written. The text is used only under
standard_conforming_strings, where a backslash in a literal is a backslash; the prepared write, whose values are no
literals, for up to PREPARED_ROWS rows, and the text beyond.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import DataError, IntegrityError, StoredEvent
from psycopg.pq import TransactionStatus

from infra import eventstore
from infra.eventstore import InDoubtRecorder, _binary_rows, _literal_rows
from infra.held_connection import one_connection

pytestmark = pytest.mark.postgres

HOSTILE = [
    "x'; DROP TABLE stored_events; --",
    "a'b",
    "a''b",
    "a\\b",
    "a\\'b",
    "a\\x41",
    "$$a$$",
    "a;b",
    "a b",
    "a\nb",
    "é:É",
    "a\x00b",
    "",
]
STATES = [
    b"'; DROP TABLE stored_events; --",
    b"'",
    b"\\",
    b"\\'",
    b"\x00",
    b"a\x00'\\x00\\\\",
    bytes(range(256)),
    b"",
]


@pytest.fixture
def store() -> str:
    return "postgres"


@pytest.fixture
def paths(recorder: InDoubtRecorder, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The way each write went: "prepared", "text" or "parameters"."""
    taken: list[str] = []
    for name, path in (
        ("_insert_prepared", "prepared"),
        ("_insert_as_text", "text"),
        ("_insert_pipelined", "parameters"),
    ):
        real = getattr(recorder, name)

        def spy(*args: Any, _real: Any = real, _path: str = path) -> Any:
            taken.append(_path)
            return _real(*args)

        monkeypatch.setattr(recorder, name, spy)
    return taken


def written(recorder: InDoubtRecorder, events: list[StoredEvent]) -> list[StoredEvent]:
    return [e for event in events for e in recorder.select_events(event.originator_id)]


def test_a_state_of_any_bytes_is_written_as_text_or_prepared_and_read_back_exactly(
    recorder: InDoubtRecorder, paths: list[str], way: str
) -> None:
    events = [StoredEvent(uuid4(), 1, "tests.text_writes:Happened", state) for state in STATES]
    ids = recorder.insert_events(events)
    assert paths == [way]
    assert ids is not None and len(ids) == len(events) and list(ids) == sorted(ids)
    assert written(recorder, events) == events


@pytest.mark.parametrize("topic", HOSTILE)
def test_a_topic_not_made_of_a_module_path_and_class_name_goes_as_a_parameter(
    recorder: InDoubtRecorder, paths: list[str], topic: str
) -> None:
    events = [
        StoredEvent(uuid4(), 1, "tests.text_writes:Happened", b"'; DROP TABLE x; --"),
        StoredEvent(uuid4(), 1, topic, b"'\\\x00"),
    ]
    assert _literal_rows(events) is None and _binary_rows(events) is None
    before = recorder.max_notification_id() or 0
    if "\x00" in topic:  # PostgreSQL's text holds no NUL: refused as a parameter, as it always was
        with pytest.raises(Exception, match="NUL"):
            recorder.insert_events(events)
        assert (recorder.max_notification_id() or 0) == before
    else:
        recorder.insert_events(events)
        assert written(recorder, events) == events
    assert paths == ["parameters"]


def test_values_of_other_types_go_as_parameters() -> None:
    """Only exact UUIDs, ints and bytes are rendered by us; a subclass could render itself otherwise."""

    class Sly(int):
        def __str__(self) -> str:
            return "1); DROP TABLE x; --"

    topic = "tests.text_writes:Happened"
    for rows in (_literal_rows, _binary_rows):
        assert rows([StoredEvent(uuid4(), 1, topic, b"{}")]) is not None
        assert rows([StoredEvent(uuid4(), Sly(1), topic, b"{}")]) is None
        assert rows([StoredEvent(str(uuid4()), 1, topic, b"{}")]) is None
        assert rows([StoredEvent(uuid4(), 1, topic, "{}")]) is None  # type: ignore[arg-type]


def test_a_version_beyond_bigint_goes_as_text_and_is_refused_there_as_ever(
    recorder: InDoubtRecorder, paths: list[str]
) -> None:
    event = StoredEvent(uuid4(), 2**63, "tests.text_writes:Happened", b"{}")
    assert _binary_rows([event]) is None
    with pytest.raises(DataError):
        recorder.insert_events([event])
    assert paths == ["text"]


def test_more_rows_than_are_prepared_go_as_text(recorder: InDoubtRecorder, paths: list[str]) -> None:
    events = [StoredEvent(uuid4(), 1, "tests.text_writes:Happened", b"{}") for _ in range(eventstore.PREPARED_ROWS + 1)]
    ids = recorder.insert_events(events)
    assert paths == ["text"] and ids is not None and len(ids) == len(events)
    assert written(recorder, events) == events


def test_without_standard_conforming_strings_the_write_goes_as_parameters(
    recorder: InDoubtRecorder, paths: list[str], way: str
) -> None:
    """There a backslash in a literal escapes the next character, and ``'\\x..'`` would not be hex: parameters (the
    prepared write's, which are no literals, or psycopg's)."""
    events = [StoredEvent(uuid4(), 1, "tests.text_writes:Happened", b"\\x41'\\")]
    with one_connection(), conforming_strings(recorder, "off"):
        recorder.insert_events(events)
    assert paths == ["prepared" if way == "prepared" else "parameters"]
    assert written(recorder, events) == events


def test_a_clash_is_an_integrity_error_and_leaves_no_transaction_open(
    recorder: InDoubtRecorder, paths: list[str], way: str
) -> None:
    """A conflict (the command reruns) is told as ever, and the aborted transaction is rolled back."""
    first = StoredEvent(uuid4(), 1, "tests.text_writes:Happened", b"{}")
    recorder.insert_events([first])
    before = recorder.max_notification_id()
    with one_connection():
        with pytest.raises(IntegrityError):
            recorder.insert_events([StoredEvent(uuid4(), 1, "tests.text_writes:Happened", b"{}"), first])
        with recorder.datastore.get_connection() as conn:
            assert conn.info.transaction_status == TransactionStatus.IDLE
    assert paths == [way, way]
    assert recorder.max_notification_id() == before


@contextmanager
def conforming_strings(recorder: InDoubtRecorder, value: str) -> Iterator[None]:
    """standard_conforming_strings set to ``value`` on the connection the body holds (``one_connection``)."""
    with recorder.datastore.get_connection() as conn:
        conn.execute(f"SET standard_conforming_strings = {value}")
    try:
        yield
    finally:
        with recorder.datastore.get_connection() as conn:
            conn.execute("RESET standard_conforming_strings")
