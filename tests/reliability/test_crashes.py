"""Issue 14, item 3: processes killed with SIGKILL, on PostgreSQL, with records in every context.

A ``kredensial worker`` killed mid-batch, three times, then restarted, ends with read models equal to a clean
rebuild of every one (each batch and its tracking position commit together, so a killed batch is applied again
whole, never twice). A ``kredensial serve`` killed while commands are in flight leaves no command half applied: a
command's events are written in one transaction, so every NINA reserved has its sequence number and its claim,
every registration its sequence number, every blangko batch all its numbers.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth import mint
from application.registry.pddikti_import import import_file
from domain.assessment.blangko import Blangko
from domain.audit import Actor, Role
from domain.diploma.diploma import Diploma
from domain.diploma.numbering import NINAClaim, NINASequence
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.numbers import RegistrationSequence
from infra.bootstrap import Container
from infra.demo_data import write_cohort
from tests.api.authorization_walk import seed
from tests.assessment.lsp import LSP, Office
from tests.conftest import RAN_PROCESSES
from tests.reliability.processes import (
    KREDENSIAL,
    progress,
    read_models,
    rebuilt,
    start_worker,
    wait_until_projected,
    worker_process,
)
from tests.servers import free_port, process_env
from tests.world import UNIVERSITY, Clock, World

pytestmark = pytest.mark.postgres
KILLS = 3
# Projections in a worker process of their own, and a look-up limit no client of these tests reaches
SEPARATE_WORKER = {"KREDENSIAL_PROJECTIONS_IN_PROCESS": "0", "KREDENSIAL_SIVIL_RATE_LIMIT": "1000000/minute"}
# Small batches, so that a kill lands part way however fast the worker is (a batch commits whole or not at all).
SMALL_BATCHES = {"KREDENSIAL_WORKER_BATCH": "20"}


@pytest.fixture
def store() -> str:
    return "postgres"


def recorded_everywhere(container: Container, world: World, tmp_path: Path) -> None:
    """A record in every context (the authorization walk's world) and a PDDIKTI cohort: a few thousand events."""
    seed(container, world)
    cohort = tmp_path / "cohort.jsonl"
    write_cohort(cohort, universities=1, programmes_per_university=2, students_per_programme=40, seed=7)
    import_file(container.services.registry, cohort, actor=Actor("pddikti-import", Role.PDDIKTI_SYNC, None))


def test_a_worker_killed_mid_batch_and_restarted_ends_equal_to_a_clean_rebuild(
    container: Container, world: World, tmp_path: Path
) -> None:
    recorded_everywhere(container, world, tmp_path)
    env = process_env(container, **SEPARATE_WORKER, **SMALL_BATCHES)
    _, total = progress(container)
    killed_at = []
    for _ in range(KILLS):
        process = start_worker(env)
        started, _ = progress(container)
        while process.poll() is None:  # until it has projected something more (or all: then the loop would spin for
            done, _ = progress(container)  # ever, as a worker with nothing left to do never exits)
            if started < done or done >= total:
                break
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        killed_at.append(progress(container)[0])
    assert any(0 < at < total for at in killed_at), (killed_at, total)  # killed part way, at least once

    with worker_process(env) as process:
        wait_until_projected(container, process)
    live = read_models(container)
    assert [s.name for s in container.worker.status() if not s.healthy] == []

    assert rebuilt(container) == live
    RAN_PROCESSES.append(
        f"crashes: a worker SIGKILLed at {killed_at} of {total} projected events, restarted, equal to a clean rebuild"
    )


RESERVE = "mutation($i: ReserveNinaInput!) { reserveNina(input: $i) { __typename } }"
REGISTER = "mutation($i: EquivalencyApplicationInput!) { registerEquivalencyApplication(input: $i) { __typename } }"
BLANGKO = "mutation($i: IssueBlangkoInput!) { issueBlangko(input: $i) { __typename } }"
SECRET = "test-secret-" + "x" * 32


def commands(count: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Commands that each write several aggregates: a NINA (sequence, claim, diploma), a registration (sequence,
    application), a blangko batch (five blangko)."""
    operator = mint(SECRET, subject="op", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
    bnsp = mint(SECRET, subject="bnsp", role=Role.BNSP_OFFICER, institution=None)
    sent = []
    for i in range(count):
        applicant = mint(SECRET, subject=f"akun-{i}", role=Role.APPLICANT, institution=None)
        form = {
            "fullName": f"Rina {chr(65 + i % 26)}. Kusuma",
            "passportNumber": f"C{i:07d}",
            "country": "AU",
            "university": "The University of Melbourne",
            "programme": "Bachelor of Science",
            "level": "S1",
        }
        batch = {"lspCode": LSP, "batchReference": f"BNSP-{i:04d}", "numbers": [f"9{i:03d}{k:03d}" for k in range(5)]}
        sent += [
            (operator, RESERVE, {"universityCode": UNIVERSITY, "nim": f"2020{i:03d}"}),
            (applicant, REGISTER, form),
            (bnsp, BLANGKO, batch),
        ]
    return sent


def test_an_api_process_killed_mid_command_leaves_no_command_half_applied(
    container: Container, world: World, clock: Clock
) -> None:
    clock.now = datetime.now(UTC)
    world.university()
    world.programme()
    for i in range(40):
        world.eligible_s1(f"2020{i:03d}")
    Office(world).setup()  # the LSP whose blangko BNSP issues
    port = free_port()
    env = process_env(container, **SEPARATE_WORKER)
    acknowledged = Counter[str]()
    lock = threading.Lock()
    serve = subprocess.Popen([*KREDENSIAL, "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        url = listening(serve, port)

        def send(token: str, document: str, variables: dict[str, Any]) -> None:
            try:
                answer = httpx.post(
                    url + "/graphql", json={"query": document, "variables": {"i": variables}},
                    headers={"Authorization": f"Bearer {token}"}, timeout=30,
                ).json()["data"]  # fmt: skip
            except httpx.TransportError:
                return  # cut off: applied or not, the log must hold it whole
            name = next(iter(answer))
            with lock:
                acknowledged[f"{name}:{answer[name]['__typename']}"] += 1

        with ThreadPoolExecutor(max_workers=8) as pool:
            for token, document, variables in commands(40):
                pool.submit(send, token, document, variables)
            while sum(acknowledged.values()) < 20:  # commands answered, and more in flight
                time.sleep(0.01)
            serve.send_signal(signal.SIGKILL)
    finally:
        serve.kill()
        serve.wait(timeout=10)
    assert sum(acknowledged.values()) < len(commands(40)), acknowledged  # some were cut off

    services = container.services
    diplomas = events(services.applications["diplomas"])
    reserved = {str(e.nina) for e in diplomas if isinstance(e, Diploma.NINAReserved)}
    numbered = [e.number for e in diplomas if isinstance(e, NINASequence.NumberClaimed)]
    claimed = {str(e.nina) for e in diplomas if isinstance(e, NINAClaim.Claimed)}
    assert reserved == claimed and sorted(numbered) == list(range(1, len(reserved) + 1))
    equivalency = events(services.applications["equivalencies"])
    issued = {e.registration_number for e in equivalency if isinstance(e, RegistrationSequence.Issued)}
    registered = {e.registration_number for e in equivalency if isinstance(e, EquivalencyApplication.Registered)}
    assert issued == registered
    received = Counter(e.batch_reference for e in events(services.applications["assessments"])
                       if isinstance(e, Blangko.Received))  # fmt: skip
    assert set(received.values()) <= {5}, received
    # and every command the client was told was applied is in the log
    assert len(reserved) >= acknowledged["reserveNina:NinaAccepted"]
    assert len(registered) >= acknowledged["registerEquivalencyApplication:ApplicationAccepted"]
    assert len(received) >= acknowledged["issueBlangko:Accepted"]
    # Every context's read models take in what was written, whole, and equal a clean rebuild.
    with worker_process(env) as process:
        wait_until_projected(container, process)
    live = read_models(container)
    assert rebuilt(container) == live
    RAN_PROCESSES.append(
        f"crashes: serve SIGKILLed mid-command after {dict(acknowledged)} answers; "
        f"{len(reserved)} NINAs, {len(issued)} registrations, {len(received)} blangko batches, none half applied"
    )


def listening(process: subprocess.Popen[bytes], port: int) -> str:
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url + "/health", timeout=1)
            return url
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)


def events(app: Any) -> list[Any]:
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(start=1, limit=1_000_000)]
