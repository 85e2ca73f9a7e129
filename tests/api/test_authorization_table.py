"""Authorization written down and tested (issue 12, item 5): ``docs/AUTHORIZATION.md`` against the running schema.

A field without a row fails, a row without a field fails, and every cell is walked (``authorization_walk``): a
role let in where the table says no, or kept out where it says yes, fails with the cells that differ. A refused
mutation that appended an event fails inside the walk, and so does a query whose refusal reads differently for a
record that exists than for one that does not (it would tell that the record exists). Every role the table walks with
an institution is also walked without one, in every field: it must be kept out everywhere (issue 27, defect 7).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.bootstrap import Container
from tests.api.authorization_walk import LEAKS, ROLES, UNBOUND, fields, observe
from tests.world import World

TABLE = Path(__file__).resolve().parents[2] / "docs" / "AUTHORIZATION.md"


def documented() -> dict[str, dict[str, str]]:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[0] == "field" and header[1:] == list(ROLES), f"columns must be exactly {list(ROLES)}"
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[cells[0].strip("`")] = dict(zip(header[1:], cells[1:], strict=True))
    return table


def test_every_query_and_mutation_has_a_row_and_every_row_a_field() -> None:
    schema = {f"{operation} {name}" for operation, name, _ in fields()}
    rows = set(documented())
    assert not schema - rows, f"fields with no row in docs/AUTHORIZATION.md: {sorted(schema - rows)}"
    assert not rows - schema, f"rows for no field: {sorted(rows - schema)}"


@pytest.mark.parametrize("store", ["sqlite"])  # who may do what does not depend on the store
def test_every_cell_holds_against_the_running_schema(store: str, container: Container, world: World) -> None:
    expected, observed = documented(), observe(container, world)
    differing = [
        f"{field} as {role}: documented {expected[field][role]!r}, observed {observed[field][role]!r}"
        for field in observed
        for role in ROLES
        if expected.get(field, {}).get(role) != observed[field][role]
    ]
    assert not differing, "\n".join(differing)
    assert not LEAKS, "refusals that tell a record exists:\n" + "\n".join(LEAKS)
    assert not UNBOUND, "let in without the institution its role is bound to:\n" + "\n".join(UNBOUND)
