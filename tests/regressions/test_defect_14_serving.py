"""Defect 14 (serving part): ``serve`` printed no /sivil URL and ``GET /`` was a 404. ``serve`` now prints the
URLs it serves with the configured host and port, and ``/`` lists the endpoints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.http import create_app
from infra.bootstrap import Container, bootstrap
from infra.main import cli as build_cli
from infra.settings import Settings


def test_the_root_lists_graphql_sivil_and_health(container: Container) -> None:
    with TestClient(create_app(container.services)) as http:
        index = http.get("/")
    assert index.status_code == 200 and "text/html" in index.headers["content-type"]
    for path in ('href="/graphql"', 'href="/sivil"', 'href="/health"'):
        assert path in index.text
    assert "works offline" in index.text  # GraphiQL's scripts are served from the package (issue 32)


@pytest.mark.parametrize(("host", "shown"), [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("::1", "[::1]")])
def test_serve_prints_the_urls_it_serves_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str, shown: str
) -> None:
    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: ran.update(kw))
    settings = Settings.from_env(
        {
            "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
            "KREDENSIAL_SECRET": "s" * 40,
            "KREDENSIAL_MASTER_KEY": "33" * 32,
            "KREDENSIAL_HOST": host,
            "KREDENSIAL_PORT": "8123",
        }
    )
    booted: list[Container] = []
    cli = build_cli(
        lambda: booted.append(bootstrap(settings)) or booted[-1],
        serve_settings=lambda: (settings.host, settings.port, False),
    )
    try:
        result = CliRunner().invoke(cli, ["serve"])
    finally:
        for container in booted:
            container.close()
    assert result.exit_code == 0, result.output
    assert f"http://{shown}:8123/graphql" in result.output
    assert f"http://{shown}:8123/sivil" in result.output
    assert ran["host"] == host and ran["port"] == 8123
    assert ran["proxy_headers"] is False  # defect 4: only KREDENSIAL_TRUSTED_PROXIES decides (PIN-6)
