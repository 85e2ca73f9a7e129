"""Issue 27, item 10: a second ``rebuild`` of the same read model crashed with a traceback.

One rebuild at a time per read model, across processes (a PostgreSQL advisory lock, or an flock beside the SQLite
files): the second ``kredensial rebuild`` is refused with one clear line and a non-zero exit, and touches nothing;
the first finishes; once it has, the next one runs. Real processes, on both stores.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from projections.worker import RebuildRunning
from tests.api.test_processes import KREDENSIAL
from tests.servers import process_env
from tests.world import PRODI, UNIVERSITY, World

# The first rebuild, held just before its swap until the test lets it go: a slow rebuild, made slow on purpose.
HELD_BEFORE_SWAP = """
import sys, time
from pathlib import Path
from projections.worker import ProjectionWorker

started, release = Path(sys.argv[1]), Path(sys.argv[2])
swap = ProjectionWorker._swap
def held(self, *args, **kw):
    started.touch()
    while not release.exists():
        time.sleep(0.05)
    return swap(self, *args, **kw)
ProjectionWorker._swap = held
sys.argv = ["kredensial", "rebuild", "sivil"]
from infra.main import main
main()
"""
REFUSAL = "kredensial rebuild: a rebuild of sivil is already running; try again once it has finished"


def test_a_second_rebuild_of_the_same_model_is_refused_with_one_line_while_the_first_runs(
    world: World, tmp_path: Path
) -> None:
    world.university()
    world.programme()
    nina = world.paired()
    world.project()
    env = process_env(world.container)
    started, release = tmp_path / "started", tmp_path / "release"
    first = subprocess.Popen(
        [KREDENSIAL[0], "-c", HELD_BEFORE_SWAP, str(started), str(release)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()[1].decode()[-2000:]
            time.sleep(0.05)

        second = subprocess.run([*KREDENSIAL, "rebuild", "sivil"], env=env, capture_output=True, timeout=60)
        said = second.stderr.decode()
        assert second.returncode == 1, said
        assert "Traceback" not in said
        assert (
            said.strip() == "kredensial rebuild: a rebuild of sivil is already running; try again once it has finished"
        )
    finally:
        release.touch()
        _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err.decode()[-2000:]
    assert "Traceback" not in err.decode()

    world.container.worker.rebuild("sivil")  # the lock went with the first process
    entry = world.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None and entry.nina == nina


def test_the_lock_is_per_read_model(world: World) -> None:
    world.university()
    world.project()
    worker = world.container.worker
    with worker.exclusive("rebuild-sivil") as held:  # the lock another process's rebuild of sivil would hold
        assert held
        with pytest.raises(RebuildRunning):
            worker.rebuild("sivil")
        worker.rebuild("eligibility")  # another read model rebuilds meanwhile
    worker.rebuild("sivil")
