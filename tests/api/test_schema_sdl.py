"""The GraphQL schemas clients are written against, pinned (issue 16): a change to a type, a field, an argument
or a description shows here as a diff of ``tests/api/schema/*.graphql``, reviewed like any other change.

After an intended change, write the files again:
``.venv/bin/python -m tests.api.test_schema_sdl`` and review ``git diff tests/api/schema``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import strawberry

from api.graphql.schema import schema
from api.sivil.schema import public_schema

PINNED = Path(__file__).parent / "schema"


def schemas() -> dict[str, strawberry.Schema]:
    return {
        "staff": schema,
        "public": public_schema(with_history=False),
        "public_with_history": public_schema(with_history=True),
    }


@pytest.mark.parametrize("name", ["staff", "public", "public_with_history"])
def test_the_schema_is_the_pinned_one(name: str) -> None:
    pinned = (PINNED / f"{name}.graphql").read_text("utf-8")
    assert schemas()[name].as_str() + "\n" == pinned


if __name__ == "__main__":
    for name, built in schemas().items():
        (PINNED / f"{name}.graphql").write_text(built.as_str() + "\n", "utf-8")
