"""The GraphQL client the regression modules share: the whole app, its projections running in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from infra.bootstrap import Container
from tests.api.test_graphql import Client


@pytest.fixture
def client(container: Container) -> Iterator[Client]:
    with TestClient(create_app(container.services, on_startup=container.start_worker)) as http:
        yield Client(http)
