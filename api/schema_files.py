"""The committed SDL of the three GraphQL endpoints (``schema/*.graphql``) and the changelog of their breaking
changes (``docs/SCHEMA_CHANGELOG.md``), kept by ``kredensial schema --write`` (issue 32).

Writing compares each new schema with the committed one by graphql-core's ``find_breaking_changes``; a breaking
change the changelog does not yet name is added to its "Unreleased" section, for the author to explain to clients.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import strawberry
from graphql import build_schema, find_breaking_changes

from api.sdl import sdl

UNRELEASED = "## Unreleased"
CHANGELOG_HEAD = """# Breaking changes of the GraphQL schemas

What a client written against an earlier schema must change. Additions (a new type, field or optional argument)
are not listed: they break no client. `kredensial schema --write` adds each breaking change it finds between the
committed SDL (`schema/*.graphql`) and the code under "Unreleased"; say there what clients should do instead,
and move the lines under a dated heading when the change is deployed.

"""


@dataclass(frozen=True)
class Endpoint:
    file: str  # in schema/
    path: str  # where it is served; its SDL at path + /schema.graphql
    schema: Callable[[], strawberry.Schema]


def _staff() -> strawberry.Schema:
    from api.graphql.schema import schema

    return schema


def _sivil() -> strawberry.Schema:
    from api.sivil.schema import public_schema

    return public_schema(with_history=True)  # the real SIVIL view keeps the status history


def _sertifikat() -> strawberry.Schema:
    from api.competency import schema

    return schema


ENDPOINTS = (
    Endpoint("staff.graphql", "/graphql", _staff),
    Endpoint("sivil.graphql", "/sivil/graphql", _sivil),
    Endpoint("sertifikat.graphql", "/sertifikat/graphql", _sertifikat),
)
WRITE_COMMAND = "./run kredensial schema --write"


@dataclass(frozen=True)
class Outcome:
    changed: tuple[str, ...]  # files whose SDL differs from the code's
    unnoted: tuple[str, ...]  # changelog lines for breaking changes it does not name yet


def breaking_changes(endpoint: Endpoint, old_sdl: str, new_sdl: str) -> list[str]:
    """One changelog line per breaking change from ``old_sdl`` to ``new_sdl``."""
    if not old_sdl.strip():
        return []  # a new endpoint breaks nobody
    changes = find_breaking_changes(build_schema(old_sdl), build_schema(new_sdl))
    return [f"- `{endpoint.path}`: {change.description} ({change.type.name})" for change in changes]


def compare(directory: Path, changelog: Path) -> Outcome:
    """What ``--write`` would change, and which breaking changes the changelog does not name."""
    noted = changelog.read_text("utf-8") if changelog.exists() else ""
    changed: list[str] = []
    unnoted: list[str] = []
    for endpoint in ENDPOINTS:
        committed = directory / endpoint.file
        old = committed.read_text("utf-8") if committed.exists() else ""
        new = sdl(endpoint.schema())
        if old != new:
            changed.append(endpoint.file)
            unnoted += [line for line in breaking_changes(endpoint, old, new) if line not in noted]
    return Outcome(tuple(changed), tuple(unnoted))


def write(directory: Path, changelog: Path) -> Outcome:
    """Writes every endpoint's SDL, and the breaking changes not yet noted into the changelog's Unreleased."""
    outcome = compare(directory, changelog)
    if outcome.unnoted:
        changelog.write_text(with_unreleased(_read(changelog), outcome.unnoted), "utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    for endpoint in ENDPOINTS:
        if endpoint.file in outcome.changed:
            (directory / endpoint.file).write_text(sdl(endpoint.schema()), "utf-8")
    return outcome


def with_unreleased(text: str, lines: tuple[str, ...]) -> str:
    """The changelog with ``lines`` at the end of its Unreleased section, made before the first dated one."""
    if UNRELEASED not in text:
        first = text.find("\n## ")
        at = len(text) if first < 0 else first + 1
        text = text[:at].rstrip("\n") + f"\n\n{UNRELEASED}\n" + ("\n" + text[at:] if first >= 0 else "")
    start = text.index(UNRELEASED) + len(UNRELEASED)
    following = text.find("\n## ", start)
    end = len(text) if following < 0 else following + 1
    entries = [*text[start:end].strip("\n").splitlines(), *lines]
    rest = text[end:]
    return text[:start] + "\n\n" + "\n".join(entries) + "\n" + ("\n" + rest if rest else "")


def _read(changelog: Path) -> str:
    return changelog.read_text("utf-8") if changelog.exists() else CHANGELOG_HEAD
