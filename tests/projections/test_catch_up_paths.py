"""Catch-up at batch speed (issue 35, item 4) writes what the plain path writes: a batch's keys read in one query,
its inserts sent per table as one statement over arrays (PostgreSQL), and every read model the same, row for row."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
import pytest

from benchmarks import cohort
from domain.personal import PersonalData
from domain.registry.student import Student
from infra import multirow
from infra.bootstrap import Container
from projections.batched import Batched
from projections.store import Params, Row
from tests.fixtures import event_log


def test_the_batched_path_and_the_plain_path_rebuild_every_read_model_to_the_same_rows(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_log.load_into(container)  # every event class of v1: corrections, withdrawals, an erasure, annulments
    # beside the fixture's university; long runs of the same statements
    cohort.eligible_cohort(container.services.diploma.commands, 120, "009009")
    worker = container.worker
    worker.catch_up()

    def rebuilt(batched: bool) -> dict[str, list[dict[str, Any]]]:
        worker.batched = batched
        worker.keys = container.services.diploma.commands.sealer if batched else None  # type: ignore[assignment]
        for name in worker.projections:
            worker.rebuild(name)
        assert all(s.failure_count == 0 and s.position == s.head for s in worker.status())
        return event_log.read_models(container)

    batched, plain = rebuilt(batched=True), rebuilt(batched=False)
    assert batched == plain
    assert len(batched["eligibility_reports"]) > 960 and len(batched["numbering_students"]) > 120


def test_a_batch_unseals_with_the_keys_it_read_in_one_query_and_an_erased_subject_reads_as_erased(
    container: Container,
) -> None:
    vault: Any = container.services.diploma.commands.sealer
    kept, erased, unknown = (Student.create_id("001002", nim) for nim in ("1", "2", "3"))
    sealed = [vault.seal(s, PersonalData(full_name=f"Nama {s}")) for s in (kept, erased)]
    vault.erase(erased, "2026-12-07T00:00:00+00:00")
    queries: list[str] = []
    query = vault.store.query
    vault.store.query = lambda sql, params=None: queries.append(sql) or query(sql, params)
    try:
        with vault.unsealing([kept, erased, unknown]):
            assert len(queries) == 1
            assert vault.unseal(sealed[0]) == PersonalData(full_name=f"Nama {kept}")
            assert vault.unseal(sealed[1]) is None
            assert len(queries) == 1
        assert vault.unseal(sealed[0]) is not None and len(queries) == 2  # outside the batch: a query of its own
    finally:
        vault.store.query = query


def test_an_insert_run_is_cut_before_a_row_whose_conflict_key_the_statement_already_has() -> None:
    sql = (
        "INSERT INTO r (u, nim, period, ipk) VALUES (:u, :nim, :p, :ipk)"
        " ON CONFLICT (u, nim, period) DO UPDATE SET ipk = excluded.ipk"
    )
    found = multirow.shape(sql)
    assert found is not None and found.key == ("u", "nim", "p")
    rows = [{"u": "1", "nim": n, "p": p, "ipk": i} for n, p, i in [("a", "1", 3), ("b", "1", 2), ("a", "1", 4)]]
    types = {"u": "text", "nim": "text", "period": "text", "ipk": "integer"}
    sent = multirow.statements(found, types, rows)
    assert [orjson.loads(r) for _, r in sent] == [rows[:2], rows[2:]]
    assert sent[0][0] == (
        'INSERT INTO r (u, nim, period, ipk) SELECT r."u", r."nim", r."p", r."ipk" FROM json_to_recordset(%s::json)'
        ' AS r("u" text, "nim" text, "p" text, "ipk" integer)'
        " ON CONFLICT (u, nim, period) DO UPDATE SET ipk = excluded.ipk"
    )
    with pytest.raises(TypeError):  # a date would reach a TEXT column spelled otherwise than psycopg spells it
        multirow.statements(found, types, [{**rows[0], "ipk": date(2026, 1, 1)}])
    assert multirow.shape("INSERT INTO r (u) VALUES (CAST(:u AS TEXT))") is None  # an expression: one by one
    assert multirow.shape("INSERT INTO r (u) VALUES (:u) ON CONFLICT (u) DO UPDATE SET n = :n") is None


def test_an_update_run_is_one_statement_matching_its_rows_and_is_cut_before_a_row_whose_key_it_already_has() -> None:
    sql = "UPDATE s SET number = :n, day = :d WHERE u = :u AND nim = :nim"
    found = multirow.shape(sql)
    assert found is not None and found.key == ("u", "nim") and found.where == ("u", "nim")
    rows = [{"u": "1", "nim": n, "n": x, "d": None} for n, x in [("a", "x"), ("b", "y"), ("a", "z")]]
    types = {"number": "text", "day": "text", "u": "text", "nim": "text"}
    sent = multirow.statements(found, types, rows)
    assert [orjson.loads(r) for _, r in sent] == [rows[:2], rows[2:]]  # "a" twice: the later one lands last
    assert sent[0][0] == (
        'UPDATE s SET number = _rows."n", day = _rows."d" FROM json_to_recordset(%s::json)'
        ' AS _rows("n" text, "d" text, "u" text, "nim" text) WHERE s.u = _rows."u" AND s.nim = _rows."nim"'
    )
    for other in (
        "UPDATE s SET n = :n WHERE u = :u OR nim = :nim",  # OR, an expression, a constant: one by one
        "UPDATE s SET n = :n + 1 WHERE u = :u",
        "UPDATE s SET n = 'x' WHERE u = :u",
        "UPDATE s SET n = :new WHERE u = :u AND n = :old",  # a row's match would depend on the update before it
        "UPDATE s SET n = :n WHERE u = :n",
        "UPDATE s SET n = t.n FROM t WHERE t.u = s.u",
        "UPDATE s SET n = :n WHERE u = :u RETURNING n",
    ):
        assert multirow.shape(other) is None, other


def test_runs_are_kept_per_table_in_the_order_of_each_table_and_a_statement_reading_another_table_waits_for_all() -> (
    None
):
    tx = Recording()
    batched = Batched(tx)
    for i in range(3):  # a student's registration, then its reports, student after student
        batched.execute("INSERT INTO students (nim) VALUES (:n)", {"n": i})
        batched.execute("INSERT INTO reports (nim) VALUES (:n)", {"n": i})
    batched.execute("UPDATE students SET g = :g WHERE nim = :n", {"g": 1, "n": 0})  # sends the students' run first
    batched.execute("INSERT INTO reports (nim) VALUES (:n)", {"n": 3})
    batched.execute("UPDATE reports SET x = s.g FROM students s WHERE s.nim = reports.nim", {})  # sends everything
    batched.flush()
    assert tx.sent == [  # other tables' runs in any order; each table's in its own
        ("INSERT INTO students", 3),
        ("INSERT INTO reports", 4),
        ("UPDATE students SET", 1),
        ("UPDATE reports SET", 1),
    ]


class Recording:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def execute(self, sql: str, params: Params | None = None) -> int:
        self.sent.append((" ".join(sql.split()[:3]), 1))
        return 1

    def execute_many(self, sql: str, params: list[Params]) -> None:
        self.sent.append((" ".join(sql.split()[:3]), len(params)))

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        return []


def test_a_long_upsert_run_lands_as_one_statement_each_would_whether_or_not_a_key_is_there_already(
    container: Container,
) -> None:
    """A long run goes first without its conflict clause (PostgreSQL); a clash falls back to the clause."""
    store = container.stores[0]
    upsert = "INSERT INTO upserted (k, v) VALUES (:k, :v) ON CONFLICT (k) DO UPDATE SET v = excluded.v"
    rows = [{"k": f"k{i:03}", "v": i} for i in range(multirow.OPTIMISTIC + 20)]
    with store.transaction() as tx:
        tx.execute("CREATE TABLE upserted (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
        tx.execute_many(upsert, rows)  # all new
    with store.transaction() as tx:
        tx.execute("INSERT INTO upserted (k, v) VALUES ('extra', 0)")
        tx.execute_many(upsert, [{**row, "v": -row["v"]} for row in rows[: multirow.OPTIMISTIC]])  # all there
        tx.execute_many(
            "INSERT INTO upserted (k, v) VALUES (:k, :v) ON CONFLICT (k) DO NOTHING",
            [{"k": f"n{i:03}", "v": 1} for i in range(multirow.OPTIMISTIC)] + [{"k": "k000", "v": 7}],  # one there
        )
    found = {r["k"]: r["v"] for r in store.query("SELECT k, v FROM upserted")}
    assert found == {
        **{row["k"]: -row["v"] for row in rows[: multirow.OPTIMISTIC]},
        **{row["k"]: row["v"] for row in rows[multirow.OPTIMISTIC :]},
        **{f"n{i:03}": 1 for i in range(multirow.OPTIMISTIC)},
        "extra": 0,  # the transaction's own write before the clash stays
    }
    found_shape = multirow.shape(upsert)
    assert found_shape is not None
    [(text, _)] = multirow.statements(found_shape, {"k": "text", "v": "integer"}, rows[:1])
    assert multirow.without_conflict(found_shape, text) == text.split(" ON CONFLICT")[0]
