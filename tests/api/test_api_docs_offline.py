"""The REST routes' page (``/docs``) works offline: opened in Debian's Chromium with every request beyond this
machine refused, Swagger UI draws the routes from ``/openapi.json``; its files come from the package."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright

from api import api_docs
from api.http import create_app
from infra.bootstrap import Container
from tests.api.test_graphiql_offline import loopback_only, server  # noqa: F401  (server: the fixture)
from tests.api.test_sivil_browser import CHROMIUM, FLAGS


@pytest.fixture
def store() -> str:
    return "sqlite"  # the page is the same on both stores


@pytest.mark.browser
def test_the_docs_page_draws_the_routes_with_the_network_cut_off(server: str) -> None:  # noqa: F811
    refused: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context()
            context.route("**/*", loopback_only(server, refused))
            page = context.new_page()
            failures: list[str] = []
            page.on("pageerror", lambda error: failures.append(str(error)))
            page.goto(server + "/docs")
            page.locator(".opblock-summary-path", has_text="/audit/checkpoints").first.wait_for(timeout=20_000)
            assert failures == []
        finally:
            browser.close()
    assert refused == []  # nothing on the page reached beyond this server


def test_the_page_names_only_local_files_under_a_policy_that_allows_them(container: Container) -> None:
    with TestClient(create_app(container.services)) as http:
        page = http.get("/docs")
        assert page.status_code == 200 and "SwaggerUIBundle" in page.text
        assert "https://" not in page.text and "http://" not in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "connect-src 'self'" in policy
        assert http.get("/redoc").status_code == 404  # ReDoc needs a CDN: not served


@pytest.mark.parametrize("name", sorted(api_docs.MEDIA_TYPES))
def test_the_files_are_served_from_the_package_cached_for_good_and_installed(container: Container, name: str) -> None:
    with TestClient(create_app(container.services)) as http:
        asset = http.get(api_docs.BASE + name)
    assert asset.status_code == 200 and asset.content == (api_docs.ASSETS / name).read_bytes()
    assert asset.headers["content-type"].startswith(api_docs.MEDIA_TYPES[name])
    assert "immutable" in asset.headers["cache-control"]
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["api"]
    assert any(fnmatch(f"static/swagger-ui/{name}", glob) for glob in globs)
    assert (api_docs.ASSETS / name).parent.joinpath("LICENSE").read_text().lstrip().startswith("Apache License")
