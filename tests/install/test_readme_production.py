"""Issue 28, item 6: the README's PostgreSQL block, run as written on a fresh PostgreSQL of the test's own (at
PostgreSQL's default ``max_connections = 100``), then the README's first GraphQL session against what it started
(``serve --workers 2`` and a worker).

Only where things are changes: the server's port and user (``initdb`` on a free port), the directory ``init``
writes, and ``./run`` as this Python. Before issue 28 the block died at start (no keys set, a variable named that
does not exist), then ``serve`` and ``worker`` raced on creating the tables, then the pair held 50 connections.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psycopg
import pytest

from infra.install import read_env_file
from tests.regressions.test_defect_14_readme import README, first_session, run_session
from tests.scale.standby import own_cluster
from tests.servers import clean_env, free_port

pytestmark = pytest.mark.postgres


def production_block() -> str:
    block = re.search(r"## PostgreSQL\n.*?```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README has no PostgreSQL block"
    return block.group(1)


def placed(script: str, port: int, etc: Path) -> str:
    """The block with this test's server, directory and Python; each replaced text must be in the block."""
    python = f"{shlex.quote(sys.executable)} -m infra.main"
    for old, new in [
        ("-h 127.0.0.1 -U root kredensial", f"-h 127.0.0.1 -p {port} -U postgres kredensial"),
        ("postgresql://root@127.0.0.1:5432/kredensial", f"postgresql://postgres@127.0.0.1:{port}/kredensial"),
        ("/etc/kredensial", str(etc)),
        ("./run kredensial", python),
    ]:
        assert old in script, f"the README's PostgreSQL block no longer has {old!r}"
        script = script.replace(old, new)
    return script


def test_the_readme_production_block_starts_and_serves_the_first_session(tmp_path: Path) -> None:
    with own_cluster(max_connections=100) as cluster:
        port = urlparse(cluster.url).port or 5432
        with psycopg.connect(cluster.url.replace("/kredensial", "/postgres"), autocommit=True) as db:
            db.execute("DROP DATABASE kredensial")  # the block creates it
        etc, api_port = tmp_path / "etc", free_port()
        env = {**clean_env(), "KREDENSIAL_PORT": str(api_port), "KREDENSIAL_DATA_DIR": str(tmp_path / "var")}
        # The first session signs in with `kredensial token`, which a production install takes only when allowed (issue
        # 29): the block itself names the issuers file people sign in with.
        env["KREDENSIAL_ALLOW_DEV_TOKENS"] = "1"
        block = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", placed(production_block(), port, etc)],
            env=env,
            cwd=README.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # serve in the background and worker in the foreground: one group to stop
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{api_port}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if block.poll() is not None or time.monotonic() > deadline:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(block.pid, signal.SIGTERM)
                    _, stderr = block.communicate(timeout=30)
                    raise AssertionError(stderr.decode()[-3000:])
                time.sleep(0.2)
            session_env = {**env, **read_env_file(etc / "kredensial.env")}
            # Issue 29: people sign in through the issuers file init wrote (an example, for the operator to edit)
            assert session_env["KREDENSIAL_OIDC_ISSUERS"] == str(etc / "issuers.json")
            me = httpx.get(f"http://127.0.0.1:{api_port}/me", timeout=10)
            assert me.status_code == 200 and "/signin?issuer=kampus" in me.text, me.text
            _, answers = run_session(first_session(), session_env, README.parent)
            assert next(a["data"]["diploma"] for a in answers if "diploma" in a["data"])["status"] == "PAIRED"
            with psycopg.connect(cluster.url, autocommit=True) as db:
                row = db.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'kredensial/%'")
                held = row.fetchone()
            assert held is not None and held[0] <= 30  # two API processes and a worker: 10 each at most
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(block.pid, signal.SIGTERM)
            block.wait(timeout=30)
