"""GraphiQL offline (issue 32): each GraphQL endpoint's page, opened in Debian's Chromium with every request beyond
this machine refused, draws its editor, reads the schema and runs a query; its scripts come from the package."""

from __future__ import annotations

import socket
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Route, sync_playwright

from api import graphiql
from api.http import create_app
from api.schema_files import ENDPOINTS
from infra.bootstrap import Container
from tests.api.test_sivil_browser import CHROMIUM, FLAGS

pytestmark = pytest.mark.browser
PATHS = [endpoint.path for endpoint in ENDPOINTS]


@pytest.fixture
def store() -> str:
    return "sqlite"  # the page is the same on both stores


@pytest.fixture
def server(container: Container) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    uvi = uvicorn.Server(uvicorn.Config(create_app(container.services), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=uvi.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uvi.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    uvi.should_exit = True
    thread.join(timeout=10)
    sock.close()


def loopback_only(server: str, refused: list[str]) -> Callable[[Route], None]:
    """A browser route handler: requests to ``server`` go through; any other is aborted and noted in ``refused``."""

    def handle(route: Route) -> None:
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    return handle


def test_graphiql_runs_a_query_on_each_endpoint_with_the_network_cut_off(server: str) -> None:
    refused: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context()
            context.route("**/*", loopback_only(server, refused))
            for path in PATHS:
                page = context.new_page()
                failures: list[str] = []
                page.on("pageerror", lambda error, failures=failures: failures.append(str(error)))
                page.goto(server + path)
                page.locator(".graphiql-query-editor .CodeMirror").wait_for(timeout=20_000)
                page.evaluate(
                    "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('{ __typename }')"
                )
                page.click(".graphiql-execute-button")
                result = page.locator(".result-window")
                result.filter(has_text='"__typename": "Query"').wait_for(timeout=20_000)
                assert failures == [], (path, failures)
                page.close()
        finally:
            browser.close()
    assert refused == []  # nothing on the pages reached beyond this server


def test_the_page_names_only_local_scripts_under_a_policy_that_allows_them(container: Container) -> None:
    with TestClient(create_app(container.services)) as http:
        for path in PATHS:
            page = http.get(path, headers={"Accept": "text/html"})
            assert page.status_code == 200 and "graphiql" in page.text.lower()
            assert "unpkg" not in page.text and "https://" not in page.text
            policy = page.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "connect-src 'self'" in policy


@pytest.mark.parametrize("name", sorted(graphiql.MEDIA_TYPES))
def test_the_scripts_are_served_from_the_package_and_cached_for_good(container: Container, name: str) -> None:
    with TestClient(create_app(container.services)) as http:
        asset = http.get(graphiql.BASE + name)
        assert asset.status_code == 200 and asset.content == (graphiql.ASSETS / name).read_bytes()
        assert asset.headers["content-type"].startswith(graphiql.MEDIA_TYPES[name])
        assert "immutable" in asset.headers["cache-control"] and "max-age=31536000" in asset.headers["cache-control"]
        assert (graphiql.ASSETS / name).parent.joinpath("LICENSE").read_text().startswith("MIT License")


def test_nothing_but_the_listed_files_is_served(container: Container) -> None:
    with TestClient(create_app(container.services)) as http:
        for name in ("README.md", "../../graphiql.py", "graphiql-3.8.3/LICENSE", "%2e%2e/http.py"):
            missing = http.get(graphiql.BASE + name)
            assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_an_installed_package_carries_the_scripts() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["api"]
    for name in graphiql.MEDIA_TYPES:
        assert any(fnmatch(f"static/graphiql/{name}", glob) for glob in globs), name
