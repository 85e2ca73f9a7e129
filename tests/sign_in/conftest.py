"""Real OpenID providers on loopback with keys of their own, and one real ``kredensial serve`` per store trusting them
(issue 29, item 4): a university's identity provider (its students, its operators and its PDDIKTI feed, for its own
university only), the ministry's (LSP staff, applicants abroad), and one whose keys the rotation test turns over."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.bootstrap import bootstrap
from infra.settings import Settings
from tests.api.authorization_walk import Seeded, seed
from tests.assessment.lsp import LSP
from tests.conftest import RAN_PROCESSES, create_database, drop_database
from tests.servers import clean_env, free_port, served_process
from tests.sign_in.provider import AUDIENCE, ES256, Machine, OpenIDProvider, PagesClient, running_provider
from tests.world import OPERATOR, UNIVERSITY, Clock, World

KREDENSIAL = [sys.executable, "-m", "infra.main"]
OTHER_UNIVERSITY = "009999"
FEED = Machine("pddikti-feed", "feed-secret-" + "f" * 32)
STORES = ("sqlite", "postgres")
# kredensial's pages as the providers' client: the campus's confidential (a secret, read from a file), the ministry's
# public (PKCE alone, and a resource indicator: its access tokens are for the ES256 resource).
CAMPUS_PAGES_SECRET = "pages-secret-" + "p" * 32
CAMPUS_PAGES, MINISTRY_PAGES = "kredensial-pages", "kredensial-pages-public"
# Account id at the provider -> the claims its access tokens carry (what a kredensial mapping reads).
CAMPUS_ACCOUNTS: dict[str, dict[str, Any]] = {
    "budi": {"nim": "2020001", "name": "Budi Santoso"},
    "siti": {"roles": ["operator"], "university": UNIVERSITY},
    "joko": {"roles": ["operator"], "university": OTHER_UNIVERSITY},  # claims another university than its SSO's
    "tamu": {"name": "someone the university knows, with no role here"},  # no mapping holds
}
MINISTRY_ACCOUNTS: dict[str, dict[str, Any]] = {
    "kabag-s": {"roles": ["kabag_sertifikasi"], "lsp": LSP},
    "akun-rina": {"portal": "applicant", "name": "Rina Wijaya"},  # the seeded equivalency application's account
}


def _feed_mapping(institution: str) -> dict[str, Any]:
    return {
        "when": {"claim": "client_id", "equals": FEED.client_id},
        "role": "pddikti_sync",
        "institution": {"value": institution},
        "id": {"claim": "client_id"},
    }


def issuers_file(campus: str, ministry: str, rotating: str, secret_file: Path | None = None) -> dict[str, Any]:
    """The issuers a real installation would list, in the agreed format (README, "Signing in"); the campus's and
    the ministry's sign people in to the pages too (their ``client`` blocks)."""
    algorithms = ["RS256", "ES256"]
    campus_client = {
        "name": "kampus",
        "label": "SSO Universitas",
        "client_id": CAMPUS_PAGES,
        "client_secret_file": str(secret_file),
        "scopes": ["openid", "kredensial"],
    }
    ministry_client = {
        "name": "kementerian",
        "client_id": MINISTRY_PAGES,
        "scopes": ["openid", "kredensial"],
        "resource": ES256,
    }
    return {
        "issuers": [
            {
                "issuer": campus,
                "audience": AUDIENCE,
                "algorithms": algorithms,
                "institutions": [UNIVERSITY],
                **({"client": campus_client} if secret_file else {}),
                "mappings": [
                    {
                        "when": {"claim": "roles", "contains": "operator"},
                        "role": "university_operator",
                        "institution": {"claim": "university"},
                        "id": {"claim": "sub"},
                    },
                    {
                        "when": {"claim": "nim", "present": True},
                        "role": "student",
                        "institution": {"value": UNIVERSITY},
                        "id": {"claim": "nim"},
                    },
                    _feed_mapping(UNIVERSITY),
                ],
            },
            {
                "issuer": ministry,
                "audience": AUDIENCE,
                "algorithms": algorithms,
                **({"client": ministry_client} if secret_file else {}),
                "mappings": [
                    {
                        "when": {"claim": "roles", "contains": "kabag_sertifikasi"},
                        "role": "kabag_sertifikasi",
                        "institution": {"claim": "lsp"},
                        "id": {"claim": "sub"},
                    },
                    {"when": {"claim": "portal", "equals": "applicant"}, "role": "applicant", "id": {"claim": "sub"}},
                ],
            },
            {
                "issuer": rotating,
                "audience": AUDIENCE,
                "algorithms": algorithms,
                "institutions": [UNIVERSITY],
                "mappings": [_feed_mapping(UNIVERSITY)],
            },
        ]
    }


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    """The port each store's ``serve`` will listen on, chosen before the providers start: their clients name its
    callback."""
    return {store: free_port() for store in STORES}


