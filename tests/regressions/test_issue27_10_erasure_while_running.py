"""Issue 27, item 10: an erasure (UU PDP) interrupted between its event and its key's destruction left the person's
data readable until the worker restarted; the worker finished such erasures only on start-up.

A running ``kredensial worker`` now looks for them every ``KREDENSIAL_ERASURE_SWEEP_SECONDS`` (30 by default, so
within a minute); the test sets 1 s. The erasure is interrupted as in the issue 7 defect 10 test, after the worker
has started. On both stores.
"""

from __future__ import annotations

import subprocess
import time

import pytest

from infra.settings import Settings
from projections import tracking
from tests.api.test_processes import KREDENSIAL
from tests.regressions.test_defect_10_erasure_retry import interrupted_erasure, readable
from tests.servers import process_env
from tests.world import World


def test_a_running_worker_finishes_an_erasure_interrupted_after_it_started(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    world.student("2020002")
    env = process_env(world.container, KREDENSIAL_ERASURE_SWEEP_SECONDS="1")
    worker = subprocess.Popen([*KREDENSIAL, "worker"], env=env, stderr=subprocess.PIPE)
    try:  # running: it has projected what was there (its start-up sweep came before)
        tracking.wait(world.container.worker.store, "numbering", "diplomas", world.position(), timeout=60)
        interrupted_erasure(world, "2020001", monkeypatch)
        interrupted = time.monotonic()
        while readable(world, "2020001") and time.monotonic() - interrupted < 15:
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:] if worker.stderr else ""
            time.sleep(0.1)
        took = time.monotonic() - interrupted
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert not readable(world, "2020001"), "the erasure was not finished while the worker ran"
    assert took < 5  # a one-second sweep, with room for a busy machine
    assert readable(world, "2020002")  # never erased: untouched


def test_the_sweep_runs_within_a_minute_by_default() -> None:
    assert Settings.from_env({"KREDENSIAL_SECRET": "s", "KREDENSIAL_MASTER_KEY": "11" * 32}).erasure_sweep_seconds <= 60
