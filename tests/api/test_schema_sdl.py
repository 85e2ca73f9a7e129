"""The GraphQL schemas clients are written against (issues 16 and 32): each endpoint serves its SDL at
``<endpoint>/schema.graphql``, and the committed copy in ``schema/`` is what it serves. A change to a type, a field,
an argument or a description shows as a diff of ``schema/*.graphql``, reviewed like any other change.

After an intended change: ``./run kredensial schema --write`` (it also adds breaking changes to
docs/SCHEMA_CHANGELOG.md), then review ``git diff schema docs/SCHEMA_CHANGELOG.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from api.schema_files import ENDPOINTS, UNRELEASED, WRITE_COMMAND, Endpoint, compare, with_unreleased, write
from infra.bootstrap import Container

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / "schema"
CHANGELOG = ROOT / "docs" / "SCHEMA_CHANGELOG.md"


@pytest.fixture
def store() -> str:
    return "sqlite"  # the schemas do not depend on the store


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.path)
def test_each_endpoint_serves_the_committed_sdl(http: TestClient, endpoint: Endpoint) -> None:
    served = http.get(endpoint.path + "/schema.graphql")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/plain")
    committed = (COMMITTED / endpoint.file).read_text("utf-8")
    assert served.text == committed, f"schema/{endpoint.file} is not what {endpoint.path} serves: run {WRITE_COMMAND}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.path)
def test_the_sdl_is_cached_and_revalidated_by_its_etag(http: TestClient, endpoint: Endpoint) -> None:
    first = http.get(endpoint.path + "/schema.graphql")
    etag = first.headers["etag"]
    assert "no-cache" in first.headers["cache-control"]
    again = http.get(endpoint.path + "/schema.graphql", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    changed = http.get(endpoint.path + "/schema.graphql", headers={"If-None-Match": '"another"'})
    assert changed.status_code == 200


def test_the_command_writes_what_is_served_and_then_finds_nothing_to_do(tmp_path: Path) -> None:
    changelog = tmp_path / "SCHEMA_CHANGELOG.md"
    written = write(tmp_path / "schema", changelog)
    assert set(written.changed) == {e.file for e in ENDPOINTS} and written.unnoted == ()  # new files break nobody
    for endpoint in ENDPOINTS:
        assert (tmp_path / "schema" / endpoint.file).read_text("utf-8") == (COMMITTED / endpoint.file).read_text()
    assert compare(tmp_path / "schema", changelog).changed == ()


def test_a_removed_field_is_added_to_the_changelog_once(tmp_path: Path) -> None:
    directory, changelog = tmp_path / "schema", tmp_path / "SCHEMA_CHANGELOG.md"
    write(directory, changelog)
    staff = directory / "staff.graphql"
    staff.write_text(staff.read_text().replace("type Query {\n", "type Query {\n  retired: Int!\n", 1))
    assert compare(directory, changelog).unnoted == ("- `/graphql`: Field Query.retired was removed. (FIELD_REMOVED)",)
    write(directory, changelog)
    assert "- `/graphql`: Field Query.retired was removed. (FIELD_REMOVED)" in changelog.read_text()
    staff.write_text(staff.read_text().replace("type Query {\n", "type Query {\n  retired: Int!\n", 1))
    assert compare(directory, changelog).unnoted == ()  # already noted: not added twice


def test_breaking_changes_go_at_the_end_of_unreleased_above_the_dated_sections() -> None:
    text = "# Head\n\nintro\n\n## 2026-12-07: first\n\nold\n"
    once = with_unreleased(text, ("- a",))
    assert once == "# Head\n\nintro\n\n## Unreleased\n\n- a\n\n## 2026-12-07: first\n\nold\n"
    assert with_unreleased(once, ("- b",)) == once.replace("- a\n", "- a\n- b\n")
    assert UNRELEASED in with_unreleased("# Head\n", ("- a",))


def test_the_committed_changelog_exists_and_names_the_command() -> None:
    assert "kredensial schema --write" in CHANGELOG.read_text("utf-8")