def callbacks(ports: dict[str, int]) -> tuple[str, ...]:
    return tuple(f"http://127.0.0.1:{port}/signin/callback" for port in ports.values())


@pytest.fixture(scope="module")
def campus(tmp_path_factory: pytest.TempPathFactory, ports: dict[str, int]) -> Iterator[OpenIDProvider]:
    pages = PagesClient(CAMPUS_PAGES, callbacks(ports), CAMPUS_PAGES_SECRET)
    workdir = tmp_path_factory.mktemp("campus-idp")
    with running_provider(workdir, accounts=CAMPUS_ACCOUNTS, machines=[FEED], pages=pages) as p:
        yield p


@pytest.fixture(scope="module")
def ministry(tmp_path_factory: pytest.TempPathFactory, ports: dict[str, int]) -> Iterator[OpenIDProvider]:
    pages = PagesClient(MINISTRY_PAGES, callbacks(ports))
    workdir = tmp_path_factory.mktemp("ministry-idp")
    with running_provider(workdir, accounts=MINISTRY_ACCOUNTS, machines=[], pages=pages) as p:
        yield p


@pytest.fixture(scope="module")
def rotating(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIDProvider]:
    with running_provider(tmp_path_factory.mktemp("rotating-idp"), accounts={}, machines=[FEED]) as p:
        yield p


@dataclass
class Served:
    """A real ``kredensial serve`` trusting the providers; every token sent to it is kept, to look for in its log."""

    url: str
    log: Path
    seeded: Seeded
    store: str
    secret: str  # the development tokens' secret: a production install (PostgreSQL here) refuses their tokens
    sent: list[str] = field(default_factory=list)

    def graphql(self, token: str, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        self.sent.append(token)
        return httpx.post(
            self.url + "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )

    def data(self, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.graphql(token, query, variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body
        return dict(body["data"])


def _environment(store: str, workdir: Path) -> tuple[dict[str, str], str | None]:
    env = {
        "KREDENSIAL_DATA_DIR": str(workdir / "var"),
        "KREDENSIAL_SECRET": "test-secret-" + "x" * 32,
        "KREDENSIAL_MASTER_KEY": "11" * 32,
        "KREDENSIAL_WAIT_TIMEOUT": "30",
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
    }
    if store == "sqlite":
        return env, None
    from tests.signed_pdfs import pdf_signing_env  # pyHanko loads only for PostgreSQL runs

    database = create_database()
    return {**env, "KREDENSIAL_DATABASE_URL": database, **pdf_signing_env(workdir / "pki")}, database


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    campus: OpenIDProvider,
    ministry: OpenIDProvider,
    rotating: OpenIDProvider,
    ports: dict[str, int],
) -> Iterator[Served]:
    """A world seeded in every context (the authorization walk's), then ``serve`` on it with the issuers file."""
    workdir = tmp_path_factory.mktemp(f"serve-{request.param}")
    env, database = _environment(request.param, workdir)
    try:
        clock = Clock(datetime(2024, 8, 1, 3, 0, tzinfo=UTC))
        container = bootstrap(Settings.from_env(env), clock=clock)
        try:
            world = World(container, clock)
            world.university(OTHER_UNIVERSITY, "Universitas Lain")
            seeded = seed(container, world)
            # the student's DPI, finished at graduation: a signed PDF for them to download from their page
            container.services.submission.commands.finish_dpi(university_code=UNIVERSITY, nim="2020001", cause=OPERATOR)
            world.project()
        finally:
            container.close()
        secret_file = workdir / "campus-client-secret"
        secret_file.write_text(CAMPUS_PAGES_SECRET + "\n")
        secret_file.chmod(0o600)
        issuers = workdir / "issuers.json"
        listed = issuers_file(campus.issuer, ministry.issuer, rotating.issuer, secret_file)
        issuers.write_text(json.dumps(listed, indent=2))
        port = ports[request.param]
        command = [*KREDENSIAL, "serve", "--port", str(port)]
        serve_env = {
            **clean_env(),
            **env,
            "KREDENSIAL_OIDC_ISSUERS": str(issuers),
            "KREDENSIAL_PUBLIC_URL": f"http://127.0.0.1:{port}",  # where the providers send people back
        }
        log = workdir / "serve.log"
        with log.open("wb") as output, served_process(command, serve_env, port, output) as url:
            yield Served(url, log, seeded, request.param, env["KREDENSIAL_SECRET"])
    finally:
        if database:
            drop_database(database)
    node = subprocess.run([shutil.which("node") or "node", "--version"], capture_output=True, text=True, check=False)
    RAN_PROCESSES.append(
        f"tests/sign_in: oidc-provider 8.8.1 under Node {node.stdout.strip()} (3 issuers), kredensial serve on "
        f"{request.param}"
    )
