"""Issue 32, as the graduate does it: with their own token, against a real ``kredensial serve``, they read their
NINA through ``viewer``; a student of another university with the same NIM reads none."""

from __future__ import annotations

import sys

import httpx

from api.auth import mint
from domain.audit import Role
from infra.bootstrap import Container
from tests.servers import free_port, process_env, served_process
from tests.world import UNIVERSITY, World

KREDENSIAL = [sys.executable, "-m", "infra.main"]
DOCUMENT = """query($p: Int) { viewer { __typename ... on StudentViewer {
  record { nim standing } diploma(position: $p) { nina status } } } }"""


def test_a_graduate_reads_their_nina_through_viewer_on_a_real_server(container: Container, world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    nina = world.reserve("2020001").nina
    world.graduate("2020001")
    position = world.pair("2020001", nina).position
    secret = container.settings.secret
    graduate = mint(secret, subject="2020001", role=Role.STUDENT, institution=UNIVERSITY)
    stranger = mint(secret, subject="2020001", role=Role.STUDENT, institution="009999")
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], process_env(container), port) as url:

        def ask(token: str) -> dict[str, object]:
            response = httpx.post(
                url + "/graphql",
                json={"query": DOCUMENT, "variables": {"p": position}},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            body = response.json()
            assert "errors" not in body, body
            viewer: dict[str, object] = body["data"]["viewer"]
            return viewer

        assert ask(graduate) == {
            "__typename": "StudentViewer",
            "record": {"nim": "2020001", "standing": "GRADUATED"},
            "diploma": {"nina": nina, "status": "PAIRED"},
        }
        assert ask(stranger) == {"__typename": "StudentViewer", "record": None, "diploma": None}
