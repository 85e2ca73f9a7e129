"""Issue 27, defect 7: a ``pddikti_sync`` token without an institution acted nationally: it registered a university,
an accredited programme and a student at another university. Every role bound to an institution (a university's or
an LSP's) needs one in its token: without it the token is refused at sign-in, like any bad token, and
``kredensial token`` will not mint it. A university's feed reports only for its own university and never changes the
national registry. Tested through a real ``kredensial serve`` process, on both stores.
"""

from __future__ import annotations

import subprocess
from typing import Any

import httpx
import jwt

from api.auth import NOT_VALID, mint
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_processes import KREDENSIAL
from tests.servers import free_port, process_env, served_process
from tests.world import PRODI, UNIVERSITY, World

# A university's people and feed, and an LSP's: each acts for one institution. (The asesor is registered nationally
# and acts where assigned; national roles have no institution.)
BOUND = [
    Role.UNIVERSITY_OPERATOR,
    Role.UNIVERSITY_LEADER,
    Role.SSC_STAFF,
    Role.PDDIKTI_SYNC,
    Role.STUDENT,
    Role.KABAG_SERTIFIKASI,
    Role.KABAG_ADMINISTRASI,
    Role.KOMITE_TEKNIS,
    Role.KETUA_LSP,
    Role.ASESI,
]
OTHER = "009999"  # another university, registered, with its own programme
MUTATE = "mutation($input: {kind}!) {{ {name}(input: $input) {{ __typename ... on NotAuthorized {{ message }} }} }}"
PROGRAMME = {
    "universityCode": OTHER,
    "prodiCode": "55202",
    "name": "Sistem Informasi",
    "level": "S1",
    "orientation": "ACADEMIC",
    "accreditation": {"grade": "UNGGUL", "validFrom": "2019-01-01", "validUntil": "2029-12-31"},
}
STUDENT = {
    "universityCode": OTHER,
    "nim": "2020777",
    "prodiCode": PRODI,
    "entryPeriod": "20201",
    "fullName": "Budi Santoso",
    "nik": "3171234567890077",
}
ATTEMPTS = [
    ("registerUniversity", "RegisterUniversityInput", {"code": "009998", "name": "Universitas Baru"}),
    ("registerProgramme", "RegisterProgrammeInput", PROGRAMME),
    ("registerStudent", "RegisterStudentInput", STUDENT),
]


def signed_without_institution(role: Role, secret: str) -> str:
    """What ``mint`` no longer makes: signed with the server's own secret, valid in every other way."""
    claims = {"iss": "kredensial", "sub": "feed", "role": role.value, "inst": None, "exp": 2**31}
    return jwt.encode(claims, secret, algorithm="HS256")


def ask(url: str, token: str, name: str, kind: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        url + "/graphql",
        json={"query": MUTATE.format(kind=kind, name=name), "variables": {"input": variables}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"][name])


def heads(container: Container) -> list[int]:
    return [app.recorder.max_notification_id() or 0 for app in container.services.applications.values()]


def test_a_bound_role_without_an_institution_is_refused_at_sign_in_and_changes_nothing(
    container: Container, world: World
) -> None:
    world.university()
    world.university(OTHER, "Universitas Lain")
    world.programme(university=OTHER)
    secret = container.settings.secret
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], process_env(container), port) as url:
        before = heads(container)
        feed = signed_without_institution(Role.PDDIKTI_SYNC, secret)
        for name, kind, variables in ATTEMPTS:
            answer = ask(url, feed, name, kind, variables)
            assert answer["__typename"] == "NotAuthorized", (name, answer)
            assert answer["message"] == NOT_VALID, answer  # refused like any bad token (issue 29: one answer)
        for role in BOUND:  # every bound role: refused before any rule of a command
            answer = ask(url, signed_without_institution(role, secret), *ATTEMPTS[2])
            assert answer["__typename"] == "NotAuthorized" and answer["message"] == NOT_VALID, role
        assert heads(container) == before, "a refused command appended an event"


def test_a_universitys_feed_reports_only_for_its_own_university(container: Container, world: World) -> None:
    world.university()
    world.programme()
    world.university(OTHER, "Universitas Lain")
    world.programme(university=OTHER)
    own_feed = mint(container.settings.secret, subject="siakad", role=Role.PDDIKTI_SYNC, institution=UNIVERSITY)
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], process_env(container), port) as url:
        before = heads(container)
        for name, kind, variables in ATTEMPTS:  # another university's programme and student, the national registry
            assert ask(url, own_feed, name, kind, variables)["__typename"] == "NotAuthorized", name
        assert heads(container) == before, "a refused command appended an event"
        own = ask(url, own_feed, "registerStudent", "RegisterStudentInput", {**STUDENT, "universityCode": UNIVERSITY})
        assert own["__typename"] == "Accepted", own


def test_kredensial_token_refuses_a_bound_role_without_an_institution(container: Container) -> None:
    env = process_env(container)
    refused = subprocess.run(
        [*KREDENSIAL, "token", "--subject", "feed", "--role", "pddikti_sync"], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and not refused.stdout.strip(), refused
    assert "--institution" in refused.stderr
    minted = subprocess.run(
        [*KREDENSIAL, "token", "--subject", "feed", "--role", "pddikti_sync", "--institution", UNIVERSITY],
        env=env,
        capture_output=True,
        text=True,
    )
    assert minted.returncode == 0 and minted.stdout.count(".") == 2, minted


def test_the_bound_roles_are_the_policys() -> None:
    from application.authorization import INSTITUTION_BOUND

    assert set(BOUND) == INSTITUTION_BOUND
